"""Running one task-run attempt of the local workspace in a child process.

The engine calls `start_task(invocation)` and gets a `TaskProcess` to `wait()` on or `cancel()`.
Everything the task does happens in a child process
(`python -m loom_jobs_widget.local.exec.bootstrap RUN_DIR`, in its own session), so a crashing or
hanging task never affects the server: the parent only writes the invocation file and, once the
child has exited, reads files back. The workspace
starts tasks through a `TaskLauncher`, whose warm interpreter (`forkserver`) forks that same
process in about a millisecond instead of spawning it (60-80 ms).

Files in the task-run folder (`run_dir`), the whole parent/child protocol:

- `invocation.json`: written by the parent before the child starts; what to run and its inputs.
  Data reaches the child only through this file, never through argv or the environment.
- `output.log`: the child's stdout and stderr (the run output's `logs` for Python files).
- `dbutils-state.json`: written by `dbutils` in the child on every change (task values, the
  `dbutils.notebook.exit` value), so values set before a crash are still there.
- `result.json`: written by the bootstrap as its last act: how the workload ended, and for SQL
  tasks their output (`sql_output`, and the rows `{{tasks.<key>.output.rows}}` reads).
- `notebook.ipynb`: for `.ipynb` notebook tasks, the executed copy with its cell outputs.

`resolve_workspace_path` is the single place for the rule "workspace paths stay inside
`workspace_root`"; the server's workspace API uses it too. `_plan` is the single place for the
rule "which task types run locally": any other type ends FAILED with a message saying it needs a
real Databricks workspace (condition, for_each and run_job tasks never get here: the engine runs
them itself).

POSIX only: cancellation relies on sessions and process groups.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from loom_jobs_widget.local.exec.forkserver import ForkedProcess, ForkServer, ForkServerUnavailable
from loom_jobs_widget.local.exec.forkserver import available as forkserver_available
from loom_jobs_widget.local.exec.warehouse import LOCAL_WAREHOUSE_ID, warehouse_path

__all__ = [
    "SQL_ROWS",
    "TaskInvocation",
    "TaskLauncher",
    "TaskOutcome",
    "TaskProcess",
    "UnsupportedTask",
    "kill_recorded",
    "process_record",
    "resolve_inside",
    "resolve_notebook_path",
    "resolve_workspace_path",
    "sql_output_of",
    "start_task",
]

# --- the parent/child protocol -------------------------------------------------------------------

BOOTSTRAP_MODULE = "loom_jobs_widget.local.exec.bootstrap"
INVOCATION_FILE = "invocation.json"
LOG_FILE = "output.log"
STATE_FILE = "dbutils-state.json"
RESULT_FILE = "result.json"
EXECUTED_NOTEBOOK = "notebook.ipynb"

#: First line of a Databricks source-format notebook; a `.py` file without it is a plain file.
NOTEBOOK_HEADER = "# Databricks notebook source"

#: runs/get-output keeps the last 5 MB of logs and the first 5 MB of the notebook result.
OUTPUT_LIMIT_BYTES = 5 * 1024 * 1024

#: Between SIGTERM and SIGKILL on cancel: enough for `finally` blocks, short enough for a UI.
CANCEL_GRACE_SECONDS = 2.0

WORKLOAD_FAILED = "Workload failed, see run output for details"

#: Key of a task run's stored output holding a SQL task's result rows as JSON objects: what
#: `{{tasks.<key>.output.rows}}` reads. Not part of runs/get-output (its `sql_output` is).
SQL_ROWS = "sql_rows"
CANCELED_MESSAGE = "The run was canceled."


# --- the interface the engine uses ---------------------------------------------------------------


@dataclass(frozen=True)
class TaskInvocation:
    """One attempt of one task, as the engine asks for it."""

    task: dict[str, Any]  # the raw task settings (references not substituted in this issue)
    job_parameters: dict[str, str]  # resolved job parameters (defaults + run-now overrides)
    workspace_root: Path  # /Workspace/... paths resolve inside it
    run_dir: Path  # a fresh, empty folder for this task-run attempt (logs, outputs)
    upstream_values: dict[str, dict[str, Any]]  # task values set by upstream tasks, by task_key
    context: dict[str, Any]  # job_id, job_run_id, run_id (task run), task_key, attempt_number, host
    # Called with the task process's pid once it exists, and (forked) before it runs anything:
    # the engine records the process there, so a restart after a crash always finds it.
    on_start: Callable[[int], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class TaskOutcome:
    """How the attempt ended, in the terms of runs/get and runs/get-output."""

    result_state: str  # "SUCCESS" | "FAILED"  (TIMEDOUT/CANCELED are decided by the engine)
    state_message: str  # "" on success
    error: str | None  # last line of the exception
    error_trace: str | None  # the traceback
    logs: str  # stdout+stderr, last 5 MB; "" for notebook tasks (as on Databricks)
    logs_truncated: bool
    notebook_result: str | None  # dbutils.notebook.exit value, first 5 MB
    task_values: dict[str, Any]  # dbutils.jobs.taskValues.set(...)
    notebook_result_truncated: bool = False  # runs/get-output notebook_output.truncated
    # More of the stored output: `sql_output` (runs/get-output) and SQL_ROWS, for SQL tasks.
    extra_output: dict[str, Any] = field(default_factory=dict)


class UnsupportedTask(Exception):
    """A task this runner cannot execute; the message says which and why, for the user."""


class TaskProcess(Protocol):
    pid: int

    def wait(self, timeout: float | None = None) -> TaskOutcome | None:
        """The outcome once the task has ended; None if still running after `timeout` seconds."""
        ...

    def cancel(self) -> None:
        """Kill the task's whole process tree; `wait()` then returns a canceled FAILED outcome."""
        ...


