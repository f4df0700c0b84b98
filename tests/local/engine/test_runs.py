"""Runs through real runners: DAG order, failures and their output, repair, cancel, queueing."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import (
    InvalidParameterValue,
    InvalidState,
    OperationFailed,
    ResourceDoesNotExist,
)
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import (
    client,
    create_job,
    get_run,
    process_alive,
    python_task,
    tasks_by_key,
    wait_for,
    wait_run,
    write,
)

OK = "print('hello from', __file__)\n"


def folder() -> str:
    return f"Shared/{uuid.uuid4().hex[:8]}"


def run_now(w: WorkspaceClient, job_id: int, **body: Any) -> int:
    answer = w.api_client.do("POST", "/api/2.2/jobs/run-now", body={"job_id": job_id, **body})
    return int(answer["run_id"])


def output(w: WorkspaceClient, run_id: int) -> dict[str, Any]:
    result: dict[str, Any] = w.api_client.do(
        "GET", "/api/2.2/jobs/runs/get-output", query={"run_id": run_id}
    )
    return result


def test_a_run_in_dag_order_with_the_real_fields(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    ok = write(lw, f"{base}/ok.py", OK)
    job_id = create_job(
        w, {"name": "two", "tasks": [python_task("a", ok), python_task("b", ok, after=("a",))]}
    )
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    assert run["state"] == {
        "life_cycle_state": "TERMINATED",
        "result_state": "SUCCESS",
        "state_message": "",
        "user_cancelled_or_timedout": False,
    }
    assert run["status"]["state"] == "TERMINATED"
    assert run["status"]["termination_details"]["code"] == "SUCCESS"
    assert run["run_id"] == run["job_run_id"] == run["number_in_job"] == run_id
    assert run["job_id"] == job_id and run["attempt_number"] == 0
    assert run["run_type"] == "JOB_RUN" and run["trigger"] == "ONE_TIME"
    assert run["run_page_url"] == f"{lw.host}/?o={lw.workspace_id}#job/{job_id}/run/{run_id}"
    assert run["end_time"] >= run["start_time"] > 0
    assert run["setup_duration"] == run["execution_duration"] == run["cleanup_duration"] == 0
    a, b = run["tasks"]
    assert (a["task_key"], b["task_key"]) == ("a", "b")
    for task in (a, b):
        assert "job_run_id" not in task and task["run_id"] not in (run_id, job_id)
        assert task["state"]["result_state"] == "SUCCESS"
        assert task["execution_duration"] > 0
        assert task["run_page_url"].endswith(f"#job/{job_id}/run/{task['run_id']}")
    assert b["start_time"] >= a["end_time"]  # b waited for a
    logs = output(w, a["run_id"])
    assert "hello from" in logs["logs"] and logs["logs_truncated"] is False
    assert logs["metadata"]["run_id"] == a["run_id"] and logs["metadata"]["job_id"] == job_id
    assert logs["metadata"]["job_run_id"] == run_id and logs["metadata"]["tasks"] == [a]
    # The SDK's view of the same run.
    sdk_run = w.jobs.get_run(run_id)
    assert sdk_run.state is not None and sdk_run.state.result_state == jobs.RunResultState.SUCCESS
    assert [t.task_key for t in sdk_run.tasks or []] == ["a", "b"]


def test_a_failing_task_fails_the_run_and_skips_downstream(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    bad = write(
        lw, f"{base}/bad.py", "def load():\n    raise ValueError('bad input 42')\n\nload()\n"
    )
    ok = write(lw, f"{base}/ok.py", OK)
    tasks = [python_task("load", bad), python_task("report", ok, after=("load",))]
    job_id = create_job(w, {"name": "fails", "tasks": tasks})
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    assert run["state"]["result_state"] == "FAILED"
    assert run["state"]["state_message"] == (
        "Task load failed with message: Workload failed, see run output for details."
    )
    assert run["status"]["termination_details"]["code"] == "RUN_EXECUTION_ERROR"
    load, report = tasks_by_key(run)["load"], tasks_by_key(run)["report"]
    assert load["state"]["result_state"] == "FAILED"
    assert load["state"]["state_message"] == "Workload failed, see run output for details"
    assert report["state"]["result_state"] == "UPSTREAM_FAILED"
    assert report["status"]["termination_details"]["code"] == "SKIPPED"
    failure = output(w, load["run_id"])
    assert failure["error"] == "ValueError: bad input 42"
    assert "Traceback" in failure["error_trace"] and "in load" in failure["error_trace"]
    with pytest.raises(
        InvalidParameterValue, match="Retrieving the output of runs with multiple tasks"
    ):
        output(w, run["run_id"])


def test_run_now_and_wait_raises_operation_failed(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    bad = write(lw, f"{folder()}/bad.py", "raise SystemExit('no data')\n")
    job_id = create_job(w, {"name": "waits", "tasks": [python_task("only", bad)]})
    with pytest.raises(OperationFailed, match="INTERNAL_ERROR: Task only failed"):
        w.jobs.run_now_and_wait(job_id, timeout=timedelta(seconds=60))
    # The output is the task run's: a workspace refuses the job run's id, even of one task.
    (run,) = w.jobs.list_runs(job_id=job_id, expand_tasks=True)
    assert run.run_id is not None and run.tasks is not None
    (task_run,) = run.tasks
    assert task_run.run_id is not None
    assert "no data" in (w.jobs.get_run_output(task_run.run_id).error or "")
    with pytest.raises(InvalidParameterValue, match="Please retrieve the output of each"):
        w.jobs.get_run_output(run.run_id)


def test_repair_reruns_failed_tasks_and_their_dependents(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    flag = lw.workspace_root / base / "ready"
    flaky = write(
        lw,
        f"{base}/flaky.py",
        "import pathlib\n"
        f"if not pathlib.Path({str(flag)!r}).exists():\n"
        "    raise RuntimeError('not ready')\n",
    )
    ok = write(lw, f"{base}/ok.py", OK)
    tasks = [
        python_task("root", ok),
        python_task("flaky", flaky, after=("root",)),
        python_task("end", ok, after=("flaky",)),
    ]
    job_id = create_job(w, {"name": "repair", "tasks": tasks})
    run_id = run_now(w, job_id)
    first = wait_run(w, run_id)
    assert first["state"]["result_state"] == "FAILED"
    original_ids = {t["task_key"]: t["run_id"] for t in first["tasks"]}

    flag.write_text("yes")
    repair = w.api_client.do(
        "POST", "/api/2.2/jobs/runs/repair", body={"run_id": run_id, "rerun_all_failed_tasks": True}
    )
    repaired = wait_run(w, run_id)
    assert repaired["state"]["life_cycle_state"] == "TERMINATED"
    assert repaired["state"]["result_state"] == "SUCCESS"
    now = {t["task_key"]: t for t in repaired["tasks"]}
    assert now["root"]["run_id"] == original_ids["root"]  # kept, not rerun
    assert now["flaky"]["run_id"] != original_ids["flaky"]
    assert now["end"]["run_id"] != original_ids["end"]  # its dependent ran too
    history = get_run(w, run_id, include_history="true")["repair_history"]
    assert [item["type"] for item in history] == ["ORIGINAL", "REPAIR"]
    assert history[0]["state"]["result_state"] == "FAILED"
    assert sorted(history[0]["task_run_ids"]) == sorted(original_ids.values())
    assert history[1]["id"] == repair["repair_id"]
    assert history[1]["state"]["result_state"] == "SUCCESS"
    assert sorted(history[1]["task_run_ids"]) == sorted(
        [now["flaky"]["run_id"], now["end"]["run_id"]]
    )
    assert "repair_history" not in repaired  # only with include_history
    # A second repair must name the latest one.
    with pytest.raises(InvalidParameterValue, match="latest repair ID needs to be provided"):
        w.jobs.repair_run(run_id, rerun_tasks=["end"])
    again = w.jobs.repair_run(run_id, rerun_tasks=["end"], latest_repair_id=repair["repair_id"])
    assert wait_run(w, run_id)["state"]["result_state"] == "SUCCESS"
    second: jobs.RepairRunResponse = again.response
    assert second.repair_id != repair["repair_id"]
    # The SDK's get_run merges the history pages too.
    sdk = w.jobs.get_run(run_id, include_history=True)
    assert [item.type.value for item in sdk.repair_history or [] if item.type] == [
        "ORIGINAL",
        "REPAIR",
        "REPAIR",
    ]


def test_repair_refuses_a_run_in_progress(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    slow = write(lw, f"{folder()}/slow.py", "import time\ntime.sleep(30)\n")
    job_id = create_job(w, {"name": "busy", "tasks": [python_task("s", slow)]})
    run_id = run_now(w, job_id)
    with pytest.raises(InvalidState, match="still in progress"):
        w.jobs.repair_run(run_id, rerun_all_failed_tasks=True)
    with pytest.raises(InvalidState):
        w.jobs.delete_run(run_id)
    w.jobs.cancel_run(run_id)
    assert wait_run(w, run_id)["state"]["result_state"] == "CANCELED"
    w.jobs.delete_run(run_id)
    with pytest.raises(ResourceDoesNotExist):
        w.jobs.get_run(run_id)


def test_cancel_kills_the_process_tree(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    pids = lw.workspace_root / base / "pids"
    sleeper = write(
        lw,
        f"{base}/sleeper.py",
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "time.sleep(60)\n",
    )
    ok = write(lw, f"{base}/ok.py", OK)
    job_id = create_job(
        w,
        {
            "name": "cancel",
            "tasks": [python_task("sleep", sleeper), python_task("after", ok, after=("sleep",))],
        },
    )
    run_id = run_now(w, job_id)
    wait_for(lambda: pids.exists() and " " in pids.read_text())
    parent, child = (int(p) for p in pids.read_text().split())
    started = time.monotonic()
    w.jobs.cancel_run(run_id)
    run = wait_run(w, run_id)
    assert time.monotonic() - started < 10
    assert run["state"]["life_cycle_state"] == "TERMINATED"
    assert run["state"]["result_state"] == "CANCELED"
    assert run["state"]["user_cancelled_or_timedout"] is True
    assert run["status"]["termination_details"]["code"] == "USER_CANCELED"
    assert tasks_by_key(run)["sleep"]["state"]["result_state"] == "CANCELED"
    assert tasks_by_key(run)["after"]["state"]["result_state"] == "UPSTREAM_CANCELED"
    wait_for(lambda: not process_alive(parent) and not process_alive(child), timeout=10)
    w.jobs.cancel_run(run_id)  # canceling an ended run is a no-op
    with pytest.raises(InvalidParameterValue, match=r"Run 987654321 does not exist\."):
        w.jobs.cancel_run(987654321)


def test_independent_tasks_run_in_parallel(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    slow = write(lw, f"{folder()}/slow.py", "import time\ntime.sleep(1.5)\n")
    job_id = create_job(
        w, {"name": "parallel", "tasks": [python_task(f"t{i}", slow) for i in range(4)]}
    )
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["result_state"] == "SUCCESS"
    starts = [t["start_time"] + t["setup_duration"] for t in run["tasks"]]
    ends = [t["end_time"] for t in run["tasks"]]
    assert max(starts) < min(ends)  # all four were running at once


def test_task_values_and_parameters_reach_tasks(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    setter = write(lw, f"{base}/set.py", "dbutils.jobs.taskValues.set('n', 41)\n")
    getter = write(
        lw,
        f"{base}/get.py",
        "import sys\n"
        "print('n+1 =', dbutils.jobs.taskValues.get(taskKey='set', key='n') + 1)\n"
        "print('argv =', sys.argv[1:])\n",
    )
    job_id = create_job(
        w,
        {
            "name": "values",
            "parameters": [{"name": "day", "default": "mon"}, {"name": "env", "default": "dev"}],
            "tasks": [
                python_task("set", setter),
                python_task("get", getter, after=("set",))
                | {"spark_python_task": {"python_file": getter, "parameters": ["x"]}},
            ],
        },
    )
    run_id = run_now(w, job_id, job_parameters={"env": "prod"}, python_params=["p1", "p2"])
    run = wait_run(w, run_id)
    assert run["state"]["result_state"] == "SUCCESS", run
    assert run["job_parameters"] == [
        {"name": "day", "default": "mon", "value": "mon"},
        {"name": "env", "default": "dev", "value": "prod"},
    ]
    assert run["overriding_parameters"] == {"python_params": ["p1", "p2"]}
    logs = output(w, tasks_by_key(run)["get"]["run_id"])["logs"]
    assert "n+1 = 42" in logs
    assert "argv = ['p1', 'p2']" in logs  # python_params replace the task's parameters


def test_a_task_value_default_stands_in_for_an_upstream_that_set_none(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    quiet = write(lw, f"{base}/quiet.py", "print('sets no value')\n")
    getter = write(
        lw,
        f"{base}/get.py",
        "print('n =', dbutils.jobs.taskValues.get(taskKey='quiet', key='n', default=7))\n",
    )
    job_id = create_job(
        w,
        {
            "name": "value defaults",
            "tasks": [python_task("quiet", quiet), python_task("get", getter, after=("quiet",))],
        },
    )
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["result_state"] == "SUCCESS", run
    assert "n = 7" in output(w, tasks_by_key(run)["get"]["run_id"])["logs"]


def test_a_notebook_task_returns_its_exit_value(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    notebook = write(
        lw,
        f"{folder()}/etl.py",
        "# Databricks notebook source\n"
        "dbutils.widgets.text('day', 'sun')\n\n"
        "# COMMAND ----------\n\n"
        "print('side output')\n"
        "dbutils.notebook.exit('day=' + dbutils.widgets.get('day'))\n",
    )
    task = {"task_key": "nb", "notebook_task": {"notebook_path": notebook.removesuffix(".py")}}
    job_id = create_job(
        w, {"name": "notebook", "parameters": [{"name": "day", "default": "tue"}], "tasks": [task]}
    )
    run = wait_run(w, run_now(w, job_id))
    assert run["state"]["result_state"] == "SUCCESS", run
    result = output(w, run["tasks"][0]["run_id"])
    assert result["notebook_output"] == {"result": "day=tue", "truncated": False}
    assert "logs" not in result  # notebooks have no logs in runs/get-output
    notebook_output = w.jobs.get_run_output(run["tasks"][0]["run_id"]).notebook_output
    assert notebook_output is not None and notebook_output.result == "day=tue"
    views = w.jobs.export_run(run["tasks"][0]["run_id"]).views or []
    assert views and "dbutils.notebook.exit" in (views[0].content or "")


def test_a_task_type_without_a_runner_fails_with_the_reason(w: WorkspaceClient) -> None:
    task = {
        "task_key": "q",
        "sql_task": {"warehouse_id": "local-warehouse", "query": {"query_id": "1"}},
    }
    job_id = create_job(w, {"name": "sql", "tasks": [task]})
    run = wait_run(w, run_now(w, job_id))
    (task_run,) = run["tasks"]
    assert task_run["state"]["result_state"] == "FAILED"
    assert "sql_task" in task_run["state"]["state_message"]
    assert task_run["status"]["termination_details"]["code"] == "INVALID_RUN_CONFIGURATION"
    assert run["state"]["result_state"] == "FAILED"


def test_a_crashing_task_leaves_the_server_serving(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    crash = write(
        lw, f"{folder()}/crash.py", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    job_id = create_job(w, {"name": "crash", "tasks": [python_task("c", crash)]})
    run = wait_run(w, run_now(w, job_id))
    assert run["tasks"][0]["state"]["result_state"] == "FAILED"
    assert "SIGKILL" in output(w, run["tasks"][0]["run_id"])["error"]
    assert w.jobs.get(job_id).job_id == job_id


def test_timeout_and_retries(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    slow = write(lw, f"{base}/slow.py", "import time\ntime.sleep(30)\n")
    bad = write(lw, f"{base}/bad.py", "raise RuntimeError('always')\n")
    job_id = create_job(
        w,
        {
            "name": "timeouts",
            "tasks": [
                python_task("slow", slow, timeout_seconds=1),
                python_task("bad", bad, max_retries=1, min_retry_interval_millis=200),
            ],
        },
    )
    run = wait_run(w, run_now(w, job_id))
    slow_run = tasks_by_key(run)["slow"]
    assert slow_run["state"]["result_state"] == "TIMEDOUT"
    assert slow_run["state"]["user_cancelled_or_timedout"] is True
    attempts = [t for t in run["tasks"] if t["task_key"] == "bad"]
    assert [t["attempt_number"] for t in attempts] == [0, 1]
    assert [t["state"]["result_state"] for t in attempts] == ["FAILED", "FAILED"]
    assert attempts[0]["run_id"] != attempts[1]["run_id"]
    retry = output(w, attempts[1]["run_id"])["metadata"]
    assert retry["original_attempt_run_id"] == attempts[0]["run_id"]
    assert attempts[1]["start_time"] - attempts[0]["start_time"] >= 200
    assert run["state"]["result_state"] == "FAILED"


def test_max_concurrent_runs_queues_or_skips(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    slow = write(lw, f"{folder()}/slow.py", "import time\ntime.sleep(0.8)\n")
    job_id = create_job(
        w, {"name": "queue", "max_concurrent_runs": 1, "tasks": [python_task("s", slow)]}
    )
    first, second = run_now(w, job_id), run_now(w, job_id)
    queued = get_run(w, second)
    assert queued["state"]["life_cycle_state"] == "QUEUED"
    assert queued["status"]["queue_details"]["code"] == "MAX_CONCURRENT_RUNS_REACHED"
    active = {run.run_id for run in w.jobs.list_runs(job_id=job_id, active_only=True)}
    assert active == {first, second}
    skipped = run_now(w, job_id, queue={"enabled": False})
    skipped_run = w.jobs.wait_get_run_job_terminated_or_skipped(skipped)  # returns on SKIPPED
    assert skipped_run.state is not None
    assert skipped_run.state.life_cycle_state == jobs.RunLifeCycleState.SKIPPED
    assert skipped_run.state.result_state == jobs.RunResultState.MAXIMUM_CONCURRENT_RUNS_REACHED
    one, two = wait_run(w, first), wait_run(w, second)
    assert one["state"]["result_state"] == two["state"]["result_state"] == "SUCCESS"
    assert two["tasks"][0]["start_time"] >= one["end_time"]
    assert two["queue_duration"] > 0


def test_idempotency_token_and_submit(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    ok = write(lw, f"{folder()}/ok.py", OK)
    job_id = create_job(w, {"name": "idem"})
    token = uuid.uuid4().hex
    assert run_now(w, job_id, idempotency_token=token) == run_now(
        w, job_id, idempotency_token=token
    )
    tasks = [jobs.SubmitTask(task_key="t", spark_python_task=jobs.SparkPythonTask(python_file=ok))]
    submitted = w.jobs.submit(run_name="one-off", tasks=tasks, idempotency_token=token)
    again = w.jobs.submit(run_name="one-off", tasks=tasks, idempotency_token=token)
    submitted_id: int = submitted.run_id
    assert again.run_id == submitted_id
    run = wait_run(w, submitted_id)
    assert run["run_type"] == "SUBMIT_RUN" and run["run_name"] == "one-off"
    assert run["state"]["result_state"] == "SUCCESS"
    with pytest.raises(InvalidParameterValue, match="Missing required field: tasks"):
        w.api_client.do("POST", "/api/2.2/jobs/runs/submit", body={"run_name": "x"})


def test_cancel_all(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    slow = write(lw, f"{folder()}/slow.py", "import time\ntime.sleep(30)\n")
    job_id = create_job(
        w, {"name": "cancel-all", "max_concurrent_runs": 1, "tasks": [python_task("s", slow)]}
    )
    first, second = run_now(w, job_id), run_now(w, job_id)
    w.jobs.cancel_all_runs(job_id=job_id)
    assert wait_run(w, first)["state"]["result_state"] == "CANCELED"
    assert wait_run(w, second)["state"]["result_state"] == "CANCELED"
    with pytest.raises(InvalidParameterValue, match="Missing required field: job_id"):
        w.jobs.cancel_all_runs()


def test_runs_list_filters_and_pages(make_workspace: Callable[..., LocalWorkspace]) -> None:
    lw = make_workspace()
    w = client(lw)
    job_id = create_job(w, {"name": "empty", "max_concurrent_runs": 100})  # no tasks: ends at once
    other = create_job(w, {"name": "other"})
    ids = [run_now(w, job_id) for _ in range(30)]
    run_now(w, other)
    for run_id in ids:
        wait_run(w, run_id)
    newest_first = ids[::-1]
    assert [r.run_id for r in w.jobs.list_runs(job_id=job_id)] == newest_first
    assert len(list(w.jobs.list_runs())) == 31
    page = w.api_client.do("GET", "/api/2.2/jobs/runs/list", query={"job_id": job_id, "limit": 10})
    assert [r["run_id"] for r in page["runs"]] == newest_first[:10] and page["has_more"]
    following = w.api_client.do(
        "GET",
        "/api/2.2/jobs/runs/list",
        query={"job_id": job_id, "limit": 10, "page_token": page["next_page_token"]},
    )
    assert [r["run_id"] for r in following["runs"]] == newest_first[10:20]
    previous = w.api_client.do(
        "GET",
        "/api/2.2/jobs/runs/list",
        query={"job_id": job_id, "limit": 10, "page_token": following["prev_page_token"]},
    )
    assert [r["run_id"] for r in previous["runs"]] == newest_first[:10]
    assert "tasks" not in page["runs"][0]
    assert list(w.jobs.list_runs(job_id=job_id, active_only=True)) == []
    assert len(list(w.jobs.list_runs(job_id=job_id, completed_only=True))) == 30
    middle = get_run(w, ids[15])["start_time"]
    later = [r.run_id for r in w.jobs.list_runs(job_id=job_id, start_time_from=middle)]
    assert ids[15] in later and ids[0] not in later
    earlier = [r.run_id for r in w.jobs.list_runs(job_id=job_id, start_time_to=middle)]
    assert ids[15] in earlier and ids[29] not in earlier
    with pytest.raises(
        InvalidParameterValue, match="Invalid limit 27 - it has to be no more than 26"
    ):
        w.api_client.do("GET", "/api/2.2/jobs/runs/list", query={"limit": 27})
    with pytest.raises(InvalidParameterValue, match="cannot both be true"):
        list(w.jobs.list_runs(active_only=True, completed_only=True))


def test_runs_get_pages_a_250_task_run(w: WorkspaceClient) -> None:
    # Disabled tasks end at once (DISABLED), so a 250-task run takes no time.
    tasks = [
        {"task_key": f"t{i:03d}", "disabled": True, "notebook_task": {"notebook_path": "/Shared/x"}}
        for i in range(250)
    ]
    job_id = create_job(w, {"name": "wide", "tasks": tasks})
    run_id = run_now(w, job_id)
    run = wait_run(w, run_id)
    assert run["state"]["result_state"] == "SUCCESS"
    assert len(run["tasks"]) == 100 and "next_page_token" in run
    sizes = [len(run["tasks"])]
    while "next_page_token" in run:
        run = get_run(w, run_id, page_token=run["next_page_token"])
        sizes.append(len(run["tasks"]))
    assert sizes == [100, 100, 50]
    merged = w.jobs.get_run(run_id)
    assert [t.task_key for t in merged.tasks or []] == [t["task_key"] for t in tasks]
    assert {t.state.result_state for t in merged.tasks or [] if t.state} == {
        jobs.RunResultState.DISABLED
    }


def test_run_if_handlers_and_the_job_result(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    base = folder()
    bad = write(lw, f"{base}/bad.py", "raise ValueError('boom')\n")
    ok = write(lw, f"{base}/ok.py", OK)
    tasks = [
        python_task("load", bad),
        python_task("cleanup", ok, after=("load",), run_if="ALL_DONE"),
        python_task("alert", ok, after=("load",), run_if="AT_LEAST_ONE_FAILED"),
        python_task("publish", ok, after=("load",)),
    ]
    run = wait_run(w, run_now(w, create_job(w, {"name": "run-if", "tasks": tasks})))
    results = {key: t["state"]["result_state"] for key, t in tasks_by_key(run).items()}
    assert results == {
        "load": "FAILED",
        "cleanup": "SUCCESS",
        "alert": "SUCCESS",
        "publish": "UPSTREAM_FAILED",
    }
    assert run["state"]["result_state"] == "FAILED"  # a leaf (publish) did not succeed
    # Failures that no leaf inherits: SUCCESS_WITH_FAILURES, a TERMINATED run.
    handled = wait_run(w, run_now(w, create_job(w, {"name": "handled", "tasks": tasks[:2]})))
    assert handled["state"]["life_cycle_state"] == "TERMINATED"
    assert handled["state"]["result_state"] == "SUCCESS_WITH_FAILURES"


def test_the_job_timeout_stops_the_run(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    slow = write(lw, f"{folder()}/slow.py", "import time\ntime.sleep(30)\n")
    tasks = [python_task("s", slow), python_task("next", slow, after=("s",))]
    run = wait_run(
        w, run_now(w, create_job(w, {"name": "t", "timeout_seconds": 1, "tasks": tasks}))
    )
    assert run["state"]["result_state"] == "TIMEDOUT"
    assert run["state"]["state_message"] == "Run timed out after 1 seconds."
    assert run["status"]["termination_details"]["code"] == "CANCELED"
    first, after = tasks_by_key(run)["s"], tasks_by_key(run)["next"]
    assert first["state"]["result_state"] == "TIMEDOUT"
    assert first["state"]["state_message"] == "The run timed out after 1 seconds."
    assert after["state"]["result_state"] == "UPSTREAM_CANCELED"
