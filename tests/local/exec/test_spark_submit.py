"""spark_submit_task on the local workspace, through the real databricks-sdk: its parameters
run the main Python file with the app arguments as sys.argv, `--py-files` importable and
`--conf` SQL confs on its `spark` session; a main class or a jar fails at once, naming the task
and the parameter (JVM jobs do not run locally).
"""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import client, run_output, tasks_by_key, wait_run, write
from .spark_support import needs_spark


def _submit(w: WorkspaceClient, parameters: list[str], timeout: float = 60.0) -> dict[str, Any]:
    answer = w.api_client.do(
        "POST",
        "/api/2.2/jobs/runs/submit",
        body={
            "run_name": "submit",
            "tasks": [{"task_key": "submit", "spark_submit_task": {"parameters": parameters}}],
        },
    )
    return wait_run(w, int(answer["run_id"]), timeout=timeout)


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        (
            ["--class", "org.example.Main", "dbfs:/jars/app.jar", "a"],
            "spark_submit_task of task 'submit': parameters name a main class"
            " (--class org.example.Main): JVM jobs do not run in the local workspace",
        ),
        (
            ["--conf", "spark.sql.shuffle.partitions=4", "/Workspace/Shared/app.jar"],
            "spark_submit_task of task 'submit': parameters run the jar"
            " /Workspace/Shared/app.jar: JVM jobs do not run in the local workspace",
        ),
        (
            ["--jars", "dbfs:/x.jar", "dbfs:/main.py"],
            "spark_submit_task of task 'submit': parameters add JVM code (--jars dbfs:/x.jar)",
        ),
        (
            ["--conf", "k=v"],
            "spark_submit_task of task 'submit': parameters name no Python file to run",
        ),
    ],
)
def test_what_does_not_run_locally_fails_naming_the_task_and_the_parameter(
    w: WorkspaceClient, parameters: list[str], expected: str
) -> None:
    run = _submit(w, parameters)
    task = tasks_by_key(run)["submit"]
    assert task["state"]["result_state"] == "FAILED", task["state"]
    assert task["state"]["state_message"].startswith(expected), task["state"]
    assert task["status"]["termination_details"]["code"] == "INVALID_RUN_CONFIGURATION"


def test_a_missing_py_file_fails_the_task_before_its_main_file_runs(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    marker = lw.workspace_root / "Shared" / "submit" / "ran"
    main = write(lw, "Shared/submit/main.py", f"open({str(marker)!r}, 'w').close()\n")
    run = _submit(w, ["--py-files", "dbfs:/libs/missing.zip", main])
    task = tasks_by_key(run)["submit"]
    assert task["state"]["result_state"] == "FAILED", task["state"]
    assert task["state"]["state_message"].startswith(
        "spark_submit_task parameters: --py-files dbfs:/libs/missing.zip not found"
    ), task["state"]
    assert not marker.exists()


@needs_spark
def test_the_main_python_file_runs_with_its_args_py_files_and_confs(
    spark_lw: LocalWorkspace,
) -> None:
    sw = client(spark_lw)
    dbfs = spark_lw.data_dir / "dbfs"
    (dbfs / "libs").mkdir(parents=True)
    with zipfile.ZipFile(dbfs / "libs" / "helpers.zip", "w") as archive:
        archive.writestr("submit_helpers/__init__.py", "GREETING = 'hello from the zip'\n")
    (dbfs / "apps").mkdir()
    (dbfs / "apps" / "main.py").write_text(
        "import sys\n"
        "import submit_helpers\n"
        "import extra\n"
        "from pyspark.sql import SparkSession\n"
        "session = SparkSession.builder.appName('submitted').getOrCreate()\n"
        "print('argv', sys.argv[1:])\n"
        "print('helpers', submit_helpers.GREETING, extra.EXTRA)\n"
        "print('partitions', session.conf.get('spark.sql.shuffle.partitions'))\n"
        "print('ansi', spark.conf.get('spark.sql.ansi.enabled'))\n"
        "print('rows', session.range(5).groupBy().count().first()[0])\n",
        encoding="utf-8",
    )
    shared = write(spark_lw, "Shared/submit/extra.py", "EXTRA = 'and from the workspace'\n")
    parameters = [
        "--conf",
        "spark.sql.shuffle.partitions=7",
        "--conf=spark.sql.ansi.enabled=false",
        # Static: a Connect session cannot change it; the run goes on, saying so.
        "--conf",
        "spark.sql.warehouse.dir=/tmp/elsewhere",
        "--driver-memory",
        "2g",
        "--py-files",
        f"dbfs:/libs/helpers.zip,{shared}",
        "dbfs:/apps/main.py",
        "first",
        "--flag=2",
    ]
    run = _submit(sw, parameters, timeout=120.0)
    task = tasks_by_key(run)["submit"]
    output = run_output(sw, task["run_id"])
    assert task["state"]["result_state"] == "SUCCESS", output
    logs = output["logs"]
    assert "argv ['first', '--flag=2']" in logs
    assert "helpers hello from the zip and from the workspace" in logs
    assert "partitions 7" in logs
    assert "ansi false" in logs
    assert "rows 5" in logs
    assert "spark-submit --driver-memory 2g: ignored" in logs
    assert "spark-submit --conf spark.sql.warehouse.dir: not set" in logs
