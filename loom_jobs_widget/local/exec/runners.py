"""Starting one task-run attempt in a child process, and following it: the engine calls
`start_task(invocation)` (through a `TaskLauncher`) and gets a `TaskProcess` to `wait()` on or
`cancel()`.

Everything the task does happens in a child process (`python -m` the bootstrap, `RUN_DIR`, in
its own session), so a crashing or hanging task never affects the server: the parent only writes
the invocation file and, once the child has exited, reads files back (`protocol` lists them,
`outcome` reads them). A `TaskLauncher`'s warm interpreter (`forkserver`) forks that same process
in about a millisecond instead of spawning it (60-80 ms). What each task type runs is decided by
`planners` (its `PLANNERS` table, by task type key); what environment it has, by `environment`.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from loom_jobs_widget.local.exec.environment import (
    ENVIRONMENT_FILES,
    environment_files,
    task_environment,
)
from loom_jobs_widget.local.exec.forkserver import (
    GATE_FLAG,
    ForkedProcess,
    ForkServer,
    ForkServerUnavailable,
    open_gate,
)
from loom_jobs_widget.local.exec.forkserver import available as forkserver_available
from loom_jobs_widget.local.exec.outcome import read_outcome
from loom_jobs_widget.local.exec.planners import plan as task_plan
from loom_jobs_widget.local.exec.processes import ChildProcess, kill_tree
from loom_jobs_widget.local.exec.protocol import (
    BOOTSTRAP_MODULE,
    CANCEL_GRACE_SECONDS,
    INVOCATION_FILE,
    LOG_FILE,
    RESULT_FILE,
    STATE_FILE,
    TaskInvocation,
    TaskOutcome,
    TaskProcess,
)
from loom_jobs_widget.local.exec.spark_submit import submit_variable
from loom_jobs_widget.local.exec.warehouse import warehouse_path

__all__ = ["TaskLauncher", "start_task"]


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def start_task(
    invocation: TaskInvocation, forks: ForkServer | None = None, spark: Path | None = None
) -> TaskProcess:
    """Start the task in a child process; raises UnsupportedTask for what cannot run locally.

    With `forks` the child is forked by that warm task interpreter (`forkserver`), else (or
    when it cannot take the task) spawned as `python -m loom_jobs_widget.local.exec.bootstrap`:
    the same process either way, only started faster.

    `spark` is the workspace's Spark folder (`local.services.spark`), None when it runs no
    Spark. Missing files, path escapes and the like are not raised here: they fail the run, with
    the reason in its output, as they would on Databricks.
    """
    plan = task_plan(invocation)
    # Only what `environment` allows reaches the task: never the server's own credentials.
    env = task_environment(invocation)
    workspace_root = invocation.workspace_root.resolve()
    # A spark_submit_task's confs and py-files, which its Python file's run does not carry.
    env.update(submit_variable(plan, workspace_root))
    run_dir = invocation.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    if any((run_dir / name).exists() for name in (INVOCATION_FILE, RESULT_FILE, STATE_FILE)):
        raise ValueError(f"run_dir {run_dir} was used before: each attempt needs a fresh folder")
    _write_json_atomic(
        run_dir / INVOCATION_FILE,
        {
            **plan,
            "task_key": invocation.task.get("task_key"),
            "workspace_root": str(workspace_root),
            # DBFS and the SQL warehouse live next to the workspace in the data dir.
            "dbfs_root": str(workspace_root.parent / "dbfs"),
            "warehouse": str(warehouse_path(workspace_root)),
            "spark": None if spark is None else str(spark.resolve()),
            "run_dir": str(run_dir.resolve()),
            "upstream_values": invocation.upstream_values,
            "context": invocation.context,
            ENVIRONMENT_FILES: environment_files(invocation),
        },
    )
    process: ChildProcess | None = None
    with (run_dir / LOG_FILE).open("wb") as log:
        if forks is not None:
            with contextlib.suppress(ForkServerUnavailable):
                process = forks.start_child(
                    run_dir.resolve(), log.fileno(), env, invocation.on_start
                )
        if process is None:
            process = _spawn(run_dir, log.fileno(), env, invocation.on_start)
    # runs/get-output has logs for Python files, wheels and jars, not for notebooks or SQL (as
    # on a workspace); their output stays in output.log for whoever looks.
    return _ChildTask(process, run_dir, keeps_logs=plan["kind"] not in ("notebook", "sql"))


def _spawn(
    run_dir: Path, log: int, env: dict[str, str], on_start: Callable[[int], None] | None
) -> subprocess.Popen[bytes]:
    """The bootstrap as a fresh interpreter. Like a forked task process, it waits at its start
    gate until `on_start(pid)` has returned: a task process the server dies before recording
    would be one that the next start of the workspace cannot find (and kill), so it must not
    have run anything. If `on_start` raises, the process is killed, having run nothing."""
    gate_read, gate = os.pipe()
    try:
        try:
            popen = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    BOOTSTRAP_MODULE,
                    GATE_FLAG,
                    str(gate_read),
                    str(run_dir.resolve()),
                ],
                # The child starts in run_dir (nothing of the user's on sys.path while the
                # bootstrap imports) and moves to the file's folder itself.
                cwd=run_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                pass_fds=[gate_read],
                start_new_session=True,  # its own process group: cancel reaches what it starts
            )
        finally:
            os.close(gate_read)  # the child's now: its gate reads end of file once `gate` closes
        if on_start is not None:
            try:
                on_start(popen.pid)
            except BaseException:
                kill_tree(popen, 0.0)  # a task nobody follows must not run (nor stay a zombie)
                raise
        open_gate(gate)
    finally:
        os.close(gate)  # without "go": the process exits at its gate, running nothing
    return popen


class TaskLauncher:
    """What the engine starts tasks with: `start_task` through one fork server (started at the
    first task), which `stop()` ends, with whatever it still runs."""

    def __init__(self, folder: Path, *, fork: bool = True, spark: Path | None = None) -> None:
        self._forks = ForkServer(folder) if fork and forkserver_available() else None
        self._spark = spark

    @property
    def fork_server_pid(self) -> int | None:
        return self._forks.pid if self._forks is not None else None

    def start(self, invocation: TaskInvocation) -> TaskProcess:
        return start_task(invocation, self._forks, self._spark)

    def stop(self) -> None:
        if self._forks is not None:
            self._forks.stop()


# --- the running task ----------------------------------------------------------------------------


class _ChildTask:
    """A TaskProcess backed by the bootstrap child process."""

    def __init__(self, popen: ChildProcess, run_dir: Path, *, keeps_logs: bool):
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
                self._outcome = read_outcome(
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
        kill_tree(self._popen, CANCEL_GRACE_SECONDS)
