"""Fixtures shared by the notebook, explorer and JupyterLab tests."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """Jupyter, IPython and matplotlib write into a private home, not the user's."""
    folder = tmp_path_factory.mktemp("home")
    patch = pytest.MonkeyPatch()
    for name in ("HOME", "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR",
                 "JUPYTER_DATA_DIR"):
        (folder / name.lower()).mkdir()
        patch.setenv(name, str(folder / name.lower()))
    yield folder
    patch.undo()


@pytest.fixture(scope="module")
def tables_dir(tmp_path_factory, home):
    """The sample corpus, annotated once per test module (no cache)."""
    from workbench.engine import run_annotate

    out = tmp_path_factory.mktemp("tables") / "processed"
    run_annotate(str(SAMPLE), str(out), progress=False, use_cache=False)
    return out


def notebook_records(executed: Path) -> dict[str, list]:
    """Every value an executed notebook recorded with ``analysis.record``, by name."""
    import nbformat

    from workbench.analysis import RECORD_MIME

    found: dict[str, list] = {}
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(RECORD_MIME)
            if payload:
                found.setdefault(payload["name"], []).append(payload["value"])
    return found


def run_report(out: Path, tables: Path, names: list[str], *params: str, run_slug: str = "run") -> int:
    """``workbench report NAMES`` on the sample corpus; ``params`` are ``NAME=VALUE`` strings."""
    from workbench import report

    args = [*names, "--tables", str(tables), "--corpus", str(SAMPLE), "--out", str(out), "--slug", run_slug,
            "--no-progress"]
    for pair in params:
        name, value = pair.split("=", 1)
        args += ["-p", name, value]
    return report.main(args)
