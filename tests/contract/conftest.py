"""Fixtures of the contract tests: the client connected to a loopback server that replays what
a real workspace answered (`replay`), and files and jobs of the local workspace (`files`).

Both go through the real databricks-sdk over HTTP: the replay differs from a workspace only in
that its answers were recorded.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.client import Workspace, connect

from ..conftest import Stub
from .recordings import Recording

# Where the client sends each call the recordings answer: Jobs API 2.2, also for an answer
# recorded from 2.1 (2.2 differs in paging, and no recorded answer is long enough to page).
PATHS = {
    "jobs/get": "/api/2.2/jobs/get",
    "runs/get": "/api/2.2/jobs/runs/get",
    "runs/get-output": "/api/2.2/jobs/runs/get-output",
}

_TERMINAL = ("TERMINATED", "SKIPPED", "INTERNAL_ERROR")


@pytest.fixture
def replay(stub: Stub) -> Iterator[Callable[..., Workspace]]:
    """`replay(("runs/get", recording), ...)`: a Workspace whose calls to those endpoints get
    the recorded answers."""
    opened: list[Workspace] = []

    def connect_to(*answers: tuple[str, Recording]) -> Workspace:
        for endpoint, recording in answers:
            stub.answers[PATHS[endpoint]] = (recording.status, recording.response, {})
        workspace = connect(host=stub.url, token="dapi-replay", retry_timeout_seconds=2)
        opened.append(workspace)
        return workspace

    yield connect_to
    for workspace in opened:
        workspace.close()


class Files:
    """A folder of the local workspace for one test's scripts and notebooks."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.folder = f"/Workspace/Shared/contract-{uuid.uuid4().hex[:8]}"
        ws.client.workspace.mkdirs(self.folder)

    def put(self, name: str, text: str) -> str:
        """Uploads `name` (a `.py` file; a notebook when it starts with the notebook header);
        its workspace path, without `.py` for a notebook."""
        path = f"{self.folder}/{name}"
        self.ws.client.workspace.upload(
            path, text.encode(), format=ImportFormat.AUTO, overwrite=True
        )
        notebook = text.startswith("# Databricks notebook source")
        return path.removesuffix(".py") if notebook else path


@pytest.fixture
def files(ws: Workspace) -> Files:
    return Files(ws)


def create_job(ws: Workspace, settings: dict[str, Any]) -> int:
    """jobs/create with exactly these settings (no client-side defaults or validation)."""
    return int(ws.client.api_client.do("POST", "/api/2.2/jobs/create", body=settings)["job_id"])


def finished(ws: Workspace, run_id: int, timeout: float = 30.0, **read: Any) -> dict[str, Any]:
    """runs/get through the client, polled every 20 ms until the run ends."""
    deadline = time.monotonic() + timeout
    while True:
        run = ws.runs.get_run(run_id, **read)
        if (run.get("state") or {}).get("life_cycle_state") in _TERMINAL:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} did not end in {timeout} s: {run.get('state')}")
        time.sleep(0.02)


def local(request: pytest.FixtureRequest) -> tuple[Workspace, Files]:
    """The local workspace (the session's `ws`) and a folder in it, for the `local` case of a
    parametrized test: the `recorded` case never starts it."""
    ws: Workspace = request.getfixturevalue("ws")
    return ws, Files(ws)
