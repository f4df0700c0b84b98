"""No secret of the server reaches a task: what a task's code sees of its environment, as a user
sees it in runs/get-output (a notebook's result, a Python file's logs).

The server's environment holds credentials (the Databricks CLI's, cloud keys, a Jupyter token);
tasks get only the variables on the allow-list and what their job sets: spark_env_vars of their
cluster, their environment_variables entry. Checked through the server process a user starts
(`loom-jobs serve`, tasks forked by its warm interpreter), through an in-process workspace whose
tasks are spawned, and at the runner for what the job's settings set.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

from loom_jobs_widget.local import LocalWorkspace, find_running
from loom_jobs_widget.local.exec.environment import server_variables
from loom_jobs_widget.local.exec.protocol import TaskInvocation, UnsupportedTask
from loom_jobs_widget.local.exec.runners import TaskLauncher

from ..helpers import client, create_job, run_now, run_output, tasks_by_key, wait_run, write

WAIT = 60.0

#: What a user's shell or notebook may hold when it starts the workspace: none of it may reach a
#: task. (Each value is unique, so finding it anywhere in a task's environment is a leak.)
SECRETS = {
    name: f"leak-{name.lower()}-{uuid.uuid4().hex[:8]}"
    for name in (
        "DATABRICKS_HOST",
        "DATABRICKS_TOKEN",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
        "DATABRICKS_CONFIG_PROFILE",
        "ARM_CLIENT_SECRET",
        "AZURE_CLIENT_SECRET",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GITHUB_TOKEN",
        "OPENAI_API_KEY",
        "JUPYTER_TOKEN",  # a Jupyter family name, yet a credential
        "PYTHON_KEYRING_PASSWORD",  # a PYTHON* name, yet a credential
        "XDG_SESSION_COOKIE",
        "MY_APP_SETTING",  # not a credential by name: still not on the allow-list
    )
}
#: On the allow-list: a task keeps the server's value.
KEPT = {"TZ": "Pacific/Auckland"}

# What a task reports: its os.environ, and its process's initial environment block (what
# /proc/PID/environ shows: a forked process shares its fork server's).
_REPORT = """
import json, os
try:
    with open("/proc/self/environ", "rb") as handle:
        block = handle.read().decode("utf-8", "replace")
except OSError:
    block = ""
