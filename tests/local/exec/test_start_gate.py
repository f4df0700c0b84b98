"""The start gate of a task process: it runs nothing of the task until the server has recorded
it (the engine stores its pid and start, for the next start of the workspace to find and kill
it after a crash). A forked task process waits at the gate the fork server gives it; a spawned
one (no fork server, or a task whose interpreter start-up variables differ) at the gate the
runner gives it. Without the gate, a server killed between starting the process and recording
it leaves a task running that no restart can find.

test_forkserver.py checks the forked gate with a slow and a failing record; here the spawned one
gets the same checks, and both face a server that dies while it records.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import psutil
import pytest

from loom_jobs_widget.local.exec import TaskInvocation, TaskLauncher

from ..helpers import wait_for

WAIT: Final = 60.0


def gone(pid: int) -> bool:
    """Whether the process has ended (a zombie has: only its exit status is left)."""
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def invocation(
    workspace: Path, run_dir: Path, script: str, on_start: Callable[[int], None] | None
) -> TaskInvocation:
    return TaskInvocation(
        task={"task_key": "t", "spark_python_task": {"python_file": script}},
        job_parameters={},
        workspace_root=workspace,
        run_dir=run_dir,
        upstream_values={},
        context={"run_id": 1},
        on_start=on_start,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    (root / "Shared").mkdir(parents=True)
    return root


def marker_script(workspace: Path, started: Path, recorded: Path) -> str:
    """A task that writes, to `started`, whether `recorded` existed when it ran."""
    (workspace / "Shared" / "check.py").write_text(
        f"import pathlib\npathlib.Path({str(started)!r}).write_text("
        f"str(pathlib.Path({str(recorded)!r}).exists()))\n",
        encoding="utf-8",
    )
    return "/Shared/check.py"


def test_a_spawned_task_runs_nothing_before_its_process_is_recorded(
    tmp_path: Path, workspace: Path
) -> None:
    started, recorded = tmp_path / "started", tmp_path / "recorded"
    script = marker_script(workspace, started, recorded)
    launcher = TaskLauncher(tmp_path / "fork-server", fork=False)  # every task spawned
    seen: list[int] = []

    def record(pid: int) -> None:
        seen.append(pid)
        time.sleep(0.5)  # a slow record; a spawned interpreter reaches user code in ~0.1 s
        recorded.write_text("yes")

    try:
        process = launcher.start(invocation(workspace, tmp_path / "run1", script, record))
        outcome = process.wait(WAIT)
        assert outcome is not None and outcome.result_state == "SUCCESS", outcome
        assert seen == [process.pid]
        assert started.read_text() == "True"
    finally:
        launcher.stop()


def test_a_spawned_task_whose_record_fails_runs_nothing(tmp_path: Path, workspace: Path) -> None:
    started, recorded = tmp_path / "started", tmp_path / "recorded"
    script = marker_script(workspace, started, recorded)
    launcher = TaskLauncher(tmp_path / "fork-server", fork=False)
    seen: list[int] = []

    def fail(pid: int) -> None:
        seen.append(pid)
        time.sleep(0.5)  # time enough for an ungated process to run the task
        raise RuntimeError("the store is gone")

    try:
        with pytest.raises(RuntimeError, match="the store is gone"):
            launcher.start(invocation(workspace, tmp_path / "run1", script, fail))
        wait_for(lambda: gone(seen[0]), timeout=WAIT)
        assert not started.exists()
        assert not (tmp_path / "run1" / "result.json").exists()
    finally:
        launcher.stop()


#: A server that starts one task and is SIGKILLed while it records the task's process (after
#: noting its pid): argv is the workspace, the run folder, the pid file, "fork" or "spawn", and
#: the fork server's folder.
_DYING_SERVER: Final = """\
import os, signal, sys
from pathlib import Path
from loom_jobs_widget.local.exec import TaskInvocation, TaskLauncher

workspace, run_dir, pid_file, how, folder = sys.argv[1:6]

def record(pid):
    Path(pid_file).write_text(str(pid))
    os.kill(os.getpid(), signal.SIGKILL)

TaskLauncher(Path(folder), fork=how == "fork").start(
    TaskInvocation(
        task={"task_key": "t", "spark_python_task": {"python_file": "/Shared/check.py"}},
        job_parameters={},
        workspace_root=Path(workspace),
        run_dir=Path(run_dir),
        upstream_values={},
        context={"run_id": 1},
        on_start=record,
    )
)
"""


@pytest.mark.parametrize("how", ["spawn", "fork"])
def test_a_task_whose_server_dies_while_recording_it_runs_nothing(
    tmp_path: Path, workspace: Path, how: str
) -> None:
    started, recorded = tmp_path / "started", tmp_path / "recorded"
    marker_script(workspace, started, recorded)
    pid_file, run_dir = tmp_path / "task.pid", tmp_path / "run1"
    arguments = [str(workspace), str(run_dir), str(pid_file), how, str(tmp_path / "fork-server")]
    server = subprocess.run(
        [sys.executable, "-c", _DYING_SERVER, *arguments],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=WAIT,
        check=False,
    )
    assert server.returncode == -9, server.stderr.decode()
    task_pid = int(pid_file.read_text())
    wait_for(lambda: gone(task_pid), timeout=WAIT)  # it exits at its gate by itself
    assert not started.exists()
    assert not (run_dir / "result.json").exists()
    assert "Traceback" not in (run_dir / "output.log").read_text(encoding="utf-8")


_FDS: Final = """\
import json, os, sys
pipes = []
for name in os.listdir("/proc/self/fd"):
    try:
        target = os.readlink(f"/proc/self/fd/{name}")
    except OSError:
        continue
    if target.startswith("pipe:"):
        pipes.append(int(name))
json.dump(pipes, open(sys.argv[1], "w"))
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="descriptors are listed in /proc")
@pytest.mark.parametrize("fork", [False, True], ids=["spawn", "fork"])
def test_the_gate_is_closed_before_the_task_runs(
    tmp_path: Path, workspace: Path, fork: bool
) -> None:
    (workspace / "Shared" / "fds.py").write_text(_FDS, encoding="utf-8")
    out = tmp_path / "pipes.json"
    launcher = TaskLauncher(tmp_path / "fork-server", fork=fork)
    task = {
        "task_key": "t",
        "spark_python_task": {"python_file": "/Shared/fds.py", "parameters": [str(out)]},
    }
    try:
        process = launcher.start(
            TaskInvocation(
                task=task,
                job_parameters={},
                workspace_root=workspace,
                run_dir=tmp_path / "run1",
                upstream_values={},
                context={"run_id": 1},
                on_start=lambda pid: None,
            )
        )
        outcome = process.wait(WAIT)
        assert outcome is not None and outcome.result_state == "SUCCESS", outcome
        assert json.loads(out.read_text()) == []
    finally:
        launcher.stop()
