"""Runs on real runs of the local workspace: the runs service (run now with an idempotency token,
repair twice, output, cancel), and runs as the editor shows them: task states, the root cause
apart from the tasks that failed upstream, the repair preview against the repair the workspace
then makes, and following a run from the editor until it ends."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat, Language

from loom_jobs_widget.client import (
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    RunHandle,
    RunsService,
    Workspace,
    latest_task_runs,
    poll_intervals,
    repair_plan,
    root_causes,
    run_state,
    task_states,
)
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor import EditorSession, JobEditor

from ..editor.test_editor import View
from .test_jobs import unique


@pytest.fixture
def scripts(ws: Workspace) -> str:
    folder = f"/Workspace/Shared/runs-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    for name, body in {
        "ok.py": b"print('ok')\n",
        # Fails until a flag file exists: a repair after "fixing" it succeeds.
        "flaky.py": b"import os, sys\nflag = sys.argv[1]\nif not os.path.exists(flag):\n"
        b"    raise SystemExit('no flag yet')\nprint('fixed')\n",
    }.items():
        ws.client.workspace.upload(f"{folder}/{name}", body, format=ImportFormat.AUTO,
                                   overwrite=True)  # fmt: skip
    return folder


def job_of(folder: str, flag: str) -> dict[str, Any]:
    def task(key: str, script: str, *after: str, **more: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "task_key": key,
            "spark_python_task": {"python_file": f"{folder}/{script}", "parameters": [flag]},
            **more,
        }
        if after:
            entry["depends_on"] = [{"task_key": upstream} for upstream in after]
        return entry

    return {
        "name": "runs test",
        "tasks": [
            task("extract", "ok.py"),
            task("load", "flaky.py", "extract"),
            task("report", "ok.py", "load"),
            task("audit", "ok.py", "extract"),
            task("alert", "ok.py", "load", run_if="AT_LEAST_ONE_FAILED"),
        ],
    }


@pytest.fixture
def failing_job(ws: Workspace, scripts: str, tmp_path: Any) -> Iterator[tuple[int, str]]:
    flag = str(tmp_path / "flag")
    job_id = int(ws.jobs.create(job_of(scripts, flag)).job_id)  # type: ignore[arg-type]
    yield job_id, flag
    ws.jobs.delete(job_id)


def test_a_failed_run_its_root_cause_and_its_repair(
    ws: Workspace, failing_job: tuple[int, str]
) -> None:
    job_id, flag = failing_job
    handle = RunHandle(ws.runs, int(ws.runs.run_now(job_id)["run_id"]))
    run = handle.wait(timeout=120)
    assert handle.done and run_state(run) == "FAILED"
    assert task_states(run) == {
        "extract": "SUCCESS",
        "load": "FAILED",
        "report": "UPSTREAM_FAILED",
        "audit": "SUCCESS",
        "alert": "SUCCESS",
    }
    assert root_causes(run) == ["load"]

    settings = ws.jobs.get(job_id).settings
    assert settings is not None
    plan = repair_plan(settings, run)
    assert plan.rerun == ["load", "report", "alert"]
    assert plan.reused == ["extract", "audit"]
    assert plan.request == {
        "run_id": handle.run_id,
        "rerun_all_failed_tasks": True,
        "rerun_dependent_tasks": True,
    }
    only_report = repair_plan(settings, run, rerun_tasks=["report"], rerun_dependent_tasks=False)
    assert (only_report.rerun, only_report.request.get("rerun_tasks")) == (["report"], ["report"])

    # Fix the cause, then repair as planned: the workspace reruns exactly the planned tasks.
    open(flag, "w").close()
    before = {key: task_run["run_id"] for key, task_run in latest_task_runs(run).items()}
    request = dict(plan.request)
    ws.runs.repair_run(
        request.pop("run_id"),
        rerun_all_failed_tasks=request["rerun_all_failed_tasks"],
        rerun_dependent_tasks=request["rerun_dependent_tasks"],
    )
    repaired = handle.wait(timeout=120)
    after = {key: task_run["run_id"] for key, task_run in latest_task_runs(repaired).items()}
    assert sorted(k for k in after if after[k] != before[k]) == sorted(plan.rerun)
    assert task_states(repaired)["load"] == "SUCCESS"
    assert task_states(repaired)["alert"] == "EXCLUDED"  # no failure left to alert on


def test_the_editor_runs_the_job_and_colours_its_tasks(
    ws: Workspace, failing_job: tuple[int, str]
) -> None:
    job_id, _ = failing_job
    editor = JobEditor(job_id, ws)
    handle = editor.run()
    handle.wait(timeout=120)
    # The follower ends by itself with the run, after showing its last read.
    assert handle._thread is not None
    handle._thread.join(timeout=30)
    assert not handle._thread.is_alive()
    assert editor._session.graph.states == task_states(handle.run)
    nodes = {n["data"]["id"]: n["data"] for n in editor._session.graph.elements["nodes"]}
    assert nodes["load"]["state"] == "FAILED" and nodes["report"]["state"] == "UPSTREAM_FAILED"


def test_an_unsaved_job_cannot_run(ws: Workspace) -> None:
    editor = JobEditor(settings={"name": "draft", "tasks": []}, workspace=ws)
    with pytest.raises(ConfigurationError, match="Save the job before running it"):
        editor.run()


def test_polling_backs_off_to_a_ceiling() -> None:
    waits = [wait for _, wait in zip(range(12), poll_intervals(), strict=False)]
    assert waits[0] == 0.25 and waits == sorted(waits) and waits[-1] == 5.0


def test_states_of_runs_in_every_phase() -> None:
    assert run_state({"state": {"life_cycle_state": "QUEUED"}}) == "QUEUED"
    assert run_state({"state": {"life_cycle_state": "TERMINATED", "result_state": "CANCELED"}}) == (
        "CANCELED"
    )
    assert run_state({"status": {"state": "BLOCKED"}}) == "BLOCKED"
    assert run_state({}) == "UNKNOWN"
    # A retried task shows its last attempt.
    run = {"tasks": [
        {"task_key": "a", "attempt_number": 0, "start_time": 1,
         "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}},
        {"task_key": "a", "attempt_number": 1, "start_time": 2,
         "state": {"life_cycle_state": "RUNNING"}},
    ]}  # fmt: skip
    assert task_states(run) == {"a": "RUNNING"}


def wait_for(view: Any, predicate: Any, timeout: float = 120.0) -> dict[str, Any]:
    """The first message the follower thread sent that satisfies ``predicate``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(view.messages):
            if predicate(message):
                return message  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"no such message in {timeout} s: {[m['kind'] for m in view.messages]}")


