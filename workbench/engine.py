"""Annotate a corpus folder and write its tables: the I/O edge of annotation.

:func:`run_annotate` reads the folder in file-name order, takes each article's
records from the cache when its text was annotated before by the same
annotator (see :mod:`workbench.cache`), annotates the others with
:func:`workbench.pipeline.annotate_article` in worker processes (which also
parse them: this process only reads, decodes and hashes), and streams the
records to Parquet files, one row group per ``PART_ARTICLES`` articles, in a
staging folder that is swapped in whole at the end (see
:mod:`workbench.store`). The outputs depend only on the corpus and the
annotator, never on the engine, the number of jobs or the cache: the same
corpus gives byte-identical files.

Engines
-------
``local``
    ``jobs == 1`` annotates in this process; ``jobs > 1`` in a pool of that
    many worker processes.
``dask``
    The same per-article function on ``dask.distributed``: a ``LocalCluster``
    of ``jobs`` single-threaded worker processes when no ``scheduler`` is
    given, or the existing cluster at ``scheduler`` (``tcp://host:port``).
    Every worker must have the same ``workbench`` installed; a worker whose
    annotator fingerprint differs is refused.

Outputs in ``out``
------------------
``articles.parquet``, ``sentences.parquet``, ``mentions.parquet``,
``events.parquet`` (with merged ``event_id``), ``event_groups.parquet``,
``summary.jsonl`` (the gold format), ``load_report.jsonl`` (one line per file
skipped, with the reason) and ``run.json``.

Exit statuses of ``workbench annotate``
---------------------------------------
0
    Every file in the folder loaded and the outputs were written.
3
    Some files were skipped (named in ``load_report.jsonl`` and in the
    one-line account) but the outputs were written.
4
    Nothing was written: no article could be loaded, the output folder is
    locked by another run, or the run failed; previous outputs are untouched.
"""
from __future__ import annotations

import codecs
import gc
import hashlib
import json
import os
import shutil
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .corpus import DEFAULT_MAX_BYTES, CorpusError, Skipped, Source, iter_sources, read_source
from .errors import WorkbenchError

TABLES = ("articles", "sentences", "mentions", "events")

#: Articles per Parquet row group: bounds memory, fixed so outputs never depend on jobs.
PART_ARTICLES = 500
#: Articles per task sent to a worker.
BATCH_ARTICLES = 16
#: At most this many texts missing from the cache are sent to the workers ahead of their turn (see
#: :func:`_send_ahead`); their records wait in memory, about 45 KB each.
AHEAD_MAX = 2000
#: Tasks in flight per worker.
TASKS_PER_WORKER = 4
#: Annotating a text costs about this many times what reading its cached records costs (measured on
#: the bench corpus: about 20 ms against 0.3 ms an article); see :func:`_processes`.
MISS_COST = 60


class EngineError(WorkbenchError):
    """An engine that cannot run, or a worker that does not match this annotator.

    Attributes
    ----------
    engine : str
        ``local`` or ``dask``.
    reason : str
        What went wrong.
    """

    def __init__(self, engine: str, reason: str):
        super().__init__(f"engine {engine}: {reason}")
        self.engine = engine
        self.reason = reason


class NothingLoadedError(WorkbenchError):
    """No article of the folder could be loaded, so no output was written.

    Attributes
    ----------
    corpus_dir : str
        The folder.
    skipped : list of Skipped
        Every file skipped, with its reason.
    """

    def __init__(self, corpus_dir: str, skipped: list[Skipped]):
        reasons = "; ".join(f"{s.file}: {s.reason}" for s in skipped) or "the folder is empty"
        super().__init__(f"{corpus_dir}: no article could be loaded, nothing written ({reasons})")
        self.corpus_dir = str(corpus_dir)
        self.skipped = skipped


