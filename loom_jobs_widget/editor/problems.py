"""The validator's problems as the view shows them: at their field, inside their task or the
settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget.core.validation import Problem, field_path

if TYPE_CHECKING:
    from loom_jobs_widget.editor.protocol import Problem as ProblemJson

__all__ = ["problem_at_field", "problem_in_task", "problem_json", "problem_path"]


def problem_json(problem: Problem) -> ProblemJson:
    """The problem as the view reads it (`Problem.to_dict`'s fields), without a path."""
    return {"code": problem.code, "severity": problem.severity, "message": problem.message,
            "task_key": problem.task_key, "field": problem.field}  # fmt: skip


def problem_path(problem: Problem, task_key: str) -> list[str | int] | None:
    """Where a problem is inside its task, as a JSON path (``["depends_on", 0, "task_key"]``),
    for the panel to show it at its field; None when it is not inside one."""
    prefix = f"tasks[{task_key}]"
    if problem.field is None or not problem.field.startswith(prefix):
        return None
    return field_path(problem.field[len(prefix) :]) or []


def problem_in_task(problem: Problem, task_key: str) -> ProblemJson:
    """A problem of the open task, with its path inside the task (for the task's panel)."""
    found = problem_json(problem)
    found["path"] = problem_path(problem, task_key)
    return found


def problem_at_field(problem: Problem) -> ProblemJson:
    """A problem with its path inside the settings (for a job tab's form)."""
    found = problem_json(problem)
    found["path"] = field_path(problem.field)
    return found
