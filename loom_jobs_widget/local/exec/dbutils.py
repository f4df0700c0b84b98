"""`dbutils` for tasks run by the local workspace.

The subset of Databricks' notebook utilities that local tasks use: `widgets`, `jobs.taskValues`,
`notebook.exit` / `notebook.run` and `fs` basics. It lives inside the task's own process (the
bootstrap for Python files and source-format notebooks, the kernel for `.ipynb` notebooks) and is
built from the invocation file of the task-run folder by `load(run_dir)`.

What the run must report (task values, the exit value) is written to the task-run folder at once,
atomically, because the process that sets it (a kernel) is not the one that reports it, and a task
that crashes later keeps what it had set.

The `fs` path checks keep paths where Databricks would put them and catch mistakes; they are not
a sandbox: task code is arbitrary Python running as the user.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from loom_jobs_widget.local.exec.paths import resolve_inside, resolve_workspace_path
from loom_jobs_widget.local.exec.protocol import (
    BOOTSTRAP_MODULE,
    CHILD_RUNS_FOLDER,
    INVOCATION_FILE,
    LOG_FILE,
    RESULT_FILE,
    STATE_FILE,
)

__all__ = [
    "WORKFLOW_END_FILE",
    "WORKFLOW_RUN_FILE",
    "DBUtils",
    "FileInfo",
    "FsUtils",
    "InputWidgetNotDefined",
    "JobsUtils",
    "NotebookExit",
    "NotebookUtils",
    "TaskValuesUtils",
    "WidgetsUtils",
    "WorkflowException",
    "install_in_ipython",
    "load",
    "read_json_object",
]

#: In a `dbutils.notebook.run` child's folder, written by the caller once the child's process has
#: ended (however it ended): `{"returncode": int | None, "timed_out": bool, "timeout_seconds":
#: int}`. The engine ends the child's run when it appears.
WORKFLOW_END_FILE = "workflow-end.json"
#: In the same folder, written by the engine once it recorded the child as a run of its own:
#: `{"run_id": int}`, so the caller can name that run.
WORKFLOW_RUN_FILE = "workflow-run.json"

#: The largest JSON encoding of one task value (Jobs docs: task values).
_TASK_VALUE_LIMIT_BYTES = 48 * 1024


class InputWidgetNotDefined(Exception):
    """`dbutils.widgets.get` of a widget that neither exists nor was passed as a parameter."""


class NotebookExit(Exception):
    """Raised by `dbutils.notebook.exit` to end the notebook successfully.

    An Exception, as on Databricks: a bare `except Exception:` around `exit()` swallows it there
    too, and a notebook written locally should behave the same when deployed.
    """

    def __init__(self, value: str):
        super().__init__(value)
        self.value = value


class WorkflowException(Exception):
    """`dbutils.notebook.run` of a notebook that failed, or did not end within its timeout.
    (Databricks raises a py4j-wrapped `com.databricks.WorkflowException` in both cases; its
    exact text is not documented.)"""


class _State:
    """What the task reports, persisted in the task-run folder on every change."""

    def __init__(self, path: Path):
        self._path = path
        self.task_values: dict[str, Any] = {}
        self.exit_value: str | None = None

    def save(self) -> None:
        _write_json(self._path, {"task_values": self.task_values, "exit_value": self.exit_value})


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in `path`; {} when it is missing or not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")
    return value


# --- widgets -------------------------------------------------------------------------------------


class WidgetsUtils:
    """Notebook widgets. In a job run their values come from the task's parameters (job
    parameters over base_parameters); a declared widget without one keeps its default."""

    def __init__(self, parameters: dict[str, str]):
        self._parameters = dict(parameters)
        self._widgets: dict[str, str] = {}

    def _declare(self, name: Any, default_value: Any) -> None:
        name = _text(name, "Widget name")
        # Values are strings on Databricks; a number given as default is taken as its text.
        self._widgets[name] = self._parameters.get(name, str(default_value))

    def text(self, name: str, defaultValue: str, label: str | None = None) -> None:
        self._declare(name, defaultValue)

    def dropdown(
        self,
        name: str,
        defaultValue: str,
        choices: list[str],
        label: str | None = None,
    ) -> None:
        if str(defaultValue) not in [str(choice) for choice in choices]:
            raise ValueError(f"Default value {defaultValue!r} of widget {name!r} is not a choice")
        self._declare(name, defaultValue)

    def combobox(
        self,
        name: str,
        defaultValue: str,
        choices: list[str],
        label: str | None = None,
    ) -> None:
        self._declare(name, defaultValue)

    def multiselect(
        self,
        name: str,
        defaultValue: str,
        choices: list[str],
        label: str | None = None,
    ) -> None:
        # The value of a multiselect is its selected choices joined by commas.
        wanted = [part for part in str(defaultValue).split(",") if part]
        known = [str(choice) for choice in choices]
        missing = [part for part in wanted if part not in known]
        if missing:
            raise ValueError(f"Default value {missing[0]!r} of widget {name!r} is not a choice")
        self._declare(name, defaultValue)

    def get(self, name: str) -> str:
        name = _text(name, "Widget name")
        if name in self._widgets:
            return self._widgets[name]
        # In a job run a parameter is readable without declaring its widget first.
        if name in self._parameters:
            return self._parameters[name]
        raise InputWidgetNotDefined(f"No input widget named {name} is defined")

    def getArgument(self, name: str, optional: str | None = None) -> str | None:
        """Deprecated on Databricks; kept because old notebooks still call it."""
        try:
            return self.get(name)
        except InputWidgetNotDefined:
            return optional

    def getAll(self) -> dict[str, str]:
        return {**self._parameters, **self._widgets}

    def remove(self, name: str) -> None:
        if self._widgets.pop(_text(name, "Widget name"), None) is None:
            raise InputWidgetNotDefined(f"No input widget named {name} is defined")

    def removeAll(self) -> None:
        self._widgets.clear()

    @contextlib.contextmanager
    def values_for_run(self, values: Mapping[str, str]) -> Iterator[None]:
        """While a `%run` notebook runs: `values` (its `$name="value"` arguments) are the
        values of its widgets; the caller's widgets are back afterwards."""
        saved = dict(self._parameters), dict(self._widgets)
        self._parameters.update(values)
        self._widgets.update({name: value for name, value in values.items()})
        try:
            yield
        finally:
            self._parameters, self._widgets = saved


