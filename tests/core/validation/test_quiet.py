"""`is_quiet` vouches only for tasks no per-task rule reports on, so skipping the rules for them
changes nothing `validate` finds; and it does vouch for the plain tasks of a large job."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation.collector import CheckedJob
from loom_jobs_widget.core.validation.quiet import is_quiet
from loom_jobs_widget.core.validation.rules import TASK_RULES

from ...corpus import corpus_files, corpus_settings
from .test_never_raises import job_documents, json_values

# Values near the edges the rules draw: sound ones, and each kind of fault.
near = st.sampled_from(
    [None, "", "a", "main", "env", "x" * 101, "${var.k}", "a b", -2, -1, 0, 5, True, "7", [], {}]
)
odd_bodies = {
    "notebook_task": st.fixed_dictionaries(
        {}, optional={"notebook_path": near, "source": near, "base_parameters": json_values}
    ),
    "spark_python_task": st.fixed_dictionaries(
        {}, optional={"python_file": near, "parameters": json_values}
    ),
    "pipeline_task": st.fixed_dictionaries({}, optional={"pipeline_id": near}),
    "run_job_task": st.fixed_dictionaries({}, optional={"job_id": near}),
    "sql_task": st.fixed_dictionaries({}, optional={"warehouse_id": near, "query": json_values}),
    "condition_task": st.fixed_dictionaries({}, optional={"op": near, "left": near}),
}
# For each field a rule reads, values on both sides of what the rule reports.
_EDGES: dict[str, st.SearchStrategy[Any]] = {
    "task_key": near,
    "run_if": st.sampled_from(["ALL_DONE", "NEVER", 3]) | near,
    "job_cluster_key": near,
    "environment_key": near,
    "existing_cluster_id": near,
    "new_cluster": st.just({"num_workers": 1}) | near,
    "max_retries": near,
    "min_retry_interval_millis": near,
    "timeout_seconds": near,
    "retry_on_timeout": near,
    "disabled": near,
    "email_notifications": st.sampled_from([{"on_failure": ["nobody"]}, {"on_start": []}]) | near,
    "webhook_notifications": st.sampled_from(
        [{"on_start": [{"id": str(i)} for i in range(4)]}, {"on_start": [{"id": "1"}]}]
    ),
    "health": st.sampled_from(
        [{"rules": [{"metric": "X", "op": "GREATER_THAN", "value": 1}]}, {"rules": []}]
    ),
    "quantum_task": st.just({}),
}
odd_fields = st.one_of(
    *(st.builds(lambda n, v: {n: v}, st.just(name), edge) for name, edge in _EDGES.items())
) | st.just({})


def _plain_task(
    key: str,
    body: tuple[str, dict[str, Any]],
    compute: tuple[str, str] | None,
    odd: dict[str, Any],
    after: list[str],
) -> dict[str, Any]:
    """A sound task, then a field set to a value near the edges the rules draw."""
    task_type, value = body
    task: dict[str, Any] = {"task_key": key, task_type: value}
    if compute is not None:
        task[compute[0]] = compute[1]
    if after:
        task["depends_on"] = [{"task_key": upstream} for upstream in after]
    return {**task, **odd}


plain_tasks = st.builds(
    _plain_task,
    st.sampled_from(["a", "b", "c", "d-1"]),
    st.sampled_from(
        [("notebook_task", {"notebook_path": "/n"})] * 6
        + [
            ("pipeline_task", {"pipeline_id": "p"}),
            ("spark_python_task", {"python_file": "f.py"}),
            ("sql_task", {"warehouse_id": "w", "query": {"query_id": "q"}}),
        ]
    )
    | st.one_of(*(st.tuples(st.just(name), body) for name, body in odd_bodies.items())),
    st.sampled_from(
        [("job_cluster_key", "main"), ("environment_key", "env"), ("existing_cluster_id", "c")]
    )
    | st.none(),
    odd_fields,
    st.lists(st.sampled_from(["a", "b", "z"]), max_size=2),
)
plain_jobs = st.fixed_dictionaries(
    {
        # Unique keys, as in a sound job (a repeated key is never quiet: the fuzz below has some).
        "tasks": st.lists(plain_tasks, max_size=5, unique_by=lambda task: str(task["task_key"])),
        "job_clusters": st.sampled_from(
            [[{"job_cluster_key": "main"}]] * 4 + [[{"job_cluster_key": "${var.c}"}], "${var.c}"]
        ),
    },
    optional={"environments": st.just([{"environment_key": "env"}]) | st.just("${var.e}")},
)


def _assert_quiet_tasks_have_nothing_to_report(document: dict[str, Any]) -> None:
    job = CheckedJob(JobSettings.from_api(document))
    rules = [rule for rule in TASK_RULES if rule.__name__ != "dependencies"]
    for site in job.sites:
        if is_quiet(job, site):
            job.found.clear()
            job.run_rules(rules, site)
            assert job.found == [], (site.fields, job.problems())


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(plain_jobs)
def test_a_task_called_quiet_is_one_no_rule_reports_on(document: dict[str, Any]) -> None:
    _assert_quiet_tasks_have_nothing_to_report(document)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(job_documents)
def test_any_document_s_quiet_tasks_have_nothing_to_report(document: dict[str, Any]) -> None:
    _assert_quiet_tasks_have_nothing_to_report(document)


def test_the_corpus_quiet_tasks_have_nothing_to_report() -> None:
    for name in corpus_files():
        _assert_quiet_tasks_have_nothing_to_report(corpus_settings(name))


def test_the_plain_tasks_of_a_large_job_are_quiet_and_faulty_ones_are_not() -> None:
    tasks: list[dict[str, Any]] = [
        {
            "task_key": f"t{i}",
            "notebook_task": {"notebook_path": f"/n{i}"},
            "job_cluster_key": "main",
            "timeout_seconds": 60,
            "depends_on": [{"task_key": f"t{i - 1}"}] if i else [],
        }
        for i in range(50)
    ]
    faulty = [
        {"task_key": "bad key", "notebook_task": {"notebook_path": "/n"}},
        {"task_key": "f1", "notebook_task": {"notebook_path": ""}},
        {"task_key": "f2", "notebook_task": {"notebook_path": "/n"}, "job_cluster_key": "gone"},
        {"task_key": "f3", "notebook_task": {"notebook_path": "/n"}, "timeout_seconds": -1},
        {"task_key": "f4", "notebook_task": {"notebook_path": "/n"}, "run_if": "SOMETIMES"},
        {"task_key": "f5", "notebook_task": {"notebook_path": "/n"}, "quantum_task": {}},
        {"task_key": "f6", "notebook_task": {"notebook_path": "/n"}, "disabled": "no"},
        {"task_key": "t0", "notebook_task": {"notebook_path": "/n"}},
    ]
    document = {"tasks": tasks + faulty, "job_clusters": [{"job_cluster_key": "main"}]}
    job = CheckedJob(JobSettings.from_api(document))
    quiet = [is_quiet(job, site) for site in job.sites]
    assert quiet == [True] * len(tasks) + [False] * len(faulty)
