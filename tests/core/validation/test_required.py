"""A job cluster and a git source left with empty required fields are problems, named by the
cluster's key and the field: a missing repository is an error, the others warnings."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import check, clean, job, only, task


def _cluster(**spec: Any) -> dict[str, Any]:
    return {"job_cluster_key": "main", "new_cluster": {"num_workers": 1, **spec}}


def test_a_new_job_cluster_left_empty_has_two_problems() -> None:
    problems = check(job(task("a"), job_clusters=[_cluster(spark_version="", node_type_id="")]))
    assert [(p.code, p.severity, p.field) for p in problems] == [
        ("missing-spark-version", "warning", "job_clusters[0].new_cluster.spark_version"),
        ("missing-node-type", "warning", "job_clusters[0].new_cluster.node_type_id"),
    ]
    assert problems[0].message == (
        "Job cluster 'main' has no spark_version: choose a Databricks runtime version."
    )
    assert problems[1].message.startswith("Job cluster 'main' has no node_type_id")


def test_a_runtime_is_needed_unless_a_policy_may_fix_it() -> None:
    problem = only(job(task("a"), job_clusters=[_cluster(node_type_id="i3.xlarge")]))
    assert problem.code == "missing-spark-version"
    clean(job(task("a"), job_clusters=[_cluster(policy_id="0010A0B0C0D0E001")]))


@pytest.mark.parametrize(
    "spec", [{"instance_pool_id": "pool-1"}, {"policy_id": "0010A0B0C0D0E001"}]
)
def test_a_pool_or_a_policy_gives_the_node_type(spec: dict[str, Any]) -> None:
    clean(job(task("a"), job_clusters=[_cluster(spark_version="15.4.x-scala2.12",
                                                 node_type_id="", **spec)]))  # fmt: skip


def test_a_complete_job_cluster_is_clean() -> None:
    cluster = _cluster(spark_version="15.4.x-scala2.12", node_type_id="i3.xlarge")
    clean(job(task("a"), job_clusters=[cluster]))


def test_git_source_just_switched_on_names_what_is_missing() -> None:
    problems = check(job(task("a"), git_source={"git_provider": "gitHub"}))
    assert [(p.code, p.severity, p.field) for p in problems] == [
        ("missing-git-url", "error", "git_source.git_url"),
        ("missing-git-reference", "warning", "git_source.git_branch"),
    ]
    assert problems[1].message == (
        "git_source names no git_branch, git_tag or git_commit: enter one of them."
    )


@pytest.mark.parametrize("reference", ["git_branch", "git_tag", "git_commit"])
def test_one_reference_is_enough(reference: str) -> None:
    source = {"git_provider": "gitHub", "git_url": "https://github.com/x/y", reference: "v"}
    clean(job(task("a"), git_source=source))
