"""A data folder written before every attempt stayed in tasks[]: repairs then hid the attempts they
replaced (`task_runs.visible` = 0) and task documents carried job_run_id, parent_run_id and
original_attempt_run_id. It opens, shows every attempt, and writes on."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import client, create_job, get_run, python_task, run_now, wait_run, write


def _as_written_before(database: Path, job_run_id: int) -> list[int]:
    """Rewrites a job run's task runs as an older version kept them: the old index, the ids in
    every document, and all attempts of a repaired task but its last hidden. Returns the ids of
    the hidden ones."""
    db = sqlite3.connect(database)
    with db:
        db.execute("DROP INDEX IF EXISTS task_runs_in_order")
        db.execute(
            "CREATE INDEX IF NOT EXISTS task_runs_by_job_run"
            " ON task_runs (job_run_id, visible, seq)"
        )
        rows = db.execute(
            "SELECT run_id, doc FROM task_runs WHERE job_run_id = ? ORDER BY seq", (job_run_id,)
        ).fetchall()
        last: dict[str, int] = {}
        for run_id, text in rows:
            doc = json.loads(text)
            doc.update(
                job_run_id=job_run_id, parent_run_id=job_run_id, original_attempt_run_id=run_id
            )
            db.execute("UPDATE task_runs SET doc = ? WHERE run_id = ?", (json.dumps(doc), run_id))
            last[doc["task_key"]] = run_id
        hidden = [run_id for run_id, _ in rows if run_id not in last.values()]
        db.executemany("UPDATE task_runs SET visible = 0 WHERE run_id = ?", [(i,) for i in hidden])
    db.close()
    return hidden


def test_an_older_data_folder_opens_with_every_attempt_shown(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path
) -> None:
    first = make_workspace(tmp_path / "data")
    w = client(first)
    ok = write(first, "Shared/ok.py", "print('ok')\n")
    job_id = create_job(w, {"name": "old", "tasks": [python_task("a", ok), python_task("b", ok)]})
    run_id = run_now(w, job_id)
    wait_run(w, run_id)
    w.jobs.repair_run(run_id, rerun_tasks=["a"])
    before = wait_run(w, run_id)
    first.stop()
    hidden = _as_written_before(tmp_path / "data" / "workspace.db", run_id)
    assert len(hidden) == 1

    second = make_workspace(tmp_path / "data")
    w = client(second)
    run = get_run(w, run_id)
    assert [t["run_id"] for t in run["tasks"]] == [t["run_id"] for t in before["tasks"]]
    assert hidden[0] in [t["run_id"] for t in run["tasks"]]
    for task in run["tasks"]:
        assert not {"job_run_id", "parent_run_id", "original_attempt_run_id"} & set(task)
    # It writes on: a repair of the older run, with the latest attempt of `a` as its base.
    latest_repair = max(
        item["id"]
        for item in get_run(w, run_id, include_history="true")["repair_history"]
        if item["type"] == "REPAIR"
    )
    w.jobs.repair_run(run_id, rerun_tasks=["b"], latest_repair_id=latest_repair)
    after = wait_run(w, run_id)
    assert after["state"]["result_state"] == "SUCCESS"
    assert [t["task_key"] for t in after["tasks"]] == ["a", "b", "a", "b"]
