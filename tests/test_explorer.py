"""The explorer, driven from Python on tables annotated from data/raw, and its notebook rendered."""
from __future__ import annotations

import html
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import SAMPLE
from conftest import notebook_records as _records
from conftest import run_report
from workbench import analysis as wa
from workbench import explorer as we
from workbench.errors import ParameterError
from workbench.model import fold

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TABLE_NAMES = ("articles", "sentences", "mentions", "events", "event_groups")


@pytest.fixture(scope="module")
def tables(tables_dir):
    return wa.load_tables(tables_dir)


@pytest.fixture
def explorer(tables):
    return we.Explorer(tables, corpus_dir=str(SAMPLE), link_base=str(ROOT))


def _names_in(explorer, sentence_row, kind):
    """Canonical values of the ``kind`` mentions inside one sentence row."""
    m = explorer.tables.mentions
    inside = m[(m["article_id"] == sentence_row.article_id) & (m["sentence_index"] == sentence_row.sentence_index)
               & (m["kind"] == kind)]
    return set(inside["value"])


# ---------------------------------------------------------------- pure helpers

def test_explorer_fold_series_matches_fold(tables):
    texts = tables.sentences["text"]
    assert [folded.strip() for folded in we.fold_series(texts)] == [fold(t) for t in texts]
    assert we.fold_series(texts.head(3)).index.tolist() == texts.head(3).index.tolist()


def test_explorer_find_folded_maps_back_to_the_original_text():
    text = "Cuộc ĐÀM PHÁN ở Abu Dhabi, rồi đàm phán tiếp"
    hits = we.find_folded(text, "dam phan")
    assert [text[a:b] for a, b in hits] == ["ĐÀM PHÁN", "đàm phán"]
    assert we.find_folded(text, "") == [] and we.find_folded(text, "Moskva") == []


def test_explorer_highlight_html_wraps_spans_and_escapes_the_rest():
    text = "Ông Witkoff <b>tới</b> Nhà Trắng hôm 21.10 & về"
    spans = [(4, 11, "person", "Steve Witkoff · Mỹ"), (23, 32, "organization", "White House"),
             (23, 32, "place", "White House"), (37, 42, "date", "2025-10-21"), (0, 3, "weapon", "ignored")]
    out = we.highlight_html(text, spans, hits=[(6, 9)])
    assert '<mark class="person" style="' in out and 'title="Steve Witkoff · Mỹ"' in out
    assert re.search(r'<mark class="place"[^>]*>Nhà Trắng</mark>', out)  # place wins over the same-span org
    assert 'class="organization"' not in out and "weapon" not in out
    assert re.search(r'<mark class="date"[^>]*>21.10</mark>', out)
    assert "&lt;b&gt;tới&lt;/b&gt;" in out and "&amp; về" in out and "<b>" not in out
    assert '>Wi<span class="hit"' in out  # the search hit sits inside the mark
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text  # nothing lost, nothing added
    styles = {kind: style for kind, style in we.KIND_STYLES.items()}
    assert len(set(styles.values())) == len(styles)  # a colour per kind


# ---------------------------------------------------------------- filters

def test_explorer_unfiltered_view_covers_the_tables(explorer, tables):
    counts = explorer.counts()
    assert counts["articles"] == len(tables.articles) == 5
    countable = tables.sentences["region"].isin(["title", "body", "caption"])
    assert counts["sentences"] == int(countable.sum())
    assert counts["event_reports"] == len(tables.events)
    assert counts["events"] == tables.events["event_id"].nunique() == len(explorer.events())
    assert not explorer.is_empty
    everything = explorer.set_filters(all_regions=True).counts()
    assert everything["sentences"] == len(tables.sentences) > counts["sentences"]


