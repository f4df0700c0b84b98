"""The states a run and a task run go through, and the rules that decide them.

Pure functions over the Jobs API's vocabulary (Jobs API 2.2 reference: runs/get): the
`state` (legacy, still what the SDK's waiter reads) and `status` objects of a run, how a task's
`run_if` reads its dependencies' results, and how a job run's result follows from its tasks.
The engine decides *when* things happen; this module says *what* they look like.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from loom_jobs_widget.local.exec.protocol import WORKLOAD_FAILED

__all__ = [
    "TERMINAL_LIFE_CYCLE_STATES",
    "Ending",
    "TaskResult",
    "Upstream",
    "for_each_ended",
    "in_progress",
    "internal_error",
    "is_success_family",
    "job_run_canceled",
    "job_run_ending",
    "job_run_skipped",
    "job_run_timed_out",
    "queued",
    "run_job_ended",
    "skip_verdict",
    "task_canceled",
    "task_disabled",
    "task_failed",
    "task_not_runnable",
    "task_skipped",
    "task_succeeded",
    "task_timed_out",
]

# life_cycle_state values that end a run: the SDK's waiter stops on TERMINATED and SKIPPED and
# raises on INTERNAL_ERROR.
TERMINAL_LIFE_CYCLE_STATES: Final = frozenset({"TERMINATED", "SKIPPED", "INTERNAL_ERROR"})

# The newer `status.state` has no SKIPPED/INTERNAL_ERROR/WAITING_FOR_RETRY: those are
# TERMINATED with a termination code, or (between retries) PENDING.
_STATUS_STATE: Final = {
    "QUEUED": "QUEUED",
    "PENDING": "PENDING",
    "RUNNING": "RUNNING",
    "TERMINATING": "TERMINATING",
    "BLOCKED": "BLOCKED",
    "WAITING_FOR_RETRY": "PENDING",
}

_DEFAULT_RUN_IF: Final = "ALL_SUCCESS"

# How a dependency's result counts for run_if (Jobs docs: run if dependencies).
_SUCCEEDED: Final = frozenset({"SUCCESS", "SUCCESS_WITH_FAILURES"})
_EXCLUDED: Final = frozenset({"EXCLUDED", "DISABLED"})
_FAILED: Final = frozenset({"FAILED", "TIMEDOUT", "UPSTREAM_FAILED"})
_CANCELED: Final = frozenset({"CANCELED", "UPSTREAM_CANCELED"})


def in_progress(life_cycle_state: str, message: str = "") -> dict[str, Any]:
    """`state` and `status` of a run that has not ended (QUEUED, PENDING, BLOCKED, ...)."""
    state: dict[str, Any] = {
        "life_cycle_state": life_cycle_state,
        "state_message": message,
        "user_cancelled_or_timedout": False,
    }
    status: dict[str, Any] = {"state": _STATUS_STATE.get(life_cycle_state, life_cycle_state)}
    return {"state": state, "status": status}


def queued(max_concurrent_runs: int) -> dict[str, Any]:
    message = (
        f"Queued because the limit of {max_concurrent_runs} maximum concurrent runs of this job "
        "has been reached."
    )
    return {
        "state": {
            "life_cycle_state": "QUEUED",
            "state_message": message,
            "user_cancelled_or_timedout": False,
            "queue_reason": message,
        },
        "status": {
            "state": "QUEUED",
            "queue_details": {"code": "MAX_CONCURRENT_RUNS_REACHED", "message": message},
        },
    }


@dataclass(frozen=True)
class Ending:
    """How a run or a task run ended: its final `state` and `status`."""

    life_cycle_state: str
    result_state: str
    message: str
    code: str  # status.termination_details.code
    kind: str  # status.termination_details.type
    user_cancelled_or_timedout: bool = False

    def documents(self) -> dict[str, Any]:
        return {
            "state": {
                "life_cycle_state": self.life_cycle_state,
                "result_state": self.result_state,
                "state_message": self.message,
                "user_cancelled_or_timedout": self.user_cancelled_or_timedout,
            },
            "status": {
                "state": "TERMINATED",
                "termination_details": {
                    "code": self.code,
                    "type": self.kind,
                    "message": self.message,
                },
            },
        }


# --- task runs -----------------------------------------------------------------------------------


def task_succeeded() -> Ending:
    return Ending("TERMINATED", "SUCCESS", "", "SUCCESS", "SUCCESS")


def task_failed(message: str = "") -> Ending:
    # A real failed task says only this; the exception is in runs/get-output.
    return Ending(
        "TERMINATED", "FAILED", message or WORKLOAD_FAILED, "RUN_EXECUTION_ERROR", "CLIENT_ERROR"
    )


def task_not_runnable(message: str) -> Ending:
    """A task the local workspace cannot run (a task type without a runner, ...)."""
    return Ending("TERMINATED", "FAILED", message, "INVALID_RUN_CONFIGURATION", "CLIENT_ERROR")


def task_timed_out(seconds: int, *, by_run: bool = False) -> Ending:
    """A task stopped at its own timeout_seconds, or (`by_run`) at the job's."""
    # status code CANCELED: "canceled by the platform, e.g. the maximum run duration was exceeded".
    whose = "The run" if by_run else "Task"
    return Ending(
        "TERMINATED",
        "TIMEDOUT",
        f"{whose} timed out after {seconds} seconds.",
        "CANCELED",
        "CLIENT_ERROR",
        user_cancelled_or_timedout=True,
    )


