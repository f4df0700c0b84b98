"""Triggers: schedules, periodic, file arrival, table update and continuous jobs start runs by
themselves.

Time is a fake clock the test moves (`TriggerOptions.now`), then `scheduler.wake(wait=...)`
returns once the scheduler has looked at it; only continuous runs use the real clock.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.exec import warehouse
from loom_jobs_widget.local.exec.warehouse import LOCAL_WAREHOUSE_ID
from loom_jobs_widget.local.services.scheduler import TriggerOptions, folder_of_url

from ..helpers import client, create_job, python_task, run_now, wait_for, wait_run, write

OK = "print('ok')\n"


class Clock:
    def __init__(self) -> None:
        # A minute boundary ahead of the wall clock, so runs' own times stay sensible.
        self.base = float((int(time.time()) // 60 + 1) * 60)
        self.t = self.base - 30

    def __call__(self) -> float:
        return self.t


def start(
    make_workspace: Callable[..., LocalWorkspace], clock: Clock | None = None, **options: Any
) -> tuple[LocalWorkspace, WorkspaceClient]:
    if clock is not None:
        options["now"] = clock
    lw = make_workspace(triggers=TriggerOptions(**options))
    return lw, client(lw)


def runs_of(w: WorkspaceClient, job_id: int) -> list[dict[str, Any]]:
    answer = w.api_client.do("GET", "/api/2.2/jobs/runs/list", query={"job_id": job_id})
    return sorted(answer.get("runs", []), key=lambda run: run["run_id"])


def look(lw: LocalWorkspace, clock: Clock, at: float) -> None:
    clock.t = at
    lw.scheduler.wake(wait=5)


def update(w: WorkspaceClient, job_id: int, **new_settings: Any) -> None:
    w.api_client.do(
        "POST", "/api/2.2/jobs/update", body={"job_id": job_id, "new_settings": new_settings}
    )


def task(lw: LocalWorkspace) -> dict[str, Any]:
    return python_task("t", write(lw, f"Shared/{uuid.uuid4().hex[:8]}/ok.py", OK))


def test_a_schedule_runs_at_its_times_as_periodic_and_stops_when_paused(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    clock = Clock()
    lw, w = start(make_workspace, clock)
    schedule = {"quartz_cron_expression": "0 * * * * ?", "timezone_id": "Europe/Amsterdam"}
    job_id = create_job(w, {"name": "every minute", "tasks": [task(lw)], "schedule": schedule})
    lw.scheduler.wake(wait=5)
    look(lw, clock, clock.base - 1)
    assert runs_of(w, job_id) == []
    look(lw, clock, clock.base + 0.5)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)
    (run,) = runs_of(w, job_id)
    assert run["trigger"] == "PERIODIC" and run["run_type"] == "JOB_RUN"
    # The scheduler sees jobs/update: paused, the next minute passes without a run.
    update(w, job_id, schedule={**schedule, "pause_status": "PAUSED"})
    look(lw, clock, clock.base + 60.5)
    assert len(runs_of(w, job_id)) == 1
    update(w, job_id, schedule={**schedule, "pause_status": "UNPAUSED"})
    look(lw, clock, clock.base + 61)
    look(lw, clock, clock.base + 120.5)
    wait_for(lambda: len(runs_of(w, job_id)) == 2)


def test_schedule_runs_are_ten_seconds_apart_at_least(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    clock = Clock()
    lw, w = start(make_workspace, clock)
    every_second = {"quartz_cron_expression": "* * * * * ?", "timezone_id": "UTC"}
    job_id = create_job(
        w,
        {
            "name": "every second",
            "tasks": [task(lw)],
            "schedule": every_second,
            "max_concurrent_runs": 5,
        },
    )
    look(lw, clock, clock.base - 0.5)  # seen here: the first fire time is base
    look(lw, clock, clock.base)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)
    for second in range(1, 10):  # Databricks' 10 s minimum swallows these fire times
        look(lw, clock, clock.base + second)
    assert len(runs_of(w, job_id)) == 1
    look(lw, clock, clock.base + 10)
    wait_for(lambda: len(runs_of(w, job_id)) == 2)


def test_fire_times_missed_while_stopped_are_not_caught_up(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path
) -> None:
    clock = Clock()
    data = tmp_path / "restarted"
    lw = make_workspace(data, triggers=TriggerOptions(now=clock))
    w = client(lw)
    schedule = {"quartz_cron_expression": "0 * * * * ?", "timezone_id": "UTC"}
    job_id = create_job(w, {"name": "missed", "tasks": [task(lw)], "schedule": schedule})
    look(lw, clock, clock.base - 1)
    lw.stop()
    clock.t = clock.base + 600.5  # ten fire times pass while stopped
    again = make_workspace(data, triggers=TriggerOptions(now=clock))
    w = client(again)
    again.scheduler.wake(wait=5)
    assert runs_of(w, job_id) == []
    look(again, clock, clock.base + 660.5)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)


def test_a_periodic_trigger_runs_every_interval(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    clock = Clock()
    lw, w = start(make_workspace, clock)
    periodic = {"periodic": {"interval": 2, "unit": "MINUTES"}}
    job_id = create_job(w, {"name": "periodic", "tasks": [task(lw)], "trigger": periodic})
    start_at = clock.t
    lw.scheduler.wake(wait=5)  # seen now: the first run is due two minutes later
    look(lw, clock, start_at + 119)
    assert runs_of(w, job_id) == []
    look(lw, clock, start_at + 121)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)
    assert runs_of(w, job_id)[0]["trigger"] == "PERIODIC"
    # Deleting the job ends its trigger (and the scheduler carries on).
    w.jobs.delete(job_id)
    look(lw, clock, start_at + 500)
    assert len(runs_of(w, job_id)) == 1


def test_new_files_in_a_folder_start_a_file_arrival_run(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    clock = Clock()
    lw, w = start(make_workspace, clock, file_poll_seconds=1)
    inbox = lw.workspace_root / "Shared" / "inbox"
    (inbox / "old").mkdir(parents=True)
    (inbox / "old" / "before.csv").write_text("a\n")
    url = "/Workspace/Shared/inbox/"
    job_id = create_job(
        w,
        {
            "name": "arrivals",
            "tasks": [task(lw)],
            "parameters": [{"name": "where", "default": "{{job.trigger.file_arrival.location}}"}],
            "trigger": {
                "file_arrival": {
                    "url": url,
                    "wait_after_last_change_seconds": 60,
                    "min_time_between_triggers_seconds": 300,
                }
            },
        },
    )
    t0 = clock.t
    look(lw, clock, t0)
    look(lw, clock, t0 + 100)
    assert runs_of(w, job_id) == []  # files already there do not count
    (inbox / "old" / "new.csv").write_text("b\n")  # in a subfolder: watched too
    look(lw, clock, t0 + 110)
    look(lw, clock, t0 + 150)
    assert runs_of(w, job_id) == []  # still within the quiet period
    look(lw, clock, t0 + 171)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)
    (run,) = runs_of(w, job_id)
    assert run["trigger"] == "FILE_ARRIVAL"
    assert run["job_parameters"][0]["value"] == url
    # Overwriting a known file is no arrival.
    (inbox / "old" / "before.csv").write_text("changed\n")
    look(lw, clock, t0 + 300)
    look(lw, clock, t0 + 400)
    assert len(runs_of(w, job_id)) == 1
    # A new file waits for the 300 s minimum since the last run (171 + 300).
    (inbox / "later.csv").write_text("c\n")
    look(lw, clock, t0 + 401)
    look(lw, clock, t0 + 470)
    assert len(runs_of(w, job_id)) == 1
    look(lw, clock, t0 + 472)
    wait_for(lambda: len(runs_of(w, job_id)) == 2)


def test_file_arrival_urls_map_to_local_folders(tmp_path: Path) -> None:
    workspace, volumes = tmp_path / "workspace", tmp_path / "volumes"
    assert (
        folder_of_url("/Workspace/Shared/in/", workspace, volumes)
        == (workspace / "Shared" / "in").resolve()
    )
    assert (
        folder_of_url("/Volumes/main/raw/landing/", workspace, volumes)
        == (volumes / "main" / "raw" / "landing").resolve()
    )
    assert (
        folder_of_url("dbfs:/Volumes/main/raw/x", workspace, volumes)
        == (volumes / "main" / "raw" / "x").resolve()
    )
    assert folder_of_url("/Workspace/../../etc/", workspace, volumes) is None
    assert folder_of_url("s3://bucket/landing/", workspace, volumes) is None


def test_a_continuous_job_keeps_one_run_going_until_paused(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    lw, w = start(make_workspace, continuous_restart_seconds=0.05)
    job_id = create_job(
        w, {"name": "always", "tasks": [task(lw)], "continuous": {"pause_status": "UNPAUSED"}}
    )
    wait_for(lambda: len(runs_of(w, job_id)) >= 3, timeout=20)
    update(w, job_id, continuous={"pause_status": "PAUSED"})
    wait_for(lambda: all(run["end_time"] for run in runs_of(w, job_id)))
    runs = runs_of(w, job_id)
    assert {run["trigger"] for run in runs} == {"CONTINUOUS"}
    assert all(run["state"]["result_state"] == "SUCCESS" for run in runs)
    # One at a time: each run starts after the previous one ended.
    for before, after in itertools.pairwise(runs):
        assert after["start_time"] >= before["end_time"]
    time.sleep(0.5)
    assert len(runs_of(w, job_id)) == len(runs)  # paused: no restart


# --- table_update: tables of the local warehouse (DuckDB) ---------------------------------------


def change_tables(lw: LocalWorkspace, w: WorkspaceClient, sql: str) -> None:
    """Changes the warehouse's tables as users do: a SQL task run on the local warehouse."""
    path = write(lw, f"Shared/sql/{uuid.uuid4().hex[:8]}.sql", sql)
    sql_task = {"warehouse_id": LOCAL_WAREHOUSE_ID, "file": {"path": path}}
    job_id = create_job(
        w, {"name": "change tables", "tasks": [{"task_key": "sql", "sql_task": sql_task}]}
    )
    run = wait_run(w, run_now(w, job_id), timeout=60)
    assert run["state"]["result_state"] == "SUCCESS", run["tasks"][0]["state"]


