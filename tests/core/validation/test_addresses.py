"""The addresses a job mails: what is not an email address is a warning at its field, naming the
task, the field and the address; real addresses of every shape pass, references are not judged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import TaskChecker, field_path, validate

from .helpers import check, clean, for_each, job, only, task

EVENTS = (
    "on_start",
    "on_success",
    "on_failure",
    "on_duration_warning_threshold_exceeded",
    "on_streaming_backlog_exceeded",
)

VALID = [
    "user@example.com",
    "first.last+etl-alerts@mail.eu.example.co.uk",
    "o'brien_99@example.io",
    "用户@例子.广告",  # internationalized local part and domain
    "josé@bücher.de",
    "a@b.c",
    "ALL.CAPS@EXAMPLE.COM",
    "{{job.parameters.owner}}",  # references are not judged
    "${var.alert_email}",
    "${workspace.current_user.userName}",
]
INVALID = [
    "abc",
    "<script>alert(1)</script>",
    "<script>@example.com",
    "user@",
    "@example.com",
    "user@localhost",
    "user@@example.com",
    "user@example..com",
    "user@example.com.",
    "two words@example.com",
    "a@b.com, c@d.com",
    "Name <user@example.com>",
    "",
    " user@example.com",
]


@pytest.mark.parametrize("event", EVENTS)
def test_not_an_address_on_the_job_is_a_warning_at_its_field(event: str) -> None:
    problem = only(job(task("a"), email_notifications={event: ["ok@example.com", "abc"]}))
    assert (problem.code, problem.severity) == ("not-an-email-address", "warning")
    assert (problem.task_key, problem.field) == (None, f"email_notifications.{event}[1]")
    assert problem.message == (
        f"The job has 'abc' in email_notifications.{event}, which is not an email address: "
        "no mail would reach it."
    )
    assert field_path(problem.field) == ["email_notifications", event, 1]


@pytest.mark.parametrize("event", EVENTS)
def test_not_an_address_on_a_task_names_the_task(event: str) -> None:
    problem = only(job(task("etl", email_notifications={event: ["<script>alert(1)</script>"]})))
    assert (problem.code, problem.severity) == ("not-an-email-address", "warning")
    assert (problem.task_key, problem.field) == (
        "etl",
        f"tasks[etl].email_notifications.{event}[0]",
    )
    assert problem.message == (
        f"Task 'etl' has '<script>alert(1)</script>' in email_notifications.{event}, which is "
        "not an email address: no mail would reach it."
    )


def test_a_nested_task_is_checked_too() -> None:
    nested = task("inner", email_notifications={"on_failure": ["nope"]})
    problem = only(job(for_each("loop", nested)))
    assert problem.task_key == "loop"
    assert problem.field == "tasks[loop].for_each_task.task.email_notifications.on_failure[0]"
    assert problem.message.startswith(
        "Task 'inner' (nested in for_each task 'loop') has 'nope' in email_notifications.on_failure"
    )


@pytest.mark.parametrize("address", VALID)
def test_addresses_of_every_shape_pass(address: str) -> None:
    clean(
        job(
            task("a", email_notifications={event: [address] for event in EVENTS}),
            email_notifications={"on_failure": [address], "no_alert_for_skipped_runs": True},
        )
    )


@pytest.mark.parametrize("address", INVALID)
def test_what_is_not_an_address_is_found(address: str) -> None:
    problem = only(job(task("a"), email_notifications={"on_success": [address]}))
    assert problem.code == "not-an-email-address"


@pytest.mark.parametrize(
    ("value", "shown"), [(5, "5"), (None, "null"), ({"to": "x"}, '{"to": "x"}')]
)
def test_an_entry_that_is_no_text_is_not_an_address(value: Any, shown: str) -> None:
    problem = only(job(task("a"), email_notifications={"on_start": [value]}))
    assert problem.message.startswith(f"The job has {shown} in email_notifications.on_start,")


def test_a_long_address_is_cut_short_in_the_message() -> None:
    problem = only(job(task("a"), email_notifications={"on_start": ["x" * 500]}))
    assert len(problem.message) < 200 and "…" in problem.message


@pytest.mark.parametrize(
    ("task_type", "spec", "field"),
    [
        ("sql_task", {"warehouse_id": "w", "alert": {"alert_id": "1", "subscriptions": [
            {"destination_id": "d"}, {"user_name": "bob"}]}},
         "sql_task.alert.subscriptions[1].user_name"),
        ("sql_task", {"warehouse_id": "w", "dashboard": {"dashboard_id": "1", "subscriptions": [
            {"user_name": "bob"}]}},
         "sql_task.dashboard.subscriptions[0].user_name"),
        ("dashboard_task", {"dashboard_id": "1", "subscription": {"subscribers": [
            {"user_name": "bob"}]}},
         "dashboard_task.subscription.subscribers[0].user_name"),
    ],
)  # fmt: skip
def test_subscribers_of_alerts_and_dashboards(
    task_type: str, spec: dict[str, Any], field: str
) -> None:
    problems = [p for p in check(job(task("s", **{task_type: spec}))) if p.code.endswith("address")]
    assert [(p.code, p.field) for p in problems] == [("not-an-email-address", f"tasks[s].{field}")]
    assert problems[0].message == (
        f"Task 's' has 'bob' in {field}, which is not an email address: no mail would reach it."
    )
    real = json.loads(json.dumps(spec).replace('"bob"', '"bob@example.com"'))
    fixed = job(task("s", **{task_type: real}))
    assert [p for p in check(fixed) if p.code.endswith("address")] == []


def test_the_editors_one_task_check_finds_it_too() -> None:
    settings = JobSettings.from_api(
        job(task("a"), task("b", email_notifications={"on_failure": ["abc"]}))
    )
    b = settings.task("b")
    assert b is not None
    expected = [p for p in validate(settings) if p.task_key == "b"]
    assert [p.code for p in expected] == ["not-an-email-address"]
    assert TaskChecker(settings).check(b) == expected
