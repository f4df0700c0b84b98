"""Fixtures of the local Spark's tests: one workspace with Spark on per test module (its server
starts with the module's first task that uses `spark`), and a databricks-sdk client of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import client
from .spark_support import spark_workspace


@pytest.fixture(scope="module")
def spark_lw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWorkspace]:
    with spark_workspace(tmp_path_factory.mktemp("spark")) as workspace:
        yield workspace


@pytest.fixture(scope="module")
def sw(spark_lw: LocalWorkspace) -> WorkspaceClient:
    return client(spark_lw)
