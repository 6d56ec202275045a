"""run the analysis notebooks through papermill and render them: .ipynb, .html, manifest.json

``workbench report [NOTEBOOK ...] [-p NAME VALUE ...] [-f PARAMS.yaml] [--out DIR]``
runs the notebooks of ``notebooks/`` (all by default) one after the other in
this process, on the project kernel, and writes for each one a folder
``<out>/<notebook>/<slug>/`` holding

* ``<notebook>.ipynb``: the executed notebook, normalised (no timestamps, no
  execution metadata, fixed cell ids, no widget state);
* ``<notebook>.html``: the outputs with the code hidden, complete offline (no
  script, style or widget manager fetched from another host; figures are
  embedded PNG);
* ``manifest.json``: parameters, corpus folder and a hash of its contents,
  package versions, git commit, start and end time, status and, for a failed
  run, the failing cell.

The same corpus and parameters give byte-identical ``.ipynb`` and ``.html``.
A failed notebook is still written, with its manifest naming the failing
cell; the other notebooks still run and the exit status is 1.
"""
from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ParameterError, WorkbenchError

KERNEL_NAME = "workbench"
KERNEL_DISPLAY_NAME = "Workbench (Python 3)"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

#: Packages whose versions go into each manifest.
PACKAGES = ("workbench", "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "pandas", "pyarrow",
            "numpy", "matplotlib", "networkx", "underthesea", "pyyaml")

#: Parameters that name folders: not part of the run's slug.
FOLDER_PARAMETERS = ("corpus_dir", "tables_dir")

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

