"""What is wrong with a cron schedule (`quartz_cron_expression` and `timezone_id`), as plain
problem dicts: the validator reports them for a job's schedules, the schedule form as the user
types."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Final, Literal, TypedDict

from loom_jobs_widget.schedule.fields import CronError
from loom_jobs_widget.schedule.fire_times import next_fire_times

__all__ = ["CronProblem", "cron_problems"]

_Code = Literal["invalid-cron-expression", "invalid-timezone"]


class CronProblem(TypedDict):
    code: _Code
    severity: Literal["error"]
    message: str
    field: str  # a path into the job's settings: "triggers[0].schedule.timezone_id"


_EVERY_DAY: Final = "0 0 0 * * ?"  # to check a time zone alone


def cron_problems(expression: Any, timezone_id: Any, path: str) -> list[CronProblem]:
    """The problems of the schedule at `path` (`schedule`, `triggers[0].schedule`) whose
    `quartz_cron_expression` and `timezone_id` are these (None: absent). A bundle interpolation
    (`${var.x}`) is not judged: the Databricks CLI resolves it before the API sees it."""
    problems: list[CronProblem] = []
    fields: tuple[tuple[str, Any, _Code], ...] = (
        ("quartz_cron_expression", expression, "invalid-cron-expression"),
        ("timezone_id", timezone_id, "invalid-timezone"),
    )
    for name, value, code in fields:
        if value is None:
            problems.append(_problem(code, f"{path} has no {name}.", f"{path}.{name}"))
        elif not isinstance(value, str):
            message = f"{path}.{name} is {_quote(value)}, not a string."
            problems.append(_problem(code, message, f"{path}.{name}"))
    checkable_expression = isinstance(expression, str) and "${" not in expression
    checkable_zone = isinstance(timezone_id, str) and "${" not in timezone_id
    if checkable_expression:
        # Without a usable time zone, the expression is still checked, in UTC.
        fault = _cron_verdict(expression, timezone_id if checkable_zone else "UTC")
    elif checkable_zone:
        fault = _cron_verdict(_EVERY_DAY, timezone_id)
    else:
        return problems
    if fault is None:
        return problems
    name, reason = fault
    if name == "timezone_id":
        message = (
            f"{path}.timezone_id '{timezone_id}' is not a time zone Databricks knows: {reason}"
        )
        problems.append(_problem("invalid-timezone", message, f"{path}.timezone_id"))
    else:
        message = f"{path}.quartz_cron_expression '{expression}' is not valid Quartz: {reason}"
        field = f"{path}.quartz_cron_expression"
        problems.append(_problem("invalid-cron-expression", message, field))
    return problems


def _problem(code: _Code, message: str, field: str) -> CronProblem:
    return {"code": code, "severity": "error", "message": message, "field": field}


def _quote(value: Any, limit: int = 60) -> str:
    """A value as the validator's messages show it: JSON, cut short when long."""
    text = json.dumps(value, default=repr)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@lru_cache(maxsize=512)
def _cron_verdict(expression: str, timezone_id: str) -> tuple[str, str] | None:
    """("quartz_cron_expression" or "timezone_id", why) when Databricks would reject the
    schedule; None when it is valid."""
    # Cached: the editor validates again after every edit, and schedules rarely change.
    try:
        next_fire_times(expression, timezone_id, datetime.now(timezone.utc), count=1)
    except CronError as exc:
        field = getattr(exc, "field", None)
        zone = isinstance(field, str) and "zone" in field.lower()
        if not zone and timezone_id != "UTC":
            # `field` may name a cron field only: the zone is at fault if UTC makes it valid.
            zone = _cron_verdict(expression, "UTC") is None
        return ("timezone_id" if zone else "quartz_cron_expression", str(exc))
    return None
