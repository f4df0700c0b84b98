"""Bundle resources: every corpus job exported as `bundle generate job` would write it and read
back unchanged, `${...}` kept, permissions kept apart, and clear errors for text holding no job."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from loom_jobs_widget.core.bundles import (
    BundleError,
    export_job,
    import_job,
    import_jobs,
    resource_key,
)

from ..corpus import CORPUS, corpus_files, corpus_settings


@pytest.mark.parametrize("name", corpus_files())
def test_every_corpus_job_survives_export_and_import(name: str) -> None:
    settings = corpus_settings(name)
    permissions = json.loads((CORPUS / name).read_text()).get("bundle_permissions") or []
    text = export_job(settings, permissions=permissions)
    document = yaml.safe_load(text)
    assert list(document) == ["resources"] and list(document["resources"]) == ["jobs"]
    job = import_job(text)
    expected = {k: v for k, v in settings.items() if k not in ("deployment", "edit_mode")}
    assert job.settings == expected
    assert list(job.settings) == list(expected)  # key order too
    assert job.permissions == permissions
    assert job.key == resource_key(settings.get("name"))


def test_interpolations_stay_literal() -> None:
    text = """
resources:
  jobs:
    nightly:
      name: nightly-${bundle.target}
      permissions:
        - level: CAN_VIEW
          group_name: analysts
      tasks:
        - task_key: load
          notebook_task:
            notebook_path: ../src/load.ipynb
            base_parameters:
              catalog: ${var.catalog}
          run_job_task_placeholder: ${resources.jobs.other.id}
"""
    job = import_job(text)
    assert job.key == "nightly" and job.source == "resources.jobs.nightly"
    assert job.settings["name"] == "nightly-${bundle.target}"
    task = job.settings["tasks"][0]
    assert task["notebook_task"]["base_parameters"]["catalog"] == "${var.catalog}"
    assert job.permissions == [{"level": "CAN_VIEW", "group_name": "analysts"}]
    assert "permissions" not in job.settings


def test_other_shapes_of_a_job() -> None:
    settings = {"name": "Daily Sales Report", "tasks": [{"task_key": "a"}]}
    assert import_job(json.dumps(settings)).settings == settings
    assert import_job(json.dumps(settings)).key == "daily_sales_report"
    assert import_job(json.dumps({"job_id": 5, "settings": settings})).settings == settings
    assert import_job(yaml.safe_dump(settings)).settings == settings


def test_several_jobs_and_choosing_one() -> None:
    text = yaml.safe_dump({"resources": {"jobs": {"a": {"name": "A"}, "b": {"name": "B"}}}})
    assert [job.key for job in import_jobs(text)] == ["a", "b"]
    with pytest.raises(BundleError, match=r"2 jobs \(a, b\): say which one"):
        import_job(text)
    assert import_job(text, "b").settings == {"name": "B"}
    assert import_job(text, "A").key == "a"  # by name too
    with pytest.raises(BundleError, match="no job 'c'"):
        import_job(text, "c")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("resources:\n  jobs:\n    a: [1\n", "malformed at line 4"),
        ('{"name": }', "JSON is malformed at line 1"),
        ("- 1\n- 2\n", "holds a list"),
        ("bundle:\n  name: x\n", "holds no job"),
        ("targets:\n  dev:\n    resources:\n      jobs:\n        a: {}\n", "only under `targets`"),
        ("resources:\n  jobs: {}\n", "holds no job"),
        ("resources:\n  jobs:\n    a: 5\n", "is not a job"),
    ],
)
def test_text_without_a_job_says_why(text: str, message: str) -> None:
    with pytest.raises(BundleError, match=message):
        import_jobs(text)


def test_resource_keys() -> None:
    assert resource_key("Daily sales — EU (v2)") == "daily_sales_eu_v2"
    assert resource_key("") == resource_key(None) == "job"


def test_export_leaves_out_what_the_workspace_sets() -> None:
    settings: dict[str, Any] = {"name": "x", "edit_mode": "UI_LOCKED",
                                "deployment": {"kind": "BUNDLE"}, "tasks": []}  # fmt: skip
    exported = yaml.safe_load(export_job(settings, key="mine"))
    assert exported == {"resources": {"jobs": {"mine": {"name": "x", "tasks": []}}}}