# --- jobs.taskValues -----------------------------------------------------------------------------


class TaskValuesUtils:
    def __init__(self, state: _State, upstream: dict[str, dict[str, Any]]):
        self._state = state
        self._upstream = upstream

    def set(self, key: str, value: Any) -> None:
        key = _text(key, "Task value key")
        try:
            encoded = json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"Task value {key!r} must be JSON-serialisable: {exc}") from None
        size = len(encoded.encode("utf-8"))
        if size > _TASK_VALUE_LIMIT_BYTES:
            raise ValueError(
                f"Task value {key!r} is {size} bytes as JSON; the limit is 48 KiB"
                f" ({_TASK_VALUE_LIMIT_BYTES} bytes)"
            )
        # Stored as decoded JSON so that get() downstream sees what JSON gives, as on Databricks.
        self._state.task_values[key] = json.loads(encoded)
        self._state.save()

    def get(
        self,
        taskKey: str,
        key: str,
        default: Any = None,
        debugValue: Any = None,
    ) -> Any:
        # debugValue only matters outside a job run; a local task always runs in one.
        if taskKey not in self._upstream:
            raise ValueError(
                f"Task {taskKey!r} is not an upstream task of this task (upstream tasks:"
                f" {', '.join(sorted(self._upstream)) or 'none'})"
            )
        values = self._upstream[taskKey]
        if key in values:
            return values[key]
        if default is not None:
            return default
        raise ValueError(f"Task {taskKey!r} set no task value {key!r}, and no default was given")


