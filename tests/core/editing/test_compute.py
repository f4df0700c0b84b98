"""Tasks moved to another job cluster."""

from __future__ import annotations

import pytest

from loom_jobs_widget.core.editing import EditError, swap_job_cluster
from loom_jobs_widget.core.models import JobSettings


def test_swap_job_cluster_moves_every_task_including_nested() -> None:
    settings = JobSettings.from_api(
        {"job_clusters": [{"job_cluster_key": "s"}, {"job_cluster_key": "l"}],
         "tasks": [
             {"task_key": "a", "job_cluster_key": "s", "notebook_task": {"notebook_path": "/a"}},
             {"task_key": "b", "job_cluster_key": "l", "notebook_task": {"notebook_path": "/b"}},
             {"task_key": "c", "for_each_task": {"inputs": "[1]", "task": {
                 "task_key": "c_i", "job_cluster_key": "s",
                 "notebook_task": {"notebook_path": "/c"}}}},
         ]}
    )  # fmt: skip
    new = swap_job_cluster(settings, "s", "l")
    tasks = new.to_api()["tasks"]
    assert tasks[0]["job_cluster_key"] == "l"
    assert tasks[2]["for_each_task"]["task"]["job_cluster_key"] == "l"
    assert new.task_list[1] is settings.task_list[1]
    assert settings.to_api()["tasks"][0]["job_cluster_key"] == "s"
    with pytest.raises(EditError, match="no job cluster 'x'"):
        swap_job_cluster(settings, "s", "x")
    with pytest.raises(EditError, match="No task runs on job cluster 'x'"):
        swap_job_cluster(settings, "x", "l")
