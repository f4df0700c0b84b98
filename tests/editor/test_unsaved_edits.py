"""Unsaved edits are never dropped without asking: loading another job, closing the editor or
replacing it from the jobs browser asks first (save / discard / keep editing), and a trigger's
settings survive switching its kind away and back. Through the real SDK to the local workspace."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from loom_jobs_widget.browser import JobsBrowser
from loom_jobs_widget.client import Workspace
from loom_jobs_widget.editor import EditorSession, JobEditor
from loom_jobs_widget.editor.session import UnsavedChangesError

from .test_editor import ETL, View


def _create(ws: Workspace, name: str) -> int:
    settings = copy.deepcopy(ETL)
    settings["name"] = name
    answer = ws.client.api_client.do("POST", "/api/2.2/jobs/create", body=settings)
    assert isinstance(answer, dict)
    return int(answer["job_id"])


@pytest.fixture
def two_jobs(ws: Workspace) -> Iterator[tuple[int, int]]:
    first, second = _create(ws, "first job"), _create(ws, "second job")
    yield first, second
    for job_id in (first, second):
        ws.jobs.delete(job_id)


def _rename(editor: JobEditor, name: str) -> None:
    editor._session.apply("set_job_field", {"path": ["name"], "value": name})


def test_load_refuses_to_drop_edits_unless_told(ws: Workspace, two_jobs: tuple[int, int]) -> None:
    first, second = two_jobs
    editor = JobEditor(first, ws)
    assert not editor.unsaved
    _rename(editor, "renamed")
    assert editor.unsaved and editor.dirty
    with pytest.raises(UnsavedChangesError, match=rf"Job {first} \(renamed\) has unsaved changes"):
        editor.load(second)
    assert editor.job_id == first and editor.title == "renamed"
    with pytest.raises(UnsavedChangesError, match="to close the editor"):
        editor.close()
    editor.load(second, discard=True)
    assert editor.job_id == second and editor.title == "second job" and not editor.dirty
    # The first job was not written.
    assert ws.jobs.get(first).settings.name == "first job"  # type: ignore[union-attr]
    editor.close()


def test_the_view_asks_and_acts_on_the_answer(ws: Workspace, two_jobs: tuple[int, int]) -> None:
    first, _ = two_jobs
    view = View()
    job = ws.jobs.get(first)
    assert job.settings is not None
    session = EditorSession(job.settings, job=job, send=view.send, on_state=view.on_state,
                            workspace=lambda: ws)  # fmt: skip
    done: list[str] = []
    assert session.ask_before("open job 9", lambda: done.append("clean"))
    assert done == ["clean"] and not view.take("unsaved_changes")

    session.apply("set_job_field", {"path": ["name"], "value": "renamed"})
    assert not session.ask_before("open job 9", lambda: done.append("after"))
    asked = view.one("unsaved_changes")
    assert asked["what"] == "open job 9"
    assert asked["message"] == (f"Job {first} (renamed) has unsaved changes: save or discard "
                                "them to open job 9?")  # fmt: skip
    session.handle({"kind": "unsaved_answer", "choice": "keep"})
    assert done == ["clean"] and session.unsaved
    assert view.state is not None
    assert view.state.status["text"] == "Kept editing: did not open job 9."

    session.ask_before("open job 9", lambda: done.append("after save"))
    session.handle({"kind": "unsaved_answer", "choice": "save"})
    assert done == ["clean", "after save"] and not session.unsaved
    assert ws.jobs.get(first).settings.name == "renamed"  # type: ignore[union-attr]

    session.apply("set_job_field", {"path": ["name"], "value": "again"})
    session.ask_before("open job 9", lambda: done.append("after discard"))
    session.handle({"kind": "unsaved_answer", "choice": "discard"})
    assert done[-1] == "after discard" and session.settings.name == "renamed"
    assert not session.unsaved and session.history.can_undo  # the discard can be undone
    # A second answer (another view of the same editor) does nothing.
    session.handle({"kind": "unsaved_answer", "choice": "discard"})
    assert done == ["clean", "after save", "after discard"]


def test_the_browser_asks_before_replacing_an_edited_job(
    ws: Workspace, two_jobs: tuple[int, int]
) -> None:
    first, second = two_jobs
    browser = JobsBrowser(ws)
    sent: list[dict[str, Any]] = []
    browser._session._send = sent.append  # type: ignore[assignment]
    browser._session.handle({"kind": "action", "request_id": 1, "action": "open",
                             "job_id": first})  # fmt: skip
    editor = browser.editor
    assert editor is not None and editor.job_id == first
    editor_sent: list[dict[str, Any]] = []
    editor._session._send = editor_sent.append  # type: ignore[assignment]
    _rename(editor, "renamed")

    browser._session.handle({"kind": "action", "request_id": 2, "action": "open",
                             "job_id": second})  # fmt: skip
    assert browser.editor is editor and editor.title == "renamed"
    assert sent[-1]["kind"] == "action_done"
    assert "has unsaved changes" in sent[-1]["text"]
    assert [m["kind"] for m in editor_sent if m["kind"] == "unsaved_changes"] == ["unsaved_changes"]

    editor._session.handle({"kind": "unsaved_answer", "choice": "keep"})
    assert browser.editor is editor and editor.title == "renamed"

    browser._session.handle({"kind": "action", "request_id": 3, "action": "open",
                             "job_id": second})  # fmt: skip
    editor._session.handle({"kind": "unsaved_answer", "choice": "discard"})
    assert browser.editor is not None and browser.editor.job_id == second
    assert sent[-1]["text"] == f"Job {second} is open in the editor below."
    assert ws.jobs.get(first).settings.name == "first job"  # type: ignore[union-attr]
    browser.editor.close()
    browser.close()


def test_the_browser_asks_for_an_editor_opened_from_python(
    ws: Workspace, two_jobs: tuple[int, int]
) -> None:
    first, second = two_jobs
    browser = JobsBrowser(ws)
    sent: list[dict[str, Any]] = []
    browser._session._send = sent.append  # type: ignore[assignment]
    editor = browser.open(first)
    editor_sent: list[dict[str, Any]] = []
    editor._session._send = editor_sent.append  # type: ignore[assignment]
    _rename(editor, "renamed")
    browser._session.handle({"kind": "action", "request_id": 1, "action": "open",
                             "job_id": second})  # fmt: skip
    assert browser.editor is editor and editor.title == "renamed"
    # The editor's view asks (not an error refusing the action), and the answer opens the job.
    assert [m["kind"] for m in editor_sent if m["kind"] == "unsaved_changes"] == ["unsaved_changes"]
    editor._session.handle({"kind": "unsaved_answer", "choice": "discard"})
    assert browser.editor is not None and browser.editor.job_id == second
    browser.editor.close()
    browser.close()


def test_a_trigger_kind_keeps_what_was_typed_until_save(
    ws: Workspace, two_jobs: tuple[int, int]
) -> None:
    first, _ = two_jobs
    editor = JobEditor(first, ws)
    session = editor._session
    session.apply("set_trigger_kind", {"trigger_kind": "scheduled"})
    session.apply("set_job_field", {"path": ["schedule"], "value": {
        "quartz_cron_expression": "0 30 6 ? * MON-FRI", "timezone_id": "Europe/Paris",
        "pause_status": "UNPAUSED"}})  # fmt: skip
    session.apply("set_trigger_kind", {"trigger_kind": "periodic"})
    assert editor.settings.schedule is None
    session.apply("set_job_field", {"path": ["trigger", "periodic", "interval"], "value": 6})
    session.apply("set_trigger_kind", {"trigger_kind": "scheduled"})
    schedule = editor.settings.to_api()["schedule"]
    assert schedule["quartz_cron_expression"] == "0 30 6 ? * MON-FRI"
    assert schedule["timezone_id"] == "Europe/Paris"
    session.apply("set_trigger_kind", {"trigger_kind": "periodic"})
    assert editor.settings.to_api()["trigger"]["periodic"]["interval"] == 6
    # Undo goes back through the switches one by one.
    editor.undo()
    assert editor.settings.to_api()["schedule"]["timezone_id"] == "Europe/Paris"
    # After a save, a kind starts from its defaults again.
    editor.save()
    session.apply("set_trigger_kind", {"trigger_kind": "periodic"})
    assert editor.settings.to_api()["trigger"]["periodic"]["interval"] != 6
    editor.close(discard=True)