report = json.dumps({"environ": dict(os.environ), "block": block, "ppid": os.getppid()})
"""
NOTEBOOK = "# Databricks notebook source\n" + _REPORT + "dbutils.notebook.exit(report)\n"
PYTHON_FILE = _REPORT + "print('REPORT ' + report)\n"


def reported_by_notebook(w: WorkspaceClient, task_run_id: int) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run_output(w, task_run_id)["notebook_output"]["result"])
    return result


def reported_by_file(w: WorkspaceClient, task_run_id: int) -> dict[str, Any]:
    logs = run_output(w, task_run_id)["logs"]
    line = next(line for line in logs.splitlines() if line.startswith("REPORT "))
    result: dict[str, Any] = json.loads(line[len("REPORT ") :])
    return result


def assert_nothing_leaked(report: dict[str, Any], *, cluster_var: str | None = None) -> None:
    environ: dict[str, str] = report["environ"]
    seen = json.dumps(environ) + report["block"]
    leaked = sorted(name for name, value in SECRETS.items() if value in seen)
    assert leaked == [], f"the task saw the server's {leaked}"
    assert not set(SECRETS) & set(environ)
    assert environ["TZ"] == KEPT["TZ"]
    assert environ["PATH"] and environ["HOME"]
    assert environ["PYTHONUNBUFFERED"] == "1"
    if cluster_var is not None:
        assert environ["LOOM_CLUSTER_VAR"] == cluster_var


def environment_job(root: Path, name: str) -> dict[str, Any]:
    """A notebook task and a Python file task that report their environment; the Python file
    runs on a new_cluster that sets a variable."""
    folder = root / "Shared" / "env"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report_nb.py").write_text(NOTEBOOK, encoding="utf-8")
    (folder / "report.py").write_text(PYTHON_FILE, encoding="utf-8")
    cluster = {"spark_version": "15.4.x-scala2.12", "num_workers": 0,
               "spark_env_vars": {"LOOM_CLUSTER_VAR": "from-the-cluster"}}  # fmt: skip
    return {
        "name": name,
        "tasks": [
            {"task_key": "notebook",
             "notebook_task": {"notebook_path": "/Workspace/Shared/env/report_nb"}},
            {"task_key": "file",
             "spark_python_task": {"python_file": "/Workspace/Shared/env/report.py"},
             "new_cluster": cluster},
        ],
    }  # fmt: skip


# --- the server process a user starts ------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[WorkspaceClient, Path, int]]:
    """`loom-jobs serve` in a process of its own, started from an environment full of secrets
    (the client, the data folder, the pid); stopped (by its pid) at teardown."""
    data = tmp_path / "served"
    env = {name: value for name, value in os.environ.items() if not name.startswith("DATABRICKS")}
    env.update(SECRETS)
    env.update(KEPT)
    env["HOME"] = str(tmp_path)  # no ~/.databrickscfg of the machine's user
    process = subprocess.Popen(
        [sys.executable, "-m", "loom_jobs_widget.cli", "serve", "--data", str(data)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + WAIT
        found = find_running(data)
        while found is None:
            assert process.poll() is None, process.communicate()[0].decode()
            assert time.monotonic() < deadline, "loom-jobs serve did not start"
            time.sleep(0.05)
            found = find_running(data)
        host, token = found
        config = Config(host=host, token=token, retry_timeout_seconds=10, auth_type="pat")
        yield WorkspaceClient(config=config), data, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_tasks_of_loom_jobs_serve_see_none_of_its_secrets(
    served: tuple[WorkspaceClient, Path, int],
) -> None:
    w, data, server_pid = served
    job_id = create_job(w, environment_job(data / "workspace", "served env"))
    run = wait_run(w, run_now(w, job_id), timeout=WAIT)
    assert run["state"]["result_state"] == "SUCCESS", run["state"]
    tasks = tasks_by_key(run)
    notebook = reported_by_notebook(w, tasks["notebook"]["run_id"])
    file = reported_by_file(w, tasks["file"]["run_id"])
    assert_nothing_leaked(notebook)
    assert_nothing_leaked(file, cluster_var="from-the-cluster")
    # Forked by the server's warm interpreter, whose own environment is the allowed one.
    assert notebook["ppid"] != server_pid and file["ppid"] != server_pid


# --- spawned tasks, and the programs tasks start -------------------------------------------------


@pytest.fixture
def secret_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test process's own environment (the server's, for an in-process workspace)."""
    for name, value in {**SECRETS, **KEPT}.items():
        monkeypatch.setenv(name, value)


def test_spawned_tasks_and_the_programs_they_start_see_none_of_the_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secret_environment: None
) -> None:
    # A stand-in `dbt` on PATH that prints its environment: what a program a task starts gets.
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "dbt").write_text("#!/bin/sh\nenv\n", encoding="utf-8")
    (tools / "dbt").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    lw = LocalWorkspace(tmp_path / "ws", fork_tasks=False).start()
    try:
        w = client(lw)
        settings = environment_job(lw.workspace_root, "spawned env")
        write(lw, "Shared/dbt_project/dbt_project.yml", "name: env\n")
        settings["tasks"].append(
            {"task_key": "dbt", "dbt_task": {"commands": ["dbt run"],
                                             "project_directory": "/Shared/dbt_project"}}
        )  # fmt: skip
        run = wait_run(w, run_now(w, create_job(w, settings)), timeout=WAIT)
        assert run["state"]["result_state"] == "SUCCESS", run["state"]
        tasks = tasks_by_key(run)
        assert_nothing_leaked(reported_by_notebook(w, tasks["notebook"]["run_id"]))
        assert_nothing_leaked(
            reported_by_file(w, tasks["file"]["run_id"]), cluster_var="from-the-cluster"
        )
        printed = run_output(w, tasks["dbt"]["run_id"])["logs"]
        assert f"TZ={KEPT['TZ']}" in printed and "DBT_PROFILES_DIR=" in printed
        assert [name for name, value in SECRETS.items() if value in printed] == []
    finally:
        lw.stop()