# --- workspace paths -----------------------------------------------------------------------------

# Top-level workspace folders that Databricks also accepts without the /Workspace prefix.
_WORKSPACE_TOPS = frozenset({"Shared", "Users", "Repos"})


def resolve_inside(root: Path, relative: str, *, shown: str, area: str) -> Path:
    """`relative` (slash-separated) under `root`, refusing anything that would leave it.

    `..` is refused outright rather than normalised: a path that climbs is a mistake or an attack.
    Symbolic links are followed, and the result must still lie inside `root`. `shown` is the path
    as the user wrote it and `area` names the tree ("workspace", "DBFS"), both for the message.
    """
    if "\x00" in relative:
        raise ValueError(f"Path {shown!r} is refused: it contains a NUL character")
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"Path {shown!r} is refused: '..' is not allowed in {area} paths")
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        raise ValueError(
            f"Path {shown!r} is refused: it leads outside the {area} through a symbolic link"
        )
    return target


def resolve_workspace_path(
    workspace_root: Path, path: str, *, allow_relative: bool = False
) -> Path:
    """The local file or folder for a workspace path such as `/Workspace/Shared/etl`.

    `/Shared/...`, `/Users/...` and `/Repos/...` are accepted without the `/Workspace` prefix, as
    Databricks does. Any other absolute path, `..`, and symbolic links pointing outside
    `workspace_root` raise ValueError naming the path and the reason. A relative path is taken
    relative to `workspace_root` only with `allow_relative` (task files may be relative; the
    workspace API requires absolute paths).
    """
    if not isinstance(path, str):
        raise ValueError(f"Path {path!r} is refused: a workspace path is a string")
    if path == "/Workspace" or path.startswith("/Workspace/"):
        relative = path[len("/Workspace") :]
    elif path.startswith("/"):
        top = path.split("/", 2)[1]
        if top not in _WORKSPACE_TOPS:
            raise ValueError(
                f"Path {path!r} is refused: it is outside the workspace (workspace paths start"
                " with /Workspace, /Shared, /Users or /Repos)"
            )
        relative = path
    elif allow_relative and path:
        relative = path
    else:
        raise ValueError(
            f"Path {path!r} is refused: a workspace path must be absolute, like /Workspace/Shared/x"
        )
    return resolve_inside(workspace_root, relative, shown=path, area="workspace")


def is_source_notebook(file: Path) -> bool:
    """Whether `file` is a Databricks source-format Python notebook (by its first line)."""
    try:
        with file.open(encoding="utf-8-sig", errors="replace") as handle:
            return handle.readline().rstrip() == NOTEBOOK_HEADER
    except OSError:
        return False


