"""What a workspace adds to, drops from and reorders in the settings it stores: filled as the
Databricks CLI's workspace emulator fills them, and compared up to them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from loom_jobs_widget.core.server_defaults import (
    default_notebook_source,
    reads_back_as,
    same_up_to_server_defaults,
    with_server_defaults,
)

REAL = Path(__file__).resolve().parents[1] / "data" / "real"

WRITTEN: dict[str, Any] = {
    "name": "nightly",
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {
            "task_key": "report",
            "depends_on": [{"task_key": "transform"}, {"task_key": "ingest"}],
            "run_if": "ALL_DONE",
            "new_cluster": {"num_workers": 1, "apply_policy_default_values": True},
            "spark_python_task": {"python_file": "r.py"},
        },
        {
            "task_key": "transform",
            "for_each_task": {
                "inputs": "[1]",
                "task": {
                    "task_key": "inner",
                    "new_cluster": {"num_workers": 1, "apply_policy_default_values": True},
                    "spark_python_task": {"python_file": "t.py"},
                },
            },
        },
    ],
    "job_clusters": [
        {"job_cluster_key": "c", "new_cluster": {"apply_policy_default_values": False}}
    ],
}


def test_a_job_as_a_workspace_stores_it() -> None:
    frozen = json.dumps(WRITTEN)
    stored = with_server_defaults(WRITTEN)
    assert json.dumps(WRITTEN) == frozen  # nothing changed in place
    assert {k: stored[k] for k in ("email_notifications", "webhook_notifications")} == {
        "email_notifications": {},
        "webhook_notifications": {},
    }
    assert (stored["timeout_seconds"], stored["format"]) == (0, "MULTI_TASK")
    ingest, report, transform = stored["tasks"]
    for task in stored["tasks"]:
        assert (task["timeout_seconds"], task["email_notifications"]) == (0, {})
    assert (ingest["run_if"], report["run_if"]) == ("ALL_SUCCESS", "ALL_DONE")
    assert ingest["notebook_task"]["source"] == "WORKSPACE"
    assert report["depends_on"] == [{"task_key": "ingest"}, {"task_key": "transform"}]
    assert report["new_cluster"] == {
        "num_workers": 1,
        "data_security_mode": "SINGLE_USER",
        "enable_elastic_disk": False,
    }
    assert transform["for_each_task"]["task"]["new_cluster"] == {"num_workers": 1}
    assert stored["job_clusters"][0]["new_cluster"] == {}
    assert with_server_defaults(stored) == stored  # once is enough


def test_a_set_value_is_kept_and_git_jobs_default_to_git() -> None:
    settings = {
        "timeout_seconds": 60,
        "git_source": {"git_url": "https://github.com/a/b", "git_provider": "gitHub"},
        "tasks": [{"task_key": "n", "notebook_task": {"notebook_path": "n"}, "run_if": "ALL_DONE"}],
    }
    assert default_notebook_source(settings) == "GIT"
    stored = with_server_defaults(settings)
    assert stored["timeout_seconds"] == 60 and stored["tasks"][0]["run_if"] == "ALL_DONE"
    assert stored["tasks"][0]["notebook_task"]["source"] == "GIT"


def test_compared_up_to_the_server_defaults() -> None:
    stored = with_server_defaults(WRITTEN)
    assert reads_back_as(WRITTEN, stored)
    # apply_policy_default_values counts between two versions a user wrote: it must be sent.
    assert not same_up_to_server_defaults(WRITTEN, stored)
    assert same_up_to_server_defaults(WRITTEN, with_server_defaults(WRITTEN, drop_write_only=False))
    task = WRITTEN["tasks"][0]
    assert same_up_to_server_defaults(task, {**task, "run_if": "ALL_SUCCESS", "timeout_seconds": 0})
    assert not same_up_to_server_defaults(task, {**task, "run_if": "ALL_DONE"})
    changed = copy.deepcopy(stored)
    changed["tasks"][1]["depends_on"].pop()
    assert not reads_back_as(WRITTEN, changed)


def test_a_create_and_its_read_back_recorded_on_a_real_workspace() -> None:
    recorded = json.loads((REAL / "jobs_get_defaults.json").read_text())
    written, read = recorded["request"]["body"], recorded["response"]["settings"]
    assert written != read
    assert reads_back_as(written, read)
    assert with_server_defaults(written) == read