def test_a_variable_no_process_can_have_fails_the_task_naming_it(
    make_workspace: Any, tmp_path: Path
) -> None:
    lw = make_workspace()
    w = client(lw)
    settings = environment_job(lw.workspace_root, "bad env")
    settings["tasks"][1]["new_cluster"]["spark_env_vars"] = {"A=B": "x"}
    run = wait_run(w, run_now(w, create_job(w, settings)), timeout=WAIT)
    task = tasks_by_key(run)["file"]
    assert task["state"]["result_state"] == "FAILED"
    assert "new_cluster.spark_env_vars sets 'A=B'" in task["state"]["state_message"]
    assert tasks_by_key(run)["notebook"]["state"]["result_state"] == "SUCCESS"


def test_a_job_clusters_variables_reach_its_tasks_through_the_workspace(
    make_workspace: Any,
) -> None:
    lw = make_workspace()
    w = client(lw)
    settings = environment_job(lw.workspace_root, "job cluster env")
    cluster = settings["tasks"][1].pop("new_cluster")
    settings["job_clusters"] = [{"job_cluster_key": "shared", "new_cluster": cluster}]
    settings["tasks"][1]["job_cluster_key"] = "shared"
    run = wait_run(w, run_now(w, create_job(w, settings)), timeout=WAIT)
    assert run["state"]["result_state"] == "SUCCESS", run["state"]
    report = reported_by_file(w, tasks_by_key(run)["file"]["run_id"])
    assert report["environ"].get("LOOM_CLUSTER_VAR") == "from-the-cluster"


# --- what the job's settings set, at the runner --------------------------------------------------


