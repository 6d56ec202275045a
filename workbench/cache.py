"""The annotation cache: one checked entry per article text and annotator version.

An entry holds what :func:`workbench.engine.article_records` returns for one
article: its table rows as Arrow record batches, its event records with their
prepared merge reports, and its summary line. It is keyed by the article's
content hash (SHA-256 of the text) and stored under a folder named after the
annotator fingerprint, so a change to the code or to any knowledge file starts
a fresh cache and stale annotations are never served.

Entry layout: ``MAGIC`` (4 bytes), the CRC-32 of the payload (4 bytes), the
payload length (8 bytes, both big-endian), then the payload (a pickle). A
CRC-32 catches what damages files by accident (truncation, flipped bits, a
torn write) at a fraction of a cryptographic hash's cost. An entry whose
checksum or length does not match is treated as missing and rewritten.
Entries are written to a temporary file and renamed, so readers never see a
half-written one. The cache is a local, trusted folder: do not point it at
files from elsewhere.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import struct
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from .errors import WorkbenchError

MAGIC = b"WBC2"
_HEADER = struct.Struct(">4sIQ")

#: Default cache folder, relative to the working directory.
DEFAULT_CACHE_DIR = "data/interim/cache"


class CacheError(WorkbenchError):
    """A cache folder that cannot be used.

    Attributes
    ----------
    path : str
        The folder at fault.
    reason : str
        What is wrong with it.
    """

    def __init__(self, path: str, reason: str):
        super().__init__(f"cache {path}: {reason}")
        self.path = str(path)
        self.reason = reason


@cache
def source_fingerprint() -> str:
    """Hash of the package's Python sources (``workbench/**/*.py``)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def annotator_fingerprint() -> str:
    """Fingerprint of everything an annotation depends on besides the text.

    The package version, a hash of the knowledge files and a hash of the
    package sources.

    >>> len(annotator_fingerprint())
    24
    """
    from . import __version__
    from .knowledge import fingerprint

    digest = hashlib.sha256(f"{__version__}|{fingerprint()}|{source_fingerprint()}".encode())
    return digest.hexdigest()[:24]


class AnnotationCache:
    """Checked, content-addressed entries under ``root/<fingerprint>/``.

    Parameters
    ----------
    root : str or Path
        The cache folder (created when missing).
    fingerprint : str, optional
        Annotator fingerprint; defaults to :func:`annotator_fingerprint`.

    Attributes
    ----------
    hits, misses, corrupt : int
        Counts of lookups served, not found, and found but rejected.
    """

    def __init__(self, root: str | Path, fingerprint: str | None = None):
        self.root = Path(root)
        self.fingerprint = fingerprint or annotator_fingerprint()
        self.folder = self.root / self.fingerprint
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(str(self.root), f"cannot be created ({exc.strerror})") from exc
        self._folder = str(self.folder)
        self.hits = self.misses = self.corrupt = 0

    def _file(self, key: str) -> str:
        # plain strings: a warm run looks up every article, and pathlib costs more than the lookup
        return os.path.join(self._folder, key[:8] if key.startswith("merge-") else key[:2], key + ".bin")

    def path_for(self, key: str) -> Path:
        """File of the entry for content hash ``key``."""
        return Path(self._file(key))

    def has(self, key: str) -> bool:
        """Whether an entry is stored for ``key`` (not whether it is whole: :meth:`get` checks that)."""
        return os.path.exists(self._file(key))

    def get(self, key: str) -> Any | None:
        """The entry stored for ``key``, or None when missing or corrupt."""
        try:
            with open(self._file(key), "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError:
            self.corrupt += 1
            return None
        value = decode_entry(data)
        if value is None:
            self.corrupt += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` for ``key`` (atomically: temporary file, then rename)."""
        path = self.path_for(key)
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(encode_entry(value))
            os.replace(temporary, path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise CacheError(str(self.root), f"cannot write {path.name} ({exc.strerror})") from exc


    def get_merge(self, key: str):
        """The stored cross-article merge for ``key``: ``(event_ids, merged_table)`` or None."""
        value = self.get(f"merge-{key}")
        if value is None:
            return None
        import io

        import pandas as pd

        ids, table = value
        return ids, pd.read_parquet(io.BytesIO(table))

    def put_merge(self, key: str, event_ids: list[str], merged) -> None:
        """Store the cross-article merge (event ids in row order and the merged table)."""
        import io

        buffer = io.BytesIO()
        merged.to_parquet(buffer, index=False)
        self.put(f"merge-{key}", (event_ids, buffer.getvalue()))

    def get_merge_state(self):
        """The merge clustering state (see :func:`workbench.merge.merge_events_resumable`) of the
        latest run of this cache folder, or None."""
        latest = self.get("merge-latest")
        return self.get(f"merge-state-{latest}") if isinstance(latest, str) else None

    def put_merge_state(self, key: str, state) -> None:
        """Store the merge clustering state of the run whose merge key is ``key``, and make it the
        latest run's."""
        self.put(f"merge-state-{key}", state)
        self.mark_latest_merge(key)

    def mark_latest_merge(self, key: str) -> None:
        """Make the run whose merge key is ``key`` the latest run (its merge was served from this
        cache): the next run with new articles resumes from its clustering."""
        self.put("merge-latest", key)


def encode_entry(value: Any) -> bytes:
    """Bytes of one cache entry: header with checksum and length, then the pickle."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(MAGIC, zlib.crc32(payload), len(payload)) + payload


def decode_entry(data: bytes) -> Any | None:
    """The value of an entry, or None when it is truncated, altered or not an entry."""
    if len(data) < _HEADER.size:
        return None
    magic, checksum, length = _HEADER.unpack_from(data)
    payload = data[_HEADER.size:]
    if magic != MAGIC or len(payload) != length or zlib.crc32(payload) != checksum:
        return None
    try:
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