def test_explorer_actor_filter_keeps_only_rows_naming_him(explorer):
    unfiltered = explorer.counts()
    explorer.set_filters(actors=["witkoff"])  # surname, lower case: matched as in the notebooks
    assert explorer.filters.actors == ("Steve Witkoff",)
    sentences = explorer.sentences()
    assert 0 < len(sentences) < unfiltered["sentences"]
    assert all("Steve Witkoff" in _names_in(explorer, row, "person") for row in sentences.itertuples())
    reports = explorer.reports()
    assert 0 < len(reports) < unfiltered["event_reports"]
    assert all("Steve Witkoff" in list(p) for p in reports["participants"])
    events = explorer.events()
    assert set(events["event_id"]) == set(reports["event_id"])
    assert all("Steve Witkoff" in p for p in events["participants"])
    counts = explorer.counts()
    assert counts["sentences"] == len(sentences) and counts["articles"] < unfiltered["articles"]
    explorer.set_filters(actors=["Steve Witkoff", "Vladimir Putin"])
    assert len(explorer.sentences()) > len(sentences)  # either actor


def test_explorer_sentences_html_highlights_and_links(explorer, tables):
    explorer.set_filters(actors=["Steve Witkoff"])
    out = explorer.sentences_html()
    assert re.search(r'<mark class="person"[^>]*title="Steve Witkoff[^"]*">(Steve )?Witkoff</mark>', out)
    assert '<mark class="place"' in out and '<mark class="date"' in out
    assert out.count('<li class="workbench-sentence"') == len(explorer.sentences())
    texts = tables.articles.set_index("article_id")["text"]
    links = re.findall(r'href="data/raw/([^"#]+)#char=(\d+),(\d+)"', out)
    assert len(links) == len(explorer.sentences())
    by_file = dict(zip(tables.articles["file"], tables.articles["article_id"]))
    for (file, start, end), row in zip(links, explorer.sentences().itertuples()):
        assert file == row.file and texts[by_file[file]][int(start):int(end)] == row.text
    limited = explorer.sentences_html(limit=2)
    assert limited.count('<li class="workbench-sentence"') == 2 and "câu nữa" in limited


def test_explorer_a_1990_range_gives_nothing_matches(explorer):
    explorer.set_filters(start_date="1990-01-01", end_date="1990-12-31")
    assert explorer.is_empty
    assert explorer.sentences().empty and explorer.events().empty
    assert list(explorer.events().columns) == ["event_id", "date", "type", "status", "venue", "participants",
                                               "reports", "files"]
    assert explorer.counts() == {key: 0 for key in explorer.counts()}
    assert wa.NOTHING_MATCHES in explorer.sentences_html() and wa.NOTHING_MATCHES in explorer.events_html()
    snapshot = explorer.snapshot_html()
    assert wa.NOTHING_MATCHES in snapshot and "1990-01-01" in snapshot and "<mark" not in snapshot
    assert explorer.timeline_figure() is None
    explorer.set_filters(start_date="", end_date="")
    assert not explorer.is_empty


def test_explorer_event_date_range_bounds_the_dates_named(explorer, tables):
    import datetime as dt

    explorer.set_filters(date_field="event", start_date="2025-10-01", end_date="2025-10-31")
    reports = explorer.reports()
    assert len(reports) and all(str(d).startswith("2025-10") for d in reports["date"])
    october = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    for row in explorer.sentences().itertuples():
        periods = [wa.period_bounds(v) for v in _names_in(explorer, row, "date")]
        assert any(first <= october[1] and last >= october[0] for first, last in periods)
    by_publication = explorer.set_filters(date_field="published").counts()
    published_in_october = tables.events["published"].fillna("").str.startswith("2025-10")
    assert by_publication["event_reports"] == int(published_in_october.sum()) != len(reports)


