"""Analyses behind the notebooks, on small hand-built tables."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from workbench import analysis as wa
from workbench.errors import ParameterError


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Keep matplotlib and IPython from writing into the real home folder."""
    for name in ("HOME", "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))


def _mention(article, published, start, value, kind="person", sentence=0, **extra):
    row = {"article_id": article, "file": f"{article}.txt", "published": published, "start": start,
           "end": start + len(value), "text": value, "kind": kind, "value": value, "role": None, "side": None,
           "surname_key": None, "precision": None, "relative": None, "country": None, "lat": None, "lon": None,
           "wikidata": None, "sentence_index": sentence, "attrs": "{}"}
    row.update(extra)
    return row


@pytest.fixture
def tables(tmp_path):
    import pandas as pd

    articles = pd.DataFrame([
        {"article_id": "a1", "file": "a1.txt", "path": "a1.txt", "published": "2025-08-20",
         "published_source": "header", "title": "Thượng đỉnh Anchorage", "n_chars": 100, "body_start": 17,
         "body_end": 100, "chars_cut": 17, "n_teasers": 0, "regions": json.dumps([[0, 17, "header"],
                                                                                   [17, 100, "body"]]),
         "flags": "", "content_hash": "x", "text": "x" * 100},
        {"article_id": "a2", "file": "a2.txt", "path": "a2.txt", "published": None, "published_source": "none",
         "title": "Abu Dhabi", "n_chars": 80, "body_start": 0, "body_end": 80, "chars_cut": 0, "n_teasers": 1,
         "regions": json.dumps([[0, 70, "body"], [70, 80, "teaser"]]), "flags": "", "content_hash": "y",
         "text": "y" * 80},
    ])
    mentions = pd.DataFrame([
        _mention("a1", "2025-08-20", 0, "Donald Trump", side="US", role="Tổng thống"),
        _mention("a1", "2025-08-20", 20, "Vladimir Putin", side="Russia", role="Tổng thống"),
        _mention("a1", "2025-08-20", 40, "Donald Trump", side="US", role="Tổng thống", sentence=1),
        _mention("a1", "2025-08-20", 60, "2025-08-15", kind="date", precision="day", sentence=1),
        _mention("a1", "2025-08-20", 70, "2025-07", kind="date", precision="month", sentence=1),
        _mention("a1", "2025-08-20", 80, "Anchorage", kind="place", lat=61.2, lon=-149.9, country="US"),
        _mention("a2", None, 0, "Steve Witkoff", side="US", role="Đặc phái viên"),
        _mention("a2", None, 20, "Abu Dhabi", kind="place", lat=24.45, lon=54.38),
    ])
    sentences = pd.DataFrame([
        {"article_id": "a1", "file": "a1.txt", "published": "2025-08-20", "sentence_index": 0, "start": 0,
         "end": 40, "region": "body", "text": "Ông Trump gặp ông Putin."},
        {"article_id": "a1", "file": "a1.txt", "published": "2025-08-20", "sentence_index": 1, "start": 40,
         "end": 100, "region": "body", "text": "Trump nói hôm 15/8."},
        {"article_id": "a2", "file": "a2.txt", "published": None, "sentence_index": 0, "start": 0, "end": 70,
         "region": "body", "text": "Ông Witkoff tới Abu Dhabi."},
    ])
    events = pd.DataFrame([
        {"article_id": "a1", "file": "a1.txt", "published": "2025-08-20", "event_index": 0, "type": "summit",
         "status": "held", "date": "2025-08-15", "venue": "Anchorage",
         "participants": ["Donald Trump", "Vladimir Putin"], "evidence": "gặp", "evidence_start": 0,
         "evidence_end": 3, "cameo": "", "trigger": "gặp", "venue_names": ["Anchorage"], "key": "k1",
         "event_id": "e1", "attrs": "{}"},
        {"article_id": "a2", "file": "a2.txt", "published": None, "event_index": 0, "type": "summit",
         "status": "held", "date": "2025-08-15", "venue": "Anchorage",
         "participants": ["Donald Trump", "Vladimir Putin"], "evidence": "thượng đỉnh", "evidence_start": 0,
         "evidence_end": 3, "cameo": "", "trigger": "", "venue_names": [], "key": "k1", "event_id": "e1",
         "attrs": "{}"},
        {"article_id": "a2", "file": "a2.txt", "published": None, "event_index": 1, "type": "talks",
         "status": "planned", "date": "2026-01", "venue": "Abu Dhabi", "participants": ["Steve Witkoff"],
         "evidence": "đàm phán", "evidence_start": 0, "evidence_end": 3, "cameo": "", "trigger": "",
         "venue_names": [], "key": "k2", "event_id": "e2", "attrs": "{}"},
    ])
    groups = pd.DataFrame([
        {"event_id": "e1", "type": "summit", "status": "held", "date": "2025-08-15", "venue": "Anchorage",
         "participants": ["Donald Trump", "Vladimir Putin"], "n_articles": 2, "sources": ["a1.txt", "a2.txt"],
         "conflict": False},
        {"event_id": "e2", "type": "talks", "status": "planned", "date": "2026-01", "venue": "Abu Dhabi",
         "participants": ["Steve Witkoff"], "n_articles": 1, "sources": ["a2.txt"], "conflict": False},
    ])
    for name, frame in dict(articles=articles, sentences=sentences, mentions=mentions, events=events,
                            event_groups=groups).items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    (tmp_path / "load_report.jsonl").write_text(json.dumps({"file": "big.txt", "reason": "too large"}) + "\n")
    return wa.load_tables(tmp_path)


@pytest.mark.parametrize("value, expected", [("2025-08-15", dt.date(2025, 8, 15)), ("", None), (None, None)])
def test_analysis_parse_date_accepts_iso_and_empty(value, expected):
    assert wa.parse_date("start_date", value) == expected


@pytest.mark.parametrize("value", ["15/08/2025", "2025-13-01", "tháng 8", 20250815])
def test_analysis_parse_date_names_parameter(value):
    with pytest.raises(ParameterError) as caught:
        wa.parse_date("start_date", value)
    assert caught.value.name == "start_date"
    assert "start_date" in str(caught.value)


def test_analysis_period_bounds_and_precision():
    assert wa.period_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert wa.period_bounds("2025") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert wa.period_bounds("soon") is None
    assert [wa.precision_of(v) for v in ("2025-08-15", "2025-08", "2025")] == ["day", "month", "year"]


def test_analysis_select_end_before_start(tables):
    with pytest.raises(ParameterError) as caught:
        wa.select(tables, start_date="2025-09-01", end_date="2025-08-01")
    assert caught.value.name == "end_date"


def test_analysis_select_unknown_actor_lists_known(tables):
    with pytest.raises(ParameterError) as caught:
        wa.select(tables, actors=["Boris Johnson"])
    assert caught.value.name == "actors"
    assert "Donald Trump" in str(caught.value)


def test_analysis_select_bad_min_mentions(tables):
    with pytest.raises(ParameterError) as caught:
        wa.select(tables, min_mentions=0)
    assert caught.value.name == "min_mentions"


def test_analysis_match_names_folds_and_uses_surname(tables):
    assert wa.match_names("actors", ["putin", "donald trump"], tables.known_actors(), "actor") == \
        ["Vladimir Putin", "Donald Trump"]
    assert wa.match_names("venues", ["abu dhabi"], tables.known_venues(), "venue") == ["Abu Dhabi"]


def test_analysis_select_by_date_drops_undated_articles(tables):
    selection = wa.select(tables, start_date="2025-08-01", end_date="2025-08-31")
    assert list(selection.articles["article_id"]) == ["a1"]
    assert set(selection.event_groups["event_id"]) == {"e1"}


def test_analysis_select_by_actor(tables):
    selection = wa.select(tables, actors=["Witkoff"])
    assert list(selection.articles["article_id"]) == ["a2"]
    assert list(selection.event_groups["event_id"]) == ["e2"]


def test_analysis_actor_table_counts_mentions_and_articles(tables):
    table = wa.actor_table(wa.select(tables))
    trump = table[table["actor"] == "Donald Trump"].iloc[0]
    assert (trump["mentions"], trump["articles"], trump["side"], trump["role"]) == (2, 1, "Mỹ", "Tổng thống")
    assert table["actor"].iloc[0] == "Donald Trump"
    assert list(wa.actor_table(wa.select(tables, min_mentions=2))["actor"]) == ["Donald Trump"]


def test_analysis_co_mentions_count_sentences_and_events(tables):
    selection = wa.select(tables)
    pairs = wa.co_mentions(selection, wa.actor_table(selection))
    row = pairs[(pairs["a"] == "Donald Trump") & (pairs["b"] == "Vladimir Putin")].iloc[0]
    assert (row["sentences"], row["events"]) == (1, 2)


def test_analysis_sentences_naming_actor(tables):
    selection = wa.select(tables)
    found = wa.sentences_naming(selection, "Donald Trump", tables)
    assert list(found["sentence_index"]) == [0, 1]
    with pytest.raises(ParameterError) as caught:
        wa.sentences_naming(selection, "Nobody Here", tables)
    assert caught.value.name == "actor"


def test_analysis_resolved_dates_lag(tables):
    dates = wa.resolved_dates(wa.select(tables))
    lags = dict(zip(dates["value"], dates["lag_days"]))
    assert lags == {"2025-07": 20, "2025-08-15": 5}
    assert set(wa.lag_table(dates)["precision"]) == {"day", "month"}


def test_analysis_venues_and_tracker(tables):
    selection = wa.select(tables)
    venues = wa.venue_table(selection)
    assert set(venues["venue"]) == {"Anchorage", "Abu Dhabi"}
    coordinates = wa.venue_coordinates(tables, venues["venue"])
    assert float(coordinates.set_index("venue").loc["Anchorage", "lat"]) == pytest.approx(61.2)
    tracker = wa.event_tracker(selection)
    first = tracker.iloc[0]
    assert (first["event_id"], first["reports"], first["n_articles"]) == ("e1", 2, 2)
    assert wa.choose_event(selection, "") == "e1"
    assert len(wa.event_reports(selection, tables, "e1")) == 2
    with pytest.raises(ParameterError):
        wa.choose_event(selection, "nope")


def test_analysis_corpus_tables(tables):
    selection = wa.select(tables)
    assert set(wa.published_sources(selection)["published_source"]) == {"header", "none"}
    assert dict(zip(*wa.regions_cut(selection)[["region", "chars"]].T.values)) == {"body": 153, "header": 17,
                                                                                   "teaser": 10}
    assert list(wa.skipped_files(tables)["reason"]) == ["too large"]


def test_analysis_figures_have_titles_and_labels(tables):
    selection = wa.select(tables)
    actors = wa.actor_table(selection)
    venues = wa.venue_table(selection)
    figures = [
        wa.articles_by_month_figure(selection), wa.actors_figure(actors),
        wa.mentions_by_month_figure(wa.mentions_by_month(selection, actors)),
        wa.network_figure(wa.co_mentions(selection, actors), actors),
        wa.timeline_figure(wa.resolved_dates(selection)), wa.lag_figure(wa.resolved_dates(selection)),
        wa.events_timeline_figure(wa.dated_events(selection)),
        wa.venue_map_figure(venues, wa.venue_coordinates(tables, venues["venue"])),
        wa.venue_movement_figure(wa.venue_movement(selection)),
        wa.reports_vs_events_figure(wa.reports_vs_events(selection)),
    ]
    for figure in figures:
        axes = figure.get_axes()[0]
        assert axes.get_title() and axes.get_xlabel()


def test_analysis_empty_selection_gives_no_figure(tables):
    selection = wa.select(tables, start_date="1990-01-01", end_date="1990-12-31")
    assert selection.empty
    actors = wa.actor_table(selection)
    assert actors.empty
    assert wa.actors_figure(actors) is None
    assert wa.timeline_figure(wa.resolved_dates(selection)) is None
    assert wa.venue_table(selection).empty
    assert wa.event_tracker(selection).empty


def test_analysis_open_tables_missing_corpus(tmp_path):
    with pytest.raises(ParameterError) as caught:
        wa.open_tables(str(tmp_path / "tables"), str(tmp_path / "no-such-corpus"))
    assert caught.value.name == "corpus_dir"
