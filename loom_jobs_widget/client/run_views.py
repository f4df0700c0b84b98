"""A job run read as the Runs tab shows it: the state of each task for the canvas overlay, the
root causes of a failure apart from the tasks that only failed upstream, what a repair would
rerun and what it would reuse, the rows of the run history, the run detail and the matrix, one
task run's output, and the links out of them that lead somewhere.

Pure readings of the API's JSON (`RunsService.get_run`, `list_runs`, `get_run_output`,
`export_run`): no call, no credential.

`tasks[]` of runs/get holds one entry per task *attempt*: a retried task has one per retry (its
`attempt_number` 0, 1, ...), and a repair adds entries without removing the earlier ones (the
Jobs API's repair reruns "as part of the original job run"; apache/airflow PR #69998 saw the
entries of one task accumulate across repairs on a live workspace). Every reading here takes each
task's latest attempt, found by time and by `repair_history` (never by `job_run_id` or
`original_attempt_run_id`, which task entries do not carry).
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from loom_jobs_widget.core.models import JobSettings

__all__ = [
    "TERMINAL",
    "RepairPlan",
    "attempts",
    "cancel_text",
    "canceled",
    "exportable",
    "for_each_iterations",
    "latest_task_runs",
    "matrix_rows",
    "openable_url",
    "progress",
    "repair_plan",
    "root_causes",
    "run_detail",
    "run_duration",
    "run_state",
    "run_summary",
    "spark_ui_url",
    "task_output",
    "task_states",
]

TERMINAL: Final = frozenset({"TERMINATED", "SKIPPED", "INTERNAL_ERROR"})
# Results a repair of "all failed tasks" leaves alone (the API's rerun_all_failed_tasks).
_SUCCEEDED: Final = frozenset({"SUCCESS", "SUCCESS_WITH_FAILURES", "EXCLUDED", "DISABLED"})
# A task that ended so because of another task did not fail by itself.
_KNOCK_ON: Final = frozenset({"UPSTREAM_FAILED", "UPSTREAM_CANCELED"})
_OWN_FAILURES: Final = frozenset({"FAILED", "TIMEDOUT", "MAXIMUM_CONCURRENT_RUNS_REACHED"})
# A run of one task times its phases; a multi-task run leaves them at 0 (Jobs API: `Run`).
_PHASES: Final = ("setup_duration", "execution_duration", "cleanup_duration")


def run_state(run: Mapping[str, Any]) -> str:
    """One word for a run or task run: its result once it ended, else where it is in its life
    cycle (QUEUED, PENDING, RUNNING, WAITING_FOR_RETRY, ...)."""
    given = run.get("state")
    state: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    life = state.get("life_cycle_state")
    result = state.get("result_state")
    if life in TERMINAL and isinstance(result, str):
        return result
    if life in TERMINAL and _termination_code(run) == "USER_CANCELED":
        return "CANCELED"
    if isinstance(life, str):
        return life
    status = run.get("status")
    if isinstance(status, Mapping) and isinstance(status.get("state"), str):
        if status["state"] == "TERMINATED" and _termination_code(run) == "USER_CANCELED":
            return "CANCELED"
        return str(status["state"])
    return "UNKNOWN"


def _termination_code(run: Mapping[str, Any]) -> str | None:
    status = run.get("status")
    details = status.get("termination_details") if isinstance(status, Mapping) else None
    code = details.get("code") if isinstance(details, Mapping) else None
    return code if isinstance(code, str) else None


def canceled(run: Mapping[str, Any]) -> bool:
    """Whether a user cancelled the run: `result_state` CANCELED, or the `status` form's
    `termination_details.code` USER_CANCELED ("The run was successfully canceled during
    execution by a user", Jobs API reference: runs/list). A timeout also has the code CANCELED
    ("canceled by the platform") but the result TIMEDOUT: not a cancel."""
    return run_state(run) in ("CANCELED", "CANCELLED")


# "... cancelled by someone@example.com." in a run's message names who cancelled.
_CANCELED_BY: Final = re.compile(r"\bcancell?ed by\s+(?P<who>[^\s].*?)\.?\s*$", re.IGNORECASE)


def cancel_text(run: Mapping[str, Any]) -> str:
    """How a cancelled run reads: "Canceled by <user>" when its message names who, else
    "Canceled". A workspace words it "Run cancelled." (flyteorg/flytekit PR #1935 quotes a
    runs/get), which names no one; the local workspace says "Run was cancelled."."""
    status = run.get("status")
    details = status.get("termination_details") if isinstance(status, Mapping) else None
    texts = [_message(run)]
    if isinstance(details, Mapping) and isinstance(details.get("message"), str):
        texts.append(details["message"])
    for text in texts:
        found = _CANCELED_BY.search(text)
        if found:
            return f"Canceled by {found.group('who')}"
    return "Canceled"


def _repair_rounds(run: Mapping[str, Any]) -> dict[int, tuple[int, int | None, int]]:
    """task run_id -> (its `repair_history` item's position, the repair's id (None for the
    original run), the item's start_time): empty when runs/get was read without
    include_history."""
    found: dict[int, tuple[int, int | None, int]] = {}
    for position, item in enumerate(run.get("repair_history") or []):
        if not isinstance(item, Mapping):
            continue
        repair = _int(item.get("id")) if item.get("type") == "REPAIR" else None
        started = _int(item.get("start_time")) or 0
        for task_run_id in item.get("task_run_ids") or []:
            if isinstance(task_run_id, int):
                found[task_run_id] = (position, repair, started)
    return found


def attempts(run: Mapping[str, Any]) -> list[tuple[dict[str, Any], int | None]]:
    """Every task run of ``run`` (each attempt, each repair's), oldest first, with the id of the
    repair it belongs to (None: the original run, or unknown without include_history).

    The order is by time: an attempt starts after the one before it ended, and a repair's task
    runs start after the run it repairs ended. An entry not started yet (BLOCKED, PENDING,
    WAITING_FOR_RETRY: start_time 0) is the newest of its task; one that ended without starting
    (skipped) takes its repair's start when `repair_history` tells it. Ties go to the later
    repair, then the higher attempt_number (whose numbering across repairs is not documented),
    then the later place in the list."""
    rounds = _repair_rounds(run)
    ordered: list[tuple[tuple[float, int, int, int], dict[str, Any], int | None]] = []
    for position, task_run in enumerate(run.get("tasks") or []):
        if not isinstance(task_run, dict) or not isinstance(task_run.get("task_key"), str):
            continue
        run_id = _int(task_run.get("run_id"))
        round_index, repair, round_start = rounds.get(run_id or -1, (-1, None, 0))
        started: float = _int(task_run.get("start_time")) or 0
        if not started:
            ended = (task_run.get("state") or {}).get("life_cycle_state") in TERMINAL
            started = round_start if ended else math.inf
        attempt = _int(task_run.get("attempt_number")) or 0
        ordered.append(((started, round_index, attempt, position), task_run, repair))
    ordered.sort(key=lambda entry: entry[0])
    return [(task_run, repair) for _, task_run, repair in ordered]


def latest_task_runs(run: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each task's latest task run (its last attempt, of the last repair that ran it), by
    task_key."""
    return {str(task_run["task_key"]): task_run for task_run, _ in attempts(run)}


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


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _message(run: Mapping[str, Any]) -> str:
    state = run.get("state")
    text = state.get("state_message") if isinstance(state, Mapping) else None
    return text if isinstance(text, str) else ""


# --- links --------------------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def openable_url(url: Any) -> str | None:
    """``url`` when a browser tab can open it: an http(s) address on a host other than this
    machine's loopback. None for an empty or fragment-only value, another scheme, a masked host
    ("***/?o=..."), or the local workspace's own loopback address, which serves the API and no
    pages (its runs open in the widget's own run view instead)."""
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or _loopback(host):
        return None
    return url.strip()


def spark_ui_url(host: str, cluster_instance: Any) -> str | None:
    """The Spark UI of a task run on a cluster: ``<host>/#setting/sparkui/<cluster_id>/driver-
    <spark_context_id>`` (the form databricks/databricks-vscode's `Cluster.getSparkUiUrl` opens;
    the Jobs API reference words it `/#setting/sparkui/$cluster_id/$spark_context_id`). None
    until the run has both ids, and for a host no browser tab can open."""
    if not isinstance(cluster_instance, Mapping):
        return None
    cluster_id = cluster_instance.get("cluster_id")
    context_id = cluster_instance.get("spark_context_id")
    if not isinstance(cluster_id, str) or not cluster_id or context_id in (None, ""):
        return None
    base = openable_url(host)
    if base is None:
        return None
    return f"{base.rstrip('/')}/#setting/sparkui/{cluster_id}/driver-{context_id}"


# --- the history, the detail, the matrix --------------------------------------------------------


def run_duration(run: Mapping[str, Any], *, now_ms: int | None = None) -> int | None:
    """How long a run has taken, in ms. While it runs: now - `start_time` (a workspace sends
    no `run_duration`, or 0, until the run ends). Once ended: its `run_duration` (the run with
    all its repairs); else, for a run of one task, its `setup_duration` + `execution_duration`
    + `cleanup_duration` (which a multi-task run leaves at 0); else `end_time` - `start_time`.
    None for a run not started."""
    start, end = _int(run.get("start_time")) or 0, _int(run.get("end_time")) or 0
    if (run.get("state") or {}).get("life_cycle_state") not in TERMINAL:
        if not start:
            return None
        return max(0, (now_ms if now_ms is not None else _now_ms()) - start)
    whole = _int(run.get("run_duration"))
    if whole:
        return whole
    parts = [_int(run.get(name)) or 0 for name in _PHASES]
    if sum(parts):
        return sum(parts)
    if start and end:
        return max(0, end - start)
    return whole


def run_summary(
    run: Mapping[str, Any], *, now_ms: int | None = None, local: bool = False
) -> dict[str, Any]:
    """A row of the run history (`RunSummary` in protocol.ts). `run_page_url` only when it
    leads somewhere (`openable_url`), and never on the ``local`` workspace, whose runs open in
    the widget's own run view."""
    start, end = _int(run.get("start_time")), _int(run.get("end_time")) or None
    ended = (run.get("state") or {}).get("life_cycle_state") in TERMINAL
    duration = run_duration(run, now_ms=now_ms)
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
        # A cancel says it was one (and by whom when known), not the workspace's wording.
        "state_message": cancel_text(run) if ended and canceled(run) else _message(run),
        "ended": ended,
        "trigger": _str(run.get("trigger")),
        "triggered_by": _str(run.get("creator_user_name")),
        "job_parameters": parameters,
        "run_page_url": None if local else openable_url(run.get("run_page_url")),
    }


def _task_run_view(
    task_run: Mapping[str, Any],
    causes: set[str],
    attempts: int,
    *,
    repair_id: int | None = None,
    host: str = "",
    local: bool = False,
) -> dict[str, Any]:
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
        "run_page_url": None if local else openable_url(task_run.get("run_page_url")),
        "spark_ui_url": None if local else spark_ui_url(host, task_run.get("cluster_instance")),
        "resolved_parameters": dict(resolved) if isinstance(resolved, Mapping) else None,
        "child_run_id": _int(child.get("run_id")) if isinstance(child, Mapping) else None,
        "iterations": iterations,
        "attempts": attempts,
        "repair_id": repair_id,
    }


def run_detail(
    run: Mapping[str, Any], order: Sequence[str] = (), *, host: str = "", local: bool = False
) -> dict[str, Any]:
    """A run with its tasks for the run detail and its timeline (`RunDetail`): each task once,
    its latest task run, in the job's ``order`` (others after), with how many task runs it had;
    and every task run (`attempts`, oldest first). ``host`` is the workspace's, for the Spark
    UI links; on the ``local`` workspace there are no links out (the run detail is the run's
    page)."""
    every = attempts(run)
    latest = {str(task_run["task_key"]): task_run for task_run, _ in every}
    repairs_of = {id(task_run): repair for task_run, repair in every}
    causes = set(root_causes(run))
    counts: dict[str, int] = {}
    for task_run, _ in every:
        counts[task_run["task_key"]] = counts.get(task_run["task_key"], 0) + 1
    keys = [key for key in order if key in latest] + [key for key in latest if key not in order]
    history = [h for h in run.get("repair_history") or [] if isinstance(h, Mapping)]
    repairs = [_int(h.get("id")) for h in history if h.get("type") == "REPAIR"]

    def view(task_run: Mapping[str, Any]) -> dict[str, Any]:
        return _task_run_view(task_run, causes, counts.get(str(task_run["task_key"]), 1),
                              repair_id=repairs_of.get(id(task_run)), host=host,
                              local=local)  # fmt: skip

    return {
        **run_summary(run, local=local),
        "tasks": [view(latest[key]) for key in keys],
        "attempts": [view(task_run) for task_run, _ in every],
        "repair_history": [dict(h) for h in history],
        "latest_repair_id": repairs[-1] if repairs else None,
    }


def matrix_rows(
    runs: Sequence[Mapping[str, Any]], task_keys: Sequence[str], *, local: bool = False
) -> list[dict[str, Any]]:
    """The runs-by-tasks matrix of the Runs tab: per run (as given, newest first) its summary
    and one state per task of ``task_keys`` (None where the task did not run)."""
    rows = []
    for run in runs:
        states = task_states(run)
        rows.append({"run": run_summary(run, local=local),
                     "cells": [states.get(key) for key in task_keys]})  # fmt: skip
    return rows


def progress(
    run: Mapping[str, Any], *, now_ms: int | None = None, local: bool = False
) -> dict[str, Any]:
    """How far a run is: tasks ended of all (each task once, by its latest task run), and its
    summary with the time it has taken so far, for the progress bar (`run_progress`)."""
    states = latest_task_runs(run)
    done = sum(
        1
        for task_run in states.values()
        if (task_run.get("state") or {}).get("life_cycle_state") in TERMINAL
    )
    return {
        "run": run_summary(run, now_ms=now_ms, local=local),
        "done": done,
        "total": len(states),
        "finished": (run.get("state") or {}).get("life_cycle_state") in TERMINAL,
        "root_causes": root_causes(run),
    }


# --- a for_each task's iterations ------------------------------------------------------------


def _inputs(task_run: Mapping[str, Any]) -> list[Any] | None:
    """The items of a for_each task run's `inputs`: its literal JSON array, or the array it
    resolved to (`resolved_values.for_each_task.inputs`, when the workspace gives it). None for
    a reference no answer resolves."""
    spec = task_run.get("for_each_task")
    resolved = task_run.get("resolved_values")
    texts = []
    if isinstance(resolved, Mapping) and isinstance(resolved.get("for_each_task"), Mapping):
        texts.append(resolved["for_each_task"].get("inputs"))
    if isinstance(spec, Mapping):
        texts.append(spec.get("inputs"))
    for text in texts:
        if isinstance(text, list):
            return text
        if not isinstance(text, str):
            continue
        try:
            items = json.loads(text)
        except ValueError:
            continue
        if isinstance(items, list):
            return items
    return None


def _input_text(item: Any) -> str:
    return item if isinstance(item, str) else json.dumps(item, separators=(",", ":"))


def _ended(task_run: Mapping[str, Any]) -> bool:
    return (task_run.get("state") or {}).get("life_cycle_state") in TERMINAL


def _iteration_groups(entries: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """The attempts of each iteration, iterations in the order they were made. An iteration's
    first attempt has `attempt_number` 0; a retry (n > 0) belongs to the earliest iteration
    whose latest attempt is number n - 1 and ended. The API gives an iteration no index of its
    own: creation order (run ids) stands for the order of `inputs`."""
    groups: list[list[Mapping[str, Any]]] = []
    for entry in sorted(entries, key=lambda e: _int(e.get("run_id")) or 0):
        attempt = _int(entry.get("attempt_number")) or 0
        home = None
        if attempt:
            home = next(
                (
                    group
                    for group in groups
                    if (_int(group[-1].get("attempt_number")) or 0) == attempt - 1
                    and _ended(group[-1])
                ),
                None,
            )
        if home is None:
            groups.append([entry])
        else:
            home.append(entry)
    return groups


def _iteration_attempt(task_run: Mapping[str, Any], now_ms: int | None) -> dict[str, Any]:
    return {
        "run_id": _int(task_run.get("run_id")),
        "attempt_number": _int(task_run.get("attempt_number")) or 0,
        "state": run_state(task_run),
        "state_message": _message(task_run),
        "start_time": _int(task_run.get("start_time")) or None,
        "end_time": _int(task_run.get("end_time")) or None,
        "duration_ms": run_duration(task_run, now_ms=now_ms),
        "ended": _ended(task_run),
    }


def for_each_iterations(
    run: Mapping[str, Any], *, offset: int = 0, limit: int = 50, now_ms: int | None = None
) -> dict[str, Any]:
    """A page of a for_each task run's iterations (`IterationsPage`), read from runs/get of the
    for_each task run's id: that answer holds the for_each task as `tasks[0]` and its iterations
    in `iterations` ("Only populated by for-each iterations", databricks-sdk `jobs.Run`), 100 a
    page. Each iteration with the item of `inputs` it got (None when the inputs are not known),
    its latest attempt's state and duration (so far, while it runs) and all its attempts."""
    tasks = [t for t in run.get("tasks") or [] if isinstance(t, Mapping)]
    head: Mapping[str, Any] = tasks[0] if tasks else run
    entries = [e for e in run.get("iterations") or [] if isinstance(e, Mapping)]
    groups = _iteration_groups(entries)
    items = _inputs(head)
    offset = max(0, offset)
    page = []
    for index in range(offset, min(len(groups), offset + max(1, limit))):
        tries = [_iteration_attempt(t, now_ms) for t in groups[index]]
        known = items is not None and index < len(items)
        item = _input_text(items[index]) if items is not None and known else None
        page.append({**tries[-1], "index": index, "input": item, "attempts": tries})
    total = len(groups)
    if items is not None:
        total = max(total, len(items))
    return {
        "run_id": _int(head.get("run_id")) or _int(run.get("run_id")),
        "task_key": _str(head.get("task_key")),
        "state": run_state(head),
        "ended": _ended(head),
        "offset": offset,
        "total": total,
        "started": len(groups),
        "iterations": page,
    }


# --- a task run's output ------------------------------------------------------------------------

# ANSI colour codes: a notebook's error_trace carries IPython's colours (a real get-output quoted
# in Jordan-M-Young/brickproof has them).
_ANSI: Final = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# get-output's own fields; anything else (sql_output, dbt_output, run_job_output, ...) is shown
# as it came.
_OUTPUT_FIELDS: Final = frozenset(
    {"metadata", "notebook_output", "error", "error_trace", "logs", "logs_truncated"}
)
# Results of a task run that never ran its code: nothing to export.
_NOT_RUN: Final = frozenset({
    "UPSTREAM_FAILED", "UPSTREAM_CANCELED", "EXCLUDED", "DISABLED", "SKIPPED",
    "MAXIMUM_CONCURRENT_RUNS_REACHED",
})  # fmt: skip


def _plain(value: Any) -> str | None:
    return _ANSI.sub("", value) if isinstance(value, str) and value else None


def _task_settings(metadata: Mapping[str, Any]) -> Mapping[str, Any]:
    """The task's settings in get-output's `metadata`, a Run: its `tasks[0]`; older answers put
    them on `metadata` itself."""
    tasks = metadata.get("tasks")
    if isinstance(tasks, list) and tasks and isinstance(tasks[0], Mapping):
        return tasks[0]
    return metadata


def _task_type(task: Mapping[str, Any]) -> str | None:
    for key, value in task.items():
        if key.endswith("_task") and isinstance(value, Mapping):
            return key
    return None


def exportable(output: Mapping[str, Any]) -> bool:
    """Whether runs/export has the run's notebook with what it printed: a notebook task that
    ran and ended. (A notebook's printed output is not in get-output, whose `notebook_output`
    holds only the `dbutils.notebook.exit` value.)"""
    metadata = output.get("metadata")
    if not isinstance(metadata, Mapping):
        return False
    task = _task_settings(metadata)
    if _task_type(task) != "notebook_task" and _task_type(metadata) != "notebook_task":
        return False
    state = task.get("state") if isinstance(task.get("state"), Mapping) else metadata.get("state")
    life = state.get("life_cycle_state") if isinstance(state, Mapping) else None
    result = state.get("result_state") if isinstance(state, Mapping) else None
    return life in TERMINAL and result not in _NOT_RUN


def task_output(
    output: Mapping[str, Any],
    *,
    exported: Mapping[str, Any] | None = None,
    export_error: str | None = None,
    local: bool = False,
) -> dict[str, Any]:
    """One task run's output as the run detail shows it (`TaskOutput`): runs/get-output read
    with its task under `metadata.tasks[0]`, and, for a notebook, its exported page
    (runs/export with `views_to_export=CODE`, ``exported``), which carries what the notebook
    printed. ``local``: the page is the local workspace's plain HTML, not Databricks' own
    (which runs scripts)."""
    raw_metadata = output.get("metadata")
    metadata: Mapping[str, Any] = raw_metadata if isinstance(raw_metadata, Mapping) else {}
    task = _task_settings(metadata)
    task_type = _task_type(task) or _task_type(metadata)
    state_of = task if isinstance(task.get("state"), Mapping) else metadata
    raw_notebook = output.get("notebook_output")
    notebook: Mapping[str, Any] = raw_notebook if isinstance(raw_notebook, Mapping) else {}
    result = notebook.get("result")
    views = []
    for view in (exported or {}).get("views") or []:
        if isinstance(view, Mapping) and isinstance(view.get("content"), str):
            views.append({"name": str(view.get("name") or ""), "type": str(view.get("type") or ""),
                          "content": view["content"]})  # fmt: skip
    other = {
        key: value for key, value in output.items()
        if key not in _OUTPUT_FIELDS and value not in (None, {}, [])
    }  # fmt: skip
    return {
        "run_id": _int(metadata.get("run_id")) or _int(task.get("run_id")),
        "task_key": _str(task.get("task_key")) or _str(metadata.get("task_key")),
        "task_type": task_type,
        "state": run_state(state_of),
        "ended": (state_of.get("state") or {}).get("life_cycle_state") in TERMINAL,
        "notebook_result": None if result is None else str(result),
        "notebook_result_truncated": bool(notebook.get("truncated")),
        "error": _plain(output.get("error")),
        "error_trace": _plain(output.get("error_trace")),
        "logs": _plain(output.get("logs")),
        "logs_truncated": bool(output.get("logs_truncated")),
        "other": other,
        "exported_views": views if exported is not None else None,
        "export_error": export_error,
        "export_local": local,
    }


def _now_ms() -> int:
    return int(time.time() * 1000)