def table_job(
    lw: LocalWorkspace, w: WorkspaceClient, trigger: dict[str, Any], **settings: Any
) -> int:
    return create_job(w, {"name": "on tables", "tasks": [task(lw)], "trigger": trigger, **settings})


def test_an_updated_table_starts_a_table_run_after_the_quiet_period(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    clock = Clock()
    lw, w = start(make_workspace, clock, table_poll_seconds=1)
    sales, stock = (f"{name}_{uuid.uuid4().hex[:8]}" for name in ("sales", "stock"))
    change_tables(
        lw,
        w,
        f"CREATE TABLE {sales} (item VARCHAR, n INTEGER);"
        f" CREATE TABLE {stock} (item VARCHAR, n INTEGER);"
        f" INSERT INTO {sales} VALUES ('pen', 1);",
    )
    job_id = table_job(
        lw,
        w,
        {
            "table_update": {
                # Unity Catalog names: the catalog is ignored, `default` is DuckDB's `main`.
                "table_names": [f"main.default.{sales}", f"main.default.{stock}"],
                "condition": "ANY_UPDATED",
                "wait_after_last_change_seconds": 60,
                "min_time_between_triggers_seconds": 300,
            }
        },
        parameters=[{"name": "by", "default": "{{job.trigger.type}}"}],
    )
    t0 = clock.t
    look(lw, clock, t0)
    look(lw, clock, t0 + 100)
    assert runs_of(w, job_id) == []  # tables as they were when first seen do not count
    change_tables(lw, w, f"INSERT INTO {sales} VALUES ('ink', 2)")
    look(lw, clock, t0 + 110)  # noticed here
    look(lw, clock, t0 + 150)
    assert runs_of(w, job_id) == []  # still within the quiet period
    look(lw, clock, t0 + 171)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)
    (run,) = runs_of(w, job_id)
    assert run["trigger"] == "TABLE" and run["run_type"] == "JOB_RUN"
    assert run["job_parameters"][0]["value"] == "table"
    # The other table, changed: the next run waits 300 s after the last one (171 + 300).
    change_tables(lw, w, f"UPDATE {stock} SET n = 0; INSERT INTO {stock} VALUES ('pen', 9)")
    look(lw, clock, t0 + 180)
    look(lw, clock, t0 + 470)
    assert len(runs_of(w, job_id)) == 1
    look(lw, clock, t0 + 472)
    wait_for(lambda: len(runs_of(w, job_id)) == 2)
    assert runs_of(w, job_id)[1]["trigger"] == "TABLE"
    # A statement that changes no value is no update here (inferred).
    change_tables(lw, w, f"UPDATE {sales} SET n = n WHERE item = 'pen'")
    look(lw, clock, t0 + 500)
    look(lw, clock, t0 + 1000)
    assert len(runs_of(w, job_id)) == 2


