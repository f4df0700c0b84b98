"""The editor's save when someone else writes the job at the same time, through the real SDK to the
local workspace: what the user reads (plain words, never a traceback), what the canvas holds
after it, and that unsaved edits survive. Someone else's write is made at the transport, between
the editor's write and its read-back, or before its save."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.editor import EditorSession

from .test_editor import ETL, View


def stored(ws: Workspace, job_id: int) -> dict[str, Any]:
    answer = ws.client.api_client.do("GET", "/api/2.1/jobs/get", query={"job_id": job_id})
    assert isinstance(answer, dict)
    settings: dict[str, Any] = answer["settings"]
    return settings


@pytest.fixture
def job_id(ws: Workspace) -> Iterator[int]:
    settings = copy.deepcopy(ETL)
    settings["tags"] = {"team": "data"}
    answer = ws.client.api_client.do("POST", "/api/2.2/jobs/create", body=settings)
    assert isinstance(answer, dict)
    yield answer["job_id"]
    ws.jobs.delete(answer["job_id"])


@pytest.fixture
def view() -> View:
    return View()


@pytest.fixture
def session(view: View, ws: Workspace, job_id: int) -> EditorSession:
    job = ws.jobs.get(job_id)
    assert job.settings is not None
    return EditorSession(job.settings, job=job, send=view.send, on_state=view.on_state,
                         workspace=lambda: ws)  # fmt: skip


@pytest.fixture
def after_our_write(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> Callable[[dict[str, Any]], None]:
    """Someone else's jobs/update of these settings, made once, right after the editor's next
    write (before it reads the job back)."""
    do = ws.client.api_client.do
    pending: list[dict[str, Any]] = []

    def write_after(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        answer = do(method, path, *args, **kwargs)
        if method == "POST" and path.endswith("/jobs/update") and pending:
            body = {"job_id": kwargs["body"]["job_id"], "new_settings": pending.pop()}
            do("POST", "/api/2.2/jobs/update", body=body)
        return answer

    monkeypatch.setattr(ws.client.api_client, "do", write_after)
    return pending.append


def edit_tags(session: EditorSession, tags: dict[str, str]) -> None:
    session.handle({"kind": "edit", "op": "set_job_field", "path": ["tags"], "value": tags})


def test_someone_elses_write_to_another_field_is_taken_in(
    session: EditorSession,
    view: View,
    ws: Workspace,
    job_id: int,
    after_our_write: Callable[[dict[str, Any]], None],
) -> None:
    edit_tags(session, {"team": "mine"})
    after_our_write({"description": "written meanwhile"})
    session.handle({"kind": "save"})
    saved = view.one("saved")
    assert saved["message"] == (
        f"Saved job {job_id}; also took in 1 change someone else made meanwhile: "
        'description added: "written meanwhile".'
    )
    assert session.settings.description == "written meanwhile"
    assert session.settings.tags == {"team": "mine"}
    assert view.state is not None and not view.state.dirty
    assert view.state.undo_label == "take in changes made meanwhile"
    assert session.changes() == []
    assert (stored(ws, job_id)["tags"], stored(ws, job_id)["description"]) == (
        {"team": "mine"}, "written meanwhile",
    )  # fmt: skip


def test_someone_elses_write_over_ours_undo_takes_theirs(
    session: EditorSession,
    view: View,
    ws: Workspace,
    job_id: int,
    after_our_write: Callable[[dict[str, Any]], None],
) -> None:
    edit_tags(session, {"team": "mine"})
    after_our_write({"tags": {"team": "theirs"}, "description": "also theirs"})
    session.handle({"kind": "save"})  # never raises out of handle
    failed = view.one("save_failed")
    assert failed["conflict"] is True
    assert failed["message"] == (
        f"Saved job {job_id}, but someone else changed tags at the same time: the job now has "
        '{"team": "theirs"}; yours was {"team": "mine"}. Reload theirs (Undo) or save yours '
        "again (Save)."
    )
    assert "Traceback" not in failed["message"]
    assert view.state is not None and view.state.status["text"] == failed["message"]
    # The edit survives, on top of the job as the workspace has it (their other field too).
    assert session.settings.tags == {"team": "mine"}
    assert session.settings.description == "also theirs"
    assert view.state.dirty and view.state.job_id == job_id
    assert view.state.undo_label == "keep your tags"
    assert [c.path for c in session.changes()] == ["tags.team"]
    # Undo: theirs, as saved.
    session.handle({"kind": "undo"})
    assert session.settings.tags == {"team": "theirs"}
    assert not view.state.dirty and session.changes() == []
    # Redo, then save: ours again, over theirs.
    session.handle({"kind": "redo"})
    session.handle({"kind": "save"})
    assert view.one("saved")["message"] == f"Saved job {job_id}."
    assert (stored(ws, job_id)["tags"], stored(ws, job_id)["description"]) == (
        {"team": "mine"}, "also theirs",
    )  # fmt: skip
    assert not view.state.dirty


def test_a_change_before_the_save_is_told_in_plain_words(
    session: EditorSession, view: View, ws: Workspace, job_id: int
) -> None:
    edit_tags(session, {"team": "mine"})
    edited = session.settings
    body = {"job_id": job_id, "new_settings": {"tags": {"team": "theirs"}}}
    ws.client.api_client.do("POST", "/api/2.2/jobs/update", body=body)
    session.handle({"kind": "save"})
    failed = view.one("save_failed")
    assert failed["conflict"] is True
    assert failed["message"].startswith(
        f"Not saved: someone else changed job {job_id} since it was loaded (tags.team changed "
        'from "data" to "theirs"). Your edits are kept. Yours and theirs both change tags:'
    )
    assert session.settings is edited
    assert view.state is not None and view.state.dirty
    assert stored(ws, job_id)["tags"] == {"team": "theirs"}