def test_the_runs_tab_messages(ws: Workspace, failing_job: tuple[int, str]) -> None:
    job_id, flag = failing_job
    view = View()
    session = EditorSession(
        ws.jobs.get(job_id).settings,  # type: ignore[arg-type]
        job=ws.jobs.get(job_id),
        send=view.send,
        on_state=view.on_state,
        workspace=lambda: ws,
    )
    session.handle({"kind": "runs", "request_id": 1})
    assert view.one("runs")["runs"] == []

    session.handle({"kind": "run_now", "job_parameters": {}})
    ended = wait_for(view, lambda m: m["kind"] == "run_progress" and m["finished"])
    assert ended["run"]["state"] == "FAILED" and ended["root_causes"] == ["load"]
    assert ended["done"] == ended["total"] == 5
    run_id = ended["run"]["run_id"]
    # The canvas shows the run: the nodes carry their task's state.
    nodes = {n["data"]["id"]: n["data"] for n in session.graph.elements["nodes"]}
    assert nodes["load"]["state"] == "FAILED" and nodes["audit"]["state"] == "SUCCESS"
    session.runs.stop()
    view.messages.clear()

    session.handle({"kind": "runs", "request_id": 2, "limit": 10})
    history = view.one("runs")
    assert [r["run_id"] for r in history["runs"]] == [run_id] and not history["has_more"]
    assert history["runs"][0]["trigger"] == "ONE_TIME" and history["runs"][0]["duration_ms"] >= 0

    session.handle({"kind": "run", "request_id": 3, "run_id": run_id})
    detail = view.one("run")["run"]
    tasks = {t["task_key"]: t for t in detail["tasks"]}
    assert [t["task_key"] for t in detail["tasks"]] == ["extract", "load", "report", "audit",
                                                        "alert"]  # fmt: skip
    assert tasks["load"]["root_cause"] and not tasks["report"]["root_cause"]
    assert tasks["report"]["upstream_only"] and not tasks["load"]["upstream_only"]
    assert tasks["load"]["execution_duration"] is not None

    session.handle({"kind": "task_output", "request_id": 4, "run_id": tasks["load"]["run_id"]})
    output = view.one("task_output")["output"]
    assert output["task_key"] == "load" and output["task_type"] == "spark_python_task"
    assert "no flag yet" in json.dumps(output)
    assert output["exported_views"] is None  # a Python file's printed output is in its logs

    session.handle({"kind": "matrix", "request_id": 5, "limit": 10})
    matrix = view.one("matrix")
    assert matrix["task_keys"] == ["extract", "load", "report", "audit", "alert"]
    assert matrix["runs"][0]["cells"] == ["SUCCESS", "FAILED", "UPSTREAM_FAILED", "SUCCESS",
                                          "SUCCESS"]  # fmt: skip

    session.handle({"kind": "repair_preview", "request_id": 6, "run_id": run_id})
    preview = view.one("repair_preview")
    assert preview["plan"]["rerun"] == ["load", "report", "alert"]
    assert preview["plan"]["reused"] == ["extract", "audit"]

    open(flag, "w").close()
    session.handle({"kind": "repair", "run_id": run_id})
    repaired = wait_for(view, lambda m: m["kind"] == "run_progress" and m["finished"])
    assert repaired["run"]["state"] == "SUCCESS" and repaired["root_causes"] == []
    assert repaired["done"] == repaired["total"] == 5  # each task once, whatever its attempts
    session.runs.stop()

    # Each task once, with its latest task run; the failed one stays among the attempts.
    view.messages.clear()
    session.handle({"kind": "run", "request_id": 7, "run_id": run_id})
    detail = view.one("run")["run"]
    assert sorted(t["task_key"] for t in detail["tasks"]) == sorted(tasks)
    load = next(t for t in detail["tasks"] if t["task_key"] == "load")
    assert load["state"] == "SUCCESS" and load["repair_id"] == detail["latest_repair_id"]
    loads = [a for a in detail["attempts"] if a["task_key"] == "load"]
    assert [a["state"] for a in loads] == ["FAILED", "SUCCESS"] and load["attempts"] == 2
    # The local workspace serves no pages: no link to it, the run opens in the widget.
    assert detail["run_page_url"] is None and load["run_page_url"] is None
    session.handle({"kind": "show_run", "run_id": None})
    assert all("state" not in n["data"] for n in session.graph.elements["nodes"])


