"""The first task runners: Python files and notebooks, run for real in child processes.

Each test asserts what a user sees in runs/get and runs/get-output: the result, the messages, the
logs, the notebook result and the task values. Kernels (`.ipynb`) are the slow part: the tests that
need one start their tasks side by side.

Every test that starts tasks through the `start` fixture runs twice: with each task spawned as a
fresh interpreter, and forked by the warm task interpreter (`forkserver`) the workspace uses, so
both ways give the same results.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest

from loom_jobs_widget.local.exec.paths import resolve_notebook_path, resolve_workspace_path
from loom_jobs_widget.local.exec.protocol import (
    CANCEL_GRACE_SECONDS,
    CANCELED_MESSAGE,
    EXECUTED_NOTEBOOK,
    OUTPUT_LIMIT_BYTES,
    WORKLOAD_FAILED,
    TaskInvocation,
    TaskOutcome,
    TaskProcess,
    UnsupportedTask,
)
from loom_jobs_widget.local.exec.runners import TaskLauncher, start_task

WAIT = 60.0  # generous: a kernel starts in about 2 s, but CI machines stall


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "workspace"
    (root / "Shared").mkdir(parents=True)
    return root


Start = Callable[..., TaskProcess]


@pytest.fixture(params=["spawn", "fork"])
def start(workspace: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Start]:
    """Start a task in `workspace` with a fresh run folder, spawned or forked by a fork server
    (see the module docstring); cancel leftovers, and stop the fork server, at teardown."""
    started: list[TaskProcess] = []
    launcher = TaskLauncher(tmp_path / "fork-server", fork=request.param == "fork")

    def _start(
        task: dict[str, Any],
        job_parameters: dict[str, str] | None = None,
        upstream_values: dict[str, dict[str, Any]] | None = None,
    ) -> TaskProcess:
        run_dir = tmp_path / "runs" / str(len(started) + 1)
        process = launcher.start(
            TaskInvocation(
                task={"task_key": "main", **task},
                job_parameters=job_parameters or {},
                workspace_root=workspace,
                run_dir=run_dir,
                upstream_values=upstream_values or {},
                context={
                    "job_id": 1,
                    "job_run_id": 2,
                    "run_id": 3,
                    "task_key": "main",
                    "attempt_number": 0,
                    "host": "http://127.0.0.1:1",
                },
            )
        )
        started.append(process)
        return process

    yield _start
    for process in started:
        process.cancel()
    launcher.stop()


def finish(process: TaskProcess) -> TaskOutcome:
    outcome = process.wait(WAIT)
    assert outcome is not None, "the task did not end in time"
    return outcome


def write(workspace: Path, relative: str, text: str) -> Path:
    path = workspace / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def python_task(path: str, *parameters: Any) -> dict[str, Any]:
    return {"spark_python_task": {"python_file": path, "parameters": list(parameters)}}


def notebook_task(path: str, **base_parameters: str) -> dict[str, Any]:
    return {"notebook_task": {"notebook_path": path, "base_parameters": base_parameters}}


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def wait_for_file(path: Path) -> str:
    deadline = time.monotonic() + WAIT
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return path.read_text()


def assert_all_gone(procs: list[psutil.Process]) -> None:
    for proc in procs:
        try:
            alive = proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            alive = False
        assert not alive, f"process {proc.pid} survived the cancel"


# --- spark_python_task -------------------------------------------------------------------------


def test_python_file_gets_parameters_as_argv_and_its_output_is_the_log(
    start: Start, workspace: Path
) -> None:
    script = write(
        workspace,
        "Shared/etl/main.py",
        """
        import os, sys
        print("argv", sys.argv[1:])
        print("cwd", os.getcwd())
        print("name", __name__)
        print("widgets", dbutils.widgets.getAll())
        print("to stderr", file=sys.stderr)
        """,
    )
    process = start(
        python_task("/Workspace/Shared/etl/main.py", "--date", "2024-01-01", 3),
        job_parameters={"env": "dev"},
    )
    outcome = finish(process)
    assert outcome.result_state == "SUCCESS"
    assert (outcome.state_message, outcome.error, outcome.error_trace) == ("", None, None)
    assert "argv ['--date', '2024-01-01', '3']" in outcome.logs
    assert f"cwd {script.parent}" in outcome.logs  # Databricks Runtime 14+: the file's folder
    assert "name __main__" in outcome.logs
    # An argv task gets no job-parameter pushdown (Jobs docs: task parameters).
    assert "widgets {}" in outcome.logs
    assert "to stderr" in outcome.logs
    assert outcome.notebook_result is None and not outcome.logs_truncated


def test_python_file_raising_fails_with_the_exception_and_its_traceback(
    start: Start, workspace: Path
) -> None:
    script = write(
        workspace,
        "Shared/bad.py",
        """
        def check(value):
            raise ValueError(f"bad input: {value}")

        print("before")
        check(42)
        """,
    )
    outcome = finish(start(python_task("/Shared/bad.py")))
    assert outcome.result_state == "FAILED"
    assert outcome.state_message == WORKLOAD_FAILED
    assert outcome.error == "ValueError: bad input: 42"
    assert outcome.error_trace is not None
    assert f'File "{script}", line {line_of(script, "check(42)")}' in outcome.error_trace
    assert f'File "{script}", line {line_of(script, "raise ValueError")}' in outcome.error_trace
    # Only the user's frames: not the bootstrap that ran the file.
    assert "_bootstrap" not in outcome.error_trace and "runpy" not in outcome.error_trace
    assert "before" in outcome.logs and "ValueError: bad input: 42" in outcome.logs


@pytest.mark.parametrize(
    ("call", "result", "error"),
    [
        ("sys.exit(0)", "SUCCESS", None),
        ("sys.exit()", "SUCCESS", None),
        ("sys.exit(3)", "FAILED", "SystemExit: 3"),
        ("sys.exit('no input files')", "FAILED", "SystemExit: no input files"),
    ],
)
def test_sys_exit_is_success_only_with_status_zero(
    start: Start, workspace: Path, call: str, result: str, error: str | None
) -> None:
    write(workspace, "Shared/exit.py", f"import sys\nprint('ran')\n{call}\nprint('after')\n")
    outcome = finish(start(python_task("Shared/exit.py")))  # relative to the workspace root
    assert (outcome.result_state, outcome.error) == (result, error)
    assert "ran" in outcome.logs and "after" not in outcome.logs
    if error == "SystemExit: no input files":
        assert "no input files" in outcome.logs  # printed, as the interpreter does


def test_a_process_dying_without_a_result_is_a_failure_saying_how(
    start: Start, workspace: Path
) -> None:
    write(workspace, "Shared/die.py", "import os\nprint('dying', flush=True)\nos._exit(7)\n")
    outcome = finish(start(python_task("/Shared/die.py")))
    assert outcome.result_state == "FAILED"
    assert outcome.error == "The task process exited with code 7 before reporting a result"
    assert outcome.error_trace is not None and "dying" in outcome.error_trace


def test_the_task_process_ends_as_an_interpreter_does(
    start: Start, workspace: Path, tmp_path: Path
) -> None:
    """atexit handlers run, non-daemon threads are waited for, and what a module of the task
    left unflushed is flushed: the end of a normal interpreter, forked or spawned."""
    left, joined = tmp_path / "left.txt", tmp_path / "joined.txt"
    write(
        workspace,
        "Shared/ending/helper.py",
        f"""
        handle = open({str(left)!r}, "w")
        handle.write("buffered, never closed")
        """,
    )
    write(
        workspace,
        "Shared/ending/main.py",
        f"""
        import atexit, pathlib, threading, time
        import helper
        atexit.register(lambda: print("atexit ran", flush=True))

        def late():
            time.sleep(0.3)
            pathlib.Path({str(joined)!r}).write_text("joined")

        threading.Thread(target=late).start()
        print("main done")
        """,
    )
    outcome = finish(start(python_task("/Shared/ending/main.py")))
    assert outcome.result_state == "SUCCESS", outcome.error_trace
    assert outcome.logs.splitlines() == ["main done", "atexit ran"]
    assert joined.read_text() == "joined"
    assert left.read_text() == "buffered, never closed"


def test_a_missing_file_fails_the_run_with_a_message(start: Start) -> None:
    outcome = finish(start(python_task("/Workspace/Shared/nowhere.py")))
    assert outcome.result_state == "FAILED"
    assert "Python file /Workspace/Shared/nowhere.py not found" in outcome.state_message
    assert outcome.error == outcome.state_message and outcome.error_trace is None


def test_logs_keep_the_last_5_mb(start: Start, workspace: Path) -> None:
    write(
        workspace,
        "Shared/chatty.py",
        """
        import sys
        line = "x" * 1023 + "\\n"
        sys.stdout.write(line * (6 * 1024))
        print("THE END")
        """,
    )
    outcome = finish(start(python_task("/Shared/chatty.py")))
    assert outcome.result_state == "SUCCESS"
    assert outcome.logs_truncated
    assert len(outcome.logs.encode()) == OUTPUT_LIMIT_BYTES
    assert outcome.logs.endswith("THE END\n")


# --- notebook_task: source format --------------------------------------------------------------

SOURCE_NOTEBOOK = """
# Databricks notebook source
# MAGIC %md
# MAGIC # Daily load
# MAGIC Reads `x`, `y` and `z`.

