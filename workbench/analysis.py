"""Analyses behind the notebooks: load the tables, check parameters, select, count, draw.

Every notebook in ``notebooks/`` is a thin sequence of calls into this module:
the cell after the ``parameters`` cell calls :func:`open_tables` and
:func:`select`, which check every parameter and raise
:class:`~workbench.errors.ParameterError` naming the one at fault; the cells
after it call the table and figure builders below and hand their results to
:func:`show`, which renders an explicit "nothing matches" output for an empty
selection instead of failing.

Table builders return :class:`pandas.DataFrame` objects and figure builders
return :class:`matplotlib.figure.Figure` objects (or ``None`` when there is
nothing to draw); neither touches pyplot's global state, so the same figure is
drawn in JupyterLab, under papermill and in the tests. Labels and titles are
Vietnamese.

Heavy libraries (pandas, matplotlib, networkx) are imported inside the
functions that need them.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .errors import ParameterError
from .model import fold, surname_key

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

#: Tables written by ``workbench annotate`` that the notebooks read.
TABLE_NAMES = ("articles", "sentences", "mentions", "events", "event_groups")

#: Text shown (and recorded) when a selection is empty.
NOTHING_MATCHES = "Nothing matches"

#: Mime type of the machine-readable records a notebook leaves for its tests and readers.
RECORD_MIME = "application/vnd.workbench.record+json"
#: Output tag of those records; the HTML rendering drops outputs with this tag.
RECORD_TAG = "workbench-record"

SIDE_VI = {"US": "Mỹ", "Russia": "Nga", "Ukraine": "Ukraine", "Europe": "châu Âu", "EU": "EU",
           "NATO": "NATO", "China": "Trung Quốc", "Turkey": "Thổ Nhĩ Kỳ", "UN": "Liên Hợp Quốc",
           "Saudi Arabia": "Ả Rập Xê Út", "UAE": "UAE", "Vatican": "Vatican", "Hungary": "Hungary",
           "": "không rõ"}
STATUS_VI = {"held": "đã diễn ra", "planned": "dự kiến", "cancelled": "bị hủy", "postponed": "bị hoãn"}
TYPE_VI = {"summit": "thượng đỉnh", "meeting": "cuộc gặp", "talks": "đàm phán", "call": "điện đàm",
           "visit": "chuyến thăm", "conference": "hội nghị", "signing": "ký kết"}
PRECISION_VI = {"day": "ngày", "month": "tháng", "year": "năm"}
SOURCE_VI = {"header": "dòng đầu (crawl)", "byline": "dòng tác giả/ngày", "none": "không có"}
STATUS_COLOURS = {"held": "#2a7f3f", "planned": "#1f5fbf", "cancelled": "#c0392b", "postponed": "#d68910"}

_ISO = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")


# ---------------------------------------------------------------- loading

@dataclass
class Tables:
    """The annotation tables of one output folder.

    Attributes
    ----------
    folder : pathlib.Path
        The folder they were read from.
    articles, sentences, mentions, events, event_groups : pandas.DataFrame
        The Parquet tables written by ``workbench annotate``.
    load_report : pandas.DataFrame
        Files the reader skipped, with the reason (columns ``file``, ``reason``).
    """

    folder: Path
    articles: "pd.DataFrame"
    sentences: "pd.DataFrame"
    mentions: "pd.DataFrame"
    events: "pd.DataFrame"
    event_groups: "pd.DataFrame"
    load_report: "pd.DataFrame"

    def persons(self) -> "pd.DataFrame":
        """Person mentions only."""
        return self.mentions[self.mentions["kind"] == "person"]

    def known_actors(self) -> list[str]:
        """Canonical names of every person in the tables, sorted."""
        return sorted(set(self.persons()["value"].dropna()))

    def known_venues(self) -> list[str]:
        """Event venues and place names in the tables, sorted."""
        names = set(self.events["venue"].dropna()) if "venue" in self.events else set()
        places = self.mentions[self.mentions["kind"] == "place"]["value"].dropna()
        return sorted(names | set(places))


def project_root() -> Path:
    """The source checkout holding this package (where ``data/`` lives)."""
    return Path(__file__).resolve().parents[1]


def resolve_folder(name: str, value: str, must_exist: bool = True) -> Path:
    """Resolve a folder parameter against the working folder, then the project root.

    Notebooks opened in JupyterLab run in ``notebooks/``, papermill runs in the
    caller's folder: ``data/raw`` means the project's folder in both.

    Raises
    ------
    ParameterError
        When ``value`` is not a string, or ``must_exist`` and no such folder exists.
    """
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(name, value, "expected a folder path")
    path = Path(value).expanduser()
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, project_root() / path]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    if must_exist:
        raise ParameterError(name, value, "no such folder")
    return candidates[0]


def has_tables(folder: Path) -> bool:
    """Whether ``folder`` holds every table the notebooks read."""
    return all((Path(folder) / f"{name}.parquet").is_file() for name in TABLE_NAMES)


def open_tables(tables_dir: str, corpus_dir: str) -> Tables:
    """Check both folders, annotate ``corpus_dir`` into ``tables_dir`` if needed, read the tables.

    Parameters
    ----------
    tables_dir : str
        Output folder of ``workbench annotate``.
    corpus_dir : str
        Folder of crawled articles; annotated when ``tables_dir`` lacks tables.

    Raises
    ------
    ParameterError
        ``corpus_dir`` missing, or ``tables_dir`` not a folder path.
    """
    corpus = resolve_folder("corpus_dir", corpus_dir)
    tables = resolve_folder("tables_dir", tables_dir, must_exist=False)
    if not has_tables(tables):
        from .engine import run_annotate

        run_annotate(str(corpus), str(tables), progress=False)
    return load_tables(tables)


def load_tables(folder: str | Path) -> Tables:
    """Read the tables of one output folder (no checks beyond their presence)."""
    import pandas as pd

    folder = Path(folder)
    frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLE_NAMES}
    report = folder / "load_report.jsonl"
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()
            if line.strip()] if report.is_file() else []
    frames["load_report"] = pd.DataFrame(rows, columns=["file", "reason"])
    return Tables(folder=folder, **frames)


# ---------------------------------------------------------------- parameters

def parse_date(name: str, value: object) -> dt.date | None:
    """An ISO date parameter (``YYYY-MM-DD``); empty means no bound.

    >>> parse_date("start_date", "2025-08-15")
    datetime.date(2025, 8, 15)
    >>> parse_date("start_date", "") is None
    True
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ParameterError(name, value, "expected an ISO date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ParameterError(name, value, "not an ISO date YYYY-MM-DD") from None


def period_bounds(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day of a partial ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    >>> period_bounds("2025-02")
    (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))
    """
    if not isinstance(value, str):
        return None
    match = _ISO.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day:
            first = dt.date(year, month, day)
            return first, first
        if month:
            first = dt.date(year, month, 1)
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            return first, following - dt.timedelta(days=1)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def precision_of(value: str | None) -> str | None:
    """``day``, ``month`` or ``year`` for a partial ISO date, else ``None``."""
    if not isinstance(value, str) or not _ISO.match(value.strip()):
        return None
    return {10: "day", 7: "month", 4: "year"}.get(len(value.strip()))


def match_names(name: str, values: object, known: Iterable[str], what: str) -> list[str]:
    """Map user-given names onto known canonical names (folded, or by unique surname).

    >>> match_names("actors", ["putin", "Donald Trump"], ["Donald Trump", "Vladimir Putin"], "actor")
    ['Vladimir Putin', 'Donald Trump']

    Raises
    ------
    ParameterError
        ``values`` not a list of strings, or a name matching no known one.
    """
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise ParameterError(name, values, f"expected a list of {what} names")
    known = list(known)
    by_fold = {fold(k): k for k in known}
    by_surname: dict[str, list[str]] = {}
    for k in known:
        by_surname.setdefault(surname_key(k), []).append(k)
    out: list[str] = []
    for value in values:
        key = fold(value)
        hit = by_fold.get(key)
        if hit is None and len(by_surname.get(surname_key(value), [])) == 1 and len(value.split()) == 1:
            hit = by_surname[surname_key(value)][0]
        if hit is None:
            sample = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
            raise ParameterError(name, value, f"unknown {what}; known: {sample or 'none'}")
        if hit not in out:
            out.append(hit)
    return out


def check_int(name: str, value: object, minimum: int = 0) -> int:
    """An integer parameter at least ``minimum`` (booleans refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, value, "expected an integer")
    if value < minimum:
        raise ParameterError(name, value, f"must be at least {minimum}")
    return value


@dataclass
class Selection:
    """Checked parameters and the rows they select.

    Articles are selected by publication date (an article with no known
    publication date is kept only when no date bound is given) and, when
    ``actors`` is given, by naming at least one of them. Events are selected by
    their own date (their reports' publication date when they have none), by
    participants and by venue.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    actors: list[str] = field(default_factory=list)
    venues: list[str] = field(default_factory=list)
    min_mentions: int = 1
    articles: "pd.DataFrame | None" = None
    mentions: "pd.DataFrame | None" = None
    sentences: "pd.DataFrame | None" = None
    events: "pd.DataFrame | None" = None
    event_groups: "pd.DataFrame | None" = None

    def describe(self) -> str:
        """One line naming the selection, for headings and "nothing matches" outputs."""
        parts = [f"{self.start or '…'} → {self.end or '…'}"]
        if self.actors:
            parts.append("actors: " + ", ".join(self.actors))
        if self.venues:
            parts.append("venues: " + ", ".join(self.venues))
        if self.min_mentions > 1:
            parts.append(f"min_mentions: {self.min_mentions}")
        return "; ".join(parts)

    @property
    def empty(self) -> bool:
        return self.articles is None or self.articles.empty


def _in_range(value: str | None, start: dt.date | None, end: dt.date | None) -> bool:
    if start is None and end is None:
        return True
    bounds = period_bounds(value)
    if bounds is None:
        return False
    first, last = bounds
    return (start is None or last >= start) and (end is None or first <= end)


def select(tables: Tables, start_date: str = "", end_date: str = "", actors: object = (),
           venues: object = (), min_mentions: int = 1) -> Selection:
    """Check the common parameters and select the rows they name.

    Raises
    ------
    ParameterError
        Bad ISO date, end before start, unknown actor or venue, bad ``min_mentions``.
    """
    start, end = parse_date("start_date", start_date), parse_date("end_date", end_date)
    if start and end and end < start:
        raise ParameterError("end_date", end_date, f"is before start_date {start_date}")
    actor_list = match_names("actors", list(actors), tables.known_actors(), "actor")
    venue_list = match_names("venues", list(venues), tables.known_venues(), "venue")
    min_mentions = check_int("min_mentions", min_mentions, 1)

    articles = _rows(tables.articles, [_in_range(p, start, end) for p in tables.articles["published"]])
    persons = tables.persons()
    if actor_list:
        naming = set(persons[persons["value"].isin(actor_list)]["article_id"])
        articles = articles[articles["article_id"].isin(naming)]
    ids = set(articles["article_id"])
    mentions = tables.mentions[tables.mentions["article_id"].isin(ids)]
    sentences = tables.sentences[tables.sentences["article_id"].isin(ids)]

    events = tables.events[tables.events["article_id"].isin(set(tables.articles["article_id"]))]
    keep = []
    for row in events.itertuples():
        when = row.date if isinstance(row.date, str) else row.published
        ok = _in_range(when, start, end)
        if actor_list:
            ok = ok and bool(set(as_list(row.participants)) & set(actor_list))
        if venue_list:
            ok = ok and row.venue in venue_list
        keep.append(ok)
    events = _rows(events, keep)
    groups = tables.event_groups
    if len(groups):
        groups = groups[groups["event_id"].isin(set(events["event_id"]))]
    return Selection(start, end, actor_list, venue_list, min_mentions, articles, mentions, sentences,
                     events, groups)


def _rows(frame: "pd.DataFrame", mask: list[bool]) -> "pd.DataFrame":
    """Rows of ``frame`` where ``mask`` holds (an empty mask gives no rows, never no columns)."""
    import pandas as pd

    return frame.loc[pd.Series(mask, index=frame.index, dtype=bool)]


def as_list(value: Any) -> list:
    """A list from a list, tuple, array or single string (``None`` and ``""`` give ``[]``).

    >>> as_list("Anchorage"), as_list(""), as_list(None), as_list(("a", "b"))
    (['Anchorage'], [], [], ['a', 'b'])
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    try:
        return list(value)
    except TypeError:
        return [value]


# ---------------------------------------------------------------- display

def setup() -> None:
    """Fix pandas display options and matplotlib output so renders are byte-stable."""
    import matplotlib
    import pandas as pd

    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_colwidth", 120)
    matplotlib.rcParams.update({
        "svg.hashsalt": "workbench", "figure.dpi": 96, "savefig.dpi": 96,
        "font.family": "DejaVu Sans", "axes.titlesize": 12, "axes.titleweight": "bold",
    })
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return
    shell = get_ipython()
    if shell is not None:
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(shell, {"png"}, bbox_inches="tight", metadata={"Software": None})


def record(name: str, value: Any) -> None:
    """Leave a machine-readable value in the notebook's outputs (hidden from the HTML)."""
    from IPython.display import display

    payload = json.loads(json.dumps({"name": name, "value": value}, default=str, ensure_ascii=False))
    display({RECORD_MIME: payload, "text/plain": f"[{name}]"}, raw=True,
            metadata={"tags": [RECORD_TAG]})


def nothing_matches(what: str, selection: Selection | None = None) -> None:
    """Render the explicit empty-selection output."""
    from html import escape

    from IPython.display import HTML, display

    detail = f" ({selection.describe()})" if selection is not None else ""
    text = f"{NOTHING_MATCHES}: {what}{detail}"
    display(HTML(f'<div class="workbench-nothing" style="padding:.6em;border:1px solid #d68910;'
                 f'background:#fff8e6"><b>{escape(NOTHING_MATCHES)}</b> — {escape(what)}'
                 f'{escape(detail)}<br/>Không có dữ liệu nào khớp với lựa chọn.</div>'))
    record("nothing_matches", text)


def show(obj: Any, name: str, what: str, selection: Selection | None = None) -> None:
    """Display a table or figure and record it under ``name``; "nothing matches" when empty."""
    from IPython.display import display

    if obj is None or (hasattr(obj, "empty") and obj.empty):
        nothing_matches(what, selection)
        return
    if hasattr(obj, "savefig"):
        display(obj)
        axes = obj.get_axes()
        record(name, {"figure": obj.get_suptitle() or (axes[0].get_title() if axes else ""),
                      "axes": [{"title": a.get_title(), "xlabel": a.get_xlabel(), "ylabel": a.get_ylabel()}
                               for a in axes]})
        return
    display(obj.astype(object).where(obj.notna(), "") if hasattr(obj, "notna") else obj)  # blank, not NaN
    record(name, _json_frame(obj))


def heading(text: str) -> None:
    """A Markdown heading in the output (the rendered page hides code cells)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def _json_frame(frame: "pd.DataFrame") -> list[dict]:
    frame = frame.reset_index() if frame.index.name or getattr(frame.index, "names", [None])[0] else frame
    return json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))


def _figure(width: float = 8, height: float = 4.5) -> "tuple[Figure, Any]":
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def _label_side(value: Any) -> str:
    if not isinstance(value, str):
        return SIDE_VI[""]
    return SIDE_VI.get(value, value)


# ---------------------------------------------------------------- 00 corpus

def corpus_overview(tables: Tables, selection: Selection) -> "pd.DataFrame":
    """One row per selected article: file, publication date and its source, title, what was cut."""
    a = selection.articles
    frame = a[["file", "published", "published_source", "title", "n_chars", "chars_cut", "n_teasers",
               "flags"]].copy()
    frame["published_source"] = frame["published_source"].map(lambda s: SOURCE_VI.get(s, s))
    return frame.sort_values(["published", "file"], na_position="last").reset_index(drop=True)


def articles_by_month(selection: Selection) -> "pd.DataFrame":
    """Selected articles per publication month (``không rõ`` when unknown)."""
    import pandas as pd

    months = [p[:7] if isinstance(p, str) else "không rõ" for p in selection.articles["published"]]
    counts = pd.Series(months, dtype="object").value_counts().sort_index()
    return counts.rename_axis("month").reset_index(name="articles")


def articles_by_month_figure(selection: Selection) -> "Figure | None":
    """Bar chart of articles per publication month."""
    counts = articles_by_month(selection)
    if counts.empty:
        return None
    fig, ax = _figure(8, 3.8)
    ax.bar(counts["month"], counts["articles"], color="#1f5fbf")
    ax.set_title("Số bài báo theo tháng đăng")
    ax.set_xlabel("Tháng đăng (YYYY-MM)")
    ax.set_ylabel("Số bài")
    ax.tick_params(axis="x", rotation=45)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def published_sources(selection: Selection) -> "pd.DataFrame":
    """How each selected article's publication date was found (header, byline, none)."""
    counts = selection.articles["published_source"].fillna("none").value_counts()
    frame = counts.rename_axis("published_source").reset_index(name="articles")
    frame["nguồn"] = frame["published_source"].map(lambda s: SOURCE_VI.get(s, s))
    return frame


def regions_cut(selection: Selection) -> "pd.DataFrame":
    """Characters per region label over the selected articles (what was kept and what was cut)."""
    import pandas as pd

    rows = []
    for row in selection.articles.itertuples():
        for start, end, label in json.loads(row.regions or "[]"):
            rows.append({"file": row.file, "region": label, "chars": end - start})
    if not rows:
        return pd.DataFrame(columns=["region", "regions", "chars"])
    frame = pd.DataFrame(rows)
    return (frame.groupby("region").agg(regions=("chars", "size"), chars=("chars", "sum"))
            .sort_values("chars", ascending=False).reset_index())


def skipped_files(tables: Tables) -> "pd.DataFrame":
    """Files the reader skipped, and why."""
    return tables.load_report.sort_values("file").reset_index(drop=True)


# ---------------------------------------------------------------- 10 actors

def actor_table(selection: Selection) -> "pd.DataFrame":
    """Persons by mentions and by articles, with their side and most frequent role.

    Only persons with at least ``selection.min_mentions`` mentions, and only the
    chosen actors when ``selection.actors`` is given.
    """
    import pandas as pd

    persons = selection.mentions[selection.mentions["kind"] == "person"]
    if selection.actors:
        persons = persons[persons["value"].isin(selection.actors)]
    if persons.empty:
        return pd.DataFrame(columns=["actor", "mentions", "articles", "side", "role"])

    def mode(values: "pd.Series") -> str:
        values = values.dropna()
        values = values[values.astype(str).str.strip() != ""]
        return values.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[0] \
            if len(values) else ""

    frame = persons.groupby("value").agg(mentions=("value", "size"), articles=("article_id", "nunique"),
                                         side=("side", mode), role=("role", mode))
    frame = frame[frame["mentions"] >= selection.min_mentions]
    frame["side"] = frame["side"].map(_label_side)
    frame = frame.rename_axis("actor").reset_index()
    return frame.sort_values(["mentions", "articles", "actor"], ascending=[False, False, True]) \
        .reset_index(drop=True)


def actors_figure(table: "pd.DataFrame", top: int = 15) -> "Figure | None":
    """Horizontal bars: mentions and articles per person."""
    if table.empty:
        return None
    data = table.head(top).iloc[::-1]
    fig, ax = _figure(8, max(3, 0.35 * len(data) + 1.2))
    y = range(len(data))
    ax.barh([i + 0.2 for i in y], data["mentions"], height=0.4, label="số lần nhắc tên", color="#1f5fbf")
    ax.barh([i - 0.2 for i in y], data["articles"], height=0.4, label="số bài báo", color="#d68910")
    ax.set_yticks(list(y), [f"{a} ({s})" for a, s in zip(data["actor"], data["side"])])
    ax.set_title("Nhân vật được nhắc đến nhiều nhất")
    ax.set_xlabel("Số lần nhắc tên / số bài báo")
    ax.set_ylabel("Nhân vật (phe)")
    ax.legend(loc="lower right")
    return fig


def actors_by_side(table: "pd.DataFrame") -> "pd.DataFrame":
    """Mentions, articles and persons per side."""
    if table.empty:
        return table
    return (table.groupby("side").agg(persons=("actor", "size"), mentions=("mentions", "sum"))
            .sort_values("mentions", ascending=False).reset_index())


def actors_by_role(selection: Selection, table: "pd.DataFrame") -> "pd.DataFrame":
    """Mentions per (person, role as written), for the persons in ``table``."""
    persons = selection.mentions[(selection.mentions["kind"] == "person")
                                 & selection.mentions["value"].isin(set(table.get("actor", [])))]
    persons = persons.assign(role=persons["role"].fillna("").replace("", "(không ghi chức danh)"))
    return (persons.groupby(["value", "role"]).size().rename("mentions").reset_index()
            .rename(columns={"value": "actor"})
            .sort_values(["actor", "mentions"], ascending=[True, False]).reset_index(drop=True))


def mentions_by_month(selection: Selection, table: "pd.DataFrame", top: int = 6) -> "pd.DataFrame":
    """Mentions per publication month (rows) and person (columns), for the top persons."""
    import pandas as pd

    names = list(table["actor"].head(top)) if not table.empty else []
    persons = selection.mentions[(selection.mentions["kind"] == "person")
                                 & selection.mentions["value"].isin(names)]
    persons = persons[persons["published"].notna()]
    if persons.empty:
        return pd.DataFrame()
    persons = persons.assign(month=persons["published"].str[:7])
    grid = persons.pivot_table(index="month", columns="value", values="start", aggfunc="size", fill_value=0)
    return grid[[n for n in names if n in grid.columns]].sort_index()


def mentions_by_month_figure(grid: "pd.DataFrame") -> "Figure | None":
    """Lines of mentions per publication month, one per person."""
    if grid.empty:
        return None
    fig, ax = _figure(8, 4)
    for name in grid.columns:
        ax.plot(list(grid.index), grid[name], marker="o", label=name)
    ax.set_title("Số lần nhắc tên theo tháng đăng bài")
    ax.set_xlabel("Tháng đăng (YYYY-MM)")
    ax.set_ylabel("Số lần nhắc tên")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(fontsize=8)
    return fig


def co_mentions(selection: Selection, table: "pd.DataFrame") -> "pd.DataFrame":
    """Pairs of persons named in the same sentence or as participants of the same event.

    Columns ``a``, ``b`` (sorted names), ``sentences`` and ``events``.
    """
    import pandas as pd

    names = set(table["actor"]) if not table.empty else set()
    persons = selection.mentions[(selection.mentions["kind"] == "person")
                                 & selection.mentions["value"].isin(names)]
    counts: dict[tuple[str, str], list[int]] = {}
    for _, group in persons.groupby(["article_id", "sentence_index"]):
        present = sorted(set(group["value"]))
        for i, a in enumerate(present):
            for b in present[i + 1:]:
                counts.setdefault((a, b), [0, 0])[0] += 1
    for participants in selection.events["participants"] if len(selection.events) else []:
        present = sorted(set(as_list(participants)) & names)
        for i, a in enumerate(present):
            for b in present[i + 1:]:
                counts.setdefault((a, b), [0, 0])[1] += 1
    rows = [{"a": a, "b": b, "sentences": s, "events": e} for (a, b), (s, e) in sorted(counts.items())]
    frame = pd.DataFrame(rows, columns=["a", "b", "sentences", "events"])
    frame["weight"] = frame["sentences"] + frame["events"]
    return frame.sort_values(["weight", "a", "b"], ascending=[False, True, True]).reset_index(drop=True)


def network_figure(pairs: "pd.DataFrame", table: "pd.DataFrame") -> "Figure | None":
    """The co-mention network: node size by mentions, edge width by co-mentions, colour by side."""
    if pairs.empty:
        return None
    import networkx as nx

    graph = nx.Graph()
    sides = dict(zip(table["actor"], table["side"]))
    sizes = dict(zip(table["actor"], table["mentions"]))
    for row in pairs.itertuples():
        graph.add_edge(row.a, row.b, weight=int(row.weight))
    nodes = sorted(graph.nodes)
    graph = nx.relabel_nodes(graph, {n: n for n in nodes})
    position = nx.spring_layout(graph, seed=7, k=1.2 / max(1, len(nodes)) ** 0.5)
    palette = ["#1f5fbf", "#c0392b", "#d68910", "#2a7f3f", "#7d3c98", "#7f8c8d", "#16a085"]
    side_names = sorted(set(sides.get(n, "") for n in nodes))
    colour = {s: palette[i % len(palette)] for i, s in enumerate(side_names)}
    fig, ax = _figure(9, 7)
    widths = [0.6 + graph[a][b]["weight"] for a, b in graph.edges]
    nx.draw_networkx_edges(graph, position, ax=ax, width=widths, alpha=0.4)
    nx.draw_networkx_nodes(graph, position, nodelist=nodes, ax=ax,
                           node_size=[120 + 40 * sizes.get(n, 1) for n in nodes],
                           node_color=[colour[sides.get(n, "")] for n in nodes])
    nx.draw_networkx_labels(graph, position, ax=ax, font_size=8)
    for side in side_names:
        ax.scatter([], [], color=colour[side], label=side or SIDE_VI[""])
    ax.legend(title="Phe", loc="upper left", fontsize=8)
    ax.set_title("Mạng đồng xuất hiện: ai được nhắc cùng ai (cùng câu hoặc cùng sự kiện)")
    ax.set_xlabel("bố cục lò xo (vị trí không mang ý nghĩa)")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def sentences_naming(selection: Selection, actor: str, tables: Tables) -> "pd.DataFrame":
    """Every selected sentence that names ``actor``, with its file and publication date.

    Raises
    ------
    ParameterError
        ``actor`` is not a known person.
    """
    import pandas as pd

    if actor == "":
        return pd.DataFrame(columns=["file", "published", "sentence_index", "as_written", "text"])
    (name,) = match_names("actor", [actor], tables.known_actors(), "actor")
    hits = selection.mentions[(selection.mentions["kind"] == "person") & (selection.mentions["value"] == name)]
    forms = hits.groupby(["article_id", "sentence_index"])["text"].agg(lambda s: ", ".join(sorted(set(s))))
    forms = forms.rename("as_written").reset_index()
    merged = selection.sentences.merge(forms, on=["article_id", "sentence_index"])
    return merged[["file", "published", "sentence_index", "as_written", "text"]] \
        .sort_values(["published", "file", "sentence_index"]).reset_index(drop=True)


# ---------------------------------------------------------------- 20 dates

def resolved_dates(selection: Selection) -> "pd.DataFrame":
    """Date mentions with their period, precision and the report lag in days.

    ``lag_days`` is publication date minus the last day of the period named
    (so a month named in the past gives the shortest possible lag); negative
    for dates after publication (plans).
    """
    import pandas as pd

    dates = selection.mentions[selection.mentions["kind"] == "date"]
    rows = []
    for row in dates.itertuples():
        bounds = period_bounds(row.value)
        if bounds is None:
            continue
        precision = row.precision if isinstance(row.precision, str) and row.precision else precision_of(row.value)
        published = parse_date("published", row.published) if isinstance(row.published, str) else None
        lag = (published - bounds[1]).days if published else None
        rows.append({"file": row.file, "published": row.published, "value": row.value,
                     "precision": precision, "first": bounds[0], "last": bounds[1], "as_written": row.text,
                     "lag_days": lag})
    frame = pd.DataFrame(rows, columns=["file", "published", "value", "precision", "first", "last",
                                        "as_written", "lag_days"])
    frame = _rows(frame, [_in_range(v, selection.start, selection.end) for v in frame["value"]])
    return frame.sort_values(["first", "file", "value"]).reset_index(drop=True)


def timeline_figure(dates: "pd.DataFrame") -> "Figure | None":
    """Resolved dates on a time axis, one row per article: days as dots, months and years as bars."""
    if dates.empty:
        return None
    import matplotlib.dates as mdates

    files = sorted(set(dates["file"]), key=lambda f: (str(dates[dates["file"] == f]["published"].iloc[0]), f))
    fig, ax = _figure(10, max(3, 0.6 * len(files) + 1.5))
    styles = {"year": dict(color="#7f8c8d", alpha=0.35, height=0.6),
              "month": dict(color="#d68910", alpha=0.7, height=0.35)}
    seen = set()
    for y, file in enumerate(files):
        sub = dates[dates["file"] == file]
        for row in sub.itertuples():
            label = PRECISION_VI.get(row.precision, row.precision)
            legend = label if label not in seen else None
            seen.add(label)
            if row.precision == "day":
                ax.plot([row.first], [y], "o", color="#1f5fbf", markersize=7, label=legend)
            else:
                style = styles.get(row.precision, styles["year"])
                ax.barh(y, (row.last - row.first).days + 1, left=row.first, label=legend, **style)
        published = sub["published"].iloc[0]
        if isinstance(published, str):
            p = parse_date("published", published)
            legend = "ngày đăng bài" if "published" not in seen else None
            seen.add("published")
            ax.plot([p], [y], marker="|", color="black", markersize=16, label=legend)
    ax.set_yticks(range(len(files)), files, fontsize=8)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.set_title("Dòng thời gian: các mốc ngày tháng trong bài (chấm = ngày, vạch cam = tháng, xám = năm)")
    ax.set_xlabel("Thời gian")
    ax.set_ylabel("Bài báo")
    ax.legend(title="Độ chính xác", fontsize=8, loc="best")
    return fig


def lag_table(dates: "pd.DataFrame") -> "pd.DataFrame":
    """Report lag by precision: count, median and range of ``lag_days`` (past dates only)."""
    past = dates[dates["lag_days"].notna() & (dates["lag_days"] >= 0)]
    if past.empty:
        return past
    return (past.groupby("precision")["lag_days"].agg(["count", "median", "min", "max"])
            .rename_axis("precision").reset_index())


def lag_figure(dates: "pd.DataFrame") -> "Figure | None":
    """Histogram of the lag between a dated happening and its report, by precision."""
    past = dates[dates["lag_days"].notna() & (dates["lag_days"] >= 0)]
    if past.empty:
        return None
    fig, ax = _figure(8, 4)
    groups = [(PRECISION_VI.get(p, p), past[past["precision"] == p]["lag_days"].astype(float))
              for p in ("day", "month", "year") if (past["precision"] == p).any()]
    ax.hist([g for _, g in groups], bins=20, stacked=True, label=[n for n, _ in groups],
            color=["#1f5fbf", "#d68910", "#7f8c8d"][:len(groups)])
    ax.set_title("Độ trễ đưa tin: ngày đăng bài trừ ngày sự việc")
    ax.set_xlabel("Số ngày trễ")
    ax.set_ylabel("Số mốc ngày tháng")
    ax.legend(title="Độ chính xác")
    return fig


def dated_events(selection: Selection) -> "pd.DataFrame":
    """Merged events with a date, their period, type and status."""
    import pandas as pd

    groups = selection.event_groups
    rows = []
    for row in groups.itertuples() if len(groups) else []:
        bounds = period_bounds(row.date)
        if bounds is None:
            continue
        rows.append({"event_id": row.event_id, "date": row.date, "first": bounds[0], "last": bounds[1],
                     "type": row.type, "status": row.status, "venue": row.venue,
                     "participants": ", ".join(as_list(row.participants)), "n_articles": row.n_articles})
    frame = pd.DataFrame(rows, columns=["event_id", "date", "first", "last", "type", "status", "venue",
                                        "participants", "n_articles"])
    return frame.sort_values(["first", "event_id"]).reset_index(drop=True)


def events_timeline_figure(events: "pd.DataFrame") -> "Figure | None":
    """Negotiation events on a time axis by type, coloured by status."""
    if events.empty:
        return None
    import matplotlib.dates as mdates

    types = sorted(set(events["type"]))
    fig, ax = _figure(10, max(3, 0.6 * len(types) + 1.8))
    seen = set()
    for row in events.itertuples():
        y = types.index(row.type)
        colour = STATUS_COLOURS.get(row.status, "#7f8c8d")
        label = STATUS_VI.get(row.status, row.status)
        legend = label if label not in seen else None
        seen.add(label)
        if row.first == row.last:
            ax.plot([row.first], [y], "D", color=colour, markersize=8, label=legend)
        else:
            ax.barh(y, (row.last - row.first).days + 1, left=row.first, height=0.3, color=colour,
                    alpha=0.6, label=legend)
        ax.annotate(str(row.venue) if isinstance(row.venue, str) else "", (row.first, y),
                    textcoords="offset points", xytext=(0, 7), fontsize=7)
    ax.set_yticks(range(len(types)), [TYPE_VI.get(t, t) for t in types])
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.set_title("Các sự kiện đàm phán trên dòng thời gian, theo trạng thái")
    ax.set_xlabel("Thời gian (hình thoi = ngày, vạch = tháng/năm)")
    ax.set_ylabel("Loại sự kiện")
    ax.legend(title="Trạng thái", fontsize=8)
    return fig


# ---------------------------------------------------------------- 30 venues

def venue_table(selection: Selection) -> "pd.DataFrame":
    """Venues by number of merged events and by status, with participants and dates."""
    import pandas as pd

    groups = selection.event_groups
    groups = groups[groups["venue"].notna()] if len(groups) else groups
    columns = ["venue", "events", *STATUS_VI, "participants", "dates"]
    if groups.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for venue, sub in groups.groupby("venue"):
        row = {"venue": venue, "events": len(sub)}
        for status in STATUS_VI:
            row[status] = int((sub["status"] == status).sum())
        row["participants"] = ", ".join(sorted({p for ps in sub["participants"] for p in as_list(ps)}))
        row["dates"] = ", ".join(sorted({d for d in sub["date"] if isinstance(d, str)}))
        rows.append(row)
    return pd.DataFrame(rows, columns=columns).sort_values(["events", "venue"], ascending=[False, True]) \
        .reset_index(drop=True)


def venue_coordinates(tables: Tables, names: Iterable[str]) -> "pd.DataFrame":
    """Latitude and longitude of each named venue, from the place mentions."""
    import pandas as pd

    places = tables.mentions[(tables.mentions["kind"] == "place") & tables.mentions["value"].isin(set(names))]
    places = places[places["lat"].notna() & places["lon"].notna()]
    if places.empty:
        return pd.DataFrame(columns=["venue", "lat", "lon", "country"])
    return (places.groupby("value").agg(lat=("lat", "first"), lon=("lon", "first"), country=("country", "first"))
            .rename_axis("venue").reset_index())


def venue_map_figure(venues: "pd.DataFrame", coordinates: "pd.DataFrame") -> "Figure | None":
    """Venues placed by longitude and latitude (no map tiles), sized by events."""
    if venues.empty or coordinates.empty:
        return None
    data = venues.merge(coordinates, on="venue")
    if data.empty:
        return None
    fig, ax = _figure(10, 5.5)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 85)
    ax.grid(True, color="#dddddd", linewidth=0.5)
    ax.axhline(0, color="#bbbbbb", linewidth=0.8)
    ax.axvline(0, color="#bbbbbb", linewidth=0.8)
    colours = ["#2a7f3f" if r.held else "#1f5fbf" if r.planned else "#c0392b" if r.cancelled else "#d68910"
               for r in data.itertuples()]
    ax.scatter(data["lon"], data["lat"], s=60 + 60 * data["events"], c=colours, alpha=0.75,
               edgecolors="black", linewidths=0.5)
    for r in data.itertuples():
        ax.annotate(f"{r.venue} ({r.events})", (r.lon, r.lat), textcoords="offset points", xytext=(6, 6),
                    fontsize=8)
    for status in ("held", "planned", "cancelled", "postponed"):
        ax.scatter([], [], color=STATUS_COLOURS[status], label=STATUS_VI[status])
    ax.legend(title="Có ít nhất một sự kiện", fontsize=8, loc="lower left")
    ax.set_title("Địa điểm đàm phán theo tọa độ (kích thước = số sự kiện)")
    ax.set_xlabel("Kinh độ (°)")
    ax.set_ylabel("Vĩ độ (°)")
    ax.set_aspect("equal")
    return fig


