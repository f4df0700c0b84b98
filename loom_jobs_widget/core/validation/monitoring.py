"""Rules on what a job and each of its tasks set to watch their runs: timeout_seconds, health
rules and webhook_notifications."""

from __future__ import annotations

from typing import Any

from loom_jobs_widget.core.limits import MAX_WEBHOOKS_PER_EVENT
from loom_jobs_widget.core.models import HEALTH_METRICS, field_value
from loom_jobs_widget.core.validation.collector import CheckedJob, TaskSite
from loom_jobs_widget.core.validation.readers import is_interpolation, items

__all__ = ["job_notifications", "job_timeout", "task_notifications", "task_timeout"]


def job_timeout(job: CheckedJob, _: None) -> None:
    _check_timeout(job, job.settings, "", "The job", None)


def task_timeout(job: CheckedJob, site: TaskSite) -> None:
    # The wording (label, path) is made only for a task that may have a fault: most have none.
    timeout = site.fields.get("timeout_seconds")
    if type(timeout) is int and timeout < 0:
        _check_timeout(job, site.fields, f"{site.path}.", site.label, site)


def _check_timeout(
    job: CheckedJob, owner: Any, prefix: str, who: str, site: TaskSite | None
) -> None:
    timeout = field_value(owner, "timeout_seconds")
    if type(timeout) is int and timeout < 0:
        job.add(
            "negative-timeout",
            "error",
            f"{who} has timeout_seconds {timeout}; it must be 0 (no timeout) or more.",
            f"{prefix}timeout_seconds",
            site,
        )


def job_notifications(job: CheckedJob, _: None) -> None:
    _check_webhooks(job, job.settings, "", "The job", None)
    _check_health(job, job.settings, "", "The job", None)


def task_notifications(job: CheckedJob, site: TaskSite) -> None:
    fields = site.fields
    if fields.get("webhook_notifications") is not None:
        _check_webhooks(job, fields, f"{site.path}.", site.label, site)
    if fields.get("health") is not None:
        _check_health(job, fields, f"{site.path}.", site.label, site)


def _check_webhooks(
    job: CheckedJob, owner: Any, prefix: str, who: str, site: TaskSite | None
) -> None:
    hooks = field_value(owner, "webhook_notifications")
    if hooks is None:
        return
    for event, destinations in items(hooks):
        if isinstance(destinations, list) and len(destinations) > MAX_WEBHOOKS_PER_EVENT:
            job.add(
                "too-many-webhooks",
                "error",
                f"{who} has {len(destinations)} webhook destinations for {event}; at most "
                f"{MAX_WEBHOOKS_PER_EVENT} are allowed per event.",
                f"{prefix}webhook_notifications.{event}",
                site,
            )


def _check_health(
    job: CheckedJob, owner: Any, prefix: str, who: str, site: TaskSite | None
) -> None:
    rules = field_value(field_value(owner, "health"), "rules")
    if not isinstance(rules, list):
        return
    for index, rule in enumerate(rules):
        path = f"{prefix}health.rules[{index}]"
        metric = field_value(rule, "metric")
        if (
            isinstance(metric, str)
            and not is_interpolation(metric)
            and metric not in HEALTH_METRICS
        ):
            job.add(
                "unknown-health-metric",
                "warning",
                f"{who} has a health rule on metric '{metric}', which is not one of "
                f"{', '.join(HEALTH_METRICS)}.",
                f"{path}.metric",
                site,
            )
        op = field_value(rule, "op")
        if isinstance(op, str) and not is_interpolation(op) and op != "GREATER_THAN":
            job.add(
                "unknown-health-op",
                "warning",
                f"{who} has a health rule with op '{op}'; the API documents only GREATER_THAN.",
                f"{path}.op",
                site,
            )
