"""Fixtures for end-to-end tests: a real JupyterLab server (see `lab`) and headless Debian
Chromium.

JupyterLab runs in its own process group with every Jupyter directory in a temporary folder; it
is stopped by its own PID at the end of the session. Chromium is the system one (Debian package
``chromium``) driven by Playwright through ``executable_path``: ``playwright install`` downloads
are not used. Set ``LOOM_CHROMIUM`` to point at another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace, connect

from .lab import (
    CHROMIUM_ARGS,
    JupyterLab,
    LabError,
    open_and_run_notebook,
    run_in_kernel,
    running_lab,
    write_notebook,
)

__all__ = ["EDITOR", "SCREENSHOT_DIR", "ConsoleLog", "JupyterLab", "local_workspace",
           "open_and_run_notebook", "run_in_kernel", "shoot", "write_notebook"]  # fmt: skip

SCREENSHOT_DIR = Path(os.environ.get("LOOM_SCREENSHOT_DIR", "/tmp/loom-screens"))
EDITOR = ".loom-je"
"""The JobEditor's root element."""


def shoot(page: Any, name: str, selector: str = EDITOR) -> None:
    """A screenshot of the widget, kept as a test artifact in SCREENSHOT_DIR."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator(selector).screenshot(path=str(SCREENSHOT_DIR / name))


@contextmanager
def local_workspace(folder: Path) -> Iterator[tuple[Workspace, Path]]:
    """A local workspace served by this process, and its data folder: the notebook's kernel
    connects to it through the folder (connect() finds the running server)."""
    data = folder / "workspace"
    ws = connect("local", data_dir=data)
    try:
        yield ws, data
    finally:
        ws.close()


@pytest.fixture
def local(tmp_path: Path) -> Iterator[tuple[Workspace, Path]]:
    with local_workspace(tmp_path) as served:
        yield served


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
    try:
        with running_lab(tmp_path_factory.mktemp("jupyterlab")) as lab:
            yield lab
    except LabError as error:
        pytest.fail(str(error))


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


@contextmanager
def watched_page(browser: Any, console: ConsoleLog, **options: Any) -> Iterator[Any]:
    """A page in a browser context of its own (1280 x 900 unless `options` say otherwise: they
    are the context's), whose console messages and page errors go to `console`; the context
    closes after."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on(
        "console",
        lambda msg: console.messages.append(
            {"type": msg.type, "text": msg.text, "url": msg.location.get("url", "")}
        ),
    )
    page.on("pageerror", lambda error: console.page_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, console: ConsoleLog) -> Iterator[Any]:
    with watched_page(browser, console) as page:
        yield page
