"""Projections of annotations: table records and the gold-format summary.

Nothing here finds anything: every value is read off the spans and events of
:class:`~workbench.pipeline.ArticleAnnotation`, so the tables, the summary and
the evaluation sets cannot disagree.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from typing import Any

from .pipeline import ArticleAnnotation

#: Span attributes promoted to their own columns in the mentions table.
MENTION_COLUMNS = ("role", "side", "surname_key", "precision", "relative", "country", "lat", "lon",
                   "wikidata", "sentence_index")


_KEYS = {"article_id": "string", "file": "string", "published": "string"}

#: Columns of the per-article tables a run writes, in order, with their Arrow types: every record
#: below has exactly these keys, so that each article's rows can be built in the worker that
#: annotated it and written without re-inferring types.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "articles": {"article_id": "string", "file": "string", "path": "string", "published": "string",
                 "published_source": "string", "title": "string", "n_chars": "int64",
                 "body_start": "int64", "body_end": "int64", "chars_cut": "int64", "n_teasers": "int64",
                 "regions": "string", "flags": "string", "content_hash": "string", "text": "string"},
    "sentences": {**_KEYS, "sentence_index": "int64", "start": "int64", "end": "int64", "region": "string",
                  "text": "string"},
    "mentions": {**_KEYS, "start": "int64", "end": "int64", "text": "string", "kind": "string",
                 "value": "string", **{column: "string" for column in MENTION_COLUMNS}, "lat": "float64",
                 "lon": "float64", "sentence_index": "int64", "attrs": "string"},
}


@cache
def table_schema(name: str):
    """The ``pyarrow.Schema`` of table ``name`` (see :data:`TABLE_COLUMNS`)."""
    import pyarrow as pa

    return pa.schema([(column, getattr(pa, kind)()) for column, kind in TABLE_COLUMNS[name].items()])


def article_record(annotation: ArticleAnnotation) -> dict[str, Any]:
    """One row of the ``articles`` table."""
    a = annotation.article
    regions = a.regions
    cut = sum(e - s for s, e, label in regions if label in ("boilerplate", "teaser", "byline", "header"))
    return {
        "article_id": a.article_id, "file": a.file, "path": a.path, "published": a.published,
        "published_source": a.published_source, "title": a.title, "n_chars": len(a.text),
        "body_start": a.body_start, "body_end": a.body_end, "chars_cut": cut,
        "n_teasers": sum(1 for _, _, label in regions if label == "teaser"),
        "regions": json.dumps(regions), "flags": ",".join(a.flags), "content_hash": a.content_hash,
        "text": a.text,
    }


def mention_records(annotation: ArticleAnnotation) -> list[dict[str, Any]]:
    """Rows of the ``mentions`` table: one per span."""
    a = annotation.article
    rows = []
    for span in annotation.spans:
        extra = {k: v for k, v in span.attrs.items() if k not in MENTION_COLUMNS}
        row = {"article_id": a.article_id, "file": a.file, "published": a.published,
               "start": span.start, "end": span.end, "text": span.text, "kind": span.kind,
               "value": span.value}
        for column in MENTION_COLUMNS:
            value = span.attrs.get(column)
            row[column] = None if value is None else (value if column in ("lat", "lon", "sentence_index")
                                                      else str(value))
        row["attrs"] = json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str)
        rows.append(row)
    return rows


def sentence_records(annotation: ArticleAnnotation) -> list[dict[str, Any]]:
    """Rows of the ``sentences`` table (countable and not), with their text."""
    a = annotation.article
    return [{"article_id": a.article_id, "file": a.file, "published": a.published,
             "sentence_index": s.index, "start": s.start, "end": s.end, "region": s.region,
             "text": a.text[s.start:s.end]} for s in annotation.sentences]


def event_records(annotation: ArticleAnnotation) -> list[dict[str, Any]]:
    """Rows of the per-article ``events`` table (before merging across articles)."""
    a = annotation.article
    rows = []
    for index, event in enumerate(annotation.events):
        row = asdict(event)
        row.pop("attrs")
        row["attrs"] = json.dumps(event.attrs, ensure_ascii=False, sort_keys=True, default=str)
        row.update(article_id=a.article_id, file=a.file, published=a.published, event_index=index)
        rows.append(row)
    return rows


def person_groups(annotation: ArticleAnnotation) -> list[list[str]]:
    """The article's persons as gold-format groups: canonical name, then variants seen."""
    groups: dict[str, list[str]] = {}
    for span in annotation.of_kind("person"):
        group = groups.setdefault(span.value, [span.value])
        for variant in [span.text, *span.attrs.get("variants", [])]:
            if variant.strip() and variant not in group:
                group.append(variant)
    return list(groups.values())


def summary_record(annotation: ArticleAnnotation, keys: dict[int, str] | None = None) -> dict[str, Any]:
    """One line of ``summary.jsonl`` in the format of ``ANNOTATION_GUIDE.md``.

    ``keys`` maps an event's index in the article to its merged real-world id.
    """
    keys = keys or {}
    events = []
    for index, event in enumerate(annotation.events):
        events.append({"type": event.type, "status": event.status, "date": event.date,
                       "venue": event.venue, "participants": list(event.participants),
                       "evidence": event.evidence, "key": keys.get(index, event.key)})
    return {
        "file": annotation.article.file,
        "published": annotation.article.published,
        "persons": person_groups(annotation),
        "dates": sorted({span.value for span in annotation.of_kind("date")}),
        "venues": annotation.venues,
        "events": events,
    }
