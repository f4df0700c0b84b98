"""A job run read as the Runs tab shows it: the state of each task for the canvas overlay, the
root causes of a failure apart from the tasks that only failed upstream, what a repair would
rerun and what it would reuse, and the rows of the run history, the run detail and the matrix.

Pure readings of the API's JSON (`RunsService.get_run`, `list_runs`): no call, no credential.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from loom_jobs_widget.core.models import JobSettings

__all__ = [
    "TERMINAL",
    "RepairPlan",
    "latest_task_runs",
    "matrix_rows",
    "progress",
    "repair_plan",
    "root_causes",
    "run_detail",
    "run_state",
    "run_summary",
    "task_states",
]

TERMINAL: Final = frozenset({"TERMINATED", "SKIPPED", "INTERNAL_ERROR"})
# Results a repair of "all failed tasks" leaves alone (the API's rerun_all_failed_tasks).
_SUCCEEDED: Final = frozenset({"SUCCESS", "SUCCESS_WITH_FAILURES", "EXCLUDED", "DISABLED"})
# A task that ended so because of another task did not fail by itself.
_KNOCK_ON: Final = frozenset({"UPSTREAM_FAILED", "UPSTREAM_CANCELED"})
_OWN_FAILURES: Final = frozenset({"FAILED", "TIMEDOUT", "MAXIMUM_CONCURRENT_RUNS_REACHED"})


def run_state(run: Mapping[str, Any]) -> str:
    """One word for a run or task run: its result once it ended, else where it is in its life
    cycle (QUEUED, PENDING, RUNNING, WAITING_FOR_RETRY, ...)."""
    given = run.get("state")
    state: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    life = state.get("life_cycle_state")
    result = state.get("result_state")
    if life in TERMINAL and isinstance(result, str):
        return result
    if isinstance(life, str):
        return life
    status = run.get("status")
    if isinstance(status, Mapping) and isinstance(status.get("state"), str):
        return str(status["state"])
    return "UNKNOWN"


def latest_task_runs(run: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each task's latest task run (the last attempt, or the last repair's), by task_key."""
    found: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
    for position, task_run in enumerate(run.get("tasks") or []):
        if not isinstance(task_run, dict) or not isinstance(task_run.get("task_key"), str):
            continue
        order = (
            int(task_run.get("start_time") or 0),
            int(task_run.get("attempt_number") or 0),
            position,
        )
        key = task_run["task_key"]
        if key not in found or order >= found[key][0]:
            found[key] = (order, task_run)
    return {key: task_run for key, (_, task_run) in found.items()}


def task_states(run: Mapping[str, Any]) -> dict[str, str]:
    """The state each task shows on the canvas (`run_state` of its latest task run)."""
    return {key: run_state(task_run) for key, task_run in latest_task_runs(run).items()}


def root_causes(run: Mapping[str, Any]) -> list[str]:
    """The tasks that failed by themselves (FAILED, TIMEDOUT), not because an upstream task
    did: where to look first."""
    return [
        key
        for key, task_run in latest_task_runs(run).items()
        if run_state(task_run) in _OWN_FAILURES
    ]


@dataclass(frozen=True)
class RepairPlan:
    """What a repair would do, before it is sent: `rerun` (in the job's order), `reused` (tasks
    whose results and task values the repair keeps), and the request's fields."""

    rerun: list[str]
    reused: list[str]
    request: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"rerun": self.rerun, "reused": self.reused, "request": self.request}


def repair_plan(
    settings: JobSettings | Mapping[str, Any],
    run: Mapping[str, Any],
    *,
    rerun_tasks: Sequence[str] | None = None,
    rerun_dependent_tasks: bool = True,
    latest_repair_id: int | None = None,
) -> RepairPlan:
    """The repair of ``run`` the Runs tab proposes: the tasks given (all failed ones by
    default), with their dependents when ``rerun_dependent_tasks``; as the Jobs API repairs."""
    document = settings.to_api() if isinstance(settings, JobSettings) else dict(settings)
    tasks = [t for t in document.get("tasks") or [] if isinstance(t, dict)]
    order = [t["task_key"] for t in tasks if isinstance(t.get("task_key"), str)]
    children: dict[str, list[str]] = {}
    for task in tasks:
        for dependency in task.get("depends_on") or []:
            if isinstance(dependency, dict) and isinstance(dependency.get("task_key"), str):
                children.setdefault(dependency["task_key"], []).append(task["task_key"])
    latest = latest_task_runs(run)
    request: dict[str, Any] = {"run_id": run.get("run_id")}
    if rerun_tasks is None:
        chosen = [key for key, task_run in latest.items() if run_state(task_run) not in _SUCCEEDED]
        request["rerun_all_failed_tasks"] = True
    else:
        chosen = list(dict.fromkeys(rerun_tasks))
        request["rerun_tasks"] = chosen
    rerun = set(chosen)
    if rerun_dependent_tasks:
        request["rerun_dependent_tasks"] = True
        todo = list(chosen)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in rerun:
                    rerun.add(child)
                    todo.append(child)
    if latest_repair_id is not None:
        request["latest_repair_id"] = latest_repair_id
    known = [key for key in order if key in rerun] + sorted(rerun.difference(order))
    reused = [key for key in order if key in latest and key not in rerun]
    return RepairPlan(rerun=known, reused=reused, request=request)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _message(run: Mapping[str, Any]) -> str:
    state = run.get("state")
    text = state.get("state_message") if isinstance(state, Mapping) else None
    return text if isinstance(text, str) else ""


