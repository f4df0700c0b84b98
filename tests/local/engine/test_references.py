"""Dynamic value references: the resolver on its own, then what tasks receive in a real run."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.engine.resolve import (
    Context,
    TaskState,
    UnresolvedReference,
    resolve_text,
    resolve_value,
    resolved_values,
)

from ..helpers import create_job, get_run, python_task, run_now, tasks_by_key, wait_run, write

# Saturday 9 March 2024, 10:11:12.345 UTC.
SATURDAY_MS = 1709979072345

UPSTREAM = TaskState(
    run_id=501,
    result_state="SUCCESS",
    termination_code="SUCCESS",
    execution_count=1,
    notebook_path="/Shared/etl",
    values={"rows": 42, "ok": True, "name": "orders", "list": [1, "a"]},
)


def context(**changes: Any) -> Context:
    base = Context(
        job_id=11,
        job_name="nightly",
        job_run_id=900,
        repair_count=2,
        start_time_ms=SATURDAY_MS,
        trigger="ONE_TIME",
        trigger_time_ms=SATURDAY_MS,
        parameters={"env": "prod", "my-param": "odd", "a.b": "dotted"},
        workspace_id="1234",
        workspace_url="http://127.0.0.1:5000",
        task_key="load",
        task_run_id=902,
        attempt_number=1,
        execution_count=3,
        task_start_ms=SATURDAY_MS + 60_000,
        tasks={
            "up": UPSTREAM,
            "bad": TaskState(903, "FAILED", "RUN_EXECUTION_ERROR", 2, None),
            "later": TaskState(904, None, None, 0, None),
        },
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{job.id}}/{{job.name}}/{{job.run_id}}/{{job.repair_count}}", "11/nightly/900/2"),
        ("{{job.start_time.iso_date}}", "2024-03-09"),
        ("{{job.start_time.iso_datetime}}", "2024-03-09T10:11:12Z"),
        ("{{job.start_time.timestamp_ms}}", str(SATURDAY_MS)),
        (
            "{{job.start_time.year}}-{{job.start_time.month}}-{{job.start_time.day}} "
            "{{job.start_time.hour}}:{{job.start_time.minute}}:{{job.start_time.second}}",
            "2024-3-9 10:11:12",
        ),
        ("{{job.start_time.iso_weekday}} {{job.start_time.is_weekday}}", "6 false"),
        ("{{job.trigger.type}} {{job.trigger.time.iso_date}}", "onetime 2024-03-09"),
        ("{{job.parameters.env}}", "prod"),
        ("{{job.parameters.`my-param`}} {{job.parameters.a.b}}", "odd dotted"),
        ("{{ job.parameters.env }}", "prod"),
        ("{{task.name}} {{task.run_id}} {{task.execution_count}}", "load 902 3"),
        (
            "{{tasks.up.run_id}} {{tasks.up.result_state}} [{{tasks.up.error_code}}]",
            "501 success []",
        ),
        ("{{tasks.bad.result_state}} {{tasks.bad.error_code}}", "failed RunExecutionError"),
        ("{{tasks.bad.execution_count}} {{tasks.up.notebook_path}}", "2 /Shared/etl"),
        (
            "{{tasks.up.values.rows}} {{tasks.up.values.ok}} {{tasks.up.values.name}}",
            "42 true orders",
        ),
        ("{{tasks.up.values.list}}", '[1,"a"]'),
        ("{{workspace.id}} {{workspace.url}}", "1234 http://127.0.0.1:5000"),
        # The deprecated forms: run_id is the task run's, parent_run_id the job run's.
        ("{{job_id}} {{run_id}} {{parent_run_id}} {{task_key}}", "11 902 900 load"),
        (
            "{{start_date}} {{start_time}} {{task_retry_count}}",
            f"2024-03-09 {SATURDAY_MS + 60_000} 1",
        ),
        # Outside the known namespaces, or malformed: literal text, silently.
        (
            "{{my.value}} {{CATALOG}} {{my.value} {job.id}",
            "{{my.value}} {{CATALOG}} {{my.value} {job.id}",
        ),
        ("no references at all", "no references at all"),
    ],
)
def test_references_resolve_to_their_values(text: str, expected: str) -> None:
    assert resolve_text(text, context()) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{job.naem}}", r"Cannot resolve \{\{job.naem\}\}: the job has no such value"),
        ("{{job.start_time.fortnight}}", "'fortnight' is not a time format"),
        ("{{job.parameters.missing}}", "the run has no job parameter 'missing'"),
        ("{{job.parameters.my-param}}", "not a well-formed reference"),
        ("{{tasks.nope.run_id}}", "'nope' is not a task of this run"),
        ("{{tasks.up.values.missing}}", "task 'up' did not set the task value 'missing'"),
        ("{{tasks.later.values.x}}", "task 'later' has not ended"),
        ("{{tasks.bad.notebook_path}}", "task 'bad' is not a notebook task"),
        ("{{tasks.up.output.rows}}", "SQL tasks"),
        ("{{input}}", r"only has a value in the task nested in a for_each task"),
        ("{{workspace.name}}", "workspace has id and url only"),
    ],
)
def test_invalid_references_in_known_namespaces_are_errors(text: str, message: str) -> None:
    with pytest.raises(UnresolvedReference, match=message):
        resolve_text(text, context())


def test_for_each_inputs_trigger_time_and_values_in_structures() -> None:
    element = {"city": "Oslo", "geo": {"lat": 59.9}, "tags": ["a"]}
    iteration = context(input=element)
    assert resolve_text("{{input.city}} {{input.geo.lat}}", iteration) == "Oslo 59.9"
    assert json.loads(resolve_text("{{input}}", iteration)) == element
    with pytest.raises(UnresolvedReference, match=r"input has no field 'town'"):
        resolve_text("{{input.town}}", iteration)
    assert resolve_text("{{input}}", context(input="plain")) == "plain"
    # Cron-triggered runs see their trigger time rounded down to the minute.
    periodic = context(trigger="PERIODIC")
    assert resolve_text("{{job.trigger.type}} {{job.trigger.time.second}}", periodic) == (
        "periodic 0"
    )
    assert resolve_text("{{job.trigger.type}}", context(trigger="RUN_JOB_TASK")) == "run_job_task"
    task = {
        "notebook_task": {"base_parameters": {"day": "{{job.start_time.iso_date}}", "n": 3}},
        "libraries": [{"whl": "{{job.id}}.whl"}],
    }
    resolved = resolve_value(task["notebook_task"], context())
    assert resolved == {"base_parameters": {"day": "2024-03-09", "n": 3}}
    assert task["notebook_task"]["base_parameters"]["day"] == "{{job.start_time.iso_date}}"


def test_table_update_values_are_left_unresolved_as_undocumented() -> None:
    # {{job.trigger.table_update.*}} names are not documented: not made up.
    table_run = context(trigger="TABLE")
    assert resolve_text("{{job.trigger.type}}", table_run) == "table"
    with pytest.raises(UnresolvedReference, match="not given by the local workspace"):
        resolve_text("{{job.trigger.table_update.updated_tables}}", table_run)
    with pytest.raises(UnresolvedReference, match="only exist in runs a table update started"):
        resolve_text("{{job.trigger.table_update.updated_tables}}", context())


def test_a_job_parameter_keeps_references_to_tasks() -> None:
    job_level = context(task_key=None, task_run_id=None)
    text = "{{job.run_id}}:{{tasks.up.values.rows}}:{{run_id}}"
    kept = resolve_text(text, job_level, keep=frozenset({"task", "tasks", "input"}))
    assert kept == "900:{{tasks.up.values.rows}}:{{run_id}}"
    with pytest.raises(UnresolvedReference, match="only has a value in a task"):
        resolve_text("{{run_id}}", job_level)


def test_resolved_values_follow_the_sdk_shape() -> None:
    assert resolved_values(
        {
            "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "2"},
        }
    ) == {"condition_task": {"left": "1", "right": "2"}}
    assert resolved_values(
        {"spark_python_task": {"python_file": "x.py", "parameters": ["a", 2]}}
    ) == {"spark_python_task": {"parameters": ["a", "2"]}}
    assert resolved_values({"run_job_task": {"job_id": 5, "job_parameters": {"d": "x"}}}) == {
        "run_job_task": {"job_parameters": {"d": "x"}}
    }
    assert resolved_values({"for_each_task": {"inputs": "[1]", "task": {}}}) == {}


# --- through a run -------------------------------------------------------------------------------

ECHO = "import json, sys\nprint('ARGV=' + json.dumps(sys.argv[1:]))\n"
SET_VALUE = "dbutils.jobs.taskValues.set('city', 'Oslo')\n"


def argv_of(w: WorkspaceClient, task_run_id: int) -> list[str]:
    logs = w.jobs.get_run_output(task_run_id).logs or ""
    line = next(line for line in logs.splitlines() if line.startswith("ARGV="))
    result: list[str] = json.loads(line.removeprefix("ARGV="))
    return result


def test_a_task_receives_its_references_resolved(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    echo = write(lw, f"{base}/echo.py", ECHO)
    setter = write(lw, f"{base}/set.py", SET_VALUE)
    arguments = [
        "{{job.id}}",
        "{{job.name}}",
        "{{job.run_id}}",
        "{{job.repair_count}}",
        "{{job.trigger.type}}",
        "{{job.parameters.`run-date`}}",
        "{{task.name}}",
        "{{task.run_id}}",
        "{{task.execution_count}}",
        "{{tasks.up.run_id}}",
        "{{tasks.up.result_state}}",
        "{{tasks.up.values.city}}",
        "{{workspace.id}}",
        "{{workspace.url}}",
        "{{job_id}}-{{parent_run_id}}-{{task_key}}",
        "{{not.a.namespace}}",
    ]
    job_id = create_job(
        w,
        {
            "name": "references",
            "parameters": [{"name": "run-date", "default": "{{job.start_time.iso_date}}"}],
            "tasks": [
                python_task("up", setter),
                python_task("use", echo, after=("up",))
                | {"spark_python_task": {"python_file": echo, "parameters": arguments}},
            ],
        },
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    assert run["state"]["result_state"] == "SUCCESS", run
    up, use = tasks_by_key(run)["up"], tasks_by_key(run)["use"]
    start_date = resolve_text(
        "{{job.start_time.iso_date}}", context(start_time_ms=run["start_time"])
    )
    # The parameter's default is resolved once, for the whole run.
    assert run["job_parameters"] == [
        {"name": "run-date", "default": "{{job.start_time.iso_date}}", "value": start_date}
    ]
    assert argv_of(w, use["run_id"]) == [
        str(job_id),
        "references",
        str(run_id),
        "0",
        "onetime",
        start_date,
        "use",
        str(use["run_id"]),
        "1",
        str(up["run_id"]),
        "success",
        "Oslo",
        lw.workspace_id,
        lw.host,
        f"{job_id}-{run_id}-use",
        "{{not.a.namespace}}",
    ]
    # The task run keeps its settings as written; what they became is in resolved_values.
    assert use["spark_python_task"]["parameters"] == arguments
    assert "resolved_values" not in use
    sdk = w.jobs.get_run(run_id, include_resolved_values=True)
    resolved = {t.task_key: t.resolved_values for t in sdk.tasks or []}
    use_values = resolved["use"]
    assert use_values is not None and use_values.spark_python_task is not None
    assert use_values.spark_python_task.parameters == argv_of(w, use["run_id"])

    # A repair counts: {{job.repair_count}} and {{task.execution_count}} go up.
    w.jobs.repair_run(run_id, rerun_tasks=["use"])
    repaired = wait_run(w, run_id)
    again = argv_of(w, tasks_by_key(repaired)["use"]["run_id"])
    assert (again[3], again[8]) == ("1", "2")
    assert again[5] == start_date  # start_time stays the run's


def test_references_that_cannot_resolve_fail_the_task_or_the_request(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = f"Shared/{uuid.uuid4().hex[:8]}"
    echo = write(lw, f"{base}/echo.py", ECHO)
    quiet = write(lw, f"{base}/quiet.py", "print('sets nothing')\n")
    job_id = create_job(
        w,
        {
            "name": "unresolved",
            "parameters": [{"name": "day", "default": "mon"}],
            "tasks": [
                python_task("quiet", quiet),
                python_task("use", echo, after=("quiet",), max_retries=2)
                | {
                    "spark_python_task": {
                        "python_file": echo,
                        "parameters": ["{{tasks.quiet.values.count}}"],
                    }
                },
            ],
        },
    )
    run = wait_run(w, run_now(w, job_id))
    attempts = [t for t in run["tasks"] if t["task_key"] == "use"]
    assert len(attempts) == 1  # a reference that cannot resolve is not retried
    (use,) = attempts
    assert use["state"]["result_state"] == "FAILED"
    assert use["state"]["state_message"] == (
        "Cannot resolve {{tasks.quiet.values.count}}: task 'quiet' did not set the task value "
        "'count'"
    )
    assert use["status"]["termination_details"]["code"] == "INVALID_RUN_CONFIGURATION"
    assert "did not set the task value" in (w.jobs.get_run_output(use["run_id"]).error or "")
    # A run-now value with a bad reference is refused before any run starts.
    with pytest.raises(InvalidParameterValue, match=r"Job parameter 'day': Cannot resolve"):
        run_now(w, job_id, job_parameters={"day": "{{job.naem}}"})
    assert get_run(w, run["run_id"])["run_id"] == run["run_id"]
