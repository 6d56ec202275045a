"""The analysis notebooks, executed by papermill on the sample corpus, and their rendered pages.

One module-wide run executes every analysis notebook through ``workbench report`` (one process, the
project kernel) on tables annotated from ``data/raw``; the tests read what the notebooks computed from
the records they leave in their outputs, and open the rendered pages in headless Chromium.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import SAMPLE
from conftest import notebook_records as records
from conftest import run_report as run
from workbench import report
from workbench.analysis import NOTHING_MATCHES

ANALYSES = ["00-corpus", "10-actors", "20-dates", "30-venues", "40-events"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def tables(tables_dir):
    """The sample tables (``conftest.tables_dir``), under a shorter name."""
    return tables_dir


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, tables):
    """All analysis notebooks, run once on the sample corpus."""
    out = tmp_path_factory.mktemp("reports")
    status = run(out, tables, ANALYSES)
    return out, status


def folder(out: Path, name: str, run_slug: str = "run") -> Path:
    return out / name / run_slug


def test_every_notebook_runs_and_writes_notebook_html_and_manifest(rendered):
    out, status = rendered
    assert status == report.EXIT_OK
    for name in ANALYSES:
        manifest = json.loads((folder(out, name) / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "ok", (name, manifest["error"])
        assert manifest["outputs"] == {"notebook": f"{name}.ipynb", "html": f"{name}.html"}
        assert manifest["corpus"]["folder"] == str(SAMPLE)
        assert len(manifest["corpus"]["sha256"]) == 64
        assert manifest["packages"]["underthesea"] and manifest["packages"]["papermill"]
        assert manifest["started"] <= manifest["finished"]
        assert manifest["parameters"]["corpus_dir"] == str(SAMPLE)


def test_corpus_notebook_counts_the_sample_articles(rendered):
    found = records(folder(rendered[0], "00-corpus") / "00-corpus.ipynb")
    assert sorted(row["file"] for row in found["articles"][0]) == sorted(p.name for p in SAMPLE.glob("*.txt"))
    dated = [row for row in found["articles"][0] if row["published"]]
    assert len(dated) == 4  # one sample article carries no date in its header or byline
    sources = {row["published_source"]: row["articles"] for row in found["published_sources"][0]}
    assert sources == {"header": 3, "byline": 1, "none": 1}
    months = {row["month"]: row["articles"] for row in found["articles_by_month"][0]}
    assert sum(n for month, n in months.items() if month and month[:1].isdigit()) == 4
    cut = {row["region"]: row["chars"] for row in found["regions"][0]}
    assert cut.get("teaser", 0) > 0  # the appended teasers are counted as cut, not as body
    assert found["skipped"][0] == []


def test_actors_notebook_names_the_envoys_and_leaders(rendered):
    found = records(folder(rendered[0], "10-actors") / "10-actors.ipynb")
    actors = {row["actor"]: row for row in found["actors"][0]}
    assert {"Donald Trump", "Vladimir Putin", "Steve Witkoff"} <= set(actors)
    assert actors["Vladimir Putin"]["side"] == "Nga" and actors["Donald Trump"]["side"] == "Mỹ"
    assert actors["Donald Trump"]["mentions"] >= actors["Donald Trump"]["articles"] >= 3
    axes = found["actors_figure"][0]["axes"][0]
    assert axes["title"] and axes["xlabel"] and axes["ylabel"]
    pairs = {(row["a"], row["b"]) for row in found["pairs"][0]}
    assert ("Donald Trump", "Vladimir Putin") in pairs
    sentences = found["actor_sentences"][0]
    assert sentences and all("Witkoff" in row["text"] for row in sentences)


def test_venues_notebook_places_the_talks(rendered):
    found = records(folder(rendered[0], "30-venues") / "30-venues.ipynb")
    venues = json.dumps(found["venues"], ensure_ascii=False)
    assert "Anchorage" in venues and "Abu Dhabi" in venues
    coordinates = {row["venue"]: row for row in found["coordinates"][0]}
    assert 61.0 < coordinates["Anchorage"]["lat"] < 61.4
    assert found["map_figure"][0]["axes"][0]["xlabel"]


def test_dates_and_events_notebooks_track_the_talks(rendered):
    dates = records(folder(rendered[0], "20-dates") / "20-dates.ipynb")
    assert {"day", "month", "year"} <= {row["precision"] for row in dates["dates"][0]}
    assert all(row["first"] <= row["last"] for row in dates["dates"][0])
    lag = {row["precision"]: row for row in dates["lag"][0]}
    assert lag["day"]["min"] >= 0
    placed = {row["event_id"] for row in dates["events"][0]}
    assert "2025-08-anchorage-putin-trump-summit" in placed
    events = records(folder(rendered[0], "40-events") / "40-events.ipynb")
    tracker = {row["event_id"]: row for row in events["tracker"][0]}
    anchorage = tracker["2025-08-anchorage-putin-trump-summit"]
    assert anchorage["n_articles"] == 2 and anchorage["reports"] == 2  # two articles, one real meeting
    assert tracker["undated-budapest-putin-trump-summit"]["status"] == "bị hủy"
    counts = events["counts"][0]
    assert sum(row["reports"] for row in counts) > sum(row["events"] for row in counts)


def test_a_range_that_excludes_everything_renders_nothing_matches(tmp_path, tables):
    status = run(tmp_path, tables, ["10-actors", "30-venues"], "start_date=1990-01-01", "end_date=1990-12-31")
    assert status == report.EXIT_OK
    for name in ("10-actors", "30-venues"):
        found = records(folder(tmp_path, name) / f"{name}.ipynb")
        assert found["nothing_matches"] and all(NOTHING_MATCHES in text for text in found["nothing_matches"])
        html = (folder(tmp_path, name) / f"{name}.html").read_text(encoding="utf-8")
        assert NOTHING_MATCHES in html


@pytest.mark.parametrize("params, parameter", [
    (("start_date=2025-09-01", "end_date=2025-08-01"), "end_date"),
    (("start_date=2025-13-40",), "start_date"),
    (("actors=[Nobody Atall]",), "actors"),
])
def test_a_bad_parameter_fails_in_the_checking_cell_naming_it(tmp_path, tables, params, parameter):
    status = run(tmp_path, tables, ["20-dates"], *params)
    assert status == report.EXIT_FAILED
    manifest = json.loads((folder(tmp_path, "20-dates") / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed"
    assert manifest["error"]["ename"] == "ParameterError"
    assert parameter in manifest["error"]["message"]
    nb = nbformat.read(folder(tmp_path, "20-dates") / "20-dates.ipynb", as_version=4)
    failing = nb.cells[manifest["error"]["cell_index"]]
    assert failing.id == manifest["error"]["cell_id"]
    assert "wa.select(" in failing.source  # the checking cell, right after the parameters
    assert [o.ename for o in failing.outputs if o.output_type == "error"] == ["ParameterError"]
    assert (folder(tmp_path, "20-dates") / "20-dates.html").is_file()


def test_a_failing_notebook_does_not_stop_the_others(tmp_path, tables):
    status = run(tmp_path, tables, ["10-actors", "30-venues"], "actors=[Nobody Atall]")
    assert status == report.EXIT_FAILED
    for name in ("10-actors", "30-venues"):
        manifest = json.loads((folder(tmp_path, name) / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "failed"  # both ran, both named the bad actor
        assert "Nobody Atall" in manifest["error"]["message"]


def test_the_same_corpus_and_parameters_give_identical_files(rendered, tables, tmp_path):
    out = rendered[0]
    assert run(tmp_path, tables, ["30-venues"]) == report.EXIT_OK
    for suffix in (".ipynb", ".html"):
        first = (folder(out, "30-venues") / f"30-venues{suffix}").read_bytes()
        again = (folder(tmp_path, "30-venues") / f"30-venues{suffix}").read_bytes()
        assert first == again, suffix


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (make browser)")
@pytest.mark.parametrize("name", ANALYSES)
def test_rendered_page_opens_offline_and_complete_in_chromium(rendered, name, tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = folder(rendered[0], name) / f"{name}.html"
    foreign: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def route(request_route):
                url = request_route.request.url
                if url.startswith(("file:", "data:", "about:")):
                    request_route.continue_()
                else:
                    foreign.append(url)
                    request_route.abort()

            page.route("**/*", route)
            page.goto(page_file.as_uri(), wait_until="load")
            images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
            text = page.inner_text("body")
            tables = page.eval_on_selector_all("table", "els => els.length")
            page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        finally:
            browser.close()
    assert foreign == []  # nothing fetched from another host
    assert all(done and width > 0 for done, width in images), images  # every figure drawn
    assert "Loading widget" not in text and "Error displaying widget" not in text
    assert "Traceback" not in text
    assert "NaN" not in text  # a missing date or venue shows as a blank cell
    assert tables >= 2  # the parameters table and at least one result table
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_an_interrupted_run_leaves_the_previous_report_whole(tmp_path, tables, monkeypatch):
    import papermill

    assert run(tmp_path, tables, ["30-venues"]) == report.EXIT_OK
    final = folder(tmp_path, "30-venues")
    before = {p.name: p.read_bytes() for p in final.iterdir()}

    def interrupted(source, target, **kwargs):
        Path(target).write_text('{"half": ', encoding="utf-8")  # a notebook half written
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, tables, ["30-venues"])
    assert {p.name: p.read_bytes() for p in final.iterdir()} == before
    monkeypatch.undo()
    assert run(tmp_path, tables, ["30-venues"]) == report.EXIT_OK  # the next run tidies up and replaces it
    assert not [p for p in final.parent.iterdir() if p.name.startswith(".")]
    assert (final / "30-venues.html").read_bytes() == before["30-venues.html"]
