"""Task and job fields set or deleted, several job fields at once, a task's JSON replaced; refused
edits raise EditError and change nothing."""

from __future__ import annotations

from loom_jobs_widget.core.editing import (
    DELETE,
    replace_task,
    set_job_field,
    set_job_fields,
    set_task_field,
)
from loom_jobs_widget.core.models import JobSettings

from .helpers import job, refused, sample, task

# --- set_task_field / set_job_field ---------------------------------------------------------------


def test_set_task_field_creates_the_objects_on_the_way() -> None:
    before = job(task("etl"))
    after = set_task_field(before, "etl", ["notebook_task", "base_parameters", "env"], "prod")
    assert after.to_api()["tasks"][0]["notebook_task"] == {
        "notebook_path": "/Workspace/etl",
        "base_parameters": {"env": "prod"},
    }
    listed = set_task_field(before, "etl", ["libraries", 0, "pypi", "package"], "rich")
    assert listed.to_api()["tasks"][0]["libraries"] == [{"pypi": {"package": "rich"}}]
    nulled = job(task("etl", health=None))
    rules = set_task_field(nulled, "etl", ["health", "rules"], [])
    assert rules.to_api()["tasks"][0]["health"] == {"rules": []}


def test_set_task_field_deletes_keys_and_list_entries_and_appends_one_past_the_end() -> None:
    before = job(task("etl", libraries=[{"whl": "a"}, {"whl": "b"}], timeout_seconds=5))
    assert (
        "timeout_seconds"
        not in set_task_field(before, "etl", ["timeout_seconds"]).to_api()["tasks"][0]
    )
    dropped = set_task_field(before, "etl", ["libraries", 0], DELETE)
    assert dropped.to_api()["tasks"][0]["libraries"] == [{"whl": "b"}]
    appended = set_task_field(before, "etl", ["libraries", 2], {"whl": "c"})
    assert appended.to_api()["tasks"][0]["libraries"] == [{"whl": "a"}, {"whl": "b"}, {"whl": "c"}]
    replaced = set_task_field(before, "etl", ["libraries", 1, "whl"], "B")
    assert replaced.to_api()["tasks"][0]["libraries"] == [{"whl": "a"}, {"whl": "B"}]


def test_an_edit_that_changes_nothing_returns_the_same_settings() -> None:
    before = job(task("etl", timeout_seconds=5, libraries=[]))
    assert set_task_field(before, "etl", ["timeout_seconds"], 5) is before
    assert set_task_field(before, "etl", ["max_retries"], DELETE) is before
    assert set_task_field(before, "etl", ["health", "rules"], DELETE) is before
    assert set_task_field(before, "etl", ["libraries", 0], DELETE) is before
    assert set_job_field(before, ["name"], "test job") is before
    assert set_job_field(before, ["schedule"], DELETE) is before
    # 5.0 and True are other values than 5 in JSON.
    assert set_task_field(before, "etl", ["timeout_seconds"], 5.0) is not before
    assert set_task_field(before, "etl", ["timeout_seconds"], True) is not before


def test_set_task_field_refuses_what_it_cannot_do() -> None:
    before = job(task("etl", libraries=[{"whl": "a"}]))
    error = refused(lambda: set_task_field(before, "nope", ["timeout_seconds"], 1))
    assert "'nope' is not a task of this job" in error.message
    error = refused(lambda: set_task_field(before, "etl", ["task_key"], "x"))
    assert "renaming" in error.message
    assert error.field == "tasks[etl].task_key"
    error = refused(
        lambda: set_task_field(before, "etl", ["notebook_task", "notebook_path", "x"], 1)
    )
    assert "Task 'etl'" in error.message and "notebook_task.notebook_path" in error.message
    assert error.task_key == "etl" and error.field == "tasks[etl].notebook_task.notebook_path"
    assert "index" in refused(lambda: set_task_field(before, "etl", ["libraries", 3], 1)).message
    refused(lambda: set_task_field(before, "etl", ["libraries", -1], 1))
    refused(lambda: set_task_field(before, "etl", ["libraries", "first"], 1))
    refused(lambda: set_task_field(before, "etl", ["notebook_task", 0], 1))
    refused(lambda: set_task_field(before, "etl", [], 1))
    refused(lambda: set_task_field(before, "etl", ["x"], {1, 2}))
    refused(lambda: set_task_field(before, "etl", [True], 1))


def test_set_task_field_copies_the_value_it_is_given() -> None:
    value = {"env": ["prod"]}
    after = set_task_field(job(task("etl")), "etl", ["x"], value)
    value["env"].append("dev")
    assert after.to_api()["tasks"][0]["x"] == {"env": ["prod"]}