def venue_movement(selection: Selection) -> "pd.DataFrame":
    """Merged events with a venue and a date, in date order: where the talks went."""
    events = dated_events(selection)
    events = events[events["venue"].notna()]
    return events[["date", "venue", "type", "status", "participants", "n_articles"]].reset_index(drop=True)


def venue_movement_figure(movement: "pd.DataFrame") -> "Figure | None":
    """The venue of each dated event against time, joined in date order."""
    if movement.empty:
        return None
    starts = [period_bounds(d)[0] for d in movement["date"]]
    venues = list(dict.fromkeys(movement["venue"]))
    ys = [venues.index(v) for v in movement["venue"]]
    fig, ax = _figure(10, max(3, 0.55 * len(venues) + 1.5))
    ax.plot(starts, ys, color="#bbbbbb", zorder=1)
    ax.scatter(starts, ys, c=[STATUS_COLOURS.get(s, "#7f8c8d") for s in movement["status"]], s=70, zorder=2)
    for status in STATUS_VI:
        if (movement["status"] == status).any():
            ax.scatter([], [], color=STATUS_COLOURS[status], label=STATUS_VI[status])
    import matplotlib.dates as mdates

    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.set_yticks(range(len(venues)), venues)
    ax.set_title("Địa điểm đàm phán thay đổi theo thời gian")
    ax.set_xlabel("Thời gian")
    ax.set_ylabel("Địa điểm")
    ax.legend(title="Trạng thái", fontsize=8)
    return fig


