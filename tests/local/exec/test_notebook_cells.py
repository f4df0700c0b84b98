"""A notebook task's cells as they ran, kept with its output for runs/export: each cell's source,
what it printed (stdout, stderr, displayed values, in order) and whether it ran; through the real
runners, spawned and forked, and through a kernel for `.ipynb` notebooks."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from loom_jobs_widget.local.exec.cells import read_cells
from loom_jobs_widget.local.exec.protocol import (
    CELLS_FILE,
    CELLS_PROGRESS_FILE,
    LOG_FILE,
    NOTEBOOK_CELLS,
    OUTPUT_LIMIT_BYTES,
    TaskInvocation,
    TaskOutcome,
)
from loom_jobs_widget.local.exec.runners import TaskLauncher

WAIT = 60.0
Run = Callable[[str], TaskOutcome]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "workspace"
    (root / "Shared").mkdir(parents=True)
    return root


@pytest.fixture(params=["spawn", "fork"])
def run(workspace: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Run]:
    """Runs the notebook at a workspace path to its end, spawned or forked."""
    launcher = TaskLauncher(tmp_path / "fork-server", fork=request.param == "fork")
    count = 0

    def _run(path: str) -> TaskOutcome:
        nonlocal count
        count += 1
        process = launcher.start(
            TaskInvocation(
                task={"task_key": "nb", "notebook_task": {"notebook_path": path}},
                job_parameters={},
                workspace_root=workspace,
                run_dir=tmp_path / "runs" / str(count),
                upstream_values={},
                context={"job_id": 1, "job_run_id": 2, "run_id": 3, "task_key": "nb"},
            )
        )
        outcome = process.wait(WAIT)
        assert outcome is not None, "the notebook did not end in time"
        return outcome

    yield _run
    launcher.stop()


def cells(outcome: TaskOutcome) -> list[dict[str, Any]]:
    kept = outcome.extra_output.get(NOTEBOOK_CELLS)
    assert isinstance(kept, list)
    return kept


def write(workspace: Path, relative: str, text: str) -> None:
    (workspace / relative).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def test_each_cell_keeps_what_it_printed(run: Run, workspace: Path) -> None:
    write(
        workspace,
        "Shared/nb.py",
        """
        # Databricks notebook source
        # DBTITLE 1,Load
        import subprocess, sys
        print("from python")
        sys.stderr.write("to stderr\\n")
        subprocess.run(["echo", "from a child process"], check=True)

        # COMMAND ----------

        # MAGIC %python
        # MAGIC display({"rows": 3})

        # COMMAND ----------

        # MAGIC %md
        # MAGIC Notes

        # COMMAND ----------

        print("last")
        """,
    )
    outcome = run("/Shared/nb")
    assert outcome.result_state == "SUCCESS", outcome.error_trace
    assert outcome.logs == ""  # runs/get-output has no logs for notebooks
    assert cells(outcome) == [
        {
            "number": 1,
            "kind": "code",
            "source": 'import subprocess, sys\nprint("from python")\n'
            'sys.stderr.write("to stderr\\n")\n'
            'subprocess.run(["echo", "from a child process"], check=True)',
            "state": "ran",
            "output": "from python\nto stderr\nfrom a child process\n",
        },
        {
            "number": 2,
            "kind": "code",
            "source": '%python\ndisplay({"rows": 3})',
            "state": "ran",
            "output": "{'rows': 3}\n",
        },
        {"number": 3, "kind": "markdown", "source": "%md\nNotes", "state": "ran", "output": ""},
        {
            "number": 4,
            "kind": "code",
            "source": 'print("last")',
            "state": "ran",
            "output": "last\n",
        },
    ]


def test_a_process_dying_mid_cell_keeps_what_the_cell_printed(run: Run, workspace: Path) -> None:
    write(
        workspace,
        "Shared/dies.py",
        """
        # Databricks notebook source
        print("first")

        # COMMAND ----------

        import os
        print("about to die", flush=True)
        os._exit(3)

        # COMMAND ----------

        print("never")
        """,
    )
    outcome = run("/Shared/dies")
    assert outcome.result_state == "FAILED"
    assert [(c["state"], c["output"]) for c in cells(outcome)] == [
        ("ran", "first\n"),
        ("failed", "about to die\n"),
        ("not_run", ""),
    ]


def test_a_syntax_error_fails_its_cell_before_any_runs(run: Run, workspace: Path) -> None:
    write(
        workspace,
        "Shared/typo.py",
        """
        # Databricks notebook source
        print("never: nothing runs")

        # COMMAND ----------

        total = (1 +
        """,
    )
    outcome = run("/Shared/typo")
    assert outcome.result_state == "FAILED"
    first, second = cells(outcome)
    assert (first["state"], first["output"]) == ("not_run", "")
    assert second["state"] == "failed" and "SyntaxError" in second["output"]


def test_a_notebook_refused_up_front_records_no_cells(run: Run, workspace: Path) -> None:
    write(
        workspace,
        "Shared/scala.py",
        "# Databricks notebook source\n# MAGIC %scala\n# MAGIC println(1)\n",
    )
    outcome = run("/Shared/scala")
    assert outcome.result_state == "FAILED" and NOTEBOOK_CELLS not in outcome.extra_output


def test_an_ipynb_notebook_keeps_its_kernel_outputs(run: Run, workspace: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Report"),
        nbformat.v4.new_code_cell(
            "import sys\nprint('out')\nprint('err', file=sys.stderr)\n40 + 2"
        ),
        nbformat.v4.new_code_cell("raise ValueError('bad')"),
        nbformat.v4.new_code_cell("print('never')"),
    ]
    nbformat.write(nb, str(workspace / "Shared" / "report.ipynb"))
    outcome = run("/Shared/report")
    assert outcome.result_state == "FAILED"
    kept = cells(outcome)
    assert [(c["number"], c["kind"], c["state"]) for c in kept] == [
        (1, "markdown", "ran"),
        (2, "code", "ran"),
        (3, "code", "failed"),
        (4, "code", "not_run"),
    ]
    assert kept[1]["output"] == "out\nerr\n42\n"
    assert "ValueError: bad" in kept[2]["output"] and "\x1b[" not in kept[2]["output"]
    assert kept[3]["output"] == ""


def test_the_outputs_of_a_notebook_keep_its_first_5_mb(tmp_path: Path) -> None:
    cell_sources = [{"number": n, "kind": "code", "source": f"cell {n}"} for n in (1, 2, 3)]
    (tmp_path / CELLS_FILE).write_text(json.dumps(cell_sources), encoding="utf-8")
    big = b"x" * (OUTPUT_LIMIT_BYTES - 10)
    (tmp_path / LOG_FILE).write_bytes(b"a\n" + big + b"0123456789abcdef")
    size = 2 + len(big) + 16
    (tmp_path / CELLS_PROGRESS_FILE).write_text(f"ran 0 0\nran 1 2\nran 2 {size}\n", "utf-8")
    first, second, third = read_cells(tmp_path) or []
    assert first["output"] == "a\n" and "output_truncated" not in first
    assert len(second["output"]) == OUTPUT_LIMIT_BYTES - 2 and second["output_truncated"] is True
    assert third == {
        "number": 3,
        "kind": "code",
        "source": "cell 3",
        "state": "ran",
        "output": "",
    }
