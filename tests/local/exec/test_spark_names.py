"""Databricks SQL names on the local Spark, through the real databricks-sdk: jobs copied from a
workspace name tables `main.<schema>.<table>` in notebooks, `%sql` cells, SQL files and Python
files, and replace them with `CREATE OR REPLACE TABLE`; those are the same tables as the
two-part names. Another catalog, and MERGE INTO (which needs Delta), fail saying what to use.

One workspace (and so one Spark server, started by the first task) serves this module.
"""

from __future__ import annotations

import uuid
from typing import Any

from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.exec.warehouse import LOCAL_WAREHOUSE_ID

from ..helpers import run_output, tasks_by_key, wait_run, write
from .spark_support import needs_spark
from .test_notebook_magics import notebook

pytestmark = [needs_spark]

# The first task starts the server (5-10 s) and warms it up.
_TIMEOUT = 120.0


def _id() -> str:
    return uuid.uuid4().hex[:8]


def _run_job(w: WorkspaceClient, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    answer = w.api_client.do(
        "POST", "/api/2.2/jobs/runs/submit", body={"run_name": "names", "tasks": tasks}
    )
    return wait_run(w, int(answer["run_id"]), timeout=_TIMEOUT)


def _sql_task(key: str, path: str, **fields: Any) -> dict[str, Any]:
    return {
        "task_key": key,
        "sql_task": {"file": {"path": path}, "warehouse_id": LOCAL_WAREHOUSE_ID},
        **fields,
    }


def test_main_catalog_names_and_create_or_replace_reach_the_same_tables(
    spark_lw: LocalWorkspace, sw: WorkspaceClient
) -> None:
    case = _id()
    schema, t, u, v = f"s_{case}", f"t_{case}", f"u_{case}", f"v_{case}"
    writer = notebook(
        spark_lw,
        f"Shared/names-{case}/write",
        [
            f'spark.sql("CREATE SCHEMA IF NOT EXISTS main.{schema}")\n'
            f'spark.range(3).write.saveAsTable("main.{schema}.{t}")',
            # Reads the table it replaces: the old rows, since the new table is made first.
            f"%sql\nCREATE OR REPLACE TABLE main.{schema}.{t} AS"
            f" SELECT id * 10 AS id FROM main.{schema}.{t}",
            "%sql\nUSE CATALOG main",
        ],
        "source",
    )
    script = write(
        spark_lw,
        f"Shared/names-{case}/load.sql",
        f"CREATE OR REPLACE TABLE main.{schema}.{u} (n BIGINT);\n"
        f"INSERT INTO main.{schema}.{u} VALUES (1), (2);\n"
        f"CREATE OR REPLACE TABLE main.{schema}.{u} (n BIGINT, note STRING);\n"
        f"INSERT OVERWRITE main.{schema}.{u} SELECT id + 100, 'x' FROM main.{schema}.{t};\n",
    )
    reader = write(
        spark_lw,
        f"Shared/names-{case}/read.py",
        f"three = sorted(r.id for r in spark.table('main.{schema}.{t}').collect())\n"
        f"two = sorted(r.id for r in spark.table('{schema}.{t}').collect())\n"
        f"loaded = sorted(r.n for r in spark.sql('SELECT n FROM main.{schema}.{u}').collect())\n"
        f"spark.range(2).writeTo('main.{schema}.{v}').createOrReplace()\n"
        f"spark.range(4).writeTo('main.{schema}.{v}').createOrReplace()\n"
        "print('t', three, two)\n"
        "print('catalog', spark.catalog.currentCatalog(),"
        " [c.name for c in spark.catalog.listCatalogs()])\n"
        "print('u', loaded)\n"
        f"print('v', spark.table('{schema}.{v}').count(),"
        f" spark.catalog.tableExists('main.{schema}.{v}'))\n"
        f"spark.catalog.setCurrentDatabase('main.{schema}')\n"
        f"print('tables', sorted(t.name for t in spark.catalog.listTables('main.{schema}')),"
        f" spark.table('{t}').count())\n",
    )
    run = _run_job(
        sw,
        [
            {"task_key": "write", "notebook_task": {"notebook_path": writer}},
            _sql_task("load", script, depends_on=[{"task_key": "write"}]),
            {
                "task_key": "read",
                "depends_on": [{"task_key": "load"}],
                "spark_python_task": {"python_file": reader},
            },
        ],
    )
    tasks = tasks_by_key(run)
    outputs = {key: run_output(sw, task["run_id"]) for key, task in tasks.items()}
    assert run["state"]["result_state"] == "SUCCESS", outputs
    logs = outputs["read"]["logs"]
    assert "t [0, 10, 20] [0, 10, 20]" in logs
    assert "catalog main ['main']" in logs
    assert "u [100, 110, 120]" in logs
    assert "v 4 True" in logs
    assert f"tables {sorted([t, u, v])} 3" in logs
    # One table per name, in the local catalog's folder: no copy left from a replace.
    folder = spark_lw.data_dir / "spark" / "warehouse" / f"{schema}.db"
    assert sorted(p.name for p in folder.iterdir()) == sorted([t, u, v])


def test_another_catalog_and_merge_into_fail_saying_what_to_use(
    spark_lw: LocalWorkspace, sw: WorkspaceClient
) -> None:
    case = _id()
    other = write(
        spark_lw,
        f"Shared/names-{case}/other.py",
        "spark.table('hive_metastore.default.events').count()\n",
    )
    use = notebook(spark_lw, f"Shared/names-{case}/use", ["%sql\nUSE CATALOG samples"], "source")
    merge = write(
        spark_lw,
        f"Shared/names-{case}/merge.sql",
        f"CREATE OR REPLACE TABLE main.default.m_{case} (id BIGINT);\n"
        f"MERGE INTO main.default.m_{case} AS t USING (SELECT 1 AS id) AS s ON t.id = s.id"
        " WHEN NOT MATCHED THEN INSERT *;\n",
    )
    run = _run_job(
        sw,
        [
            {"task_key": "other", "spark_python_task": {"python_file": other}},
            {"task_key": "use", "notebook_task": {"notebook_path": use}},
            _sql_task("merge", merge),
        ],
    )
    errors = {
        key: str(run_output(sw, task["run_id"]).get("error"))
        for key, task in tasks_by_key(run).items()
    }
    for key, task in tasks_by_key(run).items():
        assert task["state"]["result_state"] == "FAILED", (key, errors)
    assert (
        "Catalog 'hive_metastore' does not exist in the local workspace: its one catalog is"
        " 'main'" in errors["other"]
    ), errors
    assert "Catalog 'samples' does not exist in the local workspace" in errors["use"], errors
    assert "MERGE INTO needs a Delta table" in errors["merge"], errors
    assert "CREATE OR REPLACE TABLE t AS SELECT" in errors["merge"], errors
