"""``make lab``: the JupyterLab command line, and one server started, used and stopped for real."""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from conftest import free_port
from workbench import lab
from workbench.analysis import RECORD_MIME

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw"
NOTEBOOK = "notebooks/50-explore.ipynb"


# ---------------------------------------------------------------- the command line

def test_lab_command_is_loopback_tokenless_and_opens_notebooks():
    command = lab.lab_command(8890, Path("/project"), as_root=True)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    for flag in ("--ServerApp.ip=127.0.0.1", "--ServerApp.port=8890", "--ServerApp.port_retries=0", "--no-browser",
                 "--IdentityProvider.token=", "--LabApp.news_url=None", "--ServerApp.root_dir=/project",
                 "--LabApp.default_url=/lab/tree/notebooks", "--allow-root"):
        assert flag in command, flag
    assert "--allow-root" not in lab.lab_command(8890, Path("/project"), as_root=False)
    assert ("--allow-root" in lab.lab_command(8890)) == (os.geteuid() == 0)


def test_lab_refuses_a_port_in_use(capsys):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((lab.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not lab.port_is_free(port)
        assert lab.main(["--port", str(port)]) == lab.EXIT_USAGE
    assert f"port {port}" in capsys.readouterr().err
    assert lab.port_is_free(port)


def test_lab_make_target_and_readme():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = next(line for line in makefile.splitlines() if line.startswith(".PHONY:"))
    assert " lab" in phony
    target = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert target and "workbench.lab" in target.group(1) and "install" in target.group(0).splitlines()[0]
    assert "make lab" in (ROOT / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- one real server

class Server:
    """HTTP calls to a token-less server, with the XSRF cookie Jupyter asks of POST requests."""

    def __init__(self, port: int):
        self.base = f"http://{lab.HOST}:{port}"
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.opener.open(f"{self.base}/lab", timeout=30).read()  # sets the _xsrf cookie

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        xsrf = next((c.value for c in self.cookies if c.name == "_xsrf"), "")
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", "X-XSRFToken": xsrf})
        with self.opener.open(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else {}


async def execute_cells(url: str, cells: list[str], timeout: float = 120.0) -> list[list[dict]]:
    """Run code cells one after the other on a kernel's websocket; the iopub outputs of each cell."""
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    socket_ = await websocket_connect(f"{url}?session_id={session}")
    results = []
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            await socket_.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": "test", "session": session, "date": "",
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            outputs, replied, idle = [], False, False
            while not (replied and idle):
                raw = await asyncio.wait_for(socket_.read_message(), timeout)
                if raw is None:
                    raise RuntimeError("the kernel websocket closed")
                if isinstance(raw, bytes):  # widget comm messages with binary buffers
                    continue
                message = json.loads(raw)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["header"]["msg_type"]
                if message["channel"] == "shell" and kind == "execute_reply":
                    replied = True
                elif kind == "status" and message["content"]["execution_state"] == "idle":
                    idle = True
                elif kind in ("display_data", "execute_result", "stream", "error"):
                    outputs.append({"type": kind, **message["content"]})
            results.append(outputs)
    finally:
        socket_.close()
    return results


def _explorer_cells(tables_dir: Path) -> list[str]:
    """The notebook's code cells, with the overrides placed after the parameters cell like papermill does."""
    import nbformat

    nb = nbformat.read(ROOT / NOTEBOOK, as_version=4)
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    overrides = (f"tables_dir = {str(tables_dir)!r}\ncorpus_dir = {str(SAMPLE)!r}\n"
                 f"actors = ['Steve Witkoff']\n")
    return [code[0], overrides, *code[1:]]


@pytest.mark.slow
def test_lab_serves_and_runs_the_explorer_in_its_kernel_then_stops_by_pid(home, tables_dir, tmp_path):
    import psutil

    port = free_port()
    stdout, stderr = tmp_path / "lab.out", tmp_path / "lab.err"
    with open(stdout, "w") as out, open(stderr, "w") as err:
        process = subprocess.Popen([sys.executable, "-m", "workbench.lab", "--port", str(port)], cwd=ROOT,
                                   stdout=out, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while lab.server_status(port) != 200:
            assert process.poll() is None, stderr.read_text()
            assert time.monotonic() < deadline, "no answer from /api/status within 60 s"
            time.sleep(0.25)
        while "JupyterLab: " not in stdout.read_text():
            assert time.monotonic() < deadline and process.poll() is None, stderr.read_text()
            time.sleep(0.1)
        line = stdout.read_text()
        assert f"http://127.0.0.1:{port}/lab/tree/notebooks" in line
        server_pid = int(re.search(r"server pid (\d+)", line).group(1))
        assert psutil.Process(server_pid).ppid() == process.pid

        server = Server(port)
        status, specs = server.call("GET", "/api/kernelspecs")
        assert status == 200 and "workbench" in specs["kernelspecs"]
        status, session = server.call("POST", "/api/sessions", {
            "path": NOTEBOOK, "name": "50-explore.ipynb", "type": "notebook", "kernel": {"name": "workbench"}})
        assert status == 201 and session["kernel"]["name"] == "workbench"
        kernel = session["kernel"]["id"]
        outputs = asyncio.run(execute_cells(f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels",
                                            _explorer_cells(tables_dir)))
        errors = [o for cell in outputs for o in cell if o["type"] == "error"]
        assert errors == [], errors
        shown = [o["data"] for cell in outputs for o in cell if o["type"] == "display_data"]
        widget = next(d for d in shown if "application/vnd.jupyter.widget-view+json" in d)
        assert '<mark class="person"' in widget["text/html"] and "workbench-events" in widget["text/html"]
        view = next(d[RECORD_MIME]["value"] for d in shown
                    if RECORD_MIME in d and d[RECORD_MIME]["name"] == "explorer")
        assert view["filters"]["actors"] == ["Steve Witkoff"] and view["counts"]["sentences"] > 0
        # the kernel runs in notebooks/: the sentence links climb to data/raw, which the server serves
        link = re.search(r'href="(\.\./data/raw/[^"#]+)#char=\d+,\d+"', widget["text/html"]).group(1)
        status, model = server.call("GET", f"/api/contents/{link[3:]}?content=0")
        assert status == 200 and model["type"] == "file"
        children = psutil.Process(server_pid).children(recursive=True)  # the kernel among them
        assert children
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0
    for pid in [server_pid, *(child.pid for child in children)]:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, pid
    assert lab.server_status(port) is None
