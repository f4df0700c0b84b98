"""Notifications: destinations through the SDK, webhooks POSTed to a receiver the test runs,
emails in the outbox (`GET /api/2.0/loom/outbox`, ours), and the rules on what is sent."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, NotFound
from databricks.sdk.service import settings

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import create_job, python_task, run_now, wait_for, wait_run, write


class Receiver:
    """A webhook endpoint on 127.0.0.1 that keeps what it is sent."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        received = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received.posts.append(json.loads(self.rfile.read(length)))
                received.headers.append(dict(self.headers))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def events(self, job_id: int) -> list[str]:
        return [post["event_type"] for post in self.posts if post["job"]["job_id"] == job_id]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def webhook(w: WorkspaceClient, url: str, **extra: Any) -> str:
    created = w.notification_destinations.create(
        display_name=f"hook {uuid.uuid4().hex[:6]}",
        config=settings.Config(generic_webhook=settings.GenericWebhookConfig(url=url, **extra)),
    )
    assert created.id is not None
    return created.id


def outbox(w: WorkspaceClient, job_id: int) -> list[dict[str, Any]]:
    answer = w.api_client.do("GET", "/api/2.0/loom/outbox", query={"limit": 1000})
    return [m for m in answer.get("messages", []) if m["job"]["job_id"] == job_id]


def script(lw: LocalWorkspace, text: str) -> str:
    return write(lw, f"Shared/{uuid.uuid4().hex[:8]}/main.py", text)


def dead_url() -> str:
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"


def test_notification_destinations_crud_through_the_sdk(w: WorkspaceClient) -> None:
    hook = w.notification_destinations.create(
        display_name="ops hook",
        config=settings.Config(
            generic_webhook=settings.GenericWebhookConfig(
                url="https://example.invalid/hook", username="u", password="p"
            )
        ),
    )
    assert hook.id is not None and uuid.UUID(hook.id)
    assert hook.destination_type == settings.DestinationType.WEBHOOK
    # As on a workspace, the url and the credentials are input-only.
    assert hook.config is not None and hook.config.generic_webhook is not None
    assert hook.config.generic_webhook.url is None
    assert hook.config.generic_webhook.url_set and hook.config.generic_webhook.password_set
    mail = w.notification_destinations.create(
        display_name="ops mail",
        config=settings.Config(email=settings.EmailConfig(addresses=["ops@example.com"])),
    )
    assert mail.destination_type == settings.DestinationType.EMAIL
    listed = {item.id: item for item in w.notification_destinations.list(page_size=1)}
    assert listed[hook.id].display_name == "ops hook" and mail.id in listed
    renamed = w.notification_destinations.update(hook.id, display_name="renamed")
    assert renamed.display_name == "renamed"
    assert w.notification_destinations.get(hook.id).display_name == "renamed"
    w.notification_destinations.delete(hook.id)
    with pytest.raises(NotFound):
        w.notification_destinations.get(hook.id)
    with pytest.raises(InvalidParameterValue, match="not supported by the local workspace"):
        w.notification_destinations.create(
            display_name="slack",
            config=settings.Config(slack=settings.SlackConfig(url="https://hooks.example/x")),
        )


