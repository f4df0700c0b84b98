"""Required fields left empty where the editor shows them: a job cluster's runtime and node
type, and the repository and reference of `git_source`. A cluster cannot start without a
runtime and a node type, and a Git checkout needs a repository; the editor counts them before
the save. Only the repository is an error: whether a workspace refuses to store a job without the
others is not documented, so they are warnings that do not stop a save (these rules run on every
keystroke: they read a few keys, nothing more)."""

from __future__ import annotations

from typing import Any

from loom_jobs_widget.core.models import field_value
from loom_jobs_widget.core.validation.collector import CheckedJob
from loom_jobs_widget.core.validation.readers import is_object

__all__ = ["git_source_required", "job_cluster_required"]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def job_cluster_required(job: CheckedJob, _: None) -> None:
    entries = field_value(job.settings, "job_clusters")
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        cluster = field_value(entry, "new_cluster")
        if not is_object(cluster):
            continue
        key = field_value(entry, "job_cluster_key")
        named = isinstance(key, str) and key
        name = f"Job cluster '{key}'" if named else f"Job cluster {index + 1}"
        at = f"job_clusters[{index}].new_cluster"
        # A policy may fix the runtime (Clusters API reference: ClusterSpec.policy_id).
        policy = not _empty(field_value(cluster, "policy_id"))
        if _empty(field_value(cluster, "spark_version")) and not policy:
            job.add(
                "missing-spark-version",
                "warning",
                f"{name} has no spark_version: choose a Databricks runtime version.",
                f"{at}.spark_version",
            )
        # An instance pool gives the node type; a policy may fix it (Clusters API reference:
        # ClusterSpec.node_type_id, instance_pool_id). Only a cleared one is flagged: jobs read
        # from workspaces come without it (filled in by the tool that deploys them).
        pool = not _empty(field_value(cluster, "instance_pool_id"))
        node_type = field_value(cluster, "node_type_id")
        if isinstance(node_type, str) and _empty(node_type) and not pool and not policy:
            job.add(
                "missing-node-type",
                "warning",
                f"{name} has no node_type_id: choose a worker type, an instance pool or a "
                "cluster policy that sets it.",
                f"{at}.node_type_id",
            )


def git_source_required(job: CheckedJob, _: None) -> None:
    git_source = field_value(job.settings, "git_source")
    if not is_object(git_source):
        return
    if _empty(field_value(git_source, "git_url")):
        job.add(
            "missing-git-url",
            "error",
            "git_source has no git_url: enter the repository's URL.",
            "git_source.git_url",
        )
    # Jobs API reference: GitSource needs one of git_branch, git_tag or git_commit.
    references = ("git_branch", "git_tag", "git_commit")
    if all(_empty(field_value(git_source, name)) for name in references):
        job.add(
            "missing-git-reference",
            "warning",
            "git_source names no git_branch, git_tag or git_commit: enter one of them.",
            "git_source.git_branch",
        )
