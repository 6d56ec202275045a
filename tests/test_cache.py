"""The annotation cache: checked entries, fingerprints, warm runs, corrupt entries recomputed."""
from __future__ import annotations

from pathlib import Path

import pytest

import workbench.cache as cache_module
from workbench.bench import build_corpus, identical
from workbench.cache import AnnotationCache, annotator_fingerprint, decode_entry, encode_entry
from workbench.engine import run_annotate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(ROOT / "data" / "raw", tmp_path_factory.mktemp("cache") / "corpus", 12)


def test_cache_entry_round_trips():
    value = {"articles": [{"file": "a.txt", "text": "Ông Putin"}], "n_spans": 1}
    assert decode_entry(encode_entry(value)) == value


@pytest.mark.parametrize("damage", ["truncate", "flip", "magic", "empty", "append"])
def test_cache_damaged_entry_is_rejected(damage):
    data = bytearray(encode_entry({"x": list(range(50))}))
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[-5] ^= 0xFF
    elif damage == "magic":
        data[:4] = b"XXXX"
    elif damage == "empty":
        data = bytearray()
    else:
        data += b"\0"
    assert decode_entry(bytes(data)) is None


def test_cache_is_keyed_by_fingerprint(tmp_path):
    first = AnnotationCache(tmp_path, "aaaa")
    first.put("0123abcd", {"v": 1})
    assert first.get("0123abcd") == {"v": 1}
    assert AnnotationCache(tmp_path, "bbbb").get("0123abcd") is None


def test_cache_fingerprint_follows_the_knowledge_files(monkeypatch):
    import workbench.knowledge

    before = annotator_fingerprint()
    cache_module.annotator_fingerprint.cache_clear()
    monkeypatch.setattr(workbench.knowledge, "fingerprint", lambda: "an-alias-changed")
    try:
        assert annotator_fingerprint() != before
    finally:
        cache_module.annotator_fingerprint.cache_clear()