def resolve_notebook_path(workspace_root: Path, path: str) -> Path:
    """The notebook file for a notebook path: `<path>.py` (source format), `<path>.ipynb`, or
    `<path>` itself when it names such a file with its extension.

    A workspace holds notebooks without extensions, so `/Workspace/Shared/etl` is `etl.py` or
    `etl.ipynb` on disk; a plain `etl.py` (no notebook header) is a workspace file, not a
    notebook, and can sit next to `etl.ipynb`. Raises ValueError for escapes and ambiguity,
    FileNotFoundError when there is no notebook.
    """
    path = path.rstrip("/") if path != "/" else path
    exact = resolve_workspace_path(workspace_root, path)
    if exact.is_file():
        if exact.suffix == ".ipynb" or is_source_notebook(exact):
            return exact
        raise FileNotFoundError(
            f"{path} is a file, not a notebook: a source-format notebook starts with the line"
            f" {NOTEBOOK_HEADER!r}, or use a .ipynb notebook"
        )
    found = []
    for suffix in (".py", ".ipynb"):
        candidate = resolve_workspace_path(workspace_root, path + suffix)
        if candidate.is_file() and (suffix == ".ipynb" or is_source_notebook(candidate)):
            found.append(candidate)
    if len(found) == 2:
        raise ValueError(
            f"Notebook {path} is ambiguous: both {found[0].name} and {found[1].name} exist"
        )
    if not found:
        raise FileNotFoundError(
            f"Notebook {path} not found: no source-format {exact.name}.py and no"
            f" {exact.name}.ipynb in {exact.parent}"
        )
    return found[0]


# --- starting a task -----------------------------------------------------------------------------

_CLOUD_URI = re.compile(r"^(s3a?|s3n|gs|abfss?|wasbs?|adl):/", re.IGNORECASE)


def _task_type(task: dict[str, Any]) -> str:
    kinds = [key for key in task if key.endswith("_task")]
    if len(kinds) != 1:
        raise UnsupportedTask(
            f"task {task.get('task_key', '?')!r} has {len(kinds)} task types {kinds}; one is needed"
        )
    return kinds[0]


def needs_real_workspace(what: str) -> str:
    """The failure message of what only a Databricks workspace can run."""
    return f"{what} need a real Databricks workspace: the local workspace does not run them"


def _plan(invocation: TaskInvocation) -> dict[str, Any]:
    """What the child runs, decided from the settings alone (no file system access), so that
    `start_task` raises UnsupportedTask at once and everything else fails inside the run."""
    task = invocation.task
    kind = _task_type(task)
    spec = task[kind]
    if not isinstance(spec, dict):
        raise UnsupportedTask(f"{kind} of task {task.get('task_key', '?')!r} is not an object")
    planner = _PLANNERS.get(kind)
    if planner is None:
        raise UnsupportedTask(needs_real_workspace(f"{kind} tasks"))
    if spec.get("source") == "GIT":
        raise UnsupportedTask(
            f"{kind} with source GIT (a file in a Git repository) is not run by the local"
            " workspace yet; use a workspace path"
        )
    plan = {"argv": [], "widgets": {}, **planner(spec, invocation)}
    return plan


def _python_file_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    python_file = spec.get("python_file")
    if not isinstance(python_file, str) or not python_file:
        raise UnsupportedTask("spark_python_task has no python_file")
    if _CLOUD_URI.match(python_file):
        raise UnsupportedTask(
            f"python_file {python_file} is in cloud storage, which the local workspace does"
            " not reach; use a workspace or dbfs:/ path"
        )
    # Parameters are a JSON array: argv, with no job-parameter pushdown (reference §8.1).
    argv = [str(arg) for arg in spec.get("parameters") or []]
    return {"kind": "python_file", "path": python_file, "argv": argv}


def _notebook_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    if spec.get("warehouse_id"):
        raise UnsupportedTask(
            "notebook tasks on a SQL warehouse (SQL notebooks) are not run by the local"
            " workspace yet"
        )
    notebook_path = spec.get("notebook_path")
    if not isinstance(notebook_path, str) or not notebook_path:
        raise UnsupportedTask("notebook_task has no notebook_path")
    # Job parameters are pushed down as widgets and win over the task's base_parameters (§8.1).
    widgets = {str(k): str(v) for k, v in (spec.get("base_parameters") or {}).items()}
    widgets.update({str(k): str(v) for k, v in invocation.job_parameters.items()})
    return {"kind": "notebook", "path": notebook_path, "widgets": widgets}