@dataclass
class RunReport:
    """What one annotate run read, skipped and wrote."""

    articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    spans: int = 0
    events: int = 0
    merged_events: int = 0
    seconds: float = 0.0
    out: str = ""
    cached: int = 0
    annotated: int = 0
    engine: str = "local"
    jobs: int = 1
    annotate_seconds: float = 0.0
    merge_seconds: float = 0.0
    merge_resumed: bool = False
    up_to_date: bool = False
    workers: int = 0

    def line(self) -> str:
        """The one-line account, naming every skipped file and why."""
        reasons = "; ".join(f"{s.file}: {s.reason}" for s in self.skipped)
        skipped = f"{len(self.skipped)} skipped ({reasons})" if self.skipped else "0 skipped"
        if self.up_to_date:
            return (f"{self.articles} articles, {skipped}, {self.spans} spans, {self.events} event reports "
                    f"→ {self.merged_events} events: outputs up to date (same files, same annotator), "
                    f"nothing rewritten, {self.seconds:.1f} s → {self.out}")
        return (f"{self.articles} articles read ({self.cached} from cache, {self.annotated} annotated), "
                f"{skipped}, {self.spans} spans, {self.events} event reports "
                f"→ {self.merged_events} events, {self.seconds:.1f} s (annotate {self.annotate_seconds:.1f} s, "
                f"merge {self.merge_seconds:.1f} s) → {self.out}")


# --------------------------------------------------------------------------- per article (workers)

def article_records(annotation) -> dict[str, Any]:
    """Everything a run keeps of one annotated article, as the cache stores it.

    ``batches``: the article's rows of the ``articles``, ``sentences`` and ``mentions`` tables, each
    an Arrow record batch of :func:`workbench.summary.table_schema` serialised to bytes (None when it
    has no rows): built here, in the worker, they cost the main process only a read; ``events``: its
    rows of the events table as dicts, with ``reports`` beside them (what merging reads of each, see
    :meth:`workbench.merge.Reports.add`); ``summary``: its ``summary.jsonl`` line without merged
    keys; ``n_spans``.
    """
    import pyarrow as pa

    from .merge import prepare_report
    from .summary import (article_record, event_records, mention_records, sentence_records, summary_record,
                          table_schema)

    def batch(name: str, rows: list[dict[str, Any]]) -> bytes | None:
        if not rows:
            return None
        return pa.RecordBatch.from_pylist(rows, schema=table_schema(name)).serialize().to_pybytes()

    events = event_records(annotation)
    return {
        "batches": {"articles": batch("articles", [article_record(annotation)]),
                    "sentences": batch("sentences", sentence_records(annotation)),
                    "mentions": batch("mentions", mention_records(annotation))},
        "events": events,
        "reports": [prepare_report(event) for event in events],
        "summary": json.dumps(summary_record(annotation, {}), ensure_ascii=False),
        "n_spans": len(annotation.spans),
    }


def read_batch(name: str, data: bytes):
    """The ``pyarrow.RecordBatch`` of table ``name`` serialised by :func:`article_records`."""
    import pyarrow as pa

    from .summary import table_schema

    return pa.ipc.read_record_batch(pa.py_buffer(data), table_schema(name))


def annotate_records(source: Source) -> dict[str, Any]:
    """Parse and annotate one text and project it to records; ``{"error": reason}`` when it cannot be.

    A text that is not an article (an impossible header date) gives its reason, and so does an
    annotator failure (marked ``"retry"``: not cached, tried again next run). Either is returned,
    not raised, so that it is reported as a skipped file and never costs the rest of the run.
    """
    from .errors import CorpusError
    from .pipeline import annotate_article

    try:
        article = source.parse()
    except CorpusError as exc:
        return {"error": exc.reason}
    try:
        return article_records(annotate_article(article))
    except Exception as exc:  # an annotator defect on one text must not stop the corpus
        return {"error": f"annotation failed ({type(exc).__name__}: {exc})", "retry": True}


#: An invented text annotated by :func:`warm_up`.
WARM_UP_TEXT = (" date 2025-10-22 Hôm 21.10, Tổng thống Mỹ Donald Trump cho biết ông sẽ gặp Tổng thống Nga "
                "Vladimir Putin tại Budapest.")