@pytest.mark.parametrize("filters, check", [
    ({"venues": ["Abu Dhabi"]}, lambda e: set(e.reports()["venue"]) == {"Abu Dhabi"}),
    ({"event_types": ["summit"], "statuses": ["cancelled"]},
     lambda e: set(e.events()["event_id"]) == {"undated-budapest-putin-trump-summit"}
     and all("Budapest" in t for t in e.sentences()["text"])),
    ({"text": "dam phan"}, lambda e: all("dam phan" in fold(t) for t in e.sentences()["text"])
     and '<span class="hit"' in e.sentences_html()),
    ({"statuses": ["planned"]}, lambda e: set(e.reports()["status"]) == {"planned"}),
])
def test_explorer_filters_narrow_the_rows(explorer, filters, check):
    before = explorer.counts()
    explorer.set_filters(**filters)
    after = explorer.counts()
    assert 0 < after["sentences"] < before["sentences"]
    assert 0 < after["event_reports"] < before["event_reports"]
    assert check(explorer)


@pytest.mark.parametrize("filters, name", [
    ({"actors": ["Nobody Atall"]}, "actors"),
    ({"venues": ["Atlantis"]}, "venues"),
    ({"event_types": ["picnic"]}, "event_types"),
    ({"statuses": ["maybe"]}, "statuses"),
    ({"start_date": "2025-13-40"}, "start_date"),
    ({"start_date": "2025-09-01", "end_date": "2025-08-01"}, "end_date"),
    ({"date_field": "crawl"}, "date_field"),
    ({"colour": "red"}, "colour"),
])
def test_explorer_bad_filters_name_the_parameter(explorer, filters, name):
    before = explorer.filters
    with pytest.raises(ParameterError) as caught:
        explorer.set_filters(**filters)
    assert caught.value.name == name
    assert explorer.filters == before  # a refused change leaves the state alone


# ---------------------------------------------------------------- one article, timeline

def test_explorer_article_html_highlights_and_dims_boilerplate(explorer, tables):
    article_id = explorer.choose_article("003_c8cf45b9de49614a.txt")
    assert explorer.choose_article("003") == article_id == explorer.choose_article(article_id)
    out = explorer.article_html(article_id)
    assert 'class="region-byline dimmed" style="opacity:0.45"' in out
    assert 'class="region-boilerplate dimmed"' in out
    assert 'class="region-title" style="font-weight:bold"' in out
    assert '<mark class="person"' in out and '<mark class="place"' in out
    body = re.sub(r"^.*?<div class=\"workbench-article\"[^>]*>", "", out, flags=re.S)
    text = tables.articles.set_index("article_id").loc[article_id, "text"]
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == text  # the whole article, unchanged
    with pytest.raises(ParameterError):
        explorer.choose_article("999_nothing")
    assert explorer.choose_article("") == explorer.articles()["article_id"].iloc[0]


def test_explorer_timeline_figure_is_labelled(explorer):
    fig = explorer.timeline_figure()
    top, bottom = fig.get_axes()
    assert top.get_title().startswith("Dòng thời gian") and top.get_ylabel() and bottom.get_xlabel()
    assert explorer.timeline_png() == explorer.timeline_png()  # same filters, same bytes


# ---------------------------------------------------------------- widgets

