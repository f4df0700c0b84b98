"""Two widgets of one kernel on the same job, through the real SDK to the local workspace: a save
in one shows in the other (a clean editor takes it; a dirty one keeps the user's edits and says
so), a run started in one is followed by the other, and a closed widget hears nothing more."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.client.events import EVENTS, JobEvent
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


def timeout_of(editor: JobEditor, key: str) -> Any:
    return next(t.timeout_seconds for t in editor.settings.task_list if t.task_key == key)


def test_a_clean_editor_shows_the_other_ones_save(
    pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]],
) -> None:
    first, second, _ = pair
    first.set_field("report", "timeout_seconds", 777)
    first.save()
    assert timeout_of(second, "report") == 777
    # As saved: nothing to save, and no undo step the user did not make.
    assert not second.dirty and not second.can_undo and second.changes() == []
    assert "saved elsewhere" in second.status["text"]
    # The saver says its own words, not "saved elsewhere".
    assert "saved elsewhere" not in first.status["text"]


def test_a_dirty_editor_keeps_the_users_edits_and_says_so(
    pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]], job_id: int
) -> None:
    first, second, _ = pair
    second.set_field("transform", "timeout_seconds", 123)
    first.set_field("report", "timeout_seconds", 777)
    first.save()
    assert timeout_of(second, "transform") == 123  # kept
    assert timeout_of(second, "report") != 777  # not silently overwritten
    assert second.dirty
    assert second.notice == {
        "kind": "saved_elsewhere",
        "text": f"Job {job_id} was saved elsewhere while you were editing it. Your unsaved "
        "edits are kept.",
    }


def test_other_workspaces_and_closed_widgets_hear_nothing(
    ws: Workspace, pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]], job_id: int
) -> None:
    first, second, _ = pair
    other = {**ETL, "name": "from another workspace"}
    EVENTS.publish(JobEvent("saved", "https://elsewhere.example.com", job_id, settings=other))
    assert second.title == "nightly etl"
    before = len(EVENTS)
    second.close(discard=True)
    assert len(EVENTS) == before - 1
    first.set_field("report", "timeout_seconds", 55)
    first.save()
    assert timeout_of(second, "report") != 55


def test_a_run_started_in_one_shows_in_the_other(
    pair: tuple[JobEditor, JobEditor, list[dict[str, Any]]],
) -> None:
    first, second, sent = pair
    handle = first.run()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any(
                m["kind"] == "run_progress" and m["run"]["run_id"] == handle.run_id for m in sent
            ):
                break
            time.sleep(0.05)
        followed = second._session.runs.followed
        assert followed is not None and followed.run_id == handle.run_id
        assert any(m["kind"] == "run_progress" for m in sent)
    finally:
        handle.cancel()