def test_all_updated_waits_for_every_table_and_a_paused_trigger_for_nothing(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    clock = Clock()
    lw, w = start(make_workspace, clock, table_poll_seconds=1)
    orders, refunds = (f"{name}_{uuid.uuid4().hex[:8]}" for name in ("orders", "refunds"))
    change_tables(lw, w, f"CREATE TABLE {orders} (id INTEGER)")
    trigger = {"table_update": {"table_names": [orders, refunds], "condition": "ALL_UPDATED"}}
    job_id = table_job(lw, w, {**trigger, "pause_status": "UNPAUSED"})
    t0 = clock.t
    look(lw, clock, t0)  # refunds does not exist yet
    change_tables(lw, w, f"INSERT INTO {orders} VALUES (1)")
    look(lw, clock, t0 + 10)
    look(lw, clock, t0 + 20)
    assert runs_of(w, job_id) == []  # one of two tables updated
    change_tables(lw, w, f"CREATE TABLE {refunds} AS SELECT 1 AS id")  # a new table: updated
    look(lw, clock, t0 + 30)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)
    assert runs_of(w, job_id)[0]["trigger"] == "TABLE"
    # Paused, updates to both tables start nothing.
    update(w, job_id, trigger={**trigger, "pause_status": "PAUSED"})
    look(lw, clock, t0 + 40)
    change_tables(lw, w, f"INSERT INTO {orders} VALUES (2); INSERT INTO {refunds} VALUES (2)")
    look(lw, clock, t0 + 50)
    look(lw, clock, t0 + 60)
    assert len(runs_of(w, job_id)) == 1


