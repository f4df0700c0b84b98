"""Fixtures for end-to-end tests: a real JupyterLab server and headless Debian Chromium.

JupyterLab runs in its own process group with every Jupyter directory in a temporary folder; it
is stopped by its own PID at the end of the session. Chromium is the system one (Debian package
``chromium``) driven by Playwright through ``executable_path``: ``playwright install`` downloads
are not used. Set ``LOOM_CHROMIUM`` to point at another Chromium binary.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pytest

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
SCREENSHOT_DIR = Path(os.environ.get("LOOM_SCREENSHOT_DIR", "/tmp/loom-screens"))
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
SERVER_START_TIMEOUT = 90.0


@dataclass
class JupyterLab:
    url: str
    token: str
    root_dir: Path
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


@dataclass
class ConsoleLog:
    """Console messages and uncaught page errors seen by one page."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def errors_from_our_code(self) -> list[str]:
        """Errors raised by our bundle (loaded from a blob: URL) or about our widget."""
        ours: list[str] = []
        markers = ("loom", "cytoscape", "anywidget", "blob:")
        for message in self.messages:
            if message["type"] != "error":
                continue
            text = f"{message['text']} @ {message['url']}"
            if any(marker in text.lower() for marker in markers):
                ours.append(text)
        ours += self.page_errors
        return ours

    def warnings_from_our_code(self) -> list[str]:
        return [
            f"{m['text']} @ {m['url']}"
            for m in self.messages
            if m["type"] == "warning" and m["url"].startswith("blob:")
        ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = (
        os.environ.get("LOOM_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if path:
        return path
    message = (
        "Chromium not found: apt-get install -y chromium fonts-dejavu-core (scripts/test does)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    base = tmp_path_factory.mktemp("jupyterlab")
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
    notification.mkdir(parents=True)
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
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{lab.log_tail()}")
            try:
                status = f"{lab.url}/api/status?token={token}"
                with urllib.request.urlopen(status, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
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


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(browser: Any, console: ConsoleLog) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on(
        "console",
        lambda msg: console.messages.append(
            {"type": msg.type, "text": msg.text, "url": msg.location.get("url", "")}
        ),
    )
    page.on("pageerror", lambda error: console.page_errors.append(str(error)))
    yield page
    context.close()


def write_notebook(lab: JupyterLab, name: str, cells: list[str]) -> Path:
    """A notebook with a kernelspec (so no kernel picker appears) in the server's root."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
    )
    path = lab.root_dir / name
    nbformat.write(notebook, path)
    return path


def open_and_run_notebook(page: Any, lab: JupyterLab, name: str) -> None:
    """Open a notebook in JupyterLab, wait for its kernel, then run all its cells.

    Each notebook gets a workspace of its own, so no tab of an earlier test is restored.
    """
    workspace = Path(name).stem
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?token={lab.token}")
    # A run sent before the kernel is attached is silently dropped, and the toolbar says
    # "idle" too early: wait for the kernel connection itself.
    page.wait_for_function(
        """() => {
            const kernel = window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel;
            return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        timeout=90_000,
    )
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