def test_start_and_failure_reach_webhooks_and_the_outbox(
    lw: LocalWorkspace, w: WorkspaceClient, receiver: Receiver
) -> None:
    hook = webhook(w, receiver.url)
    failing = python_task(
        "boom",
        script(lw, "raise SystemExit('boom')\n"),
        max_retries=1,
        email_notifications={"on_failure": ["task@example.com"]},
        notification_settings={"alert_on_last_attempt": True},
    )
    job_id = create_job(
        w,
        {
            "name": "notify failure",
            "tasks": [failing],
            "email_notifications": {
                "on_start": ["team@example.com"],
                "on_failure": ["team@example.com"],
            },
            "webhook_notifications": {"on_start": [{"id": hook}], "on_failure": [{"id": hook}]},
        },
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    assert run["state"]["result_state"] == "FAILED"
    wait_for(lambda: len(receiver.events(job_id)) == 2)
    assert receiver.events(job_id) == ["jobs.on_start", "jobs.on_failure"]
    failure = receiver.posts[-1]
    assert failure == {
        "event_type": "jobs.on_failure",
        "workspace_id": lw.workspace_id,
        "job": {"job_id": job_id, "name": "notify failure"},
        "run": {
            "run_id": run_id,
            "run_page_url": run["run_page_url"],
            "trigger": "ONE_TIME",
            "life_cycle_state": "INTERNAL_ERROR",
            "result_state": "FAILED",
            "state_message": run["state"]["state_message"],
        },
    }
    assert receiver.headers[-1]["Content-Type"] == "application/json"
    wait_for(lambda: len(outbox(w, job_id)) == 3)
    mails = outbox(w, job_id)
    assert [(m["event_type"], m["to"]) for m in mails] == [
        ("jobs.on_start", ["team@example.com"]),
        # alert_on_last_attempt: the first attempt's failure is retried, so only the last one.
        ("jobs.on_failure", ["task@example.com"]),
        ("jobs.on_failure", ["team@example.com"]),
    ]
    task_mail = mails[1]
    assert task_mail["task"]["task_key"] == "boom" and task_mail["task"]["attempt_number"] == 1
    assert "boom" in task_mail["subject"] and "failed" in task_mail["subject"]
    assert mails[0]["id"] < mails[1]["id"] < mails[2]["id"]


def test_success_is_sent_and_a_dead_webhook_does_not_hurt_the_run(
    lw: LocalWorkspace, w: WorkspaceClient, receiver: Receiver
) -> None:
    good, dead = webhook(w, receiver.url), webhook(w, dead_url())
    mail = w.notification_destinations.create(
        display_name="mail",
        config=settings.Config(email=settings.EmailConfig(addresses=["dest@example.com"])),
    )
    job_id = create_job(
        w,
        {
            "name": "notify success",
            "tasks": [python_task("ok", script(lw, "print('ok')\n"))],
            "webhook_notifications": {
                "on_success": [{"id": dead}, {"id": good}, {"id": str(mail.id)}]
            },
        },
    )
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["result_state"] == "SUCCESS"
    wait_for(lambda: receiver.events(job_id) == ["jobs.on_success"])
    # An EMAIL destination named in webhook_notifications lands in the outbox too.
    wait_for(lambda: [m["to"] for m in outbox(w, job_id)] == [["dest@example.com"]])


def test_skipped_and_canceled_runs_follow_the_notification_settings(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    job_id = create_job(
        w,
        {
            "name": "notify skip",
            "tasks": [python_task("slow", script(lw, "import time\ntime.sleep(30)\n"))],
            "max_concurrent_runs": 1,
            "queue": {"enabled": False},
            "email_notifications": {"on_failure": ["team@example.com"]},
            "notification_settings": {"no_alert_for_skipped_runs": True},
        },
    )
    first = run_now(w, job_id)
    second = wait_run(w, run_now(w, job_id))
    assert second["state"]["result_state"] == "MAXIMUM_CONCURRENT_RUNS_REACHED"
    w.jobs.cancel_run(first)
    wait_run(w, first)
    wait_for(lambda: len(outbox(w, job_id)) == 1)
    time.sleep(0.2)  # nothing else arrives: the skipped run sent nothing
    (mail,) = outbox(w, job_id)
    assert mail["run"]["run_id"] == first and mail["run"]["result_state"] == "CANCELED"


def test_a_run_over_its_duration_threshold_warns_once(
    lw: LocalWorkspace, w: WorkspaceClient, receiver: Receiver
) -> None:
    hook = webhook(w, receiver.url)
    event = "on_duration_warning_threshold_exceeded"
    job_id = create_job(
        w,
        {
            "name": "notify slow",
            "tasks": [python_task("slow", script(lw, "import time\ntime.sleep(2)\n"))],
            "health": {
                "rules": [{"metric": "RUN_DURATION_SECONDS", "op": "GREATER_THAN", "value": 1}]
            },
            "webhook_notifications": {event: [{"id": hook}]},
            "email_notifications": {event: ["slow@example.com"]},
        },
    )
    run_id = run_now(w, job_id)
    wait_for(lambda: receiver.events(job_id) == [f"jobs.{event}"], timeout=10)
    # It came while the run was still going.
    running = w.api_client.do("GET", "/api/2.2/jobs/runs/get", query={"run_id": run_id})
    assert running["state"]["life_cycle_state"] == "RUNNING"
    assert receiver.posts[-1]["run"]["life_cycle_state"] == "RUNNING"
    wait_run(w, run_id)
    assert [m["event_type"] for m in outbox(w, job_id)] == [f"jobs.{event}"]
    assert receiver.events(job_id) == [f"jobs.{event}"]
