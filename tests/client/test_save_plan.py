"""The save plan: the smallest jobs/update that says an edit, and jobs/reset where update
cannot say it; and the check of the job read back after the write against what it meant."""

from __future__ import annotations

import copy

from loom_jobs_widget.client import SavePlan, plan_update
from loom_jobs_widget.client.save_plan import check_read_back
from loom_jobs_widget.core.changes import ABSENT, diff
from loom_jobs_widget.core.server_defaults import with_server_defaults
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


def test_a_job_the_server_filled_sends_only_the_edit() -> None:
    written = three_tasks("n")
    written["tasks"][2]["depends_on"] = [{"task_key": "transform"}, {"task_key": "ingest"}]
    written["tasks"][0]["new_cluster"] = {"num_workers": 1}
    current = with_server_defaults(written)  # as jobs/get returns it
    assert current["tasks"][2]["depends_on"][0] == {"task_key": "ingest"}

    # The user's version (no defaults, its own depends_on order) is no change.
    assert plan_update(current, written) == SavePlan("none")

    # One job-level field: that field alone.
    target = copy.deepcopy(written)
    target["name"] = "renamed"
    assert plan_update(current, target) == SavePlan("update", {"name": "renamed"}, [])

    # One task field: that one task entry, as the editor has it.
    target = copy.deepcopy(written)
    target["tasks"][1]["max_retries"] = 3
    assert plan_update(current, target) == SavePlan("update", {"tasks": [target["tasks"][1]]}, [])
    # ... also when the editor holds the read-back, defaults and all.
    loaded = copy.deepcopy(current)
    loaded["tasks"][2]["run_if"] = "ALL_DONE"
    assert plan_update(current, loaded) == SavePlan("update", {"tasks": [loaded["tasks"][2]]}, [])

    # A change to a default value is sent; a field removed from its default value is not.
    target = copy.deepcopy(written)
    target["timeout_seconds"] = 600
    del target["tags"]
    assert plan_update(current, target) == SavePlan("update", {"timeout_seconds": 600}, ["tags"])
    back = copy.deepcopy(current)
    back["tasks"][1]["run_if"] = "AT_LEAST_ONE_SUCCESS"
    assert plan_update(back, written).new_settings == {"tasks": [written["tasks"][1]]}


def test_write_only_fields_are_sent_and_reordered_tasks_still_reset() -> None:
    current = with_server_defaults(three_tasks("n"))
    target = three_tasks("n")
    target["tasks"][0]["new_cluster"] = {"num_workers": 1, "apply_policy_default_values": True}
    plan = plan_update(current, target)
    assert plan == SavePlan("update", {"tasks": [target["tasks"][0]]}, [])
    target["tasks"].reverse()
    assert plan_update(current, target).method == "reset"


# --- the read-back ---------------------------------------------------------------------------


def test_a_read_back_with_the_servers_defaults_is_what_was_meant() -> None:
    before = with_server_defaults(three_tasks("n"))
    target = copy.deepcopy(three_tasks("n"))  # as the user has it: no defaults
    target["tasks"][2]["max_retries"] = 2
    written = apply_update(before, {"tasks": [target["tasks"][2]]}, [])
    checked = check_read_back(before, target, with_server_defaults(written))
    assert checked.contested == [] and checked.settings == with_server_defaults(written)


def test_someone_elses_write_beside_ours_is_kept() -> None:
    before = three_tasks("n")
    target = dict(copy.deepcopy(before), description="ours")
    read_back = dict(copy.deepcopy(target), tags={"by": "them"})
    read_back["tasks"][0]["max_retries"] = 3
    checked = check_read_back(before, target, read_back)
    assert checked.contested == [] and checked.settings == read_back


def test_a_write_over_ours_is_contested_and_ours_stays_on_top() -> None:
    before = three_tasks("n")
    target = copy.deepcopy(before)
    target["tasks"][1]["timeout_seconds"] = 900
    target["tasks"][1]["spark_python_task"]["parameters"] = ["--day", "x" * 90]
    del target["tags"]
    read_back = copy.deepcopy(before)  # the workspace lost our write...
    read_back["tasks"][1]["timeout_seconds"] = 60  # ... or someone wrote over it
    read_back["description"] = "theirs, elsewhere"
    checked = check_read_back(before, target, read_back)
    assert [(unit.path, unit.ours, unit.theirs) for unit in checked.contested] == [
        ("tasks[transform]", target["tasks"][1], read_back["tasks"][1]),
        ("tags", ABSENT, {"suite": "workspace"}),
    ]
    transform, tags = checked.contested
    assert tags.describe() == 'tags: the job now has {"suite": "workspace"}; yours was not set'
    # A whole task is too big to quote: its differences, each with theirs and ours.
    described = transform.describe()
    assert "tasks[transform].timeout_seconds: the job now has 60; yours was 900" in described
    assert (
        "tasks[transform].spark_python_task.parameters: the job now has not set; yours was "
        '["--day", "xxx'
    ) in described
    assert len(described) < 300
    # The job holds the read-back, their description too, with our two units on top.
    assert {c.path for c in diff(read_back, checked.settings)} == {
        "tasks[transform].timeout_seconds",
        "tasks[transform].spark_python_task.parameters",
        "tags",
    }
    assert checked.settings["description"] == "theirs, elsewhere"
