"""The save plan: the smallest jobs/update that says an edit, and jobs/reset where update
cannot say it."""

from __future__ import annotations

import copy

from loom_jobs_widget.client import SavePlan, plan_update
from loom_jobs_widget.core.update_semantics import apply_update

from .test_jobs import three_tasks


def test_update_sends_only_what_changed() -> None:
    current = three_tasks("n")
    target = copy.deepcopy(current)
    target["tasks"][1]["timeout_seconds"] = 60
    target["tasks"].append({"task_key": "notify", "notebook_task": {"notebook_path": "/n"}})
    del target["tasks"][0]
    del target["tags"]
    target["max_concurrent_runs"] = 2
    plan = plan_update(current, target)
    assert plan == SavePlan(
        "update",
        {"tasks": [target["tasks"][0], target["tasks"][2]], "max_concurrent_runs": 2},
        ["tasks/ingest", "tags"],
    )
    assert plan.requests(7) == [
        (
            "update",
            {
                "job_id": 7,
                "new_settings": plan.new_settings,
                "fields_to_remove": ["tasks/ingest", "tags"],
            },
        )
    ]
    assert apply_update(current, plan.new_settings, plan.fields_to_remove) == target
    assert plan_update(current, copy.deepcopy(current)) == SavePlan("none")


def test_reset_where_update_cannot_say_it() -> None:
    current = three_tasks("n")
    current["run_as"] = {"user_name": "a@b.c"}
    reordered = copy.deepcopy(current)
    reordered["tasks"].reverse()
    assert plan_update(current, reordered) == SavePlan("reset", reordered, [])
    inserted = copy.deepcopy(current)
    inserted["tasks"].insert(0, {"task_key": "first", "notebook_task": {"notebook_path": "/f"}})
    assert plan_update(current, inserted).method == "reset"
    # reset keeps a run_as it is not given: a following update removes it.
    without_run_as = copy.deepcopy(reordered)
    del without_run_as["run_as"]
    plan = plan_update(current, without_run_as)
    assert plan == SavePlan("reset", without_run_as, ["run_as"])
    assert [endpoint for endpoint, _ in plan.requests(1)] == ["reset", "update"]