def _sql_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    for variant, what in (("alert", "SQL alerts"), ("dashboard", "SQL dashboards")):
        if spec.get(variant) is not None:
            raise UnsupportedTask(needs_real_workspace(f"sql_task {variant}s ({what})"))
    if spec.get("query") is not None:
        raise UnsupportedTask(
            "sql_task queries (query_id) need a real Databricks workspace: saved queries live"
            " there, and the local workspace has none; put the SQL in a .sql workspace file and"
            " use sql_task.file"
        )
    file = spec.get("file")
    if not isinstance(file, dict) or not isinstance(file.get("path"), str) or not file["path"]:
        raise UnsupportedTask("sql_task has no file (a path), query, alert or dashboard")
    path = file["path"]
    if file.get("source") == "GIT":
        raise UnsupportedTask(
            "sql_task files with source GIT (a file in a Git repository) are not run by the"
            " local workspace yet; use a workspace path"
        )
    warehouse_id = spec.get("warehouse_id")
    # The one warehouse the compute API lists; any other id would fail on Databricks too.
    if warehouse_id != LOCAL_WAREHOUSE_ID:
        named = f"SQL warehouse {warehouse_id!r}" if warehouse_id else "No SQL warehouse"
        raise UnsupportedTask(
            f"{named} does not exist in the local workspace: set the task's warehouse_id to"
            f" {LOCAL_WAREHOUSE_ID!r}, the local warehouse (SQL runs on its DuckDB database)"
        )
    # Named parameters; job parameters are pushed down and win on a clash (reference §8.1).
    parameters = {str(k): str(v) for k, v in (spec.get("parameters") or {}).items()}
    parameters.update({str(k): str(v) for k, v in invocation.job_parameters.items()})
    return {"kind": "sql", "path": path, "parameters": parameters, "warehouse_id": warehouse_id}


def _libraries(task: dict[str, Any], kinds: tuple[str, ...]) -> dict[str, list[str]]:
    """The task's `libraries` of the given kinds (whl, jar, pypi), by kind; any other kind of
    library is refused, since the local workspace installs nothing into its environment."""
    found: dict[str, list[str]] = {kind: [] for kind in kinds}
    for library in task.get("libraries") or []:
        if not isinstance(library, dict) or len(library) != 1:
            raise UnsupportedTask(f"library {library!r} is not one library of one kind")
        ((kind, value),) = library.items()
        if kind == "pypi" and "pypi" in kinds and isinstance(value, dict):
            value = value.get("package")
        if kind not in kinds or not isinstance(value, str) or not value:
            raise UnsupportedTask(
                f"{kind} libraries of this task are not installed by the local workspace:"
                " install what the task needs into the environment the workspace runs in"
            )
        if _CLOUD_URI.match(value):
            raise UnsupportedTask(
                f"library {value} is in cloud storage, which the local workspace does not"
                " reach; use a workspace or dbfs:/ path"
            )
        found[kind].append(value)
    return found


def _wheel_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    package, entry_point = spec.get("package_name"), spec.get("entry_point")
    if not isinstance(package, str) or not package:
        raise UnsupportedTask("python_wheel_task has no package_name")
    if not isinstance(entry_point, str) or not entry_point:
        raise UnsupportedTask("python_wheel_task has no entry_point")
    if spec.get("parameters"):
        # Positional parameters: argv as given, no job-parameter pushdown (reference §8.1).
        argv = [str(arg) for arg in spec["parameters"]]
    else:
        # Keyword parameters as `--name=value`; job parameters are pushed down as keyword
        # arguments, and win over the task's on a clash (§8.1).
        named = {str(k): str(v) for k, v in (spec.get("named_parameters") or {}).items()}
        named.update({str(k): str(v) for k, v in invocation.job_parameters.items()})
        argv = [f"--{name}={value}" for name, value in named.items()]
    libraries = _libraries(invocation.task, ("whl", "pypi"))
    return {
        "kind": "python_wheel",
        "package_name": package,
        "entry_point": entry_point,
        "argv": argv,
        "wheels": libraries["whl"],
        "requirements": libraries["pypi"],
    }


def _jar_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    main_class = spec.get("main_class_name")
    if not isinstance(main_class, str) or not main_class:
        raise UnsupportedTask("spark_jar_task has no main_class_name")
    jars = _libraries(invocation.task, ("jar",))["jar"]
    if isinstance(spec.get("jar_uri"), str) and spec["jar_uri"]:
        jars.append(spec["jar_uri"])  # deprecated, still accepted
    if not jars:
        raise UnsupportedTask(
            f"spark_jar_task has no jar: add the jar holding {main_class} to the task's"
            ' libraries, as [{"jar": "/Workspace/.../app.jar"}]'
        )
    # Parameters are a JSON array passed to main(), with no job-parameter pushdown (§8.1).
    argv = [str(arg) for arg in spec.get("parameters") or []]
    return {"kind": "jar", "main_class_name": main_class, "jars": jars, "argv": argv}


