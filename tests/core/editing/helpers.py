"""What the editing tests share: jobs and tasks written short, the sample job, and ways to
compare documents."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from loom_jobs_widget.core.editing import EditError
from loom_jobs_widget.core.models import TASK_TYPES, JobSettings
from loom_jobs_widget.core.validation import validate


def task(key: str, **fields: Any) -> dict[str, Any]:
    """A notebook task (unless another task type is given), with `depends_on` from `after`."""
    after = fields.pop("after", None)
    document: dict[str, Any] = {"task_key": key}
    if after is not None:
        document["depends_on"] = [{"task_key": upstream} for upstream in after]
    if not any(name in fields for name in TASK_TYPES):
        document["notebook_task"] = {"notebook_path": f"/Workspace/{key}"}
    document.update(fields)
    return document


def job(*tasks: dict[str, Any], **fields: Any) -> JobSettings:
    return JobSettings.from_api({"name": "test job", **fields, "tasks": list(tasks)})


def dumped(settings: JobSettings) -> str:
    """The settings' JSON with its key order: equal strings mean equal documents, in order."""
    return json.dumps(settings.to_api())


def differences(old: Any, new: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The paths where two JSON documents differ (in value, or in key order)."""
    if isinstance(old, dict) and isinstance(new, dict):
        if [k for k in old if k in new] != [k for k in new if k in old]:
            yield (*path, "<key order>")
        for key in {**old, **new}:
            if key not in old or key not in new:
                yield (*path, key)
            else:
                yield from differences(old[key], new[key], (*path, key))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from differences(a, b, (*path, index))
    elif type(old) is not type(new) or old != new:
        yield path


def codes(settings_: JobSettings) -> list[str]:
    """The validator's findings, but for the fields a new task leaves for the user to fill."""
    return [p.code for p in validate(settings_) if p.code != "missing-required-field"]


def refused(call: Callable[[], object]) -> EditError:
    with pytest.raises(EditError) as caught:
        call()
    return caught.value


def sample() -> JobSettings:
    """load → clean → report, a condition task `check` after report, and a for_each `loop`."""
    return job(
        task("load", job_cluster_key="main"),
        task("clean", after=["load"], job_cluster_key="main"),
        task(
            "report",
            after=["clean"],
            notebook_task={
                "notebook_path": "/r",
                "base_parameters": {"rows": "{{tasks.load.values.rows}}"},
            },
        ),
        task(
            "check",
            after=["report"],
            condition_task={"op": "EQUAL_TO", "left": "{{tasks.report.values.ok}}", "right": "1"},
        ),
        task("publish", depends_on=[{"task_key": "check", "outcome": "true"}]),
        task(
            "loop",
            after=["load"],
            for_each_task={"inputs": "[1, 2]", "task": task("loop_item")},
        ),
        job_clusters=[{"job_cluster_key": "main"}],
    )
