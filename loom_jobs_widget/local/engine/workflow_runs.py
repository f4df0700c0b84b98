"""The notebooks a task runs with `dbutils.notebook.run`, recorded as runs of their own.

On Databricks such a child is an ephemeral job run, run_type WORKFLOW_RUN ("Workflow run. A run
created with dbutils.notebook.run": Jobs API 2.2 reference, runs/list `run_type`; databricks-sdk
`RunType`); runs/list filters on that run_type. Locally the child is a process of the task that
calls it (its timeout and a cancel stay the caller's), in a task-run folder under the caller's
(`<run dir>/notebook-runs/<n>/`, nested for a child's own children). `WorkflowRuns` follows one
task attempt's folder while its process runs: a child folder that appears becomes a run with one
notebook task run, RUNNING; the end file the caller writes when the child's process ended
(`WORKFLOW_END_FILE`) ends it with what the child reported (runs/get-output: its exit value,
error and cells, as for a notebook task). A child still running when its caller ended (a
cancel, a crash) ends with it.

The child's run is its own ephemeral job (job_id = run_id, as a runs/submit run's), named after
the notebook; runs/list shows it next to the others unless filtered by run_type.
"""

from __future__ import annotations

import contextlib
import json
import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.model import now_ms
from loom_jobs_widget.local.engine.state import Ending
from loom_jobs_widget.local.exec.dbutils import (
    WORKFLOW_END_FILE,
    WORKFLOW_RUN_FILE,
    read_json_object,
)
from loom_jobs_widget.local.exec.outcome import read_outcome
from loom_jobs_widget.local.exec.protocol import CHILD_RUNS_FOLDER, INVOCATION_FILE
from loom_jobs_widget.local.store import RunRecord, Store, TaskRunRecord

__all__ = ["WORKFLOW_RUN", "WorkflowRuns"]

_LOG = logging.getLogger(__name__)

WORKFLOW_RUN: Final = "WORKFLOW_RUN"
#: How deep children of children are followed; a notebook that runs itself forever stops being
#: recorded there (it still runs, as its caller's process).
_MAX_DEPTH: Final = 8


@dataclass
class _Child:
    run_id: int
    task_run_id: int
    doc: dict[str, Any]
    task_doc: dict[str, Any]
    ended: bool = False


def _mtime_ms(path: Path) -> int:
    try:
        return int(path.stat().st_mtime * 1000)
    except OSError:
        return now_ms()


