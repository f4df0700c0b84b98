"""Spark tasks start with the Spark Connect client's dependencies imported (the fork server
imports them once it has run a Spark task), yet each task is its own: module state one task
changes is not the next task's, the next task's `spark` works, and a workspace without Spark
imports nothing for it. Through the real databricks-sdk."""

from __future__ import annotations

from collections.abc import Callable

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import client
from .spark_support import needs_spark
from .test_notebook_magics import notebook, result, run_notebook

pytestmark = [needs_spark]

# What the task reports: whether pandas was imported before its first cell ran (the cell
# imports it), and the pandas option a previous task changed.
PROBE = """
import sys
imported = "pandas" in sys.modules
import pandas
before = pandas.get_option("display.max_rows")
pandas.set_option("display.max_rows", 7)
"""


def probe(lw: LocalWorkspace, code: str = "") -> str:
    w = client(lw)
    path = notebook(
        lw,
        "Shared/probe",
        [PROBE + code, 'dbutils.notebook.exit(f"{imported} {before}")'],
        "source",
    )
    output, _ = run_notebook(w, path)
    assert output.get("error") is None, output
    return result(output) or ""


def test_spark_tasks_start_with_the_client_imported_and_keep_their_own_state(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    lw = make_workspace(spark=True)
    assert probe(lw) == "False 60"  # the first task: nothing imported for it yet
    # The zygote imports once idle, after the first Spark task's fork.
    second = probe(lw, "n = spark.range(3).count()\nassert n == 3, n")
    assert second in ("False 60", "True 60")
    assert probe(lw) == "True 60"  # imported; the option the earlier tasks set is not here


def test_a_workspace_without_spark_imports_nothing_for_it(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    lw = make_workspace()
    assert [probe(lw) for _ in range(2)] == ["False 60", "False 60"]
