"""Checks of a job's settings before they go to the Jobs API.

`validate(settings)` returns every `Problem` found, in document order. An *error* is something the
Jobs API rejects, or a job that cannot run as written. A *warning* is something the API accepts
but that is probably not what was meant, or that this package cannot judge with certainty: enum
values newer than the documented ones, task types it does not know, references it has no table for.
A bundle interpolation (`${var.x}`) is never judged: the Databricks CLI resolves it before
anything reaches the API.

The rules live by family: `job` (job-level settings), `task` (each task), `graph` (depends_on
and cycles), `references` (`{{...}}`), `triggers` (schedules and triggers), `monitoring`
(timeouts, health, webhooks, for a job and its tasks alike) and `addresses` (the email addresses
notified); `rules` runs them in order (`quiet` spares a sound task the per-task rules, which
would find nothing there) and `checker` re-checks one task.
"""

from __future__ import annotations

from loom_jobs_widget.core.validation.checker import TaskChecker
from loom_jobs_widget.core.validation.problems import Problem, Severity, field_path
from loom_jobs_widget.core.validation.rules import validate

__all__ = ["Problem", "Severity", "TaskChecker", "field_path", "validate"]
