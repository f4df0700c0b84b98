"""`spark` in local notebook, Python-file and SQL-file tasks: the workspace's one Spark Connect
server, through the real databricks-sdk. Tables outlive the task that made them; a task's temp
views do not reach another task; `%sql` and `display` go through Spark; Delta is refused with
a message naming the alternative; without pyspark, `spark` names the extra to install.

One workspace (and so one Spark server, started by the first test's task) serves this module.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import psutil
from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.exec.spark import EXTRA_HINT

from ..helpers import client, run_output, wait_run, write
from .spark_support import needs_spark
from .test_notebook_magics import cells_of, notebook, run_notebook

pytestmark = [needs_spark]

# The first task starts the server (5-10 s) and warms it up.
_TIMEOUT = 120.0


def _name() -> str:
    return f"t_{uuid.uuid4().hex[:8]}"


def _folder() -> str:
    return f"Shared/spark-{uuid.uuid4().hex[:8]}"


def _run_job(w: WorkspaceClient, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    answer = w.api_client.do(
        "POST", "/api/2.2/jobs/runs/submit", body={"run_name": "spark", "tasks": tasks}
    )
    return wait_run(w, int(answer["run_id"]), timeout=_TIMEOUT)


def _outputs(w: WorkspaceClient, run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {task["task_key"]: run_output(w, task["run_id"]) for task in run["tasks"]}


def test_a_table_saved_by_one_task_is_read_by_the_next_by_its_three_part_name(
    spark_lw: LocalWorkspace, sw: WorkspaceClient
) -> None:
    table, folder = _name(), _folder()
    writer = notebook(
        spark_lw,
        f"{folder}/write",
        [
            f"spark.range(5).withColumnRenamed('id', 'n').write.saveAsTable('{table}')",
            f"spark.range(2).write.parquet('dbfs:/{table}/p')\n"
            f"spark.range(3).write.csv('/Volumes/main/default/files/{table}')",
        ],
        "source",
    )
    reader = write(
        spark_lw,
        f"{folder}/read.py",
        "from pyspark.sql import SparkSession\n"
        "session = SparkSession.builder.getOrCreate()\n"
        "assert session is spark.getActiveSession(), 'the builder made another session'\n"
        f"rows = session.table('spark_catalog.default.{table}').orderBy('n').collect()\n"
        "print('read', [row.n for row in rows])\n"
        f"print('files', spark.read.parquet('dbfs:/{table}/p').count(),"
        f" spark.read.csv('/Volumes/main/default/files/{table}').count())\n",
    )
    run = _run_job(
        sw,
        [
            {"task_key": "write", "notebook_task": {"notebook_path": writer}},
            {
                "task_key": "read",
                "depends_on": [{"task_key": "write"}],
                "spark_python_task": {"python_file": reader},
            },
        ],
    )
    outputs = _outputs(sw, run)
    assert run["state"]["result_state"] == "SUCCESS", outputs
    assert "read [0, 1, 2, 3, 4]" in outputs["read"]["logs"]
    assert "files 2 3" in outputs["read"]["logs"]
    # Where dbutils.fs and file-arrival triggers find them: the data folder.
    assert (spark_lw.data_dir / "dbfs" / table / "p").is_dir()
    assert (spark_lw.data_dir / "volumes" / "main" / "default" / "files" / table).is_dir()
    assert spark_lw.spark_server_pid is not None
    assert (spark_lw.data_dir / "spark" / "warehouse" / table).is_dir()


def test_sql_cells_and_display_go_through_spark_and_temp_views_stay_in_their_task(
    spark_lw: LocalWorkspace, sw: WorkspaceClient
) -> None:
    view, folder = _name(), _folder()
    path = notebook(
        spark_lw,
        f"{folder}/views",
        [
            f"spark.range(4).createOrReplaceTempView('{view}')",
            f"%sql\nSELECT count(*) AS n, current_catalog() AS catalog FROM {view} WHERE id < :k",
            "display(_sqldf.selectExpr('n * 10 AS tens'))",
        ],
        "source",
    )
    output, page = run_notebook(sw, path, {"k": "3"})
    assert output["metadata"]["state"]["result_state"] == "SUCCESS", output
    cells = cells_of(page)
    assert cells[1]["tables"] == [[["n", "catalog"], ["3", "spark_catalog"]]]
    assert cells[2]["tables"] == [[["tens"], ["30"]]]

    # A .ipynb notebook's kernel gets `spark` too, and a session of its own.
    other = notebook(spark_lw, f"{folder}/other", [f"spark.table('{view}').count()"], "ipynb")
    output, _ = run_notebook(sw, other)
    assert output["metadata"]["state"]["result_state"] == "FAILED"
    assert "TABLE_OR_VIEW_NOT_FOUND" in output["error"], output["error"]


def test_delta_is_refused_naming_parquet_and_sql_files_run_on_spark(
    spark_lw: LocalWorkspace, sw: WorkspaceClient
) -> None:
    table, folder = _name(), _folder()
    delta = notebook(
        spark_lw,
        f"{folder}/delta",
        [f"spark.range(1).write.format('delta').saveAsTable('{table}')"],
        "source",
    )
    delta_sql = notebook(
        spark_lw,
        f"{folder}/delta_sql",
        [f"%sql\nCREATE TABLE {table}_d (id INT) USING DELTA"],
        "source",
    )
    sql_file = write(
        spark_lw,
        f"{folder}/query.sql",
        f"CREATE TABLE {table} (id INT) USING PARQUET;\n"
        f"INSERT INTO {table} VALUES (1), (2), (3);\n"
        f"SELECT sum(id) AS total FROM spark_catalog.default.{table} WHERE id >= :low\n",
    )
    run = _run_job(
        sw,
        [
            {"task_key": "delta", "notebook_task": {"notebook_path": delta}},
            {"task_key": "delta_sql", "notebook_task": {"notebook_path": delta_sql}},
            {
                "task_key": "sql",
                "sql_task": {
                    "file": {"path": sql_file},
                    "warehouse_id": "local-warehouse",
                    "parameters": {"low": "2"},
                },
            },
        ],
    )
    outputs = _outputs(sw, run)
    error = outputs["delta"]["error"]
    assert "delta" in error and "parquet" in error, error
    assert "DeltaUnavailable" in error
    error = outputs["delta_sql"]["error"]
    assert error.startswith(f"Cell 1 (%sql) of notebook {delta_sql}"), error
    assert "delta" in error and "parquet" in error, error
    states = {task["task_key"]: task["state"]["result_state"] for task in run["tasks"]}
    assert states == {"delta": "FAILED", "delta_sql": "FAILED", "sql": "SUCCESS"}, outputs["sql"]
    result = outputs["sql"]["sql_output"]["file_output"]["query_result"]
    assert result["columns"] == [{"name": "total"}]
    assert result["rows"] == [{"values": [{"string_value": "5"}]}]


def test_without_pyspark_spark_names_the_extra(make_workspace: Any, tmp_path: Path) -> None:
    # A pyspark that cannot be imported, first on the task's path: what a venv without the
    # extra gives. Spawned tasks (no fork server) read PYTHONPATH at their start.
    hidden = tmp_path / "hidden"
    (hidden / "pyspark").mkdir(parents=True)
    (hidden / "pyspark" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pyspark'\", name='pyspark')\n"
    )
    lw = make_workspace(fork_tasks=False, spark=True)
    w = client(lw)
    path = notebook(lw, f"{_folder()}/no-extra", ["spark.range(1).count()"], "source")
    answer = w.api_client.do(
        "POST",
        "/api/2.2/jobs/runs/submit",
        body={
            "run_name": "no extra",
            "tasks": [
                {
                    "task_key": "nb",
                    "notebook_task": {"notebook_path": path},
                    "new_cluster": {"spark_env_vars": {"PYTHONPATH": str(hidden)}},
                }
            ],
        },
    )
    run = wait_run(w, int(answer["run_id"]), timeout=60)
    output = run_output(w, run["tasks"][0]["run_id"])
    assert run["state"]["result_state"] == "FAILED"
    assert EXTRA_HINT in output["error"] and "Java" in output["error"], output["error"]
    assert lw.spark_server_pid is None  # nothing started for a task that could not use it


def _server_cpu_seconds(pid: int, window: float = 1.0) -> float:
    """CPU seconds the Spark server used over `window` seconds of wall time."""
    process = psutil.Process(pid)
    before = process.cpu_times()
    time.sleep(window)
    after = process.cpu_times()
    return (after.user + after.system) - (before.user + before.system)


def test_canceling_a_task_interrupts_its_spark_query(
    spark_lw: LocalWorkspace, sw: WorkspaceClient
) -> None:
    # Killing a Connect client does not stop its query on the server: the workspace must.
    marker = f"spark-started-{uuid.uuid4().hex[:8]}"
    path = notebook(
        spark_lw,
        f"{_folder()}/endless",
        [
            f"spark.range(1).count()\ndbutils.fs.put('dbfs:/{marker}', 'started')",
            "spark.range(10**15).selectExpr('max(id % 7) AS m').collect()",
        ],
        "source",
    )
    answer = sw.api_client.do(
        "POST",
        "/api/2.2/jobs/runs/submit",
        body={
            "run_name": "endless",
            "tasks": [{"task_key": "nb", "notebook_task": {"notebook_path": path}}],
        },
    )
    run_id = int(answer["run_id"])
    deadline = time.monotonic() + _TIMEOUT
    while not (spark_lw.data_dir / "dbfs" / marker).exists():
        assert time.monotonic() < deadline, "the notebook never reached its endless query"
        time.sleep(0.1)
    pid = spark_lw.spark_server_pid
    assert pid is not None
    while _server_cpu_seconds(pid) < 0.5:
        assert time.monotonic() < deadline, "the query never kept the server busy"
    sw.jobs.cancel_run(run_id)
    run = wait_run(sw, run_id, timeout=60)
    assert run["state"]["result_state"] == "CANCELED"
    deadline = time.monotonic() + 30
    while _server_cpu_seconds(pid) > 0.4:
        assert time.monotonic() < deadline, "the canceled task's query still runs on the server"
