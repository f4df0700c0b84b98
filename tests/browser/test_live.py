"""The jobs browser keeps its rows live (`browser.live`): a row whose run is active follows the
run until it ends; jobs created, saved, renamed, paused or deleted elsewhere in this kernel
reach the list and its status line at once; events of another workspace and the browser's own
are ignored; a hidden or closed browser stops reading. Against a local workspace of its own
(an empty query then shows exactly this module's jobs), through the real SDK."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.browser import BrowserSession, BrowserState
from loom_jobs_widget.browser.live import FIRST_POLL
from loom_jobs_widget.client import Workspace, connect
from loom_jobs_widget.client.events import EVENTS, JobEvent

CHECK = {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}
SCHEDULE = {"quartz_cron_expression": "0 15 10 ? * MON-FRI", "timezone_id": "UTC",
            "pause_status": "UNPAUSED"}  # fmt: skip


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    workspace = connect("local", data_dir=Path(tmp_path_factory.mktemp("loom-live")))
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture(scope="module")
def slow(own: Workspace) -> dict[str, Any]:
    """A task that runs for a second: its run is seen running first."""
    own.client.workspace.mkdirs("/Workspace/Shared/live")
    own.client.workspace.upload("/Workspace/Shared/live/sleep.py", b"import time\ntime.sleep(1)\n",
                                format=ImportFormat.AUTO, overwrite=True)  # fmt: skip
    return {"task_key": "sleep",
            "spark_python_task": {"python_file": "/Workspace/Shared/live/sleep.py"}}  # fmt: skip


class Recorder:
    def __init__(self, ws: Workspace) -> None:
        self.sent: list[dict[str, Any]] = []
        self.states: list[BrowserState] = []
        self.session = BrowserSession(
            send=self.sent.append,
            on_state=self.states.append,
            workspace=lambda: ws,
            open_editor=lambda job_id: None,
        )
        self.session.handle({"kind": "ready", "request_id": 1})

    def wait_for(self, what: str, test: Callable[[], bool], timeout: float = 15.0) -> float:
        """Seconds until `test()` holds."""
        start = time.monotonic()
        while not test():
            if time.monotonic() - start > timeout:
                raise AssertionError(f"{what}: not within {timeout} s; sent {self.sent[-3:]}")
            time.sleep(0.02)
        return time.monotonic() - start

    def row(self, job_id: int) -> dict[str, Any] | None:
        return next((row for row in self.session.rows if row["job_id"] == job_id), None)

    @property
    def status(self) -> str:
        return str(self.states[-1].status["text"])


@pytest.fixture
def rec(own: Workspace) -> Iterator[Recorder]:
    recorder = Recorder(own)
    yield recorder
    recorder.session.close()


def test_a_run_started_from_the_row_shows_its_end_then_polling_stops(
    own: Workspace, rec: Recorder, slow: dict[str, Any]
) -> None:
    job_id = int(own.jobs.create({"name": "run me", "tasks": [slow]}).job_id)  # type: ignore[arg-type]
    rec.wait_for("the created job's row", lambda: rec.row(job_id) is not None)
    rec.session.handle({"kind": "action", "request_id": 2, "action": "run_now", "job_id": job_id})
    done = next(m for m in rec.sent if m["kind"] == "action_done")
    run_id = done["run_id"]
    assert done["row"]["last_run"]["state"] in ("running", "pending")
    assert rec.session.live.polling
    rec.wait_for(
        "the row showing the run's end",
        lambda: any(m["kind"] == "rows" and m["rows"][0]["last_run"]["state"] == "succeeded"
                    and m["rows"][0]["last_run"]["run_id"] == run_id for m in rec.sent),
    )  # fmt: skip
    end_time = own.runs.get_run(run_id)["end_time"] / 1000
    print(f"the row showed the run's end {time.time() - end_time:.2f} s after the workspace")
    row = rec.row(job_id)
    assert row is not None and row["last_run"] is not None
    assert row["last_run"]["label"] == "Succeeded"
    rec.wait_for("polling to stop", lambda: not rec.session.live.polling, timeout=5)
    sent = len(rec.sent)
    time.sleep(3 * FIRST_POLL)
    assert len(rec.sent) == sent  # nothing read, nothing sent once no run is active


def test_created_saved_paused_and_deleted_elsewhere_reach_the_list(
    own: Workspace, rec: Recorder
) -> None:
    editor = object()  # who saves: an editor of this kernel
    job = own.jobs.create({"name": "made elsewhere", "tasks": [CHECK], "schedule": SCHEDULE},
                          source=editor)  # fmt: skip
    job_id = int(job.job_id)  # type: ignore[arg-type]
    rec.wait_for("the new row", lambda: rec.row(job_id) is not None)
    assert rec.sent[-1]["kind"] == "page"
    created = f'Created job {job_id} ("made elsewhere").'
    rec.wait_for("the status line", lambda: rec.status == created)

    job.settings.name = "renamed elsewhere"  # type: ignore[union-attr]
    job.settings.schedule.pause_status = "PAUSED"  # type: ignore[union-attr]
    own.jobs.save(job, source=editor)
    rec.wait_for("the renamed, paused row",
                 lambda: (row := rec.row(job_id)) is not None and row["name"] == "renamed elsewhere"
                 and row["trigger"]["paused"])  # fmt: skip
    assert any(m["kind"] == "rows" for m in rec.sent)
    assert rec.status == f'Saved job {job_id} ("renamed elsewhere").'

    own.jobs.delete(job_id)
    rec.wait_for("the row gone", lambda: rec.row(job_id) is None)
    deleted = f'Job {job_id} ("renamed elsewhere") was deleted.'
    rec.wait_for("the status line", lambda: rec.status == deleted)


def test_events_of_another_workspace_and_its_own_are_ignored(
    own: Workspace, rec: Recorder
) -> None:
    job_id = int(own.jobs.create({"name": "mine", "tasks": [CHECK]}).job_id)  # type: ignore[arg-type]
    rec.wait_for("the row", lambda: rec.row(job_id) is not None)
    time.sleep(0.3)
    sent = len(rec.sent)
    EVENTS.publish(JobEvent("created", "https://elsewhere.cloud.databricks.com", 424242))
    EVENTS.publish(JobEvent("deleted", own.host, job_id, source=rec.session))
    time.sleep(0.5)
    assert len(rec.sent) == sent
    assert rec.row(job_id) is not None


def test_hidden_or_closed_it_stops_following(
    own: Workspace, rec: Recorder, slow: dict[str, Any]
) -> None:
    job_id = int(own.jobs.create({"name": "hidden", "tasks": [slow]}).job_id)  # type: ignore[arg-type]
    rec.wait_for("the row", lambda: rec.row(job_id) is not None)
    rec.session.handle({"kind": "visibility", "view_id": "v1", "visible": False})
    rec.session.handle({"kind": "action", "request_id": 3, "action": "run_now", "job_id": job_id})
    assert not rec.session.live.polling
    time.sleep(2)  # the run ends meanwhile; a hidden list does not read it
    row = rec.row(job_id)
    assert row is not None and row["last_run"] is not None
    assert row["last_run"]["state"] in ("running", "pending")
    rec.session.handle({"kind": "visibility", "view_id": "v1", "visible": True})
    rec.wait_for("the run's end once seen again",
                 lambda: (row := rec.row(job_id)) is not None and row["last_run"] is not None
                 and row["last_run"]["state"] == "succeeded")  # fmt: skip
    rec.session.close()
    sent = len(rec.sent)
    own.jobs.create({"name": "after close", "tasks": [CHECK]})
    time.sleep(0.5)
    assert len(rec.sent) == sent
