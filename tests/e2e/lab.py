"""A real JupyterLab for the browser tests and the browser benches: started in its own process
group with every Jupyter directory in a temporary folder, stopped by its own PID; and the few
page actions both need (open a notebook and run it, run code in its kernel).

Plain functions, no pytest: `bench/bench_editor_browser.py` uses them too.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
SERVER_START_TIMEOUT = 90.0


class LabError(RuntimeError):
    """JupyterLab did not start."""


@dataclass
class JupyterLab:
    url: str
    token: str
    root_dir: Path
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_lab(base: Path) -> Iterator[JupyterLab]:
    """A JupyterLab server (with Notebook 7's pages) whose files and settings live in ``base``."""
    root = base / "root"
    dirs = {
        "JUPYTER_CONFIG_DIR": base / "config",
        "JUPYTER_RUNTIME_DIR": base / "runtime",
        "IPYTHONDIR": base / "ipython",
        "JUPYTERLAB_SETTINGS_DIR": base / "settings",
        "JUPYTERLAB_WORKSPACES_DIR": base / "workspaces",  # empty: no restored tabs
    }
    for path in [root, *dirs.values()]:
        path.mkdir(parents=True, exist_ok=True)
    # No news / update-check toast over the page.
    notification = dirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )

    env = {**os.environ, **{k: str(v) for k, v in dirs.items()}}
    env.pop("JUPYTER_TOKEN", None)
    port = _free_port()
    token = secrets.token_hex(16)
    log_path = base / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--allow-root", "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped by its PID below
        )
    lab = JupyterLab(f"http://127.0.0.1:{port}", token, root, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise LabError(f"JupyterLab exited with {process.returncode}:\n{lab.log_tail()}")
            try:
                status = f"{lab.url}/api/status?token={token}"
                with urllib.request.urlopen(status, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise LabError(
                    f"JupyterLab did not start in {SERVER_START_TIMEOUT}s:\n{lab.log_tail()}"
                )
            time.sleep(0.25)
        yield lab
    finally:
        # SIGTERM lets the server shut its kernels down; SIGKILL the group if it hangs.
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def write_notebook(lab: JupyterLab, name: str, cells: list[str]) -> Path:
    """A notebook with a kernelspec (so no kernel picker appears) in the server's root."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
    )
    path = lab.root_dir / name
    nbformat.write(notebook, path)
    return path


_KERNEL_READY = """() => {
    const kernel = window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def open_and_run_notebook(page: Any, lab: JupyterLab, name: str, *, app: str = "lab") -> None:
    """Open a notebook in JupyterLab (``app="lab"``) or Notebook 7 (``"notebook"``), wait for
    its kernel, then run all its cells.

    In JupyterLab each notebook gets a workspace of its own, so no tab of an earlier test is
    restored.
    """
    if app == "lab":
        workspace = Path(name).stem
        page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?token={lab.token}")
    else:
        page.goto(f"{lab.url}/notebooks/{name}?token={lab.token}")
    # A run sent before the kernel is attached is silently dropped, and the toolbar says
    # "idle" too early: wait for the kernel connection itself.
    page.wait_for_function(_KERNEL_READY, timeout=90_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def run_in_kernel(page: Any, code: str) -> None:
    """Execute code in the open notebook's kernel (no cell), waiting for the reply."""
    page.evaluate(
        """async (code) => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const reply = await kernel.requestExecute({ code }).done;
            if (reply.content.status !== 'ok') {
                throw new Error(`${reply.content.ename}: ${reply.content.evalue}`);
            }
        }""",
        code,
    )
