"""`available_references` offers exactly the references the validator accepts in a task, and
`quote_name` writes names as references quote them."""

from __future__ import annotations

from typing import Any

import pytest

from loom_jobs_widget.core.editing import set_task_field
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.references import (
    PLACEHOLDER,
    TIME_ARGUMENTS,
    available_references,
    parse,
    quote_name,
)
from loom_jobs_widget.core.validation import validate

from ..corpus import corpus_files, corpus_settings


def sample(**job_fields: Any) -> JobSettings:
    """extract (SQL) → clean (notebook) → gate (condition) → fan (for_each of `one`); `side`
    depends on nothing and nothing depends on it."""
    return JobSettings.from_api(
        {
            "name": "refs",
            "parameters": [
                {"name": "run_date", "default": "{{job.start_time.iso_date}}"},
                {"name": "my-env", "default": "dev"},
                {"name": "a.b", "default": ""},
            ],
            "tasks": [
                {
                    "task_key": "extract",
                    "sql_task": {"warehouse_id": "w", "query": {"query_id": "q"}},
                },
                {
                    "task_key": "clean",
                    "depends_on": [{"task_key": "extract"}],
                    "notebook_task": {
                        "notebook_path": "/clean",
                        "base_parameters": {"n": "{{tasks.extract.values.row_count}}"},
                    },
                },
                {
                    "task_key": "gate",
                    "depends_on": [{"task_key": "clean"}],
                    "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"},
                },
                {
                    "task_key": "fan",
                    "depends_on": [{"task_key": "gate", "outcome": "true"}],
                    "for_each_task": {
                        "inputs": "[1, 2]",
                        "task": {"task_key": "one", "notebook_task": {"notebook_path": "/one"}},
                    },
                },
                {"task_key": "side", "spark_python_task": {"python_file": "/side.py"}},
            ],
            **job_fields,
        }
    )


def filled(reference: str) -> str:
    return PLACEHOLDER.sub("x", reference)


# Where each task of `sample` takes a parameter, a field the validator reads references in.
PARAMETER: dict[str, tuple[str, list[str | int]]] = {
    "extract": ("extract", ["sql_task", "parameters", "p"]),
    "clean": ("clean", ["notebook_task", "base_parameters", "p"]),
    "gate": ("gate", ["condition_task", "left"]),
    "fan": ("fan", ["for_each_task", "inputs"]),
    "side": ("side", ["spark_python_task", "parameters", 0]),
    "one": ("fan", ["for_each_task", "task", "notebook_task", "base_parameters", "p"]),
}


def offered(settings: JobSettings, task_key: str) -> list[str]:
    return [reference for reference, _ in available_references(settings, task_key)]


@pytest.mark.parametrize("task_key", PARAMETER)
def test_every_reference_offered_is_one_the_validator_accepts_there(task_key: str) -> None:
    settings = sample(trigger={"file_arrival": {"url": "/Volumes/a/b/c/"}})
    assert validate(settings) == []
    owner, path = PARAMETER[task_key]
    for reference, description in available_references(settings, task_key):
        assert description and parse(filled(reference)[2:-2]), reference
        edited = set_task_field(settings, owner, path, f"a {filled(reference)} b")
        assert validate(edited) == [], reference


def test_a_task_is_offered_the_job_s_values_in_order() -> None:
    references = offered(sample(), "side")
    assert references[:4] == [
        "{{job.id}}",
        "{{job.name}}",
        "{{job.run_id}}",
        "{{job.repair_count}}",
    ]
    start_times = [f"{{{{job.start_time.{argument}}}}}" for argument in TIME_ARGUMENTS]
    assert references[4 : 4 + len(TIME_ARGUMENTS)] == start_times
    parameters = [r for r in references if r.startswith("{{job.parameters.")]
    assert parameters == [
        "{{job.parameters.run_date}}",
        "{{job.parameters.`my-env`}}",
        "{{job.parameters.`a.b`}}",
    ]
    assert "{{job.trigger.type}}" in references
    assert "{{job.trigger.time.iso_date}}" in references
    assert references[-2:] == ["{{workspace.id}}", "{{workspace.url}}"]
    assert [r for r in references if r.startswith("{{task.")] == [
        "{{task.name}}",
        "{{task.run_id}}",
        "{{task.execution_count}}",
    ]


