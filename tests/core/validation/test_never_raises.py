"""`validate` never raises and never fails a rule, whatever document it is given."""

from __future__ import annotations

import gc
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.core.models import TASK_TYPES, JobSettings, Task
from loom_jobs_widget.core.validation import validate

from .helpers import assert_well_formed

# --- never raises: arbitrary documents ------------------------------------------------------------

KEYS = sorted(
    {
        *TASK_TYPES,
        *JobSettings.model_fields,
        *Task.model_fields,
        "task_key",
        "depends_on",
        "outcome",
        "for_each_task",
        "task",
        "inputs",
        "concurrency",
        "webhook_notifications",
        "on_start",
        "on_failure",
        "health",
        "rules",
        "op",
        "metric",
        "quartz_cron_expression",
        "timezone_id",
        "name",
        "default",
        "job_cluster_key",
        "environment_key",
        "user_name",
        "group_name",
        "service_principal_name",
        "periodic",
        "file_arrival",
        "table_update",
        "git_provider",
        "left",
        "right",
        "base_parameters",
        "parameters",
        "notebook_path",
        "quantum_task",
        "__dict__",
        "model_fields",
        "_key_order",
        "schema",
        "schema_",
        "copy",
    }
)
keys = st.sampled_from(KEYS) | st.text(max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "a",
            "b",
            "c",
            "",
            "true",
            "ALL_DONE",
            "EQUAL_TO",
            "GREATER_THAN",
            "UTC",
            "0 0 3 * * ?",
            "${var.x}",
            "{{tasks.a.values.x}}",
            "{{tasks.b.run_id}}",
            "{{job.parameters.p}}",
            "{{input}}",
            "{{job.naem}}",
            "{{job.parameters.`p`}}",
            "{{tasks.`a",
            "{{ }}",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
task_keys = st.sampled_from(["a", "b", "c", "", "a b", "${var.k}"]) | json_values


def _task_documents() -> st.SearchStrategy[Any]:
    dependency = st.fixed_dictionaries(
        {}, optional={"task_key": task_keys, "outcome": json_values, "extra": json_values}
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "task_key": task_keys,
            "depends_on": st.lists(dependency | json_values, max_size=3) | json_values,
            "notebook_task": st.dictionaries(keys, json_values, max_size=3) | json_values,
            "condition_task": st.fixed_dictionaries(
                {}, optional={"op": json_values, "left": json_values, "right": json_values}
            )
            | json_values,
            "for_each_task": st.fixed_dictionaries(
                {},
                optional={
                    "task": st.deferred(_task_documents) | json_values,
                    "concurrency": json_values,
                    "inputs": json_values,
                },
            )
            | json_values,
            "run_if": json_values,
            "job_cluster_key": json_values,
            "environment_key": json_values,
            "webhook_notifications": st.dictionaries(keys, json_values, max_size=3) | json_values,
            "health": json_values,
            "timeout_seconds": json_values,
            "quantum_task": json_values,
            "sql_task": json_values,
        },
    )


task_documents = _task_documents()
job_documents = st.fixed_dictionaries(
    {},
    optional={
        "tasks": st.lists(task_documents | json_values, max_size=6) | json_values,
        "parameters": st.lists(
            st.fixed_dictionaries({}, optional={"name": task_keys, "default": json_values})
            | json_values,
            max_size=3,
        )
        | json_values,
        "job_clusters": st.lists(st.dictionaries(keys, json_values, max_size=3), max_size=3)
        | json_values,
        "environments": json_values,
        "schedule": st.fixed_dictionaries(
            {}, optional={"quartz_cron_expression": json_values, "timezone_id": json_values}
        )
        | json_values,
        "trigger": st.dictionaries(keys, json_values, max_size=3) | json_values,
        "triggers": json_values,
        "continuous": json_values,
        "tags": json_values,
        "run_as": st.dictionaries(keys, json_values, max_size=3) | json_values,
        "max_concurrent_runs": json_values,
        "timeout_seconds": json_values,
        "webhook_notifications": json_values,
        "health": json_values,
        "git_source": json_values,
        "format": json_values,
        "notebook_task": json_values,
        "other": json_values,
    },
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(job_documents)
def test_any_job_shaped_document_is_validated(document: dict[str, Any]) -> None:
    problems = validate(document)
    assert_well_formed(problems)
    assert validate(JobSettings.from_api(document)) == problems
    assert validate(document) == problems  # deterministic


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(json_values)
def test_any_json_value_is_validated(value: Any) -> None:
    assert_well_formed(validate(value))


def test_validating_leaves_the_garbage_collector_as_it_was() -> None:
    task = {"task_key": "a", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}
    document = {"tasks": [{**task, "depends_on": [{"task_key": "a"}]}]}
    assert gc.isenabled()
    assert [p.code for p in validate(document)] == ["self-dependency"]
    assert gc.isenabled()
    gc.disable()
    try:
        assert [p.code for p in validate(document)] == ["self-dependency"]
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert validate(JobSettings.from_api({"tasks": [task]})) == []
    assert gc.isenabled()
