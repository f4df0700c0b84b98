"""What the validator's tests share: job documents made short, and checks that a document
validates the same as a raw mapping and as a model."""

from __future__ import annotations

import re
from typing import Any

from loom_jobs_widget.core.models import TASK_TYPES, JobSettings
from loom_jobs_widget.core.validation import Problem, validate


def task(key: Any, **fields: Any) -> dict[str, Any]:
    """A notebook task (unless another task type is given), with `depends_on` from `after`."""
    after = fields.pop("after", None)
    document: dict[str, Any] = {"task_key": key}
    if after is not None:
        document["depends_on"] = [{"task_key": upstream} for upstream in after]
    if not any(name in fields for name in TASK_TYPES):
        document["notebook_task"] = {"notebook_path": f"/Workspace/{key}"}
    document.update(fields)
    return document


def job(*tasks: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"name": "test job", **fields, "tasks": list(tasks)}


def check(document: Any) -> list[Problem]:
    """Validates a document both as a raw mapping and as a model; the two must agree."""
    problems = validate(document)
    if isinstance(document, dict):
        assert validate(JobSettings.from_api(document)) == problems
    return problems


def only(document: Any) -> Problem:
    problems = check(document)
    assert len(problems) == 1, problems
    return problems[0]


def codes(document: Any) -> list[str]:
    return [problem.code for problem in check(document)]


def clean(document: Any) -> None:
    assert check(document) == []


def for_each(key: str, nested: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return task(key, for_each_task={"inputs": "[1, 2]", "task": nested, **fields})


def assert_well_formed(problems: Any) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.code != "validator-failure", problem.message
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", problem.code)
        assert problem.severity in ("error", "warning")
        assert isinstance(problem.message, str) and problem.message
        assert problem.task_key is None or isinstance(problem.task_key, str)
        assert problem.field is None or isinstance(problem.field, str)