def _dbt_plan(spec: dict[str, Any], invocation: TaskInvocation) -> dict[str, Any]:
    commands = spec.get("commands")
    if not isinstance(commands, list) or not commands:
        raise UnsupportedTask("dbt_task has no commands")
    for command in commands:
        if not isinstance(command, str) or command.split()[:1] != ["dbt"]:
            raise UnsupportedTask(f"dbt_task command {command!r} does not start with dbt")
    return {
        "kind": "dbt",
        "commands": commands,
        "project_directory": spec.get("project_directory") or "",
        "profiles_directory": spec.get("profiles_directory") or "",
    }


_Planner = Callable[[dict[str, Any], TaskInvocation], dict[str, Any]]

#: The task types run in a child process, and what each needs from its settings.
_PLANNERS: dict[str, _Planner] = {
    "spark_python_task": _python_file_plan,
    "notebook_task": _notebook_plan,
    "sql_task": _sql_plan,
    "python_wheel_task": _wheel_plan,
    "spark_jar_task": _jar_plan,
    "dbt_task": _dbt_plan,
}


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def start_task(invocation: TaskInvocation, forks: ForkServer | None = None) -> TaskProcess:
    """Start the task in a child process; raises UnsupportedTask for what cannot run locally.

    With `forks` the child is forked by that warm task interpreter (`forkserver`), else (or
    when it cannot take the task) spawned as `python -m loom_jobs_widget.local.exec.bootstrap`:
    the same process either way, only started faster.

    Missing files, path escapes and the like are not raised here: they fail the run, with the
    reason in its output, as they would on Databricks.
    """
    plan = _plan(invocation)
    run_dir = invocation.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    if any((run_dir / name).exists() for name in (INVOCATION_FILE, RESULT_FILE, STATE_FILE)):
        raise ValueError(f"run_dir {run_dir} was used before: each attempt needs a fresh folder")
    workspace_root = invocation.workspace_root.resolve()
    _write_json_atomic(
        run_dir / INVOCATION_FILE,
        {
            **plan,
            "task_key": invocation.task.get("task_key"),
            "workspace_root": str(workspace_root),
            # DBFS and the SQL warehouse live next to the workspace in the data dir.
            "dbfs_root": str(workspace_root.parent / "dbfs"),
            "warehouse": str(warehouse_path(workspace_root)),
            "run_dir": str(run_dir.resolve()),
            "upstream_values": invocation.upstream_values,
            "context": invocation.context,
        },
    )
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"  # output.log is complete even when the task is killed
    process: _Process | None = None
    with (run_dir / LOG_FILE).open("wb") as log:
        if forks is not None:
            with contextlib.suppress(ForkServerUnavailable):
                process = forks.start_child(
                    run_dir.resolve(), log.fileno(), env, invocation.on_start
                )
        if process is None:
            popen = subprocess.Popen(
                [sys.executable, "-m", BOOTSTRAP_MODULE, str(run_dir.resolve())],
                # The child starts in run_dir (nothing of the user's on sys.path while the
                # bootstrap imports) and moves to the file's folder itself.
                cwd=run_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group: cancel reaches what it starts
            )
            if invocation.on_start is not None:
                try:
                    invocation.on_start(popen.pid)
                except BaseException:
                    _kill_tree(popen, 0.0)  # a task nobody follows must not run
                    raise
            process = popen
    # runs/get-output has logs for Python files, wheels and jars, not for notebooks or SQL
    # (reference §1.5); their output stays in output.log for whoever looks.
    return _ChildTask(process, run_dir, keeps_logs=plan["kind"] not in ("notebook", "sql"))


class TaskLauncher:
    """What the engine starts tasks with: `start_task` through one fork server (started at the
    first task), which `stop()` ends, with whatever it still runs."""

    def __init__(self, folder: Path, *, fork: bool = True) -> None:
        self._forks = ForkServer(folder) if fork and forkserver_available() else None

    @property
    def fork_server_pid(self) -> int | None:
        return self._forks.pid if self._forks is not None else None

    def start(self, invocation: TaskInvocation) -> TaskProcess:
        return start_task(invocation, self._forks)

    def stop(self) -> None:
        if self._forks is not None:
            self._forks.stop()


