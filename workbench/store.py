"""Output folders that are replaced whole, under a lock, with streamed tables.

A run writes into a staging folder beside ``out`` (``.<name>.partial-<pid>``)
and swaps it in at the end with one atomic ``renameat2(RENAME_EXCHANGE)``
call, so a reader (or a run killed with SIGKILL at any moment) only ever sees
the previous outputs or the new ones, never a mixture. Where the exchange is
not available the swap falls back to two renames, and the next run restores
the previous outputs if it finds the window was interrupted.

One run at a time holds ``.<name>.lock`` beside ``out`` (an ``flock``, which
the kernel releases when the process dies, so a killed run leaves no stale
lock). A second run refuses at once with :class:`OutputLockedError`, naming the
lock file and the process holding it.

The tables themselves are streamed into the staging folder one Parquet row
group at a time (see :mod:`workbench.engine`).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from pathlib import Path

from .errors import WorkbenchError


class OutputLockedError(WorkbenchError):
    """Another run holds the lock of an output folder.

    Attributes
    ----------
    lock : str
        Path of the lock file.
    holder : str
        What the lock file says about its holder (a process id), or "".
    """

    def __init__(self, lock: str, holder: str):
        who = f" (held by pid {holder})" if holder else ""
        super().__init__(f"another annotate run is writing to this output: lock {lock} is taken{who}; "
                         f"wait for it to finish")
        self.lock = str(lock)
        self.holder = holder


class OutputError(WorkbenchError):
    """An output folder that cannot be written or swapped in.

    Attributes
    ----------
    path : str
        The folder at fault.
    reason : str
        What went wrong.
    """

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def lock_path(out: str | Path) -> Path:
    """The lock file of output folder ``out``."""
    out = Path(out)
    return out.parent / f".{out.name}.lock"


class OutputLock:
    """Exclusive, non-blocking lock on an output folder (context manager).

    Raises
    ------
    OutputLockedError
        When another process holds it.
    """

    def __init__(self, out: str | Path):
        self.path = lock_path(out)
        self._fd: int | None = None

    def __enter__(self) -> "OutputLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise OutputLockedError(str(self.path), holder) from exc
            raise OutputError(str(self.path), f"cannot lock ({exc.strerror})") from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def recover(out: str | Path) -> None:
    """Tidy the folder beside ``out`` left by killed runs (call under the lock).

    Restores ``out`` from ``.<name>.old-*`` when a fallback swap was cut
    between its two renames, then removes stale staging and old folders.
    """
    out = Path(out)
    if not out.parent.is_dir():
        return
    leftovers = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and leftovers:
        os.replace(leftovers[-1], out)
        leftovers = leftovers[:-1]
    for path in [*leftovers, *out.parent.glob(f".{out.name}.partial-*")]:
        shutil.rmtree(path, ignore_errors=True)


def staging_folder(out: str | Path) -> Path:
    """A fresh, empty staging folder beside ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with ``renameat2``; False when unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    function = getattr(libc, "renameat2", None)
    if function is None:
        return False
    result = function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OutputError(str(b), f"cannot swap in the new outputs ({os.strerror(code)})")


def swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging``; readers see the old folder or the new one."""
    out = Path(out)
    _fsync_tree(staging)
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(staging)  # now holds the previous outputs
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    if old.exists():
        shutil.rmtree(old)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