def task_canceled(message: str = "Run was cancelled.") -> Ending:
    return Ending("TERMINATED", "CANCELED", message, "USER_CANCELED", "SUCCESS", True)


def task_skipped(result_state: str, message: str) -> Ending:
    """A task that never ran: UPSTREAM_FAILED, UPSTREAM_CANCELED, EXCLUDED or DISABLED."""
    code = "DISABLED" if result_state == "DISABLED" else "SKIPPED"
    return Ending("SKIPPED", result_state, message, code, "SUCCESS")


def internal_error(message: str) -> Ending:
    return Ending("INTERNAL_ERROR", "FAILED", message, "INTERNAL_ERROR", "INTERNAL_ERROR")


def task_disabled() -> Ending:
    return task_skipped("DISABLED", "The task is disabled.")


def for_each_ended(total: int, failed: int) -> Ending:
    """A for_each task whose iterations all ran: FAILED when the last attempt of any of them did
    not succeed (inferred: the docs do not say)."""
    if failed:
        message = f"{failed} of {total} iterations failed."
        return Ending("TERMINATED", "FAILED", message, "RUN_EXECUTION_ERROR", "CLIENT_ERROR")
    return task_succeeded()


def run_job_ended(child_result: str, child_message: str, job_id: int, run_id: int) -> Ending:
    """A Run Job task from its child run's result (inferred: "the parent task result follows the
    child run result"): success and success-with-failures carry over, so do a cancel of the child
    and a timeout; anything else (FAILED, SKIPPED at the child's concurrency limit, ...) fails
    it."""
    if child_result == "SUCCESS":
        return task_succeeded()
    if child_result == "SUCCESS_WITH_FAILURES":
        return Ending("TERMINATED", "SUCCESS_WITH_FAILURES", "", "SUCCESS_WITH_FAILURES", "SUCCESS")
    detail = f": {child_message.rstrip('.')}" if child_message else ""
    message = f"Run {run_id} of job {job_id} ended {child_result}{detail}."
    if child_result == "CANCELED":
        return task_canceled(message)
    if child_result == "TIMEDOUT":
        return Ending("TERMINATED", "TIMEDOUT", message, "CANCELED", "CLIENT_ERROR", True)
    return Ending("TERMINATED", "FAILED", message, "RUN_EXECUTION_ERROR", "CLIENT_ERROR")


# --- run_if ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upstream:
    """A dependency as run_if sees it: the upstream task's result, and whether the edge is
    taken (False for the untaken branch of a condition task)."""

    task_key: str
    result_state: str
    taken: bool = True


_SUCCESS_FAMILY: Final = frozenset({"ALL_SUCCESS", "AT_LEAST_ONE_SUCCESS", "NONE_FAILED"})
_FAILURE_FAMILY: Final = frozenset({"AT_LEAST_ONE_FAILED", "ALL_FAILED"})


def _kind(dep: Upstream) -> str:
    """succeeded, excluded, disabled, failed or canceled: what run_if reads of a dependency."""
    if not dep.taken or dep.result_state == "EXCLUDED":
        return "excluded"
    if dep.result_state == "DISABLED":
        return "disabled"
    if dep.result_state in _FAILED:
        return "failed"
    if dep.result_state in _CANCELED:
        return "canceled"
    return "succeeded"


def _met(condition: str, kinds: Sequence[str]) -> bool:
    """Whether run_if `condition` holds for dependencies of these kinds.

    Excluded dependencies count as succeeded ("treated as successful", docs run-if), so
    AT_LEAST_ONE_SUCCESS holds with one; a canceled dependency counts as failed for the failure
    handlers ("tasks with a Run if condition that handles failure are run", docs run-if).
    A disabled one is neither a success nor a failure, but it is done (docs disabled-tasks).
    """
    if condition == "ALL_DONE":
        return True
    if condition == "AT_LEAST_ONE_FAILED":
        return any(kind in ("failed", "canceled") for kind in kinds)
    if condition == "ALL_FAILED":
        considered = [kind for kind in kinds if kind != "excluded"]
        return bool(considered) and all(kind in ("failed", "canceled") for kind in considered)
    if condition == "AT_LEAST_ONE_SUCCESS":
        return any(kind in ("succeeded", "excluded") for kind in kinds)
    if condition == "NONE_FAILED":
        # "runs if at least one parent task completed without failure": a disabled parent did
        # not complete; an excluded one did (the docs' example runs B after A disabled and C
        # skipped).
        return not any(kind in ("failed", "canceled") for kind in kinds) and any(
            kind != "disabled" for kind in kinds
        )
    return all(kind in ("succeeded", "excluded") for kind in kinds)  # ALL_SUCCESS