# --- the running task ----------------------------------------------------------------------------


class _Process(Protocol):
    """What the runner needs of a task process: `subprocess.Popen`, or a `ForkedProcess`."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...


class _ChildTask:
    """A TaskProcess backed by the bootstrap child process."""

    def __init__(self, popen: _Process, run_dir: Path, *, keeps_logs: bool):
        self.pid = popen.pid
        self._popen = popen
        self._run_dir = run_dir
        self._keeps_logs = keeps_logs
        self._canceled = False
        self._lock = threading.Lock()
        self._outcome: TaskOutcome | None = None
        # A descriptor that turns readable the moment the child exits: wait(timeout) then
        # returns at once, where Popen.wait(timeout) sleeps between polls (up to 50 ms per
        # task). A spawned child's pidfd (Linux); a forked child's reply socket.
        self._ready_fd: int | None = None
        self._close_pidfd: Callable[[], None] = lambda: None
        if isinstance(popen, ForkedProcess):
            self._ready_fd = popen.fileno()
        else:
            with contextlib.suppress(AttributeError, OSError):
                pidfd = os.pidfd_open(popen.pid)  # not reaped yet: it is still our child
                self._ready_fd = pidfd
                self._close_pidfd = weakref.finalize(self, os.close, pidfd)

    def wait(self, timeout: float | None = None) -> TaskOutcome | None:
        try:
            if (
                timeout is not None
                and self._ready_fd is not None
                and self._popen.returncode is None
            ):
                # poll, not select: select fails for descriptors past FD_SETSIZE (1024), which
                # a long-running server with many open runs can reach.
                poller = select.poll()
                poller.register(self._ready_fd, select.POLLIN)
                if not poller.poll(max(0.0, timeout) * 1000):
                    return None
            # Popen.wait blocks in waitpid, or sleeps between polls when given a timeout.
            returncode = self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        with self._lock:
            if self._outcome is None:
                self._outcome = _read_outcome(
                    self._run_dir,
                    None if getattr(self._popen, "status_lost", False) else returncode,
                    keeps_logs=self._keeps_logs,
                    canceled=self._canceled,
                )
                self._close_pidfd()
            return self._outcome

    def cancel(self) -> None:
        with self._lock:
            if self._popen.poll() is not None:
                return  # it ended on its own first: that outcome stands
            self._canceled = True
        _kill_tree(self._popen, CANCEL_GRACE_SECONDS)


def _kill_tree(popen: _Process, grace: float) -> None:
    """SIGTERM the child and everything under it, then SIGKILL what is left after `grace`.

    The child's process group is not enough: jupyter_client starts kernels in a session of their
    own. So the tree is listed with psutil (before anything dies, while parentage still links
    it) and every process group found in it is signalled too, which also reaches processes whose
    parent already exited. The server's own group is never signalled.
    """
    # Imported here: the child imports this module too and never cancels. (No stubs installed;
    # the second code keeps mypy quiet once types-psutil is.)
    import psutil  # type: ignore[import-untyped,unused-ignore]

    try:
        root = psutil.Process(popen.pid)
    except psutil.NoSuchProcess:
        return
    own_group = os.getpgrp()

    def tree(procs: Iterable[psutil.Process]) -> list[psutil.Process]:
        found: dict[int, psutil.Process] = {}
        for proc in procs:
            found[proc.pid] = proc
            with contextlib.suppress(psutil.Error):
                for child in proc.children(recursive=True):
                    found.setdefault(child.pid, child)
        return list(found.values())

    def signal_all(procs: list[psutil.Process], groups: set[int], sig: signal.Signals) -> None:
        for group in groups:
            with contextlib.suppress(OSError):
                os.killpg(group, sig)
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)  # psutil checks the pid was not reused

    def groups_of(procs: list[psutil.Process]) -> set[int]:
        groups = set()
        for proc in procs:
            with contextlib.suppress(psutil.Error, OSError):
                groups.add(os.getpgid(proc.pid))
        return {group for group in groups if group > 1 and group != own_group}

    procs = tree([root])
    groups = groups_of(procs)
    signal_all(procs, groups, signal.SIGTERM)
    deadline = time.monotonic() + grace
    # Reap the root through Popen (psutil must not reap it, or Popen loses its status).
    with contextlib.suppress(subprocess.TimeoutExpired):
        popen.wait(timeout=grace)
    others = [proc for proc in procs if proc.pid != root.pid]
    _, alive = psutil.wait_procs(others, timeout=max(0.0, deadline - time.monotonic()))
    if popen.poll() is None:
        alive.append(root)
    if not alive:
        return
    # Whatever survived, and anything it started meanwhile.
    survivors = tree(alive)
    signal_all(survivors, groups | groups_of(survivors), signal.SIGKILL)
    popen.wait()
    psutil.wait_procs([proc for proc in survivors if proc.pid != root.pid], timeout=2.0)


# --- task processes after a restart --------------------------------------------------------------


def process_record(pid: int) -> str:
    """What identifies a task process after a restart of the workspace (the engine stores it
    with the task run): its pid and its start time (pids are reused; the pair is not)."""
    started: float | None = None
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        started = psutil.Process(pid).create_time()
    except Exception:  # psutil missing, or the process already gone
        started = None
    return json.dumps({"pid": pid, "started": started})


def kill_recorded(record: str | None) -> None:
    """Kill a task process a previous server process left running (`process_record`), with its
    process group and its descendants, if it is still the same process (same start time)."""
    if not record:
        return
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        info = json.loads(record)
        pid = int(info["pid"])
        started = info.get("started")
        if started is None:
            return
        proc = psutil.Process(pid)
        if abs(proc.create_time() - float(started)) > 0.01:
            return
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pid:  # its own group (task processes start a new session)
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(psutil.Error):
            proc.kill()
    except Exception:
        return  # gone already, or not ours to kill


# --- reading the outcome -------------------------------------------------------------------------


def sql_output_of(stored: str | None) -> dict[str, Any]:
    """The SQL part of a task run's stored output (`sql_output` and SQL_ROWS), for a repair
    that reuses the task run: its rows stay readable as `{{tasks.<key>.output.rows}}`."""
    if not stored:
        return {}
    with contextlib.suppress(ValueError):
        output = json.loads(stored)
        if isinstance(output, dict):
            return {key: output[key] for key in ("sql_output", SQL_ROWS) if key in output}
    return {}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _tail(path: Path, limit: int) -> tuple[str, bool]:
    """The last `limit` bytes of a file as text, and whether anything was cut."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - limit))
            data = handle.read()
    except OSError:
        return "", False
    return data.decode("utf-8", errors="replace"), size > limit


