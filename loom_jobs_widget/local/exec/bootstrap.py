"""The child side of a local task run: `python -m loom_jobs_widget.local.exec.bootstrap RUN_DIR`.

Reads `invocation.json` from RUN_DIR, runs the workload (a Python file, a source-format notebook
in this process, a `.ipynb` notebook in a kernel through nbclient, a SQL file on the local
warehouse, a wheel's entry point in this process, a jar's main class or dbt commands in a child
process of this one, a pipeline's notebook and file sources in order in this process), and
writes `result.json` as its last act; exit status 0 on success, 1 on failure. The parent trusts
`result.json`, and treats its absence as a crash.

`python -m loom_jobs_widget.local.exec.bootstrap --fork-server FD` is the same program as a warm
task interpreter (`forkserver`): it forks one such process per task run instead of being one.
`--gate FD RUN_DIR` (the server spawns tasks so) first waits at the process's start gate, as a
forked task process does (`forkserver.wait_at_gate`): it runs nothing until the server has
recorded it.

The working directory during the run is the folder of the file or notebook, and that folder comes
first on `sys.path`: Databricks Runtime 14+ does the same for workspace files and notebooks.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import json
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
import traceback
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import Any

from loom_jobs_widget.local.exec import forkserver, warehouse
from loom_jobs_widget.local.exec import spark as sparks
from loom_jobs_widget.local.exec.dbutils import DBUtils, NotebookExit, load
from loom_jobs_widget.local.exec.environment import ENVIRONMENT_FILES, apply_environment_files
from loom_jobs_widget.local.exec.notebooks import run_notebook
from loom_jobs_widget.local.exec.paths import resolve_inside, resolve_workspace_path
from loom_jobs_widget.local.exec.protocol import INVOCATION_FILE, RESULT_FILE, SQL_ROWS
from loom_jobs_widget.local.exec.workload import (
    Result,
    SetupError,
    enter_folder,
    exception_line,
    exit_result,
    failure,
    failure_from,
    success,
)

__all__: list[str] = []

# --- Python files --------------------------------------------------------------------------------


def _local_path(invocation: dict[str, Any], raw: str, *, allow_relative: bool = True) -> Path:
    """The local path of a workspace path or a `dbfs:/` path the task names."""
    try:
        if raw.lower().startswith("dbfs:"):
            return resolve_inside(Path(invocation["dbfs_root"]), raw[5:], shown=raw, area="DBFS")
        return resolve_workspace_path(
            Path(invocation["workspace_root"]), raw, allow_relative=allow_relative
        )
    except ValueError as exc:
        raise SetupError(str(exc)) from None


def _local_file(invocation: dict[str, Any], raw: str, what: str) -> Path:
    path = _local_path(invocation, raw)
    if not path.is_file():
        raise SetupError(f"{what} {raw} not found ({path} does not exist)")
    return path


def _run_python_file(invocation: dict[str, Any], dbutils: DBUtils) -> Result:
    raw = invocation["path"]
    path = _local_file(invocation, raw, "Python file")
    builtins.dbutils = dbutils  # type: ignore[attr-defined]
    # `spark` only: a file that builds its own session gets this one from the builder too.
    builtins.spark = sparks.SparkProxy()  # type: ignore[attr-defined]
    enter_folder(path.parent)
    sys.argv = [str(path), *invocation["argv"]]
    try:
        runpy.run_path(str(path), run_name="__main__")
    except SystemExit as exc:
        return exit_result(exc, str(path))
    except NotebookExit:
        return success()  # a Python file has no notebook result
    except BaseException as exc:
        return failure_from(sparks.explained(exc), str(path))
    return success()


# --- SQL files on the local warehouse ------------------------------------------------------------


def _run_sql(invocation: dict[str, Any]) -> Result:
    raw = invocation["path"]
    # A SQL file's path is absolute for workspace files (SDK `SqlTaskFile.path`).
    path = _local_path(invocation, raw, allow_relative=False)
    if not path.is_file():
        raise SetupError(f"SQL file {raw} not found ({path} does not exist)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"SQL file {raw} cannot be read: {exc}") from None
    if sparks.is_enabled():
        ran = _run_sql_on_spark(invocation, text)
        if not isinstance(ran, warehouse.SqlResult):
            return ran
        return _sql_result(invocation, raw, text, ran, "the local workspace's Spark")
    import duckdb  # here: the other task types do without it

    try:
        with warehouse.connect(Path(invocation["warehouse"])) as connection:
            result = warehouse.run_script(connection, text, invocation["parameters"])
    except warehouse.SqlError as exc:
        print(exc, file=sys.stderr)
        return failure(str(exc), None)
    except duckdb.Error as exc:
        # The database's message is what the user needs; DuckDB's Python frames are not.
        print(exception_line(exc), file=sys.stderr)
        return failure(exception_line(exc), str(exc))
    return _sql_result(invocation, raw, text, result, "the local warehouse")


def _run_sql_on_spark(invocation: dict[str, Any], text: str) -> warehouse.SqlResult | Result:
    """The SQL file on the task's Spark session, or the failed task's result."""
    try:
        return warehouse.run_spark_script(sparks.session(), text, invocation["parameters"])
    except (warehouse.SqlError, sparks.SparkUnavailable) as exc:
        print(exc, file=sys.stderr)
        return failure(str(exc), None)
    except Exception as exc:
        if type(exc).__module__.split(".")[0] != "pyspark":
            raise
        # Spark's message is what the user needs (a Delta statement's, replaced by ours).
        shown = sparks.explained(exc)
        print(exception_line(shown), file=sys.stderr)
        return failure(exception_line(shown), str(exc))


def _sql_result(
    invocation: dict[str, Any], raw: str, text: str, result: warehouse.SqlResult, on: str
) -> Result:
    print(
        f"Ran {result.statements} statement(s) of {raw} on {on}; the last one"
        f" returned {len(result.rows)} row(s)" + (" (truncated)" if result.truncated else "")
    )
    outcome = success()
    outcome["extra_output"] = {
        "sql_output": warehouse.file_output(
            result, text, invocation["warehouse_id"], invocation["context"].get("run_id")
        ),
        SQL_ROWS: warehouse.row_objects(result.columns, result.rows),
    }
    return outcome


# --- Python wheels: an entry point of an installed or attached package ---------------------------


def _install_wheels(invocation: dict[str, Any], run_dir: Path) -> None:
    """The task's `whl` libraries, unpacked into the run folder and put first on sys.path.

    Unpacking is what installing a wheel amounts to for its importable files and its
    `.dist-info` (where the entry points are); scripts, data files and dependencies are not
    installed: a wheel needing more fails on import, saying what is missing.
    """
    import zipfile  # here, as importlib.metadata below: only wheel tasks pay for them

    for number, raw in enumerate(invocation["wheels"]):
        path = _local_file(invocation, raw, "Wheel library")
        target = run_dir / "libraries" / f"{number}-{path.stem}"
        try:
            with zipfile.ZipFile(path) as wheel:
                for name in wheel.namelist():  # a wheel's members must stay in its folder
                    resolve_inside(target, name, shown=name, area="wheel")
                wheel.extractall(target)
        except (zipfile.BadZipFile, ValueError) as exc:
            raise SetupError(f"Wheel library {raw} is not a usable wheel: {exc}") from None
        sys.path.insert(0, str(target))
    importlib.invalidate_caches()


def _check_requirements(requirements: list[str]) -> None:
    import importlib.metadata

    for requirement in requirements:
        name = re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0]
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise SetupError(
                f"Library {requirement} (pypi) is not installed in the environment of the local"
                f" workspace, which installs nothing itself: pip install {requirement!r}"
            ) from None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _entry_point(package: str, name: str) -> Any:
    """The function a python_wheel_task calls: the entry point `name` of the distribution
    `package` (console_scripts first, then any group), else `package.name` itself, as the SDK
    documents ("it executes the function from the package directly")."""
    import importlib.metadata

    for dist in importlib.metadata.distributions():
        if _normalized(dist.metadata["Name"] or "") != _normalized(package):
            continue
        points = [ep for ep in dist.entry_points if ep.name == name]
        points.sort(key=lambda ep: ep.group != "console_scripts")
        if points:
            return points[0].load()
        break
    else:
        if importlib.util.find_spec(package.replace("-", "_")) is None:
            raise SetupError(
                f"Package {package} is not installed in the environment of the local workspace"
                " (install it there, or attach its wheel as a whl library of the task)"
            )
    module = importlib.import_module(package.replace("-", "_"))
    function = getattr(module, name, None)
    if not callable(function):
        raise SetupError(
            f"Package {package} has no entry point {name!r} and no function {name}() to call"
        )
    return function


def _run_wheel(invocation: dict[str, Any], dbutils: DBUtils, run_dir: Path) -> Result:
    _install_wheels(invocation, run_dir)
    _check_requirements(invocation["requirements"])
    package, name = invocation["package_name"], invocation["entry_point"]
    builtins.dbutils = dbutils  # type: ignore[attr-defined]
    sys.argv = [package, *invocation["argv"]]
    try:
        function = _entry_point(package, name)
        # As a console script runs it: sys.exit(main()), so a returned code counts.
        raise SystemExit(function())
    except SystemExit as exc:
        return exit_result(exc, "")
    except SetupError:
        raise
    except BaseException as exc:
        trace = _trace_without_bootstrap(exc)
        sys.stderr.write(trace)
        return failure(exception_line(exc), trace)


def _trace_without_bootstrap(exc: BaseException) -> str:
    """The traceback from the first frame that is not this module's on."""
    tb: TracebackType | None = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


