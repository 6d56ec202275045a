"""start JupyterLab on 127.0.0.1 with the project kernel, opening notebooks/

``python -m workbench.lab [--port 8888]`` (or ``make lab``) registers the
``workbench`` kernel in this environment when it is missing, starts JupyterLab
on the loopback interface without a token (only this machine can reach it),
waits until ``/api/status`` answers and prints the URL. The server's root is
the project folder, so the sentence links of ``50-explore`` (``../data/raw/…``)
open in JupyterLab; the browser starts in ``notebooks/``. As root it adds
``--allow-root``. Ctrl-C or SIGTERM stops the server.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .analysis import project_root
from .report import KERNEL_NAME, ensure_kernel

HOST = "127.0.0.1"
DEFAULT_PORT = 8888
#: Seconds to wait for ``/api/status`` before giving up.
READY_TIMEOUT = 60.0
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def lab_command(port: int, root: Path | None = None, as_root: bool | None = None) -> list[str]:
    """The ``jupyter lab`` command line: loopback, no browser, no token, no news, opening ``notebooks/``.

    >>> "--ServerApp.port=8890" in lab_command(8890, Path("/p"), as_root=False)
    True
    """
    root = root or project_root()
    as_root = (os.geteuid() == 0) if as_root is None else as_root
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", "--no-browser", "--IdentityProvider.token=",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               f"--ServerApp.root_dir={root}", "--LabApp.default_url=/lab/tree/notebooks"]
    if as_root:
        command.append("--allow-root")
    return command


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether nothing listens on ``host:port`` (so the server can bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def server_status(port: int, host: str = HOST, timeout: float = 2.0) -> int | None:
    """HTTP status of ``/api/status`` (``None`` while nothing answers)."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/status", timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def wait_until_ready(process: subprocess.Popen, port: int, timeout: float = READY_TIMEOUT) -> bool:
    """Poll ``/api/status`` until it answers 200; ``False`` when the server exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if server_status(port) == 200:
            return True
        time.sleep(0.25)
    return False


def _stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    """Run ``workbench.lab``; returns the server's exit status (1 when it never became ready)."""
    parser = argparse.ArgumentParser(prog="python -m workbench.lab", description=__doc__.strip().splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--timeout", type=float, default=READY_TIMEOUT,
                        help=f"seconds to wait for the server (default {READY_TIMEOUT:.0f})")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    if not port_is_free(args.port):
        print(f"workbench lab: port {args.port} on {HOST} is in use; choose another with --port "
              f"(make lab PORT=…)", file=sys.stderr)
        return EXIT_USAGE
    ensure_kernel(KERNEL_NAME)
    process = subprocess.Popen(lab_command(args.port))

    def stop_on_sigterm(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # unwinds out of process.wait(), which holds the wait lock

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        if not wait_until_ready(process, args.port, args.timeout):
            print(f"workbench lab: JupyterLab did not answer on {HOST}:{args.port} within {args.timeout:.0f} s",
                  file=sys.stderr)
            _stop(process)
            return EXIT_FAILED
        print(f"JupyterLab: http://{HOST}:{args.port}/lab/tree/notebooks  (kernel {KERNEL_NAME!r}, "
              f"server pid {process.pid}; Ctrl-C stops it)", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        _stop(process)
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
