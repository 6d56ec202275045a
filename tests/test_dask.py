"""The Dask engine: a LocalCluster and a real scheduler + workers give the local engine's bytes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import free_port
from workbench.bench import build_corpus, identical
from workbench.engine import run_annotate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus_and_reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask")
    corpus = build_corpus(ROOT / "data" / "raw", root / "corpus", 30)
    run_annotate(str(corpus), str(root / "local"), progress=False, jobs=1, use_cache=False)
    return corpus, root / "local"


@pytest.mark.slow
def test_dask_local_cluster_matches_local_engine(corpus_and_reference, tmp_path):
    corpus, local = corpus_and_reference
    report = run_annotate(str(corpus), str(tmp_path / "out"), progress=False, jobs=2, engine="dask",
                          use_cache=False)
    assert report.annotated == 30
    assert identical(local, tmp_path / "out")


@pytest.mark.slow
def test_dask_real_scheduler_and_workers_match_local_engine(corpus_and_reference, tmp_path):
    corpus, local = corpus_and_reference
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = Path(sys.executable).with_name("dask")
    base = [str(dask)] if dask.exists() else [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    scheduler = subprocess.Popen([*base, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--dashboard-address", ":0", "--no-show"] if dask.exists() else
                                 [*base, "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    worker = None
    try:
        worker = subprocess.Popen([str(dask), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                   "--host", "127.0.0.1", "--no-dashboard"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment,
                                  cwd=tmp_path)
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        report = run_annotate(str(corpus), str(tmp_path / "out"), progress=False, jobs=2, engine="dask",
                              scheduler=address, use_cache=False)
        assert report.annotated == 30
        assert identical(local, tmp_path / "out")
    finally:
        for process in (worker, scheduler):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (worker, scheduler):
            if process is not None:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
    assert scheduler.returncode is not None and worker.returncode is not None