def skip_verdict(run_if: Any, upstream: Sequence[Upstream]) -> Ending | None:
    """None when the task runs; otherwise how it is skipped (docs run-if, and the docs'
    disabled-tasks page for DISABLED dependencies)."""
    if not upstream:
        return None
    kinds = [_kind(dep) for dep in upstream]
    # "If all task dependencies are excluded, the task is also excluded, regardless of its Run
    # if condition." A disabled dependency is not excluded: ALL_DONE runs after one.
    if all(kind == "excluded" for kind in kinds):
        return task_skipped("EXCLUDED", "Skipped because all its dependencies were excluded.")
    condition = run_if if isinstance(run_if, str) else _DEFAULT_RUN_IF
    if condition not in _SUCCESS_FAMILY | _FAILURE_FAMILY | {"ALL_DONE"}:
        condition = _DEFAULT_RUN_IF  # run_if values newer than this module: the API's default
    if _met(condition, kinds):
        return None
    disabled = [dep for dep, kind in zip(upstream, kinds, strict=True) if kind == "disabled"]
    if disabled:
        # "If a downstream task's Run if condition can't be met because one or more parent tasks
        # are disabled, Lakeflow Jobs also marks the downstream task as disabled for that run"
        # (docs disabled-tasks). "Because of" is read as: the condition would hold had the
        # disabled parents ended as it wants (succeeded, or failed for a failure handler);
        # inferred.
        stand_in = "failed" if condition in _FAILURE_FAMILY else "succeeded"
        if _met(condition, [stand_in if kind == "disabled" else kind for kind in kinds]):
            return task_skipped(
                "DISABLED", f"Disabled because upstream task {_names(disabled)} is disabled."
            )
    if condition in _FAILURE_FAMILY:
        return task_skipped(
            "EXCLUDED", f"Skipped because its run_if condition {condition} was not met."
        )
    failed = [dep for dep, kind in zip(upstream, kinds, strict=True) if kind == "failed"]
    canceled = [dep for dep, kind in zip(upstream, kinds, strict=True) if kind == "canceled"]
    # A canceled dependency propagates as UPSTREAM_CANCELED; for AT_LEAST_ONE_SUCCESS a failure
    # next to it is the better reason.
    if canceled and not (condition == "AT_LEAST_ONE_SUCCESS" and failed):
        return task_skipped(
            "UPSTREAM_CANCELED", f"Skipped because upstream task {_names(canceled)} was canceled."
        )
    return task_skipped(
        "UPSTREAM_FAILED",
        f"Skipped because upstream task {_names(failed or disabled)} did not succeed.",
    )


def _names(deps: Iterable[Upstream]) -> str:
    keys = [f"'{dep.task_key}'" for dep in deps]
    return ", ".join(keys) if keys else "(none)"


# --- the job run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskResult:
    task_key: str
    result_state: str
    message: str
    is_leaf: bool


def job_run_ending(tasks: Sequence[TaskResult]) -> Ending:
    """The job run's result from its tasks' (docs run-if): a failed or upstream-failed leaf
    fails the run, which then ends INTERNAL_ERROR as on a workspace (so `run_now_and_wait` raises
    OperationFailed); failures that no leaf inherits make it SUCCESS_WITH_FAILURES."""
    failed_leaf = any(t.is_leaf and t.result_state in _FAILED | _CANCELED for t in tasks)
    failures = [t for t in tasks if t.result_state in ("FAILED", "TIMEDOUT")]
    if failed_leaf:
        leaves = [t for t in tasks if t.is_leaf and not is_success_family(t.result_state)]
        cause = failures[0] if failures else leaves[0]
        message = f"Task {cause.task_key} failed with message: {cause.message.rstrip('.')}."
        return Ending("INTERNAL_ERROR", "FAILED", message, "RUN_EXECUTION_ERROR", "CLIENT_ERROR")
    if failures:
        return Ending(
            "TERMINATED",
            "SUCCESS_WITH_FAILURES",
            "",
            "SUCCESS_WITH_FAILURES",
            "SUCCESS",
        )
    return Ending("TERMINATED", "SUCCESS", "", "SUCCESS", "SUCCESS")


def job_run_canceled() -> Ending:
    return Ending("TERMINATED", "CANCELED", "Run was cancelled.", "USER_CANCELED", "SUCCESS", True)


def job_run_timed_out(seconds: int) -> Ending:
    return Ending(
        "TERMINATED",
        "TIMEDOUT",
        f"Run timed out after {seconds} seconds.",
        "CANCELED",
        "CLIENT_ERROR",
        True,
    )


def job_run_skipped(max_concurrent_runs: int) -> Ending:
    return Ending(
        "SKIPPED",
        "MAXIMUM_CONCURRENT_RUNS_REACHED",
        f"Skipping this run because the limit of {max_concurrent_runs} maximum concurrent runs "
        "has been reached.",
        "MAX_CONCURRENT_RUNS_EXCEEDED",
        "CLIENT_ERROR",
    )


def is_success_family(result_state: str | None) -> bool:
    """Results a repair with rerun_all_failed_tasks leaves alone."""
    return result_state in _SUCCEEDED | _EXCLUDED