def test_cache_warm_run_serves_everything_and_writes_the_same_bytes(corpus, tmp_path):
    cold = run_annotate(str(corpus), str(tmp_path / "cold"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    warm = run_annotate(str(corpus), str(tmp_path / "warm"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert (cold.cached, cold.annotated) == (0, 12)
    assert (warm.cached, warm.annotated) == (12, 0)
    assert identical(tmp_path / "cold", tmp_path / "warm")


def test_cache_corrupt_entry_is_recomputed_not_read(corpus, tmp_path):
    run_annotate(str(corpus), str(tmp_path / "first"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    entries = sorted(p for p in (tmp_path / "c").rglob("*.bin") if not p.name.startswith("merge-"))
    entries[0].write_bytes(entries[0].read_bytes()[:100])          # truncated
    data = bytearray(entries[1].read_bytes())
    data[len(data) // 2] ^= 0x01                                     # one bit flipped
    entries[1].write_bytes(bytes(data))
    again = run_annotate(str(corpus), str(tmp_path / "again"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert (again.cached, again.annotated) == (10, 2)
    assert identical(tmp_path / "first", tmp_path / "again")
    healed = run_annotate(str(corpus), str(tmp_path / "healed"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert healed.cached == 12


def test_cache_new_articles_only_are_annotated(corpus, tmp_path):
    import shutil

    grown = tmp_path / "grown"
    shutil.copytree(corpus, grown)
    run_annotate(str(corpus), str(tmp_path / "o1"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    (grown / "zz_new.txt").write_text(" date 2025-08-16 Hôm 15.8, ông Trump gặp ông Putin tại Alaska.",
                                      encoding="utf-8")
    report = run_annotate(str(grown), str(tmp_path / "o2"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert (report.cached, report.annotated) == (12, 1)


def test_cache_a_text_read_under_another_name_and_folder_is_labelled_with_its_own(corpus, tmp_path):
    import shutil

    import pandas as pd

    run_annotate(str(corpus), str(tmp_path / "o1"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    moved = tmp_path / "moved"
    moved.mkdir()
    for path in sorted(corpus.glob("*.txt")):
        shutil.copy(path, moved / f"renamed_{path.name}")
    cached = run_annotate(str(moved), str(tmp_path / "o2"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    fresh = run_annotate(str(moved), str(tmp_path / "o3"), progress=False, jobs=1, use_cache=False)
    assert cached.cached == 12 and fresh.annotated == 12
    articles = pd.read_parquet(tmp_path / "o2" / "articles.parquet")
    assert sorted(articles["path"]) == sorted(str(p) for p in moved.glob("*.txt"))
    assert all(name.startswith("renamed_") for name in articles["file"])
    for name in ("articles.parquet", "sentences.parquet", "mentions.parquet", "events.parquet", "summary.jsonl"):
        assert (tmp_path / "o2" / name).read_bytes() == (tmp_path / "o3" / name).read_bytes(), name


def test_cache_workers_start_only_when_some_text_is_missing(corpus, tmp_path, monkeypatch):
    import shutil

    import workbench.engine as engine_module

    cold = run_annotate(str(corpus), str(tmp_path / "o1"), progress=False, jobs=2, cache_dir=tmp_path / "c")
    assert cold.annotated == 12 and cold.workers == 2
    warm = run_annotate(str(corpus), str(tmp_path / "o2"), progress=False, jobs=2, cache_dir=tmp_path / "c")
    assert warm.cached == 12 and warm.workers == 0                 # no pool for a fully cached run
    grown = tmp_path / "grown"
    shutil.copytree(corpus, grown)
    for number, place in enumerate(("Alaska", "Budapest")):
        (grown / f"zz_new_{number}.txt").write_text(f" date 2025-08-16 Hôm 15.8, ông Trump gặp ông Putin tại {place}.",
                                                    encoding="utf-8")
    report = run_annotate(str(grown), str(tmp_path / "o3"), progress=False, jobs=2, cache_dir=tmp_path / "c")
    assert (report.cached, report.annotated) == (12, 2) and report.workers == 2
    # few texts to annotate beside many cached ones: one worker does them while the cache is read
    monkeypatch.setattr(engine_module, "MISS_COST", 5)
    shutil.rmtree(tmp_path / "c")
    run_annotate(str(corpus), str(tmp_path / "o4"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    few = run_annotate(str(grown), str(tmp_path / "o5"), progress=False, jobs=2, cache_dir=tmp_path / "c")
    assert (few.cached, few.annotated) == (12, 2) and few.workers == 1
    assert identical(tmp_path / "o3", tmp_path / "o5")


def test_cache_cached_texts_are_not_read_twice_and_a_damaged_entry_reads_its_text(corpus, tmp_path, monkeypatch):
    import hashlib

    import workbench.corpus as corpus_module

    run_annotate(str(corpus), str(tmp_path / "o1"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    decoded: list[str] = []
    decode = corpus_module.decode
    monkeypatch.setattr(corpus_module, "decode", lambda data, file, encoding=None: (decoded.append(file),
                                                                                      decode(data, file, encoding))[1])
    warm = run_annotate(str(corpus), str(tmp_path / "o2"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert warm.cached == 12 and decoded == []     # hashed once for the corpus state, never decoded again
    victim = sorted(corpus.glob("*.txt"))[3]
    cache = AnnotationCache(tmp_path / "c")
    entry = cache.path_for(hashlib.sha256(victim.read_bytes()).hexdigest())
    entry.write_bytes(entry.read_bytes()[:200])    # still there, so taken as cached: found damaged when read
    again = run_annotate(str(corpus), str(tmp_path / "o3"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert (again.cached, again.annotated) == (11, 1) and decoded == [victim.name]
    assert identical(tmp_path / "o2", tmp_path / "o3")


def test_cache_disabled_reads_and_writes_nothing(corpus, tmp_path):
    report = run_annotate(str(corpus), str(tmp_path / "o"), progress=False, jobs=1, use_cache=False,
                          cache_dir=tmp_path / "c")
    assert report.cached == 0 and not (tmp_path / "c").exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def annotated(corpus, tmp_path):
    """A private copy of the corpus, annotated once into ``out``."""
    import shutil

    own = tmp_path / "corpus"
    shutil.copytree(corpus, own)
    out = tmp_path / "out"
    first = run_annotate(str(own), str(out), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert not first.up_to_date
    return own, out


def test_cache_rerun_on_unchanged_corpus_finds_outputs_up_to_date(annotated, tmp_path):
    own, out = annotated
    before = _files(out)
    again = run_annotate(str(own), str(out), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert again.up_to_date and again.annotated == 0 and again.articles == 12
    assert "up to date" in again.line() and f"{again.spans} spans" in again.line()
    assert _files(out) == before


@pytest.mark.parametrize("change", ["edit", "add", "remove", "rename", "output", "no-cache"])
def test_cache_any_change_makes_the_rerun_write_again(annotated, tmp_path, change):
    own, out = annotated
    first = sorted(own.glob("*.txt"))[0]
    use_cache = True
    if change == "edit":
        first.write_text(first.read_text(encoding="utf-8") + "\nÔng Putin gặp ông Trump.", encoding="utf-8")
    elif change == "add":
        (own / "zz_new.txt").write_text(" date 2025-08-16 Hôm 15.8, ông Trump gặp ông Putin tại Alaska.",
                                        encoding="utf-8")
    elif change == "remove":
        first.unlink()
    elif change == "rename":
        first.rename(own / ("zz_" + first.name))
    elif change == "output":
        damaged = out / "mentions.parquet"
        damaged.write_bytes(damaged.read_bytes()[:-100])  # a truncated table is never trusted
    else:
        use_cache = False
    again = run_annotate(str(own), str(out), progress=False, jobs=1, cache_dir=tmp_path / "c",
                         use_cache=use_cache)
    assert not again.up_to_date
    reference = run_annotate(str(own), str(tmp_path / "reference"), progress=False, jobs=1, use_cache=False)
    assert identical(out, tmp_path / "reference")
    assert again.articles == reference.articles


def test_cache_up_to_date_keeps_the_skipped_files_and_exit_status(tmp_path, capsys):
    from workbench.cli import EXIT_SKIPPED, main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(" date 2025-08-16 Hôm 15.8, ông Trump gặp ông Putin tại Alaska.",
                                  encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    args = ["annotate", str(corpus), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "c"),
            "--jobs", "1", "--no-progress"]
    assert main(args) == EXIT_SKIPPED
    capsys.readouterr()
    assert main(args) == EXIT_SKIPPED
    line = capsys.readouterr().out
    assert "up to date" in line and "empty.txt" in line


def test_cache_another_annotator_is_not_up_to_date(annotated, tmp_path, monkeypatch):
    own, out = annotated
    monkeypatch.setattr(cache_module, "annotator_fingerprint", lambda: "another-annotator")
    again = run_annotate(str(own), str(out), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert not again.up_to_date and again.annotated == 12


def test_cache_merge_resumes_when_later_articles_are_added(corpus, tmp_path):
    import datetime as dt
    import re
    import shutil

    from workbench.bench import synthetic_text

    grown = tmp_path / "grown"
    shutil.copytree(corpus, grown)
    first = run_annotate(str(corpus), str(tmp_path / "o1"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert not first.merge_resumed
    dates = [re.match(r" date (\d{4}-\d{2}-\d{2})", p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt")]
    latest = max(dt.date.fromisoformat(m.group(1)) for m in dates if m)
    sample = next(p for p in sorted((ROOT / "data" / "raw").glob("*.txt")) if "Putin" in p.read_text("utf-8"))
    (grown / "aa_later.txt").write_text(synthetic_text(sample.read_text(encoding="utf-8"), 30, latest),
                                        encoding="utf-8")
    resumed = run_annotate(str(grown), str(tmp_path / "o2"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    assert (resumed.cached, resumed.annotated) == (12, 1) and resumed.merge_resumed
    assert resumed.events > first.events
    scratch = run_annotate(str(grown), str(tmp_path / "o3"), progress=False, jobs=1, use_cache=False)
    assert not scratch.merge_resumed
    assert identical(tmp_path / "o2", tmp_path / "o3")


def test_cache_merge_resumes_from_the_latest_run_even_when_its_merge_came_from_the_cache(corpus, tmp_path):
    import re
    import shutil

    def published(path: Path) -> str:
        return re.match(r" date (\d{4}-\d{2}-\d{2})", path.read_text(encoding="utf-8")).group(1)

    files = sorted(corpus.glob("*.txt"), key=lambda p: (published(p), p.name))
    later = tmp_path / "later"  # another folder: its reports are not the first ones of the corpus's
    later.mkdir()
    for path in files[6:]:
        shutil.copy(path, later / path.name)
    cache = tmp_path / "c"
    run_annotate(str(corpus), str(tmp_path / "o1"), progress=False, jobs=1, cache_dir=cache)
    run_annotate(str(later), str(tmp_path / "o2"), progress=False, jobs=1, cache_dir=cache)
    again = run_annotate(str(corpus), str(tmp_path / "o3"), progress=False, jobs=1, cache_dir=cache)
    assert again.cached == 12 and not again.merge_resumed  # its whole merge was in the cache
    grown = tmp_path / "grown"
    shutil.copytree(corpus, grown)
    (grown / "zz_new.txt").write_text(" date 2030-01-02 Hôm 1.1, ông Trump điện đàm với ông Putin.",
                                      encoding="utf-8")
    resumed = run_annotate(str(grown), str(tmp_path / "o4"), progress=False, jobs=1, cache_dir=cache)
    assert (resumed.cached, resumed.annotated) == (12, 1) and resumed.merge_resumed
    scratch = run_annotate(str(grown), str(tmp_path / "o5"), progress=False, jobs=1, use_cache=False)
    assert identical(tmp_path / "o4", tmp_path / "o5")


def test_cache_new_texts_are_sent_to_the_workers_before_the_cached_ones_are_read(corpus, tmp_path, monkeypatch):
    import shutil

    import workbench.engine as engine_module

    run_annotate(str(corpus), str(tmp_path / "o1"), progress=False, jobs=1, cache_dir=tmp_path / "c")
    grown = tmp_path / "grown"
    shutil.copytree(corpus, grown)
    texts = {"zz_new_1.txt": " date 2025-08-16 Hôm 15.8, ông Trump gặp ông Putin tại Alaska.",
             "zz_new_2.txt": " date 2025-10-21 Cuộc gặp Trump - Putin tại Budapest đã bị hoãn.",
             "zz_new_3.txt": " date 2025-10-21 Cuộc gặp Trump - Putin tại Budapest đã bị hoãn.",  # a duplicate
             "zz_new_4.txt": ""}                                                                   # skipped
    for name, text in texts.items():
        (grown / name).write_text(text, encoding="utf-8")
    events: list[tuple[str, list[str]]] = []
    submit, get = engine_module._Executor.submit, AnnotationCache.get
    monkeypatch.setattr(engine_module._Executor, "submit",
                        lambda self, batch: (events.append(("sent", [s.file for s in batch])), submit(self, batch))[1])
    monkeypatch.setattr(AnnotationCache, "get",
                        lambda self, key: (events.append(("read", [key])), get(self, key))[1])
    import workbench.corpus as corpus_module

    decoded: list[str] = []
    decode = corpus_module.decode
    monkeypatch.setattr(corpus_module, "decode", lambda data, file, encoding=None: (decoded.append(file),
                                                                                      decode(data, file, encoding))[1])
    report = run_annotate(str(grown), str(tmp_path / "o2"), progress=False, jobs=2, cache_dir=tmp_path / "c")
    assert (report.cached, report.annotated) == (12, 2)
    # one task, sent before the first cached text was read, with the two distinct new texts only
    assert events[0] == ("sent", ["zz_new_1.txt", "zz_new_2.txt"])
    # a text sent ahead is decoded once; the duplicate and the empty file, not sent, at their turn too
    assert {name: decoded.count(name) for name in decoded} == {"zz_new_1.txt": 1, "zz_new_2.txt": 1,
                                                                "zz_new_3.txt": 2, "zz_new_4.txt": 2}
    assert [kind for kind, _ in events].count("sent") == 1
    assert {s.file: s.reason for s in report.skipped} == {"zz_new_3.txt": "duplicate of zz_new_2.txt",
                                                          "zz_new_4.txt": "empty file"}
    monkeypatch.undo()
    scratch = run_annotate(str(grown), str(tmp_path / "o3"), progress=False, jobs=1, use_cache=False)
    assert identical(tmp_path / "o2", tmp_path / "o3")
