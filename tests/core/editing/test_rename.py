"""A rename follows into dependencies and `{{tasks.<key>...}}` references, and refuses bad keys."""

from __future__ import annotations

import pytest

from loom_jobs_widget.core.editing import EditError, rename_task
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import validate

from .helpers import differences, job, refused, sample, task


def test_rename_task_updates_dependencies_and_references_everywhere() -> None:
    before = JobSettings.from_api(
        {
            "name": "{{tasks.old.values.x}} stays in a name? no: every string follows",
            "parameters": [{"name": "p", "default": "{{ tasks.`old`.result_state }}"}],
            "tasks": [
                task("old"),
                task(
                    "next",
                    after=["old"],
                    notebook_task={
                        "notebook_path": "/n",
                        "base_parameters": {
                            "a": "{{tasks.old.values.rows}} and {{tasks.old_more.values.x}}",
                            "b": "tasks.old {{tasks.older.run_id}} {{job.parameters.old}}",
                            "c": "{{  tasks.old.output.first_row.`my col`  }}",
                        },
                    },
                ),
                task(
                    "loop",
                    after=["next"],
                    for_each_task={
                        "inputs": "{{tasks.old.values.items}}",
                        "task": task(
                            "inner",
                            spark_python_task={
                                "python_file": "/p",
                                "parameters": ["{{tasks.old.values.z}}"],
                            },
                        ),
                    },
                ),
                task("unrelated", notebook_task={"notebook_path": "/u"}),
            ],
        }
    )
    after = rename_task(before, "old", "new")
    document = after.to_api()
    assert document["name"] == "{{tasks.new.values.x}} stays in a name? no: every string follows"
    assert document["parameters"][0]["default"] == "{{ tasks.new.result_state }}"
    assert document["tasks"][0]["task_key"] == "new"
    nxt = document["tasks"][1]
    assert nxt["depends_on"] == [{"task_key": "new"}]
    assert nxt["notebook_task"]["base_parameters"] == {
        "a": "{{tasks.new.values.rows}} and {{tasks.old_more.values.x}}",
        "b": "tasks.old {{tasks.older.run_id}} {{job.parameters.old}}",
        "c": "{{  tasks.new.output.first_row.`my col`  }}",
    }
    loop = document["tasks"][2]["for_each_task"]
    assert loop["inputs"] == "{{tasks.new.values.items}}"
    assert loop["task"]["spark_python_task"]["parameters"] == ["{{tasks.new.values.z}}"]
    assert after.task_list[3] is before.task_list[3]
    assert after.parameters is not before.parameters
    # Everything else is the document as it was.
    expected = before.to_api()
    assert [p for p in differences(expected, document)] == [
        ("name",),
        ("parameters", 0, "default"),
        ("tasks", 0, "task_key"),
        ("tasks", 1, "depends_on", 0, "task_key"),
        ("tasks", 1, "notebook_task", "base_parameters", "a"),
        ("tasks", 1, "notebook_task", "base_parameters", "c"),
        ("tasks", 2, "for_each_task", "inputs"),
        ("tasks", 2, "for_each_task", "task", "spark_python_task", "parameters", 0),
    ]
    assert JobSettings.from_api(document) == after


def test_rename_task_quotes_the_new_key_only_when_it_must() -> None:
    parameters = {"x": "{{tasks.`a-b`.values.v}}"}
    before = job(
        task("a-b"),
        task(
            "c", after=["a-b"], notebook_task={"notebook_path": "/c", "base_parameters": parameters}
        ),
    )
    plain = rename_task(before, "a-b", "ab")
    assert plain.to_api()["tasks"][1]["notebook_task"]["base_parameters"]["x"] == (
        "{{tasks.ab.values.v}}"
    )
    dashed = rename_task(plain, "ab", "a-c")
    assert dashed.to_api()["tasks"][1]["notebook_task"]["base_parameters"]["x"] == (
        "{{tasks.`a-c`.values.v}}"
    )
    assert validate(dashed) == []


def test_rename_task_shares_the_tasks_that_do_not_mention_it() -> None:
    before = sample()
    after = rename_task(before, "clean", "tidy")
    changed = [
        old.task_key
        for old, new in zip(before.task_list, after.task_list, strict=True)
        if old is not new
    ]
    assert changed == ["clean", "report"]
    assert validate(after) == []


def test_rename_task_refuses_bad_or_taken_keys() -> None:
    before = sample()
    assert rename_task(before, "load", "load") is before
    for bad in ("clean", "loop_item", "", "a b", "x" * 101):
        with pytest.raises(EditError) as caught:
            rename_task(before, "load", bad)
        assert caught.value.task_key == "load"
        assert caught.value.field == "tasks[load].task_key"
    refused(lambda: rename_task(before, "nope", "x"))
    refused(lambda: rename_task(before, "loop_item", "x"))