# --- jars and dbt: programs of their own ---------------------------------------------------------


def _run_program(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Runs a program with its output in the task's log; fails the task on a non-zero exit,
    with the end of its error output as the trace. The program is in this process's group,
    so canceling the task ends it too."""
    sys.stdout.flush()
    sys.stderr.flush()
    tail: deque[str] = deque(maxlen=200)
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,  # stdout goes straight to the log, as this process's does
        text=True,
        errors="replace",
    )
    assert process.stderr is not None
    for line in process.stderr:  # copied to the log as it comes, the end kept for the trace
        sys.stderr.write(line)
        tail.append(line)
    code = process.wait()
    if code == 0:
        return success()
    trace = "".join(tail)
    # A JVM's uncaught exception: "Exception in thread "main" java.lang.X: message".
    thrown = re.search(r'^Exception in thread "[^"]*" (.+)$', trace, re.MULTILINE)
    program = Path(argv[0]).name
    error = thrown.group(1) if thrown else f"{program} exited with code {code}"
    return failure(error, trace or None)


def _java() -> str:
    found = shutil.which("java")
    home = os.environ.get("JAVA_HOME")
    if found is None and home and os.access(Path(home) / "bin" / "java", os.X_OK):
        found = str(Path(home) / "bin" / "java")
    if found is None:
        raise SetupError(
            "spark_jar_task needs Java, and there is no `java` on PATH (nor in JAVA_HOME):"
            " install a JDK or JRE (11 or later) on this machine to run jar tasks locally"
        )
    return found


def _run_jar(invocation: dict[str, Any], run_dir: Path) -> Result:
    java = _java()
    jars = [str(_local_file(invocation, raw, "Jar library")) for raw in invocation["jars"]]
    print(f"Running {invocation['main_class_name']} with {java} (no Spark: a plain JVM)")
    argv = [java, "-cp", os.pathsep.join(jars), invocation["main_class_name"], *invocation["argv"]]
    return _run_program(argv, run_dir)


def _dbt() -> str:
    found = shutil.which("dbt")
    beside = Path(sys.executable).parent / "dbt"  # installed in this venv, not activated
    if found is None and os.access(beside, os.X_OK):
        found = str(beside)
    if found is None:
        raise SetupError(
            "dbt_task needs dbt, and there is no `dbt` on PATH: install dbt-core and an"
            " adapter (dbt-duckdb reaches the local warehouse's database) to run dbt tasks"
            " locally"
        )
    return found


def _run_dbt(invocation: dict[str, Any]) -> Result:
    dbt = _dbt()
    project = _local_path(invocation, invocation["project_directory"] or "/Workspace")
    if not project.is_dir():
        raise SetupError(f"dbt project directory {invocation['project_directory']} not found")
    # profiles_directory is relative to the project; unset, the project's root is used (SDK).
    profiles = (
        project / invocation["profiles_directory"] if invocation["profiles_directory"] else project
    )
    env = {**os.environ, "DBT_PROFILES_DIR": str(profiles)}
    for command in invocation["commands"]:
        print(f"$ {command}")
        result = _run_program([dbt, *shlex.split(command)[1:]], project, env)
        if result["result_state"] != "SUCCESS":
            return result
    return success()


def _run_pipeline(invocation: dict[str, Any], dbutils: DBUtils, run_dir: Path) -> Result:
    """A pipeline's sources in order, in this one process; the first that fails ends it."""
    for step in invocation["steps"]:
        source = {**invocation, **step, "argv": [], "widgets": {}}
        if step["kind"] == "python_file":
            result = _run_python_file(source, dbutils)
        else:
            result = run_notebook(source, dbutils, run_dir)
        if result["result_state"] != "SUCCESS":
            return result
    return success()


# --- entry point ---------------------------------------------------------------------------------


def _main(argv: list[str]) -> int:
    run_dir = Path(argv[1])
    invocation = json.loads((run_dir / INVOCATION_FILE).read_text(encoding="utf-8"))
    dbutils = load(run_dir)
    try:
        sparks.configure(invocation.get("spark"), invocation.get("dbfs_root"))
        workspace_root = Path(invocation["workspace_root"])
        apply_environment_files(invocation.get(ENVIRONMENT_FILES) or {}, workspace_root)
        kind = invocation["kind"]
        if kind == "python_file":
            result = _run_python_file(invocation, dbutils)
        elif kind == "sql":
            result = _run_sql(invocation)
        elif kind == "python_wheel":
            result = _run_wheel(invocation, dbutils, run_dir)
        elif kind == "jar":
            result = _run_jar(invocation, run_dir)
        elif kind == "dbt":
            result = _run_dbt(invocation)
        elif kind == "pipeline":
            result = _run_pipeline(invocation, dbutils, run_dir)
        else:
            result = run_notebook(invocation, dbutils, run_dir)
    except SetupError as exc:
        print(exc, file=sys.stderr)
        result = failure(str(exc), None, state_message=str(exc))
    except Exception as exc:  # a bug here, not in the task: say so rather than crash silently
        trace = "".join(traceback.format_exception(exc))
        sys.stderr.write(trace)
        result = failure(f"Internal error of the local task runner: {exc!r}", trace)
    sparks.close()
    sys.stdout.flush()
    sys.stderr.flush()
    tmp = run_dir / (RESULT_FILE + ".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    os.replace(tmp, run_dir / RESULT_FILE)
    return 0 if result["result_state"] == "SUCCESS" else 1


if __name__ == "__main__":
    if sys.argv[1:2] == [forkserver.GATE_FLAG]:
        # A spawned task process: nothing runs until the server has recorded it.
        forkserver.wait_at_gate(int(sys.argv[2]))
        del sys.argv[1:3]
    if sys.argv[1:2] == [forkserver.FLAG]:
        # The warm task interpreter (`forkserver`): returns only in a forked task process, set
        # up as a spawned one would be, with its run folder. What every task imports before any
        # user code runs is imported once here: runpy.run_path's own import of pkgutil.
        importlib.import_module("pkgutil")
        sys.argv[1:] = [forkserver.serve(int(sys.argv[2]))]
    sys.exit(_main(sys.argv))
