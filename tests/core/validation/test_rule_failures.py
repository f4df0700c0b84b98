"""A rule that cannot finish on a task is reported as a `validator-failure` warning naming it, at
that task, and what the other rules found stands: for a sound task (whose depends_on is all that
is read) as for a faulty one."""

from __future__ import annotations

from .helpers import check, job, task


class _Unprintable:
    """A value a notebook can put in the settings, which no message can show."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def test_a_check_that_cannot_finish_is_named_and_the_others_findings_stand() -> None:
    outcome = {"task_key": "check", "outcome": _Unprintable()}
    document = job(
        task("check", condition_task={"op": "EQUAL_TO", "left": "1", "right": "1"}),
        # Sound but for its depends_on: no other per-task rule has anything to say on it.
        task("after", depends_on=[outcome]),
        task("late", after=["after", "ghost"], timeout_seconds=-1),
        # Faulty: every per-task rule runs on it.
        task("slow", depends_on=[outcome], timeout_seconds=-5),
    )
    failure = (
        "validator-failure",
        "warning",
        "The check 'dependencies' could not finish (RuntimeError('no repr')); the other checks "
        "ran.",
    )
    assert [(p.code, p.severity, p.message, p.task_key, p.field) for p in check(document)] == [
        (*failure, "after", "tasks[after]"),
        (
            "negative-timeout",
            "error",
            "Task 'late' has timeout_seconds -1; it must be 0 (no timeout) or more.",
            "late",
            "tasks[late].timeout_seconds",
        ),
        (
            "unknown-dependency",
            "error",
            "Task 'late' depends on 'ghost', which is not a task of this job.",
            "late",
            "tasks[late].depends_on[1].task_key",
        ),
        (
            "negative-timeout",
            "error",
            "Task 'slow' has timeout_seconds -5; it must be 0 (no timeout) or more.",
            "slow",
            "tasks[slow].timeout_seconds",
        ),
        (*failure, "slow", "tasks[slow]"),
    ]