def warm_up() -> str:
    """Load what annotation loads on first use (models, knowledge files) by annotating an invented
    text; this worker's annotator fingerprint."""
    from .cache import annotator_fingerprint

    text = WARM_UP_TEXT
    annotate_records(Source("warm-up.txt", "", text, hashlib.sha256(text.encode()).hexdigest()))
    return annotator_fingerprint()


def annotate_batch(sources: list[Source]) -> tuple[str, list[dict[str, Any]]]:
    """The task a worker runs: this worker's annotator fingerprint and each text's records."""
    from .cache import annotator_fingerprint

    return annotator_fingerprint(), [annotate_records(source) for source in sources]


# --------------------------------------------------------------------------- executors

class _Done:
    """A task run at once in this process, with the interface of a future."""

    def __init__(self, batch: list[Source]):
        self._batch = batch

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        return annotate_batch(self._batch)


class _Executor:
    """Runs :func:`annotate_batch` on some engine; started on first use."""

    def __init__(self, engine: str, jobs: int, scheduler: str | None):
        if engine not in ("local", "dask"):
            raise EngineError(engine, "unknown engine (use local or dask)")
        self.engine, self.jobs, self.scheduler = engine, jobs, scheduler
        self.processes = 0 if engine == "local" and jobs == 1 else jobs
        self._pool = self._client = self._cluster = None

    @property
    def in_process(self) -> bool:
        """Whether tasks run in this process."""
        return self.engine == "local" and self.jobs == 1

    @property
    def workers(self) -> int:
        """How many tasks run at once."""
        return max(self.processes, 1)

    def start(self, processes: int | None = None) -> None:
        """Start the local worker processes now rather than at the first task (they take a second to
        load the models): ``processes`` of them (at most ``jobs``, all by default). A Dask engine
        starts at its first task."""
        if self.engine == "local" and self.jobs > 1 and self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.processes = min(self.jobs, processes or self.jobs)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["workbench.engine", "workbench.pipeline"])
            self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
            for _ in range(self.processes):  # the pool forks one worker per task submitted
                self._pool.submit(warm_up)

    def submit(self, batch: list[Source]):
        if self.engine == "local":
            if self.jobs == 1:
                return _Done(batch)
            self.start()
            return self._pool.submit(annotate_batch, batch)
        if self._client is None:
            self._start_dask()
        return self._client.submit(annotate_batch, batch, pure=False)

    def _start_dask(self) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise EngineError("dask", "dask.distributed is not installed (pip install 'dask[distributed]')") from exc
        try:
            if self.scheduler:
                self._client = Client(self.scheduler, timeout="20s")
            else:
                self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._client = Client(self._cluster)
        except OSError as exc:
            raise EngineError("dask", f"cannot reach scheduler {self.scheduler or 'LocalCluster'} ({exc})") from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._pool = self._client = self._cluster = None


# --------------------------------------------------------------------------- the run

def _relabelled(batch, column: str, value: str):
    """``batch`` with every value of ``column`` set to ``value``."""
    import pyarrow as pa

    index = batch.schema.get_field_index(column)
    return batch.set_column(index, batch.schema.field(index), pa.array([value] * len(batch), pa.string()))


def _with_file(records: dict[str, Any], source: Source) -> tuple[dict[str, Any], dict[str, Any]]:
    """The records of a text, and its table batches, labelled with this file's name (a cached text may
    have been annotated under another name); the ``path`` column is set by :class:`_Writer`."""
    batches = {name: None if data is None else read_batch(name, data) for name, data in records["batches"].items()}
    articles = batches["articles"]
    if articles.column(articles.schema.get_field_index("file"))[0].as_py() == source.file:
        return records, batches
    for name, batch in batches.items():
        if batch is not None:
            batches[name] = _relabelled(batch, "file", source.file)
    events = [{**row, "file": source.file} for row in records["events"]]
    summary = json.loads(records["summary"])
    summary["file"] = source.file
    return {**records, "events": events, "summary": json.dumps(summary, ensure_ascii=False)}, batches


