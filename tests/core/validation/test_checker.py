"""`TaskChecker`, the editor's one-task check, gives what `validate` gives for that task."""

from __future__ import annotations

from typing import Any

import pytest

from loom_jobs_widget.core.editing import set_task_field
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import TaskChecker, validate

from ...corpus import corpus_files, corpus_settings
from .helpers import job, task

# --- one task at a time (the editor's TaskChecker) -------------------------------------------

# Edits inside one task that keep its key and depends_on: what the editor checks per keystroke.
_TASK_EDITS: list[tuple[list[str | int], Any]] = [
    (["max_retries"], "three"),
    (["timeout_seconds"], -1),
    (["notebook_task"], {"notebook_path": ""}),
    (["notebook_task"], {"notebook_path": "/n",
                         "base_parameters": {"a": "{{tasks.nope.values.x}}"}}),
    (["description"], "{{job.parameters.missing}} and {{input}}"),
    (["run_if"], "SOMETIMES"),
    (["job_cluster_key"], "no-such-cluster"),
    (["webhook_notifications"], {"on_failure": [{"id": h} for h in "abcd"]}),
    (["email_notifications"], {"on_failure": ["abc", "ok@example.com"]}),
    (["for_each_task"], {"inputs": "[1]", "concurrency": 0,
                         "task": {"task_key": "x", "notebook_task": {"notebook_path": ""}}}),
]  # fmt: skip


@pytest.mark.parametrize("name", corpus_files())
def test_task_checker_agrees_with_validate(name: str) -> None:
    document = corpus_settings(name)
    model = JobSettings.from_api(document)
    checker = TaskChecker(model)
    keys = [t.task_key for t in model.task_list if isinstance(t.task_key, str)]
    for key in keys[:12]:
        if not checker.can_check(key):
            continue
        task = model.task(key)
        assert task is not None
        expected = [p for p in validate(model) if p.task_key == key]
        assert checker.check(task) == expected, key
        for path, value in _TASK_EDITS:
            edited = set_task_field(model, key, path, value)
            new_task = edited.task(key)
            assert new_task is not None
            expected = [p for p in validate(edited) if p.task_key == key]
            assert checker.check(new_task) == expected, (key, path)
    # Checking left the checker as it was.
    for key in keys[:5]:
        task = model.task(key)
        if task is not None and checker.can_check(key):
            assert checker.check(task) == [p for p in validate(model) if p.task_key == key]


def test_task_checker_refuses_a_duplicate_key() -> None:
    model = JobSettings.from_api(job(task("a"), task("a"), task("b")))
    checker = TaskChecker(model)
    assert not checker.can_check("a") and checker.can_check("b")
    with pytest.raises(ValueError, match="cannot check"):
        checker.check(model.task_list[0])