class JobsUtils:
    def __init__(self, task_values: TaskValuesUtils):
        self.taskValues = task_values


# --- notebook ------------------------------------------------------------------------------------


class NotebookUtils:
    def __init__(self, state: _State, invocation: Mapping[str, Any]):
        self._state = state
        self._invocation = invocation
        self._children = 0

    def run(
        self, path: str, timeout_seconds: int = 0, arguments: Mapping[str, Any] | None = None
    ) -> str:
        """Runs the notebook `path` (relative to this one, or absolute) in a context of its own,
        with its widgets set from `arguments`, and returns its `dbutils.notebook.exit` value.

        Databricks starts an ephemeral job run for it (run_type WORKFLOW_RUN). Locally it is a
        child process of this task (a cancel ends it too) with its own task-run folder under
        this one's `notebook-runs/`, which the engine records as a WORKFLOW_RUN run of its own
        (`engine.workflow_runs`). `timeout_seconds` 0 waits for as long as it takes; otherwise
        the child is stopped then and WorkflowException raised.
        """
        notebook = _text(path, "Notebook path")
        current = str(self._invocation.get("path") or "/")
        if not notebook.startswith("/"):
            notebook = posixpath.normpath(posixpath.join(posixpath.dirname(current), notebook))
        values = {str(k): str(v) for k, v in (arguments or {}).items()}
        self._children += 1
        run_dir = Path(self._invocation["run_dir"]) / CHILD_RUNS_FOLDER / str(self._children)
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / INVOCATION_FILE).write_text(
            json.dumps(
                {
                    **self._invocation,
                    "kind": "notebook",
                    "path": notebook,
                    "widgets": values,
                    "run_dir": str(run_dir),
                    "argv": [],
                }
            ),
            encoding="utf-8",
        )
        sys.stdout.flush()
        with (run_dir / LOG_FILE).open("wb") as log:
            child = subprocess.Popen(
                [sys.executable, "-m", BOOTSTRAP_MODULE, str(run_dir)],
                cwd=run_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        timed_out = False
        try:
            child.wait(timeout=timeout_seconds if timeout_seconds and timeout_seconds > 0 else None)
        except subprocess.TimeoutExpired:
            timed_out = True
            # SIGTERM first: a .ipynb child shuts its kernel down on it.
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=2)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        finally:
            if child.poll() is None:  # interrupted while waiting: the child must not outlive it
                child.kill()
                child.wait()
            _write_json(
                run_dir / WORKFLOW_END_FILE,
                {
                    "returncode": child.returncode,
                    "timed_out": timed_out,
                    "timeout_seconds": timeout_seconds,
                },
            )
        run = read_json_object(run_dir / WORKFLOW_RUN_FILE).get("run_id")
        named = f"run {run}" if run is not None else f"folder {run_dir}"
        if timed_out:
            print(f"Notebook run {notebook}: TIMEDOUT ({named})")
            raise WorkflowException(
                f"Notebook {notebook} timed out after {timeout_seconds} seconds"
            ) from None
        result = read_json_object(run_dir / RESULT_FILE) or {
            "result_state": "FAILED",
            "error": "the notebook's process crashed",
        }
        print(f"Notebook run {notebook}: {result.get('result_state')} ({named})")
        if result.get("result_state") != "SUCCESS":
            raise WorkflowException(f"Notebook {notebook} failed: {result.get('error')}")
        exit_value = result.get("notebook_result")
        return "" if exit_value is None else str(exit_value)

    def exit(self, value: Any) -> None:
        """End the notebook successfully; `value` (as text) becomes the run's notebook result."""
        text = "" if value is None else str(value)
        self._state.exit_value = text
        self._state.save()
        raise NotebookExit(text)


# --- fs ------------------------------------------------------------------------------------------