def test_a_table_changed_by_a_notebook_is_noticed_once_the_warehouse_is_free(
    make_workspace: Callable[..., LocalWorkspace],
) -> None:
    clock = Clock()
    lw, w = start(make_workspace, clock, table_poll_seconds=1)
    events = f"events_{uuid.uuid4().hex[:8]}"
    change_tables(lw, w, f"CREATE TABLE {events} (id INTEGER)")
    # `table`: the older name of `table_update`, still in jobs written for it.
    job_id = table_job(lw, w, {"table": {"table_names": [f"main.{events}"]}})
    look(lw, clock, clock.t)
    # As a notebook or a dbt run would: a DuckDB connection of its own, under the lock SQL
    # tasks take. While it is held the scheduler cannot look, and waits for no one.
    with warehouse.connect(warehouse.warehouse_path(lw.workspace_root)) as connection:
        connection.execute(f"INSERT INTO {events} VALUES (1)")
        look(lw, clock, clock.t + 10)
        look(lw, clock, clock.t + 20)
        assert runs_of(w, job_id) == []
    look(lw, clock, clock.t + 30)
    wait_for(lambda: len(runs_of(w, job_id)) == 1)


def test_table_names_map_to_duckdb_schemas_and_tables() -> None:
    assert warehouse.table_key("main.default.Sales") == ("default", "sales")
    assert warehouse.table_key("raw.events") == ("raw", "events")
    assert warehouse.table_key("`cat`.`sch`.`t`") == ("sch", "t")
    assert warehouse.table_key("orders") == ("main", "orders")
    assert warehouse.table_key("a.b.c.d") is None
    assert warehouse.table_key("a..b") is None
