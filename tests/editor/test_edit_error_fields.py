"""Refused edits name the field the view shows them at: a job cluster (or environment) given a
key another one has is refused at that entry's key, a depends_on edited into a cycle at the
task's depends_on, a rename at its `task_key`; nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.core.editing import EditError
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor import EditorSession
from loom_jobs_widget.editor.edits import apply_edit

from .test_editor import View

CLUSTER = {"spark_version": "15.4.x-scala2.12", "num_workers": 1}
JOB: dict[str, Any] = {
    "name": "refusals",
    "job_clusters": [
        {"job_cluster_key": "small", "new_cluster": CLUSTER},
        {"job_cluster_key": "large", "new_cluster": CLUSTER},
    ],
    "environments": [
        {"environment_key": "default", "spec": {"client": "2"}},
        {"environment_key": "ml", "spec": {"client": "2"}},
    ],
    "tasks": [
        {"task_key": "a", "notebook_task": {"notebook_path": "/a"}, "job_cluster_key": "small"},
        {"task_key": "b", "depends_on": [{"task_key": "a"}], "job_cluster_key": "large",
         "notebook_task": {"notebook_path": "/b"}},
    ],
}  # fmt: skip


def renamed(name: str, key_name: str, index: int, to: str) -> list[dict[str, Any]]:
    entries = [dict(entry) for entry in JOB[name]]
    entries[index][key_name] = to
    return entries


@pytest.mark.parametrize(
    ("name", "key_name", "index", "to", "field"),
    [
        ("job_clusters", "job_cluster_key", 0, "large", "job_clusters[0].job_cluster_key"),
        ("job_clusters", "job_cluster_key", 1, "small", "job_clusters[1].job_cluster_key"),
        ("environments", "environment_key", 1, "default", "environments[1].environment_key"),
    ],
)
def test_a_key_another_entry_has_is_refused_at_that_key(
    name: str, key_name: str, index: int, to: str, field: str
) -> None:
    settings = JobSettings.from_api(JOB)
    op: Any = {"op": "set_job_field", "path": [name], "value": renamed(name, key_name, index, to)}
    with pytest.raises(EditError) as refused:
        apply_edit(settings, [], op)
    assert refused.value.field == field
    assert f"'{to}'" in refused.value.message
    # One key set by its own path is refused the same way.
    op = {"op": "set_job_field", "path": [name, index, key_name], "value": to}
    with pytest.raises(EditError) as again:
        apply_edit(settings, [], op)
    assert again.value.field == field


def test_a_clash_already_in_the_job_does_not_block_other_edits() -> None:
    twice = {**JOB, "job_clusters": [JOB["job_clusters"][0], JOB["job_clusters"][0]]}
    settings = JobSettings.from_api(twice)
    more = [*twice["job_clusters"], {"job_cluster_key": "new", "new_cluster": CLUSTER}]
    edited = apply_edit(settings, [], {"op": "set_job_field", "path": ["job_clusters"],
                                       "value": more})  # fmt: skip
    keys = [c["job_cluster_key"] for c in edited.settings.to_api()["job_clusters"]]
    assert keys == ["small", "small", "new"]


def test_a_new_unique_key_is_accepted() -> None:
    settings = JobSettings.from_api(JOB)
    value = renamed("job_clusters", "job_cluster_key", 0, "medium")
    edited = apply_edit(settings, [], {"op": "set_job_field", "path": ["job_clusters"],
                                       "value": value})  # fmt: skip
    assert edited.settings.to_api()["job_clusters"][0]["job_cluster_key"] == "medium"


@pytest.fixture
def view() -> View:
    return View()


@pytest.fixture
def make(view: View, ws: Workspace) -> Callable[[], EditorSession]:
    def make() -> EditorSession:
        return EditorSession(JobSettings.from_api(JOB), job=None, send=view.send,
                             on_state=view.on_state, workspace=lambda: ws)  # fmt: skip

    return make


def test_the_view_is_told_the_field_and_nothing_changes(
    make: Callable[[], EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "job"})
    view.take()
    session.handle({"kind": "edit", "request_id": 3, "op": "set_job_field",
                    "path": ["job_clusters"],
                    "value": renamed("job_clusters", "job_cluster_key", 0, "large")})  # fmt: skip
    error = view.one("edit_error")
    assert error["field"] == "job_clusters[0].job_cluster_key"
    assert error["task_key"] is None and error["request_id"] == 3
    assert session.settings.to_api() == JobSettings.from_api(JOB).to_api()
    assert not session.unsaved

    session.handle({"kind": "edit", "request_id": 4, "op": "rename_task", "task_key": "b",
                    "new_key": "a"})  # fmt: skip
    error = view.one("edit_error")
    assert error["field"] == "tasks[b].task_key" and error["task_key"] == "b"


@pytest.mark.parametrize(
    ("task_key", "value", "words"),
    [
        ("a", [{"task_key": "b"}], "'b' already runs after 'a' (a → b)"),
        ("a", [{"task_key": "a"}], "cannot depend on itself"),
    ],
)
def test_depends_on_edited_into_a_cycle_is_refused_at_depends_on(
    task_key: str, value: list[dict[str, str]], words: str
) -> None:
    settings = JobSettings.from_api(JOB)
    op: Any = {"op": "set_field", "task_key": task_key, "path": ["depends_on"], "value": value}
    with pytest.raises(EditError) as refused:
        apply_edit(settings, [], op)
    assert words in refused.value.message
    assert refused.value.field == f"tasks[{task_key}].depends_on"
    assert refused.value.task_key == task_key


def test_a_cycle_already_in_the_job_does_not_block_depends_on_edits() -> None:
    tasks = [{**JOB["tasks"][0], "depends_on": [{"task_key": "b"}]}, JOB["tasks"][1]]
    settings = JobSettings.from_api({**JOB, "tasks": tasks})
    op: Any = {"op": "set_field", "task_key": "a", "path": ["depends_on", 0, "outcome"],
               "value": "true"}  # fmt: skip
    edited = apply_edit(settings, [], op)
    assert edited.settings.to_api()["tasks"][0]["depends_on"][0]["outcome"] == "true"
