"""A restart on the same data folder: what is kept, and how runs in progress end. Also the CLI."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from loom_jobs_widget.local import LocalWorkspace

from .helpers import (
    client,
    create_job,
    get_run,
    process_alive,
    python_task,
    wait_for,
    wait_run,
    write,
)


def test_a_restart_keeps_jobs_runs_permissions_and_token(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path
) -> None:
    first = make_workspace(tmp_path / "data")
    w = client(first)
    ok = write(first, "Shared/ok.py", "print('kept')\n")
    job_id = create_job(
        w,
        {
            "name": "kept",
            "tasks": [python_task("a", ok)],
            "access_control_list": [{"user_name": "v@example.com", "permission_level": "CAN_VIEW"}],
        },
    )
    run = wait_run(w, w.jobs.run_now(job_id).run_id)
    token, workspace_id, settings = first.token, first.workspace_id, w.jobs.get(job_id).settings
    permissions = w.jobs.get_permissions(str(job_id)).as_dict()
    first.stop()

    second = make_workspace(tmp_path / "data")
    assert (second.token, second.workspace_id) == (token, workspace_id)
    w = client(second)
    assert w.jobs.get(job_id).settings == settings
    again = get_run(w, run["run_id"])
    assert (
        again["state"] == run["state"] and again["tasks"][0]["run_id"] == run["tasks"][0]["run_id"]
    )
    assert again["run_page_url"].startswith(second.host)  # the URL follows the new port
    assert w.jobs.get_run_output(run["tasks"][0]["run_id"]).logs == "kept\n"
    assert w.jobs.get_permissions(str(job_id)).as_dict() == permissions
    assert create_job(w, {"name": "newer"}) > run["tasks"][-1]["run_id"]  # ids never repeat


def test_stop_ends_a_run_in_progress(
    make_workspace: Callable[..., LocalWorkspace], tmp_path: Path
) -> None:
    first = make_workspace(tmp_path / "data")
    w = client(first)
    pid_file = first.workspace_root / "Shared" / "pid"
    slow = write(
        first,
        "Shared/slow.py",
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\n",
    )
    job_id = create_job(
        w, {"name": "slow", "tasks": [python_task("s", slow), python_task("t", slow, after=("s",))]}
    )
    run_id = w.jobs.run_now(job_id).run_id
    wait_for(lambda: pid_file.exists() and pid_file.read_text() != "")
    first.stop()
    assert not process_alive(int(pid_file.read_text()))

    w = client(make_workspace(tmp_path / "data"))
    run = get_run(w, run_id)
    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    assert run["state"]["result_state"] == "FAILED"
    assert "stopped while this run was active" in run["state"]["state_message"]
    assert all(
        t["state"]["life_cycle_state"] in ("INTERNAL_ERROR", "TERMINATED", "SKIPPED")
        for t in run["tasks"]
    )
    # Ended: the run and each task run have their duration now.
    for ended in (run, *run["tasks"]):
        assert ended["run_duration"] == ended["end_time"] - ended["start_time"], ended
    assert list(w.jobs.list_runs(active_only=True)) == []


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Path], tuple[subprocess.Popen[str], str, str]]]:
    """`loom-jobs serve` in a child process; its host, read from what it prints, and token."""
    children: list[subprocess.Popen[str]] = []

    def start(data: Path) -> tuple[subprocess.Popen[str], str, str]:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "loom_jobs_widget.cli",
                "serve",
                "--data",
                str(data),
                "--port",
                "0",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        children.append(child)
        assert child.stdout is not None
        lines: list[str] = []
        while not any(line.startswith("  export ") for line in lines):
            line = child.stdout.readline()
            assert line, f"serve ended early: {''.join(lines)}"
            lines.append(line)
        exported = next(line for line in lines if line.startswith("  export "))
        host = exported.split()[1].removeprefix("DATABRICKS_HOST=")
        # The banner names the token's file, never the token.
        return child, host, (data / "token").read_text().strip()

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()


def test_cli_serve_prints_what_a_client_needs_and_stops_on_sigterm(
    serve: Callable[[Path], tuple[subprocess.Popen[str], str, str]], tmp_path: Path
) -> None:
    child, host, token = serve(tmp_path / "data")
    assert host.startswith("http://127.0.0.1:")
    from databricks.sdk import WorkspaceClient

    assert (
        WorkspaceClient(host=host, token=token).current_user.me().user_name
        == "local-user@localhost"
    )
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=15) == 0
    assert child.stdout is not None
    printed = child.stdout.read()
    assert "Stopped." in printed and token not in printed


def test_a_run_in_progress_when_the_process_died_ends_on_restart(
    serve: Callable[[Path], tuple[subprocess.Popen[str], str, str]],
    make_workspace: Callable[..., LocalWorkspace],
    tmp_path: Path,
) -> None:
    from databricks.sdk import WorkspaceClient

    data = tmp_path / "data"
    child, host, token = serve(data)
    w = WorkspaceClient(host=host, token=token)
    pid_file = data / "workspace" / "Shared" / "pid"
    (data / "workspace" / "Shared" / "slow.py").write_text(
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\n"
    )
    job_id = create_job(
        w, {"name": "dies", "tasks": [python_task("s", "/Workspace/Shared/slow.py")]}
    )
    run_id = w.jobs.run_now(job_id).run_id
    wait_for(lambda: pid_file.exists() and pid_file.read_text() != "")
    task_pid = int(pid_file.read_text())
    child.kill()  # the server dies without a chance to clean up
    child.wait(timeout=10)
    assert process_alive(task_pid)  # its task lives on, orphaned

    restarted = make_workspace(data)
    w = client(restarted)
    run = get_run(w, run_id)
    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    assert run["state"]["result_state"] == "FAILED"
    assert run["state"]["state_message"] == (
        "The local workspace stopped while this run was active; it was ended when the "
        "workspace restarted."
    )
    assert run["status"]["termination_details"]["code"] == "INTERNAL_ERROR"
    assert run["tasks"][0]["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    for ended in (run, run["tasks"][0]):  # ended: its duration is known now
        assert ended["run_duration"] == ended["end_time"] - ended["start_time"], ended
    wait_for(lambda: not process_alive(task_pid), timeout=10)  # the orphan was killed on restart
    # The job runs again normally.
    (data / "workspace" / "Shared" / "slow.py").write_text("print('fine')\n")
    assert wait_run(w, w.jobs.run_now(job_id).run_id)["state"]["result_state"] == "SUCCESS"