class FileInfo(NamedTuple):
    path: str
    name: str
    size: int
    modificationTime: int


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class FsUtils:
    """`dbfs:/...` paths (and bare `/...`, which dbutils.fs takes as DBFS) under the local DBFS
    folder; `file:/Workspace/...` under the workspace. Nothing else is reachable."""

    def __init__(self, dbfs_root: Path, workspace_root: Path):
        self._dbfs_root = dbfs_root
        self._workspace_root = workspace_root

    def _local(self, path: Any) -> tuple[Path, str, Path]:
        """The local path, and the prefix and root to show listed entries in the user's scheme."""
        path = _text(path, "Path")
        match = _SCHEME.match(path)
        scheme = match.group(1).lower() if match else "dbfs"
        rest = path[match.end() :] if match else path
        # A Unity Catalog volume (`/Volumes/...`, also as `dbfs:/Volumes/...`) is the data
        # folder's `volumes/`, as for Spark and file-arrival triggers.
        if scheme == "dbfs" and re.match(r"^/*Volumes/", rest):
            volumes = self._dbfs_root.parent / "volumes"
            local = resolve_inside(volumes, rest.lstrip("/")[len("Volumes") :], shown=path,
                                   area="volumes")  # fmt: skip
            return local, "/Volumes/", volumes
        if scheme == "dbfs":
            local = resolve_inside(self._dbfs_root, rest, shown=path, area="DBFS")
            return local, "dbfs:/", self._dbfs_root
        if scheme == "file" and re.match(r"^/*Workspace(/|$)", rest):
            rest = "/" + rest.lstrip("/")
            local = resolve_workspace_path(self._workspace_root, rest)
            return local, "file:/Workspace/", self._workspace_root
        raise ValueError(
            f"Path {path!r} is not available locally: the local workspace has dbfs:/ paths and"
            " file:/Workspace/... paths only"
        )

    @staticmethod
    def _shown(prefix: str, root: Path, local: Path) -> str:
        return prefix + local.relative_to(root.resolve()).as_posix()

    def _existing(self, path: str) -> tuple[Path, str, Path]:
        local, prefix, root = self._local(path)
        if not local.exists():
            raise FileNotFoundError(f"File {path} does not exist.")
        return local, prefix, root

    def _refuse_root(self, local: Path, path: str, action: str) -> None:
        if local in (self._dbfs_root.resolve(), self._workspace_root.resolve()):
            raise ValueError(f"Refusing to {action} {path}: it is the root of its file system")

    def ls(self, dir: str) -> list[FileInfo]:
        local, prefix, root = self._local(dir)
        if local == root.resolve() and not local.exists():
            return []  # the DBFS root always exists; its folder is made on first write
        if not local.exists():
            raise FileNotFoundError(f"File {dir} does not exist.")
        entries = sorted(local.iterdir()) if local.is_dir() else [local]
        infos = []
        for entry in entries:
            stat = entry.stat()
            is_dir = entry.is_dir()
            shown = self._shown(prefix, root, entry)
            infos.append(
                FileInfo(
                    path=shown + ("/" if is_dir else ""),
                    name=entry.name + ("/" if is_dir else ""),
                    size=0 if is_dir else stat.st_size,
                    modificationTime=int(stat.st_mtime * 1000),
                )
            )
        return infos

    def head(self, file: str, maxBytes: int = 65536) -> str:
        local, _, _ = self._existing(file)
        if local.is_dir():
            raise IsADirectoryError(f"{file} is a directory")
        with local.open("rb") as handle:
            return handle.read(maxBytes).decode("utf-8", errors="replace")

    def put(self, file: str, contents: str, overwrite: bool = False) -> bool:
        local, _, _ = self._local(file)
        if local.exists() and not overwrite:
            raise FileExistsError(f"{file} already exists; pass overwrite=True to replace it")
        if local.is_dir():
            raise IsADirectoryError(f"{file} is a directory")
        local.parent.mkdir(parents=True, exist_ok=True)
        data = _text(contents, "Contents").encode("utf-8")
        local.write_bytes(data)
        print(f"Wrote {len(data)} bytes.")
        return True

    def mkdirs(self, dir: str) -> bool:
        local, _, _ = self._local(dir)
        local.mkdir(parents=True, exist_ok=True)
        return True

    def _transfer(self, source: str, target: str, recurse: bool, *, move: bool) -> bool:
        src, _, _ = self._existing(source)
        dst, _, _ = self._local(target)
        if src.is_dir() and not recurse:
            raise IsADirectoryError(f"{source} is a directory; pass recurse=True")
        if move:
            self._refuse_root(src, source, "move")
        if dst.is_dir() and not src.is_dir():
            dst = dst / src.name  # a file into an existing folder keeps its name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if move:
            shutil.move(src, dst)
        elif src.is_dir():
            # Links are copied as links, so a link inside the tree is not followed out of it.
            shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)
        return True

    def cp(self, from_: str, to: str, recurse: bool = False) -> bool:
        return self._transfer(from_, to, recurse, move=False)

    def mv(self, from_: str, to: str, recurse: bool = False) -> bool:
        return self._transfer(from_, to, recurse, move=True)

    def rm(self, dir: str, recurse: bool = False) -> bool:
        local, _, _ = self._local(dir)
        if not local.exists() and not local.is_symlink():
            return False
        self._refuse_root(local, dir, "remove")
        if local.is_dir() and not local.is_symlink():
            if recurse:
                shutil.rmtree(local)
            elif any(local.iterdir()):
                raise OSError(f"{dir} is a non-empty directory; pass recurse=True")
            else:
                local.rmdir()
        else:
            local.unlink()
        return True


