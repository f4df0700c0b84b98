"""A for_each task's iterations as the run detail lists them: read from runs/get of the for_each
task run's id on the local workspace through the SDK (a loop over five inputs, one failing, and
one of 230 inputs read in pages), and the grouping of an iteration's retries from the shape
runs/get answers (iterations carry no index of their own)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from databricks.sdk.service.workspace import ImportFormat

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.client.run_views import for_each_iterations, run_state

# Prints its argument; fails on "c".
_ITEM = (b"import sys\nv = sys.argv[1]\nprint('item', v)\n"
         b"if v == 'c':\n    raise SystemExit('bad ' + v)\n")  # fmt: skip


def _loop_job(ws: Workspace, inputs: str, *, concurrency: int = 2) -> int:
    folder = f"/Workspace/Shared/iterations-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(folder)
    ws.client.workspace.upload(f"{folder}/item.py", _ITEM, format=ImportFormat.AUTO,
                               overwrite=True)  # fmt: skip
    nested = {"task_key": "loop_iteration",
              "spark_python_task": {"python_file": f"{folder}/item.py",
                                    "parameters": ["{{input}}"]}}  # fmt: skip
    settings = {
        "name": f"iterations {folder}",
        "tasks": [{"task_key": "loop", "for_each_task": {"inputs": inputs, "task": nested,
                                                         "concurrency": concurrency}}],
    }  # fmt: skip
    return int(ws.jobs.create(settings).job_id)  # type: ignore[arg-type]


def _ended_run(ws: Workspace, job_id: int, timeout: float = 60.0) -> dict[str, Any]:
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ws.runs.get_run(run_id)
        if run["state"]["life_cycle_state"] in ("TERMINATED", "INTERNAL_ERROR", "SKIPPED"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not end in {timeout} s")


def test_five_inputs_one_failing(ws: Workspace) -> None:
    run = _ended_run(ws, _loop_job(ws, '["a", "b", "c", "d", "e"]'))
    (loop,) = run["tasks"]
    read = ws.runs.get_run(loop["run_id"], include_resolved_values=True)
    page = for_each_iterations(read, limit=50)
    assert page["task_key"] == "loop"
    assert page["state"] == "FAILED"
    assert (page["total"], page["started"], page["offset"]) == (5, 5, 0)
    shown = [(i["index"], i["input"], i["state"]) for i in page["iterations"]]
    assert shown == [(0, "a", "SUCCESS"), (1, "b", "SUCCESS"), (2, "c", "FAILED"),
                     (3, "d", "SUCCESS"), (4, "e", "SUCCESS")]  # fmt: skip
    failed = page["iterations"][2]
    assert failed["ended"] and failed["duration_ms"] is not None
    assert [a["run_id"] for a in failed["attempts"]] == [failed["run_id"]]
    # The drill-down's output is the iteration's own task run's.
    output = ws.runs.get_task_output(failed["run_id"])
    assert "bad c" in (output.get("error") or "") + (output.get("logs") or "")


def test_hundreds_of_iterations_page(ws: Workspace) -> None:
    run = _ended_run(ws, _loop_job(ws, str(list(range(230))), concurrency=20), timeout=120.0)
    (loop,) = run["tasks"]
    read = ws.runs.get_run(loop["run_id"])  # three pages of runs/get, merged
    first = for_each_iterations(read, limit=100)
    last = for_each_iterations(read, offset=200, limit=100)
    assert (first["total"], first["started"]) == (230, 230)
    assert [i["input"] for i in first["iterations"]] == [str(n) for n in range(100)]
    assert [i["input"] for i in last["iterations"]] == [str(n) for n in range(200, 230)]
    assert all(i["state"] == "SUCCESS" for i in first["iterations"] + last["iterations"])


def _entry(run_id: int, attempt: int, result: str | None, start: int) -> dict[str, Any]:
    life = "TERMINATED" if result else "RUNNING"
    state: dict[str, Any] = {"life_cycle_state": life}
    if result:
        state["result_state"] = result
    return {"task_key": "it", "run_id": run_id, "attempt_number": attempt, "state": state,
            "start_time": start, "end_time": start + 10 if result else 0}  # fmt: skip


def test_a_retry_joins_its_iteration_and_a_running_one_ticks() -> None:
    # Two iterations at once; the first fails and is retried while the second still runs.
    read = {
        "run_id": 7,
        "tasks": [{"task_key": "loop", "run_id": 7, "state": {"life_cycle_state": "RUNNING"},
                   "for_each_task": {"inputs": '[{"n": 1}, "two", 3]'}}],
        "iterations": [_entry(8, 0, "FAILED", 1_000), _entry(9, 0, None, 1_000),
                       _entry(10, 1, "SUCCESS", 1_020), _entry(11, 0, None, 1_040)],
    }  # fmt: skip
    page = for_each_iterations(read, now_ms=1_500)
    assert [(i["input"], [a["run_id"] for a in i["attempts"]]) for i in page["iterations"]] == [
        ('{"n":1}', [8, 10]),
        ("two", [9]),
        ("3", [11]),
    ]
    assert page["iterations"][0]["state"] == "SUCCESS"
    assert page["iterations"][0]["attempts"][0]["state"] == "FAILED"
    assert page["iterations"][1]["duration_ms"] == 500  # so far
    assert not page["ended"] and run_state(read["tasks"][0]) == "RUNNING"


def test_inputs_from_a_reference_are_unknown_until_resolved() -> None:
    loop = {"task_key": "loop", "run_id": 1, "state": {"life_cycle_state": "RUNNING"},
            "for_each_task": {"inputs": "{{tasks.prep.values.items}}"}}  # fmt: skip
    read = {"tasks": [loop], "iterations": [_entry(2, 0, None, 10)]}
    assert for_each_iterations(read)["iterations"][0]["input"] is None
    loop["resolved_values"] = {"for_each_task": {"inputs": '["x", "y"]'}}
    page = for_each_iterations(read)
    assert page["iterations"][0]["input"] == "x"
    assert (page["total"], page["started"]) == (2, 1)
