"""Browse an annotated corpus: filters over the tables, highlighted sentences, one article in full.

:class:`Explorer` holds the filter state (actors, a date range over the
publication or the event date, venues, event types and statuses, words searched
in the sentences) and answers with pandas frames and HTML strings; it never
re-annotates. What it filters on is prepared once when it is built (integer
codes for articles, values and dates, mentions indexed by sentence, event
reports by participant and by the sentences of their evidence; the folded text
on the first text search), so a change of filter is a handful of vectorised
masks: milliseconds on 10,000 articles.

:class:`ExplorerWidget` wires ipywidgets controls to an explorer. Displayed in
a notebook it also carries a static HTML snapshot of the same view, so the page
rendered without a kernel (``workbench report``) shows the table and the
highlighted sentences instead of an empty gap.

Spans are highlighted as ``<mark class="person|place|date|organization">``,
everything else is escaped; each sentence links to its article file with an
RFC 5147 fragment giving its character range (``000.txt#char=120,245``).
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .analysis import (NOTHING_MATCHES, SIDE_VI, STATUS_COLOURS, STATUS_VI, TYPE_VI, Tables, as_list,
                       match_names, parse_date, period_bounds, record, resolve_folder)
from .errors import ParameterError
from .model import COUNTABLE_REGIONS, fold

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

#: Which date a date range applies to: the article's publication date or the event's own date.
DATE_FIELDS = {"published": "ngày đăng bài", "event": "ngày sự kiện"}

#: Highlight colours per mention kind; earlier kinds win where two spans overlap.
KIND_STYLES = {
    "person": "background:#cfe2ff;border-bottom:2px solid #1f5fbf",
    "place": "background:#c9ecd3;border-bottom:2px solid #2a7f3f",
    "date": "background:#ffe2a8;border-bottom:2px solid #d68910",
    "organization": "background:#eadcf8;border-bottom:2px solid #7d3c98",
}
KIND_VI = {"person": "nhân vật", "place": "địa điểm", "date": "ngày tháng", "organization": "tổ chức"}
HIT_STYLE = "font-weight:bold;text-decoration:underline"

#: Regions shown at full strength in an article; the others (header, boilerplate, teaser …) are dimmed.
DIMMED_STYLE = "opacity:0.45"
REGION_VI = {"title": "tiêu đề", "body": "thân bài", "caption": "chú thích ảnh", "header": "dòng đầu (crawl)",
             "byline": "tác giả/ngày", "credit": "nguồn ảnh", "boilerplate": "phần lặp của trang",
             "teaser": "giới thiệu bài khác"}

#: Sentences, events and articles listed at the most in one view (the counts cover every match).
DEFAULT_LIMIT = 50
EVENTS_LIMIT = 100
ARTICLES_LIMIT = 200

_BOX = "font-family:sans-serif;font-size:13px;line-height:1.5"


# ---------------------------------------------------------------- folding and highlighting

def fold_series(texts: "pd.Series") -> "pd.Series":
    """:func:`~workbench.model.fold` over a whole column, in Arrow compute (ends not stripped).

    >>> import pandas as pd
    >>> fold_series(pd.Series(["Đàm phán ở Abu Dhabi", None])).tolist()
    ['dam phan o abu dhabi', '']
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(texts.fillna("").astype("str"), type=pa.string())
    array = pc.replace_substring(pc.replace_substring(array, "Đ", "D"), "đ", "d")
    array = pc.replace_substring_regex(pc.utf8_normalize(array, "NFD"), r"\p{Mn}+", "")
    array = pc.utf8_lower(pc.utf8_normalize(array, "NFC"))
    return pd.Series(array, index=texts.index, dtype=pd.StringDtype("pyarrow", na_value=float("nan")))


