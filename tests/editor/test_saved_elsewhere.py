"""A job saved elsewhere while an editor holds unsaved edits, through the real SDK to the local
workspace: the editor keeps the edits and shows a notice; Review shows the edits on top of the
version saved elsewhere (a field both changed flagged) and Save from there writes that merge;
Reload shows theirs as one undoable step. And a status said twice is a new status each time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.editor import JobEditor

from .test_editor import ETL


@pytest.fixture
def job_id(ws: Workspace) -> Iterator[int]:
    job_id = int(ws.jobs.create(ETL).job_id)  # type: ignore[arg-type]
    yield job_id
    ws.jobs.delete(job_id)


@pytest.fixture
def pair(ws: Workspace, job_id: int) -> Iterator[tuple[JobEditor, JobEditor, list[dict[str, Any]]]]:
    """Two editors of the job; what the second sends to its view."""
    first, second = JobEditor(job_id, ws), JobEditor(job_id, ws)
    sent: list[dict[str, Any]] = []
    second._to_view = sent.append  # type: ignore[method-assign]
    first._to_view = lambda message: None  # type: ignore[method-assign]
    yield first, second, sent
    first.close(discard=True)
    second.close(discard=True)


def timeout(settings: dict[str, Any], key: str) -> Any:
    return next(t.get("timeout_seconds") for t in settings["tasks"] if t["task_key"] == key)


def stored(ws: Workspace, job_id: int) -> dict[str, Any]:
    return ws.jobs.get(job_id).settings.to_api()  # type: ignore[union-attr]


def test_review_shows_the_merge_and_save_writes_it(
    ws: Workspace, job_id: int, pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]]
) -> None:
    first, second, sent = pair
    second.set_field("transform", "timeout_seconds", 123)
    second.set_field("report", "timeout_seconds", 1)
    first.set_field("report", "timeout_seconds", 777)
    first.set_field("ingest", "timeout_seconds", 55)
    first.save()
    assert second.notice["kind"] == "saved_elsewhere"

    second._on_view_message(None, {"kind": "notice_answer", "choice": "review"}, [])
    review = [m for m in sent if m["kind"] == "review"][-1]
    paths = {change["path"]: change for change in review["changes"]}
    # What a save writes now, against their version: only the user's edits; the task both
    # changed is flagged.
    assert set(paths) == {"tasks[transform].timeout_seconds", "tasks[report].timeout_seconds"}
    assert paths["tasks[report].timeout_seconds"].get("conflict") is True
    assert "conflict" not in paths["tasks[transform].timeout_seconds"]
    assert "saved elsewhere" in review["summary"]
    assert second.notice["kind"] == ""  # the notice goes once chosen

    second._on_view_message(None, {"kind": "save"}, [])
    settings = stored(ws, job_id)
    assert timeout(settings, "ingest") == 55  # theirs
    assert timeout(settings, "transform") == 123  # ours
    assert timeout(settings, "report") == 1  # both changed: ours, as the review said
    assert not second.dirty and second.notice["kind"] == ""


def test_reload_shows_theirs_and_undo_brings_the_edits_back(
    ws: Workspace, job_id: int, pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]]
) -> None:
    first, second, _ = pair
    second.set_field("transform", "timeout_seconds", 123)
    first.set_field("report", "timeout_seconds", 777)
    first.save()
    second._on_view_message(None, {"kind": "notice_answer", "choice": "reload"}, [])
    shown = second.settings.to_api()
    assert timeout(shown, "report") == 777 and timeout(shown, "transform") in (None, 0)
    assert not second.dirty and second.notice["kind"] == ""
    second.undo()
    back = second.settings.to_api()
    assert timeout(back, "transform") == 123 and second.dirty


def test_from_python_merge_then_save(
    ws: Workspace, job_id: int, pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]]
) -> None:
    first, second, _ = pair
    second.set_field("transform", "timeout_seconds", 123)
    first.set_field("report", "timeout_seconds", 777)
    first.save()
    assert second.merge_saved_elsewhere() == []
    second.save()
    settings = stored(ws, job_id)
    assert timeout(settings, "transform") == 123 and timeout(settings, "report") == 777


def test_the_same_status_twice_is_a_new_status(
    pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]],
) -> None:
    first, _, _ = pair
    first.set_field("report", "timeout_seconds", 5)
    first.save()
    said = dict(first.status)
    first.save()
    assert first.status["text"] == said["text"] and first.status != said
