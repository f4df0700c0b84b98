"""The job model is lossless: from_api(d).to_api() == d for any document; edits stay local."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.core.models import (
    TASK_TYPES,
    ApiObject,
    ClusterSpec,
    CronSchedule,
    DbtTask,
    Edge,
    ForEachTask,
    Job,
    JobSettings,
    NotebookTask,
    Task,
    TaskDependency,
    task_type_fields,
)

from ..corpus import corpus_files, corpus_settings


def dumps(value: Any) -> str:
    # Key order matters for a faithful JSON view, so compare the serialised text too.
    return json.dumps(value, ensure_ascii=False)


# --- the corpus of real jobs ---------------------------------------------------------------------


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_round_trip_is_exact(name: str) -> None:
    document = corpus_settings(name)
    out = JobSettings.from_api(document).to_api()
    assert out == document
    assert dumps(out) == dumps(document)


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_job_round_trip_is_exact(name: str) -> None:
    document = {
        "job_id": 2**63 - 1,
        "creator_user_name": "someone@example.com",
        "created_time": 1_760_000_000_000,
        "settings": corpus_settings(name),
        "effective_budget_policy_id": None,
        "trigger_state": {"file_arrival": {"using_file_events": True}},
    }
    job = Job.from_api(document)
    assert job.job_id == 2**63 - 1
    assert isinstance(job.settings, JobSettings)
    assert dumps(job.to_api()) == dumps(document)


@pytest.mark.parametrize("name", [n for n in corpus_files() if corpus_settings(n).get("tasks")])
def test_corpus_editing_one_task_field_changes_only_that_field(name: str) -> None:
    document = corpus_settings(name)
    settings = JobSettings.from_api(document)
    task = settings.task_list[-1]
    task.timeout_seconds = 4242
    settings.name = "renamed"

    expected = copy.deepcopy(document)
    expected["tasks"][-1]["timeout_seconds"] = 4242
    expected["name"] = "renamed"
    assert settings.to_api() == expected


def test_corpus_legacy_single_task_fields_survive() -> None:
    document = corpus_settings("cicd-demo__legacy_single_task.json")
    settings = JobSettings.from_api(document)
    assert settings.tasks is None
    out = settings.to_api()
    assert out["notebook_task"] == document["notebook_task"]
    assert out["new_cluster"] == document["new_cluster"]
    assert out["max_retries"] == document["max_retries"]


def test_corpus_bundle_reference_in_int_field_is_kept_raw() -> None:
    settings = JobSettings.from_api(corpus_settings("bundle-examples__job_with_run_job_tasks.json"))
    run_job = settings.task_list[0].run_job_task
    assert run_job is not None
    assert run_job.job_id == "${resources.jobs.leaf1.id}"


def test_corpus_64_bit_job_ids_are_exact() -> None:
    document = corpus_settings("cli__big_int64_job_ids_create.json")
    ids = [task.run_job_task.job_id for task in JobSettings.from_api(document).task_list]
    assert 2**63 - 1 in ids
    assert -(2**63) in ids


# --- specific shapes the SDK's dataclasses lose --------------------------------------------------


def test_unknown_keys_enum_values_nulls_and_empties_survive() -> None:
    document = {
        "name": "x",
        "brand_new_setting": {"deep": [{"k": None}]},
        "performance_target": "COST_OPTIMIZED",
        "email_notifications": {"on_failure": [], "on_start": None},
        "git_source": {"git_url": "https://example.com/r", "git_provider": "github"},
        "tags": {},
        "tasks": [
            {
                "task_key": "a",
                "depends_on": [],
                "brand_new_task": {"x": 1},
                "new_cluster": {"node_type_id": None, "num_workers": 0, "x_new_field": True},
                "run_if": "SOME_FUTURE_VALUE",
            }
        ],
    }
    settings = JobSettings.from_api(document)
    assert dumps(settings.to_api()) == dumps(document)
    task = settings.task_list[0]
    assert task.task_type == "brand_new_task"
    assert task.run_if == "SOME_FUTURE_VALUE"
    assert isinstance(task.new_cluster, ClusterSpec)
    assert task.new_cluster.num_workers == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timeout_seconds", "60"),  # a string is not coerced to an int
        ("timeout_seconds", True),  # nor a bool
        ("timeout_seconds", 1.0),  # nor a float
        ("timeout_seconds", 2**64),
        ("disabled", 1),
        ("task_key", 7),
        ("depends_on", "extract"),
        ("depends_on", [{"task_key": "a"}, "b", None]),
        ("notebook_task", "${var.task}"),
        ("libraries", {"pypi": {"package": "x"}}),
    ],
)
def test_values_of_the_wrong_type_are_kept_as_they_came(field: str, value: Any) -> None:
    document = {"tasks": [{"task_key": "t", field: value}]}
    out = JobSettings.from_api(document).to_api()
    assert dumps(out) == dumps(document)
    assert type(out["tasks"][0][field]) is type(value)


def test_typed_attributes_carry_the_api_names() -> None:
    settings = JobSettings.from_api(
        {
            "name": "etl",
            "schedule": {"quartz_cron_expression": "0 0 8 * * ?", "timezone_id": "UTC"},
            "tasks": [
                {"task_key": "extract", "notebook_task": {"notebook_path": "/n"}},
                {
                    "task_key": "load",
                    "depends_on": [{"task_key": "extract"}],
                    "timeout_seconds": 60,
                    "dbt_task": {"commands": ["dbt run"], "schema": "s"},
                },
            ],
        }
    )
    assert settings.name == "etl"
    assert isinstance(settings.schedule, CronSchedule)
    assert settings.schedule.quartz_cron_expression == "0 0 8 * * ?"
    load = settings.task("load")
    assert load is not None
    assert load.timeout_seconds == 60
    assert load.depends_on == [TaskDependency(task_key="extract")]
    assert isinstance(load.dbt_task, DbtTask)
    assert load.dbt_task.schema == "s"
    assert settings.task("missing") is None


def test_editing_nested_fields_changes_only_them() -> None:
    document = {
        "tasks": [
            {
                "task_key": "a",
                "zzz": 1,
                "new_cluster": {"spark_version": "15.4.x-scala2.12", "azure_attributes": {"a": 1}},
            }
        ]
    }
    settings = JobSettings.from_api(document)
    cluster = settings.task_list[0].new_cluster
    assert isinstance(cluster, ClusterSpec)
    cluster.num_workers = 3
    out = settings.to_api()
    assert out == {
        "tasks": [
            {
                "task_key": "a",
                "zzz": 1,
                "new_cluster": {
                    "spark_version": "15.4.x-scala2.12",
                    "azure_attributes": {"a": 1},
                    "num_workers": 3,
                },
            }
        ]
    }
    # A new key goes after the ones that were there; the rest keep their order.
    cluster_keys = list(out["tasks"][0]["new_cluster"])
    assert cluster_keys == ["spark_version", "azure_attributes", "num_workers"]


def test_unset_removes_a_field_and_null_stays_null() -> None:
    task = Task.from_api({"task_key": "a", "timeout_seconds": 5, "x": 1, "max_retries": 2})
    task.unset("timeout_seconds")
    task.unset("x")
    task.max_retries = None
    assert task.to_api() == {"task_key": "a", "max_retries": None}
    dbt = DbtTask.from_api({"schema": "s", "catalog": "c"})
    dbt.unset("schema")
    assert dbt.to_api() == {"catalog": "c"}


def test_models_built_in_python_dump_only_what_was_given() -> None:
    task = Task(task_key="new", notebook_task=NotebookTask(notebook_path="/Workspace/n"))
    assert task.to_api() == {"task_key": "new", "notebook_task": {"notebook_path": "/Workspace/n"}}


def test_loaded_documents_share_nothing_with_the_input_or_output() -> None:
    document = {"tasks": [{"task_key": "a", "custom": {"deep": [1]}}], "extra": {"k": [1]}}
    original = copy.deepcopy(document)
    settings = JobSettings.from_api(document)
    document["extra"]["k"].append(2)
    document["tasks"][0]["custom"]["deep"].append(2)
    assert settings.to_api() == original
    out = settings.to_api()
    out["extra"]["k"].append(3)
    out["tasks"][0]["custom"]["deep"].append(3)
    assert settings.to_api() == original


# --- helpers the editor needs --------------------------------------------------------------------


def test_task_type_and_compute_kind() -> None:
    settings = JobSettings.from_api(
        {
            "tasks": [
                {"task_key": "nb", "notebook_task": {}, "existing_cluster_id": "c"},
                {"task_key": "py", "spark_python_task": {}, "job_cluster_key": "j"},
                {"task_key": "whl", "python_wheel_task": {}, "new_cluster": {}},
                {"task_key": "env", "spark_python_task": {}, "environment_key": "e"},
                {"task_key": "sls", "notebook_task": {}},
                {"task_key": "cond", "condition_task": {"op": "EQUAL_TO"}},
                {"task_key": "none"},
                {"task_key": "two", "notebook_task": {}, "sql_task": {}},
                {"task_key": "future", "quantum_task": {"qubits": 3}},
            ]
        }
    )
    kinds = {t.task_key: (t.task_type, t.compute_kind) for t in settings.task_list}
    assert kinds == {
        "nb": ("notebook_task", "existing_cluster"),
        "py": ("spark_python_task", "job_cluster"),
        "whl": ("python_wheel_task", "new_cluster"),
        "env": ("spark_python_task", "environment"),
        "sls": ("notebook_task", "serverless"),
        "cond": ("condition_task", None),
        "none": (None, "serverless"),
        "two": ("notebook_task", "serverless"),
        "future": ("quantum_task", "serverless"),
    }
    assert settings.task_list[7].task_types == ["notebook_task", "sql_task"]
    assert len(TASK_TYPES) == 21


def test_edges_are_stable_and_carry_outcomes() -> None:
    settings = JobSettings.from_api(
        {
            "tasks": [
                {"task_key": "z_yes", "depends_on": [{"task_key": "check", "outcome": "true"}]},
                {"task_key": "check", "condition_task": {}, "depends_on": [{"task_key": "b"}]},
                {"task_key": "b", "depends_on": "junk"},
                {"task_key": "a_no", "depends_on": [{"task_key": "check", "outcome": "false"}]},
            ]
        }
    )
    assert settings.edges() == [
        Edge("check", "a_no", "false"),
        Edge("b", "check", None),
        Edge("check", "z_yes", "true"),
    ]
    assert list(settings.tasks_by_key()) == ["a_no", "b", "check", "z_yes"]


def test_iter_tasks_includes_the_nested_for_each_task() -> None:
    settings = JobSettings.from_api(
        {
            "tasks": [
                {
                    "task_key": "loop",
                    "for_each_task": {"inputs": "[1,2]", "task": {"task_key": "inner"}},
                },
                {"task_key": "after"},
            ]
        }
    )
    pairs = [(t.task_key, p.task_key if p else None) for t, p in settings.iter_tasks()]
    assert pairs == [("loop", None), ("inner", "loop"), ("after", None)]
    loop = settings.task_list[0].for_each_task
    assert isinstance(loop, ForEachTask)
    assert isinstance(loop.task, Task)


# --- any document the API could return -----------------------------------------------------------


def _known_keys(model: type[ApiObject], seen: set[type[ApiObject]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(name)
        for arg in _type_args(info.annotation):
            keys |= _known_keys(arg, seen)
    return keys


def _type_args(annotation: Any) -> list[type[ApiObject]]:
    found: list[type[ApiObject]] = []
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, ApiObject):
            found.append(item)
        stack.extend(getattr(item, "__args__", ()) or ())
        stack.extend(getattr(item, "__metadata__", ()) or ())
    return found


KNOWN_KEYS = sorted(_known_keys(Job))
keys = st.one_of(
    st.sampled_from(KNOWN_KEYS),
    st.text(max_size=12),
    st.sampled_from(["model_fields", "__dict__", "_key_order", "schema_", "copy", "json", "dict"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["ALL_SUCCESS", "${var.x}", "{{job.id}}", ""]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=40,
)


@st.composite
def task_documents(draw: st.DrawFn) -> dict[str, Any]:
    task: dict[str, Any] = draw(st.dictionaries(keys, json_values, max_size=8))
    if draw(st.booleans()):
        task["task_key"] = draw(st.text(max_size=10))
    kind = draw(st.sampled_from(TASK_TYPES))
    task[kind] = draw(st.dictionaries(keys, json_values, max_size=5))
    if draw(st.booleans()):
        task["depends_on"] = draw(
            st.lists(st.dictionaries(st.sampled_from(["task_key", "outcome", "x"]), json_values))
        )
    return task


@st.composite
def settings_documents(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = draw(st.dictionaries(keys, json_values, max_size=10))
    document["tasks"] = draw(st.lists(task_documents() | json_values, max_size=5))
    return document


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(settings_documents())
def test_any_settings_document_round_trips(document: dict[str, Any]) -> None:
    out = JobSettings.from_api(document).to_api()
    assert out == document
    assert dumps(out) == dumps(document)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(keys, json_values | settings_documents(), max_size=8))
def test_any_job_document_round_trips(document: dict[str, Any]) -> None:
    out = Job.from_api(document).to_api()
    assert out == document
    assert dumps(out) == dumps(document)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(settings_documents(), st.integers(min_value=0, max_value=2**63 - 1))
def test_editing_a_task_field_changes_only_that_field(document: dict[str, Any], value: int) -> None:
    settings = JobSettings.from_api(document)
    tasks = settings.tasks
    index = next((i for i, t in enumerate(tasks or []) if isinstance(t, Task)), None)
    if index is None:
        return
    assert isinstance(tasks, list)
    tasks[index].max_retries = value
    expected = copy.deepcopy(document)
    expected["tasks"][index]["max_retries"] = value
    assert settings.to_api() == expected


def test_one_odd_list_entry_leaves_the_others_typed() -> None:
    document = {
        "tasks": [
            {"task_key": "a", "depends_on": [{"task_key": "b"}, "junk"]},
            "not a task",
            {"task_key": "b"},
        ]
    }
    settings = JobSettings.from_api(document)
    assert [t.task_key for t in settings.task_list] == ["a", "b"]
    assert settings.edges() == [Edge("b", "a", None)]
    assert dumps(settings.to_api()) == dumps(document)


def test_api_fields_follow_document_order_then_new_fields() -> None:
    task = Task.from_api({"timeout_seconds": 1, "zz": 2, "task_key": "a"})
    task.max_retries = 3
    assert list(task.api_fields()) == ["timeout_seconds", "zz", "task_key", "max_retries"]


def test_api_fields_of_a_task_without_extras_follow_its_edits() -> None:
    task = Task.from_api({"timeout_seconds": 1, "task_key": "a", "run_if": "ALL_DONE"})
    assert task.api_fields() == {"timeout_seconds": 1, "task_key": "a", "run_if": "ALL_DONE"}
    task.unset("timeout_seconds")
    assert task.api_fields() == {"task_key": "a", "run_if": "ALL_DONE"}
    task.max_retries = 3
    task.run_if = None
    assert list(task.api_fields().items()) == [
        ("task_key", "a"),
        ("run_if", None),
        ("max_retries", 3),
    ]


def test_task_type_fields_finds_every_documented_type_in_document_order() -> None:
    task: dict[str, Any] = {name: {} for name in reversed(TASK_TYPES)}
    task.update({"task_key": "a", "quantum_task": {}, "null_task": None, "odd_task": 3})
    task.update({"depends_on": [], "max_retries": 1})
    assert task_type_fields(task) == (tuple(reversed(TASK_TYPES)), ("quantum_task",))
    assert task_type_fields({"notebook_task": None, "task_key": "k"}) == ((), ())