# ---------------------------------------------------------------- 40 events

def event_tracker(selection: Selection) -> "pd.DataFrame":
    """One row per merged real-world event, with its reports and source articles counted."""
    import pandas as pd

    groups = selection.event_groups
    columns = ["event_id", "type", "status", "date", "venue", "participants", "reports", "n_articles",
               "sources", "conflict"]
    if groups is None or groups.empty:
        return pd.DataFrame(columns=columns)
    counted = selection.events.groupby("event_id").size()
    reports = (groups["n_reports"].astype(int).tolist() if "n_reports" in groups
               else [int(counted.get(e, 0)) for e in groups["event_id"]])
    frame = groups.assign(
        participants=[", ".join(as_list(p)) for p in groups["participants"]],
        sources=[", ".join(as_list(s)) for s in groups["sources"]],
        reports=reports,
        type=[TYPE_VI.get(t, t) for t in groups["type"]],
        status=[STATUS_VI.get(s, s) for s in groups["status"]],
    )
    if "conflict" not in frame:
        frame["conflict"] = False
    frame = frame[columns]
    return frame.sort_values(["n_articles", "reports", "event_id"], ascending=[False, False, True]) \
        .reset_index(drop=True)


def reports_vs_events(selection: Selection) -> "pd.DataFrame":
    """How many per-article reports became how many merged events (by type)."""
    import pandas as pd

    if selection.events.empty:
        return pd.DataFrame(columns=["type", "reports", "events"])
    reports = selection.events.groupby("type").size().rename("reports")
    events = selection.events.groupby("type")["event_id"].nunique().rename("events")
    frame = pd.concat([reports, events], axis=1).reset_index()
    frame["type"] = frame["type"].map(lambda t: TYPE_VI.get(t, t))
    return frame.sort_values("reports", ascending=False).reset_index(drop=True)


