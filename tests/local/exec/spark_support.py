"""What the tests of the local Spark share: whether this machine can run it (Java and the
`spark` extra), and a local workspace with it on, stopped by its own handle."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from loom_jobs_widget.local import LocalWorkspace

__all__ = ["SPARK_MISSING", "needs_spark", "spark_workspace"]

#: Why the local Spark cannot run on this machine; None when it can.
SPARK_MISSING = (
    "Spark needs Java: no `java` on PATH"
    if shutil.which("java") is None
    else 'pyspark is not installed (pip install "loom-jobs-widget[spark]")'
    if importlib.util.find_spec("pyspark") is None
    else None
)

needs_spark = pytest.mark.skipif(SPARK_MISSING is not None, reason=SPARK_MISSING or "")


@contextmanager
def spark_workspace(folder: Path) -> Iterator[LocalWorkspace]:
    """A local workspace in `folder` whose tasks get `spark`; its server starts with the first
    task that uses it."""
    workspace = LocalWorkspace(folder, spark=True).start()
    try:
        yield workspace
    finally:
        workspace.stop()