def run_summary(run: Mapping[str, Any], *, now_ms: int | None = None) -> dict[str, Any]:
    """A row of the run history (`RunSummary` in protocol.ts)."""
    start, end = _int(run.get("start_time")), _int(run.get("end_time")) or None
    ended = (run.get("state") or {}).get("life_cycle_state") in TERMINAL
    duration = _int(run.get("run_duration"))
    if duration is None and start:
        finish = end if ended and end else (now_ms if now_ms is not None else _now_ms())
        duration = max(0, finish - start)
    parameters = {
        str(p.get("name")): str(p.get("value", p.get("default", "")))
        for p in run.get("job_parameters") or []
        if isinstance(p, Mapping) and "name" in p
    }
    return {
        "run_id": _int(run.get("run_id")),
        "number_in_job": _int(run.get("number_in_job")),
        "start_time": start or None,
        "end_time": end,
        "duration_ms": duration,
        "state": run_state(run),
        "state_message": _message(run),
        "ended": ended,
        "trigger": run.get("trigger") if isinstance(run.get("trigger"), str) else None,
        "triggered_by": run.get("creator_user_name")
        if isinstance(run.get("creator_user_name"), str)
        else None,
        "job_parameters": parameters,
        "run_page_url": run.get("run_page_url")
        if isinstance(run.get("run_page_url"), str)
        else None,
    }


def _task_run_view(task_run: Mapping[str, Any], causes: set[str], attempts: int) -> dict[str, Any]:
    state = run_state(task_run)
    iterations = None
    stats = (
        (task_run.get("for_each_task") or {}).get("stats")
        if isinstance(task_run.get("for_each_task"), Mapping)
        else None
    )
    if isinstance(stats, Mapping):
        counts = stats.get("task_run_stats") or {}
        iterations = {
            "done": int(counts.get("completed_iterations") or 0),
            "total": int(counts.get("total_iterations") or 0),
            "failed": int(counts.get("failed_iterations") or 0),
        }
    child = task_run.get("run_job_output") or {}
    resolved = task_run.get("resolved_values")
    return {
        "task_key": task_run.get("task_key"),
        "run_id": _int(task_run.get("run_id")),
        "attempt_number": _int(task_run.get("attempt_number")) or 0,
        "state": state,
        "state_message": _message(task_run),
        "start_time": _int(task_run.get("start_time")) or None,
        "end_time": _int(task_run.get("end_time")) or None,
        "queue_duration": _int(task_run.get("queue_duration")),
        "setup_duration": _int(task_run.get("setup_duration")),
        "execution_duration": _int(task_run.get("execution_duration")),
        "cleanup_duration": _int(task_run.get("cleanup_duration")),
        "upstream_only": state in _KNOCK_ON,
        "root_cause": task_run.get("task_key") in causes,
        "run_page_url": task_run.get("run_page_url")
        if isinstance(task_run.get("run_page_url"), str)
        else None,
        "resolved_parameters": dict(resolved) if isinstance(resolved, Mapping) else None,
        "child_run_id": _int(child.get("run_id")) if isinstance(child, Mapping) else None,
        "iterations": iterations,
        "attempts": attempts,
    }


def run_detail(run: Mapping[str, Any], order: Sequence[str] = ()) -> dict[str, Any]:
    """A run with its tasks for the run detail and its timeline (`RunDetail`): each task's
    latest task run in the job's ``order`` (others after), and every attempt."""
    latest = latest_task_runs(run)
    causes = set(root_causes(run))
    counts: dict[str, int] = {}
    for task_run in run.get("tasks") or []:
        if isinstance(task_run, Mapping) and isinstance(task_run.get("task_key"), str):
            counts[task_run["task_key"]] = counts.get(task_run["task_key"], 0) + 1
    keys = [key for key in order if key in latest] + [key for key in latest if key not in order]
    history = [h for h in run.get("repair_history") or [] if isinstance(h, Mapping)]
    repairs = [_int(h.get("id")) for h in history if h.get("type") == "REPAIR"]
    return {
        **run_summary(run),
        "tasks": [_task_run_view(latest[key], causes, counts.get(key, 1)) for key in keys],
        "attempts": [
            _task_run_view(task_run, causes, counts.get(str(task_run.get("task_key")), 1))
            for task_run in sorted(
                (t for t in run.get("tasks") or [] if isinstance(t, Mapping)),
                key=lambda t: (int(t.get("start_time") or 0), int(t.get("attempt_number") or 0)),
            )
        ],
        "repair_history": [dict(h) for h in history],
        "latest_repair_id": repairs[-1] if repairs else None,
    }


def matrix_rows(
    runs: Sequence[Mapping[str, Any]], task_keys: Sequence[str]
) -> list[dict[str, Any]]:
    """The runs-by-tasks matrix of the Runs tab: per run (as given, newest first) its summary
    and one state per task of ``task_keys`` (None where the task did not run)."""
    rows = []
    for run in runs:
        states = task_states(run)
        rows.append({"run": run_summary(run), "cells": [states.get(key) for key in task_keys]})
    return rows


def progress(run: Mapping[str, Any]) -> dict[str, Any]:
    """How far a run is: tasks ended of all, for the progress bar (`run_progress`)."""
    states = latest_task_runs(run)
    done = sum(
        1
        for task_run in states.values()
        if (task_run.get("state") or {}).get("life_cycle_state") in TERMINAL
    )
    return {
        "run": run_summary(run),
        "done": done,
        "total": len(states),
        "finished": (run.get("state") or {}).get("life_cycle_state") in TERMINAL,
        "root_causes": root_causes(run),
    }


def _now_ms() -> int:
    return int(time.time() * 1000)
