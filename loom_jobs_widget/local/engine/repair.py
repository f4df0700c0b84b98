"""Repairs (runs/repair): rerunning tasks of an ended job run, as new task runs of the same job
run, with the job's current settings; the run's `repair_history` records each repair.

The attempts a repair reruns keep their entries in the run's tasks[] (as apache/airflow's
Databricks provider saw on a live workspace: "attempts accumulate across repairs"); the new ones
come after them, with task run ids of their own. Each starts at attempt_number 0 with retries of
its own: no public payload shows a repaired entry's number, and the SDK's `Run.attempt_number`
("the maximum attempt_number is the same as the max_retries value") rules out counting on across
repairs. What a repair reads of a task (its result, its task values) is its latest attempt: the
last entry of its task_key."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.dag import TaskGraph
from loom_jobs_widget.local.engine.errors import InvalidRequest
from loom_jobs_widget.local.engine.model import Attempt, Run, max_concurrent_runs, now_ms
from loom_jobs_widget.local.engine.parameters import (
    job_context,
    parameter_documents,
    run_parameters,
)
from loom_jobs_widget.local.exec import sql_output_of
from loom_jobs_widget.local.store import TaskRunRecord

__all__ = ["Repair"]


class Repair(EngineBase):
    """runs/repair. No state of its own: a repaired run is back in `_runs` until it ends."""

    def repair(
        self,
        run_id: int,
        settings: Mapping[str, Any],
        *,
        rerun_tasks: Sequence[str] | None,
        rerun_all_failed_tasks: bool,
        rerun_dependent_tasks: bool,
        latest_repair_id: int | None,
        job_parameters: Mapping[str, str] | None,
        overriding_parameters: Mapping[str, Any] | None = None,
    ) -> int:
        """Rerun tasks of an ended job run with `settings` (the job's current ones); the
        repair's id. Raises an EngineError when the run cannot be repaired as asked.
        `overriding_parameters` (the legacy notebook_params, python_params, ...) override the
        run's for the tasks this repair reruns and any later one."""
        with self._lock:
            self._check_running()
            record = self._ended_run(run_id, "only a run that has ended can be repaired.")
            doc = json.loads(record.doc)
            plan = json.loads(record.plan)
            history: list[dict[str, Any]] = list(doc.get("repair_history") or [])
            latest_id = next(
                (int(item["id"]) for item in reversed(history) if item.get("type") == "REPAIR"),
                None,
            )
            if latest_id is not None and latest_repair_id is None:
                # A workspace's own words.
                raise InvalidRequest(
                    "The latest repair ID needs to be provided in order to create a new repair"
                )
            if latest_repair_id is not None and latest_id is None:
                raise InvalidRequest(
                    f"Run {run_id} has not been repaired yet: latest_repair_id must be left out "
                    "of its first repair."
                )
            if latest_repair_id is not None and latest_repair_id != latest_id:
                raise InvalidRequest(
                    f"The latest repair ID of run {run_id} is {latest_id}, not {latest_repair_id}."
                )
            task_records = self._store.task_runs(run_id)
            previous = _latest_by_key(task_records)
            if not previous:
                raise InvalidRequest(f"Run {run_id} has no task runs to repair.")
            all_tasks = {
                task["task_key"]: task
                for task in settings.get("tasks") or []
                if isinstance(task, dict) and isinstance(task.get("task_key"), str)
            }
            if rerun_all_failed_tasks:
                chosen = [
                    key
                    for key, (_, task_doc) in previous.items()
                    if not run_states.is_success_family(task_doc["state"].get("result_state"))
                ]
                if not chosen:
                    raise InvalidRequest(f"Run {run_id} has no failed tasks to repair.")
            else:
                chosen = list(rerun_tasks or [])
            unknown = [key for key in chosen if key not in all_tasks]
            if unknown:
                raise InvalidRequest(
                    f"Task {unknown[0]!r} cannot be repaired: the job has no task with this key."
                )
            keys = set(previous) | set(chosen)
            graph = TaskGraph.of(settings, sorted(k for k in keys if k in all_tasks), expand=False)
            rerun = set(chosen)
            if rerun_dependent_tasks:
                todo = list(rerun)
                while todo:
                    for child in graph.children.get(todo.pop(), ()):
                        if child not in rerun:
                            rerun.add(child)
                            todo.append(child)
            # Tasks that ran before but are no longer in the job keep their results.
            for key in previous:
                if key not in graph.tasks:
                    graph.add_detached(key)
            repair_id, *ids = self._store.new_ids(1 + len(rerun))
            started = now_ms()
            if not history:
                history.append(
                    {
                        "type": "ORIGINAL",
                        "start_time": doc.get("start_time", 0),
                        "end_time": doc.get("end_time", 0),
                        "state": doc.get("state"),
                        "status": doc.get("status"),
                        "task_run_ids": [record.run_id for record, _ in previous.values()],
                    }
                )
            parameters = dict(plan.get("job_parameters") or {})
            if job_parameters:
                # The run's values so far are resolved already; only the new ones need it.
                context = job_context(
                    settings,
                    job_id=record.job_id,
                    run_id=run_id,
                    run_name=str(doc.get("run_name") or ""),
                    start_time=int(doc.get("start_time") or started),
                    trigger=str(doc.get("trigger") or "ONE_TIME"),
                    repair_count=sum(1 for item in history if item.get("type") == "REPAIR") + 1,
                    parameters=parameters,
                    workspace_id=self._workspace_id_value(),
                    workspace_url=self._host(),
                )
                parameters.update(job_parameters)
                resolved = run_parameters(settings, parameters, context)
                parameters = {name: value for name, _, value in resolved}
                doc["job_parameters"] = parameter_documents(resolved)
            plan.update(settings=dict(settings), job_parameters=parameters)
            if overriding_parameters:
                overriding = {**(plan.get("overriding_parameters") or {}), **overriding_parameters}
                plan["overriding_parameters"] = overriding
                doc["overriding_parameters"] = overriding
            limit = max_concurrent_runs(settings)
            run = Run.of(graph, run_id, record.job_id, doc, plan, max_concurrent_runs=limit)
            # {{task.execution_count}} counts the runs of the task before this repair too.
            for task_record in task_records:
                ran = _task_key_of(task_record)
                if ran is not None:
                    run.executions[ran] = run.executions.get(ran, 0) + 1
            next_seq = self._store.max_task_seq(run_id) + 1
            new_attempts: list[Attempt] = []
            rerun_ids = iter(ids)
            for key in graph.order:
                if key in rerun:
                    attempt = self._new_attempt(run, run.tasks[key], next(rerun_ids), next_seq, 0)
                    next_seq += 1
                    new_attempts.append(attempt)
                else:
                    task_record, task_doc = previous[key]
                    attempt = Attempt(
                        key=key,
                        task=run.tasks[key],
                        doc=task_doc,
                        seq=task_record.seq,
                        job_run_id=run_id,
                        result=task_doc["state"].get("result_state") or "FAILED",
                        message=task_doc["state"].get("state_message", ""),
                        task_values=_task_values(task_record),
                        extra_output=sql_output_of(task_record.output),
                    )
                run.latest[key] = attempt
            history.append(
                {
                    "type": "REPAIR",
                    "id": repair_id,
                    "start_time": started,
                    "end_time": 0,
                    **run_states.in_progress("PENDING"),
                    "task_run_ids": [attempt.run_id for attempt in new_attempts],
                }
            )
            doc["repair_history"] = history
            doc.update(run_states.in_progress("PENDING"))
            doc["end_time"] = 0
            # In progress again: its run_duration (all its repairs) is known once this one ends.
            doc.pop("run_duration", None)
            self._store.insert_task_runs([self._task_record(a) for a in new_attempts])
            self._store.update_run(run_id, json.dumps(doc), active=True, plan=json.dumps(plan))
            self._runs[run_id] = run
            self._launch(run, repair=True)
            return repair_id


def _latest_by_key(
    records: Iterable[TaskRunRecord],
) -> dict[str, tuple[TaskRunRecord, dict[str, Any]]]:
    latest: dict[str, tuple[TaskRunRecord, dict[str, Any]]] = {}
    for record in records:  # in seq order: the last attempt of a key wins
        doc = json.loads(record.doc)
        key = doc.get("task_key")
        if isinstance(key, str):
            latest[key] = (record, doc)
    return latest


def _task_key_of(record: TaskRunRecord) -> str | None:
    key = json.loads(record.doc).get("task_key")
    return key if isinstance(key, str) else None


def _task_values(record: TaskRunRecord) -> dict[str, Any]:
    if record.output is None:
        return {}
    with contextlib.suppress(ValueError):
        output = json.loads(record.output)
        values = output.get("task_values") if isinstance(output, dict) else None
        if isinstance(values, dict):
            return values
    return {}
