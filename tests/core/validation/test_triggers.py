"""Rules on schedules and triggers, Quartz expressions and time zones included."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from .helpers import check, clean, job, only, task

# --- schedules and triggers -----------------------------------------------------------------------

DAILY = {"quartz_cron_expression": "0 0 3 * * ?", "timezone_id": "UTC"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"schedule": DAILY, "continuous": {"pause_status": "UNPAUSED"}}, "continuous"),
        ({"schedule": DAILY, "trigger": {"periodic": {"interval": 1, "unit": "HOURS"}}}, "trigger"),
        ({"trigger": {"periodic": {"interval": 1, "unit": "DAYS"}}, "triggers": [{}]}, "triggers"),
        ({"continuous": {}, "triggers": [{"continuous": {}}]}, "continuous"),
    ],
)
def test_schedule_trigger_and_continuous_together(fields: dict[str, Any], field: str) -> None:
    problem = only(job(**fields))
    assert (problem.code, problem.severity) == ("conflicting-triggers", "error")
    assert (problem.task_key, problem.field) == (None, field)


@pytest.mark.parametrize(
    "fields",
    [
        {"continuous": {"pause_status": "PAUSED"}},
        {"trigger": {"file_arrival": {"url": "/Volumes/c/s/v/"}}},
        {"triggers": [{"periodic": {"interval": 2, "unit": "HOURS"}}]},
        {"schedule": None, "continuous": {}},
        {"triggers": [], "continuous": {}},
    ],
)
def test_one_kind_of_trigger(fields: dict[str, Any]) -> None:
    clean(job(**fields))


def test_trigger_with_several_types() -> None:
    trigger = {"periodic": {"interval": 1, "unit": "HOURS"}, "file_arrival": {"url": "/x/"}}
    problem = only(job(trigger=trigger))
    assert (problem.code, problem.severity) == ("several-trigger-types", "error")
    assert (problem.task_key, problem.field) == (None, "trigger.file_arrival")


def test_triggers_entry_with_several_types() -> None:
    entry = {"schedule": DAILY, "table_update": {"table_names": ["c.s.t"]}}
    problem = only(job(triggers=[entry]))
    assert problem.code == "several-trigger-types"
    assert problem.field == "triggers[0].table_update"


@pytest.mark.parametrize(
    ("schedule", "code", "field"),
    [
        ({"timezone_id": "UTC"}, "invalid-cron-expression", "schedule.quartz_cron_expression"),
        (
            {"quartz_cron_expression": 5, "timezone_id": "UTC"},
            "invalid-cron-expression",
            "schedule.quartz_cron_expression",
        ),
        ({"quartz_cron_expression": "${var.cron}"}, "invalid-timezone", "schedule.timezone_id"),
    ],
)
def test_schedule_without_an_expression_or_a_time_zone(
    schedule: dict[str, Any], code: str, field: str
) -> None:
    problem = only(job(schedule=schedule))
    assert (problem.code, problem.severity, problem.task_key, problem.field) == (
        code,
        "error",
        None,
        field,
    )


def test_schedule_from_a_bundle_is_not_judged() -> None:
    clean(job(schedule={"quartz_cron_expression": "${var.cron}", "timezone_id": "${var.tz}"}))


# These need the Quartz engine (loom_jobs_widget.schedule), written alongside this one.


def quartz() -> Any:
    return pytest.importorskip("loom_jobs_widget.schedule")


@pytest.mark.parametrize("where", ["schedule", "triggers"])
def test_invalid_quartz_expression(where: str) -> None:
    schedule = quartz()
    expression = "0 30 2,7,11,15 * * *"  # Unix habit: both day fields set
    with pytest.raises(schedule.CronError) as raised:
        schedule.next_fire_times(expression, "UTC", datetime.now(timezone.utc), count=1)
    cron = {"quartz_cron_expression": expression, "timezone_id": "Europe/Paris"}
    document = job(schedule=cron) if where == "schedule" else job(triggers=[{"schedule": cron}])
    problem = only(document)
    prefix = "schedule" if where == "schedule" else "triggers[0].schedule"
    assert (problem.code, problem.severity) == ("invalid-cron-expression", "error")
    assert (problem.task_key, problem.field) == (None, f"{prefix}.quartz_cron_expression")
    assert str(raised.value) in problem.message


def test_unknown_time_zone() -> None:
    quartz()
    problem = only(
        job(schedule={"quartz_cron_expression": "0 0 3 * * ?", "timezone_id": "Mars/Olympus"})
    )
    assert (problem.code, problem.severity) == ("invalid-timezone", "error")
    assert (problem.task_key, problem.field) == (None, "schedule.timezone_id")


def test_unknown_time_zone_without_an_expression() -> None:
    quartz()
    problems = check(job(schedule={"timezone_id": "Mars/Olympus"}))
    assert [(p.code, p.field) for p in problems] == [
        ("invalid-cron-expression", "schedule.quartz_cron_expression"),
        ("invalid-timezone", "schedule.timezone_id"),
    ]


@pytest.mark.parametrize(
    ("expression", "zone"),
    [
        ("0 0 3 * * ?", "UTC"),
        ("0 15 22 ? * *", "America/Los_Angeles"),
        ("20 30 * * * ?", "Europe/London"),
        ("0 0 12 ? * MON-FRI 2030", "Asia/Kolkata"),
        ("0 0/5 * * * ?", "US/Pacific"),  # an alias Java accepts
    ],
)
def test_valid_quartz_schedules(expression: str, zone: str) -> None:
    quartz()
    clean(job(schedule={"quartz_cron_expression": expression, "timezone_id": zone}))


# --- trigger settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "field"),
    [
        ({"periodic": {"interval": 0, "unit": "HOURS"}}, "trigger.periodic.interval"),
        ({"periodic": {"interval": 2, "unit": "FORTNIGHTS"}}, "trigger.periodic.unit"),
        ({"file_arrival": {"url": ""}}, "trigger.file_arrival.url"),
        ({"file_arrival": {"url": "/Volumes/a/b/c/", "wait_after_last_change_seconds": 30}},
         "trigger.file_arrival.wait_after_last_change_seconds"),
        ({"table_update": {"table_names": []}}, "trigger.table_update.table_names"),
        ({"table_update": {"table_names": ["a.b.c"], "min_time_between_triggers_seconds": 59}},
         "trigger.table_update.min_time_between_triggers_seconds"),
    ],
)  # fmt: skip
def test_trigger_fields(trigger: dict[str, Any], field: str) -> None:
    problem = only(job(task("a"), trigger=trigger))
    assert (problem.code, problem.field) == ("trigger-field", field)


def test_trigger_fields_given() -> None:
    clean(job(task("a"), trigger={"periodic": {"interval": 1, "unit": "WEEKS"}}))
    floor = {"min_time_between_triggers_seconds": 60}
    clean(job(task("a"), trigger={"file_arrival": {"url": "/Volumes/a/b/c/", **floor}}))
    unset = {"min_time_between_triggers_seconds": 0}
    clean(job(task("a"), trigger={"table_update": {"table_names": ["a.b.c"], **unset}}))