class WorkflowRuns:
    """The `dbutils.notebook.run` children of one task attempt, whose task-run folder is
    `folder`. `poll()` while the attempt runs, `close()` once its process ended. Never raises:
    a failure to record a child is logged, and the caller's run goes on."""

    def __init__(self, store: Store, folder: Path, *, user_name: str) -> None:
        self._store = store
        self._folder = folder
        self._user_name = user_name
        self._children: dict[Path, _Child] = {}

    def poll(self) -> None:
        """Records the children that appeared and ends those whose process ended."""
        try:
            self._scan(self._folder, 0)
        except Exception:
            _LOG.exception("following the notebook runs of %s failed", self._folder)

    def close(self, *, canceled: bool) -> None:
        """The caller's process ended: a last look, then the children still running end with
        it (canceled when the caller was)."""
        self.poll()
        for folder, child in self._children.items():
            if child.ended:
                continue
            if canceled:
                ending = run_states.task_canceled()
            else:
                ending = run_states.task_failed("The notebook run ended with the task that ran it.")
            try:
                self._end(folder, child, ending, returncode=None, canceled=True)
            except Exception:
                _LOG.exception("ending the notebook run in %s failed", folder)

    def _scan(self, folder: Path, depth: int) -> None:
        children = folder / CHILD_RUNS_FOLDER
        if depth >= _MAX_DEPTH or not children.is_dir():
            return
        for entry in sorted(children.iterdir(), key=lambda path: path.name):
            if not (entry / INVOCATION_FILE).is_file():
                continue  # being made by its caller
            child = self._children.get(entry)
            if child is None:
                child = self._children[entry] = self._start(entry)
            if not child.ended:
                end = read_json_object(entry / WORKFLOW_END_FILE)
                if end:
                    self._end_reported(entry, child, end)
            self._scan(entry, depth + 1)

    def _start(self, folder: Path) -> _Child:
        invocation = read_json_object(folder / INVOCATION_FILE)
        notebook = str(invocation.get("path") or "")
        name = posixpath.basename(notebook) or "notebook"
        run_id, task_run_id = self._store.new_ids(2)
        started = _mtime_ms(folder / INVOCATION_FILE)
        widgets = invocation.get("widgets")
        task: dict[str, Any] = {"task_key": name, "notebook_task": {"notebook_path": notebook}}
        if isinstance(widgets, dict) and widgets:
            task["notebook_task"]["base_parameters"] = widgets
        running = run_states.in_progress("RUNNING")
        doc: dict[str, Any] = {
            "job_id": run_id,
            "run_id": run_id,
            "job_run_id": run_id,
            "number_in_job": run_id,
            "original_attempt_run_id": run_id,
            "attempt_number": 0,
            "creator_user_name": self._user_name,
            "run_name": name,
            "run_type": WORKFLOW_RUN,
            "trigger": "ONE_TIME",
            "format": "MULTI_TASK",
            "start_time": started,
            "end_time": 0,
            "setup_duration": 0,
            "execution_duration": 0,
            "cleanup_duration": 0,
            "queue_duration": 0,
            **running,
        }
        task_doc: dict[str, Any] = {
            **task,
            "run_id": task_run_id,
            "attempt_number": 0,
            "original_attempt_run_id": task_run_id,
            "run_if": "ALL_SUCCESS",
            "start_time": started,
            "end_time": 0,
            "setup_duration": 0,
            "execution_duration": 0,
            "cleanup_duration": 0,
            **running,
        }
        plan = {"settings": {"name": name, "tasks": [task]}, "job_parameters": {}, "depth": 0}
        self._store.insert_run(
            RunRecord(
                run_id=run_id,
                job_id=run_id,
                run_type=WORKFLOW_RUN,
                start_time=started,
                active=True,
                doc=json.dumps(doc),
                plan=json.dumps(plan),
            ),
            None,
            [TaskRunRecord(task_run_id, run_id, 0, json.dumps(task_doc), None, None)],
        )
        # The caller names the run when it reports how the child ended.
        with contextlib.suppress(OSError):
            (folder / WORKFLOW_RUN_FILE).write_text(json.dumps({"run_id": run_id}), "utf-8")
        return _Child(run_id, task_run_id, doc, task_doc)

    def _end_reported(self, folder: Path, child: _Child, end: dict[str, Any]) -> None:
        returncode = end.get("returncode")
        code = returncode if isinstance(returncode, int) else None
        if end.get("timed_out"):
            seconds = end.get("timeout_seconds")
            ending = run_states.task_timed_out(seconds if isinstance(seconds, int) else 0)
            self._end(folder, child, ending, returncode=code, canceled=True)
            return
        outcome = read_outcome(folder, code, keeps_logs=False, canceled=False)
        if outcome.result_state == "SUCCESS":
            ending = run_states.task_succeeded()
        else:
            ending = run_states.task_failed(outcome.state_message)
        self._end(folder, child, ending, returncode=code, canceled=False)

    def _end(
        self,
        folder: Path,
        child: _Child,
        ending: Ending,
        *,
        returncode: int | None,
        canceled: bool,
    ) -> None:
        child.ended = True
        outcome = read_outcome(folder, returncode, keeps_logs=False, canceled=canceled)
        end_file = folder / WORKFLOW_END_FILE
        ended = _mtime_ms(end_file) if end_file.is_file() else now_ms()
        output: dict[str, Any] = {
            "logs": "",
            "logs_truncated": False,
            "error": outcome.error,
            "error_trace": outcome.error_trace,
            "notebook_result": outcome.notebook_result,
            "notebook_result_truncated": outcome.notebook_result_truncated,
            "task_values": outcome.task_values,
            **outcome.extra_output,
        }
        if ending.result_state != "SUCCESS" and not output["error"]:
            output["error"] = ending.message
        for doc in (child.task_doc, child.doc):
            doc.update(ending.documents())
            doc["end_time"] = ended
            doc["run_duration"] = max(0, ended - int(doc["start_time"]))
        child.task_doc["execution_duration"] = child.task_doc["run_duration"]
        self._store.update_task_run(
            child.task_run_id, json.dumps(child.task_doc), output=json.dumps(output), process=None
        )
        # A failed task fails its run; the run then says so the way a job run does.
        run_ending = ending
        if ending.result_state == "FAILED":
            run_ending = run_states.job_run_ending(
                [run_states.TaskResult(child.task_doc["task_key"], "FAILED", ending.message, True)]
            )
        child.doc.update(run_ending.documents())
        self._store.update_run(child.run_id, json.dumps(child.doc), active=False)
