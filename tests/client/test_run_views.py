"""Runs read as the Runs tab shows them, from the shapes real workspaces answer: runs/get task
entries carry no `job_run_id` / `original_attempt_run_id`; a retried task has one entry per
attempt and a repair adds entries (the failed ones stay); get-output nests the task under
`metadata.tasks[0]`; links are shown only where they lead somewhere. Recorded real answers come
from `tests/data/real/`; the rest follow them.

Through the SDK, a loopback stub replays such answers to the editor's run messages and to a
`RunHandle` following a repair the workspace has not shown yet."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import (
    RunHandle,
    RunsService,
    connect,
    matrix_rows,
    progress,
    repair_plan,
    root_causes,
    run_detail,
    run_summary,
    task_states,
)
from loom_jobs_widget.client.run_views import (
    attempts,
    cancel_text,
    canceled,
    exportable,
    openable_url,
    run_duration,
    run_state,
    spark_ui_url,
    task_output,
)
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor import EditorSession

from ..conftest import Stub
from ..editor.test_editor import View

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
HOST = "https://adb-1234567890123456.7.azuredatabricks.net"
RUNS = "/api/2.2/jobs/runs/"


def recorded(name: str) -> dict[str, Any]:
    """The response of a recording in tests/data/real/."""
    document = json.loads((REAL / f"{name}.json").read_text(encoding="utf-8"))
    return document["response"]  # type: ignore[no-any-return]


def state(life: str, result: str | None = None, message: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"life_cycle_state": life, "state_message": message,
                             "user_cancelled_or_timedout": False}  # fmt: skip
    if result is not None:
        found["result_state"] = result
    return found


def entry(run_id: int, key: str, attempt: int, start: int, end: int, life: str,
          result: str | None = None, **more: Any) -> dict[str, Any]:  # fmt: skip
    """A runs/get `tasks[]` entry as a workspace returns it: no job_run_id, no
    original_attempt_run_id, no parent_run_id."""
    return {"run_id": run_id, "task_key": key, "attempt_number": attempt,
            "state": state(life, result), "start_time": start, "setup_duration": 0,
            "execution_duration": max(0, end - start) if end else 0, "cleanup_duration": 0,
            "end_time": end, "run_page_url": f"{HOST}/?o=7#job/5/run/{run_id}",
            "spark_python_task": {"python_file": f"/Workspace/x/{key}.py"}, **more}  # fmt: skip


SETTINGS = {"name": "etl", "tasks": [
    {"task_key": "extract", "spark_python_task": {"python_file": "/Workspace/x/extract.py"}},
    {"task_key": "flaky", "max_retries": 1, "depends_on": [{"task_key": "extract"}],
     "spark_python_task": {"python_file": "/Workspace/x/flaky.py"}},
    {"task_key": "after", "depends_on": [{"task_key": "flaky"}],
     "spark_python_task": {"python_file": "/Workspace/x/after.py"}},
]}  # fmt: skip


def failed_run() -> dict[str, Any]:
    """A job run whose `flaky` task failed twice (its retry too), `after` then skipped."""
    cluster = {"cluster_instance": {"cluster_id": "0929-205554-jm9y8aqe",
                                    "spark_context_id": "2683025026034934417"}}  # fmt: skip
    return {
        "job_id": 5, "run_id": 40, "number_in_job": 40, "run_type": "JOB_RUN",
        "trigger": "ONE_TIME", "creator_user_name": "ana@example.com", "format": "MULTI_TASK",
        "start_time": 1_000, "end_time": 5_000, "run_duration": 4_000,
        "run_page_url": f"{HOST}/?o=7#job/5/run/40",
        "state": state("INTERNAL_ERROR", "FAILED", "Task flaky failed with message: Workload "
                       "failed, see run output for details."),
        "tasks": [
            entry(41, "extract", 0, 1_000, 1_900, "TERMINATED", "SUCCESS", **cluster),
            entry(42, "flaky", 0, 2_000, 2_500, "TERMINATED", "FAILED"),
            entry(44, "after", 0, 0, 0, "TERMINATED", "UPSTREAM_FAILED"),
            entry(43, "flaky", 1, 3_000, 3_500, "TERMINATED", "FAILED"),
        ],
    }  # fmt: skip


def repaired_run(repair_attempt: int, *, history: bool = True) -> dict[str, Any]:
    """`failed_run` after one repair of all failed tasks: the repair's entries come after the
    earlier ones, which stay."""
    run = failed_run()
    run["state"] = state("TERMINATED", "SUCCESS")
    run["end_time"], run["run_duration"] = 9_000, 7_000
    run["tasks"] += [
        entry(51, "flaky", repair_attempt, 7_000, 7_800, "TERMINATED", "SUCCESS"),
        entry(52, "after", repair_attempt, 8_000, 9_000, "TERMINATED", "SUCCESS"),
    ]
    if history:
        run["repair_history"] = [
            {"type": "ORIGINAL", "start_time": 1_000, "end_time": 5_000,
             "state": state("INTERNAL_ERROR", "FAILED"), "task_run_ids": [41, 42, 43, 44]},
            {"type": "REPAIR", "id": 900, "start_time": 7_000, "end_time": 9_000,
             "state": state("TERMINATED", "SUCCESS"), "task_run_ids": [51, 52]},
        ]  # fmt: skip
    return run


def test_a_retried_task_shows_once_with_its_last_attempt() -> None:
    run = failed_run()
    assert all("job_run_id" not in t and "original_attempt_run_id" not in t for t in run["tasks"])
    assert task_states(run) == {"extract": "SUCCESS", "flaky": "FAILED",
                                "after": "UPSTREAM_FAILED"}  # fmt: skip
    assert root_causes(run) == ["flaky"]
    assert progress(run)["total"] == 3 and progress(run)["done"] == 3
    detail = run_detail(run, ["extract", "flaky", "after"], host=HOST)
    flaky = next(t for t in detail["tasks"] if t["task_key"] == "flaky")
    assert [t["task_key"] for t in detail["tasks"]] == ["extract", "flaky", "after"]
    assert (flaky["run_id"], flaky["attempt_number"], flaky["attempts"]) == (43, 1, 2)
    assert [(a["task_key"], a["run_id"]) for a in detail["attempts"]] == [
        ("after", 44), ("extract", 41), ("flaky", 42), ("flaky", 43)]  # fmt: skip

    # "rerun_tasks cannot contain duplicate task keys": the plan names the retried task once.
    plan = repair_plan(SETTINGS, run)
    assert plan.rerun == ["flaky", "after"] and plan.reused == ["extract"]
    assert plan.request == {"run_id": 40, "rerun_all_failed_tasks": True,
                            "rerun_dependent_tasks": True}  # fmt: skip
    chosen = repair_plan(SETTINGS, run, rerun_tasks=["flaky", "flaky"], rerun_dependent_tasks=False)
    assert chosen.request["rerun_tasks"] == ["flaky"] and chosen.rerun == ["flaky"]


# How a repair numbers its task runs' attempts is not documented: either way reads the same.
@pytest.mark.parametrize("repair_attempt", [0, 2])
@pytest.mark.parametrize("history", [True, False])
def test_after_a_repair_each_task_shows_its_latest_task_run(
    repair_attempt: int, history: bool
) -> None:
    run = repaired_run(repair_attempt, history=history)
    assert task_states(run) == {"extract": "SUCCESS", "flaky": "SUCCESS", "after": "SUCCESS"}
    assert root_causes(run) == []
    assert progress(run) | {"run": None} == {"run": None, "done": 3, "total": 3,
                                             "finished": True, "root_causes": []}  # fmt: skip
    detail = run_detail(run, ["extract", "flaky", "after"], host=HOST)
    tasks = {t["task_key"]: t for t in detail["tasks"]}
    assert len(detail["tasks"]) == 3
    assert (tasks["flaky"]["run_id"], tasks["flaky"]["attempts"]) == (51, 3)
    assert (tasks["after"]["run_id"], tasks["after"]["attempts"]) == (52, 2)
    # Every task run stays readable, oldest first, each with the repair that ran it.
    assert [a["run_id"] for a in detail["attempts"] if a["task_key"] == "flaky"] == [42, 43, 51]
    assert tasks["flaky"]["repair_id"] == (900 if history else None)
    assert detail["latest_repair_id"] == (900 if history else None)


def test_a_repair_under_way_shows_its_waiting_task_runs() -> None:
    run = failed_run()
    run["state"] = state("RUNNING")
    # Not started yet: no start_time; they are the newest of their tasks all the same.
    run["tasks"] += [entry(51, "flaky", 0, 0, 0, "PENDING"), entry(52, "after", 0, 0, 0, "BLOCKED")]
    assert task_states(run) == {"extract": "SUCCESS", "flaky": "PENDING", "after": "BLOCKED"}
    assert root_causes(run) == []
    now = progress(run)
    assert (now["done"], now["total"], now["finished"]) == (1, 3, False)


def test_a_skipped_task_of_a_repair_is_placed_by_its_repair() -> None:
    # A task run that ended without starting has no start_time: its repair dates it.
    run = repaired_run(0)
    run["tasks"].append(entry(53, "extract", 0, 0, 0, "TERMINATED", "EXCLUDED"))
    run["repair_history"][1]["task_run_ids"].append(53)
    assert task_states(run)["extract"] == "EXCLUDED"
    assert [(t["run_id"], repair) for t, repair in attempts(run)][-3:] == [
        (51, 900), (53, 900), (52, 900)]  # fmt: skip


def test_links_lead_somewhere_or_are_not_given() -> None:
    page = f"{HOST}/?o=7#job/5/run/40"
    assert openable_url(page) == page
    for nowhere in ("", "  ", "#", None, 40, "[RUN_URL]", "***/?o=2567941339669575#job/6/run/8",
                    "javascript:alert(1)", "http://127.0.0.1:8123/?o=1#job/1/run/2",
                    "http://localhost:80/x", "http://[::1]:9/x", "http://0.0.0.0:1/"):  # fmt: skip
        assert openable_url(nowhere) is None, nowhere
    cluster = {"cluster_id": "0929-205554-jm9y8aqe", "spark_context_id": "2683025026034934417"}
    assert spark_ui_url(HOST, cluster) == (
        f"{HOST}/#setting/sparkui/0929-205554-jm9y8aqe/driver-2683025026034934417"
    )
    assert spark_ui_url("http://127.0.0.1:8123", cluster) is None
    assert spark_ui_url(HOST, {"cluster_id": "0929-205554-jm9y8aqe"}) is None  # not started
    assert spark_ui_url(HOST, None) is None


def test_recorded_runs_read_as_shown() -> None:
    # A finished runs/submit run on a real cluster: its page, and its task's Spark UI.
    submitted = recorded("runs_get_submit_run")
    summary = run_summary(submitted)
    assert summary["state"] == "SUCCESS" and summary["run_page_url"] == submitted["run_page_url"]
    host = "https://asdf.cloud.databricks.com"
    assert spark_ui_url(host, submitted["tasks"][0]["cluster_instance"]) == (
        f"{host}/#setting/sparkui/0929-205554-jm9y8aqe/driver-2683025026034934417"
    )
    # A run waiting for its cluster: not ended, its one task counted, not done.
    pending = recorded("runs_get_pending")
    summary = run_summary(pending, now_ms=pending["start_time"] + 5_000)
    assert (summary["state"], summary["ended"], summary["end_time"]) == ("PENDING", False, None)
    assert summary["duration_ms"] == 5_000
    assert progress(pending)["done"] == 0 and progress(pending)["total"] == 1
    # A failed job run: INTERNAL_ERROR + FAILED reads FAILED; a placeholder URL is no link.
    failed = recorded("runs_get_failed_job_run")
    assert run_summary(failed)["state"] == "FAILED"
    assert run_summary(failed)["run_page_url"] is None


def test_a_notebook_task_output_from_get_output() -> None:
    output = recorded("runs_get_output_notebook_failed")
    assert exportable(output)  # a notebook that ran and ended
    content = "<html><script>window.__STATIC_SETTINGS__ = {}</script></html>"
    page = {"views": [{"name": "brickproof_runner", "type": "NOTEBOOK", "content": content}]}
    view = task_output(output, exported=page)
    assert view["task_key"] == "brickproof-Unittests" and view["task_type"] == "notebook_task"
    assert (view["run_id"], view["state"], view["ended"]) == (89018493834650, "FAILED", True)
    assert view["error"] == "AssertionError: The pytest invocation failed. See the log above " \
        "for details."  # fmt: skip
    assert view["error_trace"] is not None and "\x1b" not in view["error_trace"]
    assert "---> 17 assert retcode == 0" in view["error_trace"]
    # notebook_output is {}: no exit value, and not "no output": the page has what it printed.
    assert view["notebook_result"] is None
    assert view["exported_views"] == page["views"] and view["export_local"] is False
    assert view["other"] == {}

    not_exported = task_output(output, export_error="Run 1 does not exist.")
    assert not_exported["exported_views"] is None
    assert not_exported["export_error"] == "Run 1 does not exist."


def test_other_task_outputs() -> None:
    metadata = {"job_id": 5, "run_id": 61, "task_key": "py", "tasks": [
        {"run_id": 61, "task_key": "py", "state": state("TERMINATED", "SUCCESS"),
         "spark_python_task": {"python_file": "/Workspace/x/a.py"}}]}  # fmt: skip
    logs = "\x1b[32mloaded\x1b[0m 3 rows\n"
    python = {"metadata": metadata, "logs": logs, "logs_truncated": True}
    view = task_output(python)
    assert not exportable(python)  # printed output of a Python file is in its logs
    assert (view["task_type"], view["logs"], view["logs_truncated"]) == (
        "spark_python_task", "loaded 3 rows\n", True)  # fmt: skip
    assert view["exported_views"] is None

    notebook_meta = copy.deepcopy(metadata)
    notebook_meta["tasks"][0].pop("spark_python_task")
    notebook_meta["tasks"][0]["notebook_task"] = {"notebook_path": "/Workspace/x/nb"}
    exit_value = {"metadata": notebook_meta, "notebook_output": {"result": "x" * 10,
                                                                 "truncated": True}}  # fmt: skip
    view = task_output(exit_value)
    assert (view["notebook_result"], view["notebook_result_truncated"]) == ("x" * 10, True)
    skipped = copy.deepcopy(exit_value)
    skipped["metadata"]["tasks"][0]["state"] = state("TERMINATED", "UPSTREAM_FAILED")
    assert not exportable(skipped)  # it never ran

    child = {"metadata": metadata, "run_job_output": {"run_id": 77}}
    assert task_output(child)["other"] == {"run_job_output": {"run_id": 77}}


def test_the_editor_reads_a_workspace_s_answers(stub: Stub) -> None:
    stub.answers[RUNS + "get"] = (200, repaired_run(0), {})
    output = recorded("runs_get_output_notebook_failed")
    stub.answers[RUNS + "get-output"] = (200, output, {})
    page = {"views": [{"name": "runner", "type": "NOTEBOOK", "content": "<p>42</p>"}]}
    stub.answers[RUNS + "export"] = (200, page, {})
    remote = connect(host=stub.url, token="dapi-stub", retry_timeout_seconds=2)
    view = View()
    session = EditorSession(JobSettings.from_api(SETTINGS), job=None, send=view.send,
                            on_state=view.on_state, workspace=lambda: remote)  # fmt: skip
    session.handle({"kind": "run", "request_id": 1, "run_id": 40})
    detail = view.one("run")["run"]
    assert [(t["task_key"], t["run_id"], t["attempts"]) for t in detail["tasks"]] == [
        ("extract", 41, 1), ("flaky", 51, 3), ("after", 52, 2)]  # fmt: skip
    # The run page is on the workspace's host; a Spark UI link would be on the host the client
    # talks to, a loopback address here, which no browser tab opens.
    assert detail["run_page_url"] == f"{HOST}/?o=7#job/5/run/40"
    assert detail["tasks"][0]["spark_ui_url"] is None

    session.handle({"kind": "task_output", "request_id": 2, "run_id": 89018493834650})
    shown = view.one("task_output")["output"]
    # connect(host=...) is not the local workspace, whatever its address: its exported page is
    # a workspace's own (drawn on demand, with its scripts in a sandbox).
    assert shown["exported_views"] == page["views"] and shown["export_local"] is False
    assert not remote.runs.local and RunsService(remote.client).local  # a bare client guesses
    assert shown["error"].startswith("AssertionError")
    assert [path for _, path, _, _ in stub.requests].count(RUNS + "export") == 1


def test_following_a_repair_waits_until_the_workspace_shows_it(stub: Stub) -> None:
    # Right after runs/repair, runs/get may still show the run as it ended before.
    stub.answers[RUNS + "get"] = (200, failed_run(), {})
    remote = connect(host=stub.url, token="dapi-stub", retry_timeout_seconds=2)
    handle = RunHandle(remote.runs, 40, repair_id=900)
    handle.refresh()
    assert handle.state == "FAILED" and not handle.done
    stub.answers[RUNS + "get"] = (200, repaired_run(0), {})
    handle.refresh()
    assert handle.state == "SUCCESS" and handle.done
    # Without a repair the ended run is done at once; a repair never shown is given up on.
    assert RunHandle(remote.runs, 40).wait(timeout=5)["run_id"] == 40
    stub.answers[RUNS + "get"] = (200, failed_run(), {})
    given_up = RunHandle(remote.runs, 40, repair_id=901, repair_wait=0.3)
    assert given_up.wait(timeout=10)["state"]["result_state"] == "FAILED"


def test_the_jobs_list_links_a_run_the_same_way() -> None:
    from loom_jobs_widget.browser.rows import run_summary as last_run

    real = last_run(failed_run())
    assert real is not None and real["url"] == f"{HOST}/?o=7#job/5/run/40"
    assert not real["opens_in_editor"]
    loopback = dict(failed_run(), run_page_url="http://127.0.0.1:8123/?o=1#job/5/run/40")
    shown = last_run(loopback)
    assert shown is not None and shown["url"] is None and shown["state"] == "failed"
    # The local workspace's run opens in the editor's run view instead.
    local = last_run(loopback, local=True)
    assert local is not None and local["url"] is None and local["opens_in_editor"]


def test_how_long_a_run_took() -> None:
    # A real run still waiting for its cluster: no run_duration, end_time 0.
    pending = recorded("runs_get_pending")
    now = int(pending["start_time"]) + 5_000
    summary = run_summary(pending, now_ms=now)
    assert (summary["ended"], summary["end_time"], summary["duration_ms"]) == (False, None, 5_000)
    # A run going on whose run_duration reads 0 so far: the time since it started.
    running = dict(failed_run(), state=state("RUNNING"), end_time=0, run_duration=0)
    assert run_summary(running, now_ms=9_000)["duration_ms"] == 8_000
    assert progress(running, now_ms=9_000)["run"]["duration_ms"] == 8_000
    assert run_duration(dict(running, start_time=0), now_ms=9_000) is None  # not started

    # Ended: run_duration counts the run with its repairs (not the pause between them).
    assert run_summary(repaired_run(0))["duration_ms"] == 7_000
    # A real one-task run without run_duration: its phases, not end - start (930_072).
    submitted = recorded("runs_get_submit_run")
    assert "run_duration" not in submitted
    assert submitted["end_time"] - submitted["start_time"] == 930_072
    assert run_summary(submitted)["duration_ms"] == 338_000 + 591_000
    # Neither: end - start.
    bare = {"state": state("TERMINATED", "SUCCESS"), "start_time": 1_000, "end_time": 4_500,
            "setup_duration": 0, "execution_duration": 0, "cleanup_duration": 0}  # fmt: skip
    assert run_summary(bare)["duration_ms"] == 3_500


def test_a_local_workspace_s_run_has_no_link_out() -> None:
    run = failed_run()
    run["tasks"][0]["cluster_instance"] = {"cluster_id": "c-1", "spark_context_id": "9"}
    real = run_detail(run, ["extract", "flaky", "after"], host=HOST)
    assert real["run_page_url"] == f"{HOST}/?o=7#job/5/run/40"
    assert real["tasks"][0]["spark_ui_url"] == f"{HOST}/#setting/sparkui/c-1/driver-9"
    # On the local workspace the run detail is the run's page, whatever URL the run carries.
    local = run_detail(run, ["extract", "flaky", "after"], host=HOST, local=True)
    assert local["run_page_url"] is None
    assert all(t["run_page_url"] is None and t["spark_ui_url"] is None
               for t in local["tasks"] + local["attempts"])  # fmt: skip
    assert run_summary(run, local=True)["run_page_url"] is None
    assert progress(run, local=True)["run"]["run_page_url"] is None
    assert matrix_rows([run], ["flaky"], local=True)[0]["run"]["run_page_url"] is None


def test_a_cancel_reads_as_a_cancel() -> None:
    # runs/get of a cancelled run as a workspace answers it (flyteorg/flytekit PR #1935).
    ended = {"life_cycle_state": "TERMINATED", "result_state": "CANCELED",
             "state_message": "Run cancelled.", "user_cancelled_or_timedout": True}  # fmt: skip
    real = {"run_id": 1, "start_time": 1_000, "end_time": 24_000, "state": ended}
    assert canceled(real) and run_summary(real)["state"] == "CANCELED"
    assert run_summary(real)["state_message"] == "Canceled"
    named = copy.deepcopy(real)
    named["state"]["state_message"] = "Run cancelled by ada@example.com."
    assert cancel_text(named) == "Canceled by ada@example.com"
    # Only the `status` form: termination_details.code USER_CANCELED (Jobs API: runs/list).
    status_only = {"run_id": 2, "status": {"state": "TERMINATED", "termination_details": {
        "code": "USER_CANCELED", "type": "SUCCESS", "message": ""}}}  # fmt: skip
    assert run_state(status_only) == "CANCELED" and canceled(status_only)
    # A timeout has the code CANCELED ("canceled by the platform") but is no cancel.
    platform = {"state": "TERMINATED", "termination_details": {"code": "CANCELED"}}
    timed_out = {"state": {"life_cycle_state": "TERMINATED", "result_state": "TIMEDOUT"},
                 "status": platform}  # fmt: skip
    assert not canceled(timed_out) and run_state(timed_out) == "TIMEDOUT"
    # A running run's message is its own.
    assert not canceled({"state": {"life_cycle_state": "RUNNING"}})
