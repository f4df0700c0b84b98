"""Rules on dynamic value references (`{{job.parameters.x}}`, `{{tasks.a.values.b}}`, ...)."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import check, clean, codes, for_each, job, only, task

# --- dynamic value references ---------------------------------------------------------------------


def notebook(key: str, value: str, **fields: Any) -> dict[str, Any]:
    """A notebook task passing `value` as its base parameter `p`."""
    return task(
        key, notebook_task={"notebook_path": "/n", "base_parameters": {"p": value}}, **fields
    )


P_FIELD = "notebook_task.base_parameters.p"


def test_task_value_of_an_unknown_task() -> None:
    problem = only(job(notebook("a", "{{tasks.ghost.values.rows}}")))
    assert (problem.code, problem.severity) == ("unknown-task-reference", "error")
    assert (problem.task_key, problem.field) == ("a", f"tasks[a].{P_FIELD}")
    assert "'ghost' is not a task of this job" in problem.message


def test_task_value_of_a_task_that_is_not_upstream() -> None:
    problem = only(job(task("x"), notebook("a", "rows={{tasks.x.values.rows}}")))
    assert (problem.code, problem.severity) == ("task-value-not-upstream", "error")
    assert (problem.task_key, problem.field) == ("a", f"tasks[a].{P_FIELD}")


def test_task_value_of_a_downstream_task() -> None:
    problem = only(job(notebook("a", "{{tasks.b.values.k}}"), task("b", after=["a"])))
    assert problem.code == "task-value-not-upstream"


def test_task_value_of_an_upstream_task_directly_or_not() -> None:
    clean(
        job(
            task("x"),
            task("y", after=["x"]),
            notebook("a", "{{tasks.x.values.rows}} {{tasks.y.values.rows}}", after=["y"]),
        )
    )


def test_other_value_of_a_task_that_is_not_upstream_is_a_warning() -> None:
    problem = only(job(task("x"), notebook("a", "{{tasks.x.result_state}}")))
    assert (problem.code, problem.severity) == ("reference-not-upstream", "warning")


@pytest.mark.parametrize(
    "value",
    [
        "run_id",
        "result_state",
        "error_code",
        "execution_count",
        "notebook_path",
        "values.k",
        "output.rows",
        "output.first_row",
        "output.first_row.region",
        "output.alert_state",
    ],
)
def test_known_values_of_a_task(value: str) -> None:
    clean(job(task("x"), notebook("a", f"{{{{tasks.x.{value}}}}}", after=["x"])))


@pytest.mark.parametrize("value", ["status", "values", "run_id.more", "notebook"])
def test_unknown_value_of_a_task(value: str) -> None:
    problem = only(job(task("x"), notebook("a", f"{{{{tasks.x.{value}}}}}", after=["x"])))
    assert (problem.code, problem.severity) == ("unknown-reference", "error")
    assert (problem.task_key, problem.field) == ("a", f"tasks[a].{P_FIELD}")


def test_unknown_task_output_is_a_warning() -> None:
    problem = only(job(task("x"), notebook("a", "{{tasks.x.output.last_row}}", after=["x"])))
    assert (problem.code, problem.severity) == ("unverified-reference", "warning")


def test_task_reference_without_a_value() -> None:
    assert codes(job(task("x"), notebook("a", "{{tasks.x}}", after=["x"]))) == ["unknown-reference"]


def test_backtick_quoted_names() -> None:
    clean(
        job(
            task("my-task"),
            notebook(
                "a",
                "{{tasks.`my-task`.values.`row count`}} {{job.parameters.`my-param`}}",
                after=["my-task"],
            ),
            parameters=[{"name": "my-param", "default": ""}],
        )
    )


def test_unknown_job_parameter() -> None:
    problem = only(
        job(
            notebook("a", "{{job.parameters.catalog}}"),
            parameters=[{"name": "schema", "default": ""}],
        )
    )
    assert (problem.code, problem.severity) == ("unknown-job-parameter-reference", "error")
    assert (problem.task_key, problem.field) == ("a", f"tasks[a].{P_FIELD}")
    assert "no parameter 'catalog'" in problem.message


def test_job_parameter_of_a_job_without_parameters() -> None:
    assert codes(job(notebook("a", "{{job.parameters.catalog}}"))) == [
        "unknown-job-parameter-reference"
    ]


def test_job_parameters_from_a_bundle_are_not_judged() -> None:
    clean(job(notebook("a", "{{job.parameters.catalog}}"), parameters="${var.parameters}"))
    clean(
        job(
            notebook("a", "{{job.parameters.catalog}}"),
            parameters=[{"name": "${var.name}", "default": ""}],
        )
    )


@pytest.mark.parametrize(
    "reference",
    [
        "job.id",
        "job.name",
        "job.run_id",
        "job.repair_count",
        "job.start_time.iso_date",
        "job.start_time.timestamp_ms",
        "job.parameters.catalog",
        "job.trigger.type",
        "job.trigger.file_arrival.location",
        "job.trigger.time.iso_datetime",
        "job.trigger.table_update.updated_tables",
        "task.name",
        "task.run_id",
        "task.execution_count",
        "task.notebook_path",
        "workspace.id",
        "workspace.url",
        " job.id ",
    ],
)
def test_known_references(reference: str) -> None:
    document = job(
        notebook("a", f"{{{{{reference}}}}}"), parameters=[{"name": "catalog", "default": ""}]
    )
    clean(document)


@pytest.mark.parametrize(
    "reference",
    [
        "job.naem",
        "job.notebook_url",
        "job",
        "job.start_time",
        "job.start_time.iso_dat",
        "job.parameters",
        "job.id.x",
        "task.key",
        "task",
        "workspace.name",
    ],
)
def test_unknown_references_in_known_namespaces(reference: str) -> None:
    problem = only(job(notebook("a", f"{{{{{reference}}}}}")))
    assert (problem.code, problem.severity) == ("unknown-reference", "error")
    assert (problem.task_key, problem.field) == ("a", f"tasks[a].{P_FIELD}")


def test_unknown_trigger_value_is_a_warning() -> None:
    problem = only(job(notebook("a", "{{job.trigger.model.name}}")))
    assert (problem.code, problem.severity) == ("unverified-reference", "warning")


@pytest.mark.parametrize(
    "text",
    [
        "{{job_id}}",
        "{{run_id}}",
        "{{parent_run_id}}",
        "{{task_key}}",
        "{{start_date}}",
        "{{start_time}}",
        "{{task_retry_count}}",
        "{{workspace_user_name}}",
        "{{DEMO_FOLDER}}",
        "{{CATALOG}}.{{SCHEMA}}",
        "{{DYNAMIC_SDP_ID_sdp-fsi-credit}}",
        "{{secrets/scope/key}}",
        "{{backfill.iso_date}}",
        "{{.catalog_name}}",
        "{{my.value}",
        "{{ jobs.id }}",
        "{{}}",
    ],
)
def test_text_outside_known_namespaces_is_left_alone(text: str) -> None:
    clean(job(notebook("a", f"/Users/{text}/x")))


def test_malformed_reference_is_a_warning() -> None:
    problem = only(
        job(
            notebook("a", "{{job.parameters.my-param}}"),
            parameters=[{"name": "my-param", "default": ""}],
        )
    )
    assert (problem.code, problem.severity) == ("malformed-reference", "warning")
    assert "backticks" in problem.message


def test_input_outside_a_for_each_task() -> None:
    problem = only(job(notebook("a", "{{input}}")))
    assert (problem.code, problem.severity) == ("input-outside-for-each", "error")
    assert (problem.task_key, problem.field) == ("a", f"tasks[a].{P_FIELD}")


def test_input_in_the_inputs_of_a_for_each_task() -> None:
    document = job(task("loop", for_each_task={"inputs": "{{input.items}}", "task": task("it")}))
    problem = only(document)
    assert problem.code == "input-outside-for-each"
    assert problem.field == "tasks[loop].for_each_task.inputs"


def test_references_in_a_for_each_task() -> None:
    nested = notebook("item", "{{input}} {{input.name}} {{tasks.make.values.items}}")
    document = job(
        task("make"),
        task(
            "loop",
            after=["make"],
            for_each_task={"inputs": "{{tasks.make.values.items}}", "task": nested},
        ),
    )
    clean(document)


def test_nested_task_sees_only_what_its_for_each_task_sees() -> None:
    nested = notebook("item", "{{tasks.other.values.x}}")
    problem = only(job(task("other"), for_each("loop", nested)))
    assert (problem.code, problem.severity) == ("task-value-not-upstream", "error")
    assert problem.task_key == "loop"
    assert problem.field == f"tasks[loop].for_each_task.task.{P_FIELD}"


def test_references_in_other_task_types() -> None:
    document = job(
        task(
            "check",
            condition_task={"op": "GREATER_THAN", "left": "{{tasks.ghost.values.n}}", "right": "0"},
        ),
        task(
            "sql",
            sql_task={
                "warehouse_id": "w",
                "file": {"path": "/q.sql"},
                "parameters": {"d": "{{job.naem}}"},
            },
        ),
        task(
            "py", spark_python_task={"python_file": "/p.py", "parameters": ["--x", "{{task.nam}}"]}
        ),
        task("run", run_job_task={"job_id": 1, "job_parameters": {"w": "{{workspace.nope}}"}}),
    )
    assert [(p.code, p.field) for p in check(document)] == [
        ("unknown-task-reference", "tasks[check].condition_task.left"),
        ("unknown-reference", "tasks[sql].sql_task.parameters.d"),
        ("unknown-reference", "tasks[py].spark_python_task.parameters[1]"),
        ("unknown-reference", "tasks[run].run_job_task.job_parameters.w"),
    ]


def test_field_paths_quote_odd_keys() -> None:
    document = job(notebook("a", "x"))
    document["tasks"][0]["notebook_task"]["base_parameters"] = {"my key": "{{job.naem}}"}
    problem = only(document)
    assert problem.field == 'tasks[a].notebook_task.base_parameters["my key"]'


def test_references_outside_task_parameters_are_not_resolved() -> None:
    clean(
        job(
            task(
                "a",
                description="passes {{tasks.x.values.y}} on",
                new_cluster={"spark_conf": {"password": "{{secrets/scope/key}}"}},
                email_notifications={"on_failure": ["{{job.naem}}@x.com"]},
            )
        )
    )


def test_references_in_job_parameter_defaults() -> None:
    parameters = [
        {"name": "day", "default": "{{job.start_time.iso_date}}"},
        {"name": "bad", "default": "{{job.naem}}"},
    ]
    problem = only(job(parameters=parameters))
    assert (problem.code, problem.severity) == ("unknown-reference", "error")
    assert (problem.task_key, problem.field) == (None, "parameters[1].default")


def test_several_references_in_one_string() -> None:
    problems = check(job(notebook("a", "{{job.naem}}/{{job.id}}/{{tasks.zz.run_id}}")))
    assert [p.code for p in problems] == ["unknown-reference", "unknown-task-reference"]


def test_references_when_task_keys_come_from_a_bundle() -> None:
    clean(job(task("${var.producer}"), notebook("a", "{{tasks.producer.values.rows}}")))


def test_references_in_a_task_type_this_editor_does_not_know() -> None:
    # A task type newer than this editor still passes its values on: they are read all the same.
    document = job(
        task("a", quantum_task={"circuit": {"shots": "{{job.naem}}"}}),
        task("b", notebook_task={"notebook_path": "/n"}, quantum_task={"x": "{{job.id}}"}),
    )
    assert [(p.code, p.field) for p in check(document)] == [
        ("unknown-task-type", "tasks[a].quantum_task"),
        ("unknown-reference", "tasks[a].quantum_task.circuit.shots"),
        ("unknown-task-type", "tasks[b].quantum_task"),
    ]
