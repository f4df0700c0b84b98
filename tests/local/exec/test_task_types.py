"""More task types through the real SDK: SQL files on the local DuckDB warehouse (their output,
and their rows feeding a for_each), wheel entry points, jars on a JVM, dbt, and the task types
that need a real Databricks workspace."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.exec.warehouse import LOCAL_WAREHOUSE_ID, to_duckdb_markers

from ..helpers import (
    create_job,
    get_run,
    python_task,
    run_now,
    run_output,
    tasks_by_key,
    wait_run,
    write,
)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def sql_file_task(
    key: str, path: str, *, parameters: dict[str, str] | None = None, **fields: Any
) -> dict[str, Any]:
    spec: dict[str, Any] = {"warehouse_id": LOCAL_WAREHOUSE_ID, "file": {"path": path}}
    if parameters:
        spec["parameters"] = parameters
    return {"task_key": key, "sql_task": spec, **fields}


def run_tasks(w: WorkspaceClient, tasks: list[dict[str, Any]], **settings: Any) -> dict[str, Any]:
    job_id = create_job(w, {"name": unique("types"), "tasks": tasks, **settings})
    return wait_run(w, run_now(w, job_id), timeout=60)


def failure_of(run: dict[str, Any], key: str) -> str:
    task = tasks_by_key(run)[key]
    assert task["state"]["result_state"] == "FAILED", task["state"]
    return str(task["state"]["state_message"])


# --- SQL -----------------------------------------------------------------------------------------


def test_parameter_markers_become_duckdb_markers_outside_literals_and_comments() -> None:
    sql, used = to_duckdb_markers(
        "SELECT :a, ':b', x::INT, y[1:n], f(:c), `d:e` -- :z\n/* :q */ WHERE t = '{{ t }}'",
        {"t": "T"},
    )
    assert sql == "SELECT $a, ':b', x::INT, y[1:n], f($c), `d:e` -- :z\n/* :q */ WHERE t = 'T'"
    assert used == {"a", "c"}


def test_a_sql_file_creates_a_table_and_its_rows_are_the_output(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    table = unique("cities")
    path = write(
        lw,
        f"Shared/sql/{table}.sql",
        f"""
        CREATE TABLE {table} (city VARCHAR, population INTEGER);
        INSERT INTO {table} VALUES ('Oslo', 709), ('Bergen', 291), ('Trondheim', 212);
        -- a parameter in a comment is no parameter: :nothing
        SELECT city, population, :tag AS tag FROM {table}
        WHERE population >= :min_population ORDER BY population DESC;
        """,
    )
    task = sql_file_task("q", path, parameters={"min_population": "250", "tag": "task"})
    # Job parameters are pushed down to SQL tasks and win over the task's own.
    run = run_tasks(w, [task], parameters=[{"name": "tag", "default": "job"}])
    assert run["state"]["result_state"] == "SUCCESS", run["tasks"][0]["state"]

    output = w.jobs.get_run_output(run["tasks"][0]["run_id"])
    assert output.sql_output is not None and output.sql_output.file_output is not None
    file_output = output.sql_output.file_output
    assert file_output.warehouse_id == LOCAL_WAREHOUSE_ID
    assert file_output.query_text is not None and f"CREATE TABLE {table}" in file_output.query_text
    assert len(file_output.sql_statements or []) == 3
    result = file_output.query_result
    assert result is not None and result.truncated is False
    assert [column.name for column in result.columns or []] == ["city", "population", "tag"]
    assert [[value.string_value for value in row.values or []] for row in result.rows or []] == [
        ["Oslo", "709", "job"],
        ["Bergen", "291", "job"],
    ]
    assert output.logs is None  # SQL tasks have sql_output, no logs (as on a workspace)

    # The table stays in the warehouse for the next run, as a table stays in a catalog.
    count = write(lw, f"Shared/sql/{table}_count.sql", f"SELECT count(*) AS n FROM {table}")
    again = run_tasks(w, [sql_file_task("count", count)])
    rows = w.jobs.get_run_output(again["tasks"][0]["run_id"]).sql_output
    assert rows is not None and rows.file_output is not None
    query_result = rows.file_output.query_result
    assert query_result is not None and query_result.rows is not None
    assert query_result.rows[0].values is not None
    assert query_result.rows[0].values[0].string_value == "3"


def test_sql_rows_feed_a_for_each_and_first_row_a_parameter(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    table = unique("regions")
    query = write(
        lw,
        f"Shared/sql/{table}.sql",
        f"""
        CREATE TABLE {table} AS SELECT * FROM (VALUES ('north', 3), ('south', 5)) v(region, n);
        SELECT region, n FROM {table} ORDER BY region;
        """,
    )
    echo = write(
        lw,
        f"Shared/py/{table}_echo.py",
        "import sys\nprint('ARGS', '|'.join(sys.argv[1:]))\n",
    )
    nested = python_task("each_iteration", echo, **{})
    nested["spark_python_task"]["parameters"] = ["{{input.region}}", "{{input.n}}"]
    tasks = [
        sql_file_task("q", query),
        {
            "task_key": "each",
            "depends_on": [{"task_key": "q"}],
            "for_each_task": {"inputs": "{{tasks.q.output.rows}}", "task": nested},
        },
        python_task("first", echo, after=("q",)),
    ]
    tasks[2]["spark_python_task"]["parameters"] = [
        "{{tasks.q.output.first_row.region}}",
        "{{tasks.q.output.first_row}}",
    ]
    run = run_tasks(w, tasks)
    assert run["state"]["result_state"] == "SUCCESS", [t["state"] for t in run["tasks"]]
    by_key = tasks_by_key(run)

    iterations = get_run(w, by_key["each"]["run_id"])["iterations"]
    logs = sorted(run_output(w, iteration["run_id"])["logs"] for iteration in iterations)
    assert [line.strip() for line in logs] == ["ARGS north|3", "ARGS south|5"]
    first = run_output(w, by_key["first"]["run_id"])["logs"].strip()
    assert first == 'ARGS north|{"region":"north","n":3}'


def test_a_repair_still_reads_the_rows_of_a_sql_task_it_reuses(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    flag = lw.workspace_root / "Shared" / unique("flag")
    query = write(lw, f"Shared/sql/{unique('one')}.sql", "SELECT 'x' AS letter")
    check = write(
        lw,
        f"Shared/py/{unique('check')}.py",
        f"import os, sys\nassert os.path.exists({str(flag)!r}), 'not yet'\nprint(sys.argv[1])\n",
    )
    after = python_task("after", check, after=("q",))
    after["spark_python_task"]["parameters"] = ["{{tasks.q.output.first_row.letter}}"]
    job_id = create_job(w, {"name": unique("repair"), "tasks": [sql_file_task("q", query), after]})
    run_id = run_now(w, job_id)
    assert wait_run(w, run_id)["state"]["result_state"] == "FAILED"
    flag.write_text("")
    w.jobs.repair_run(run_id, rerun_tasks=["after"])
    repaired = wait_run(w, run_id)
    assert repaired["state"]["result_state"] == "SUCCESS"
    assert run_output(w, tasks_by_key(repaired)["after"]["run_id"])["logs"].strip() == "x"


def test_sql_tasks_queue_for_the_warehouse_instead_of_failing_on_its_lock(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    table = unique("hits")
    setup = write(lw, f"Shared/sql/{table}_setup.sql", f"CREATE TABLE {table} (i INTEGER)")
    insert = write(
        lw, f"Shared/sql/{table}_insert.sql", f"INSERT INTO {table} SELECT CAST(:i AS INTEGER)"
    )
    count = write(lw, f"Shared/sql/{table}_count.sql", f"SELECT sum(i) AS total FROM {table}")
    nested = sql_file_task("each_iteration", insert, parameters={"i": "{{input}}"})
    tasks = [
        sql_file_task("setup", setup),
        {
            "task_key": "each",
            "depends_on": [{"task_key": "setup"}],
            "for_each_task": {"inputs": "[1, 2, 3, 4, 5, 6]", "concurrency": 6, "task": nested},
        },
        sql_file_task("count", count, depends_on=[{"task_key": "each"}]),
    ]
    run = run_tasks(w, tasks)
    assert run["state"]["result_state"] == "SUCCESS", [t["state"] for t in run["tasks"]]
    output = run_output(w, tasks_by_key(run)["count"]["run_id"])
    rows = output["sql_output"]["file_output"]["query_result"]["rows"]
    assert rows == [{"values": [{"string_value": "21"}]}]


def test_sql_output_is_cut_to_1000_rows(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    path = write(lw, f"Shared/sql/{unique('many')}.sql", "SELECT range AS i FROM range(1500)")
    run = run_tasks(w, [sql_file_task("q", path)])
    result = run_output(w, run["tasks"][0]["run_id"])["sql_output"]["file_output"]["query_result"]
    assert result["truncated"] is True and len(result["rows"]) == 1000


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"file": {"path": "/Workspace/Shared/sql/nothing.sql"}},
            "SQL file /Workspace/Shared/sql/nothing.sql not found",
        ),
        ({"file": {"path": "BROKEN"}}, "syntax error"),
        ({"file": {"path": "UNBOUND"}}, "[UNBOUND_SQL_PARAMETER] Found the unbound parameter: day"),
        (
            {"file": {"path": "/Workspace/Shared/x.sql"}, "warehouse_id": "abc123"},
            "SQL warehouse 'abc123' does not exist in the local workspace",
        ),
        ({"query": {"query_id": "42"}}, "runs SQL from files"),
        ({"alert": {"alert_id": "7"}}, "sql_task alerts (SQL alerts) need a real Databricks"),
        (
            {"dashboard": {"dashboard_id": "7"}},
            "sql_task dashboards (SQL dashboards) need a real Databricks",
        ),
        (
            {"file": {"path": "q.sql", "source": "GIT"}},
            "sql_task files with source GIT (a file in a Git repository) are not run",
        ),
    ],
)
def test_sql_tasks_that_cannot_run_fail_saying_why(
    lw: LocalWorkspace, w: WorkspaceClient, spec: dict[str, Any], message: str
) -> None:
    files = {
        "BROKEN": write(lw, f"Shared/sql/{unique('broken')}.sql", "SELEC 1"),
        "UNBOUND": write(lw, f"Shared/sql/{unique('unbound')}.sql", "SELECT :day AS d"),
    }
    if "file" in spec:
        spec = {
            **spec,
            "file": {**spec["file"], "path": files.get(spec["file"]["path"], spec["file"]["path"])},
        }
    task = {"task_key": "q", "sql_task": {"warehouse_id": LOCAL_WAREHOUSE_ID, **spec}}
    run = run_tasks(w, [task])
    output = run_output(w, run["tasks"][0]["run_id"])
    assert message in failure_of(run, "q") + str(output.get("error"))


# --- Python wheels -------------------------------------------------------------------------------


def build_wheel(folder: Path) -> Path:
    """A pure-Python wheel of `loomdemo` with two console scripts, built by hand: a wheel is a
    zip of the package and its .dist-info."""
    wheel = folder / "loomdemo-0.1-py3-none-any.whl"
    module = textwrap.dedent(
        """
        import sys

        def main():
            print("ARGS", " ".join(sys.argv[1:]))
            return 0

        def fail():
            raise RuntimeError("the wheel failed on purpose")
        """
    )
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("loomdemo/__init__.py", module)
        info = "loomdemo-0.1.dist-info"
        archive.writestr(
            f"{info}/METADATA", "Metadata-Version: 2.1\nName: loomdemo\nVersion: 0.1\n"
        )
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
        archive.writestr(
            f"{info}/entry_points.txt",
            "[console_scripts]\nloomdemo-hello = loomdemo:main\nloomdemo-fail = loomdemo:fail\n",
        )
        archive.writestr(f"{info}/RECORD", "")
    return wheel


def wheel_task(key: str, entry_point: str, wheel: str | None, **spec: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "task_key": key,
        "python_wheel_task": {"package_name": "loomdemo", "entry_point": entry_point, **spec},
    }
    if wheel is not None:
        task["libraries"] = [{"whl": wheel}]
    return task


def test_a_wheel_entry_point_runs_with_its_parameters(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    folder = lw.workspace_root / "Shared" / unique("wheels")
    folder.mkdir(parents=True)
    wheel = "/Workspace/Shared/" + folder.name + "/" + build_wheel(folder).name
    tasks = [
        # named_parameters become --name=value; job parameters are pushed down and win.
        wheel_task("named", "loomdemo-hello", wheel, named_parameters={"city": "Oslo", "day": "1"}),
        # positional parameters are argv as given, with no pushdown.
        wheel_task(
            "positional", "loomdemo-hello", wheel, parameters=["a", "{{job.parameters.day}}"]
        ),
        wheel_task("fails", "loomdemo-fail", wheel),
        wheel_task("missing", "loomdemo-hello", None),
    ]
    run = run_tasks(w, tasks, parameters=[{"name": "day", "default": "7"}])
    by_key = tasks_by_key(run)
    assert run_output(w, by_key["named"]["run_id"])["logs"].strip() == "ARGS --city=Oslo --day=7"
    assert run_output(w, by_key["positional"]["run_id"])["logs"].strip() == "ARGS a 7"

    failed = run_output(w, by_key["fails"]["run_id"])
    assert failure_of(run, "fails") == "Workload failed, see run output for details"
    assert failed["error"] == "RuntimeError: the wheel failed on purpose"
    assert 'in fail\n    raise RuntimeError("the wheel failed on purpose")' in failed["error_trace"]
    assert "_bootstrap.py" not in failed["error_trace"]
    assert "Package loomdemo is not installed in the environment" in failure_of(run, "missing")


def test_an_installed_package_entry_point_runs(w: WorkspaceClient) -> None:
    task = {
        "task_key": "pip",
        "python_wheel_task": {
            "package_name": "pip",
            "entry_point": "pip",
            "parameters": ["--version"],
        },
    }
    run = run_tasks(w, [task])
    assert run["state"]["result_state"] == "SUCCESS", run["tasks"][0]["state"]
    assert run_output(w, run["tasks"][0]["run_id"])["logs"].startswith("pip ")


# --- jars ----------------------------------------------------------------------------------------


def test_a_jar_main_class_runs_on_the_local_jvm(
    lw: LocalWorkspace, w: WorkspaceClient, tmp_path: Path
) -> None:
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.skip("spark_jar_task runs on a local JVM: javac and java are not on PATH")
    source = tmp_path / "src" / "demo" / "Hello.java"
    source.parent.mkdir(parents=True)
    source.write_text(
        textwrap.dedent(
            """
            package demo;

            public class Hello {
                public static void main(String[] args) {
                    if (args.length > 0 && args[0].equals("fail")) {
                        throw new IllegalStateException("the jar failed on purpose");
                    }
                    System.out.println("Hello from Java: " + String.join(",", args));
                }
            }
            """
        )
    )
    classes = tmp_path / "classes"
    subprocess.run(["javac", "-d", str(classes), str(source)], check=True)
    jar = lw.workspace_root / "Shared" / f"{unique('hello')}.jar"
    with zipfile.ZipFile(jar, "w") as archive:  # a jar is a zip of classes
        archive.write(classes / "demo" / "Hello.class", "demo/Hello.class")

    def jar_task(key: str, parameters: list[str]) -> dict[str, Any]:
        return {
            "task_key": key,
            "spark_jar_task": {"main_class_name": "demo.Hello", "parameters": parameters},
            "libraries": [{"jar": f"/Workspace/Shared/{jar.name}"}],
        }

    run = run_tasks(w, [jar_task("hello", ["a", "{{job.id}}"]), jar_task("fails", ["fail"])])
    by_key = tasks_by_key(run)
    logs = run_output(w, by_key["hello"]["run_id"])["logs"]
    assert f"Hello from Java: a,{run['job_id']}" in logs
    failed = run_output(w, by_key["fails"]["run_id"])
    assert failed["error"] == "java.lang.IllegalStateException: the jar failed on purpose"
    assert "at demo.Hello.main(Hello.java" in failed["error_trace"]


def test_a_jar_task_without_java_fails_naming_what_is_missing(
    lw: LocalWorkspace, w: WorkspaceClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The task process keeps the server's PATH and JAVA_HOME: an empty PATH, no JAVA_HOME. (The
    # runner starts its child with the absolute path of this interpreter.)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    jar = write(lw, f"Shared/{unique('nojava')}.jar", "")
    task = {
        "task_key": "jar",
        "spark_jar_task": {"main_class_name": "demo.Hello"},
        "libraries": [{"jar": jar}],
    }
    run = run_tasks(w, [task])
    assert "spark_jar_task needs Java, and there is no `java` on PATH" in failure_of(run, "jar")


# --- dbt, and what needs a real workspace -------------------------------------------------------


def test_a_dbt_task_without_dbt_fails_clearly(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    if shutil.which("dbt") or (Path(sys.executable).parent / "dbt").exists():
        pytest.skip("dbt is installed here: this test is about its absence")
    (lw.workspace_root / "Shared" / "dbt_project").mkdir(parents=True, exist_ok=True)
    task = {
        "task_key": "dbt",
        "dbt_task": {
            "commands": ["dbt deps", "dbt run"],
            "project_directory": "/Shared/dbt_project",
        },
    }
    run = run_tasks(w, [task])
    assert "dbt_task needs dbt, and there is no `dbt` on PATH" in failure_of(run, "dbt")


@pytest.mark.parametrize(
    "task",
    [
        {"dashboard_task": {"dashboard_id": "abc", "warehouse_id": LOCAL_WAREHOUSE_ID}},
        {"power_bi_task": {"connection_resource_name": "x"}},
    ],
)
def test_task_types_of_a_real_workspace_fail_saying_so(
    w: WorkspaceClient, task: dict[str, Any]
) -> None:
    kind = next(iter(task))
    run = run_tasks(w, [{"task_key": "t", **task}])
    message = failure_of(run, "t")
    assert (
        message
        == f"{kind} tasks need a real Databricks workspace: the local workspace does not run them"
    )
    status = tasks_by_key(run)["t"]["status"]["termination_details"]
    assert status["code"] == "INVALID_RUN_CONFIGURATION"
