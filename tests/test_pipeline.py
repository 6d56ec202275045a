"""One article → spans: offsets, regions, NFD input, and the summary projection."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from workbench.corpus import load_corpus, parse_article
from workbench.pipeline import annotate_article
from workbench.summary import mention_records, summary_record

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def annotated():
    articles = load_corpus(ROOT / "data" / "raw")[0] + load_corpus(ROOT / "data" / "dev")[0]
    return {a.file: annotate_article(a) for a in articles}


def test_pipeline_every_span_slices_the_text(annotated):
    for result in annotated.values():
        text = result.article.text
        for span in result.spans:
            assert text[span.start:span.end] == span.text, (result.article.file, span)
        for event in result.events:
            assert text[event.evidence_start:event.evidence_end] == event.evidence


def test_pipeline_spans_come_only_from_countable_regions(annotated):
    for result in annotated.values():
        allowed = [(s.start, s.end) for s in result.sentences if s.countable]
        for span in result.spans:
            assert any(s <= span.start and span.end <= e for s, e in allowed), span


def test_pipeline_teasers_and_bylines_give_nothing(annotated):
    sample = annotated["004_c5071fd96cc9d4dd.txt"]
    assert not {"Mandalay", "Brussels", "Canada", "Philippines"} & {s.value for s in sample.spans}
    byline = annotated["003_c8cf45b9de49614a.txt"]
    assert "2023-11-04" not in {s.value for s in byline.of_kind("date")}


def test_pipeline_nfd_text_annotates_like_nfc():
    nfc = (" date 2025-10-22 Hôm 21.10, Ngoại trưởng Nga Sergei Lavrov cho biết ông đã điện đàm với "
           "Ngoại trưởng Mỹ Marco Rubio. Hai ông dự kiến gặp nhau tại Budapest.")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    a, b = annotate_article(parse_article(nfc, "a.txt")), annotate_article(parse_article(nfd, "a.txt"))
    assert [(s.kind, s.value) for s in a.spans] == [(s.kind, s.value) for s in b.spans]
    for span in b.spans:
        assert nfd[span.start:span.end] == span.text
        assert unicodedata.normalize("NFC", span.text) == nfc[a.spans[b.spans.index(span)].start:
                                                               a.spans[b.spans.index(span)].end]
    assert [e.type for e in a.events] == [e.type for e in b.events]
    assert "nfd_text" in b.article.flags


def test_pipeline_summary_is_a_projection_of_the_spans(annotated):
    result = annotated["001_cce5efceac6dbc63.txt"]
    record = summary_record(result)
    assert record["file"] == "001_cce5efceac6dbc63.txt" and record["published"] == "2025-10-22"
    persons = {s.value for s in result.of_kind("person")}
    assert {group[0] for group in record["persons"]} == persons
    assert set(record["dates"]) == {s.value for s in result.of_kind("date")}
    assert len(record["events"]) == len(result.events)
    json.dumps(record, ensure_ascii=False)
    rows = mention_records(result)
    assert len(rows) == len(result.spans) and {r["kind"] for r in rows} <= {"person", "place", "organization", "date"}


def test_pipeline_is_a_pure_function_of_the_article(annotated):
    article = load_corpus(ROOT / "data" / "raw")[0][1]
    before = (article.text, list(article.regions), list(article.flags))
    first, second = annotate_article(article), annotate_article(article)
    assert [s.to_record() for s in first.spans] == [s.to_record() for s in second.spans]
    assert (article.text, article.regions, article.flags) == before


def test_table_records_have_exactly_the_schema_columns():
    # the tables are built with a fixed schema, which would silently drop a key it does not name
    from workbench.corpus import parse_article
    from workbench.pipeline import annotate_article
    from workbench.summary import TABLE_COLUMNS, article_record, mention_records, sentence_records

    text = (" date 2025-10-22 Hôm 21.10, Tổng thống Mỹ Donald Trump cho biết ông sẽ gặp Tổng thống Nga "
            "Vladimir Putin tại Budapest. Ngoại trưởng Marco Rubio đã điện đàm với ông Sergei Lavrov.")
    annotation = annotate_article(parse_article(text, "x.txt"))
    rows = {"articles": [article_record(annotation)], "sentences": sentence_records(annotation),
            "mentions": mention_records(annotation)}
    for name, records in rows.items():
        assert records, name
        for record in records:
            assert list(record) == list(TABLE_COLUMNS[name]), name
