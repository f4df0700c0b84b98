"""Reading how a task process ended, from the files it left in its task-run folder, in the terms
of runs/get and runs/get-output (`TaskOutcome`), with a notebook's cells as they ran (`cells`)
for runs/export."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from pathlib import Path
from typing import Any

from loom_jobs_widget.local.exec.cells import read_cells
from loom_jobs_widget.local.exec.protocol import (
    CANCELED_MESSAGE,
    LOG_FILE,
    NOTEBOOK_CELLS,
    OUTPUT_LIMIT_BYTES,
    RESULT_FILE,
    SQL_ROWS,
    STATE_FILE,
    WORKLOAD_FAILED,
    TaskOutcome,
)

__all__ = ["read_outcome", "sql_output_of"]


def sql_output_of(stored: str | None) -> dict[str, Any]:
    """The SQL part of a task run's stored output (`sql_output` and SQL_ROWS), for a repair
    that reuses the task run: its rows stay readable as `{{tasks.<key>.output.rows}}`."""
    if not stored:
        return {}
    with contextlib.suppress(ValueError):
        output = json.loads(stored)
        if isinstance(output, dict):
            return {key: output[key] for key in ("sql_output", SQL_ROWS) if key in output}
    return {}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _tail(path: Path, limit: int) -> tuple[str, bool]:
    """The last `limit` bytes of a file as text, and whether anything was cut."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - limit))
            data = handle.read()
    except OSError:
        return "", False
    return data.decode("utf-8", errors="replace"), size > limit


def _head(text: str, limit: int) -> tuple[str, bool]:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", errors="ignore"), True


def _describe_exit(returncode: int | None) -> str:
    if returncode is None:  # its fork server went away before reporting it
        return "ended (its exit status is unknown)"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"


def read_outcome(
    run_dir: Path, returncode: int | None, *, keeps_logs: bool, canceled: bool
) -> TaskOutcome:
    state = _read_json(run_dir / STATE_FILE)
    task_values = state.get("task_values", {}) if isinstance(state, dict) else {}
    # A notebook's printed output is kept per cell, for runs/export, rather than as logs.
    logs, logs_truncated = (
        _tail(run_dir / LOG_FILE, OUTPUT_LIMIT_BYTES) if keeps_logs else ("", False)
    )
    result = None if canceled else _read_json(run_dir / RESULT_FILE)
    cells = read_cells(run_dir, interrupted=not isinstance(result, dict))
    kept: dict[str, Any] = {} if cells is None else {NOTEBOOK_CELLS: cells}

    def failed(message: str, error: str | None, trace: str | None) -> TaskOutcome:
        return TaskOutcome(
            "FAILED",
            message,
            error,
            trace,
            logs,
            logs_truncated,
            None,
            task_values,
            extra_output=kept,
        )

    if canceled:
        return failed(CANCELED_MESSAGE, None, None)
    if not isinstance(result, dict):
        # The child died without reporting (killed, os._exit, interpreter crash): the end of its
        # output is the only clue, so it becomes the trace.
        error = f"The task process {_describe_exit(returncode)} before reporting a result"
        tail, _ = _tail(run_dir / LOG_FILE, 16 * 1024)
        return failed(WORKLOAD_FAILED, error, tail or None)
    if result.get("result_state") == "SUCCESS":
        raw = result.get("notebook_result")
        notebook_result, truncated = (
            (None, False) if raw is None else _head(str(raw), OUTPUT_LIMIT_BYTES)
        )
        extra = result.get("extra_output")
        kept.update(extra if isinstance(extra, dict) else {})
        return TaskOutcome(
            "SUCCESS",
            "",
            None,
            None,
            logs,
            logs_truncated,
            notebook_result,
            task_values,
            truncated,
            extra_output=kept,
        )
    return failed(
        str(result.get("state_message") or WORKLOAD_FAILED),
        result.get("error"),
        result.get("error_trace"),
    )