def test_a_notebook_task_shows_what_it_printed(ws: Workspace) -> None:
    folder = f"/Workspace/Shared/nb-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    # What it prints is computed: the notebook's source alone does not contain it.
    source = (b"# Databricks notebook source\nprint('rows', 6 * 7)\n\n# COMMAND ----------\n\n"
              b"dbutils.notebook.exit('done')\n")  # fmt: skip
    ws.client.workspace.upload(f"{folder}/nb", source, format=ImportFormat.SOURCE,
                               language=Language.PYTHON, overwrite=True)  # fmt: skip
    settings = {"name": unique("notebook"),
                "tasks": [{"task_key": "nb", "notebook_task": {"notebook_path": f"{folder}/nb"}}]}
    job_id = int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]
    try:
        run = RunHandle(ws.runs, int(ws.runs.run_now(job_id)["run_id"])).wait(timeout=120)
        assert run_state(run) == "SUCCESS", run["state"]
        view = View()
        session = EditorSession(ws.jobs.get(job_id).settings,  # type: ignore[arg-type]
                                job=ws.jobs.get(job_id), send=view.send, on_state=view.on_state,
                                workspace=lambda: ws)  # fmt: skip
        session.handle({"kind": "task_output", "request_id": 1,
                        "run_id": latest_task_runs(run)["nb"]["run_id"]})  # fmt: skip
        output = view.one("task_output")["output"]
        assert output["task_type"] == "notebook_task" and output["notebook_result"] == "done"
        (page,) = output["exported_views"]
        assert "rows 42" in page["content"] and output["export_local"] is True
    finally:
        ws.jobs.delete(job_id)


