"""Annotate a corpus folder and write its tables: the I/O edge of annotation.

Outputs of a run are written into a fresh folder beside ``out`` and swapped in
only when complete, so a failed run never leaves half-written tables.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Article, Skipped, load_corpus
from .pipeline import ArticleAnnotation, annotate_article
from .summary import article_record, event_records, mention_records, sentence_records, summary_record

TABLES = ("articles", "sentences", "mentions", "events")


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

    def line(self) -> str:
        reasons = "; ".join(f"{s.file}: {s.reason}" for s in self.skipped)
        skipped = f"{len(self.skipped)} skipped ({reasons})" if self.skipped else "0 skipped"
        return (f"{self.articles} articles read, {skipped}, {self.spans} spans, {self.events} event reports "
                f"→ {self.merged_events} events, {self.seconds:.1f} s → {self.out}")


def annotate_all(articles: list[Article], progress: bool = True) -> list[ArticleAnnotation]:
    """Annotate every article in order (one process)."""
    from tqdm.auto import tqdm

    return [annotate_article(a) for a in tqdm(articles, desc="annotate", unit="article",
                                              disable=not progress)]


def write_outputs(annotations: list[ArticleAnnotation], skipped: list[Skipped], out: Path,
                  corpus_dir: str) -> int:
    """Write the tables, the merged events and ``summary.jsonl`` to ``out`` atomically.

    Returns the number of merged real-world events.
    """
    import pandas as pd

    from .merge import merge_events, merged_table

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    rows = {name: [] for name in TABLES}
    for annotation in annotations:
        rows["articles"].append(article_record(annotation))
        rows["sentences"].extend(sentence_records(annotation))
        rows["mentions"].extend(mention_records(annotation))
        rows["events"].extend(event_records(annotation))
    frames = {name: pd.DataFrame(rows[name]) for name in TABLES}
    events = frames["events"]
    if len(events):
        events = merge_events(events)
        merged = merged_table(events)
    else:
        events = events.assign(event_id=pd.Series(dtype="str"))
        merged = pd.DataFrame()
    frames["events"] = events
    frames["event_groups"] = merged
    for name, frame in frames.items():
        frame.to_parquet(staging / f"{name}.parquet", index=False)
    keys: dict[str, dict[int, str]] = {}
    for row in events.itertuples():
        keys.setdefault(row.article_id, {})[row.event_index] = row.event_id
    with (staging / "summary.jsonl").open("w", encoding="utf-8") as handle:
        for annotation in annotations:
            record = summary_record(annotation, keys.get(annotation.article.article_id, {}))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (staging / "load_report.jsonl").open("w", encoding="utf-8") as handle:
        for item in skipped:
            handle.write(json.dumps({"file": item.file, "reason": item.reason}, ensure_ascii=False) + "\n")
    (staging / "run.json").write_text(json.dumps({"corpus_dir": str(corpus_dir), "articles": len(annotations),
                                                  "skipped": len(skipped)}, indent=2))
    _swap_in(staging, out)
    return len(merged)


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames only."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    if old.exists():
        shutil.rmtree(old)


def run_annotate(corpus_dir: str, out: str, progress: bool = True, **load_options) -> RunReport:
    """Load, annotate and write one corpus folder; the ``annotate`` command."""
    started = time.perf_counter()
    articles, skipped = load_corpus(corpus_dir, **load_options)
    annotations = annotate_all(articles, progress=progress)
    report = RunReport(articles=len(articles), skipped=skipped,
                       spans=sum(len(a.spans) for a in annotations),
                       events=sum(len(a.events) for a in annotations), out=str(out))
    report.merged_events = write_outputs(annotations, skipped, Path(out), corpus_dir)
    report.seconds = time.perf_counter() - started
    return report
