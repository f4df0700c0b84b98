"""The Run Job task: a job run of another job (trigger RUN_JOB_TASK), started by the engine; the
task ends when that run ends, with its result."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from loom_jobs_widget.core.server_defaults import with_server_defaults
from loom_jobs_widget.local.engine import resolve as references
from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.errors import EngineError
from loom_jobs_widget.local.engine.model import (
    Attempt,
    Run,
    RunRequest,
    int_or_none,
    queue_default,
)
from loom_jobs_widget.local.engine.parameters import LEGACY_PARAMETERS
from loom_jobs_widget.local.engine.state import Ending
from loom_jobs_widget.local.engine.stopping import stopped_ending

__all__ = ["RunJobTasks"]

# Run Job tasks nest at most this deep: "Databricks does not support jobs ... that nest more
# than three Run Job tasks" (Jobs docs: Run Job task). The docs call it advisory; the local
# workspace enforces it, which also ends jobs that run each other in a cycle.
_MAX_RUN_JOB_DEPTH: Final = 3


class RunJobTasks(EngineBase):
    """run_job task runs. Owns `_children`: the runs a run_job task started that are still in
    progress, by run id, with the task's run and attempt to end when the child ends."""

    _children: dict[int, tuple[Run, Attempt]]

    def _start_run_job(self, run: Run, attempt: Attempt) -> None:
        """Start the other job's run; the task ends when it does (`_child_ended`)."""
        spec = (attempt.resolved or attempt.task).get("run_job_task") or {}
        job_id = int_or_none(spec.get("job_id"))
        failure: str | None = None
        record = None
        if job_id is None:
            failure = "The run_job_task has no job_id."
        elif run.depth + 1 > _MAX_RUN_JOB_DEPTH:
            failure = (
                f"Run Job task '{attempt.key}' cannot start job {job_id}: this run is already "
                f"{run.depth} Run Job tasks deep, and Databricks does not support nesting more "
                f"than {_MAX_RUN_JOB_DEPTH} (or jobs that run each other in a cycle)."
            )
        else:
            record = self._store.job(job_id)
            if record is None:
                # The API's words for an unknown job.
                failure = f"Job {job_id} does not exist."
        if failure is not None or record is None or job_id is None:
            self._end_attempt(run, attempt, run_states.task_failed(failure or ""), None)
            return
        # As jobs/get returns them: a job stored before the server's defaults were stored runs
        # with them too.
        settings = with_server_defaults(json.loads(record.settings))
        parameters = {
            str(name): references.stringify(value)
            for name, value in (spec.get("job_parameters") or {}).items()
        }
        # Job parameters are pushed down to Run Job tasks and win over the task's own (Jobs
        # docs: task parameters); only those the other job defines are passed.
        defined = {
            entry.get("name")
            for entry in settings.get("parameters") or []
            if isinstance(entry, dict)
        }
        parameters.update(
            {name: value for name, value in run.job_parameters.items() if name in defined}
        )
        overriding = {name: spec[name] for name in LEGACY_PARAMETERS if spec.get(name) is not None}
        name = settings.get("name")
        self._start_deadline(attempt)
        self._mark_running(run, attempt)
        try:
            child_id, _ = self.start_run(
                RunRequest(
                    job_id=job_id,
                    run_type="JOB_RUN",
                    run_name=name if isinstance(name, str) and name else "Untitled",
                    settings=settings,
                    job_parameters=parameters,
                    queue_enabled=queue_default(record, settings),
                    overriding_parameters=overriding,
                    trigger="RUN_JOB_TASK",
                    trigger_info={"run_id": attempt.run_id},
                    depth=run.depth + 1,
                )
            )
        except EngineError as exc:
            self._end_attempt(run, attempt, run_states.task_failed(exc.message), None)
            return
        attempt.child_run_id = child_id
        attempt.extra_output = {"run_job_output": {"run_id": child_id}}
        if child_id in self._runs:
            self._children[child_id] = (run, attempt)
            # runs/get-output names the child while it runs, too.
            self._store.update_task_run(
                attempt.run_id, json.dumps(attempt.doc), output=json.dumps(attempt.extra_output)
            )
            return
        # It ended before it began (skipped at its job's concurrency limit, or no tasks).
        child = self._store.run(child_id)
        state = json.loads(child.doc).get("state", {}) if child is not None else {}
        self._end_attempt(run, attempt, self._child_ending(run, attempt, state), None)

    def _child_ended(self, child: Run) -> None:
        """A run started by a run_job task ended: end that task."""
        waiting = self._children.pop(child.run_id, None)
        if waiting is None or self._stopping:
            return
        run, attempt = waiting
        if attempt.result is not None:
            return
        ending = self._child_ending(run, attempt, child.doc.get("state") or {})
        self._end_attempt(run, attempt, ending, None)
        self._after_attempt(run, attempt)

    def _child_ending(self, run: Run, attempt: Attempt, state: Mapping[str, Any]) -> Ending:
        if attempt.stop_reason is not None:
            return stopped_ending(run, attempt, attempt.stop_reason)
        job_id = int((attempt.resolved or {}).get("run_job_task", {}).get("job_id") or 0)
        return run_states.run_job_ended(
            str(state.get("result_state") or "FAILED"),
            str(state.get("state_message") or ""),
            job_id,
            attempt.child_run_id or 0,
        )