def test_run_messages_of_an_unsaved_job(ws: Workspace) -> None:
    view = View()
    session = EditorSession(
        JobSettings.from_api({"name": "draft", "tasks": []}), job=None, send=view.send,
        on_state=view.on_state, workspace=lambda: ws,
    )  # fmt: skip
    session.handle({"kind": "runs", "request_id": 1})
    assert view.one("runs")["runs"] == []
    session.handle({"kind": "run_now"})
    assert view.state is not None and "Save the job first" in view.state.status["text"]


def test_run_view_opens_the_run(ws: Workspace, failing_job: tuple[int, str]) -> None:
    from loom_jobs_widget.editor import RunView

    job_id, _ = failing_job
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    RunHandle(ws.runs, run_id).wait(timeout=120)
    view = RunView(run_id, ws)
    assert view.job_id == job_id and view.shown_run == run_id
    follower = view._session.runs.followed
    assert follower is not None
    follower.wait(timeout=60)
    assert follower._thread is not None
    follower._thread.join(timeout=30)
    nodes = {n["data"]["id"]: n["data"] for n in view._session.graph.elements["nodes"]}
    assert nodes["load"]["state"] == "FAILED"


def test_closing_the_editor_stops_following(ws: Workspace, failing_job: tuple[int, str]) -> None:
    job_id, _ = failing_job
    editor = JobEditor(job_id, ws)
    handle = editor.run()
    editor.close()
    assert handle._thread is not None and not handle._thread.is_alive()
    RunHandle(ws.runs, handle.run_id).wait(timeout=120)


# --- the runs service ----------------------------------------------------------------------------


def write_script(ws: Workspace, name: str, text: str) -> str:
    assert ws.local is not None
    target = ws.local.workspace_root / "Shared" / name
    target.write_text(text, encoding="utf-8")
    return f"/Workspace/Shared/{name}"


