"""The report runner's pieces that need no kernel: arguments, slugs, normalising, rendering."""
from __future__ import annotations

import base64
import json

import pytest

from workbench import report
from workbench.errors import ParameterError

# a 1×1 transparent PNG
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Keep Jupyter, IPython and matplotlib from writing into the real home folder."""
    for name in ("HOME", "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                 "JUPYTER_RUNTIME_DIR"):
        folder = tmp_path / "home" / name.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(name, str(folder))


@pytest.mark.parametrize("text, value", [
    ("[Donald Trump, Vladimir Putin]", ["Donald Trump", "Vladimir Putin"]),
    ('["Abu Dhabi"]', ["Abu Dhabi"]),
    ("3", 3),
    ("2025-08-15", "2025-08-15"),
    ("2025-13-40", "2025-13-40"),
    ("''", ""),
    ("Steve Witkoff", "Steve Witkoff"),
])
def test_report_parse_value_reads_yaml(text, value):
    assert report.parse_value(text) == value


def test_report_slug_is_stable_and_ignores_folders():
    assert report.slug({}) == "default"
    assert report.slug({"tables_dir": "/x", "corpus_dir": "/y"}) == "default"
    assert report.slug({"actors": ["Đặng Văn"]}) == 'actors-dang-van'
    long = report.slug({"actors": ["Donald Trump", "Vladimir Putin", "Volodymyr Zelensky", "Steve Witkoff"]})
    assert len(long) <= 60 and long == report.slug({"actors": ["Donald Trump", "Vladimir Putin",
                                                               "Volodymyr Zelensky", "Steve Witkoff"]})


def test_report_find_notebooks_by_name_and_prefix():
    names = [p.stem for p in report.find_notebooks([], report.notebooks_dir())]
    assert names == ["00-corpus", "10-actors", "20-dates", "30-venues", "40-events", "50-explore"]
    assert report.find_notebooks(["10"], report.notebooks_dir())[0].stem == "10-actors"
    assert report.find_notebooks(["30-venues.ipynb"], report.notebooks_dir())[0].stem == "30-venues"
    with pytest.raises(ParameterError) as caught:
        report.find_notebooks(["99-nothing"], report.notebooks_dir())
    assert "10-actors" in str(caught.value)


def test_report_notebooks_declare_typed_parameters_first():
    import nbformat

    for path in report.find_notebooks([], report.notebooks_dir()):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].metadata["tags"] == ["parameters"]
        for line in code[0].source.splitlines():
            assert ":" in line.split("=")[0] and "  # " in line, line
        assert nb.metadata["kernelspec"]["name"] == report.KERNEL_NAME
        assert nb.metadata["language_info"]["name"] == "python"
        declared = report.declared_parameters(path)
        assert {"corpus_dir", "tables_dir", "start_date", "end_date", "actors"} <= set(declared)
        assert declared["actors"] == []


def test_report_read_parameter_file(tmp_path):
    file = tmp_path / "params.yaml"
    file.write_text("actors: [Donald Trump]\nstart_date: 2025-08-01\n", encoding="utf-8")
    assert report.read_parameter_file(str(file)) == {"actors": ["Donald Trump"], "start_date": "2025-08-01"}
    (tmp_path / "list.yaml").write_text("- a\n")
    with pytest.raises(ParameterError):
        report.read_parameter_file(str(tmp_path / "list.yaml"))


def test_report_folder_hash_follows_contents(tmp_path):
    (tmp_path / "a.txt").write_text("một")
    first = report.folder_hash(tmp_path)
    assert first == report.folder_hash(tmp_path)
    (tmp_path / "a.txt").write_text("hai")
    assert report.folder_hash(tmp_path) != first
    assert report.folder_hash(tmp_path / "missing") is None


def _executed_notebook():
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from workbench.analysis import RECORD_MIME, RECORD_TAG

    params = new_code_cell("x: int = 1  # a number", metadata={"tags": ["parameters"]})
    injected = new_code_cell("x = 2", metadata={"tags": ["injected-parameters"],
                                                "papermill": {"duration": 0.1}})
    injected["id"] = "3f2a9c1e-random"
    figure = new_code_cell("show()", execution_count=3, outputs=[
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        new_output("display_data", data={RECORD_MIME: {"name": "r", "value": 1}, "text/plain": "[r]"},
                   metadata={"tags": [RECORD_TAG]}),
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "ab"},
                                         "text/plain": "Dropdown()"}),
    ])
    figure.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nb = new_notebook(cells=[params, injected, figure])
    nb.metadata["papermill"] = {"start_time": "2026-01-01", "input_path": "/somewhere"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["kernelspec"] = {"name": "workbench", "display_name": "W", "language": "python"}
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def test_report_normalise_notebook_strips_run_specific_data():
    nb = report.normalise_notebook(_executed_notebook(), {"x": 2})
    assert "papermill" not in nb.metadata and "widgets" not in nb.metadata
    assert nb.metadata["workbench"] == {"parameters": {"x": 2}}
    assert nb.cells[1]["id"] == "injected-parameters"
    assert "execution" not in nb.cells[2].metadata
    assert all("application/vnd.jupyter.widget-view+json" not in o.get("data", {})
               for o in nb.cells[2].outputs)


def test_report_render_html_is_offline_and_hides_code():
    nb = report.normalise_notebook(_executed_notebook(), {"x": 2})
    html = report.render_html(nb)
    assert html == report.render_html(report.normalise_notebook(_executed_notebook(), {"x": 2}))
    assert f"data:image/png;base64,{PNG}" in html
    assert "show()" not in html  # code hidden
    assert "[r]" not in html  # records dropped
    lowered = html.lower()
    for marker in ('<script src="http', "<script src='http", '<link href="http', 'src="//', "require.min.js",
                   "mathjax", "unpkg.com", "@jupyter-widgets/html-manager"):
        assert marker not in lowered, marker
    assert "Tham số" in html  # the parameters table


def test_report_normalise_html_fixes_uuids():
    html = ('<div id="0b6c8f4e-1a2b-4c3d-8e9f-001122334455"></div>'
            '<div id="9b6c8f4e-1a2b-4c3d-8e9f-001122334455"></div>'
            '<a href="#0b6c8f4e-1a2b-4c3d-8e9f-001122334455"></a>')
    assert report.normalise_html(html) == '<div id="id-0001"></div><div id="id-0002"></div><a href="#id-0001"></a>'


def test_report_unknown_parameter_is_a_usage_error(capsys):
    assert report.main(["00-corpus", "-p", "no_such_parameter", "1"]) == report.EXIT_USAGE
    assert "no_such_parameter" in capsys.readouterr().err


def test_report_unknown_notebook_is_a_usage_error(capsys):
    assert report.main(["99-nothing"]) == report.EXIT_USAGE
    assert "99-nothing" in capsys.readouterr().err


def test_report_kernel_is_installed_into_the_environment():
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    assert report.ensure_kernel() == report.KERNEL_NAME
    spec = KernelSpecManager().get_kernel_spec(report.KERNEL_NAME)
    assert spec.resource_dir.startswith(sys.prefix)
