"""Running one task-run attempt of the local workspace in a child process.

The engine calls `start_task(invocation)` and gets a `TaskProcess` to `wait()` on or `cancel()`.
Everything the task does happens in a child process (`python -m loom_jobs_widget.local._bootstrap
RUN_DIR`, in its own session), so a crashing or hanging task never affects the server: the parent
only writes the invocation file and, once the child has exited, reads files back.

Files in the task-run folder (`run_dir`), the whole parent/child protocol:

- `invocation.json`: written by the parent before the child starts; what to run and its inputs.
  Data reaches the child only through this file, never through argv or the environment.
- `output.log`: the child's stdout and stderr (the run output's `logs` for Python files).
- `dbutils-state.json`: written by `dbutils` in the child on every change (task values, the
  `dbutils.notebook.exit` value), so values set before a crash are still there.
- `result.json`: written by the bootstrap as its last act: how the workload ended.
- `notebook.ipynb`: for `.ipynb` notebook tasks, the executed copy with its cell outputs.

`resolve_workspace_path` is the single place for the rule "workspace paths stay inside
`workspace_root`"; the server's workspace API uses it too.

POSIX only: cancellation relies on sessions and process groups.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "TaskInvocation",
    "TaskOutcome",
    "TaskProcess",
    "UnsupportedTask",
    "resolve_inside",
    "resolve_notebook_path",
    "resolve_workspace_path",
    "start_task",
]

# --- the parent/child protocol -------------------------------------------------------------------

BOOTSTRAP_MODULE = "loom_jobs_widget.local._bootstrap"
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


def _plan(invocation: TaskInvocation) -> dict[str, Any]:
    """What the child runs, decided from the settings alone (no file system access), so that
    `start_task` raises UnsupportedTask at once and everything else fails inside the run."""
    task = invocation.task
    kind = _task_type(task)
    spec = task[kind]
    if not isinstance(spec, dict):
        raise UnsupportedTask(f"{kind} of task {task.get('task_key', '?')!r} is not an object")
    if kind not in ("spark_python_task", "notebook_task"):
        raise UnsupportedTask(f"{kind} tasks are not run by the local workspace yet")
    if spec.get("source") == "GIT":
        raise UnsupportedTask(
            f"{kind} with source GIT (a file in a Git repository) is not run by the local"
            " workspace yet; use a workspace path"
        )
    if kind == "spark_python_task":
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
        return {"kind": "python_file", "path": python_file, "argv": argv, "widgets": {}}
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
    return {"kind": "notebook", "path": notebook_path, "argv": [], "widgets": widgets}


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def start_task(invocation: TaskInvocation) -> TaskProcess:
    """Start the task in a child process; raises UnsupportedTask for what cannot run locally.

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
            # DBFS lives next to the workspace in the data dir.
            "dbfs_root": str(workspace_root.parent / "dbfs"),
            "run_dir": str(run_dir.resolve()),
            "upstream_values": invocation.upstream_values,
            "context": invocation.context,
        },
    )
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"  # output.log is complete even when the task is killed
    with (run_dir / LOG_FILE).open("wb") as log:
        popen = subprocess.Popen(
            [sys.executable, "-m", BOOTSTRAP_MODULE, str(run_dir.resolve())],
            # The child starts in run_dir (nothing of the user's on sys.path while the bootstrap
            # imports) and moves to the file's folder itself.
            cwd=run_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: cancel reaches what it starts
        )
    return _ChildTask(popen, run_dir, is_notebook=plan["kind"] == "notebook")


# --- the running task ----------------------------------------------------------------------------


class _ChildTask:
    """A TaskProcess backed by the bootstrap child process."""

    def __init__(self, popen: subprocess.Popen[bytes], run_dir: Path, *, is_notebook: bool):
        self.pid = popen.pid
        self._popen = popen
        self._run_dir = run_dir
        self._is_notebook = is_notebook
        self._canceled = False
        self._lock = threading.Lock()
        self._outcome: TaskOutcome | None = None

    def wait(self, timeout: float | None = None) -> TaskOutcome | None:
        try:
            # Popen.wait blocks in waitpid, or sleeps between polls when given a timeout.
            returncode = self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        with self._lock:
            if self._outcome is None:
                self._outcome = _read_outcome(
                    self._run_dir,
                    returncode,
                    is_notebook=self._is_notebook,
                    canceled=self._canceled,
                )
            return self._outcome

    def cancel(self) -> None:
        with self._lock:
            if self._popen.poll() is not None:
                return  # it ended on its own first: that outcome stands
            self._canceled = True
        _kill_tree(self._popen, CANCEL_GRACE_SECONDS)


def _kill_tree(popen: subprocess.Popen[bytes], grace: float) -> None:
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


# --- reading the outcome -------------------------------------------------------------------------


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


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"


def _read_outcome(
    run_dir: Path, returncode: int, *, is_notebook: bool, canceled: bool
) -> TaskOutcome:
    state = _read_json(run_dir / STATE_FILE)
    task_values = state.get("task_values", {}) if isinstance(state, dict) else {}
    # runs/get-output has logs for Python files, not for notebooks (reference §1.5); a notebook's
    # output stays in its cells (notebook.ipynb) and in output.log for whoever looks.
    logs, logs_truncated = (
        ("", False) if is_notebook else _tail(run_dir / LOG_FILE, OUTPUT_LIMIT_BYTES)
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
        return TaskOutcome(
            "SUCCESS", "", None, None, logs, logs_truncated, notebook_result, task_values, truncated
        )
    return failed(
        str(result.get("state_message") or WORKLOAD_FAILED),
        result.get("error"),
        result.get("error_trace"),
    )
