"""Rules on depends_on: unknown and self dependencies, cycles, outcomes."""

from __future__ import annotations

import time
from typing import Any

import pytest

from .helpers import check, clean, job, only, task

# --- dependencies ---------------------------------------------------------------------------------


def test_unknown_dependency() -> None:
    problem = only(job(task("extract"), task("load", after=["extract", "transform"])))
    assert (problem.code, problem.severity) == ("unknown-dependency", "error")
    assert (problem.task_key, problem.field) == ("load", "tasks[load].depends_on[1].task_key")
    assert problem.message == (
        "Task 'load' depends on 'transform', which is not a task of this job."
    )


def test_self_dependency() -> None:
    problem = only(job(task("a", after=["a"])))
    assert (problem.code, problem.severity) == ("self-dependency", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].depends_on[0].task_key")


@pytest.mark.parametrize(
    ("depends_on", "field"),
    [
        ("a", "tasks[b].depends_on"),
        (["a"], "tasks[b].depends_on[0]"),
        ([{"outcome": "true"}], "tasks[b].depends_on[0].task_key"),
        ([{"task_key": ""}], "tasks[b].depends_on[0].task_key"),
    ],
)
def test_invalid_dependency(depends_on: Any, field: str) -> None:
    problem = only(job(task("a"), task("b", depends_on=depends_on)))
    assert (problem.code, problem.severity) == ("invalid-dependency", "error")
    assert (problem.task_key, problem.field) == ("b", field)


def test_dependency_on_a_bundle_task_key_is_not_judged() -> None:
    clean(job(task("a"), task("b", depends_on=[{"task_key": "${var.upstream}"}])))
    clean(job(task("${var.first}"), task("b", after=["renamed_by_the_bundle"])))


def test_cycle_names_the_tasks_in_order() -> None:
    problem = only(job(task("a", after=["c"]), task("b", after=["a"]), task("c", after=["b"])))
    assert (problem.code, problem.severity) == ("cycle", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].depends_on[0].task_key")
    assert "a → b → c → a" in problem.message


def test_each_cycle_is_reported_once() -> None:
    document = job(
        task("x"),
        task("p", after=["q"]),
        task("q", after=["p", "x"]),
        task("m", after=["x", "n"]),
        task("n", after=["m"]),
        task("after_cycle", after=["n"]),
    )
    problems = check(document)
    assert [(p.code, p.task_key) for p in problems] == [("cycle", "p"), ("cycle", "m")]
    assert "p → q → p" in problems[0].message
    assert "m → n → m" in problems[1].message
    assert problems[1].field == "tasks[m].depends_on[1].task_key"


def test_tangled_cycles_are_one_problem() -> None:
    # a ⇄ b and b ⇄ c are one strongly connected group: one problem, one cycle named.
    problem = only(job(task("a", after=["b"]), task("b", after=["a", "c"]), task("c", after=["b"])))
    assert problem.code == "cycle"
    assert "a → b → a" in problem.message


def test_cycle_through_a_thousand_tasks_is_found_fast() -> None:
    tasks = [task(f"t{i}", after=[f"t{i - 1}"] if i else ["t999"]) for i in range(1000)]
    start = time.perf_counter()
    problem = only(job(*tasks))
    assert time.perf_counter() - start < 2  # catches a quadratic search, not a benchmark
    assert problem.code == "cycle"
    assert problem.message.startswith("Dependency cycle: t0 → t1 → t2 → ")
    assert "t998 → t999 → t0." in problem.message


def test_a_thousand_task_chain_is_fine() -> None:
    clean(job(*[task(f"t{i}", after=[f"t{i - 1}"] if i else None) for i in range(1000)]))


def test_outcome_on_a_dependency_that_is_not_a_condition_task() -> None:
    problem = only(job(task("a"), task("b", depends_on=[{"task_key": "a", "outcome": "true"}])))
    assert (problem.code, problem.severity) == ("outcome-without-condition", "error")
    assert (problem.task_key, problem.field) == ("b", "tasks[b].depends_on[0].outcome")


@pytest.mark.parametrize("outcome", ["yes", "True", True])
def test_outcome_of_a_condition_task_is_true_or_false(outcome: Any) -> None:
    condition = {"op": "EQUAL_TO", "left": "a", "right": "b"}
    document = job(
        task("check", condition_task=condition),
        task("b", depends_on=[{"task_key": "check", "outcome": outcome}]),
    )
    problem = only(document)
    assert (problem.code, problem.severity) == ("invalid-outcome", "error")
    assert (problem.task_key, problem.field) == ("b", "tasks[b].depends_on[0].outcome")


@pytest.mark.parametrize("outcome", ["true", "false", None])
def test_valid_outcome(outcome: str | None) -> None:
    condition = {"op": "GREATER_THAN", "left": "2", "right": "1"}
    dependency = {"task_key": "check", "outcome": outcome}
    clean(job(task("check", condition_task=condition), task("b", depends_on=[dependency])))
