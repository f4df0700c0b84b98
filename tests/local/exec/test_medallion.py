"""The medallion example on local Spark, connected the way a notebook user does
(`%loom_connect local --data DIR --spark`): a CSV in a volume, a bronze notebook reads it into a
table, a silver notebook's `%sql` cell filters it into another, a gold notebook aggregates that
and `display`s it. The three-task job runs to SUCCESS through the real databricks-sdk, and the
gold task's exported page holds the displayed table.

The test environment turns Spark off by default (`LOOM_JOBS_SPARK=0`): the job only succeeds
when `--spark` reaches the workspace the magic starts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from databricks.sdk.service.workspace import ImportFormat, Language
from IPython.core.interactiveshell import InteractiveShell

from loom_jobs_widget.client import ConfigurationError, RunHandle, Workspace, connect
from loom_jobs_widget.magics import LoomMagics

from .spark_support import needs_spark
from .test_notebook_magics import cells_of

# Spark's first start (5-20 s) happens in the bronze task.
_TIMEOUT = 120.0

VOLUME_CSV = "/Volumes/main/default/raw/orders.csv"
ORDERS_CSV = """order_id,customer,country,amount,status
1,ana,PT,120.50,complete
2,bo,SE,80.00,complete
3,cy,PT,42.25,cancelled
4,di,DE,99.90,complete
5,ed,SE,15.10,complete
6,fa,PT,30.00,complete
7,gu,DE,12.00,returned
8,hu,SE,60.40,complete
"""
"""Orders landed as a CSV file; only the complete ones count."""

NOTEBOOKS = {
    "bronze": f"""# Databricks notebook source
orders = spark.read.csv("{VOLUME_CSV}", header=True, inferSchema=True)
orders.write.mode("overwrite").saveAsTable("bronze_orders")
print("bronze rows:", spark.table("bronze_orders").count())
""",
    "silver": """# Databricks notebook source
# MAGIC %sql
# MAGIC DROP TABLE IF EXISTS silver_orders

# COMMAND ----------

# MAGIC %sql
# MAGIC CREATE TABLE silver_orders AS
# MAGIC SELECT order_id, customer, country, CAST(amount AS DOUBLE) AS amount
# MAGIC FROM bronze_orders
# MAGIC WHERE status = 'complete'
""",
    "gold": """# Databricks notebook source
gold = spark.sql(
    "SELECT country, count(*) AS orders, round(sum(amount), 2) AS revenue "
    "FROM silver_orders GROUP BY country ORDER BY revenue DESC"
)
gold.write.mode("overwrite").saveAsTable("gold_revenue_by_country")
display(gold)
""",
}
"""The three layers, in Databricks' source format."""

GOLD_TABLE = [
    ["country", "orders", "revenue"],
    ["SE", "3", "155.5"],
    ["PT", "2", "150.5"],
    ["DE", "1", "99.9"],
]
"""What the gold task displays: revenue of complete orders by country, largest first."""


def medallion_settings(folder: str) -> dict[str, Any]:
    """The job: bronze -> silver -> gold, each a notebook task of `folder`."""
    tasks: list[dict[str, Any]] = []
    for name in NOTEBOOKS:
        task: dict[str, Any] = {
            "task_key": name,
            "notebook_task": {"notebook_path": f"{folder}/{name}"},
        }
        if tasks:
            task["depends_on"] = [{"task_key": tasks[-1]["task_key"]}]
        tasks.append(task)
    return {"name": "medallion", "tasks": tasks}


def create_medallion_job(ws: Workspace, folder: str) -> int:
    """Lands the CSV in the local volume, uploads the notebooks, saves the job."""
    assert ws.local_folder is not None
    landed = ws.local_folder / "volumes" / VOLUME_CSV.removeprefix("/Volumes/")
    landed.parent.mkdir(parents=True, exist_ok=True)
    landed.write_text(ORDERS_CSV, encoding="utf-8")
    ws.client.workspace.mkdirs(folder)
    for name, source in NOTEBOOKS.items():
        ws.client.workspace.upload(
            f"{folder}/{name}",
            source.encode(),
            format=ImportFormat.SOURCE,
            language=Language.PYTHON,
            overwrite=True,
        )
    return int(ws.jobs.create(medallion_settings(folder)).job_id)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def spark_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "loom_jobs_widget")
    magics = next(m for m in shell.magics_manager.registry.values() if isinstance(m, LoomMagics))
    before = magics.workspace, magics._own
    data = tmp_path_factory.mktemp("medallion") / "workspace"
    ws = shell.run_line_magic("loom_connect", f"local --data {data} --spark")
    try:
        yield ws
    finally:
        ws.close()
        magics.workspace, magics._own = before


@needs_spark
def test_the_medallion_job_runs_on_spark_and_the_gold_task_displays_its_table(
    spark_ws: Workspace,
) -> None:
    folder = f"/Workspace/Shared/medallion-{uuid.uuid4().hex[:8]}"
    job_id = create_medallion_job(spark_ws, folder)
    started = spark_ws.runs.run_now(job_id)
    run = RunHandle(spark_ws.runs, int(started["run_id"])).wait(timeout=_TIMEOUT)
    tasks = {task["task_key"]: task for task in run["tasks"]}
    outputs = {key: spark_ws.runs.get_run_output(task["run_id"]) for key, task in tasks.items()}
    states = {key: task["state"].get("result_state") for key, task in tasks.items()}
    errors = {key: output.get("error") for key, output in outputs.items()}
    assert states == {"bronze": "SUCCESS", "silver": "SUCCESS", "gold": "SUCCESS"}, errors
    assert run["state"]["result_state"] == "SUCCESS"

    export = spark_ws.runs.export_run(tasks["gold"]["run_id"])
    page = export["views"][0]["content"]
    displayed = [table for cell in cells_of(page) for table in cell["tables"]]
    assert displayed == [GOLD_TABLE]
    bronze = spark_ws.runs.export_run(tasks["bronze"]["run_id"])["views"][0]["content"]
    assert "bronze rows: 8" in "".join(cell["output"] for cell in cells_of(bronze))


def test_spark_is_a_choice_of_the_local_workspace_only() -> None:
    with pytest.raises(ConfigurationError, match=r"spark=.*local workspace"):
        connect(host="https://adb-1.2.azuredatabricks.net", spark=True)
    with pytest.raises(ConfigurationError, match=r"spark=.*local workspace"):
        connect(profile="nope", spark=False)