# --- the object tasks see ------------------------------------------------------------------------


class DBUtils:
    """What a task sees as `dbutils`."""

    def __init__(
        self,
        *,
        run_dir: Path,
        widget_parameters: dict[str, str],
        upstream_values: dict[str, dict[str, Any]],
        dbfs_root: Path,
        workspace_root: Path,
        invocation: Mapping[str, Any] | None = None,
    ):
        state = _State(run_dir / STATE_FILE)
        self._state = state
        self.widgets = WidgetsUtils(widget_parameters)
        self.jobs = JobsUtils(TaskValuesUtils(state, upstream_values))
        self.notebook = NotebookUtils(state, invocation or {"run_dir": str(run_dir)})
        self.fs = FsUtils(dbfs_root, workspace_root)

    def __repr__(self) -> str:
        return "<dbutils of the loom local workspace: widgets, jobs.taskValues, notebook, fs>"


def load(run_dir: Path | str) -> DBUtils:
    """The `dbutils` of the task run whose folder is `run_dir` (from its invocation file)."""
    run_dir = Path(run_dir)
    invocation = json.loads((run_dir / INVOCATION_FILE).read_text(encoding="utf-8"))
    return DBUtils(
        run_dir=run_dir,
        widget_parameters=invocation.get("widgets", {}),
        upstream_values=invocation.get("upstream_values", {}),
        dbfs_root=Path(invocation["dbfs_root"]),
        workspace_root=Path(invocation["workspace_root"]),
        invocation=invocation,
    )


def install_in_ipython(run_dir: Path | str) -> DBUtils:
    """`load`, plus: the running IPython shows `dbutils.notebook.exit` as Databricks does
    ("Notebook exited: ...") instead of a traceback. The cell still ends in error, which is how
    the runner learns that the notebook stopped there."""
    from IPython import get_ipython

    dbutils = load(run_dir)
    shell = get_ipython()
    if shell is not None:

        def show_exit(
            self: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None
        ) -> None:
            print(f"Notebook exited: {getattr(value, 'value', '')}")

        shell.set_custom_exc((NotebookExit,), show_exit)
    return dbutils
