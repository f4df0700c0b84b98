"""runs/repair through the real databricks-sdk: which tasks rerun, the errors,
repair_history as the SDK reads it, reused task values and job_parameters overrides."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, OperationFailed
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import create_job, get_run, python_task, run_now, tasks_by_key, wait_run, write

OK = "print('ok')\n"
FAIL = "raise SystemExit('boom')\n"


def folder() -> str:
    return f"Shared/{uuid.uuid4().hex[:8]}"


def repair(w: WorkspaceClient, run_id: int, **body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = w.api_client.do(
        "POST", "/api/2.2/jobs/runs/repair", body={"run_id": run_id, **body}
    )
    return answer


def ids(run: dict[str, Any]) -> dict[str, int]:
    return {key: int(task["run_id"]) for key, task in tasks_by_key(run).items()}


def test_rerun_tasks_with_and_without_their_dependents(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    ok = write(lw, f"{folder()}/ok.py", OK)
    # a -> b -> c, b -> d; e on its own.
    tasks = [
        python_task("a", ok),
        python_task("b", ok, after=("a",)),
        python_task("c", ok, after=("b",)),
        python_task("d", ok, after=("b",)),
        python_task("e", ok),
    ]
    job_id = create_job(w, {"name": "deps", "tasks": tasks})
    run_id = run_now(w, job_id)
    first = ids(wait_run(w, run_id))

    # Only the named task: a successful run can be repaired too.
    one = w.jobs.repair_run(run_id, rerun_tasks=["b"]).response.repair_id
    after_one = wait_run(w, run_id)
    assert after_one["state"]["result_state"] == "SUCCESS"
    now = ids(after_one)
    assert {key for key in now if now[key] != first[key]} == {"b"}

    # With rerun_dependent_tasks, b's downstream (c, d) reruns even though it succeeded.
    w.jobs.repair_run(run_id, rerun_tasks=["b"], rerun_dependent_tasks=True, latest_repair_id=one)
    again = ids(wait_run(w, run_id))
    assert {key for key in again if again[key] != now[key]} == {"b", "c", "d"}
    assert len(set(again.values())) == 5  # new task run ids, each its own


def test_rerun_all_failed_combined_with_dependents(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    flag = lw.workspace_root / base / "ready"
    flaky = write(
        lw,
        f"{base}/flaky.py",
        f"import pathlib, sys\nif not pathlib.Path({str(flag)!r}).exists(): sys.exit('not yet')\n",
    )
    ok = write(lw, f"{base}/ok.py", OK)
    tasks = [
        python_task("ok", ok),
        python_task("flaky", flaky),
        # Runs whatever flaky did, so it succeeds although its upstream failed.
        python_task("cleanup", ok, after=("flaky",), run_if="ALL_DONE"),
        python_task("report", ok, after=("flaky",)),
    ]
    job_id = create_job(w, {"name": "failed", "tasks": tasks})
    run_id = run_now(w, job_id)
    first = wait_run(w, run_id)
    results = {k: t["state"]["result_state"] for k, t in tasks_by_key(first).items()}
    assert results == {
        "ok": "SUCCESS",
        "flaky": "FAILED",
        "cleanup": "SUCCESS",
        "report": "UPSTREAM_FAILED",
    }
    before = ids(first)
    flag.write_text("yes")

    # rerun_all_failed_tasks alone: the failed and upstream-failed tasks, not cleanup.
    one = repair(w, run_id, rerun_all_failed_tasks=True)["repair_id"]
    repaired = wait_run(w, run_id)
    assert repaired["state"]["result_state"] == "SUCCESS"
    now = ids(repaired)
    assert {key for key in now if now[key] != before[key]} == {"flaky", "report"}

    # Nothing failed any more.
    with pytest.raises(InvalidParameterValue, match="no failed tasks"):
        repair(w, run_id, rerun_all_failed_tasks=True, latest_repair_id=one)

    # Combined with rerun_dependent_tasks, the failed tasks' successful downstream reruns too.
    flag.unlink()
    two = repair(w, run_id, rerun_tasks=["flaky"], latest_repair_id=one)["repair_id"]
    # Its leaves (kept from before) succeeded: the run succeeded with failures.
    assert wait_run(w, run_id)["state"]["result_state"] == "SUCCESS_WITH_FAILURES"
    mid = ids(get_run(w, run_id))
    flag.write_text("yes")
    repair(w, run_id, rerun_all_failed_tasks=True, rerun_dependent_tasks=True, latest_repair_id=two)
    final = wait_run(w, run_id)
    assert final["state"]["result_state"] == "SUCCESS"
    last = ids(final)
    assert {key for key in last if last[key] != mid[key]} == {"flaky", "cleanup", "report"}


def test_invalid_repairs_are_refused_with_clear_errors(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    fail = write(lw, f"{folder()}/fail.py", FAIL)
    job_id = create_job(w, {"name": "bad", "tasks": [python_task("f", fail)]})
    run_id = run_now(w, job_id)
    assert wait_run(w, run_id)["state"]["result_state"] == "FAILED"

    with pytest.raises(InvalidParameterValue, match="Only one of rerun_tasks"):
        repair(w, run_id, rerun_tasks=["f"], rerun_all_failed_tasks=True)
    with pytest.raises(InvalidParameterValue, match="One of rerun_tasks"):
        repair(w, run_id)
    with pytest.raises(InvalidParameterValue, match="One of rerun_tasks"):
        repair(w, run_id, rerun_dependent_tasks=True)
    with pytest.raises(InvalidParameterValue, match="'nope'"):
        w.jobs.repair_run(run_id, rerun_tasks=["f", "nope"])
    with pytest.raises(InvalidParameterValue, match=f"Run {run_id + 10_000} does not exist"):
        repair(w, run_id + 10_000, rerun_all_failed_tasks=True)
    # No repair yet: a latest_repair_id names nothing.
    with pytest.raises(InvalidParameterValue, match="has not been repaired") as error:
        repair(w, run_id, rerun_all_failed_tasks=True, latest_repair_id=123)
    assert "None" not in str(error.value)
    # None of the refusals above left a trace on the run.
    assert "repair_history" not in get_run(w, run_id, include_history="true")

    first = repair(w, run_id, rerun_all_failed_tasks=True)["repair_id"]
    wait_run(w, run_id)
    # A workspace's text, verbatim.
    with pytest.raises(InvalidParameterValue) as missing:
        repair(w, run_id, rerun_all_failed_tasks=True)
    assert str(missing.value) == (
        "The latest repair ID needs to be provided in order to create a new repair"
    )
    with pytest.raises(InvalidParameterValue, match=f"latest repair ID of run {run_id} is {first}"):
        repair(w, run_id, rerun_all_failed_tasks=True, latest_repair_id=first + 1)
    history = w.jobs.get_run(run_id, include_history=True).repair_history or []
    assert [item.type for item in history] == [
        jobs.RepairHistoryItemType.ORIGINAL,
        jobs.RepairHistoryItemType.REPAIR,
    ]


def test_repair_history_as_the_sdk_reads_it(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    ok = write(lw, f"{base}/ok.py", OK)
    fail = write(lw, f"{base}/fail.py", FAIL)
    job_id = create_job(
        w, {"name": "history", "tasks": [python_task("a", ok), python_task("b", fail)]}
    )
    run_id = run_now(w, job_id)
    first = wait_run(w, run_id)
    original_ids = sorted(ids(first).values())
    one = w.jobs.repair_run(run_id, rerun_tasks=["b"]).response.repair_id
    assert one is not None
    wait_run(w, run_id)
    # The SDK's waiter follows the same run id; a failed repair raises as a failed run does.
    two = w.jobs.repair_run(run_id, rerun_tasks=["a"], latest_repair_id=one)
    assert two.run_id == run_id
    with pytest.raises(OperationFailed, match="Task b failed"):
        two.result(timeout=timedelta(seconds=30))

    sdk = w.jobs.get_run(run_id, include_history=True)
    original, first_repair, second_repair = sdk.repair_history or []
    assert original.type == jobs.RepairHistoryItemType.ORIGINAL
    assert original.id is None
    assert original.start_time == first["start_time"]
    assert original.end_time == first["end_time"]
    assert original.state is not None
    assert original.state.result_state == jobs.RunResultState.FAILED
    assert original.status is not None and original.status.termination_details is not None
    assert original.status.state == jobs.RunLifecycleStateV2State.TERMINATED
    assert original.status.termination_details.code == jobs.TerminationCodeCode.RUN_EXECUTION_ERROR
    assert sorted(original.task_run_ids or []) == original_ids

    latest = ids(get_run(w, run_id))
    for item, repair_id, key in (
        (first_repair, one, "b"),
        (second_repair, two.response.repair_id, "a"),
    ):
        assert item.type == jobs.RepairHistoryItemType.REPAIR
        assert item.id == repair_id
        assert item.start_time is not None and item.end_time is not None
        assert item.end_time >= item.start_time > 0
        assert item.state is not None and item.state.result_state == jobs.RunResultState.FAILED
        assert (
            item.status is not None
            and item.status.state == jobs.RunLifecycleStateV2State.TERMINATED
        )
        assert item.task_run_ids == [latest[key]]  # the task run the repair started
    assert (first_repair.start_time or 0) >= (original.end_time or 0)
    assert (second_repair.start_time or 0) >= (first_repair.end_time or 0)
    # The job run itself: its start stays the original's, its end is the last repair's.
    assert sdk.start_time == original.start_time
    assert sdk.end_time == second_repair.end_time
    # Without include_history there is none.
    assert not w.jobs.get_run(run_id).repair_history
    assert "repair_history" not in get_run(w, run_id)


SET = "dbutils.jobs.taskValues.set('city', 'Oslo')\nopen({count!r}, 'a').write('x')\n"
READ = (
    "import sys\n"
    "print('GOT=' + dbutils.jobs.taskValues.get('up', 'city') + '|' + sys.argv[1])\n"
    "import pathlib\n"
    "if not pathlib.Path({flag!r}).exists(): sys.exit('not yet')\n"
)


def test_a_reran_task_reads_the_values_of_an_upstream_that_did_not_rerun(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    count = lw.workspace_root / base / "count"
    flag = lw.workspace_root / base / "ready"
    setter = write(lw, f"{base}/set.py", SET.format(count=str(count)))
    reader = write(lw, f"{base}/read.py", READ.format(flag=str(flag)))
    use = python_task("use", reader, after=("up",)) | {
        "spark_python_task": {"python_file": reader, "parameters": ["{{tasks.up.values.city}}"]}
    }
    job_id = create_job(w, {"name": "values", "tasks": [python_task("up", setter), use]})
    run_id = run_now(w, job_id)
    first = wait_run(w, run_id)
    assert first["state"]["result_state"] == "FAILED"
    flag.write_text("yes")
    w.jobs.repair_run(run_id, rerun_all_failed_tasks=True)
    repaired = wait_run(w, run_id)
    assert repaired["state"]["result_state"] == "SUCCESS", repaired
    assert ids(repaired)["up"] == ids(first)["up"]
    assert count.read_text() == "x"  # up ran once
    logs = w.jobs.get_run_output(ids(repaired)["use"]).logs or ""
    assert "GOT=Oslo|Oslo" in logs


ECHO = "import sys\nprint('ARGS=' + ','.join(sys.argv[1:]))\n"


def test_job_parameters_override_on_repair(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    echo = write(lw, f"{folder()}/echo.py", ECHO)
    task = python_task("echo", echo) | {
        "spark_python_task": {
            "python_file": echo,
            "parameters": ["{{job.parameters.env}}", "{{job.parameters.day}}"],
        }
    }
    job_id = create_job(
        w,
        {
            "name": "params",
            "parameters": [{"name": "env", "default": "dev"}, {"name": "day", "default": "mon"}],
            "tasks": [task],
        },
    )
    run_id = run_now(w, job_id, job_parameters={"day": "tue"})
    first = wait_run(w, run_id)
    assert "ARGS=dev,tue" in (w.jobs.get_run_output(ids(first)["echo"]).logs or "")

    # The override replaces env; day keeps the run's value, not the default.
    w.jobs.repair_run(run_id, rerun_tasks=["echo"], job_parameters={"env": "prod"})
    repaired = wait_run(w, run_id)
    assert "ARGS=prod,tue" in (w.jobs.get_run_output(ids(repaired)["echo"]).logs or "")
    values = {p["name"]: p.get("value") for p in repaired["job_parameters"]}
    assert values == {"env": "prod", "day": "tue"}
    sdk = w.jobs.get_run(run_id)
    assert {p.name: p.value for p in sdk.job_parameters or []} == values


def test_legacy_python_params_override_on_repair(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    echo = write(lw, f"{folder()}/echo.py", ECHO)
    task = python_task("echo", echo) | {
        "spark_python_task": {"python_file": echo, "parameters": ["from-job"]}
    }
    job_id = create_job(w, {"name": "legacy", "tasks": [task]})
    run_id = run_now(w, job_id, python_params=["from-run-now"])
    first = wait_run(w, run_id)
    assert "ARGS=from-run-now" in (w.jobs.get_run_output(ids(first)["echo"]).logs or "")
    one = w.jobs.repair_run(run_id, rerun_tasks=["echo"], python_params=["from-repair"])
    repaired = wait_run(w, run_id)
    assert "ARGS=from-repair" in (w.jobs.get_run_output(ids(repaired)["echo"]).logs or "")
    assert repaired["overriding_parameters"] == {"python_params": ["from-repair"]}
    # A later repair without them keeps the latest ones.
    w.jobs.repair_run(run_id, rerun_tasks=["echo"], latest_repair_id=one.response.repair_id)
    again = wait_run(w, run_id)
    assert "ARGS=from-repair" in (w.jobs.get_run_output(ids(again)["echo"]).logs or "")


FLAKY = (
    "import pathlib, sys\n"
    "ready = pathlib.Path({flag!r}).exists()\n"
    "dbutils.jobs.taskValues.set('n', 2 if ready else 1)\n"
    "if not ready: sys.exit('not yet')\n"
)


def test_a_repair_keeps_the_attempts_it_replaced(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    flag = lw.workspace_root / base / "ready"
    flaky = write(lw, f"{base}/flaky.py", FLAKY.format(flag=str(flag)))
    ok = write(lw, f"{base}/ok.py", OK)
    echo = write(lw, f"{base}/echo.py", ECHO)
    report = python_task("report", echo, after=("flaky",)) | {
        "spark_python_task": {"python_file": echo, "parameters": ["{{tasks.flaky.values.n}}"]}
    }
    tasks = [
        python_task("a", ok),
        python_task("flaky", flaky, after=("a",), max_retries=1),
        report,
        python_task("alert", ok, after=("flaky",), run_if="AT_LEAST_ONE_FAILED"),
    ]
    job_id = create_job(w, {"name": "attempts", "tasks": tasks})
    run_id = run_now(w, job_id)
    first = wait_run(w, run_id)
    assert first["state"]["result_state"] == "FAILED"
    # A retry is an entry of its own.
    assert [(t["task_key"], t["attempt_number"]) for t in first["tasks"]] == [
        ("a", 0),
        ("flaky", 0),
        ("report", 0),
        ("alert", 0),
        ("flaky", 1),
    ]

    flag.write_text("yes")
    one = repair(w, run_id, rerun_all_failed_tasks=True)["repair_id"]
    repaired = wait_run(w, run_id)
    # The failed entries stay; the repair's come after them, attempt_number 0 again.
    assert repaired["tasks"][:5] == first["tasks"]
    added = repaired["tasks"][5:]
    assert [(t["task_key"], t["attempt_number"]) for t in added] == [("flaky", 0), ("report", 0)]
    assert [t["state"]["result_state"] for t in added] == ["SUCCESS", "SUCCESS"]
    # The run's result, and what report read, come from flaky's latest attempt.
    assert repaired["state"]["result_state"] == "SUCCESS"
    assert "ARGS=2" in (w.jobs.get_run_output(added[1]["run_id"]).logs or "")
    history = get_run(w, run_id, include_history="true")["repair_history"]
    assert [item["type"] for item in history] == ["ORIGINAL", "REPAIR"]
    assert history[1]["task_run_ids"] == [t["run_id"] for t in added]
    sdk = w.jobs.get_run(run_id).tasks or []
    assert [t.run_id for t in sdk] == [t["run_id"] for t in repaired["tasks"]]

    # What failed before and was repaired is not failed any more.
    with pytest.raises(InvalidParameterValue, match="no failed tasks"):
        repair(w, run_id, rerun_all_failed_tasks=True, latest_repair_id=one)
    # alert's run_if reads flaky's latest attempt, which succeeded: alert is excluded now.
    repair(w, run_id, rerun_tasks=["alert"], latest_repair_id=one)
    again = wait_run(w, run_id)
    assert len(again["tasks"]) == 8
    assert again["tasks"][-1]["task_key"] == "alert"
    assert again["tasks"][-1]["state"]["result_state"] == "EXCLUDED"


def test_rerun_tasks_with_a_repeated_key_is_refused(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    fail = write(lw, f"{folder()}/fail.py", FAIL)
    job_id = create_job(w, {"name": "twice", "tasks": [python_task("f", fail)]})
    run_id = run_now(w, job_id)
    wait_run(w, run_id)
    with pytest.raises(InvalidParameterValue) as refused:
        w.jobs.repair_run(run_id, rerun_tasks=["f", "f"])
    assert str(refused.value) == "rerun_tasks cannot contain duplicate task keys."
    assert "repair_history" not in get_run(w, run_id, include_history="true")
