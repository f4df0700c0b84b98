"""A refused edit's EditError, and the DELETE value."""

from __future__ import annotations

import copy

from loom_jobs_widget.core.editing import DELETE, EditError


def test_edit_error_carries_its_message_task_and_field() -> None:
    error = EditError("No.", task_key="etl", field="tasks[etl].task_key")
    assert str(error) == "No." and error.message == "No."
    assert (error.task_key, error.field) == ("etl", "tasks[etl].task_key")
    assert isinstance(error, ValueError)
    assert EditError("x").task_key is None and EditError("x").field is None
    assert repr(DELETE) == "DELETE" and copy.deepcopy(DELETE) is DELETE
