"""measure annotate: cold/warm, --jobs 1 vs 2, Dask, peak RSS, beside underthesea ner

``python -m workbench bench [CORPUS_DIR] [--articles N]`` builds a synthetic
corpus of N articles from the sample folder (default ``data/raw``): each is a
real sample article under a new file name and id, with a new publication date
in its crawl header and its body paragraphs in a new order, so every text is
distinct and the language stays real. It then runs ``workbench annotate`` in
subprocesses, as a user would, and prints:

* cold throughput (characters/s, whole process, default jobs) beside
  underthesea ``ner`` on the same sentences (one core), and the ratio;
* the warm re-run time on the unchanged corpus (and its share of the cold run);
* ``--jobs 1`` against ``--jobs 2`` (speed-up of the fastest of ``--repeat`` runs of each, and
  whether outputs are byte-identical);
* the Dask engine on a LocalCluster (time, identical outputs or not);
* the peak RSS of the whole process tree of the cold run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .engine import OUTPUTS
from .errors import WorkbenchError

HEADER_DATE = re.compile(r"\A(\ufeff?[ \t]*date[ \t]+)(\d{4}-\d{2}-\d{2})")
#: The output files compared for byte identity.
OUTPUT_FILES = (*OUTPUTS, "run.json")


class BenchError(WorkbenchError):
    """A bench step that failed.

    Attributes
    ----------
    step : str
        The step (``cold``, ``warm``, ``jobs 1`` …).
    reason : str
        What went wrong (the command's stderr tail).
    """

    def __init__(self, step: str, reason: str):
        super().__init__(f"bench step {step!r} failed: {reason}")
        self.step = step
        self.reason = reason


def _paragraphs(text: str) -> tuple[str, list[str], str]:
    """Head (first paragraph), shufflable middle paragraphs and the tail of a text."""
    parts = text.split("\n\n")
    if len(parts) < 4:
        return text, [], ""
    return parts[0], parts[1:-1], parts[-1]


def synthetic_text(sample: str, index: int, base_date: dt.date) -> str:
    """One synthetic article: a sample text with a new header date and its middle paragraphs reordered.

    >>> text = synthetic_text(" date 2025-10-22 Ông Putin nói.\\n\\nA\\n\\nB\\n\\nC\\n\\nD", 3, dt.date(2025, 10, 22))
    >>> text.startswith(" date 2025-10-25 Ông Putin nói.")
    True
    """
    day = (base_date + dt.timedelta(days=index)).isoformat()
    match = HEADER_DATE.match(sample)
    text = HEADER_DATE.sub(lambda m: m.group(1) + day, sample, count=1) if match else f" date {day} {sample}"
    head, middle, tail = _paragraphs(text)
    if len(middle) > 1:
        random.Random(index).shuffle(middle)
        text = "\n\n".join([head, *middle, tail])
    return text


def build_corpus(sample_dir: str | Path, target: str | Path, articles: int) -> Path:
    """Write ``articles`` distinct synthetic articles built from the sample folder into ``target``.

    File names are ``bench_<number>_<hash>.txt``; dates run from each sample's
    own date forwards and backwards, one day per copy.
    """
    from .corpus import load_corpus

    samples, _ = load_corpus(sample_dir)
    if not samples:
        raise BenchError("corpus", f"no sample article in {sample_dir}")
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for number in range(articles):
        sample = samples[number % len(samples)]
        base = dt.date.fromisoformat(sample.published) if sample.published else dt.date(2025, 6, 1)
        copy = number // len(samples)
        offset = (copy + 1) // 2 * (1 if copy % 2 else -1)
        text = synthetic_text(sample.text, offset, base)
        while hashlib.sha256(text.encode()).hexdigest() in seen:
            offset += 7919
            text = synthetic_text(sample.text, offset, base)
        digest = hashlib.sha256(text.encode()).hexdigest()
        seen.add(digest)
        (target / f"bench_{number:06d}_{digest[:12]}.txt").write_text(text, encoding="utf-8")
    return target


def grow_corpus(sample_dir: str | Path, corpus: str | Path, target: str | Path, extra: int) -> Path:
    """A copy of ``corpus`` with ``extra`` new synthetic articles dated after all of its articles,
    as a weekly crawl adds them."""
    from .corpus import load_corpus

    samples, _ = load_corpus(sample_dir)
    existing, _ = load_corpus(corpus)
    if not samples or not existing:
        raise BenchError("corpus", f"no article in {sample_dir} or {corpus}")
    target = Path(target)
    shutil.copytree(corpus, target)
    latest = max(dt.date.fromisoformat(a.published) for a in existing if a.published)
    for number in range(extra):
        text = synthetic_text(samples[number % len(samples)].text, number + 1, latest)
        digest = hashlib.sha256(text.encode()).hexdigest()
        (target / f"bench_{len(existing) + number:06d}_{digest[:12]}.txt").write_text(text, encoding="utf-8")
    return target


class _PeakRSS:
    """Polls the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for process in [root, *root.children(recursive=True)]:
                    try:
                        total += process.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        continue
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> "_PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def run_cli(step: str, args: list[str]) -> tuple[float, int, str]:
    """Run ``python -m workbench annotate ARGS``: seconds, peak RSS of the tree (bytes), stdout."""
    command = [sys.executable, "-m", "workbench", "annotate", *args, "--no-progress"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with _PeakRSS(process.pid) as rss:
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 3):
        raise BenchError(step, f"exit {process.returncode}: {stderr.strip()[-2000:]}")
    return seconds, rss.peak, stdout.strip()


def identical(a: str | Path, b: str | Path) -> bool:
    """Whether two output folders hold byte-identical files."""
    return all((Path(a) / name).read_bytes() == (Path(b) / name).read_bytes() for name in OUTPUT_FILES)


def ner_throughput(corpus: Path, limit: int = 60) -> tuple[float, int]:
    """Characters/s of underthesea ``ner`` over the countable sentences of up to ``limit`` articles."""
    from underthesea import ner

    from .corpus import load_corpus
    from .text import split_sentences

    articles, _ = load_corpus(corpus)
    sentences = [a.text[s.start:s.end] for a in articles[:limit]
                 for s in split_sentences(a.text, a.regions) if s.countable]
    ner(sentences[0])  # load the model outside the timing
    started = time.perf_counter()
    for sentence in sentences:
        ner(sentence)
    seconds = time.perf_counter() - started
    chars = sum(len(s) for s in sentences)
    return chars / seconds, chars


def main(argv: list[str] | None = None) -> int:
    """Build the synthetic corpus, run every measurement and print the figures."""
    parser = argparse.ArgumentParser(prog="workbench bench", description=__doc__.strip().splitlines()[0])
    parser.add_argument("corpus_dir", nargs="?", default="data/raw", help="sample folder (default data/raw)")
    parser.add_argument("--articles", type=int, default=2000, help="synthetic corpus size (default 2000)")
    parser.add_argument("--workdir", default=None, help="keep the corpus and outputs here (default: a temporary folder)")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--skip", action="append", default=[], choices=("jobs", "dask", "ner"),
                        help="leave out a measurement (repeatable)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run --jobs 1 and --jobs 2 this many times each, alternately, and compare the "
                             "fastest of each (default 1)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, not {args.repeat}")
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as scratch:
        work = Path(args.workdir or scratch)
        work.mkdir(parents=True, exist_ok=True)
        figures = measure(Path(args.corpus_dir), work, args.articles, set(args.skip), args.repeat)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