def test_explorer_widget_controls_drive_the_view(explorer):
    import datetime as dt

    view = we.ExplorerWidget(explorer, limit=10)
    everything = view.counts.value
    view.actor_search.value = "witk"
    assert [name for _, name in view.actor_select.options] == ["Steve Witkoff"]
    assert "Mỹ" in view.actor_select.options[0][0]  # the side is shown
    view.actor_select.value = ("Steve Witkoff",)
    assert explorer.filters.actors == ("Steve Witkoff",)
    assert view.counts.value != everything
    assert '<mark class="person"' in view.sentences.value and "Witkoff" in view.sentences.value
    assert view.sentences.value.count('<li class="workbench-sentence"') == len(explorer.sentences())
    view.actor_search.value = "putin"  # searching again keeps the chosen actor
    assert view.actor_select.value == ("Steve Witkoff",)
    assert {name for _, name in view.actor_select.options} == {"Vladimir Putin", "Steve Witkoff"}
    opened = {value for _, value in view.article.options}
    assert set(explorer.articles()["article_id"]) <= opened <= set(explorer.articles()["article_id"]) | {view._article_id}

    view.start_date.value = dt.date(2025, 6, 1)
    view.end_date.value = dt.date(2025, 1, 1)  # before the start: refused, said, state kept
    assert "end_date" in view.message.value and explorer.filters.end is None

    view.end_date.value = None
    view.start_date.value = dt.date(1990, 1, 1)
    view.end_date.value = dt.date(1990, 12, 31)
    assert wa.NOTHING_MATCHES in view.sentences.value and wa.NOTHING_MATCHES in view.events.value
    assert view.timeline.value == b""

    view.reset_button.click()
    assert explorer.filters == we.Filters() and view.counts.value == everything
    assert view.actor_select.value == () and view.start_date.value is None

    view.text.value = "Budapest"
    assert '<span class="hit"' in view.sentences.value
    other = next(value for _, value in view.article.options if value != view.article.value)
    view.article.value = other
    assert f'data-article="{other}"' in view.article_view.value


def test_explorer_widget_carries_a_static_snapshot(explorer):
    view = we.ExplorerWidget(explorer.set_filters(actors=["Steve Witkoff"]), limit=5)
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    snapshot = bundle["text/html"]
    assert re.search(r'<table[^>]*class="dataframe workbench-events"', snapshot)
    assert '<mark class="person"' in snapshot and "data:image/png;base64," in snapshot
    assert f'data-article="{view._article_id}"' in snapshot  # the article opened in full
    assert bundle["text/plain"].startswith("Explorer:") and "Steve Witkoff" in bundle["text/plain"]


# ---------------------------------------------------------------- 10,000 articles

def _scaled(tables, copies, folder):
    """``copies`` renamed copies of every article, written and read back as Parquet like real tables."""
    import pandas as pd

    for name in TABLE_NAMES:
        frame = getattr(tables, name)
        parts = []
        for copy in range(copies):
            part = frame.copy()
            for column in ("article_id", "event_id"):
                if column in part:
                    part[column] = part[column] + f"-{copy}"
            if "file" in part:
                part["file"] = part["file"].str.replace(".txt", f"-{copy:05d}.txt", regex=False)
            parts.append(part)
        pd.concat(parts, ignore_index=True).to_parquet(folder / f"{name}.parquet", index=False)
    return wa.load_tables(folder)


@pytest.mark.slow
def test_explorer_filters_10000_articles_without_reannotating(tables, tmp_path, capsys):
    small = we.Explorer(tables)
    small.set_filters(actors=["Steve Witkoff"])
    expected = small.counts()

    big_tables = _scaled(tables, 2000, tmp_path)
    assert len(big_tables.articles) == 10_000
    clock = time.perf_counter()
    big = we.Explorer(big_tables)
    built = time.perf_counter() - clock
    timings = {}
    for label, filters in [("actor", {"actors": ["Steve Witkoff"]}),
                           ("dates", {"actors": [], "start_date": "2025-10-01", "end_date": "2025-12-31"}),
                           ("event dates", {"date_field": "event", "start_date": "2025-10-01",
                                            "end_date": "2025-10-31"}),
                           ("type+status", {"date_field": "published", "start_date": "", "end_date": "",
                                            "event_types": ["summit"], "statuses": ["held"]}),
                           ("text (first, folds)", {"event_types": [], "statuses": [], "text": "đàm phán"}),
                           ("text", {"text": "witkoff"})]:
        clock = time.perf_counter()
        big.set_filters(**filters)
        counts = big.counts()
        big.sentences()
        timings[label] = time.perf_counter() - clock
        if label == "actor":
            assert counts == {**{k: v * 2000 for k, v in expected.items()}, "persons": expected["persons"]}
    clock = time.perf_counter()
    page = big.sentences_html(50) + big.events_html()
    shown = time.perf_counter() - clock
    assert page.count('<li class="workbench-sentence"') == 50
    with capsys.disabled():
        print(f"\nexplorer on {len(big_tables.articles):,} articles, {len(big_tables.sentences):,} sentences, "
              f"{len(big_tables.mentions):,} mentions: built in {built:.2f} s; filter + counts: "
              + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items())
              + f"; 50 sentences + events table as HTML {shown * 1000:.0f} ms")