def wait_run(ws: Workspace, run_id: int, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = ws.runs.get_run(run_id)
        if run["state"]["life_cycle_state"] in ("TERMINATED", "SKIPPED", "INTERNAL_ERROR"):
            return run
        assert time.monotonic() < deadline, run["state"]
        time.sleep(0.02)


def test_run_now_repair_twice_and_output(ws: Workspace) -> None:
    flag = ws.local.data_dir / f"flag-{uuid.uuid4().hex}" if ws.local else Path()
    ok = write_script(ws, "ok.py", "print('hello from ok')\n")
    flaky = write_script(
        ws,
        f"flaky_{flag.name.replace('-', '_')}.py",
        f"import pathlib, sys\np = pathlib.Path({str(flag)!r})\n"
        "sys.exit(0 if p.exists() and p.read_text() == 'ok' else 1)\n",
    )
    job = ws.jobs.create(
        {
            "name": unique("runs"),
            "tasks": [
                {"task_key": "ok", "spark_python_task": {"python_file": ok}},
                {"task_key": "flaky", "spark_python_task": {"python_file": flaky}},
            ],
        }
    )
    assert isinstance(job.job_id, int)
    started = ws.runs.run_now(job.job_id, idempotency_token="same-click")
    again = ws.runs.run_now(job.job_id, idempotency_token="same-click")
    assert again["run_id"] == started["run_id"]  # one run for a retried click
    fresh = ws.runs.run_now(job.job_id)
    assert fresh["run_id"] != started["run_id"] and len(fresh["idempotency_token"]) <= 64
    run_id = started["run_id"]
    run = wait_run(ws, run_id)
    wait_run(ws, fresh["run_id"])
    assert run["state"]["result_state"] == "FAILED"

    first = ws.runs.repair_run(run_id, rerun_all_failed_tasks=True)
    assert wait_run(ws, run_id)["state"]["result_state"] == "FAILED"
    flag.write_text("ok")
    second = ws.runs.repair_run(run_id, rerun_tasks=["flaky"])  # needs latest_repair_id
    assert second != first and ws.runs.latest_repair_ids[run_id] == second
    final = wait_run(ws, run_id)
    assert final["state"]["result_state"] == "SUCCESS"

    history = ws.runs.get_run(run_id, include_history=True)["repair_history"]
    assert [item["id"] for item in history if item["type"] == "REPAIR"] == [first, second]
    ok_run = next(t for t in final["tasks"] if t["task_key"] == "ok")
    output = ws.runs.get_run_output(ok_run["run_id"])
    assert "hello from ok" in output["logs"]
    runs = list(ws.runs.list_runs(job.job_id))
    assert {r["run_id"] for r in runs} == {run_id, fresh["run_id"]}
    assert len(list(ws.runs.list_runs(job.job_id, limit=1))) == 1


def test_the_output_of_a_job_run_is_its_task_run_s(ws: Workspace) -> None:
    hello = write_script(ws, "hello_output.py", "print('hello', 6 * 7)\n")
    one = ws.jobs.create({"name": unique("one task"), "tasks": [
        {"task_key": "hello", "spark_python_task": {"python_file": hello}}]})  # fmt: skip
    two = ws.jobs.create({"name": unique("two tasks"), "tasks": [
        {"task_key": "a", "spark_python_task": {"python_file": hello}},
        {"task_key": "b", "spark_python_task": {"python_file": hello}}]})  # fmt: skip
    assert isinstance(one.job_id, int) and isinstance(two.job_id, int)
    single = wait_run(ws, ws.runs.run_now(one.job_id)["run_id"])
    double = wait_run(ws, ws.runs.run_now(two.job_id)["run_id"])
    # A workspace refuses get-output of a job run, even of a job with one task.
    with pytest.raises(InvalidRequestError, match="runs with multiple tasks is not supported"):
        ws.runs.get_run_output(single["run_id"])
    # get_task_output asks the task run instead.
    output = ws.runs.get_task_output(single["run_id"])
    (task_run,) = single["tasks"]
    assert output["metadata"]["run_id"] == task_run["run_id"] and "hello 42" in output["logs"]
    assert ws.runs.get_task_output(task_run["run_id"]) == output
    # With several tasks, which one is meant is not known: the error names the task runs.
    runs_of = {t["task_key"]: t["run_id"] for t in double["tasks"]}
    with pytest.raises(InvalidRequestError) as refused:
        ws.runs.get_task_output(double["run_id"])
    assert f"a (run {runs_of['a']}), b (run {runs_of['b']})" in str(refused.value)
    assert refused.value.run_id == double["run_id"]
    # A run that does not exist stays so (no second guess).
    with pytest.raises(NotFoundError):
        ws.runs.get_task_output(987654321)

    # The editor's output of a job run of one task is its task run's.
    view = View()
    session = EditorSession(one.settings, job=one, send=view.send,  # type: ignore[arg-type]
                            on_state=view.on_state, workspace=lambda: ws)  # fmt: skip
    session.handle({"kind": "task_output", "request_id": 1, "run_id": single["run_id"]})
    shown = view.one("task_output")["output"]
    assert (shown["task_key"], shown["run_id"]) == ("hello", task_run["run_id"])
    assert "hello 42" in shown["logs"]


def test_the_local_workspace_knows_it_is_local(ws: Workspace) -> None:
    assert ws.is_local and ws.runs.local
    # A service on a bare client guesses it from the loopback host.
    assert RunsService(ws.client).local
    assert not RunsService(ws.client, local=False).local


def test_cancel(ws: Workspace) -> None:
    slow = write_script(ws, "slow.py", "import time\ntime.sleep(30)\n")
    job = ws.jobs.create(
        {
            "name": unique("cancel"),
            "max_concurrent_runs": 3,
            "tasks": [{"task_key": "slow", "spark_python_task": {"python_file": slow}}],
        }
    )
    assert isinstance(job.job_id, int)
    one = ws.runs.run_now(job.job_id)["run_id"]
    ws.runs.cancel_run(one)
    assert wait_run(ws, one)["state"]["result_state"] == "CANCELED"
    two = ws.runs.run_now(job.job_id)["run_id"]
    three = ws.runs.run_now(job.job_id)["run_id"]
    ws.runs.cancel_all_runs(job.job_id)
    assert wait_run(ws, two)["state"]["result_state"] == "CANCELED"
    assert wait_run(ws, three)["state"]["result_state"] == "CANCELED"
    assert list(ws.runs.list_runs(job.job_id, active_only=True)) == []
