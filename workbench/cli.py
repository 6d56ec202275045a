"""Command line: ``annotate``, ``evaluate``, ``bench``, ``report``.

Heavy modules are imported inside each command so that ``--help`` is instant.
"""
from __future__ import annotations

import argparse
import sys

from .errors import WorkbenchError

#: Exit statuses of ``annotate``.
EXIT_OK, EXIT_ERROR, EXIT_SKIPPED, EXIT_NOTHING_WRITTEN = 0, 1, 3, 4


def _annotate(argv: list[str]) -> int:
    import os

    from .cache import DEFAULT_CACHE_DIR
    from .corpus import DEFAULT_MAX_BYTES
    from .engine import run_annotate

    parser = argparse.ArgumentParser(
        prog="workbench annotate", description="Annotate a corpus folder and write its tables.",
        epilog=f"exit status: {EXIT_OK} every file loaded; {EXIT_SKIPPED} some files skipped (named in "
               f"load_report.jsonl), outputs written; {EXIT_NOTHING_WRITTEN} nothing written "
               f"(previous outputs kept)")
    parser.add_argument("corpus_dir", help="folder of .txt articles as crawled")
    parser.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    parser.add_argument("--encoding", default=None, help="read files in this encoding instead of UTF-8/UTF-16")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                        help=f"skip files larger than this (default {DEFAULT_MAX_BYTES:,})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: the number of cores)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local processes, or dask.distributed (default: local)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask; "
                             "default: a LocalCluster of --jobs workers)")
    parser.add_argument("--cache", default=DEFAULT_CACHE_DIR, metavar="DIR",
                        help=f"annotation cache folder (default: {DEFAULT_CACHE_DIR})")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    try:
        report = run_annotate(args.corpus_dir, args.out, progress=not args.no_progress, jobs=args.jobs,
                              engine=args.engine, scheduler=args.scheduler, cache_dir=args.cache,
                              use_cache=not args.no_cache, encoding=args.encoding, max_bytes=args.max_bytes)
    except WorkbenchError as exc:
        print(f"workbench annotate: {exc}", file=sys.stderr)
        return EXIT_NOTHING_WRITTEN
    print(report.line())
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def _evaluate(argv: list[str]) -> int:
    from .evaluate import main as evaluate_main

    return evaluate_main(argv)


COMMANDS = {
    "annotate": (_annotate, "annotate a corpus folder: tables + summary.jsonl"),
    "evaluate": (_evaluate, "score a summary.jsonl against gold, beside baselines"),
}


def register(name: str, function, help_text: str) -> None:
    COMMANDS[name] = (function, help_text)


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``workbench <command> ...``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _load_optional_commands()
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: workbench <command> [options]\n\ncommands:")
        for name, (_, help_text) in COMMANDS.items():
            print(f"  {name:<10} {help_text}")
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"workbench: unknown command {name!r} (try --help)", file=sys.stderr)
        return 2
    try:
        return COMMANDS[name][0](rest)
    except WorkbenchError as exc:
        print(f"workbench {name}: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _load_optional_commands() -> None:
    """Commands defined in their own modules (``bench``, ``report``), when present."""
    import importlib

    for module in ("bench", "report"):
        try:
            mod = importlib.import_module(f".{module}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{module}":
                raise
            continue
        COMMANDS[module] = (mod.main, mod.__doc__.strip().splitlines()[0])