class _Writer:
    """Streams records into the staging folder in name order: each table one Parquet file, written a
    row group (``PART_ARTICLES`` articles) at a time, in a thread (pyarrow encodes off the GIL) while
    the next group is gathered; at most one group waits to be written."""

    def __init__(self, staging: Path, cache=None):
        from concurrent.futures import ThreadPoolExecutor

        import pyarrow.parquet as pq

        from .merge import Reports
        from .summary import table_schema

        self.cache = cache
        self.identity = hashlib.sha256()
        self.merge_seconds = 0.0
        self.merge_resumed = False

        self.staging = staging
        self.tables = {name: pq.ParquetWriter(staging / f"{name}.parquet", table_schema(name))
                       for name in ("articles", "sentences", "mentions")}
        self.buffers: dict[str, list] = {name: [] for name in self.tables}
        self.paths: list[str] = []  # the articles' paths, one per row of the articles buffer
        self.writing = ThreadPoolExecutor(1, thread_name_prefix="parquet")
        self.pending = None
        self.reports = Reports(keep_keys=cache is not None)
        self.summary = (staging / ".summary.partial.jsonl").open("w", encoding="utf-8")
        self.in_buffer = 0
        self.articles = self.spans = 0

    def add(self, records: dict[str, Any], source: Source) -> None:
        """Add one text's records (see :func:`article_records`)."""
        records, batches = _with_file(records, source)
        for name, buffer in self.buffers.items():
            if batches[name] is not None:
                buffer.append(batches[name])
        self.paths.append(source.path)
        for index, (event, prepared) in enumerate(zip(records["events"], records["reports"])):
            # a report is known by its file, text and place in the article: the annotator is the cache's
            key = hashlib.sha256(f"{source.file}\0{source.content_hash}\0{index}".encode()).digest()
            self.reports.add(event, prepared=prepared, key=key)
        self.summary.write(records["summary"] + "\n")
        self.identity.update(f"{source.file}\0{source.content_hash}\n".encode())
        self.articles += 1
        self.spans += records["n_spans"]
        self.in_buffer += 1
        if self.in_buffer >= PART_ARTICLES:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        group = {name: pa.Table.from_batches(buffer) for name, buffer in self.buffers.items() if buffer}
        if "articles" in group:  # where each file is now (a cached text may have been read elsewhere)
            articles = group["articles"]
            index = articles.schema.get_field_index("path")
            group["articles"] = articles.set_column(index, articles.schema.field(index),
                                                    pa.array(self.paths, pa.string()))
        self._wait()
        self.pending = self.writing.submit(self._write, group)
        self.buffers = {name: [] for name in self.tables}
        self.paths = []
        self.in_buffer = 0

    def _write(self, group: dict[str, Any]) -> None:
        for name, table in group.items():
            self.tables[name].write_table(table)

    def _wait(self) -> None:
        """Wait for the row group being written; its error, if any, is raised here."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close_tables(self) -> None:
        try:
            self._wait()
        finally:
            self.writing.shutdown()
            for table in self.tables.values():
                if table.is_open:
                    table.close()

    def finish(self, skipped: list[Skipped], corpus_dir: str, state: str = "", spans: int = 0,
               reports: int = 0) -> int:
        """Write the remaining tables and files; the number of merged events."""
        from .cache import annotator_fingerprint

        self.flush()
        self.close_tables()
        self.summary.close()
        events, merged = self._merge()
        events.to_parquet(self.staging / "events.parquet", index=False)
        merged.to_parquet(self.staging / "event_groups.parquet", index=False)
        keys: dict[str, dict[int, str]] = {}
        for file, index, event_id in zip(events["file"], events["event_index"], events["event_id"]):
            keys.setdefault(file, {})[index] = event_id
        partial = self.staging / ".summary.partial.jsonl"
        with partial.open(encoding="utf-8") as source, \
                (self.staging / "summary.jsonl").open("w", encoding="utf-8") as target:
            for line in source:
                record = json.loads(line)
                if record["events"]:
                    article_keys = keys.get(record["file"], {})
                    for index, event in enumerate(record["events"]):
                        event["key"] = article_keys.get(index, event["key"])
                    line = json.dumps(record, ensure_ascii=False) + "\n"
                target.write(line)
        partial.unlink()
        with (self.staging / "load_report.jsonl").open("w", encoding="utf-8") as handle:
            for item in skipped:
                handle.write(json.dumps({"file": item.file, "reason": item.reason}, ensure_ascii=False) + "\n")
        (self.staging / "run.json").write_text(json.dumps(
            {"corpus_dir": str(corpus_dir), "articles": self.articles, "skipped": len(skipped),
             "spans": spans, "events": reports, "merged_events": len(merged),
             "annotator": annotator_fingerprint(), "corpus_state": state,
             "checksums": _checksums(self.staging)}, indent=2))
        return len(merged)

    def _merge(self) -> tuple:
        """The events table with merged ids, and the merged table (cached, or resumed, or from scratch)."""
        import pandas as pd

        started = time.perf_counter()
        reports = self.reports
        if len(reports):
            stored = self.cache.get_merge(self.merge_key()) if self.cache is not None else None
            if stored is None:
                # resume from the latest run's clustering when its reports are the first ones visited now
                previous = self.cache.get_merge_state() if self.cache is not None else None
                ids, merge_state, self.merge_resumed = reports.merge(previous, keep_state=self.cache is not None)
                merged = reports.table(ids)
                if self.cache is not None:
                    self.cache.put_merge(self.merge_key(), ids, merged)
                    self.cache.put_merge_state(self.merge_key(), merge_state)
            else:
                ids, merged = stored
                self.cache.mark_latest_merge(self.merge_key())
            events = pd.DataFrame(reports.records)
            events["event_id"] = pd.Series(ids, index=events.index, dtype="object")
        else:
            events = pd.DataFrame().assign(event_id=pd.Series(dtype="str"))
            merged = pd.DataFrame()
        self.merge_seconds = time.perf_counter() - started
        return events, merged

    def merge_key(self) -> str:
        """Key of the cross-article merge: the files and texts of the run, in order."""
        return self.identity.hexdigest()

    def abandon(self) -> None:
        try:
            self.close_tables()
        except Exception:  # the run is failing already; its own error is the one to report
            pass
        if not self.summary.closed:
            self.summary.close()


#: Files whose checksums ``run.json`` records: a re-run trusts the outputs only when all still match.
OUTPUTS = ("articles.parquet", "sentences.parquet", "mentions.parquet", "events.parquet",
           "event_groups.parquet", "summary.jsonl", "load_report.jsonl")


def corpus_state(corpus_dir: str | Path, encoding: str | None, max_bytes: int,
                 texts: list[tuple[Path, str]] | None = None) -> str:
    """A hash of everything the reader looks at: the entries' names and kinds, every ``.txt`` file's
    bytes (its size alone above ``max_bytes``) and the reading options.

    ``texts``, when given, receives the path and the SHA-256 of the bytes of each regular ``.txt``
    file no larger than ``max_bytes`` that does not start with a UTF-8 byte-order mark: when its
    bytes are UTF-8 (most of a crawl), that is the content hash of its text, the key of its cache
    entry. (The reader drops a byte-order mark, so the bytes of a file that has one are never its
    text.)
    """
    digest = hashlib.sha256(f"{encoding}\0{max_bytes}\n".encode())
    for path in sorted(Path(corpus_dir).iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
        digest.update(f"{path.name}\0{kind}\n".encode())
        if path.suffix.lower() == ".txt" and path.is_file():
            try:
                size = path.stat().st_size
                if size <= max_bytes:
                    data = path.read_bytes()
                    content = hashlib.sha256(data)
                    digest.update(content.digest())
                    if texts is not None and not data.startswith(codecs.BOM_UTF8):
                        texts.append((path, content.hexdigest()))
                else:
                    digest.update(f"size {size}".encode())
            except OSError as exc:
                digest.update(f"unreadable {exc.errno}".encode())
    return digest.hexdigest()


def _checksums(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in OUTPUTS}


def _up_to_date(out: Path, state: str, fingerprint: str) -> RunReport | None:
    """The previous run's account when ``out`` holds whole outputs of this corpus state and annotator."""
    try:
        run = json.loads((out / "run.json").read_text(encoding="utf-8"))
        if run.get("corpus_state") != state or run.get("annotator") != fingerprint:
            return None
        if _checksums(out) != run.get("checksums"):
            return None  # an output was changed or damaged since: write them again
        skipped = [Skipped(row["file"], row["reason"]) for row in
                   map(json.loads, (out / "load_report.jsonl").read_text(encoding="utf-8").splitlines())]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return RunReport(articles=run["articles"], skipped=skipped, spans=run.get("spans", 0),
                     events=run.get("events", 0), merged_events=run.get("merged_events", 0),
                     cached=run["articles"], up_to_date=True)


