"""Undo and redo over settings snapshots."""

from __future__ import annotations

import pytest

from loom_jobs_widget.core.editing import History, set_job_field
from loom_jobs_widget.core.models import JobSettings

from .helpers import sample


def states() -> list[JobSettings]:
    first = sample()
    second = set_job_field(first, ["name"], "two")
    third = set_job_field(second, ["name"], "three")
    return [first, second, third]


def test_history_undoes_and_redoes_with_labels() -> None:
    first, second, third = states()
    history = History(first)
    assert not history.can_undo and not history.can_redo
    assert history.undo() is None and history.redo() is None
    assert history.undo_label == history.redo_label == ""
    history.push(second, "rename the job")
    history.push(third, "rename it again")
    assert history.current is third and history.undo_label == "rename it again"
    assert history.undo() is second
    assert history.undo_label == "rename the job" and history.redo_label == "rename it again"
    assert history.undo() is first and not history.can_undo
    assert history.redo() is second and history.redo() is third and not history.can_redo
    history.undo()
    history.push(first, "back")
    assert not history.can_redo and history.current is first
    assert history.undo() is second


def test_history_ignores_an_edit_that_changed_nothing() -> None:
    first, second, _ = states()
    history = History(first)
    history.push(first, "nothing")
    assert not history.can_undo
    history.push(second, "something")
    history.push(second, "nothing")
    assert history.undo_label == "something"


def test_history_knows_when_the_current_state_is_saved() -> None:
    first, second, third = states()
    history = History(first)
    assert not history.dirty
    history.push(second, "a")
    assert history.dirty
    history.mark_saved()
    assert not history.dirty
    history.push(third, "b")
    assert history.dirty
    history.undo()
    assert not history.dirty
    history.undo()
    assert history.dirty
    # The saved state is on the branch a new edit drops: no state is saved any more.
    history.push(third, "c")
    history.undo()
    assert history.dirty and history.current is first


def test_history_keeps_at_most_limit_undo_steps() -> None:
    first = sample()
    history = History(first, limit=3)
    history.mark_saved()
    names = [set_job_field(first, ["name"], str(i)) for i in range(5)]
    for index, settings_ in enumerate(names):
        history.push(settings_, f"edit {index}")
    undone = []
    while history.can_undo:
        undone.append(history.undo_label)
        history.undo()
    assert undone == ["edit 4", "edit 3", "edit 2"]
    assert history.current is names[1] and history.dirty
    with pytest.raises(ValueError):
        History(first, limit=0)


def test_history_reset_starts_over_clean() -> None:
    first, second, third = states()
    history = History(first)
    history.push(second, "a")
    history.reset(third)
    assert history.current is third
    assert not history.can_undo and not history.can_redo and not history.dirty