def test_trigger_values_come_with_their_trigger() -> None:
    plain = offered(sample(), "side")
    assert not [r for r in plain if "file_arrival" in r or "table_update" in r]
    arrival = offered(sample(trigger={"file_arrival": {"url": "/Volumes/x/"}}), "side")
    assert "{{job.trigger.file_arrival.location}}" in arrival
    listed = sample(triggers=[{"table_update": {"table_names": ["a.b.c"]}}])
    assert "{{job.trigger.table_update.updated_tables}}" in offered(listed, "side")


def test_only_the_task_nested_in_a_for_each_task_has_an_input() -> None:
    nested = offered(sample(), "one")
    assert nested[:2] == ["{{input}}", "{{input.<name>}}"]
    for task_key in ("extract", "clean", "gate", "fan", "side"):
        assert not [r for r in offered(sample(), task_key) if r.startswith("{{input")]


def test_only_upstream_tasks_are_offered() -> None:
    def upstream(task_key: str) -> list[str]:
        found = []
        for reference in offered(sample(), task_key):
            names = parse(filled(reference)[2:-2])
            if names and names[0] == "tasks" and names[1] not in found:
                found.append(names[1])
        return found

    assert upstream("extract") == []
    assert upstream("side") == []
    assert upstream("clean") == ["extract"]
    assert upstream("gate") == ["clean", "extract"]
    # The nested task sees what its for_each task sees, not the for_each task itself.
    assert upstream("fan") == upstream("one") == ["gate", "clean", "extract"]


def test_an_upstream_task_offers_what_its_type_has() -> None:
    references = offered(sample(), "gate")
    assert "{{tasks.extract.output.rows}}" in references
    assert "{{tasks.extract.output.first_row.<column>}}" in references
    assert "{{tasks.extract.notebook_path}}" not in references
    assert "{{tasks.clean.notebook_path}}" in references
    assert "{{tasks.clean.output.rows}}" not in references
    # Task values other references already read, then the template.
    values = [r for r in references if ".values." in r]
    assert values == [
        "{{tasks.clean.values.<name>}}",
        "{{tasks.extract.values.row_count}}",
        "{{tasks.extract.values.<name>}}",
    ]
    for value in ("result_state", "error_code", "run_id", "execution_count"):
        assert f"{{{{tasks.extract.{value}}}}}" in references
    assert "{{task.notebook_path}}" in offered(sample(), "clean")
    assert "{{task.notebook_path}}" not in references


def test_keys_that_need_quoting_are_quoted() -> None:
    settings = JobSettings.from_api(
        {
            "tasks": [
                {"task_key": "load-raw", "notebook_task": {"notebook_path": "/l"}},
                {
                    "task_key": "next",
                    "depends_on": [{"task_key": "load-raw"}],
                    "notebook_task": {"notebook_path": "/n", "base_parameters": {}},
                },
            ]
        }
    )
    references = offered(settings, "next")
    assert "{{tasks.`load-raw`.values.<name>}}" in references
    edited = set_task_field(
        settings,
        "next",
        ["notebook_task", "base_parameters", "p"],
        " ".join(map(filled, references)),
    )
    assert validate(edited) == []


def test_an_unknown_task_is_an_error() -> None:
    with pytest.raises(ValueError, match="'nope' is not a task"):
        available_references(sample(), "nope")


def test_quote_name() -> None:
    assert quote_name("rows_2") == "rows_2"
    assert quote_name("my-name") == "`my-name`"
    assert quote_name("a.b") == "`a.b`"
    assert parse(f"job.parameters.{quote_name('my name')}") == ("job", "parameters", "my name")


@pytest.mark.parametrize("name", corpus_files())
def test_references_offered_in_corpus_jobs_add_no_reference_problem(name: str) -> None:
    settings = JobSettings.from_api(corpus_settings(name))
    sites: list[tuple[str, str, list[str | int]]] = []
    for task in settings.task_list[:4]:  # enough of a 1000-task job
        key = task.task_key
        if not isinstance(key, str) or settings.task(key) is not task:
            continue
        sites.append((key, key, ["x_task", "p"]))
        nested = task.for_each_task.task if task.for_each_task is not None else None
        nested_key = getattr(nested, "task_key", None)
        if isinstance(nested_key, str) and settings.task(nested_key) is None:
            sites.append((nested_key, key, ["for_each_task", "task", "x_task", "p"]))
    before = validate(settings)
    for task_key, owner, path in sites:
        references = [filled(r) for r, _ in available_references(settings, task_key)]
        edited = set_task_field(settings, owner, path, " ".join(references))
        # An unknown `x_task` type is reported once; no reference in it is.
        added = [p for p in validate(edited) if p not in before]
        assert [p.code for p in added] == ["unknown-task-type"], (task_key, added)