def reports_vs_events_figure(table: "pd.DataFrame") -> "Figure | None":
    """Reports against merged events per type: the gap is what counting reports would add."""
    if table.empty:
        return None
    fig, ax = _figure(8, 4)
    x = range(len(table))
    ax.bar([i - 0.2 for i in x], table["reports"], width=0.4, label="số bản tin", color="#d68910")
    ax.bar([i + 0.2 for i in x], table["events"], width=0.4, label="số sự kiện thật (đã gộp)", color="#1f5fbf")
    ax.set_xticks(list(x), list(table["type"]))
    ax.set_title("Bản tin và sự kiện: cùng một sự kiện được nhiều bài đưa tin")
    ax.set_xlabel("Loại sự kiện")
    ax.set_ylabel("Số lượng")
    ax.legend()
    return fig


def choose_event(selection: Selection, event_id: str) -> str:
    """The event to detail: ``event_id`` when given, else the one with most source articles.

    Raises
    ------
    ParameterError
        ``event_id`` given but not among the selected events.
    """
    tracker = event_tracker(selection)
    if event_id:
        if event_id not in set(tracker["event_id"]):
            sample = ", ".join(tracker["event_id"].head(8))
            raise ParameterError("event_id", event_id, f"no such event in the selection; e.g. {sample}")
        return event_id
    return "" if tracker.empty else str(tracker["event_id"].iloc[0])


def event_reports(selection: Selection, tables: Tables, event_id: str) -> "pd.DataFrame":
    """The per-article reports behind one merged event, with their evidence."""
    reports = selection.events[selection.events["event_id"] == event_id]
    titles = tables.articles.set_index("article_id")["title"]
    frame = reports.assign(title=[titles.get(a) for a in reports["article_id"]],
                           participants=[", ".join(as_list(p)) for p in reports["participants"]],
                           status=[STATUS_VI.get(s, s) for s in reports["status"]])
    return frame[["file", "published", "title", "type", "status", "date", "venue", "participants",
                  "evidence"]].sort_values(["published", "file"]).reset_index(drop=True)