def _entries(corpus_dir: str | Path) -> int:
    """How many entries the reader will look at (for the progress bar)."""
    try:
        return sum(1 for entry in os.scandir(corpus_dir) if not entry.name.startswith("."))
    except OSError:
        return 0


def run_annotate(corpus_dir: str, out: str, progress: bool = True, *, jobs: int | None = None,
                 engine: str = "local", scheduler: str | None = None,
                 cache_dir: str | Path | None = None, use_cache: bool = True,
                 encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 **load_options) -> RunReport:
    """Load, annotate and write one corpus folder; the ``annotate`` command.

    Parameters
    ----------
    corpus_dir : str
        Folder of ``.txt`` articles as crawled (read only).
    out : str
        Output folder, replaced whole when the run completes.
    progress : bool
        Show a progress bar on stderr.
    jobs : int, optional
        Worker processes (default: the number of cores).
    engine : {"local", "dask"}
        Where the per-article function runs.
    scheduler : str, optional
        Address of a running Dask scheduler (``engine="dask"`` only).
    cache_dir : str or Path, optional
        Annotation cache folder (default ``data/interim/cache``).
    use_cache : bool
        Read and write the cache.
    encoding : str, optional
        Read files in this encoding instead of UTF-8/UTF-16 with a BOM.
    max_bytes : int
        Files larger than this are skipped.

    Returns
    -------
    RunReport

    Raises
    ------
    NothingLoadedError
        When no article could be loaded (previous outputs are kept).
    workbench.store.OutputLockedError
        When another run is writing to ``out``.
    """
    from tqdm.auto import tqdm

    from .cache import DEFAULT_CACHE_DIR, AnnotationCache, annotator_fingerprint
    from .store import OutputLock, recover, staging_folder, swap_in

    started = time.perf_counter()
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    out_path = Path(out)
    report = RunReport(out=str(out), engine=engine, jobs=jobs)
    fingerprint = annotator_fingerprint()
    cache = AnnotationCache(cache_dir or DEFAULT_CACHE_DIR, fingerprint) if use_cache else None
    executor = _Executor(engine, jobs, scheduler)
    skipped: list[Skipped] = []
    with OutputLock(out_path):
        recover(out_path)
        texts: list[tuple[Path, str]] = []
        state = corpus_state(corpus_dir, encoding, max_bytes, texts) if Path(corpus_dir).is_dir() else ""
        previous = _up_to_date(out_path, state, fingerprint) if use_cache and state else None
        if previous is not None:
            previous.out, previous.engine, previous.jobs = str(out), engine, jobs
            previous.seconds = time.perf_counter() - started
            return previous
        # texts whose bytes are those of a cached text (the key is the same), and texts sent ahead,
        # are not read again at their turn: file name → content hash
        hits: dict[str, str] = {}
        misses: list[Path] | None = None
        if cache is not None and not encoding:
            misses = []
            for path, digest in texts:
                if cache.has(digest):
                    hits[path.name] = digest
                else:
                    misses.append(path)
        if misses is None or misses:
            # texts to annotate ahead: the workers load their models while the cache is read
            executor.start(_processes(jobs, len(misses) if misses is not None else None, len(hits)))
        report.workers = executor.processes if misses is None or misses else 0
        ahead: dict[str, _Ahead] = {}
        if misses and len(misses) < len(texts) and len(misses) <= AHEAD_MAX and not executor.in_process:
            ahead = _send_ahead(misses, corpus_dir, executor, cache, max_bytes, sent=hits)
        staging = staging_folder(out_path)
        writer = _Writer(staging, cache)
        bar = tqdm(total=_entries(corpus_dir), desc="annotate", unit="file", disable=not progress)
        try:
            # Each slot: (articles in order, their cached records or None, a future for the misses).
            slots: deque = deque()
            limit = executor.workers * TASKS_PER_WORKER

            def drain(keep: int) -> None:
                while len(slots) > keep:
                    batch, known, future = slots.popleft()
                    computed = iter(_checked(future, fingerprint, engine) if future is not None else [])
                    for source, records in zip(batch, known):
                        if records is None or isinstance(records, _Ahead):
                            records = next(computed) if records is None else records.result(fingerprint, engine)
                            if cache is not None and not records.get("retry"):
                                cache.put(source.content_hash, records)
                            if "error" not in records:
                                report.annotated += 1
                        elif "error" not in records:
                            report.cached += 1
                        if "error" in records:
                            skipped.append(Skipped(source.file, records["error"]))
                            bar.update(1)
                            continue
                        writer.add(records, source)
                        report.events += len(records["events"])
                        bar.update(1)
                    _freeze_survivors(collect=future is not None and executor.in_process)

            def reread(source: Source) -> Source:
                return read_source(Path(source.path), Path(corpus_dir), max_bytes=max_bytes)

            seen: dict[str, str] = {}
            batch: list[Source] = []
            for item in iter_sources(corpus_dir, encoding=encoding, max_bytes=max_bytes, known=hits,
                                     **load_options):
                if isinstance(item, Skipped):
                    skipped.append(item)
                    bar.update(1)
                elif item.content_hash in seen:
                    skipped.append(Skipped(item.file, f"duplicate of {seen[item.content_hash]}"))
                    bar.update(1)
                else:
                    seen[item.content_hash] = item.file
                    batch.append(item)
                    if len(batch) == BATCH_ARTICLES:
                        slots.append(_slot(batch, cache, executor, ahead, reread))
                        batch = []
                        drain(limit)
            if batch:
                slots.append(_slot(batch, cache, executor, ahead, reread))
            drain(0)
            bar.close()
            report.annotate_seconds = time.perf_counter() - started
            if writer.articles == 0:
                raise NothingLoadedError(str(corpus_dir), _in_name_order(skipped))
            skipped = _in_name_order(skipped)
            report.merged_events = writer.finish(skipped, corpus_dir, state=state, spans=writer.spans,
                                                 reports=report.events)
            swap_in(staging, out_path)
        finally:
            gc.unfreeze()
            bar.close()
            executor.close()
            writer.abandon()
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    report.articles = writer.articles
    report.spans = writer.spans
    report.merge_seconds = writer.merge_seconds
    report.merge_resumed = writer.merge_resumed
    report.skipped = skipped
    report.seconds = time.perf_counter() - started
    return report