#: HTML template: JupyterLab's, without anything loaded from another host.
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block extra_css %}
<style type="text/css">
.workbench-parameters { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; margin: 1em 2em; border-collapse: collapse; }
.workbench-parameters td { border: 1px solid #ddd; padding: 2px 8px; }
.workbench-parameters caption { font-family: sans-serif; text-align: left; }
</style>
{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
{%- set run = nb.metadata.get('workbench', {}) -%}
{%- if run.get('parameters') -%}
<table class="workbench-parameters"><caption>Tham số (parameters)</caption>
{%- for name, value in run['parameters'].items() %}
<tr><td>{{ name | escape_html }}</td><td>{{ value | json_dumps | escape_html }}</td></tr>
{%- endfor %}
</table>
{%- endif -%}
{%- endblock body_header -%}
"""


@dataclass
class RunResult:
    """What one notebook run produced."""

    notebook: str
    folder: Path
    status: str = "ok"
    seconds: float = 0.0
    error: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        tail = "" if self.error is None else f" — cell {self.error['cell_index']}: {self.error['message']}"
        return f"{self.notebook}: {self.status} in {self.seconds:.1f} s → {self.folder}{tail}"


# ---------------------------------------------------------------- small helpers

def notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder."""
    return Path(__file__).resolve().parents[1] / "notebooks"


def find_notebooks(names: list[str], folder: Path) -> list[Path]:
    """Notebook paths for names (``10-actors``, ``10``, ``10-actors.ipynb`` or a path); all when empty.

    Raises
    ------
    ParameterError
        A name matching no notebook, or several.
    """
    available = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not names:
        return available
    out = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            out.append(path)
            continue
        stem = path.name.removesuffix(".ipynb")
        hits = [p for p in available if p.stem == stem] or [p for p in available if p.stem.startswith(stem)]
        if len(hits) != 1:
            known = ", ".join(p.stem for p in available)
            reason = "matches several notebooks" if hits else "no such notebook"
            raise ParameterError("NOTEBOOK", name, f"{reason}; available: {known}")
        out.append(hits[0])
    return out


def parse_value(text: str) -> Any:
    """A ``-p`` value read as YAML, so ``[Putin, Trump]`` is a list and ``3`` an int.

    >>> parse_value("[Donald Trump, Vladimir Putin]")
    ['Donald Trump', 'Vladimir Putin']
    >>> parse_value("2025-08-15")
    '2025-08-15'
    >>> parse_value("2025-13-40")  # not a date: left as written for the notebook to reject
    '2025-13-40'
    """
    import yaml

    try:
        value = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # ValueError: YAML's date rule on an impossible date
        return text
    if isinstance(value, (dt.date, dt.datetime)):  # keep ISO dates as typed
        return text
    return "" if value is None and text.strip() in ("", "''", '""') else value


def read_parameter_file(path: str) -> dict[str, Any]:
    """Parameters from a YAML (or JSON) mapping file.

    Raises
    ------
    ParameterError
        The file is missing or does not hold a mapping.
    """
    import yaml

    file = Path(path)
    if not file.is_file():
        raise ParameterError("-f", path, "no such file")
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ParameterError("-f", path, "expected a mapping of parameter names to values")
    return {str(k): (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def declared_parameters(path: Path) -> dict[str, Any]:
    """The parameters a notebook declares, with their default values."""
    import papermill

    out = {}
    for name, info in papermill.inspect_notebook(str(path)).items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            out[name] = info["default"]
    return out


def slug(overrides: dict[str, Any]) -> str:
    """Folder name of a run from its non-folder parameters (``default`` when none).

    >>> slug({"actors": ["Donald Trump"], "start_date": "2025-08-01"})
    'actors-donald-trump_start_date-2025-08-01'
    """
    from .model import fold

    items = [(k, v) for k, v in sorted(overrides.items()) if k not in FOLDER_PARAMETERS]
    if not items:
        return "default"
    text = "_".join(f"{k}-{json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}"
                    for k, v in items)
    text = re.sub(r"[^a-z0-9_.]+", "-", fold(text)).strip("-") or "run"
    if len(text) > 60:
        digest = hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()[:8]
        text = f"{text[:50].rstrip('-')}-{digest}"
    return text


def folder_hash(folder: Path) -> str | None:
    """SHA-256 over the relative paths and bytes of every file in ``folder`` (sorted)."""
    if not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def package_versions() -> dict[str, str | None]:
    """Installed versions of :data:`PACKAGES` (``None`` when absent)."""
    from importlib import metadata

    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit(folder: Path) -> dict[str, Any]:
    """Commit and dirty flag of the checkout holding ``folder`` (``None`` outside git)."""
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=False, timeout=10)
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return {"commit": None, "dirty": None}
    if head.returncode != 0:
        return {"commit": None, "dirty": None}
    return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Install the project kernelspec into ``sys.prefix`` when no kernel ``name`` is found."""
    from jupyter_client.kernelspec import KernelSpecManager

    if name in KernelSpecManager().find_kernel_specs():
        return name
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name=KERNEL_DISPLAY_NAME, prefix=sys.prefix)
    return name


# ---------------------------------------------------------------- normalise and render

def normalise_notebook(nb: Any, parameters: dict[str, Any]) -> Any:
    """Strip what differs between two runs of the same notebook on the same input.

    Removes papermill's timing and path metadata, per-cell execution metadata,
    widget state and widget-view outputs; gives every cell a positional id
    (the injected and error-banner cells a named one); keeps the parameters under ``metadata.workbench``.
    """
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["workbench"] = {"parameters": parameters}
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-cell-{index:02d}"
        else:
            cell["id"] = f"cell-{index:02d}"
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data and "application/vnd.jupyter.widget-view+json" in data:
                data.pop("application/vnd.jupyter.widget-view+json")
                data.setdefault("text/plain", "")
    return nb


def render_html(nb: Any) -> str:
    """HTML with code hidden, records dropped and nothing fetched from another host."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    from .analysis import RECORD_TAG

    config = Config()
    config.TagRemovePreprocessor.remove_single_output_tags = {RECORD_TAG}
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
                            template_file="offline.html.j2")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return normalise_html(body)


def normalise_html(html: str) -> str:
    """Replace random uuid ids by sequential ones, in order of first appearance."""
    seen: dict[str, str] = {}

    def fixed(match: re.Match) -> str:
        return seen.setdefault(match.group(0), f"id-{len(seen) + 1:04d}")

    return _UUID.sub(fixed, html)


# ---------------------------------------------------------------- one run

def run_notebook(path: Path, parameters: dict[str, Any], out: Path, run_slug: str, kernel: str,
                 progress: bool = True) -> RunResult:
    """Execute one notebook and write its folder; never raises on a failing cell."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .analysis import resolve_folder

    from .store import recover, staging_folder, swap_in

    final = out / path.stem / run_slug
    recover(final)
    folder = staging_folder(final)  # written whole, then swapped in: a killed run leaves the last report
    executed = folder / f"{path.stem}.ipynb"
    declared = declared_parameters(path)
    effective = {**declared, **parameters}
    started = dt.datetime.now(dt.timezone.utc)
    clock = time.perf_counter()
    result = RunResult(notebook=path.stem, folder=final, parameters=effective)
    try:
        papermill.execute_notebook(str(path), str(executed), parameters=parameters, kernel_name=kernel,
                                   progress_bar=progress, cwd=str(Path.cwd()), log_output=False)
    except PapermillExecutionError as exc:
        result.status = "failed"
        result.error = {"cell_index": exc.cell_index, "execution_count": exc.exec_count, "ename": exc.ename,
                        "evalue": exc.evalue, "message": f"{exc.ename}: {exc.evalue}",
                        "source": exc.source}
    except Exception as exc:  # the kernel died or would not start: record it, go on with the others
        result.status = "failed"
        result.error = {"cell_index": None, "execution_count": None, "ename": type(exc).__name__,
                        "evalue": str(exc), "message": f"{type(exc).__name__}: {exc}", "source": None}
    result.seconds = time.perf_counter() - clock
    finished = dt.datetime.now(dt.timezone.utc)

    html_file = folder / f"{path.stem}.html"
    if executed.is_file():
        nb = normalise_notebook(nbformat.read(executed, as_version=4), effective)
        if result.error:
            # papermill inserts error banners, so its cell index does not address the saved notebook:
            # name the cell that holds the error output instead
            failing = [i for i, cell in enumerate(nb.cells)
                       if any(o.get("output_type") == "error" for o in cell.get("outputs", []))]
            if failing:
                result.error["cell_index"] = failing[0]
                result.error["cell_id"] = nb.cells[failing[0]].get("id")
        nbformat.write(nb, executed)
        html_file.write_text(render_html(nb), encoding="utf-8")

    corpus = effective.get("corpus_dir")
    try:
        corpus_path = resolve_folder("corpus_dir", corpus, must_exist=False) if corpus else None
    except ParameterError:
        corpus_path = None
    tables = effective.get("tables_dir")
    try:
        tables_path = resolve_folder("tables_dir", tables, must_exist=False) if tables else None
    except ParameterError:
        tables_path = None
    manifest = {
        "notebook": path.stem,
        "source": str(path),
        "status": result.status,
        "parameters": effective,
        "overrides": parameters,
        "corpus": {"folder": str(corpus_path) if corpus_path else None,
                   "sha256": folder_hash(corpus_path) if corpus_path else None},
        "tables": {"folder": str(tables_path) if tables_path else None},
        "kernel": kernel,
        "packages": package_versions(),
        "git": git_commit(Path(__file__).resolve().parent),
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "seconds": round(result.seconds, 3),
        "outputs": {"notebook": executed.name if executed.is_file() else None,
                    "html": html_file.name if html_file.is_file() else None},
        "error": result.error,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n",
                                          encoding="utf-8")
    swap_in(folder, final)
    return result


# ---------------------------------------------------------------- command

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench report",
                                     description="Run the analysis notebooks and render them for sharing.")
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebook names (10-actors, 10, or a path); all in notebooks/ by default")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="set a parameter; VALUE is read as YAML, so lists work: -p actors '[Putin]'")
    parser.add_argument("-f", "--parameters-file", action="append", default=[], metavar="PARAMS.yaml",
                        help="YAML/JSON mapping of parameters (applied before -p)")
    parser.add_argument("--out", default="reports", help="output folder (default: reports)")
    parser.add_argument("--tables", default=None, help="tables folder: sets the tables_dir parameter")
    parser.add_argument("--corpus", default=None, help="corpus folder: sets the corpus_dir parameter")
    parser.add_argument("--slug", default=None, help="run folder name (default: from the parameters)")
    parser.add_argument("--timestamp", action="store_true", help="name the run folder by the start time")
    parser.add_argument("--kernel", default=KERNEL_NAME, help=f"kernel name (default: {KERNEL_NAME})")
    parser.add_argument("--notebooks-dir", default=None, help="where notebooks are looked up")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars (CI logs)")
    return parser


def _prepare_tables(parameters: dict[str, Any], first: Path) -> None:
    """Annotate once, before the notebooks, when the tables folder is empty."""
    from .analysis import has_tables, resolve_folder

    effective = {**declared_parameters(first), **parameters}
    if "tables_dir" not in effective or "corpus_dir" not in effective:
        return
    tables = resolve_folder("tables_dir", effective["tables_dir"], must_exist=False)
    if has_tables(tables):
        return
    corpus = resolve_folder("corpus_dir", effective["corpus_dir"])
    from .engine import run_annotate

    print(f"annotating {corpus} → {tables}", file=sys.stderr)
    print(run_annotate(str(corpus), str(tables), progress=False).line(), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run ``workbench report``; returns the exit status (0 ok, 1 a notebook failed, 2 usage)."""
    args = _parser().parse_args(argv)
    try:
        paths = find_notebooks(args.notebooks, Path(args.notebooks_dir) if args.notebooks_dir else notebooks_dir())
        parameters: dict[str, Any] = {}
        for file in args.parameters_file:
            parameters.update(read_parameter_file(file))
        for name, value in args.parameter:
            parameters[name] = parse_value(value)
        if args.tables is not None:
            parameters["tables_dir"] = args.tables
        if args.corpus is not None:
            parameters["corpus_dir"] = args.corpus
        declared = {path: declared_parameters(path) for path in paths}
        known = set().union(*declared.values()) if declared else set()
        for name in parameters:
            if name not in known:
                raise ParameterError(name, parameters[name],
                                     f"no selected notebook has this parameter; known: {', '.join(sorted(known))}")
        if not paths:
            raise ParameterError("NOTEBOOK", "", "no notebook found")
        kernel = ensure_kernel(args.kernel) if args.kernel == KERNEL_NAME else args.kernel
        _prepare_tables(parameters, paths[0])
    except WorkbenchError as exc:
        print(f"workbench report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    run_slug = args.slug or (time.strftime("%Y%m%dT%H%M%S") if args.timestamp else slug(parameters))
    out = Path(args.out)
    results = []
    total = time.perf_counter()
    for number, path in enumerate(paths, 1):
        own = {k: v for k, v in parameters.items() if k in declared[path]}
        print(f"[{number}/{len(paths)}] {path.stem} …", file=sys.stderr, flush=True)
        result = run_notebook(path, own, out, run_slug, kernel, progress=not args.no_progress)
        results.append(result)
        print(f"[{number}/{len(paths)}] {result.line()}", flush=True)
        if result.error:
            print(f"workbench report: {path.stem} failed in cell {result.error['cell_index']}: "
                  f"{result.error['message']}", file=sys.stderr)
    failed = [r.notebook for r in results if r.status != "ok"]
    print(f"{len(results) - len(failed)}/{len(results)} notebooks ok in {time.perf_counter() - total:.1f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""), flush=True)
    return EXIT_FAILED if failed else EXIT_OK