def measure(sample_dir: Path, work: Path, articles: int, skip: set[str], repeat: int = 1) -> dict:
    """Run every bench step in ``work``, printing each figure as it comes.

    ``--jobs 1`` and ``--jobs 2`` run ``repeat`` times each, alternately, and the speed-up compares the
    fastest run of each: on a shared machine a slow spell then weighs on neither side alone.
    """
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    started = time.perf_counter()
    build_corpus(sample_dir, corpus, articles)
    chars = sum(p.stat().st_size for p in corpus.iterdir())  # bytes; characters counted below
    text_chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.iterdir())
    cpus = os.cpu_count() or 1
    figures: dict = {"articles": articles, "chars": text_chars, "bytes": chars, "cpus": cpus,
                     "python": sys.version.split()[0]}
    print(f"corpus: {articles:,} synthetic articles, {text_chars:,} characters "
          f"({time.perf_counter() - started:.1f} s to build) in {corpus}")
    cache = work / "cache"

    def fresh(name: str) -> Path:
        path = work / name
        if path.exists():
            shutil.rmtree(path)
        return path

    fresh("cache")
    cold, cold_rss, line = run_cli("cold", [str(corpus), "--out", str(fresh("out_cold")), "--cache", str(cache),
                                            "--jobs", str(cpus)])
    figures.update(cold_s=cold, cold_chars_per_s=text_chars / cold, cold_peak_rss_mb=cold_rss / 2**20)
    print(f"cold (--jobs {cpus}, empty cache): {cold:.1f} s, {text_chars / cold:,.0f} chars/s, "
          f"peak RSS {cold_rss / 2**20:,.0f} MB (whole process tree)\n  {line}")
    if "ner" not in skip:
        ner_rate, ner_chars = ner_throughput(corpus)
        figures.update(ner_chars_per_s=ner_rate, ner_sample_chars=ner_chars,
                       ratio_vs_ner=(text_chars / cold) / ner_rate)
        print(f"underthesea ner (one core, same sentences, {ner_chars:,} chars): {ner_rate:,.0f} chars/s; "
              f"annotate cold is {(text_chars / cold) / ner_rate:.1f}× ner")
    warm, warm_rss, line = run_cli("warm", [str(corpus), "--out", str(fresh("out_warm")), "--cache", str(cache),
                                            "--jobs", str(cpus)])
    figures.update(warm_s=warm, warm_share_of_cold=warm / cold, warm_peak_rss_mb=warm_rss / 2**20,
                   warm_identical=identical(work / "out_cold", work / "out_warm"))
    print(f"warm cache, new output folder (unchanged corpus): {warm:.1f} s = {100 * warm / cold:.1f} % of cold; "
          f"outputs identical to cold: {figures['warm_identical']}\n  {line}")
    rerun, rerun_rss, line = run_cli("re-run", [str(corpus), "--out", str(work / "out_cold"), "--cache", str(cache),
                                                "--jobs", str(cpus)])
    figures.update(rerun_s=rerun, rerun_share_of_cold=rerun / cold, rerun_up_to_date="up to date" in line)
    print(f"re-run on the same --out (unchanged corpus): {rerun:.1f} s = {100 * rerun / cold:.1f} % of cold; "
          f"found up to date: {figures['rerun_up_to_date']}\n  {line}")
    extra = max(1, articles // 100)
    grown = grow_corpus(sample_dir, corpus, fresh("corpus_grown"), extra)
    grow, grow_rss, line = run_cli("grown", [str(grown), "--out", str(fresh("out_grown")), "--cache", str(cache),
                                             "--jobs", str(cpus)])
    figures.update(grown_articles=extra, grown_s=grow, grown_share_of_cold=grow / cold,
                   grown_extra_share_of_cold=(grow - warm) / cold)
    print(f"grown corpus (+{extra:,} newer articles = +{100 * extra / articles:.1f} %, warm cache): {grow:.1f} s = "
          f"{100 * grow / cold:.1f} % of cold ({100 * (grow - warm) / cold:+.1f} % of cold over the warm re-run)"
          f"\n  {line}")
    shutil.rmtree(grown)
    if "jobs" not in skip:
        times: dict[str, list[float]] = {"1": [], "2": []}
        peaks: dict[str, int] = {"1": 0, "2": 0}
        lines: dict[str, str] = {}
        for _ in range(repeat):
            for jobs in ("1", "2"):
                seconds, rss, lines[jobs] = run_cli(f"jobs {jobs}", [str(corpus), "--out", str(fresh(f"out_j{jobs}")),
                                                                      "--no-cache", "--jobs", jobs])
                times[jobs].append(seconds)
                peaks[jobs] = max(peaks[jobs], rss)
        one, two = min(times["1"]), min(times["2"])
        same = identical(work / "out_j1", work / "out_j2")
        figures.update(jobs1_s=one, jobs2_s=two, jobs_speedup=one / two, jobs_identical=same,
                       jobs1_runs_s=times["1"], jobs2_runs_s=times["2"],
                       jobs1_peak_rss_mb=peaks["1"] / 2**20, jobs2_peak_rss_mb=peaks["2"] / 2**20)
        runs = "" if repeat == 1 else (f" (fastest of {repeat}: --jobs 1 " + ", ".join(f"{t:.1f}" for t in times["1"])
                                       + " s; --jobs 2 " + ", ".join(f"{t:.1f}" for t in times["2"]) + " s)")
        print(f"--jobs 1: {one:.1f} s; --jobs 2: {two:.1f} s; speed-up {one / two:.2f}×{runs}; "
              f"byte-identical: {same}\n  {lines['1']}\n  {lines['2']}")
    if "dask" not in skip:
        seconds, rss, _ = run_cli("dask", [str(corpus), "--out", str(fresh("out_dask")), "--no-cache",
                                           "--engine", "dask", "--jobs", "2"])
        reference = work / ("out_j1" if (work / "out_j1").exists() else "out_cold")
        same = identical(reference, work / "out_dask")
        figures.update(dask_s=seconds, dask_identical=same, dask_peak_rss_mb=rss / 2**20)
        print(f"--engine dask (LocalCluster, 2 worker processes): {seconds:.1f} s; identical to local: {same}; "
              f"peak RSS {rss / 2**20:,.0f} MB")
    return figures