@pytest.fixture(params=["spawn", "fork"])
def launcher(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[TaskLauncher]:
    started = TaskLauncher(tmp_path / "fork-server", fork=request.param == "fork")
    yield started
    started.stop()


def run_report(
    launcher: TaskLauncher, root: Path, task: dict[str, Any], job_settings: dict[str, Any]
) -> tuple[str, dict[str, str]]:
    """Runs a task (the report file) with the job's settings; its result and os.environ."""
    (root / "Shared").mkdir(parents=True, exist_ok=True)
    (root / "Shared" / "report.py").write_text(PYTHON_FILE, encoding="utf-8")
    run_dir = root.parent / "runs" / uuid.uuid4().hex[:8]
    process = launcher.start(
        TaskInvocation(
            task={"task_key": "t",
                  "spark_python_task": {"python_file": "/Workspace/Shared/report.py"}, **task},
            job_parameters={},
            workspace_root=root,
            run_dir=run_dir,
            upstream_values={},
            context={"job_id": 1, "job_run_id": 2, "run_id": 3, "task_key": "t",
                     "attempt_number": 0, "host": "http://127.0.0.1:1"},
            job_settings=job_settings,
        )
    )  # fmt: skip
    outcome = process.wait(WAIT)
    assert outcome is not None
    if outcome.result_state != "SUCCESS":
        return outcome.state_message, {}
    line = next(line for line in outcome.logs.splitlines() if line.startswith("REPORT "))
    environ: dict[str, str] = json.loads(line[len("REPORT ") :])["environ"]
    return "", environ


def test_job_cluster_and_environment_variables_entry_reach_the_task(
    launcher: TaskLauncher, tmp_path: Path, secret_environment: None
) -> None:
    root = tmp_path / "data" / "workspace"
    (root / "Shared").mkdir(parents=True)
    (root / "Shared" / "first.env").write_text(
        "# comment\n\nFROM_FILE=first\nOVERRIDDEN=by-file\nLATER=first\n", encoding="utf-8"
    )
    (root / "Shared" / "second.env").write_text("LATER=second=with=equals\n", encoding="utf-8")
    job_settings = {
        "job_clusters": [
            {"job_cluster_key": "other", "new_cluster": {"spark_env_vars": {"WRONG": "1"}}},
            {"job_cluster_key": "c", "new_cluster": {"spark_env_vars": {"CLUSTER": "c",
                                                                        "TZ": "UTC"}}},
        ],
        "environment_variables": [
            {"environment_variables_key": "e", "spec": {
                "variables": {"INLINE": "yes", "OVERRIDDEN": "inline", "COUNT": 3},
                "files": ["/Workspace/Shared/first.env", "/Shared/second.env"]}},
        ],
    }  # fmt: skip
    task = {"job_cluster_key": "c", "environment_variables_key": "e"}
    message, environ = run_report(launcher, root, task, job_settings)
    assert message == ""
    assert environ["CLUSTER"] == "c" and "WRONG" not in environ
    assert environ["TZ"] == "UTC"  # the job's setting wins over the server's
    assert environ["INLINE"] == "yes" and environ["COUNT"] == "3"
    assert environ["FROM_FILE"] == "first" and environ["LATER"] == "second=with=equals"
    assert environ["OVERRIDDEN"] == "inline"  # inline variables win over the files
    assert not set(SECRETS) & set(environ)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not a variable line\n", "Line 1 of environment file /Workspace/Shared/bad.env is not"),
        ("OK=1\n1BAD=2\n", "Line 2 of environment file /Workspace/Shared/bad.env is not"),
        ("A=" + "x" * 1100 + "\n", "Line 1 of environment file /Workspace/Shared/bad.env is over"),
        (None, "Environment file /Workspace/Shared/bad.env cannot be read"),
    ],
)
def test_an_unusable_environment_file_fails_the_run_saying_why(
    launcher: TaskLauncher, tmp_path: Path, content: str | None, expected: str
) -> None:
    root = tmp_path / "data" / "workspace"
    (root / "Shared").mkdir(parents=True)
    if content is not None:
        (root / "Shared" / "bad.env").write_text(content, encoding="utf-8")
    job_settings = {
        "environment_variables": [
            {"environment_variables_key": "e", "spec": {"files": ["/Workspace/Shared/bad.env"]}}
        ]
    }
    message, _ = run_report(launcher, root, {"environment_variables_key": "e"}, job_settings)
    assert message.startswith(expected), message


def test_a_bad_variable_name_is_refused_before_anything_starts(tmp_path: Path) -> None:
    launcher = TaskLauncher(tmp_path / "fork-server", fork=False)
    root = tmp_path / "data" / "workspace"
    settings = {
        "environment_variables": [
            {"environment_variables_key": "e", "spec": {"variables": {"X": "a\x00b"}}}
        ]
    }
    with pytest.raises(UnsupportedTask, match=r"environment_variables\[e\].spec.variables"):
        run_report(launcher, root, {"environment_variables_key": "e"}, settings)


def test_the_allow_list_keeps_what_programs_need_and_no_credential() -> None:
    server = {
        "PATH": "/usr/bin", "HOME": "/home/u", "LANG": "C.UTF-8", "LC_ALL": "C", "TZ": "UTC",
        "TMPDIR": "/tmp", "PYTHONPATH": "/src", "VIRTUAL_ENV": "/venv", "JAVA_HOME": "/jdk",
        "XDG_RUNTIME_DIR": "/run/user/1", "JUPYTER_RUNTIME_DIR": "/rt",
        "SSL_CERT_FILE": "/etc/ca.pem", **SECRETS,
        "PYTHON_API_KEY": "x", "XDG_ACCESS_TOKEN": "x", "SSH_AUTH_SOCK": "/agent",
        "HTTPS_PROXY": "http://user:pass@proxy:3128",
    }  # fmt: skip
    kept = server_variables(server)
    assert set(kept) == {
        "PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV",
        "JAVA_HOME", "XDG_RUNTIME_DIR", "JUPYTER_RUNTIME_DIR", "SSL_CERT_FILE",
    }  # fmt: skip
