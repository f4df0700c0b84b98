"""A job run's life: made (run-now, runs/submit, a trigger, a run_job task), queued or skipped
under `max_concurrent_runs`, launched, finished, deleted."""

from __future__ import annotations

import json
import shutil
import time
from collections import deque
from typing import Any

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.dag import TaskGraph
from loom_jobs_widget.local.engine.model import (
    Run,
    RunRequest,
    max_concurrent_runs,
    now_ms,
    positive_int,
)
from loom_jobs_widget.local.engine.parameters import (
    job_context,
    parameter_documents,
    run_parameters,
)
from loom_jobs_widget.local.engine.state import Ending

__all__ = ["JobRuns"]


class JobRuns(EngineBase):
    """Starting, queueing, finishing and deleting job runs (`_runs`, `_queues`)."""

    def start_run(self, request: RunRequest) -> tuple[int, int]:
        """A new job run (run-now, runs/submit): its run_id and number_in_job."""
        with self._lock:
            self._check_running()
            if request.idempotency_token is not None:
                existing = self._store.run_by_token(
                    request.idempotency_token, job_id=request.job_id, run_type=request.run_type
                )
                if existing is not None:
                    return existing.run_id, existing.run_id
            settings = request.settings
            graph = TaskGraph.of(settings, request.only)
            ids = self._store.new_ids(1 + len(graph.order))
            run_id = ids[0]
            job_id = request.job_id if request.job_id is not None else run_id
            created = now_ms()
            limit = max_concurrent_runs(settings)
            parameters = run_parameters(
                settings,
                request.job_parameters,
                job_context(
                    settings,
                    job_id=job_id,
                    run_id=run_id,
                    run_name=request.run_name,
                    start_time=created,
                    trigger=request.trigger,
                    repair_count=0,
                    parameters={},
                    workspace_id=self._workspace_id_value(),
                    workspace_url=self._host(),
                ),
            )
            doc: dict[str, Any] = {
                "job_id": job_id,
                "run_id": run_id,
                "job_run_id": run_id,
                "number_in_job": run_id,
                "original_attempt_run_id": run_id,
                "attempt_number": 0,
                "creator_user_name": self._user_name,
                "run_name": request.run_name,
                "run_type": request.run_type,
                "trigger": request.trigger,
                "format": "MULTI_TASK",
                "start_time": created,
                "end_time": 0,
                # A run in progress has the three phase durations (0 until known) but no
                # run_duration, which `_finish_run` sets: real runs/get and runs/list answers
                # of PENDING and RUNNING runs carry none.
                "setup_duration": 0,
                "execution_duration": 0,
                "cleanup_duration": 0,
                "queue_duration": 0,
                **run_states.in_progress("PENDING"),
            }
            if request.trigger_info:
                doc["trigger_info"] = request.trigger_info
            if parameters:
                doc["job_parameters"] = parameter_documents(parameters)
            if request.overriding_parameters:
                doc["overriding_parameters"] = request.overriding_parameters
            for name in ("job_clusters", "git_source", "environments"):
                if isinstance(settings.get(name), (list, dict)):
                    doc[name] = settings[name]
            plan = {
                "settings": settings,
                "job_parameters": {name: value for name, _, value in parameters},
                "overriding_parameters": request.overriding_parameters,
                "only": request.only,
                "depth": request.depth,
            }
            run = Run.of(graph, run_id, job_id, doc, plan, max_concurrent_runs=limit)
            active = self._active_count(job_id)
            # max_concurrent_runs 0 skips every run, queue or not.
            if limit == 0 or (active >= limit and not request.queue_enabled):
                doc.update(run_states.job_run_skipped(limit).documents())
                doc["end_time"] = created
                doc["run_duration"] = 0
                self._store.insert_run(
                    self._record(run, active=False), request.idempotency_token, ()
                )
                self._tell("run_ended", settings, doc)
                return run_id, run_id
            for seq, (key, task_run_id) in enumerate(zip(graph.order, ids[1:], strict=True)):
                run.latest[key] = self._new_attempt(run, run.tasks[key], task_run_id, seq, 0)
            if active >= limit:
                run.queued = True
                doc.update(run_states.queued(limit))
            self._store.insert_run(
                self._record(run, active=True),
                request.idempotency_token,
                [self._task_record(a) for a in run.latest.values()],
            )
            self._runs[run_id] = run
            if run.queued:
                self._queues.setdefault(job_id, deque()).append(run)
            else:
                self._launch(run)
            return run_id, run_id

    def _launch(self, run: Run, *, repair: bool = False) -> None:
        run.queued = False
        if not repair:  # a repair does not queue; the run's queue_duration stays its first
            run.doc["queue_duration"] = now_ms() - int(run.doc["start_time"])
        run.doc.update(run_states.in_progress("PENDING"))
        timeout = positive_int(run.plan["settings"].get("timeout_seconds"))
        run.deadline = time.monotonic() + timeout if timeout else None
        self._save_run(run)
        if not repair:
            self._tell("run_started", run.plan["settings"], run.doc)
        self._advance(run)

    def _finish_run(self, run: Run, ending: Ending) -> None:
        if run.finished:
            return
        run.finished = True
        ended = now_ms()
        doc = run.doc
        doc.update(ending.documents())
        doc["end_time"] = ended
        history = doc.get("repair_history")
        if isinstance(history, list) and history:
            last = history[-1]
            last["end_time"] = ended
            last.update(ending.documents())
            doc["run_duration"] = sum(
                max(0, int(item.get("end_time") or 0) - int(item.get("start_time") or 0))
                for item in history
            )
        else:
            doc["run_duration"] = ended - int(doc["start_time"])
        self._store.update_run(run.run_id, json.dumps(doc), active=False)
        self._runs.pop(run.run_id, None)
        self._tell("run_ended", run.plan["settings"], doc)
        if not self._stopping:
            self._start_queued(run.job_id)
            self._child_ended(run)

    def _start_queued(self, job_id: int) -> None:
        queue = self._queues.get(job_id)
        while queue:
            head = queue[0]
            if self._active_count(job_id) >= head.max_concurrent_runs:
                return
            queue.popleft()
            if head.stop_reason is None:
                self._launch(head)

    def delete_run(self, run_id: int) -> None:
        with self._lock:
            self._ended_run(run_id, "cancel it before deleting it.")
            # A for_each task run holds its iterations the way a job run holds its task runs.
            for task_record in self._store.task_runs(run_id):
                if "for_each_task" in json.loads(task_record.doc):
                    self._store.delete_run(task_record.run_id)
            self._store.delete_run(run_id)
        # The task runs' folders (logs, outputs) go with the run.
        shutil.rmtree(self._runs_dir / str(run_id), ignore_errors=True)