def find_folded(text: str, query: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` whose folded form contains the folded ``query``.

    >>> find_folded("Đàm phán ở Abu Dhabi", "dam phan")
    [(0, 8)]
    """
    needle = fold(query) if query else ""
    if not needle:
        return []
    pieces, owner = [], []
    for index, char in enumerate(text):
        piece = char.lower() if char.isspace() else fold(char)
        pieces.append(piece)
        owner.extend([index] * len(piece))
    folded = "".join(pieces)
    hits, at = [], folded.find(needle)
    while at >= 0:
        last = at + len(needle) - 1
        hits.append((owner[at], owner[last] + 1))
        at = folded.find(needle, at + len(needle))
    return hits


def _with_hits(text: str, start: int, end: int, hits: Sequence[tuple[int, int]]) -> str:
    """``text[start:end]`` escaped, with the search hits inside it emphasised."""
    out, at = [], start
    for lo, hi in hits:
        lo, hi = max(lo, start), min(hi, end)
        if lo >= hi or lo < at:
            continue
        out.append(escape(text[at:lo], quote=False))
        out.append(f'<span class="hit" style="{HIT_STYLE}">{escape(text[lo:hi], quote=False)}</span>')
        at = hi
    out.append(escape(text[at:end], quote=False))
    return "".join(out)


def highlight_html(text: str, spans: Iterable[tuple[int, int, str, str]],
                   hits: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` as HTML with each span wrapped in ``<mark class="KIND">`` and everything else escaped.

    Parameters
    ----------
    text : str
        The text to show (a sentence, or a whole article).
    spans : iterable of (start, end, kind, title)
        Offsets into ``text``; ``kind`` is ``person``, ``place``, ``date`` or
        ``organization`` (others are left plain); ``title`` is the tooltip
        (canonical name, ISO date …). Where spans overlap, the one starting
        first wins, then the kind listed first in :data:`KIND_STYLES`.
    hits : sequence of (start, end)
        Ranges of a text search, emphasised inside or outside the marks.

    >>> html = highlight_html("Ông Witkoff <tới> Miami", [(4, 11, "person", "Steve Witkoff")])
    >>> html.replace(KIND_STYLES["person"], "…")
    'Ông <mark class="person" style="…" title="Steve Witkoff">Witkoff</mark> &lt;tới&gt; Miami'
    """
    order = {kind: rank for rank, kind in enumerate(KIND_STYLES)}
    chosen, reached = [], 0
    for start, end, kind, title in sorted((s for s in spans if s[2] in KIND_STYLES),
                                          key=lambda s: (s[0], order[s[2]], -(s[1] - s[0]))):
        if start >= reached and 0 <= start < end <= len(text):
            chosen.append((start, end, kind, title))
            reached = end
    hits = sorted(hits)
    out, at = [], 0
    for start, end, kind, title in chosen:
        out.append(_with_hits(text, at, start, hits))
        out.append(f'<mark class="{kind}" style="{KIND_STYLES[kind]}" title="{escape(title)}">'
                   f'{_with_hits(text, start, end, hits)}</mark>')
        at = end
    out.append(_with_hits(text, at, len(text), hits))
    return "".join(out)


def legend_html() -> str:
    """The colour key of the highlights."""
    marks = " ".join(f'<mark class="{kind}" style="{style}">{KIND_VI[kind]}</mark>'
                     for kind, style in KIND_STYLES.items())
    return f'<div class="workbench-legend" style="{_BOX}">Chú thích: {marks} · <span style="{HIT_STYLE}">' \
           f'từ tìm kiếm</span></div>'


def nothing_matches_html(detail: str) -> str:
    """The explicit empty-selection box (the same wording the analysis notebooks record)."""
    return (f'<div class="workbench-nothing" style="padding:.6em;border:1px solid #d68910;background:#fff8e6;'
            f'{_BOX}"><b>{escape(NOTHING_MATCHES)}</b> — {escape(detail)}<br/>'
            f'Không có dữ liệu nào khớp với lựa chọn.</div>')


# ---------------------------------------------------------------- filter state

@dataclass(frozen=True)
class Filters:
    """One checked filter state; empty values mean "no restriction"."""

    actors: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    date_field: str = "published"
    venues: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""
    all_regions: bool = False

    def describe(self) -> str:
        """One line naming the filters, for headings and the "nothing matches" box."""
        parts = [f"{self.start or '…'} → {self.end or '…'} ({DATE_FIELDS[self.date_field]})"]
        for label, values in (("actors", self.actors), ("venues", self.venues), ("types", self.event_types),
                              ("statuses", self.statuses)):
            if values:
                parts.append(f"{label}: {', '.join(values)}")
        if self.text:
            parts.append(f"text: {self.text!r}")
        if self.all_regions:
            parts.append("all regions")
        return "; ".join(parts)


@dataclass
class _Masks:
    sentences: "np.ndarray"
    reports: "np.ndarray"


@dataclass(eq=False, repr=False)
class Explorer:
    """Filters over the tables of one annotated corpus, answering with frames and HTML.

    Parameters
    ----------
    tables : Tables
        From :func:`workbench.analysis.open_tables` or :func:`~workbench.analysis.load_tables`.
    corpus_dir : str, optional
        Folder of the article files, for the links (default: each article's recorded ``path``).
    link_base : str, optional
        Folder the links are relative to (default: the working folder, which is the
        notebook's folder in JupyterLab).

    Sentences match when every filter holds for them: they name one of the
    ``actors`` (a person mention) and one of the ``venues`` (a place mention);
    with ``date_field="published"`` their article was published in the range,
    with ``"event"`` they name a date overlapping it; with event types or
    statuses they lie in the evidence of a matching event report; their folded
    text contains the folded ``text``. Only title, body and caption sentences
    count unless ``all_regions``. Event reports match on participants, venue,
    publication or own date, type, status and evidence text.
    """

    tables: Tables
    corpus_dir: str | None = None
    link_base: str | None = None
    filters: Filters = field(default_factory=Filters, init=False)

    def __post_init__(self) -> None:
        self._prepare()
        self._masks: _Masks | None = None

    def __repr__(self) -> str:
        return f"Explorer({len(self._articles)} articles, {len(self._sentences)} sentences; {self.describe()})"

    # ------------------------------------------------------------ preparation (once)

    def _prepare(self) -> None:
        import numpy as np
        import pandas as pd

        t = self.tables
        articles = t.articles.set_index("article_id", drop=False)
        self._articles = articles
        article_code = pd.Index(articles.index).get_indexer

        sentences = t.sentences.sort_values(["published", "file", "article_id", "sentence_index"],
                                            na_position="last", kind="stable").reset_index(drop=True)
        self._sentences = sentences
        self._s_article = article_code(sentences["article_id"]).astype(np.int64)
        self._s_day = _day_numbers(sentences["published"])
        self._countable = sentences["region"].isin(COUNTABLE_REGIONS).to_numpy()
        key = (self._s_article << 24) + sentences["sentence_index"].to_numpy(dtype=np.int64)
        by_key = np.argsort(key, kind="stable")
        # sentences of one article are contiguous (sorted by file, then article): its first and end rows
        self._a_first = np.full(len(articles), 0, dtype=np.int64)
        self._a_end = np.full(len(articles), 0, dtype=np.int64)
        codes, first, size = np.unique(self._s_article, return_index=True, return_counts=True)
        keep = codes >= 0
        self._a_first[codes[keep]], self._a_end[codes[keep]] = first[keep], first[keep] + size[keep]

        mentions = t.mentions
        m_article = article_code(mentions["article_id"]).astype(np.int64)
        m_key = (m_article << 24) + mentions["sentence_index"].fillna(-1).to_numpy(dtype=np.int64)
        at = np.searchsorted(key[by_key], m_key).clip(0, max(len(key) - 1, 0))
        found = (key[by_key][at] == m_key) if len(key) else np.zeros(len(m_key), dtype=bool)
        srow = np.where(found, by_key[at] if len(key) else 0, -1)
        order = np.lexsort((mentions["start"].to_numpy(), srow))
        order = order[srow[order] >= 0]
        shown = [c for c in ("start", "end", "kind", "value", "side", "role", "precision") if c in mentions]
        self._mentions = mentions[shown].iloc[order].reset_index(drop=True)
        self._m_srow = srow[order]
        m = self._mentions
        kind = m["kind"].to_numpy(dtype=object)
        self._m_person, self._m_place, self._m_date = (kind == "person"), (kind == "place"), (kind == "date")
        self._m_value, self._value_names = pd.factorize(m["value"])
        self._m_first, self._m_last = _bound_numbers(m["value"].where(self._m_date))

        events = t.events.reset_index(drop=True)
        self._events = events
        self._e_article = article_code(events["article_id"]).astype(np.int64)
        self._e_day = _day_numbers(events["published"])
        self._e_first, self._e_last = _bound_numbers(events["date"])
        self._e_event, self._event_ids = pd.factorize(events["event_id"])
        self._e_file, self._file_names = pd.factorize(events["file"], sort=True)
        self._event_table = self._merged_events(events, t.event_groups)
        people = events["participants"].explode().dropna()
        self._p_event = people.index.to_numpy(dtype=np.int64)
        self._p_name = people.astype("str").to_numpy(dtype=object)
        # evidence → sentences: every sentence of the report's article that overlaps its evidence
        valid = self._e_article >= 0
        rows = np.flatnonzero(valid)
        lo, hi = self._a_first[self._e_article[rows]], self._a_end[self._e_article[rows]]
        sizes = hi - lo
        erow = np.repeat(rows, sizes)
        srows = np.repeat(lo, sizes) + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))
        starts = sentences["start"].to_numpy(dtype=np.int64)
        ends = sentences["end"].to_numpy(dtype=np.int64)
        overlap = ((starts[srows] < events["evidence_end"].to_numpy(dtype=np.int64)[erow])
                   & (ends[srows] > events["evidence_start"].to_numpy(dtype=np.int64)[erow]))
        self._ev_event, self._ev_sentence = erow[overlap], srows[overlap]

        persons = t.persons()
        sides = persons.dropna(subset=["side"])
        sides = sides[sides["side"] != ""].groupby("value")["side"].agg(lambda s: s.value_counts().index[0])
        counts = persons.groupby("value").size().sort_values(ascending=False, kind="stable")
        self._actors = [(name, str(sides.get(name, "")), int(n)) for name, n in counts.items()]
        self._known_actors = t.known_actors()
        self._venues = t.known_venues()
        seen = set(self._s_article[self._s_article >= 0].tolist())
        ordered = list(dict.fromkeys(self._s_article[self._s_article >= 0].tolist()))
        self._article_order = np.array(ordered + [a for a in range(len(articles)) if a not in seen], dtype=np.int64)
        self._corpus = resolve_folder("corpus_dir", self.corpus_dir) if self.corpus_dir else None
        self._link_base = Path(self.link_base or os.getcwd())
        self._article_mentions: dict | None = None
        self._folded_text: tuple | None = None

    def _folded(self) -> tuple["pd.Series", "pd.Series"]:
        """Folded sentence and evidence text, computed on the first text search (≈ 2 s per 300,000 sentences)."""
        if self._folded_text is None:
            self._folded_text = (fold_series(self._sentences["text"]), fold_series(self._events["evidence"]))
        return self._folded_text

    def _merged_events(self, events: "pd.DataFrame", groups: "pd.DataFrame") -> "pd.DataFrame":
        """One display row per event id (by code): the merged event's fields, else its first report's."""
        import pandas as pd

        columns = ["event_id", "date", "type", "status", "venue", "participants"]
        fields = {row.event_id: row for row in events.drop_duplicates("event_id")[columns].itertuples()}
        if len(groups):
            fields.update({row.event_id: row for row in groups.drop_duplicates("event_id")[columns].itertuples()})
        rows = [fields[event_id] for event_id in self._event_ids]
        table = pd.DataFrame({
            "event_id": list(self._event_ids),
            "date": [_text(r.date) for r in rows],
            "type": [TYPE_VI.get(r.type, r.type) for r in rows],
            "status": [STATUS_VI.get(r.status, r.status) for r in rows],
            "venue": [_text(r.venue) for r in rows],
            "participants": [", ".join(as_list(r.participants)) for r in rows],
        })
        order = table.assign(undated=table["date"] == "").sort_values(["undated", "date", "event_id"]).index
        table["rank"] = 0
        table.loc[order, "rank"] = range(len(table))
        return table

    # ------------------------------------------------------------ filter state

    def set_filters(self, **changes: Any) -> "Explorer":
        """Check and apply filter values; unchanged filters keep their value.

        Keywords: ``actors``, ``start_date``, ``end_date``, ``date_field``,
        ``venues``, ``event_types``, ``statuses``, ``text``, ``all_regions``.
        Names are matched as in the notebooks (folded, or by a unique surname).

        Raises
        ------
        ParameterError
            Unknown keyword, actor, venue, type or status; bad date; end before start.
        """
        current = self.filters
        values: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "actors":
                values["actors"] = tuple(match_names("actors", as_list(value), self._known_actors, "actor"))
            elif name == "venues":
                values["venues"] = tuple(match_names("venues", as_list(value), self._venues, "venue"))
            elif name == "event_types":
                values["event_types"] = tuple(match_names("event_types", as_list(value), TYPE_VI, "event type"))
            elif name == "statuses":
                values["statuses"] = tuple(match_names("statuses", as_list(value), STATUS_VI, "status"))
            elif name in ("start_date", "end_date"):
                values[name[:-5]] = parse_date(name, value)
            elif name == "date_field":
                if value not in DATE_FIELDS:
                    raise ParameterError(name, value, f"expected one of {', '.join(DATE_FIELDS)}")
                values[name] = value
            elif name == "text":
                if not isinstance(value, str):
                    raise ParameterError(name, value, "expected a string")
                values[name] = value.strip()
            elif name == "all_regions":
                values[name] = bool(value)
            else:
                raise ParameterError(name, value, "no such filter")
        state = replace(current, **values)
        if state.start and state.end and state.end < state.start:
            raise ParameterError("end_date", state.end.isoformat(), f"is before start_date {state.start}")
        if state != current:
            self.filters = state
            self._masks = None
        return self

    def reset(self) -> "Explorer":
        """Back to no filter at all."""
        self.filters = Filters()
        self._masks = None
        return self

    def describe(self) -> str:
        return self.filters.describe()

    def actor_choices(self) -> list[tuple[str, str, int]]:
        """``(canonical name, side, mentions)`` of every person, most mentioned first."""
        return list(self._actors)

    def venue_choices(self) -> list[str]:
        return list(self._venues)

    # ------------------------------------------------------------ masks

    @staticmethod
    def _rows_in(rows: "np.ndarray", size: int) -> "np.ndarray":
        import numpy as np

        mask = np.zeros(size, dtype=bool)
        mask[rows] = True
        return mask

    def _values(self, names: Iterable[str]) -> "np.ndarray":
        """Mentions whose canonical value is one of ``names``."""
        import numpy as np

        names = set(names)
        wanted = [i for i, v in enumerate(self._value_names) if v in names]
        return np.isin(self._m_value, wanted)

    def _compute(self) -> _Masks:
        import numpy as np

        if self._masks is not None:
            return self._masks
        f = self.filters
        n_sentences, n_reports = len(self._sentences), len(self._events)
        sentences = np.ones(n_sentences, dtype=bool) if f.all_regions else self._countable.copy()
        reports = np.ones(n_reports, dtype=bool)
        if f.actors:
            sentences &= self._rows_in(self._m_srow[self._m_person & self._values(f.actors)], n_sentences)
            reports &= self._rows_in(self._p_event[np.isin(self._p_name, list(f.actors))], n_reports)
        if f.venues:
            sentences &= self._rows_in(self._m_srow[self._m_place & self._values(f.venues)], n_sentences)
            reports &= self._events["venue"].isin(f.venues).to_numpy(dtype=bool)
        if f.start or f.end:
            lo = _day_number(f.start) if f.start else 1
            hi = _day_number(f.end) if f.end else 99991231
            if f.date_field == "published":
                sentences &= (self._s_day >= lo) & (self._s_day <= hi)
                reports &= (self._e_day >= lo) & (self._e_day <= hi)
            else:
                hit = self._m_date & (self._m_last >= lo) & (self._m_first <= hi) & (self._m_first > 0)
                sentences &= self._rows_in(self._m_srow[hit], n_sentences)
                reports &= (self._e_last >= lo) & (self._e_first <= hi) & (self._e_first > 0)
        if f.event_types or f.statuses:
            kept = np.ones(n_reports, dtype=bool)
            if f.event_types:
                kept &= self._events["type"].isin(f.event_types).to_numpy(dtype=bool)
            if f.statuses:
                kept &= self._events["status"].isin(f.statuses).to_numpy(dtype=bool)
            reports &= kept
            sentences &= self._rows_in(self._ev_sentence[kept[self._ev_event]], n_sentences)
        needle = fold(f.text) if f.text else ""
        if needle:
            folded_sentences, folded_evidence = self._folded()
            sentences &= folded_sentences.str.contains(needle, regex=False).to_numpy(dtype=bool)
            reports &= folded_evidence.str.contains(needle, regex=False).to_numpy(dtype=bool)
        self._masks = _Masks(sentences, reports)
        return self._masks

    def _article_mask(self) -> "np.ndarray":
        """Articles with a matching sentence or report."""
        masks = self._compute()
        present = self._rows_in(self._s_article[masks.sentences], len(self._articles))
        present |= self._rows_in(self._e_article[masks.reports], len(self._articles))
        return present

    # ------------------------------------------------------------ frames

    def sentences(self) -> "pd.DataFrame":
        """Matching sentences in publication order: file, published, index, offsets, region, text."""
        frame = self._sentences.loc[self._compute().sentences]
        return frame[["article_id", "file", "published", "sentence_index", "start", "end", "region", "text"]]

    def reports(self) -> "pd.DataFrame":
        """Matching event reports (one row per article report)."""
        return self._events.loc[self._compute().reports]

    def events(self) -> "pd.DataFrame":
        """One row per merged event with a matching report, in date order (undated last).

        Columns ``event_id``, ``date``, ``type`` and ``status`` (Vietnamese labels),
        ``venue``, ``participants``, ``reports`` (matching reports), ``files``.
        """
        import numpy as np

        rows = np.flatnonzero(self._compute().reports & (self._e_event >= 0))
        codes = self._e_event[rows]
        counted = np.bincount(codes, minlength=len(self._event_ids))
        present = np.flatnonzero(counted)
        present = present[np.argsort(self._event_table["rank"].to_numpy()[present], kind="stable")]
        # files per event: unique (event, file) pairs, sorted by file name
        width = max(len(self._file_names), 1)
        pairs = np.unique(codes * width + self._e_file[rows])
        names = self._file_names.to_numpy(dtype=object)[pairs % width]
        cuts = np.flatnonzero(np.diff(pairs // width)) + 1
        files = dict(zip(np.unique(pairs // width).tolist(), (", ".join(n) for n in np.split(names, cuts))))
        frame = self._event_table.iloc[present].drop(columns="rank")
        return frame.assign(reports=counted[present], files=[files[c] for c in present.tolist()]) \
            .reset_index(drop=True)

    def articles(self) -> "pd.DataFrame":
        """Articles with a matching sentence or event report, in the order of their sentences."""
        present = self._article_mask()
        order = self._article_order[present[self._article_order]]
        return self._articles.iloc[order][["article_id", "file", "published", "title"]].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """How much matches: articles, sentences, event reports, merged events, mentions by kind."""
        import numpy as np

        masks = self._compute()
        in_sentences = masks.sentences[self._m_srow]
        persons = self._m_value[in_sentences & self._m_person]
        return {"articles": int(self._article_mask().sum()), "sentences": int(masks.sentences.sum()),
                "event_reports": int(masks.reports.sum()),
                "events": int(len(np.unique(self._e_event[masks.reports & (self._e_event >= 0)]))),
                "person_mentions": int(len(persons)),
                "place_mentions": int((in_sentences & self._m_place).sum()),
                "date_mentions": int((in_sentences & self._m_date).sum()),
                "persons": int(len(np.unique(persons)))}

    @property
    def is_empty(self) -> bool:
        """No sentence and no event report matches."""
        masks = self._compute()
        return not masks.sentences.any() and not masks.reports.any()

    # ------------------------------------------------------------ HTML

    def link(self, article_id: str, start: int, end: int) -> str:
        """Relative link to the article file with its character range (RFC 5147 fragment)."""
        row = self._articles.loc[article_id]
        path = Path(self._corpus / row["file"]) if self._corpus else Path(str(row["path"]))
        if not path.is_absolute():
            path = Path.cwd() / path
        target = Path(os.path.relpath(path, self._link_base)).as_posix()
        return f"{target}#char={int(start)},{int(end)}"

    def _sentence_spans(self, srow: int, offset: int) -> list[tuple[int, int, str, str]]:
        import numpy as np

        lo, hi = np.searchsorted(self._m_srow, [srow, srow + 1])
        rows = self._mentions.iloc[lo:hi]
        return [(int(r.start) - offset, int(r.end) - offset, r.kind, _title(r)) for r in rows.itertuples()]

    def sentences_html(self, limit: int = DEFAULT_LIMIT) -> str:
        """The first ``limit`` matching sentences, highlighted, each linked to its article and position."""
        import numpy as np

        positions = np.flatnonzero(self._compute().sentences)
        if not len(positions):
            return nothing_matches_html(f"no sentence ({self.describe()})")
        items = []
        for srow in positions[:limit]:
            row = self._sentences.iloc[int(srow)]
            spans = self._sentence_spans(int(srow), int(row["start"]))
            body = highlight_html(row["text"], spans, find_folded(row["text"], self.filters.text))
            href = escape(self.link(row["article_id"], row["start"], row["end"]))
            where = f'{row["file"]} · {_text(row["published"]) or "không rõ ngày"} · ký tự {row["start"]}–{row["end"]}'
            items.append(f'<li class="workbench-sentence" data-article="{escape(row["article_id"])}" '
                         f'data-start="{row["start"]}" style="margin:.3em 0">{body} '
                         f'<a class="workbench-source" href="{href}" target="_blank" '
                         f'style="color:#666;font-size:11px;text-decoration:none">[{escape(where)}]</a></li>')
        more = len(positions) - min(limit, len(positions))
        tail = f'<p style="color:#666">… và {more} câu nữa (tổng {len(positions)}).</p>' if more else ""
        return f'<ol class="workbench-sentences" style="{_BOX}">{"".join(items)}</ol>{tail}'

    def events_html(self, limit: int = EVENTS_LIMIT) -> str:
        """The matching merged events as an HTML table (the first ``limit`` rows)."""
        frame = self.events()
        if frame.empty:
            return nothing_matches_html(f"no event ({self.describe()})")
        more = len(frame) - min(limit, len(frame))
        table = frame.head(limit).to_html(index=False, classes="workbench-events", escape=True)
        tail = f'<p style="color:#666">… và {more} sự kiện nữa.</p>' if more else ""
        return f'<div style="{_BOX};overflow-x:auto">{table}</div>{tail}'

    def counts_html(self) -> str:
        """The counts as one line."""
        c = self.counts()
        return (f'<div class="workbench-counts" style="{_BOX}"><b>{c["articles"]}</b> bài · '
                f'<b>{c["sentences"]}</b> câu · <b>{c["event_reports"]}</b> bản tin sự kiện → '
                f'<b>{c["events"]}</b> sự kiện · <b>{c["persons"]}</b> nhân vật '
                f'({c["person_mentions"]} lần nhắc) · {c["place_mentions"]} địa danh · '
                f'{c["date_mentions"]} ngày tháng</div>')

    def choose_article(self, value: str = "") -> str:
        """The ``article_id`` of an article given by file name, stem or id; "" gives the first match.

        Raises
        ------
        ParameterError
            ``value`` names no article of the tables.
        """
        if not isinstance(value, str):
            raise ParameterError("article", value, "expected a file name or article_id")
        value = value.strip()
        if not value:
            matching = self.articles()
            if len(matching):
                return str(matching["article_id"].iloc[0])
            return str(self._articles.index[self._article_order[0]]) if len(self._article_order) else ""
        a = self._articles
        for column in ("article_id", "file"):
            hits = a[a[column] == value]
            if len(hits):
                return str(hits["article_id"].iloc[0])
        stem = value.removesuffix(".txt")
        hits = a[a["file"].str.removesuffix(".txt") == stem]
        if len(hits):
            return str(hits["article_id"].iloc[0])
        hits = a[a["file"].str.startswith(stem)]
        if len(hits) == 1:
            return str(hits["article_id"].iloc[0])
        reason = "matches several articles" if len(hits) else "no such article"
        sample = ", ".join((hits if len(hits) else a)["file"].head(8))
        raise ParameterError("article", value, f"{reason}; e.g. {sample}")

    def article_label(self, article_id: str) -> str:
        """``file — title`` (the file alone when the article has no title)."""
        row = self._articles.loc[article_id]
        return f'{row["file"]} — {row["title"]}' if isinstance(row["title"], str) and row["title"] else str(row["file"])

    def article_html(self, article_id: str) -> str:
        """One article in full: annotations highlighted, regions outside title, body and captions dimmed."""
        if article_id not in self._articles.index:
            return nothing_matches_html(f"no article {article_id!r}")
        row = self._articles.loc[article_id]
        text = row["text"]
        if self._article_mentions is None:
            self._article_mentions = self.tables.mentions.groupby("article_id").indices
        mentions = self.tables.mentions.iloc[self._article_mentions.get(article_id, [])]
        spans = [(int(r.start), int(r.end), r.kind, _title(r)) for r in mentions.itertuples()]
        hits = find_folded(text, self.filters.text)
        regions = sorted((int(a), int(b), str(label)) for a, b, label in json.loads(row["regions"] or "[]"))
        pieces, at = [], 0
        for start, end, label in regions + [(len(text), len(text), "")]:
            if start > at:
                pieces.append(self._region_html(text, at, start, "", spans, hits))
            start = max(start, at)
            if end > start:
                pieces.append(self._region_html(text, start, end, label, spans, hits))
            at = max(at, end)
        head = (f'<div style="{_BOX};color:#444"><b>{escape(row["file"])}</b> · '
                f'{escape(_text(row["published"]) or "không rõ ngày đăng")} · {len(text)} ký tự · '
                f'<span style="{DIMMED_STYLE}">mờ: phần ngoài bài</span></div>')
        return (f'{head}<div class="workbench-article" data-article="{escape(article_id)}" '
                f'style="{_BOX};white-space:pre-wrap;border:1px solid #ddd;padding:.6em">{"".join(pieces)}</div>')

    @staticmethod
    def _region_html(text: str, start: int, end: int, label: str, spans: list, hits: list) -> str:
        inner = [(s - start, e - start, k, t) for s, e, k, t in spans if s >= start and e <= end]
        body = highlight_html(text[start:end], inner, [(a - start, b - start) for a, b in hits])
        if label in COUNTABLE_REGIONS or not label:
            weight = ' style="font-weight:bold"' if label == "title" else ""
            return f'<span class="region-{escape(label or "gap")}"{weight}>{body}</span>'
        return (f'<span class="region-{escape(label)} dimmed" style="{DIMMED_STYLE}" '
                f'title="{escape(REGION_VI.get(label, label))}">{body}</span>')

    # ------------------------------------------------------------ figure

    def timeline_figure(self) -> "Figure | None":
        """Matches over time: sentences per publication month, merged events at their date by status."""
        import matplotlib.dates as mdates
        import pandas as pd
        from matplotlib.figure import Figure

        import numpy as np

        masks = self._compute()
        days = self._s_day[masks.sentences]
        months, per_month = np.unique(days[days > 0] // 100, return_counts=True)
        chosen = masks.reports & (self._e_first > 0)
        dated = pd.DataFrame({"event": self._e_event[chosen], "first": self._e_first[chosen],
                              "type": self._events["type"].to_numpy(dtype=object)[chosen],
                              "status": self._events["status"].to_numpy(dtype=object)[chosen]})
        dated = dated.drop_duplicates("event").drop_duplicates(["first", "type", "status"])
        if not len(months) and dated.empty:
            return None
        fig = Figure(figsize=(9, 3.2))
        top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
        if len(months):
            top.bar(_as_dates(months * 100 + 1), per_month, width=25, align="edge",
                    color="#1f5fbf")
        top.set_ylabel("Số câu")
        top.set_title("Dòng thời gian: câu khớp theo tháng đăng bài, sự kiện theo ngày diễn ra")
        types = sorted(set(dated["type"]))
        seen = []
        for status, sub in dated.groupby("status", sort=True):
            seen.append(STATUS_VI.get(status, status))
            bottom.scatter(_as_dates(sub["first"].to_numpy()), [types.index(t) for t in sub["type"]],
                           marker="D", s=30, color=STATUS_COLOURS.get(status, "#7f8c8d"), label=seen[-1])
        bottom.set_yticks(range(len(types)), [TYPE_VI.get(t, t) for t in types], fontsize=8)
        bottom.set_ylim(-0.7, max(len(types), 1) - 0.3)
        bottom.set_xlabel("Thời gian")
        if seen:
            bottom.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="Trạng thái",
                          title_fontsize=7)
        bottom.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
        fig.tight_layout()
        return fig

    def timeline_png(self) -> bytes | None:
        """The timeline as PNG bytes (no metadata, so the same filters give the same bytes)."""
        fig = self.timeline_figure()
        if fig is None:
            return None
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
        return buffer.getvalue()

    # ------------------------------------------------------------ snapshot

    def snapshot_html(self, limit: int = DEFAULT_LIMIT, article_id: str = "") -> str:
        """The whole current view as static HTML: counts, events, sentences, timeline, one article."""
        parts = [f'<div class="workbench-explorer" style="{_BOX}">',
                 f'<p><b>Bộ lọc:</b> {escape(self.describe())}</p>', self.counts_html()]
        if self.is_empty:
            parts.append(nothing_matches_html(self.describe()))
        else:
            parts += ["<h3>Sự kiện khớp</h3>", self.events_html(), "<h3>Câu khớp</h3>", legend_html(),
                      self.sentences_html(limit)]
            png = self.timeline_png()
            if png:
                parts += ["<h3>Dòng thời gian</h3>",
                          f'<img alt="dòng thời gian" src="data:image/png;base64,{base64.b64encode(png).decode()}"/>']
        if article_id:
            parts += ["<h3>Bài báo</h3>", self.article_html(article_id)]
        parts.append("</div>")
        return "".join(parts)

    def records(self, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
        """Machine-readable view for the notebook's records: filters, counts, events, first sentences."""
        f = self.filters
        sentences = self.sentences().head(limit)
        return {
            "filters": {"actors": list(f.actors), "start_date": f.start.isoformat() if f.start else "",
                        "end_date": f.end.isoformat() if f.end else "", "date_field": f.date_field,
                        "venues": list(f.venues), "event_types": list(f.event_types),
                        "statuses": list(f.statuses), "text": f.text, "all_regions": f.all_regions},
            "counts": self.counts(),
            "events": json.loads(self.events().head(EVENTS_LIMIT).to_json(orient="records", force_ascii=False)),
            "sentences": [{"file": r.file, "sentence_index": int(r.sentence_index), "start": int(r.start),
                           "end": int(r.end), "text": r.text} for r in sentences.itertuples()],
        }


def _day_number(day: dt.date) -> int:
    """``2025-08-15`` as ``20250815``: ISO days compare as integers."""
    return day.year * 10000 + day.month * 100 + day.day


def _day_numbers(values: "pd.Series") -> "np.ndarray":
    """Full ISO dates as :func:`_day_number` integers (0 where missing or partial)."""
    import numpy as np

    first, last = _bound_numbers(values)
    return np.where(first == last, first, 0)


def _bound_numbers(values: "pd.Series") -> tuple["np.ndarray", "np.ndarray"]:
    """First and last day of each partial ISO date as integers (0 where there is none)."""
    import numpy as np

    bounds = {v: period_bounds(v) for v in values.dropna().unique()}
    first = {v: _day_number(b[0]) for v, b in bounds.items() if b}
    last = {v: _day_number(b[1]) for v, b in bounds.items() if b}
    return (values.map(first).fillna(0).to_numpy(dtype=np.int64),
            values.map(last).fillna(0).to_numpy(dtype=np.int64))


def _as_dates(numbers: "np.ndarray") -> "pd.DatetimeIndex":
    """:func:`_day_number` integers back to dates, for the time axis."""
    import pandas as pd

    return pd.to_datetime([str(n) for n in numbers], format="%Y%m%d")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _title(row: Any) -> str:
    """Tooltip of a mention: canonical value, then side and role for persons, precision for dates."""
    parts = [str(row.value)]
    if row.kind == "person":
        side = getattr(row, "side", None)
        if isinstance(side, str) and side:
            parts.append(SIDE_VI.get(side, side))
        role = getattr(row, "role", None)
        if isinstance(role, str) and role:
            parts.append(role)
    elif row.kind == "date":
        precision = getattr(row, "precision", None)
        if isinstance(precision, str) and precision:
            parts.append(precision)
    return " · ".join(parts)


# ---------------------------------------------------------------- widgets

class ExplorerWidget:
    """ipywidgets controls over an :class:`Explorer`; every change re-filters and redraws.

    The controls are attributes (``actor_search``, ``actor_select``, ``start_date``,
    ``end_date``, ``date_field``, ``venues``, ``event_types``, ``statuses``,
    ``text``, ``all_regions``, ``article``), so a test sets their ``value`` and
    reads the output widgets (``counts``, ``events``, ``sentences``,
    ``timeline``, ``article_view``, ``message``).
    """

    def __init__(self, explorer: Explorer, limit: int = DEFAULT_LIMIT, article: str = ""):
        import ipywidgets as w

        self.explorer = explorer
        self.limit = limit
        self._syncing = False
        f = explorer.filters
        wide = w.Layout(width="auto")
        self._actor_labels = {name: f"{name} — {SIDE_VI.get(side, side) if side else SIDE_VI['']} ({n})"
                              for name, side, n in explorer.actor_choices()}
        self.actor_search = w.Text(placeholder="tìm nhân vật (không dấu cũng được)", description="Nhân vật",
                                   continuous_update=True, layout=wide)
        self.actor_select = w.SelectMultiple(options=self._actor_options(""), value=f.actors, rows=6,
                                             layout=w.Layout(width="26em"))
        self.start_date = w.DatePicker(description="Từ ngày", value=f.start)
        self.end_date = w.DatePicker(description="Đến ngày", value=f.end)
        self.date_field = w.ToggleButtons(options=[(label, key) for key, label in DATE_FIELDS.items()],
                                          value=f.date_field)
        self.venues = w.SelectMultiple(description="Địa điểm", options=explorer.venue_choices(), value=f.venues,
                                       rows=5)
        self.event_types = w.SelectMultiple(description="Loại", options=[(v, k) for k, v in TYPE_VI.items()],
                                            value=f.event_types, rows=5)
        self.statuses = w.SelectMultiple(description="Trạng thái", options=[(v, k) for k, v in STATUS_VI.items()],
                                         value=f.statuses, rows=4)
        self.text = w.Text(description="Tìm câu", value=f.text, placeholder="từ trong câu (Enter)",
                           continuous_update=False)
        self.all_regions = w.Checkbox(description="cả phần ngoài bài (teaser, boilerplate …)",
                                      value=f.all_regions, indent=False)
        self.reset_button = w.Button(description="Bỏ lọc", icon="times")
        self.message = w.HTML()
        self.counts = w.HTML()
        self.events = w.HTML()
        self.sentences = w.HTML()
        self.timeline = w.Image(format="png")
        self.article = w.Dropdown(description="Bài báo", layout=w.Layout(width="40em"))
        self.article_view = w.HTML()
        self._article_id = explorer.choose_article(article)

        self.actor_search.observe(self._on_search, "value")
        for control in (self.actor_select, self.start_date, self.end_date, self.date_field, self.venues,
                        self.event_types, self.statuses, self.text, self.all_regions):
            control.observe(self._on_filter, "value")
        self.article.observe(self._on_article, "value")
        self.reset_button.on_click(self._on_reset)

        tabs = w.Tab(children=[w.VBox([w.HTML(legend_html()), self.sentences]), self.events, self.timeline,
                               w.VBox([self.article, self.article_view])])
        for index, title in enumerate(("Câu", "Sự kiện", "Dòng thời gian", "Bài báo")):
            tabs.set_title(index, title)
        self.root = w.VBox([
            w.HBox([w.VBox([self.actor_search, self.actor_select]),
                    w.VBox([self.start_date, self.end_date, self.date_field])]),
            w.HBox([self.venues, self.event_types, self.statuses]),
            w.HBox([self.text, self.all_regions, self.reset_button]),
            self.message, self.counts, tabs,
        ])
        self.refresh()

    # ------------------------------------------------------------ callbacks

    def _actor_options(self, query: str, selected: Iterable[str] = ()) -> list[tuple[str, str]]:
        """Persons whose label contains the folded ``query``, and the ``selected`` ones in any case."""
        needle = fold(query) if query else ""
        selected = set(selected)
        return [(label, name) for name, label in self._actor_labels.items()
                if not needle or needle in fold(label) or name in selected]

    def _on_search(self, change: dict) -> None:
        value = self.actor_select.value
        self._syncing = True
        try:
            self.actor_select.options = self._actor_options(change["new"], value)
            self.actor_select.value = value
        finally:
            self._syncing = False

    def _on_filter(self, change: dict) -> None:
        if self._syncing:
            return
        try:
            self.explorer.set_filters(
                actors=self.actor_select.value, start_date=self.start_date.value, end_date=self.end_date.value,
                date_field=self.date_field.value, venues=self.venues.value, event_types=self.event_types.value,
                statuses=self.statuses.value, text=self.text.value, all_regions=self.all_regions.value)
        except ParameterError as exc:
            self.message.value = f'<span style="color:#c0392b">{escape(str(exc))}</span>'
            return
        self.message.value = ""
        self.refresh()

    def _on_article(self, change: dict) -> None:
        if self._syncing or not change["new"]:
            return
        self._article_id = change["new"]
        self.article_view.value = self.explorer.article_html(self._article_id)

    def _on_reset(self, _button: Any = None) -> None:
        self.explorer.reset()
        f = self.explorer.filters
        self._syncing = True
        try:
            self.actor_search.value = ""
            self.actor_select.options = self._actor_options("")
            for control, value in ((self.actor_select, f.actors), (self.start_date, f.start),
                                   (self.end_date, f.end), (self.date_field, f.date_field),
                                   (self.venues, f.venues), (self.event_types, f.event_types),
                                   (self.statuses, f.statuses), (self.text, f.text),
                                   (self.all_regions, f.all_regions)):
                control.value = value
        finally:
            self._syncing = False
        self.message.value = ""
        self.refresh()

    def refresh(self) -> None:
        """Redraw counts, events, sentences, timeline and the article list from the explorer."""
        e = self.explorer
        self.counts.value = e.counts_html()
        if e.is_empty:
            self.sentences.value = nothing_matches_html(e.describe())
            self.events.value = nothing_matches_html(e.describe())
        else:
            self.sentences.value = e.sentences_html(self.limit)
            self.events.value = e.events_html()
        self.timeline.value = e.timeline_png() or b""
        ids = list(e.articles()["article_id"].head(ARTICLES_LIMIT))
        if self._article_id and self._article_id not in ids:
            ids.insert(0, self._article_id)
        options = [(e.article_label(a), a) for a in ids]
        self._syncing = True
        try:
            self.article.options = options
            self.article.value = self._article_id or None
        finally:
            self._syncing = False
        self.article_view.value = e.article_html(self._article_id) if self._article_id else ""

    # ------------------------------------------------------------ display

    def snapshot_html(self) -> str:
        """Static HTML of what the widget shows now."""
        return self.explorer.snapshot_html(self.limit, self._article_id)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget, plus the static snapshot for renderers without a widget manager."""
        bundle = dict(self.root._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.snapshot_html()
        bundle["text/plain"] = f"Explorer: {self.explorer.describe()}"
        return bundle

    def show(self) -> None:
        """Display the widget (with its snapshot) and record the view for tests and readers."""
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)
        view = self.explorer.records(self.limit)
        view["article"] = self._article_id
        record("explorer", view)
        if self.explorer.is_empty:
            record("nothing_matches", f"{NOTHING_MATCHES}: {self.explorer.describe()}")
