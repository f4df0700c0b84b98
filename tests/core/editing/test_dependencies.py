"""Dependencies added (cycles refused, their path named) and removed."""

from __future__ import annotations

import pytest

from loom_jobs_widget.core.editing import add_dependency, add_task, remove_dependency

from .helpers import refused, sample


def test_add_dependency_appends_an_entry() -> None:
    before = sample()
    after = add_dependency(before, "load", "publish")
    assert after.to_api()["tasks"][4]["depends_on"] == [
        {"task_key": "check", "outcome": "true"},
        {"task_key": "load"},
    ]
    assert after.task_list[:4] == before.task_list[:4]
    assert all(
        a is b
        for a, b in zip(after.task_list, before.task_list, strict=True)
        if a.task_key != "publish"
    )


def test_add_dependency_refuses_a_cycle_naming_its_path() -> None:
    before = sample()
    error = refused(lambda: add_dependency(before, "report", "load"))
    assert error.message == (
        "'load' cannot depend on 'report': 'report' already runs after 'load' "
        "(load → clean → report), so this would make a cycle."
    )
    assert error.task_key == "load" and error.field == "tasks[load].depends_on"


@pytest.mark.parametrize(
    ("upstream", "downstream", "outcome", "says"),
    [
        ("nope", "clean", None, "'nope' is not a task"),
        ("clean", "nope", None, "'nope' is not a task"),
        ("clean", "clean", None, "itself"),
        ("load", "clean", None, "already depends on 'load'"),
        ("load", "publish", "true", "not a condition task"),
        ("check", "publish", "yes", '"true" or "false"'),
        ("check", "publish", "true", "already depends on 'check' with outcome true"),
        ("loop_item", "publish", None, "nested"),
        ("load", "loop_item", None, "nested"),
    ],
)
def test_add_dependency_refuses(
    upstream: str, downstream: str, outcome: str | None, says: str
) -> None:
    error = refused(lambda: add_dependency(sample(), upstream, downstream, outcome))
    assert says in error.message
    assert error.task_key == downstream and error.field == f"tasks[{downstream}].depends_on"


def test_add_dependency_picks_the_outcome_after_a_condition_task() -> None:
    before = sample()
    second = add_dependency(before, "check", "publish")
    assert second.to_api()["tasks"][4]["depends_on"] == [
        {"task_key": "check", "outcome": "true"},
        {"task_key": "check", "outcome": "false"},
    ]
    assert (
        "already depends on" in refused(lambda: add_dependency(second, "check", "publish")).message
    )
    fresh, key = add_task(before)
    chosen = add_dependency(fresh, "check", key, "false")
    assert chosen.to_api()["tasks"][-1]["depends_on"] == [{"task_key": "check", "outcome": "false"}]


def test_remove_dependency_removes_the_matching_entries() -> None:
    before = add_dependency(sample(), "check", "publish")
    only_false = remove_dependency(before, "check", "publish", "true")
    assert only_false.to_api()["tasks"][4]["depends_on"] == [
        {"task_key": "check", "outcome": "false"}
    ]
    neither = remove_dependency(before, "check", "publish")
    assert "depends_on" not in neither.to_api()["tasks"][4]
    assert neither.task_list[0] is before.task_list[0]
    error = refused(lambda: remove_dependency(only_false, "check", "publish", "true"))
    assert error.message == "'publish' does not depend on 'check' with outcome true."
    assert error.field == "tasks[publish].depends_on"
    refused(lambda: remove_dependency(before, "load", "publish"))
    refused(lambda: remove_dependency(before, "load", "nope"))
