"""The editor's job-level tabs without a browser: the `job` message, trigger and pause
edits, the job cluster swap, the schedule previews, and permissions loaded, edited, reviewed
and saved through the real SDK to the local workspace."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import field_path
from loom_jobs_widget.editor import EditorSession
from loom_jobs_widget.editor.tabs import deployment_warning, job_message
from loom_jobs_widget.schedule import next_fire_times

from .test_editor import View

JOB: dict[str, Any] = {
    "name": "tabs",
    "schedule": {"quartz_cron_expression": "0 30 2 * * ?", "timezone_id": "America/New_York",
                 "pause_status": "UNPAUSED", "x_schedule_extra": 1},
    "job_clusters": [
        {"job_cluster_key": "small", "new_cluster": {"spark_version": "15.4.x-scala2.12",
                                                     "num_workers": 1}},
        {"job_cluster_key": "large", "new_cluster": {"spark_version": "15.4.x-scala2.12",
                                                     "num_workers": 8}},
    ],
    "tasks": [
        {"task_key": "a", "notebook_task": {"notebook_path": "/a"}, "job_cluster_key": "small"},
        {"task_key": "b", "depends_on": [{"task_key": "a"}], "job_cluster_key": "small",
         "notebook_task": {"notebook_path": "/b"}},
        {"task_key": "c", "depends_on": [{"task_key": "a"}], "job_cluster_key": "large",
         "notebook_task": {"notebook_path": "/c"}},
    ],
}  # fmt: skip


@pytest.fixture
def view() -> View:
    return View()


@pytest.fixture
def make(view: View, ws: Workspace) -> Callable[..., EditorSession]:
    def make(settings: dict[str, Any] | None = None, job: Any = None) -> EditorSession:
        return EditorSession(
            JobSettings.from_api(settings if settings is not None else JOB),
            job=job,
            send=view.send,
            on_state=view.on_state,
            workspace=lambda: ws,
        )

    return make


def edit(session: EditorSession, **op: Any) -> None:
    session.handle({"kind": "edit", **op})


def test_the_job_message(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    session.handle({"kind": "job"})
    job = view.one("job")
    assert "tasks" not in job["settings"]
    assert job["settings"]["schedule"]["x_schedule_extra"] == 1
    assert job["trigger"]["kind"] == "scheduled"
    assert job["trigger"]["pause_status"] == "UNPAUSED"
    assert job["task_keys"] == ["a", "b", "c"]
    assert job["job_clusters_in_use"] == {"small": ["a", "b"], "large": ["c"]}
    assert job["environments_in_use"] == {}
    assert job["task_notifications"] == {}
    assert job == job_message(session.settings)


def test_trigger_kind_and_pause_are_undoable_edits(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "job"})
    view.take()
    edit(session, op="set_pause_status", status="PAUSED")
    assert view.one("job")["trigger"]["pause_status"] == "PAUSED"
    edit(session, op="set_trigger_kind", trigger_kind="periodic", timezone_id="Europe/Paris")
    job = view.one("job")
    assert job["trigger"]["kind"] == "periodic"
    assert job["trigger"]["pause_status"] == "PAUSED"  # switching kinds never starts runs
    assert "schedule" not in job["settings"]
    assert view.state is not None and view.state.undo_label == "make the trigger periodic"
    session.undo()
    restored = view.take("job")[-1]["settings"]["schedule"]
    assert restored["x_schedule_extra"] == 1 and restored["pause_status"] == "PAUSED"
    edit(session, op="set_trigger_kind", trigger_kind="sometimes")
    assert "sometimes" in view.one("edit_error")["message"]


def test_typing_in_a_job_field_is_not_echoed(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "job"})
    view.take()
    edit(session, op="set_job_field", path=["schedule", "quartz_cron_expression"], value="0 0 25")
    kinds = [m["kind"] for m in view.take()]
    assert "job" not in kinds and "problems" in kinds
    problems = session._job_problems()
    assert problems[0]["path"] == ["schedule", "quartz_cron_expression"]
    assert "0 0 25" in problems[0]["message"]


def test_swap_job_cluster(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    session.handle({"kind": "job"})
    edit(session, op="swap_job_cluster", **{"from": "small", "to": "large"})
    assert view.take("job")[-1]["job_clusters_in_use"] == {"large": ["a", "b", "c"]}
    graph = {t["task_key"]: t.get("job_cluster_key") for t in session.settings.to_api()["tasks"]}
    assert graph == {"a": "large", "b": "large", "c": "large"}
    edit(session, op="swap_job_cluster", **{"from": "large", "to": "huge"})
    assert "huge" in view.one("edit_error")["message"]


def test_schedule_previews(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    session.handle({"kind": "schedule_preview", "request_id": 4, "quartz_cron_expression":
                    "0 30 2 * * ?", "timezone_id": "America/New_York",
                    "viewer_timezone": "Europe/Paris", "count": 5})  # fmt: skip
    reply = view.one("schedule_preview")
    assert reply["request_id"] == 4
    shown = reply["preview"]
    times = [datetime.fromisoformat(t["utc"].replace("Z", "+00:00")) for t in shown["fire_times"]]
    # The same fire times as the schedule engine's, from the first one on.
    assert times == next_fire_times("0 30 2 * * ?", "America/New_York", count=5,
                                    after=times[0] - timedelta(seconds=1))  # fmt: skip
    assert all("T02:30:00" in t["job_time"] for t in shown["fire_times"])
    assert shown["viewer_timezone"] == "Europe/Paris"
    # From a chosen instant: the fire times after it, as the schedule engine gives them.
    session.handle({"kind": "schedule_preview", "request_id": 41, "quartz_cron_expression":
                    "0 30 2 * * ?", "timezone_id": "America/New_York",
                    "start": "2027-03-12T00:00:00Z", "count": 3})  # fmt: skip
    dst = view.one("schedule_preview")["preview"]
    assert [t["utc"] for t in dst["fire_times"]] == [
        "2027-03-12T07:30:00Z", "2027-03-13T07:30:00Z", "2027-03-15T06:30:00Z",
    ]  # fmt: skip
    assert any(w["kind"] == "skipped" and w["date"] == "2027-03-14" for w in dst["warnings"])
    session.handle({"kind": "simple_schedule", "request_id": 5,
                    "simple": {"every": 1, "unit": "days", "hour": 6, "minute": 15,
                               "weekdays": []}})  # fmt: skip
    assert view.one("simple_schedule")["expression"].startswith("0 15 6")
    session.handle({"kind": "simple_schedule", "request_id": 6,
                    "simple": {"every": 7, "unit": "hours", "hour": 0, "minute": 0,
                               "weekdays": []}})  # fmt: skip
    assert view.one("simple_schedule")["error"]
    session.handle({"kind": "from_unix", "request_id": 7, "expression": "30 2 * * 1-5"})
    assert view.one("from_unix")["expression"] == "0 30 2 ? * MON-FRI"
    session.handle({"kind": "from_unix", "request_id": 8, "expression": "every day"})
    assert view.one("from_unix")["error"]
    session.handle({"kind": "time_zones", "request_id": 9})
    zones = {z["id"] for z in view.one("time_zones")["zones"]}
    assert {"America/New_York", "Asia/Kolkata", "UTC"} <= zones


def test_settings_paths() -> None:
    assert field_path("schedule.quartz_cron_expression") == [
        "schedule", "quartz_cron_expression",
    ]  # fmt: skip
    assert field_path("parameters[2].name") == ["parameters", 2, "name"]
    assert field_path('tags["a b"]') == ["tags", "a b"]
    assert field_path(None) is None


@pytest.fixture
def saved(ws: Workspace) -> Iterator[int]:
    job_id = int(ws.jobs.create(JOB).job_id)  # type: ignore[arg-type]
    yield job_id
    ws.jobs.delete(job_id)


def test_permissions_are_edited_reviewed_and_saved_with_the_job(
    make: Callable[..., EditorSession], view: View, ws: Workspace, saved: int
) -> None:
    session = make(job=ws.jobs.get(saved))
    session.handle({"kind": "permissions"})
    message = view.one("permissions")
    assert message["loaded"] is not None and not message.get("error")
    owner = [g for g in message["grants"] if g["level"] == "IS_OWNER"]
    assert [g["name"] for g in owner] == [ws.user_name]
    assert message["levels"]["group_name"] == ["CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"]

    # A group as owner is refused, at its row.
    bad = [*message["grants"], {"kind": "group_name", "name": "analysts", "level": "IS_OWNER",
                                "inherited": False, "inherited_from": [], "display_name": None}]
    session.handle({"kind": "set_grants", "grants": bad})
    problems = view.one("permissions")["problems"]
    assert problems and problems[0]["path"][0] == "access_control_list"
    assert any("analysts" in p["message"] for p in problems)

    good = [*message["grants"], {"kind": "group_name", "name": "analysts", "level": "CAN_VIEW",
                                 "inherited": False, "inherited_from": [], "display_name": None}]
    session.handle({"kind": "set_grants", "grants": good})
    assert view.one("permissions")["problems"] == []
    assert view.state is not None and view.state.dirty
    session.handle({"kind": "review"})
    review = view.one("review")
    assert any(c["text"] == "Permissions: group analysts gets CAN_VIEW" for c in review["changes"])
    session.handle({"kind": "save"})
    view.one("saved")
    assert not view.state.dirty
    acl = ws.permissions.get_permissions(saved)
    groups = {
        entry["group_name"]: [p["permission_level"] for p in entry["all_permissions"]]
        for entry in acl["access_control_list"]
        if "group_name" in entry
    }
    assert groups["analysts"] == ["CAN_VIEW"]
    assert json.dumps(acl).count(ws.user_name or "?") >= 1


def test_the_job_tab_follows_undo_and_a_new_view(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "job"})
    view.take()
    edit(session, op="set_job_field", path=["name"], value="typed")
    assert view.take("job") == []  # the tab shows what was typed
    session.undo()
    assert view.one("job")["settings"]["name"] == "tabs"
    session.handle({"kind": "job"})  # a second view (or a reload) asks again
    assert view.one("job")["settings"]["name"] == "tabs"


def test_a_job_deployed_by_a_bundle_is_flagged_before_editing(
    make: Callable[..., EditorSession], view: View
) -> None:
    assert deployment_warning({}) is None and deployment_warning({"edit_mode": "EDITABLE"}) is None
    assert "export this job as YAML" in (deployment_warning({"edit_mode": "UI_LOCKED"}) or "")
    session = make({**JOB, "deployment": {"kind": "BUNDLE", "metadata_file_path": "/x"}})
    assert view.state is not None
    assert "databricks bundle deploy" in view.state.status["text"]  # before any edit
    session.handle({"kind": "job"})
    assert "databricks bundle deploy" in view.one("job")["deployment_warning"]