def _head(text: str, limit: int) -> tuple[str, bool]:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", errors="ignore"), True


def _describe_exit(returncode: int | None) -> str:
    if returncode is None:  # its fork server went away before reporting it
        return "ended (its exit status is unknown)"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"


def _read_outcome(
    run_dir: Path, returncode: int | None, *, keeps_logs: bool, canceled: bool
) -> TaskOutcome:
    state = _read_json(run_dir / STATE_FILE)
    task_values = state.get("task_values", {}) if isinstance(state, dict) else {}
    # A notebook's output stays in its cells (notebook.ipynb) and in output.log.
    logs, logs_truncated = (
        _tail(run_dir / LOG_FILE, OUTPUT_LIMIT_BYTES) if keeps_logs else ("", False)
    )

    def failed(message: str, error: str | None, trace: str | None) -> TaskOutcome:
        return TaskOutcome("FAILED", message, error, trace, logs, logs_truncated, None, task_values)

    if canceled:
        return failed(CANCELED_MESSAGE, None, None)
    result = _read_json(run_dir / RESULT_FILE)
    if not isinstance(result, dict):
        # The child died without reporting (killed, os._exit, interpreter crash): the end of its
        # output is the only clue, so it becomes the trace.
        error = f"The task process {_describe_exit(returncode)} before reporting a result"
        tail, _ = _tail(run_dir / LOG_FILE, 16 * 1024)
        return failed(WORKLOAD_FAILED, error, tail or None)
    if result.get("result_state") == "SUCCESS":
        raw = result.get("notebook_result")
        notebook_result, truncated = (
            (None, False) if raw is None else _head(str(raw), OUTPUT_LIMIT_BYTES)
        )
        extra = result.get("extra_output")
        return TaskOutcome(
            "SUCCESS",
            "",
            None,
            None,
            logs,
            logs_truncated,
            notebook_result,
            task_values,
            truncated,
            extra_output=extra if isinstance(extra, dict) else {},
        )
    return failed(
        str(result.get("state_message") or WORKLOAD_FAILED),
        result.get("error"),
        result.get("error_trace"),
    )
