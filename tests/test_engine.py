"""The engine: jobs give identical bytes, outputs swap in whole, one run per output folder."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import workbench.engine as engine
from workbench.bench import OUTPUT_FILES, build_corpus, identical
from workbench.cli import EXIT_NOTHING_WRITTEN, EXIT_OK, main
from workbench.engine import NothingLoadedError, run_annotate
from workbench.store import OutputLock, OutputLockedError, lock_path, recover, swap_in

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(ROOT / "data" / "raw", tmp_path_factory.mktemp("engine") / "corpus", 40)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "out"
    run_annotate(str(corpus), str(out), progress=False, jobs=1, use_cache=False)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


def test_engine_jobs_two_writes_the_same_bytes_as_jobs_one(corpus, reference, tmp_path):
    report = run_annotate(str(corpus), str(tmp_path / "out"), progress=False, jobs=2, use_cache=False)
    assert report.articles == 40 and report.annotated == 40
    assert identical(reference, tmp_path / "out")


def test_engine_rows_follow_file_names(reference):
    files = list(pd.read_parquet(reference / "articles.parquet")["file"])
    assert files == sorted(files)


def test_engine_tables_stream_in_parts(corpus, reference, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "PART_ARTICLES", 7)
    run_annotate(str(corpus), str(tmp_path / "out"), progress=False, jobs=1, use_cache=False)
    assert pq.ParquetFile(tmp_path / "out" / "mentions.parquet").num_row_groups == 6
    for name in ("articles", "sentences", "mentions"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / f"{name}.parquet"),
                                      pd.read_parquet(reference / f"{name}.parquet"))
    assert not list(tmp_path.glob(".out.*partial*"))


def test_engine_second_run_on_a_locked_output_refuses_naming_the_lock(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    with OutputLock(out):
        with pytest.raises(OutputLockedError) as caught:
            run_annotate(str(corpus), str(out), progress=False, jobs=1, use_cache=False)
        assert caught.value.lock == str(lock_path(out))
        assert str(os.getpid()) == caught.value.holder
        status = main(["annotate", str(corpus), "--out", str(out), "--no-cache", "--no-progress"])
    assert status == EXIT_NOTHING_WRITTEN
    assert str(lock_path(out)) in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.slow
def test_engine_concurrent_cli_run_refuses(corpus, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "workbench", "annotate", str(corpus), "--out", str(out), "--no-cache",
               "--jobs", "1", "--no-progress"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".out.partial-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        first.wait(timeout=120)
    assert first.returncode == EXIT_OK
    assert second.returncode == EXIT_NOTHING_WRITTEN
    assert ".out.lock" in second.stderr
    assert pd.read_parquet(out / "articles.parquet").shape[0] == 40


@pytest.mark.slow
def test_engine_sigkill_mid_run_leaves_previous_outputs_whole(corpus, reference, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(reference, out)
    before = snapshot(out)
    big = build_corpus(ROOT / "data" / "raw", tmp_path / "big", 300)
    process = subprocess.Popen([sys.executable, "-m", "workbench", "annotate", str(big), "--out", str(out),
                                "--no-cache", "--jobs", "2", "--no-progress"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".out.partial-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # the staging folder is being filled: 300 articles take several seconds
        assert list(tmp_path.glob(".out.partial-*")), "the run never started writing"
        assert process.poll() is None, "the run ended before it could be killed"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert snapshot(out) == before
    assert pd.read_parquet(out / "mentions.parquet").shape[0] > 0
    again = run_annotate(str(corpus), str(out), progress=False, jobs=1, use_cache=False)
    assert again.articles == 40
    assert identical(reference, out)
    assert not list(tmp_path.glob(".out.partial-*")) and not list(tmp_path.glob(".out.old-*"))


def test_engine_swap_exchanges_whole_folders(tmp_path):
    out, staging = tmp_path / "out", tmp_path / ".out.partial-1"
    out.mkdir()
    (out / "a").write_text("old")
    staging.mkdir()
    (staging / "a").write_text("new")
    swap_in(staging, out)
    assert (out / "a").read_text() == "new" and not staging.exists()


def test_engine_recover_restores_an_interrupted_swap(tmp_path):
    out = tmp_path / "out"
    old = tmp_path / ".out.old-123"
    old.mkdir()
    (old / "articles.parquet").write_text("previous")
    (tmp_path / ".out.partial-456").mkdir()
    recover(out)
    assert (out / "articles.parquet").read_text() == "previous"
    assert not old.exists() and not (tmp_path / ".out.partial-456").exists()


def test_engine_empty_folder_writes_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NothingLoadedError):
        run_annotate(str(tmp_path / "empty"), str(tmp_path / "out"), progress=False, jobs=1, use_cache=False)
    assert not (tmp_path / "out").exists()


def test_engine_clean_folder_exits_zero(corpus, tmp_path, capsys):
    status = main(["annotate", str(corpus), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "c"),
                   "--jobs", "1", "--no-progress"])
    assert status == EXIT_OK
    assert "40 articles read" in capsys.readouterr().out


def test_engine_annotator_failure_skips_only_that_article(corpus, tmp_path, monkeypatch):
    import workbench.pipeline

    real = workbench.pipeline.annotate_article

    def flaky(article):
        if article.file == sorted(p.name for p in corpus.iterdir())[3]:
            raise IndexError("list index out of range")
        return real(article)

    monkeypatch.setattr(workbench.pipeline, "annotate_article", flaky)
    report = run_annotate(str(corpus), str(tmp_path / "out"), progress=False, jobs=1, use_cache=False)
    assert report.articles == 39
    assert [s.reason for s in report.skipped] == ["annotation failed (IndexError: list index out of range)"]


def test_engine_annotator_failure_is_not_cached_and_is_tried_again(corpus, tmp_path, monkeypatch):
    import workbench.pipeline

    real = workbench.pipeline.annotate_article
    victim = sorted(p.name for p in corpus.iterdir())[5]

    def flaky(article):
        if article.file == victim:
            raise MemoryError("out of memory")
        return real(article)

    monkeypatch.setattr(workbench.pipeline, "annotate_article", flaky)
    first = run_annotate(str(corpus), str(tmp_path / "a"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert [s.file for s in first.skipped] == [victim]
    monkeypatch.setattr(workbench.pipeline, "annotate_article", real)
    second = run_annotate(str(corpus), str(tmp_path / "b"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert (second.skipped, second.annotated, second.cached) == ([], 1, 39)


def test_engine_text_that_is_not_an_article_is_cached_with_its_reason(tmp_path, monkeypatch):
    from workbench.corpus import Source

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(" date 2025-02-30 Hôm 21.10, ông Trump gặp ông Putin tại Budapest.", "utf-8")
    (corpus / "b.txt").write_text(" date 2025-10-22 Hôm 21.10, ông Trump gặp ông Putin tại Budapest.", "utf-8")
    parsed = []
    real_parse = Source.parse
    monkeypatch.setattr(Source, "parse", lambda self: parsed.append(self.file) or real_parse(self))
    runs = []
    for name in ("first", "second"):
        parsed.clear()
        runs.append(run_annotate(str(corpus), str(tmp_path / name), progress=False, jobs=1,
                                 cache_dir=tmp_path / "c"))
        runs[-1].parsed = list(parsed)
    for report in runs:
        assert [(s.file, s.reason) for s in report.skipped] == [("a.txt", "header date '2025-02-30' is not a "
                                                                 "calendar date")]
        assert report.articles == 1
    assert runs[0].parsed == ["a.txt", "b.txt"]
    assert runs[1].parsed == []  # both texts, the article and the reason, came from the cache
    assert (runs[1].annotated, runs[1].cached) == (0, 1)


def test_engine_keeps_the_reports_out_of_the_collector_while_it_runs_and_gives_them_back(corpus, reference,
                                                                                         tmp_path, monkeypatch):
    import gc

    seen: list[int] = []
    add = engine._Writer.add

    def spy(self, records, source):
        seen.append(gc.get_freeze_count())
        add(self, records, source)

    monkeypatch.setattr(engine._Writer, "add", spy)
    run_annotate(str(corpus), str(tmp_path / "out"), progress=False, jobs=1, cache_dir=tmp_path / "cache")
    assert identical(reference, tmp_path / "out")
    # batches of BATCH_ARTICLES: from the second batch on, what the run kept so far is frozen
    assert seen[0] == 0 and seen[engine.BATCH_ARTICLES] > 0
    assert gc.get_freeze_count() == 0

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine._Writer, "finish", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_annotate(str(corpus), str(tmp_path / "out2"), progress=False, jobs=1, cache_dir=tmp_path / "cache")
    assert gc.get_freeze_count() == 0
