"""Rules on what starts a job's runs: schedule, trigger, triggers and continuous."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from loom_jobs_widget.core.limits import MIN_TRIGGER_SECONDS
from loom_jobs_widget.core.models import PERIODIC_UNITS, field_value
from loom_jobs_widget.core.validation.collector import CheckedJob
from loom_jobs_widget.core.validation.readers import (
    conjunction,
    is_interpolation,
    is_object,
    items,
    missing,
    quote,
)
from loom_jobs_widget.schedule.triggers import TRIGGER_FIELDS, TRIGGER_TYPES

__all__ = ["schedules_and_triggers", "trigger_exclusivity"]


def trigger_exclusivity(job: CheckedJob, _: None) -> None:
    given = [
        name
        for name in TRIGGER_FIELDS
        if field_value(job.settings, name) is not None and field_value(job.settings, name) != []
    ]
    if len(given) > 1:
        job.add(
            "conflicting-triggers",
            "error",
            f"The job sets {conjunction(given)}; only one of schedule, trigger, triggers and "
            "continuous may be set.",
            given[1],
        )


# `triggers[]` entries also take schedule / continuous.
_TRIGGER_LIST_TYPES: Final = (*TRIGGER_TYPES, "schedule", "continuous")


def schedules_and_triggers(job: CheckedJob, _: None) -> None:
    _check_cron(job, field_value(job.settings, "schedule"), "schedule")
    trigger = field_value(job.settings, "trigger")
    if is_object(trigger):
        _check_trigger_types(job, trigger, "trigger", TRIGGER_TYPES)
        _check_trigger_settings(job, trigger, "trigger")
    triggers = field_value(job.settings, "triggers")
    if isinstance(triggers, list):
        for index, entry in enumerate(triggers):
            if is_object(entry):
                path = f"triggers[{index}]"
                _check_trigger_types(job, entry, path, _TRIGGER_LIST_TYPES)
                _check_cron(job, field_value(entry, "schedule"), f"{path}.schedule")
                _check_trigger_settings(job, entry, path)


def _check_trigger_settings(job: CheckedJob, trigger: Any, path: str) -> None:
    """The required fields and limits of a periodic, file arrival or table update trigger."""
    periodic = field_value(trigger, "periodic")
    if is_object(periodic):
        interval = field_value(periodic, "interval")
        if interval is None or (type(interval) is int and interval < 1):
            job.add(
                "trigger-field",
                "error",
                f"The periodic trigger's interval is {quote(interval)}; it must be 1 or more.",
                f"{path}.periodic.interval",
            )
        unit = field_value(periodic, "unit")
        if not is_interpolation(unit) and unit not in PERIODIC_UNITS:
            job.add(
                "trigger-field",
                "error",
                f"The periodic trigger's unit is {quote(unit)}; it is one of "
                f"{', '.join(PERIODIC_UNITS)}.",
                f"{path}.periodic.unit",
            )
    for kind, required, what in (
        ("file_arrival", "url", "the storage location to watch"),
        ("table_update", "table_names", "the tables to watch"),
    ):
        settings = field_value(trigger, kind)
        if not is_object(settings):
            continue
        if missing(field_value(settings, required)):
            job.add(
                "trigger-field",
                "error",
                f"The {kind.replace('_', ' ')} trigger has no {required}: it needs {what}.",
                f"{path}.{kind}.{required}",
            )
        for name in ("min_time_between_triggers_seconds", "wait_after_last_change_seconds"):
            value = field_value(settings, name)
            # 0 is taken as "not set" (databricks/bundle-examples' table_update_trigger uses it).
            if type(value) is int and (value < 0 or 0 < value < MIN_TRIGGER_SECONDS):
                job.add(
                    "trigger-field",
                    "error",
                    f"The {kind.replace('_', ' ')} trigger's {name} is {value}; the API's "
                    f"minimum is {MIN_TRIGGER_SECONDS} seconds.",
                    f"{path}.{kind}.{name}",
                )


def _check_trigger_types(job: CheckedJob, trigger: Any, path: str, types: Sequence[str]) -> None:
    given = [name for name, value in items(trigger) if name in types and value is not None]
    if len(given) > 1:
        job.add(
            "several-trigger-types",
            "error",
            f"{path} sets {conjunction(given)}; a trigger has exactly one type.",
            f"{path}.{given[1]}",
        )


def _check_cron(job: CheckedJob, schedule: Any, path: str) -> None:
    if not is_object(schedule):
        return
    # Only a job with a schedule needs the cron reader (and croniter, which it imports).
    from loom_jobs_widget.schedule.problems import cron_problems

    expression = field_value(schedule, "quartz_cron_expression")
    timezone_id = field_value(schedule, "timezone_id")
    for problem in cron_problems(expression, timezone_id, path):
        job.add(problem["code"], problem["severity"], problem["message"], problem["field"])