# COMMAND ----------

import os
dbutils.widgets.text("x", "default-x")
dbutils.widgets.dropdown("z", "default-z", ["default-z", "other"])
x, y, z = dbutils.widgets.get("x"), dbutils.widgets.get("y"), dbutils.widgets.get("z")

# COMMAND ----------

# DBTITLE 1,Publish
# MAGIC %python
# MAGIC dbutils.jobs.taskValues.set("rows", {"count": 3, "cwd": os.getcwd()})

# COMMAND ----------

if x == "fail":
    raise KeyError(f"no table for {y}")
dbutils.notebook.exit(f"{x},{y},{z}")

# COMMAND ----------

raise RuntimeError("never reached: exit ended the notebook")
"""


def test_source_notebook_widgets_task_values_and_exit(start: Start, workspace: Path) -> None:
    notebook = write(workspace, "Shared/daily.py", SOURCE_NOTEBOOK)
    outcome = finish(
        start(
            notebook_task("/Workspace/Shared/daily", x="base-x", y="base-y"),
            # Job parameters win over base_parameters (Jobs docs: task parameters).
            job_parameters={"x": "job-x"},
        )
    )
    assert outcome.result_state == "SUCCESS", outcome.error_trace
    assert outcome.notebook_result == "job-x,base-y,default-z"
    assert outcome.task_values == {"rows": {"count": 3, "cwd": str(notebook.parent)}}
    # runs/get-output has no logs for notebook tasks.
    assert (outcome.logs, outcome.error, outcome.state_message) == ("", None, "")


def test_source_notebook_failure_points_at_the_line_of_the_file(
    start: Start, workspace: Path
) -> None:
    notebook = write(workspace, "Shared/daily.py", SOURCE_NOTEBOOK)
    outcome = finish(start(notebook_task("/Shared/daily", x="fail", y="sales")))
    assert outcome.result_state == "FAILED"
    assert outcome.state_message == WORKLOAD_FAILED
    assert outcome.error == "KeyError: 'no table for sales'"
    assert outcome.error_trace is not None
    assert f'File "{notebook}", line {line_of(notebook, "raise KeyError")}' in outcome.error_trace
    assert outcome.notebook_result is None
    # Set before the failure, so still reported.
    assert outcome.task_values["rows"]["count"] == 3


def test_source_notebook_with_a_scala_cell_fails_naming_the_cell_and_runs_nothing(
    start: Start, workspace: Path
) -> None:
    marker = workspace / "Shared" / "ran.txt"
    write(
        workspace,
        "Shared/scala.py",
        f"""
        # Databricks notebook source
        open({str(marker)!r}, "w").write("ran")

        # COMMAND ----------

        # MAGIC %scala
        # MAGIC println(1)
        """,
    )
    outcome = finish(start(notebook_task("/Shared/scala")))
    assert outcome.result_state == "FAILED"
    assert outcome.state_message == (
        "Cell 2 (line 5) of notebook /Shared/scala is a %scala cell, which only runs on"
        " Databricks: the local workspace runs Python, %md, %sql, %fs, %sh, %pip and %run cells,"
        " so it ran nothing of this notebook"
    )
    assert not marker.exists()


def test_source_notebook_syntax_error_fails_before_any_cell_runs(
    start: Start, workspace: Path
) -> None:
    marker = workspace / "Shared" / "ran.txt"
    notebook = write(
        workspace,
        "Shared/typo.py",
        f"""
        # Databricks notebook source
        open({str(marker)!r}, "w").write("ran")

        # COMMAND ----------

        total = (1 +
        """,
    )
    outcome = finish(start(notebook_task("/Shared/typo")))
    assert outcome.result_state == "FAILED"
    assert outcome.error is not None and outcome.error.startswith("SyntaxError: ")
    assert outcome.error_trace is not None
    assert f'File "{notebook}", line {line_of(notebook, "total = (1 +")}' in outcome.error_trace
    assert not marker.exists()


def test_a_broken_ipynb_fails_the_run_saying_so(start: Start, workspace: Path) -> None:
    write(workspace, "Shared/broken.ipynb", "{ not json")
    outcome = finish(start(notebook_task("/Shared/broken")))
    assert outcome.result_state == "FAILED"
    assert outcome.state_message.startswith(
        "Notebook /Shared/broken is not a readable .ipynb file:"
    )


def test_undeclared_widget_fails_as_on_databricks(start: Start, workspace: Path) -> None:
    write(
        workspace,
        "Shared/widget.py",
        '# Databricks notebook source\nvalue = dbutils.widgets.get("missing")\n',
    )
    outcome = finish(start(notebook_task("/Shared/widget")))
    assert outcome.result_state == "FAILED"
    assert outcome.error == (
        "loom_jobs_widget.local.exec.dbutils.InputWidgetNotDefined: No input widget named missing"
        " is defined"
    )


# --- notebook_task: .ipynb through a kernel ----------------------------------------------------


def write_ipynb(workspace: Path, relative: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook")] + [
        nbformat.v4.new_code_cell(textwrap.dedent(cell).strip()) for cell in cells
    ]
    path = workspace / relative
    nbformat.write(nb, str(path))
    return path


def test_ipynb_notebook_success_and_failure(start: Start, workspace: Path, tmp_path: Path) -> None:
    write_ipynb(
        workspace,
        "Shared/report.ipynb",
        """
        %md
        Databricks exports markdown cells of a Python notebook like this.
        """,
        """
        import os
        dbutils.widgets.text("x", "default-x")
        x, y = dbutils.widgets.get("x"), dbutils.widgets.get("y")
        dbutils.jobs.taskValues.set("where", os.getcwd())
        print("x is", x)
        """,
        """
        if x == "fail":
            raise ValueError(f"bad {y}")
        dbutils.notebook.exit(f"{x},{y}")
        """,
        'raise RuntimeError("never reached")',
    )
    # Two kernels side by side: the slow part of this file.
    ok = start(
        notebook_task("/Shared/report", x="base-x", y="base-y"), job_parameters={"x": "job-x"}
    )
    bad = start(notebook_task("/Shared/report.ipynb", x="fail", y="sales"))
    ok_outcome, bad_outcome = finish(ok), finish(bad)

    assert ok_outcome.result_state == "SUCCESS", ok_outcome.error_trace
    assert ok_outcome.notebook_result == "job-x,base-y"
    assert ok_outcome.task_values == {"where": str(workspace / "Shared")}
    assert ok_outcome.logs == ""
    executed = nbformat.read(str(tmp_path / "runs" / "1" / EXECUTED_NOTEBOOK), as_version=4)
    outputs = [
        output.get("text", "") for cell in executed.cells for output in cell.get("outputs", [])
    ]
    assert "x is job-x\n" in outputs
    assert "Notebook exited: job-x,base-y\n" in outputs  # as Databricks shows it, no traceback

    assert bad_outcome.result_state == "FAILED"
    assert bad_outcome.state_message == WORKLOAD_FAILED
    assert bad_outcome.error == "ValueError: bad sales"
    assert bad_outcome.error_trace is not None
    assert "raise ValueError" in bad_outcome.error_trace
    assert "\x1b[" not in bad_outcome.error_trace  # no terminal colours
    assert bad_outcome.task_values == {"where": str(workspace / "Shared")}


# --- dbutils -----------------------------------------------------------------------------------


def test_task_values_get_reads_upstream_values(start: Start, workspace: Path) -> None:
    write(
        workspace,
        "Shared/values.py",
        """
        def show(label, call):
            try:
                print(label, "=", repr(call()))
            except Exception as exc:
                print(label, "!", type(exc).__name__, exc)

        get = dbutils.jobs.taskValues.get
        show("known", lambda: get("ingest", "rows"))
        show("nested", lambda: get(taskKey="ingest", key="meta")["tables"])
        show("default", lambda: get("ingest", "missing", default=0))
        show("no-default", lambda: get("ingest", "missing"))
        show("unknown-task", lambda: get("nope", "rows", default=1))
        show("unserialisable", lambda: dbutils.jobs.taskValues.set("s", {1, 2}))
        show("too-big", lambda: dbutils.jobs.taskValues.set("big", "x" * 50_000))
        dbutils.jobs.taskValues.set("total", 12)
        """,
    )
    outcome = finish(
        start(
            python_task("/Shared/values.py"),
            upstream_values={"ingest": {"rows": 12, "meta": {"tables": ["a", "b"]}}},
        )
    )
    assert outcome.result_state == "SUCCESS", outcome.logs
    lines = outcome.logs.splitlines()
    assert "known = 12" in lines
    assert "nested = ['a', 'b']" in lines
    assert "default = 0" in lines
    assert (
        "no-default ! ValueError Task 'ingest' set no task value 'missing', and no default was"
        " given" in lines
    )
    assert (
        "unknown-task ! ValueError Task 'nope' is not an upstream task of this task (upstream"
        " tasks: ingest)" in lines
    )
    assert any(
        line.startswith("unserialisable ! TypeError Task value 's' must be JSON") for line in lines
    )
    assert (
        "too-big ! ValueError Task value 'big' is 50002 bytes as JSON; the limit is 48 KiB"
        " (49152 bytes)" in lines
    )
    assert outcome.task_values == {"total": 12}


def test_fs_basics_on_the_local_dbfs(start: Start, workspace: Path) -> None:
    write(
        workspace,
        "Shared/files.py",
        """
        fs = dbutils.fs
        fs.mkdirs("dbfs:/landing/in")
        fs.put("dbfs:/landing/in/a.csv", "id\\n1\\n")
        print("head", repr(fs.head("/landing/in/a.csv")))
        fs.cp("dbfs:/landing/in/a.csv", "dbfs:/landing/in/b.csv")
        fs.mv("dbfs:/landing/in/b.csv", "dbfs:/landing/c.csv")
        print("ls", [(f.path, f.name, f.size) for f in fs.ls("dbfs:/landing")])
        print("rm", fs.rm("dbfs:/landing/in", recurse=True), fs.rm("dbfs:/landing/in"))
        print("ws", [f.name for f in fs.ls("file:/Workspace/Shared")])
        for bad in ["dbfs:/../outside", "s3://bucket/key", "file:/etc/passwd"]:
            try:
                fs.ls(bad)
            except ValueError as exc:
                print("refused", exc)
        try:
            fs.put("dbfs:/landing/c.csv", "again")
        except FileExistsError as exc:
            print("exists", exc)
        """,
    )
    outcome = finish(start(python_task("/Shared/files.py")))
    assert outcome.result_state == "SUCCESS", outcome.logs
    lines = outcome.logs.splitlines()
    assert "head 'id\\n1\\n'" in lines
    assert "Wrote 5 bytes." in lines
    assert "ls [('dbfs:/landing/c.csv', 'c.csv', 5), ('dbfs:/landing/in/', 'in/', 0)]" in lines
    assert "rm True False" in lines
    assert "ws ['files.py']" in lines
    assert "refused Path 'dbfs:/../outside' is refused: '..' is not allowed in DBFS paths" in lines
    assert any(
        line.startswith("refused Path 's3://bucket/key' is not available locally") for line in lines
    )
    assert any(
        line.startswith("refused Path 'file:/etc/passwd' is not available locally")
        for line in lines
    )
    assert "exists dbfs:/landing/c.csv already exists; pass overwrite=True to replace it" in lines
    # DBFS is a folder next to the workspace in the data dir.
    assert (workspace.parent / "dbfs" / "landing" / "c.csv").read_text() == "id\n1\n"


def test_fs_takes_volume_paths_as_the_data_folders_volumes(start: Start, workspace: Path) -> None:
    write(
        workspace,
        "Shared/volumes.py",
        """
        dbutils.fs.put("/Volumes/main/default/raw/a.csv", "id\\n1\\n")
        print("ls", [f.path for f in dbutils.fs.ls("dbfs:/Volumes/main/default/raw")])
        """,
    )
    outcome = finish(start(python_task("/Shared/volumes.py")))
    assert outcome.result_state == "SUCCESS", outcome.logs
    assert "ls ['/Volumes/main/default/raw/a.csv']" in outcome.logs.splitlines()
    # The folder Spark and file-arrival triggers read too.
    volume = workspace.parent / "volumes" / "main" / "default" / "raw" / "a.csv"
    assert volume.read_text() == "id\n1\n"


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_kills_the_whole_tree_of_a_python_task(
    start: Start, workspace: Path, tmp_path: Path
) -> None:
    pids, ready = tmp_path / "pids.json", tmp_path / "stubborn-ready"
    stubborn = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        f" open({str(ready)!r}, 'w').write('yes'); time.sleep(120)"
    )
    write(
        workspace,
        "Shared/sleepy.py",
        f"""
        import json, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        # One that tries to get away: a session of its own, out of the task's process group,
        # and deaf to SIGTERM, so only the SIGKILL after the grace period ends it.
        escapee = subprocess.Popen([sys.executable, "-c", {stubborn!r}], start_new_session=True)
        with open({str(pids)!r}, "w") as handle:
            json.dump([child.pid, escapee.pid], handle)
        time.sleep(120)
        """,
    )
    process = start(python_task("/Shared/sleepy.py"))
    descendants = [psutil.Process(pid) for pid in json.loads(wait_for_file(pids))]
    wait_for_file(ready)
    tree = [psutil.Process(process.pid), *descendants]
    assert process.wait(timeout=0.05) is None  # still running: wait() gives up

    began = time.monotonic()
    process.cancel()
    outcome = finish(process)
    assert CANCEL_GRACE_SECONDS <= time.monotonic() - began < CANCEL_GRACE_SECONDS + 5
    assert outcome.result_state == "FAILED"
    assert outcome.state_message == CANCELED_MESSAGE
    assert_all_gone(tree)


def test_cancel_kills_the_kernel_of_a_notebook_task(
    start: Start, workspace: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "kernel-pid"
    write_ipynb(
        workspace,
        "Shared/forever.ipynb",
        f"""
        import os, time
        open({str(marker)!r}, "w").write(str(os.getpid()))
        time.sleep(120)
        """,
    )
    process = start(notebook_task("/Shared/forever"))
    kernel = psutil.Process(int(wait_for_file(marker)))
    tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    # jupyter_client starts the kernel in a session of its own: the group kill alone misses it.
    assert kernel in tree and os.getsid(kernel.pid) != os.getsid(process.pid)

    process.cancel()
    outcome = finish(process)
    assert outcome.state_message == CANCELED_MESSAGE
    assert_all_gone(tree)


# --- what is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (
            {"sql_task": {"query": {"query_id": "1"}}},
            "sql_task queries (query_id) are not run by the local workspace yet",
        ),
        (
            {"pipeline_task": {"pipeline_id": "p"}},
            "pipeline p does not exist in the local workspace",
        ),
        (
            {"spark_python_task": {"python_file": "etl/main.py", "source": "GIT"}},
            "spark_python_task with source GIT (a file in a Git repository) is not run",
        ),
        (
            {"notebook_task": {"notebook_path": "/Shared/q", "warehouse_id": "abc"}},
            "notebook tasks on a SQL warehouse",
        ),
        (
            {"spark_python_task": {"python_file": "s3://bucket/main.py"}},
            "python_file s3://bucket/main.py is in cloud storage",
        ),
    ],
)
def test_tasks_the_local_workspace_cannot_run_are_refused_at_start(
    start: Start, task: dict[str, Any], message: str
) -> None:
    with pytest.raises(UnsupportedTask, match=message.replace("(", r"\(").replace(")", r"\)")):
        start(task)


def test_workspace_paths_map_into_the_root(workspace: Path) -> None:
    root = workspace.resolve()
    assert resolve_workspace_path(workspace, "/Workspace/Shared/etl") == root / "Shared/etl"
    assert resolve_workspace_path(workspace, "/Shared/etl") == root / "Shared/etl"
    assert resolve_workspace_path(workspace, "/Users/a@b.com/x") == root / "Users/a@b.com/x"
    assert resolve_workspace_path(workspace, "/Repos/a@b.com/r/x") == root / "Repos/a@b.com/r/x"
    assert resolve_workspace_path(workspace, "/Workspace") == root
    assert (
        resolve_workspace_path(workspace, "Shared/x.py", allow_relative=True)
        == root / "Shared/x.py"
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/Workspace/Shared/../../secrets", "'..' is not allowed in workspace paths"),
        ("/Shared/..", "'..' is not allowed in workspace paths"),
        ("/etc/passwd", "it is outside the workspace"),
        ("/WorkspaceX/a", "it is outside the workspace"),
        ("Shared/x", "a workspace path must be absolute"),
        ("/Shared/out/passwd", "it leads outside the workspace through a symbolic link"),
    ],
)
def test_workspace_path_escapes_are_refused(workspace: Path, path: str, reason: str) -> None:
    (workspace / "Shared" / "out").symlink_to("/etc")
    with pytest.raises(ValueError, match="refused") as info:
        resolve_workspace_path(workspace, path)
    assert str(info.value).startswith(f"Path {path!r} is refused: {reason}")


def test_notebook_paths_find_the_notebook_file(workspace: Path) -> None:
    write(workspace, "Shared/etl.py", "# Databricks notebook source\nprint(1)\n")
    write(workspace, "Shared/helpers.py", "def helper(): ...\n")  # a file, not a notebook
    write_ipynb(workspace, "Shared/helpers.ipynb")
    write(workspace, "Shared/both.py", "# Databricks notebook source\n")
    write_ipynb(workspace, "Shared/both.ipynb")
    root = workspace.resolve()
    assert resolve_notebook_path(workspace, "/Workspace/Shared/etl") == root / "Shared/etl.py"
    assert resolve_notebook_path(workspace, "/Shared/etl.py") == root / "Shared/etl.py"
    assert resolve_notebook_path(workspace, "/Shared/helpers") == root / "Shared/helpers.ipynb"
    with pytest.raises(ValueError, match=r"ambiguous: both both\.py and both\.ipynb exist"):
        resolve_notebook_path(workspace, "/Shared/both")
    with pytest.raises(FileNotFoundError, match="is a file, not a notebook"):
        resolve_notebook_path(workspace, "/Shared/helpers.py")
    with pytest.raises(FileNotFoundError, match="Notebook /Shared/none not found"):
        resolve_notebook_path(workspace, "/Shared/none")


def test_a_notebook_path_escaping_the_workspace_fails_the_run(start: Start) -> None:
    outcome = finish(start(notebook_task("/Workspace/Shared/../../../etc/passwd")))
    assert outcome.result_state == "FAILED"
    assert outcome.state_message == (
        "Path '/Workspace/Shared/../../../etc/passwd' is refused: '..' is not allowed in"
        " workspace paths"
    )


def test_a_run_folder_is_used_once(workspace: Path, tmp_path: Path) -> None:
    write(workspace, "Shared/ok.py", "pass\n")
    invocation = TaskInvocation(
        python_task("/Shared/ok.py"), {}, workspace, tmp_path / "run", {}, {}
    )
    assert finish(start_task(invocation)).result_state == "SUCCESS"
    with pytest.raises(ValueError, match="was used before"):
        start_task(invocation)
