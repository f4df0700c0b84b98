"""Fixtures for the local workspace's tests: real servers on tmp data folders, the real SDK.

`lw` / `w` are shared by the whole session (tests give their jobs unique names and never count
what they did not make); `make_workspace` starts workspaces of a test's own, for counting,
restarts and the like. Every server started here is stopped here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace

from .helpers import client


@pytest.fixture(scope="session")
def lw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWorkspace]:
    workspace = LocalWorkspace(tmp_path_factory.mktemp("local-workspace")).start()
    try:
        yield workspace
    finally:
        workspace.stop()


@pytest.fixture(scope="session")
def w(lw: LocalWorkspace) -> WorkspaceClient:
    return client(lw)


@pytest.fixture
def make_workspace(tmp_path: Path) -> Iterator[Callable[..., LocalWorkspace]]:
    started: list[LocalWorkspace] = []

    def make(data_dir: Path | None = None, **options: Any) -> LocalWorkspace:
        workspace = LocalWorkspace(data_dir or tmp_path / f"ws{len(started)}", **options)
        started.append(workspace.start())
        return workspace

    yield make
    for workspace in started:
        workspace.stop()
