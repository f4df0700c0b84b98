"""A `spark_submit_task` as the local workspace runs it: its spark-submit command line
(`parameters`) read as a Python-file run on the workspace's shared Spark.

`spark-submit [options] <app jar | python file> [app arguments]` (Spark docs: "Submitting
Applications"). Locally the Python file runs as a `spark_python_task` would: `sys.argv` is the
app arguments, and its `spark` session gets each `--conf key=value` that a Spark Connect
session can set (SQL confs); `--py-files` (.py, .zip, .egg) go on `sys.path`. What sizes or
places a cluster (`--master`, `--driver-memory`, `--num-executors`, ...) means nothing on the
one local server and is ignored, with a note in the task's log. A main class (`--class`) or a
jar as the app is a JVM job, and JVM code (`--jars`, `--packages`) cannot join the shared
server: those are refused before the run starts.

The parent (`runners`) hands the task process what the Python file's run does not carry
itself (confs, py-files, what was ignored) in the `SUBMIT_VARIABLE` environment variable;
`spark.configure` applies it in the task process before any user code runs.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.exec.paths import resolve_inside, resolve_workspace_path
from loom_jobs_widget.local.exec.protocol import UnsupportedTask
from loom_jobs_widget.local.exec.workload import SetupError

__all__ = ["SUBMIT_VARIABLE", "apply_submit", "submit_plan", "submit_variable"]

#: The environment variable that carries a spark_submit_task's confs and py-files to its task.
SUBMIT_VARIABLE: Final = "LOOM_JOBS_SPARK_SUBMIT"

# spark-submit options that take a value (spark-submit --help, Spark 4.3), by what locally
# becomes of them.
_IGNORED: Final = frozenset(
    {
        "--master",
        "--deploy-mode",
        "--name",
        "--driver-memory",
        "--driver-cores",
        "--driver-java-options",
        "--driver-library-path",
        "--driver-class-path",
        "--executor-memory",
        "--executor-cores",
        "--num-executors",
        "--total-executor-cores",
        "--queue",
        "--properties-file",
        "--files",
        "--archives",
        "--principal",
        "--keytab",
        "--proxy-user",
    }
)
_JVM_CODE: Final = frozenset({"--jars", "--packages", "--repositories", "--exclude-packages"})
_FLAGS: Final = frozenset({"--verbose", "-v", "--supervise"})
_CLOUD: Final = ("s3:", "s3a:", "s3n:", "gs:", "abfs:", "abfss:", "wasb:", "wasbs:", "adl:")


def _refused(task_key: str, why: str) -> UnsupportedTask:
    return UnsupportedTask(f"spark_submit_task of task {task_key!r}: {why}")


def submit_plan(spec: Mapping[str, Any], task_key: str) -> dict[str, Any]:
    """The Python-file run of a spark_submit_task's `parameters`, or UnsupportedTask naming
    the task and the parameter that cannot run locally."""
    parameters = [str(item) for item in spec.get("parameters") or []]
    conf: dict[str, str] = {}
    py_files: list[str] = []
    ignored: list[str] = []
    index = 0
    while index < len(parameters) and parameters[index].startswith("-"):
        option, _, inline = parameters[index].partition("=")
        index += 1
        if option in _FLAGS:
            continue
        if inline == "" and "=" not in parameters[index - 1]:
            if index >= len(parameters):
                raise _refused(task_key, f"parameters end with {option}, which needs a value")
            value = parameters[index]
            index += 1
        else:
            value = inline
        if option == "--class":
            raise _refused(
                task_key,
                f"parameters name a main class (--class {value}): JVM jobs do not run in the"
                " local workspace; run a Python file (its path as the first parameter after the"
                " options), or run the job on a Databricks workspace",
            )
        if option == "--conf":
            key, equals, setting = value.partition("=")
            if not equals or not key:
                raise _refused(task_key, f"--conf {value!r} is not key=value")
            conf[key.strip()] = setting
        elif option == "--py-files":
            py_files += [path.strip() for path in value.split(",") if path.strip()]
        elif option in _JVM_CODE:
            raise _refused(
                task_key,
                f"parameters add JVM code ({option} {value}), which the local workspace's"
                " shared Spark server does not load; remove it to run the Python file locally",
            )
        elif option in _IGNORED:
            ignored.append(f"{option} {value}")
        else:
            raise _refused(
                task_key,
                f"parameters hold {option}, a spark-submit option the"
                " local workspace does not know",
            )
    if index >= len(parameters):
        raise _refused(task_key, "parameters name no Python file to run (after the options)")
    main, argv = parameters[index], parameters[index + 1 :]
    if main.lower().endswith(".jar"):
        raise _refused(
            task_key,
            f"parameters run the jar {main}: JVM jobs do not run in the local workspace",
        )
    if not main.lower().endswith(".py"):
        raise _refused(task_key, f"parameters run {main}, which is not a Python (.py) file")
    for path in (main, *py_files):
        if path.lower().startswith(_CLOUD):
            raise _refused(
                task_key,
                f"{path} is in cloud storage, which the local workspace does not reach; use a"
                " workspace or dbfs:/ path",
            )
    return {
        "kind": "python_file",
        "path": main,
        "argv": argv,
        "spark_submit": {"conf": conf, "py_files": py_files, "ignored": ignored},
    }


def submit_variable(plan: Mapping[str, Any], workspace_root: Path) -> dict[str, str]:
    """The task's environment addition for a plan from `submit_plan` (none for other plans)."""
    submit = plan.get("spark_submit")
    if submit is None:
        return {}
    return {SUBMIT_VARIABLE: json.dumps({**submit, "workspace_root": str(workspace_root)})}


def _local_file(raw: str, workspace_root: Path, dbfs_root: Path) -> Path:
    if raw[:5].lower() == "dbfs:":
        return resolve_inside(dbfs_root, raw[5:], shown=raw, area="DBFS")
    return resolve_workspace_path(workspace_root, raw)


def apply_submit(dbfs_root: Path) -> dict[str, str]:
    """In the task process: puts the task's py-files on `sys.path` and says what was ignored,
    in the task's log; returns the confs for its Spark session. A py-file that is missing fails
    the task before its main file runs (`SetupError`), naming the file."""
    raw = os.environ.pop(SUBMIT_VARIABLE, None)
    if not raw:
        return {}
    submit = json.loads(raw)
    workspace_root = Path(submit["workspace_root"])
    for option in submit.get("ignored") or []:
        print(f"spark-submit {option}: ignored (one local Spark server runs every task)")
    for path in submit.get("py_files") or []:
        try:
            found = _local_file(path, workspace_root, dbfs_root)
        except ValueError as exc:
            raise SetupError(f"spark_submit_task parameters: --py-files {path}: {exc}") from None
        if not found.exists():
            raise SetupError(
                f"spark_submit_task parameters: --py-files {path} not found ({found} does not"
                " exist)"
            )
        # A .py file is importable from its folder (so its neighbours are too); a .zip or .egg
        # is a folder of its own to the import system.
        sys.path.append(str(found.parent if found.suffix.lower() == ".py" else found))
    return {str(key): str(value) for key, value in (submit.get("conf") or {}).items()}
