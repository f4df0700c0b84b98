"""Fixtures of the workspace-layer tests: a local workspace reached through `connect()`, an
environment with no Databricks configuration, and a loopback stub for the answers the local
workspace never gives (429, 403, 503, silence).

`ws` is shared by the whole session: tests give their jobs unique names and never count what
they did not make.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

# Spark only where a test asks for it (`LocalWorkspace(spark=True)`): a workspace that has it
# starts a JVM (seconds, half a GB) at the first %sql cell or SQL file, and the local warehouse's
# answers are what most tests assert. Task processes and test kernels inherit this.
os.environ.setdefault("LOOM_JOBS_SPARK", "0")

from loom_jobs_widget.client import Workspace, connect

# Environment variables that would make connect() pick something other than what a test sets.
CONFIG_ENV = (
    "DATABRICKS_HOST",
    "DATABRICKS_TOKEN",
    "DATABRICKS_CONFIG_PROFILE",
    "DATABRICKS_CONFIG_FILE",
    "DATABRICKS_RUNTIME_VERSION",
    "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "LOOM_JOBS_DATA",
)


@pytest.fixture
def quartz_max_year(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The Quartz vectors were made in 2026, when Quartz's MAX_YEAR (the current year + 100)
    was 2126: the tests that compare with them pin it."""
    from loom_jobs_widget.schedule import fields

    monkeypatch.setattr(fields, "MAX_YEAR", 2126)
    yield


@pytest.fixture(scope="session")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    workspace = connect("local", data_dir=tmp_path_factory.mktemp("loom-local"))
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No Databricks configuration anywhere: a fresh HOME, none of the SDK's variables. The new
    HOME is returned."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in CONFIG_ENV:
        monkeypatch.delenv(name, raising=False)
    return home


@dataclass
class Stub:
    """A loopback HTTP server answering like a workspace would, as a test tells it to."""

    url: str
    # path -> (status, JSON body, extra headers); anything else: 200 {}.
    answers: dict[str, tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)  # paths that get no answer for a while
    # (method, path, headers, JSON body) of each request received.
    requests: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    stop: Callable[[], None] = lambda: None  # stops serving: the port then refuses connections


@pytest.fixture
def stub() -> Iterator[Stub]:
    release = threading.Event()
    state = Stub(url="")

    class Handler(BaseHTTPRequestHandler):
        # One request per connection: once stopped, nothing answers on a kept-alive socket.
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            path = self.path.split("?")[0]
            length = int(self.headers.get("Content-Length") or 0)
            sent = json.loads(self.rfile.read(length)) if length else None
            state.requests.append((self.command, path, dict(self.headers), sent))
            if path in state.hang:
                release.wait(10)
                return
            body: dict[str, Any]
            headers: dict[str, str]
            if path == "/.well-known/databricks-config":
                status, body, headers = 404, {}, {}
            elif path == "/api/2.0/preview/scim/v2/Me":
                status, body, headers = 200, {"userName": "stub@example.com"}, {}
            else:
                status, body, headers = state.answers.get(path, (200, {}, {}))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if not stopped.is_set():
            stopped.set()
            release.set()
            server.shutdown()
            server.server_close()
            thread.join(5)

    state.stop = stop
    try:
        yield state
    finally:
        stop()


@pytest.fixture
def elapsed() -> Callable[[], float]:
    """Seconds since the test started."""
    started = time.monotonic()
    return lambda: time.monotonic() - started
