"""Lazy access to the knowledge tables shipped in ``workbench/knowledge/``.

Knowledge is data, not code: titles, aliases, places, organisations and event
cue words live in CSV files beside this module, each row with its source.
Tables load on first use and are cached for the life of the process.
"""
from __future__ import annotations

import csv
import hashlib
from functools import cache
from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")


@cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``knowledge/<name>.csv`` as read-only dicts (cached).

    Lines starting with ``#`` are comments (sources, notes).
    """
    path = KNOWLEDGE_DIR / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines))


def fingerprint() -> str:
    """Hash of every knowledge file: changes whenever any alias, title or cue does."""
    digest = hashlib.sha256()
    for path in sorted(KNOWLEDGE_DIR.glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