def test_set_task_field_reaches_the_task_nested_in_a_for_each_task() -> None:
    before = sample()
    path = ["for_each_task", "task", "notebook_task", "base_parameters", "item"]
    after = set_task_field(before, "loop", path, "{{input}}")
    nested = after.to_api()["tasks"][5]["for_each_task"]["task"]
    assert nested["notebook_task"]["base_parameters"] == {"item": "{{input}}"}
    error = refused(lambda: set_task_field(before, "loop_item", ["timeout_seconds"], 1))
    assert "nested in for_each task 'loop'" in error.message and error.task_key == "loop"


def test_set_job_field_edits_job_level_fields_and_keeps_their_place() -> None:
    before = JobSettings.from_api(
        {"name": "a", "tasks": [task("t")], "x_custom": {"k": 1}, "timeout_seconds": 0}
    )
    scheduled = set_job_field(before, ["schedule", "quartz_cron_expression"], "0 0 3 * * ?")
    assert scheduled.to_api()["schedule"] == {"quartz_cron_expression": "0 0 3 * * ?"}
    assert list(scheduled.to_api()) == ["name", "tasks", "x_custom", "timeout_seconds", "schedule"]
    assert scheduled.task_list[0] is before.task_list[0]
    custom = set_job_field(before, ["x_custom", "k"], 2)
    assert list(custom.to_api().items())[2] == ("x_custom", {"k": 2})
    unnamed = set_job_field(before, ["name"])
    assert list(unnamed.to_api()) == ["tasks", "x_custom", "timeout_seconds"]
    # Like any new key, as loading the document would order it: last.
    assert list(set_job_field(unnamed, ["name"], "b").to_api())[-1] == "name"
    assert set_job_field(before, ["x_custom"]).to_api().get("x_custom") is None
    assert before.to_api()["x_custom"] == {"k": 1}
    parameters = set_job_field(before, ["parameters"], [{"name": "p", "default": "1"}])
    assert parameters.parameters is not None and parameters.parameters[0].name == "p"


def test_set_job_field_refuses_tasks_and_bad_paths() -> None:
    before = job(task("t"))
    assert refused(lambda: set_job_field(before, ["tasks", 0, "task_key"], "x")).field == "tasks"
    refused(lambda: set_job_field(before, ["tasks"], []))
    refused(lambda: set_job_field(before, [], 1))
    refused(lambda: set_job_field(before, [0], 1))
    refused(lambda: set_job_field(before, ["name", "first"], "x"))


# --- set_job_fields -------------------------------------------------------------------------------


def test_set_job_fields_changes_only_what_differs() -> None:
    settings = JobSettings.from_api(
        {"name": "j", "schedule": {"quartz_cron_expression": "0 0 1 * * ?", "timezone_id": "UTC"},
         "tags": {"a": "b"}, "tasks": [{"task_key": "t", "notebook_task": {"notebook_path": "/n"}}]}
    )  # fmt: skip
    document = settings.to_api()
    document.pop("schedule")
    document["trigger"] = {"periodic": {"interval": 1, "unit": "HOURS"}}
    new = set_job_fields(settings, document)
    assert new.to_api() == {**{k: v for k, v in document.items() if k != "trigger"},
                            "trigger": document["trigger"]}  # fmt: skip
    assert new.tags is settings.tags and new.tasks is settings.tasks
    assert "schedule" in settings.to_api()  # the input is untouched
    assert set_job_fields(settings, settings.to_api()) is settings


# --- replace_task ---------------------------------------------------------------------------------


def test_replace_task_keeps_the_position_and_refuses_another_key() -> None:
    before = sample()
    new_json = {"task_key": "clean", "spark_python_task": {"python_file": "/c.py"}}
    after = replace_task(before, "clean", new_json)
    assert after.to_api()["tasks"][1] == new_json
    assert [t.task_key for t in after.task_list] == [t.task_key for t in before.task_list]
    assert replace_task(before, "clean", before.task_list[1].to_api()) is before
    error = refused(lambda: replace_task(before, "clean", {**new_json, "task_key": "other"}))
    assert "rename" in error.message and error.field == "tasks[clean].task_key"
    refused(lambda: replace_task(before, "clean", {"spark_python_task": {}}))
    refused(lambda: replace_task(before, "nope", {"task_key": "nope"}))
    refused(lambda: replace_task(before, "clean", ["not", "an", "object"]))  # type: ignore[arg-type]