def _freeze_survivors(collect: bool) -> None:
    """Move every object alive now out of the cyclic garbage collector's reach.

    A run keeps every event report (records, merge views) until the merge: left in the collector's
    generations, each full collection walks all of them again, and a warm run of 10,000 articles spent
    a third of its time there. Frozen objects are still freed by reference counting, and the run
    unfreezes them when it ends (:func:`gc.unfreeze`). Records read from the cache or from a worker
    hold no reference cycles; when this process annotated (``collect``), its young garbage is
    collected first, so that no cycle of it stays frozen until the end of the run.
    """
    if collect:
        gc.collect(1)
    gc.freeze()


def _processes(jobs: int, misses: int | None, hits: int) -> int:
    """How many local worker processes to start for ``misses`` texts to annotate (None: unknown) beside
    ``hits`` cached ones: all ``jobs``, but one when it annotates the misses in no more time than this
    process takes to read the cached texts (a weekly update of a large corpus). Each worker costs
    about a second to start and load its models, on cores this process is using meanwhile.

    >>> _processes(2, 100, 10_000), _processes(2, 1_000, 10_000), _processes(2, None, 0)
    (1, 2, 2)
    """
    if misses is None or misses * MISS_COST > hits:
        return jobs
    return 1


def _slot(batch: list[Source], cache, executor: _Executor, ahead: dict[str, "_Ahead"], reread) -> tuple:
    """``(batch, known, future)``: each text's cached records, or its :class:`_Ahead` when it was sent
    ahead, or None when it is in the task ``future`` sent now.

    A text that was not read because it was cached (``text`` None) is read now with ``reread`` when
    its cache entry turns out damaged; the file's error, if it can no longer be read, is its record.
    """
    known = [cache.get(source.content_hash) if cache is not None else None for source in batch]
    for i, source in enumerate(batch):
        if known[i] is None and source.content_hash in ahead:
            known[i] = ahead.pop(source.content_hash)
        elif known[i] is None and source.text is None:
            try:
                batch[i] = reread(source)
            except CorpusError as exc:
                known[i] = {"error": exc.reason}
    misses = [source for source, records in zip(batch, known) if records is None]
    return batch, known, executor.submit(misses) if misses else None