# ---------------------------------------------------------------- the notebook, rendered

def _render(out: Path, tables_dir: Path, *params: str, run_slug: str = "run") -> Path:
    from workbench import report

    assert run_report(out, tables_dir, ["50-explore"], *params, run_slug=run_slug) == report.EXIT_OK
    return out / "50-explore" / run_slug


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, tables_dir):
    return _render(tmp_path_factory.mktemp("reports"), tables_dir, "actors=[Steve Witkoff]")


@pytest.mark.slow
def test_explorer_notebook_renders_a_static_snapshot(rendered, tables_dir, tmp_path):
    page = (rendered / "50-explore.html").read_text(encoding="utf-8")
    assert re.search(r'<table[^>]*class="dataframe workbench-events"', page)
    assert re.search(r'<mark class="person"[^>]*>(Steve )?Witkoff</mark>', page)
    assert "data:image/png;base64," in page  # the timeline
    assert "widget-view+json" not in page and "VBox(" not in page and "Error displaying widget" not in page
    view = _records(rendered / "50-explore.ipynb")["explorer"][0]
    assert view["filters"]["actors"] == ["Steve Witkoff"]
    assert view["counts"]["sentences"] == len(view["sentences"]) > 0
    assert all("Witkoff" in row["text"] for row in view["sentences"])
    again = _render(tmp_path, tables_dir, "actors=[Steve Witkoff]")
    for suffix in (".ipynb", ".html"):  # the snapshot is reproducible like the other reports
        assert (rendered / f"50-explore{suffix}").read_bytes() == (again / f"50-explore{suffix}").read_bytes()


@pytest.mark.slow
def test_explorer_notebook_with_a_1990_range_renders_nothing_matches(tables_dir, tmp_path):
    folder = _render(tmp_path, tables_dir, "start_date=1990-01-01", "end_date=1990-12-31")
    found = _records(folder / "50-explore.ipynb")
    assert found["nothing_matches"] and wa.NOTHING_MATCHES in found["nothing_matches"][0]
    assert found["explorer"][0]["counts"]["sentences"] == 0
    page = (folder / "50-explore.html").read_text(encoding="utf-8")
    assert wa.NOTHING_MATCHES in page and "<mark" not in page.split("workbench-article")[0]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (make browser)")
def test_explorer_rendered_page_shows_the_snapshot_in_chromium(rendered, tmp_path):
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda request: requested.append(request.url))
            page.goto((rendered / "50-explore.html").as_uri(), wait_until="load")
            marks = page.eval_on_selector_all(
                "mark.person", "els => els.map(e => [e.innerText, e.getBoundingClientRect().width])")
            rows = page.eval_on_selector_all("table.workbench-events tr", "els => els.length")
            colours = page.eval_on_selector_all(
                "ol.workbench-sentences mark", "els => [...new Set(els.map(e => getComputedStyle(e).backgroundColor))]")
            images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
            text = page.inner_text("body")
        finally:
            browser.close()
    assert all(url.startswith(("file:", "data:", "about:")) for url in requested), requested
    assert any("Witkoff" in name and width > 0 for name, width in marks)
    assert rows >= 2  # a header and at least one event
    assert len(colours) >= 3  # persons, places and dates in different colours
    assert images and all(done and width > 0 for done, width in images)
    assert "Loading widget" not in text and "Traceback" not in text
