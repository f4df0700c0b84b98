"""The warm task interpreter: tasks forked by the workspace's fork server are still one process
each, see the variables of the workspace's environment of the moment that tasks may see (what
they may see is test_task_environment.py's), and nothing outlives the workspace.

The runner-level behaviour (logs, results, task values, cancel, timeouts, every task type) is
checked for forked and spawned tasks alike by test_runners.py; these tests look at processes.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.exec import TaskInvocation, TaskLauncher, forkserver

from ..helpers import client, create_job, python_task, run_now, wait_for, wait_run, write

WAIT = 60.0

REPORT = """\
import json, os, random, sys
json.dump(
    {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "sid": os.getsid(0),
        "cwd": os.getcwd(),
        "path0": sys.path[0],
        "argv": sys.argv,
        "env": os.environ.get("TZ"),
        "random": random.random(),
    },
    open(sys.argv[1], "w"),
)
"""


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def report_job(
    lw: LocalWorkspace, tmp_path: Path, name: str, count: int = 1
) -> tuple[int, list[Path]]:
    """A job of `count` tasks, each writing what its process looks like to its own file."""
    script = write(lw, f"Shared/fork/{name}.py", REPORT)
    outs = [tmp_path / f"{name}-{number}.json" for number in range(count)]
    tasks = [
        {
            "task_key": f"t{number}",
            "spark_python_task": {"python_file": script, "parameters": [str(out)]},
        }
        for number, out in enumerate(outs)
    ]
    return create_job(client(lw), {"name": name, "tasks": tasks, "max_concurrent_runs": 1}), outs


def run_and_read(lw: LocalWorkspace, job_id: int, outs: list[Path]) -> list[dict[str, Any]]:
    w = client(lw)
    run = wait_run(w, run_now(w, job_id), timeout=WAIT)
    assert run["state"]["result_state"] == "SUCCESS", run["state"]
    return [json.loads(out.read_text(encoding="utf-8")) for out in outs]


def test_each_task_is_its_own_forked_process_as_a_spawned_one_would_be(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lw = make_workspace()
    job_id, outs = report_job(lw, tmp_path, "own", count=2)
    monkeypatch.setenv("TZ", "Europe/Amsterdam")  # a variable tasks keep
    first, second = run_and_read(lw, job_id, outs)
    zygote = lw.fork_server_pid
    assert zygote is not None and zygote != os.getpid()
    for seen in (first, second):
        assert seen["ppid"] == zygote  # forked, not spawned
        assert seen["pid"] not in (zygote, os.getpid())
        assert seen["sid"] == seen["pid"]  # a session (and process group) of its own
        folder = str((lw.workspace_root / "Shared" / "fork").resolve())
        assert seen["cwd"] == folder and seen["path0"] == folder
        assert seen["argv"][0].endswith("own.py")
        assert seen["env"] == "Europe/Amsterdam"
    assert first["pid"] != second["pid"]
    assert first["random"] != second["random"]  # random reseeds in every fork
    # The environment is the workspace's at each task's start, as it was for spawned tasks.
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert {seen["env"] for seen in run_and_read(lw, job_id, outs)} == {"Asia/Tokyo"}
    assert lw.fork_server_pid == zygote


def test_a_change_to_the_interpreters_start_up_variables_spawns_the_task(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lw = make_workspace()
    job_id, outs = report_job(lw, tmp_path, "startup")
    (forked,) = run_and_read(lw, job_id, outs)
    assert forked["ppid"] == lw.fork_server_pid
    # A fork cannot honour PYTHON* variables read at interpreter start: spawned, as before.
    monkeypatch.setenv("PYTHONLOOMFORKTEST", "1")
    (spawned,) = run_and_read(lw, job_id, outs)
    assert spawned["ppid"] == os.getpid()


def test_a_killed_fork_server_is_replaced_at_the_next_task(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path
) -> None:
    lw = make_workspace()
    job_id, outs = report_job(lw, tmp_path, "replaced")
    run_and_read(lw, job_id, outs)
    first = lw.fork_server_pid
    assert first is not None
    os.kill(first, signal.SIGKILL)  # by its pid: the test's own child's child
    wait_for(lambda: lw.fork_server_pid is None, timeout=WAIT)
    (seen,) = run_and_read(lw, job_id, outs)
    assert lw.fork_server_pid not in (None, first)
    assert seen["ppid"] == lw.fork_server_pid


def test_stopping_the_workspace_leaves_no_process_behind(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path
) -> None:
    lw = make_workspace()
    w = client(lw)
    pids = tmp_path / "pids.json"
    # A task that starts a process of its own and then waits: both must go with the workspace.
    script = write(
        lw,
        "Shared/fork/linger.py",
        "import json, os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"json.dump([os.getpid(), child.pid], open({str(pids)!r} + '.tmp', 'w'))\n"
        f"os.replace({str(pids)!r} + '.tmp', {str(pids)!r})\n"
        "time.sleep(600)\n",
    )
    job_id = create_job(w, {"name": "linger", "tasks": [python_task("linger", script)]})
    run_now(w, job_id)
    wait_for(pids.exists, timeout=WAIT)
    task_pid, grandchild_pid = json.loads(pids.read_text(encoding="utf-8"))
    zygote = lw.fork_server_pid
    assert zygote is not None
    ours = {proc.pid for proc in psutil.Process().children(recursive=True)}
    assert {zygote, task_pid, grandchild_pid} <= ours
    lw.stop()
    for pid in (zygote, task_pid, grandchild_pid):
        wait_for(lambda pid=pid: gone(pid), timeout=WAIT)
    left = {proc.pid for proc in psutil.Process().children(recursive=True)}
    assert not left & {zygote, task_pid, grandchild_pid}
    assert lw.fork_server_pid is None


def invocation(
    workspace: Path, run_dir: Path, script: str, on_start: Callable[[int], None]
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


def test_a_forked_task_runs_nothing_before_its_process_is_recorded(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    marker = tmp_path / "recorded"
    started = tmp_path / "started"
    (workspace / "Shared").mkdir(parents=True)
    (workspace / "Shared" / "check.py").write_text(
        f"import pathlib\npathlib.Path({str(started)!r}).write_text("
        f"str(pathlib.Path({str(marker)!r}).exists()))\n",
        encoding="utf-8",
    )
    launcher = TaskLauncher(tmp_path / "fork-server")
    seen: list[int] = []

    def record(pid: int) -> None:
        seen.append(pid)
        time.sleep(0.3)  # a slow record: the task must still not start before it is done
        marker.write_text("yes")

    try:
        process = launcher.start(
            invocation(workspace, tmp_path / "run1", "/Shared/check.py", record)
        )
        outcome = process.wait(WAIT)
        assert outcome is not None and outcome.result_state == "SUCCESS"
        assert seen == [process.pid] and process.pid != launcher.fork_server_pid
        assert started.read_text() == "True"

        # A record that fails: the task process ends without running the task.
        started.unlink()

        def fail(pid: int) -> None:
            seen.append(pid)
            raise RuntimeError("the store is gone")

        with pytest.raises(RuntimeError, match="the store is gone"):
            launcher.start(invocation(workspace, tmp_path / "run2", "/Shared/check.py", fail))
        wait_for(lambda: gone(seen[-1]), timeout=WAIT)
        assert not started.exists()
    finally:
        launcher.stop()


def test_a_hung_fork_server_is_given_up_and_the_task_spawned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "Shared").mkdir(parents=True)
    (workspace / "Shared" / "who.py").write_text(
        "import os\nprint(os.getppid())\n", encoding="utf-8"
    )
    launcher = TaskLauncher(tmp_path / "fork-server")
    pids: list[int] = []

    def run(number: int) -> int:
        process = launcher.start(
            invocation(workspace, tmp_path / f"run{number}", "/Shared/who.py", pids.append)
        )
        outcome = process.wait(WAIT)
        assert outcome is not None and outcome.result_state == "SUCCESS", outcome
        return int(outcome.logs.strip())

    try:
        zygote = launcher.fork_server_pid
        assert run(1) == launcher.fork_server_pid != zygote  # started at the first task
        hung = launcher.fork_server_pid
        assert hung is not None
        os.kill(hung, signal.SIGSTOP)  # it takes the request and never answers
        monkeypatch.setattr(forkserver, "START_SECONDS", 1.0)
        # Whatever it might still fork never passes its gate: spawning the task is safe.
        assert run(2) == os.getpid()
        wait_for(lambda: gone(hung), timeout=WAIT)  # given up: killed by its pid
        monkeypatch.setattr(forkserver, "START_SECONDS", 30.0)
        assert run(3) == launcher.fork_server_pid not in (None, hung)
    finally:
        launcher.stop()
