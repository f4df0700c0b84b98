"""The task type registry is the one source of what the package knows of each task type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from loom_jobs_widget.core import models
from loom_jobs_widget.core.task_types import TASK_TYPES, TaskType, task_type
from loom_jobs_widget.core.validation import validate
from loom_jobs_widget.local.exec.planners import PLANNERS

CORE = Path(__file__).resolve().parents[2] / "loom_jobs_widget" / "core"


# The Jobs API's task types in its documented order (databricks-sdk 0.162.0's `Task`).
DOCUMENTED = (
    "notebook_task",
    "spark_python_task",
    "python_wheel_task",
    "spark_jar_task",
    "spark_submit_task",
    "sql_task",
    "pipeline_task",
    "run_job_task",
    "condition_task",
    "for_each_task",
    "dbt_task",
    "dbt_cloud_task",
    "dbt_platform_task",
    "dashboard_task",
    "alert_task",
    "power_bi_task",
    "clean_rooms_notebook_task",
    "gen_ai_compute_task",
    "ai_runtime_task",
    "ai_function_task",
    "python_operator_task",
)


def test_the_registry_is_what_the_models_know() -> None:
    keys = tuple(entry.key for entry in TASK_TYPES)
    assert keys == DOCUMENTED
    assert keys == models.TASK_TYPES
    no_compute = {entry.key for entry in TASK_TYPES if not entry.compute}
    assert no_compute == models.NO_COMPUTE_TASK_TYPES
    assert no_compute == {
        "condition_task",
        "run_job_task",
        "pipeline_task",
        "sql_task",
        "dashboard_task",
        "alert_task",
        "power_bi_task",
        "for_each_task",
        "dbt_cloud_task",
        "dbt_platform_task",
    }


def test_a_task_type_by_its_key() -> None:
    for entry in TASK_TYPES:
        assert task_type(entry.key) is entry
    assert task_type("quantum_task") is None
    assert task_type("task_key") is None


def test_keys_and_labels_are_unique_and_forms_are_a_picker_order() -> None:
    assert len({e.key for e in TASK_TYPES}) == len(TASK_TYPES)
    assert len({e.label for e in TASK_TYPES}) == len(TASK_TYPES)
    forms = sorted(e.form for e in TASK_TYPES if e.form is not None)
    assert forms == list(range(len(forms)))


@pytest.mark.parametrize("entry", [e for e in TASK_TYPES if e.required], ids=lambda e: e.key)
def test_an_empty_task_type_misses_exactly_its_required_fields(entry: TaskType) -> None:
    problems = validate({"tasks": [{"task_key": "a", entry.key: {}}]})
    missing = [
        (p.field, p.message)
        for p in problems
        if p.code == "missing-required-field" and p.field != "tasks[a].sql_task"
    ]
    noun = entry.key.removesuffix("_task").replace("_", " ")
    assert missing == [
        (
            f"tasks[a].{entry.key}.{required.name}",
            f"Task 'a' has no {entry.key}.{required.name}: a {noun} task needs {required.what}.",
        )
        for required in entry.required
    ]


@pytest.mark.parametrize("entry", [e for e in TASK_TYPES if not e.required], ids=lambda e: e.key)
def test_a_task_type_without_required_fields_misses_none(entry: TaskType) -> None:
    problems = validate({"tasks": [{"task_key": "a", entry.key: {}}]})
    assert [p for p in problems if p.code == "missing-required-field"] == []


def test_the_local_workspace_plans_a_process_for_exactly_the_process_types() -> None:
    process = {e.key for e in TASK_TYPES if e.local == "process"}
    assert process == set(PLANNERS)


def test_the_engine_runs_conditions_loops_and_jobs() -> None:
    engine = {e.key for e in TASK_TYPES if e.local == "engine"}
    assert engine == {"condition_task", "for_each_task", "run_job_task"}


def test_the_registry_and_the_limits_need_only_the_standard_library() -> None:
    # The TypeScript generator loads these files on their own.
    script = (
        "import importlib.util, sys\n"
        "for path in sys.argv[1:]:\n"
        "    spec = importlib.util.spec_from_file_location('m', path)\n"
        "    module = importlib.util.module_from_spec(spec)\n"
        "    sys.modules['m'] = module\n"
        "    spec.loader.exec_module(module)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'loom_jobs_widget')))\n"
    )
    paths = [str(CORE / "task_types.py"), str(CORE / "limits.py")]
    result = subprocess.run(
        [sys.executable, "-c", script, *paths], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