class _Task:
    """A task sent ahead; its results are fetched once, when the first of its texts is reached."""

    def __init__(self, future):
        self.future = future
        self.results: list[dict[str, Any]] | None = None


class _Ahead:
    """A text sent to the workers ahead of its turn: its task and its place in it."""

    __slots__ = ("task", "index")

    def __init__(self, task: _Task, index: int):
        self.task, self.index = task, index

    def result(self, fingerprint: str, engine: str) -> dict[str, Any]:
        task = self.task
        if task.results is None:
            task.results = _checked(task.future, fingerprint, engine)
        return task.results[self.index]


def _send_ahead(paths: list[Path], corpus_dir: str | Path, executor: _Executor, cache,
                max_bytes: int, sent: dict[str, str]) -> dict[str, _Ahead]:
    """Read the texts missing from the cache and send them to the workers now, before the cached
    articles are read; their records by content hash. ``sent`` receives the name and content hash
    of each file sent, so that it is not read again at its turn.

    New articles of a growing corpus usually sort after the old ones: in name order, the workers
    would wait for the whole cache to be read, then annotate while this process waits. Sent ahead,
    they are annotated while the cache is read. A file that cannot be read, or whose text turns out
    to be cached or sent already, is left to its turn.
    """
    ahead: dict[str, _Ahead] = {}
    batch: list[Source] = []

    def send() -> None:
        task = _Task(executor.submit(batch))
        for index, source in enumerate(batch):
            ahead[source.content_hash] = _Ahead(task, index)
            sent[source.file] = source.content_hash

    for path in paths:
        try:
            source = read_source(path, Path(corpus_dir), max_bytes=max_bytes)
        except CorpusError:
            continue
        if source.content_hash in ahead or any(s.content_hash == source.content_hash for s in batch) \
                or cache.has(source.content_hash):
            continue
        batch.append(source)
        if len(batch) == BATCH_ARTICLES:
            send()
            batch = []
    if batch:
        send()
    return ahead


def _checked(future, fingerprint: str, engine: str) -> list[dict[str, Any]]:
    worker_fingerprint, results = future.result()
    if worker_fingerprint != fingerprint:
        raise EngineError(engine, f"a worker runs another workbench (annotator {worker_fingerprint}, "
                                  f"here {fingerprint}); install the same version on every worker")
    return results


def _in_name_order(skipped: list[Skipped]) -> list[Skipped]:
    return sorted(skipped, key=lambda s: s.file)
