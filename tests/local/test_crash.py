"""Crash safety of `loom-jobs serve`: the server, a real child process, is SIGKILLed (by its pid)
in the middle of writes and runs, then served again from the same data folder, and what a client
was told must still hold, as read back through the databricks-sdk:

- every job whose jobs/create was acknowledged is there with the settings sent (up to the
  server's defaults), and every job there is one that was sent, whole (nothing half written);
- no run is left active: each ended with a state a user can read, and no process the killed
  server started (task processes, what they started, the fork server) outlives the restart;
- a 1,000-task jobs/reset or jobs/create killed mid-request leaves the whole old or the whole
  new settings, and the new ones when the write was acknowledged.

The kill moments are drawn from seeded generators. `bench/bench_crash.py` runs these scenarios
for many more kills and prints the figures; here a few kills each keep the file quick.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import psutil
import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config
from databricks.sdk.errors import NotFound

from loom_jobs_widget.core.server_defaults import reads_back_as
from loom_jobs_widget.local.exec import kill_recorded, process_record

_READY_SECONDS: Final = 60.0
_TERMINAL: Final = ("TERMINATED", "SKIPPED", "INTERNAL_ERROR")
_BIG_TASKS: Final = 1000
#: How long the processes of a killed server may take to be gone once the restarted one serves.
_ORPHAN_GRACE_SECONDS: Final = 5.0


# --- `loom-jobs serve` in a child process --------------------------------------------------------

#: Runs its arguments (the server) as its child and reaps every process that ends under it, as an
#: init process would: a subreaper (Linux), so a process orphaned by the server's death becomes
#: its child, and is reaped when it ends, instead of lingering as a zombie of an init that does
#: not reap (some containers'). It prints the server's pid, and exits once nothing is left.
_REAPER: Final = """\
import contextlib, ctypes, os, subprocess, sys
with contextlib.suppress(AttributeError, OSError):
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
server = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
print(f"reaper: server pid {server.pid}", flush=True)
with contextlib.suppress(ChildProcessError):
    while True:
        os.waitpid(-1, 0)
"""


@dataclass
class Served:
    """One `loom-jobs serve` process (under its reaper): its pid, address, token, and how long
    it took from its start to serving."""

    reaper: subprocess.Popen[bytes]
    pid: int
    started: float  # the server's start time (psutil's create_time)
    host: str
    token: str
    ready_seconds: float
    log: Path

    def client(self) -> WorkspaceClient:
        # A 1 s retry budget: once the server is killed, a call fails at once instead of
        # retrying a dead port for minutes (the SDK retries connection errors, POSTs included).
        config = Config(host=self.host, token=self.token, auth_type="pat", retry_timeout_seconds=1)
        return WorkspaceClient(config=config)

    def tree(self) -> dict[int, float]:
        """The processes the server started that run now (its descendants: the fork server,
        task processes, what they started), by pid, with their start times."""
        found: dict[int, float] = {}
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(self.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    found[child.pid] = child.create_time()
        return found

    def kill(self) -> None:
        """SIGKILL, by the server's own pid: no chance to clean up."""
        _kill(self.pid, self.started)
        self._wait_gone(30.0)

    def stop(self) -> None:
        """SIGTERM (it ends its tasks and stops), SIGKILL when it does not within 30 s."""
        _kill(self.pid, self.started, signal.SIGTERM)
        if not self._wait_gone(30.0):
            self.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.reaper.wait(timeout=10)  # it ends once nothing is left under it

    def _wait_gone(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while _alive(self.pid, self.started):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True


def serve(data: Path, log: Path, workers: int = 6) -> Served:
    """Start `loom-jobs serve` on `data` (a free port; `workers` tasks at a time) and wait until
    it serves."""
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "loom_jobs_widget.cli", "serve", "--data", str(data)]
    command += ["--workers", str(workers)]
    with log.open("wb") as output:  # a file, not a pipe: nobody has to drain it
        reaper = subprocess.Popen(
            [sys.executable, "-c", _REAPER, *command],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    launched = time.monotonic()
    deadline = launched + _READY_SECONDS
    while True:
        text = log.read_text(encoding="utf-8", errors="replace")
        complete = text.split("\n")[:-1]  # a line still being written is not read
        pids = [int(line.split()[-1]) for line in complete if line.startswith("reaper: ")]
        hosts = [line.split()[1] for line in complete if line.startswith("  host: ")]
        if pids and hosts:
            break
        if reaper.poll() is not None or time.monotonic() > deadline:
            if reaper.poll() is None:
                reaper.kill()  # by its pid; the server, its child, is then killed below
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"loom-jobs serve did not start:\n{text}")
        time.sleep(0.005)
    started = psutil.Process(pids[0]).create_time()
    ready = _since_start(pids[0], launched)
    token = (data / "token").read_text(encoding="utf-8").strip()  # the data folder's, mode 0600
    return Served(reaper, pids[0], started, hosts[0], token, ready, log)


def _since_start(pid: int, launched: float) -> float:
    """Seconds since the process `pid` started: from its start tick since boot (Linux; psutil's
    create_time is off by up to a second, the boot time it adds being whole seconds), else
    since `launched` (monotonic), when its reaper was."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            ticks = int(handle.read().rsplit(b")", 1)[1].split()[19])
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, AttributeError):
        return time.monotonic() - launched


# --- processes, by pid and start time ------------------------------------------------------------


def _alive(pid: int, started: float) -> bool:
    """Whether the process `pid` that started at `started` still runs (a zombie does not: it
    has ended, only its exit status is left to collect)."""
    try:
        proc = psutil.Process(pid)
        return abs(proc.create_time() - started) < 0.01 and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _kill(pid: int, started: float, sig: int = signal.SIGKILL) -> None:
    """Signal the process `pid` if it is still the one that started at `started`."""
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        if abs(proc.create_time() - started) < 0.01:
            proc.send_signal(sig)


# --- the tally -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the kills showed. Every list holds one line per problem; all must stay empty."""

    kills: int = 0
    acknowledged: int = 0  # writes acknowledged to a client: creates, resets, run-nows
    checks: int = 0  # acknowledged writes read back after a restart (one write, many restarts)
    runs: int = 0  # runs in flight at a kill, checked after the restart
    processes: int = 0  # processes of killed servers, checked to be gone
    lost: list[str] = field(default_factory=list)  # an acknowledged write missing or different
    partial: list[str] = field(default_factory=list)  # a job none of whose writes it is
    active: list[str] = field(default_factory=list)  # a run not ended, or ended unreadably
    orphans: list[str] = field(default_factory=list)  # a process of a killed server alive
    ready_seconds: list[float] = field(default_factory=list)  # restart to serving, per kill

    def problems(self) -> list[str]:
        return [*self.lost, *self.partial, *self.active, *self.orphans]


class Crashes:
    """One data folder, served by `loom-jobs serve`, killed and served again. The processes of
    every killed server are remembered (pid and start time) until they are seen gone."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.rng = random.Random(seed)
        self.tally = Tally()
        self.round = 0
        self.big_write_seconds: float | None = None  # how long a 1,000-task save takes here
        self._starts = 0
        self._reapers: list[subprocess.Popen[bytes]] = []
        self.server = self._serve()
        self.acknowledged_jobs: dict[int, tuple[str, dict[str, Any]]] = {}
        self._survivors: dict[int, float] = {}  # processes of killed servers found alive

    def _serve(self) -> Served:
        self._starts += 1
        served = serve(self.data, self.folder / "logs" / f"serve-{self._starts}.log")
        self._reapers.append(served.reaper)
        return served

    def note_big_write(self, seconds: float) -> None:
        """A 1,000-task save took `seconds`: kills are drawn up to the longest seen."""
        self.big_write_seconds = max(self.big_write_seconds or 0.0, seconds)

    @property
    def workspace_root(self) -> Path:
        return self.data / "workspace"

    def crash(
        self,
        processes: Callable[[], dict[int, float]] = dict,
        before_restart: Callable[[], None] | None = None,
    ) -> WorkspaceClient:
        """Kill the server, call `before_restart`, serve the folder again, check that no process
        of the killed server runs (those it had at the kill, and `processes()` read at the kill
        and after the restart), and return a client of the new server."""
        killed = self.server
        seen = killed.tree()
        seen.update(processes())
        killed.kill()
        seen.update(processes())
        if before_restart is not None:
            before_restart()
        self.tally.kills += 1
        self.server = self._serve()
        self.tally.ready_seconds.append(self.server.ready_seconds)
        seen.update(processes())
        seen.pop(killed.pid, None)
        # The restart killed what was left before it served; the exit takes a moment.
        deadline, alive = time.monotonic() + _ORPHAN_GRACE_SECONDS, seen
        while alive and time.monotonic() < deadline:
            alive = {pid: started for pid, started in alive.items() if _alive(pid, started)}
            time.sleep(0.05 if alive else 0)
        self.tally.processes += len(seen)
        for pid in alive:
            try:
                command = " ".join(psutil.Process(pid).cmdline())
            except psutil.Error:
                command = "?"
            self.tally.orphans.append(f"process {pid} of a killed server runs: {command}")
        self._survivors.update(alive)  # killed at close()
        return self.server.client()

    def close(self) -> None:
        """Stop the server; kill (by pid, when still the same process) any process of a killed
        server that the checks found alive, so that a failed test leaves none behind."""
        self.server.stop()
        for pid, started in self._survivors.items():
            _kill(pid, started)
        for reaper in self._reapers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                reaper.wait(timeout=10)  # it ends once nothing is left under it


# --- reading back --------------------------------------------------------------------------------


def _settings(w: WorkspaceClient, job_id: int) -> dict[str, Any] | None:
    """The job's whole settings (the SDK reads every page), None when there is no such job."""
    try:
        job = w.jobs.get(job_id)
    except NotFound:
        return None
    return job.settings.as_dict() if job.settings is not None else {}


def _all_jobs(w: WorkspaceClient) -> dict[int, dict[str, Any]]:
    """Every job with its settings as jobs/list shows them with expand_tasks (a job's first
    100 tasks: enough for every job but the big ones, which are read whole by `_settings`)."""
    return {
        int(job.job_id or 0): job.settings.as_dict() if job.settings is not None else {}
        for job in w.jobs.list(expand_tasks=True)
    }


def _check_acknowledged_jobs(crashes: Crashes, w: WorkspaceClient) -> None:
    """Every job a jobs/create acknowledged, in every round so far, reads back as it was sent."""
    listed = _all_jobs(w)
    for job_id, (name, sent) in crashes.acknowledged_jobs.items():
        crashes.tally.checks += 1
        read = listed.get(job_id)
        if read is not None and len(sent.get("tasks", [])) > 100:
            read = _settings(w, job_id)
        if read is None:
            crashes.tally.lost.append(f"acknowledged job {job_id} ({name}) is gone")
        elif not reads_back_as(sent, read):
            crashes.tally.lost.append(f"acknowledged job {job_id} ({name}) reads back otherwise")


# --- 1. a burst of jobs/create -------------------------------------------------------------------


def _small_job(name: str, rng: random.Random) -> dict[str, Any]:
    tasks: list[dict[str, Any]] = []
    for index in range(rng.randint(1, 4)):
        task: dict[str, Any] = {
            "task_key": f"t{index}",
            "spark_python_task": {
                "python_file": "/Workspace/Shared/never-run.py",
                "parameters": [name, str(index), str(rng.random())],
            },
        }
        if index:
            upstream = [f"t{j}" for j in range(index) if rng.random() < 0.5] or [f"t{index - 1}"]
            task["depends_on"] = [{"task_key": key} for key in upstream]
        tasks.append(task)
    return {
        "name": name,
        "description": "x" * rng.randint(0, 2000),
        "tags": {"crash": str(rng.randint(0, 10**6))},
        "max_concurrent_runs": rng.randint(1, 5),
        "parameters": [{"name": "p", "default": name}],
        "tasks": tasks,
    }


def crash_during_creates(crashes: Crashes, *, threads: int = 4) -> None:
    """Clients create jobs as fast as they can, with distinct names; the server is killed at a
    seeded moment of the burst. After the restart every acknowledged job is there as sent, and
    every job there is one that was sent, whole (one not acknowledged may be there or not)."""
    crashes.round += 1
    server, rng = crashes.server, crashes.rng
    sent: dict[str, dict[str, Any]] = {}
    acknowledged: dict[int, str] = {}
    guard = threading.Lock()
    seeds = [rng.random() for _ in range(threads)]

    def creator(number: int) -> None:
        w, own = server.client(), random.Random(seeds[number])
        for count in range(10**6):
            name = f"burst-{crashes.round}-{number}-{count}"
            settings = _small_job(name, own)
            with guard:
                sent[name] = settings
            try:
                answer = w.api_client.do("POST", "/api/2.2/jobs/create", body=settings)
            except Exception:
                return  # the server is gone
            with guard:
                acknowledged[int(answer["job_id"])] = name

    workers = [threading.Thread(target=creator, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(rng.uniform(0.05, 0.6))
    w = crashes.crash()
    for worker in workers:
        worker.join(timeout=30)
    for job_id, name in acknowledged.items():
        crashes.acknowledged_jobs[job_id] = (name, sent[name])
    crashes.tally.acknowledged += len(acknowledged)
    _check_acknowledged_jobs(crashes, w)
    prefix = f"burst-{crashes.round}-"
    names: dict[str, int] = {}
    for job_id, read in _all_jobs(w).items():
        name = str(read.get("name", ""))
        if not name.startswith(prefix):
            continue
        if name in names:
            crashes.tally.partial.append(f"{name} was created twice: {names[name]}, {job_id}")
        names[name] = job_id
        if name not in sent or not reads_back_as(sent[name], read):
            crashes.tally.partial.append(f"job {job_id} ({name}) is none that was sent")


# --- 2. runs in flight ---------------------------------------------------------------------------

#: A Python file task: notes its pid (and that of a child it may start, which sleeps) in the
#: markers folder, then sleeps. Arguments: markers folder, seconds, "1" to start the child, and
#: optionally a file whose appearance ends the sleep early.
_TASK_FILE: Final = """\
import os, subprocess, sys, time
from pathlib import Path
import psutil

markers, seconds, spawn = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "1"
release = Path(sys.argv[4]) if len(sys.argv) > 4 else None

def note(pid, role):
    temporary = markers / f".{pid}"
    temporary.write_text(f"{psutil.Process(pid).create_time()!r} {role}")
    os.replace(temporary, markers / str(pid))

note(os.getpid(), "task")
if spawn:
    note(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]).pid, "child")
deadline = time.monotonic() + seconds
while time.monotonic() < deadline and not (release is not None and release.exists()):
    time.sleep(0.01)
"""

#: The same as a notebook, with widgets for its arguments.
_TASK_NOTEBOOK: Final = """\
# Databricks notebook source
import os, time
from pathlib import Path
import psutil

markers = Path(dbutils.widgets.get("markers"))
temporary = markers / f".{os.getpid()}"
temporary.write_text(f"{psutil.Process().create_time()!r} task")
os.replace(temporary, markers / str(os.getpid()))

# COMMAND ----------

time.sleep(float(dbutils.widgets.get("seconds")))
"""


def _marked(markers: Path, role: str | None = None) -> dict[int, float]:
    """The processes the tasks noted (those of `role`: "task", "kernel" or "child"), by pid, with
    the start time each wrote itself."""
    found: dict[int, float] = {}
    for marker in markers.iterdir():
        if marker.name.isdigit():
            with contextlib.suppress(OSError, ValueError):
                started, noted = marker.read_text().split()
                if role in (None, noted):
                    found[int(marker.name)] = float(started)
    return found


def _py(
    key: str, markers: Path, seconds: float | str, spawn: bool = False, release: Path | None = None
) -> dict[str, Any]:
    parameters = [str(markers), str(seconds), "1" if spawn else "0"]
    if release is not None:
        parameters.append(str(release))
    return {
        "task_key": key,
        "spark_python_task": {
            "python_file": "/Workspace/Shared/crash/task.py",
            "parameters": parameters,
        },
    }


def _run_jobs(markers: Path, rng: random.Random, label: str) -> list[tuple[dict[str, Any], int]]:
    """The jobs of a round, each with how many times it is run."""
    short = [round(rng.uniform(0.1, 0.8), 2) for _ in range(6)]
    chain = [_py("a", markers, short[0]), _py("b", markers, short[1]), _py("c", markers, short[2])]
    chain[1]["depends_on"] = [{"task_key": "a"}]
    chain[2]["depends_on"] = [{"task_key": "b"}]
    notebooks = [
        {
            "task_key": key,
            "notebook_task": {
                "notebook_path": f"/Workspace/Shared/crash/{notebook}",
                "base_parameters": {"markers": str(markers), "seconds": str(seconds)},
            },
        }
        for key, notebook, seconds in (
            ("n1", "task_notebook", short[3]),
            ("n2", "task_notebook", 30),
            ("k1", "task_kernel", 30),
        )
    ]
    inputs = json.dumps([str(round(rng.uniform(0.2, 1.5), 2)) for _ in range(4)])
    loop = {
        "task_key": "loop",
        "for_each_task": {
            "inputs": inputs,
            "concurrency": 2,
            "task": _py("iteration", markers, "{{input}}"),
        },
    }
    return [
        ({"name": f"chain-{label}", "max_concurrent_runs": 3, "tasks": chain}, 2),
        ({"name": f"notebooks-{label}", "tasks": notebooks}, 1),
        ({"name": f"long-{label}", "tasks": [_py("long", markers, 60, spawn=True)]}, 1),
        ({"name": f"loop-{label}", "tasks": [loop]}, 1),
        # max_concurrent_runs 1: its second run waits in the queue (jobs made with API 2.2).
        ({"name": f"queued-{label}", "tasks": [_py("q", markers, short[4])]}, 2),
    ]


def _write_task_files(root: Path) -> None:
    folder = root / "Shared" / "crash"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "task.py").write_text(_TASK_FILE, encoding="utf-8")
    (folder / "task_notebook.py").write_text(_TASK_NOTEBOOK, encoding="utf-8")
    # The same cells as a .ipynb notebook: it runs in a kernel, a process of its own (in a
    # session of its own) under the task process, which notes the kernel's pid.
    kernel = _TASK_NOTEBOOK.replace("!r} task", "!r} kernel")
    cells = kernel.split("\n", 1)[1].split("# COMMAND ----------")
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [
            {"cell_type": "code", "id": f"c{n}", "metadata": {}, "execution_count": None,
             "outputs": [], "source": cell.strip()}
            for n, cell in enumerate(cells)
        ],
    }  # fmt: skip
    (folder / "task_kernel.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


def _run_problem(run: dict[str, Any]) -> str | None:
    """Why a run read back after a restart is not properly ended, or None when it is."""
    for part in (run, *run.get("tasks", [])):
        state = part.get("state") or {}
        life_cycle = state.get("life_cycle_state")
        what = f"run {part.get('run_id')} {part.get('task_key', '')}".rstrip()
        if life_cycle not in _TERMINAL:
            return f"{what} is still {life_cycle}"
        if state.get("result_state") != "SUCCESS" and not state.get("state_message"):
            return f"{what} ended {life_cycle}/{state.get('result_state')} without a message"
        if part.get("end_time", 0) < part.get("start_time", 0):
            return f"{what} ended before it started"
    return None


def crash_during_runs(crashes: Crashes) -> None:
    """Jobs run (Python files, notebooks, a for_each, a queued run, a task with a child of its
    own); the server is killed while several run. After the restart every acknowledged run is
    there and ended, with a message saying why when it did not succeed, none is active, and no
    process of the killed server is alive."""
    crashes.round += 1
    w, rng = crashes.server.client(), crashes.rng
    _write_task_files(crashes.workspace_root)
    markers = crashes.folder / f"markers-{crashes.round}"
    markers.mkdir()
    run_ids: list[int] = []
    for settings, runs in _run_jobs(markers, rng, str(crashes.round)):
        answer = w.api_client.do("POST", "/api/2.2/jobs/create", body=settings)
        crashes.acknowledged_jobs[int(answer["job_id"])] = (settings["name"], settings)
        crashes.tally.acknowledged += 1
        for _ in range(runs):
            body = {"job_id": answer["job_id"]}
            run_ids.append(
                int(w.api_client.do("POST", "/api/2.2/jobs/run-now", body=body)["run_id"])
            )
    # Every other round waits for the notebook kernel too (it takes a second or two to start).
    kernel = crashes.round % 2 == 1
    deadline = time.monotonic() + 30
    while len(_marked(markers)) < 2 or (kernel and not _marked(markers, "kernel")):
        assert time.monotonic() < deadline, "the tasks did not start"
        time.sleep(0.01)
    time.sleep(rng.uniform(0.0, 1.0))
    w = crashes.crash(lambda: _marked(markers))
    crashes.tally.acknowledged += len(run_ids)
    crashes.tally.checks += len(run_ids)
    crashes.tally.runs += len(run_ids)
    for run_id in run_ids:
        try:
            run = w.api_client.do("GET", "/api/2.2/jobs/runs/get", query={"run_id": run_id})
        except NotFound:
            crashes.tally.lost.append(f"acknowledged run {run_id} is gone")
            continue
        problem = _run_problem(run)
        if problem is not None:
            crashes.tally.active.append(problem)
    for run in w.jobs.list_runs(active_only=True):
        crashes.tally.active.append(f"run {run.run_id} is listed as active after the restart")
    _check_acknowledged_jobs(crashes, w)


# --- 3. a 1,000-task save ------------------------------------------------------------------------


def _big_job(name: str, version: str) -> dict[str, Any]:
    """A job of 1,000 tasks; every task names `version`, so a mix of two saves shows."""
    tasks: list[dict[str, Any]] = []
    for index in range(_BIG_TASKS):
        task: dict[str, Any] = {
            "task_key": f"t{index:04d}",
            "spark_python_task": {
                "python_file": "/Workspace/Shared/never-run.py",
                "parameters": [version, str(index)],
            },
        }
        if index:
            upstream = sorted({f"t{index - 1:04d}", f"t{index // 2:04d}"})
            task["depends_on"] = [{"task_key": key} for key in upstream]
        tasks.append(task)
    return {"name": name, "description": f"version {version}", "tasks": tasks}


def _create(w: WorkspaceClient, settings: dict[str, Any]) -> int:
    return int(w.api_client.do("POST", "/api/2.2/jobs/create", body=settings)["job_id"])


def crash_during_big_save(crashes: Crashes, *, reset: bool) -> None:
    """A 1,000-task jobs/reset (of a 1,000-task job), or jobs/create, killed at a seeded moment
    of the request: after the restart the job has the whole old or the whole new settings (for
    a create: is absent or whole), and the new ones when the save was acknowledged."""
    crashes.round += 1
    w, rng = crashes.server.client(), crashes.rng
    name = f"big-{crashes.round}"
    old, new = _big_job(name, f"old-{crashes.round}"), _big_job(name, f"new-{crashes.round}")
    job_id: int | None = None
    if reset:
        job_id = _create(w, old)
        crashes.acknowledged_jobs[job_id] = (name, old)
        # A reset to the same settings, timed: the kill moment is drawn from such a save's time.
        began = time.monotonic()
        w.api_client.do("POST", "/api/2.2/jobs/reset", body={"job_id": job_id, "new_settings": old})
        crashes.note_big_write(time.monotonic() - began)
        crashes.tally.acknowledged += 2
    elif crashes.big_write_seconds is None:
        calibration = _big_job(f"calibration-{crashes.round}", "calibration")
        began = time.monotonic()
        created = _create(w, calibration)
        crashes.note_big_write(time.monotonic() - began)
        crashes.acknowledged_jobs[created] = (calibration["name"], calibration)
        crashes.tally.acknowledged += 1
    acknowledged: list[int] = []

    def save() -> None:
        began = time.monotonic()
        try:
            if job_id is not None:
                body = {"job_id": job_id, "new_settings": new}
                w.api_client.do("POST", "/api/2.2/jobs/reset", body=body)
                acknowledged.append(job_id)
            else:
                acknowledged.append(_create(w, new))
        except Exception:
            return  # the server is gone
        crashes.note_big_write(time.monotonic() - began)

    saver = threading.Thread(target=save, daemon=True)
    assert crashes.big_write_seconds is not None
    delay = rng.uniform(0.0, 1.2 * crashes.big_write_seconds)
    saver.start()
    time.sleep(delay)
    w = crashes.crash()
    saver.join(timeout=30)
    if job_id is not None:
        crashes.tally.checks += 1 + len(acknowledged)  # the job's create, and its reset
        read = _settings(w, job_id)
        if read is None:
            crashes.tally.lost.append(f"job {job_id} (acknowledged create) is gone")
        elif acknowledged and not reads_back_as(new, read):
            crashes.tally.lost.append(f"acknowledged reset of job {job_id} is not what it reads")
        elif not (reads_back_as(old, read) or reads_back_as(new, read)):
            crashes.tally.partial.append(f"job {job_id} has neither the old nor the new settings")
        if acknowledged:
            crashes.tally.acknowledged += 1
            crashes.acknowledged_jobs[job_id] = (name, new)
        elif read is not None and reads_back_as(new, read):
            crashes.acknowledged_jobs[job_id] = (name, new)  # written, answer lost: it stands
        return
    found = [int(job.job_id or 0) for job in w.jobs.list(name=name)]
    if acknowledged:
        crashes.tally.acknowledged += 1
        crashes.tally.checks += 1
        crashes.acknowledged_jobs[acknowledged[0]] = (name, new)
        if acknowledged[0] not in found:
            crashes.tally.lost.append(f"acknowledged job {acknowledged[0]} ({name}) is gone")
    if len(found) > 1:
        crashes.tally.partial.append(f"{name} was created {len(found)} times: {found}")
    for found_id in found:
        read = _settings(w, found_id)
        if read is None or not reads_back_as(new, read):
            crashes.tally.partial.append(f"job {found_id} ({name}) is not the settings sent")


# --- the tests -----------------------------------------------------------------------------------


@pytest.fixture
def crashes(tmp_path: Path) -> Iterator[Callable[[int], Crashes]]:
    made: list[Crashes] = []

    def make(seed: int) -> Crashes:
        made.append(Crashes(tmp_path, seed))
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_acknowledged_creates_survive_kills_during_a_burst(
    crashes: Callable[[int], Crashes],
) -> None:
    crash = crashes(1)
    for _ in range(3):
        crash_during_creates(crash)
    assert crash.tally.problems() == []
    assert crash.tally.kills == 3 and crash.tally.acknowledged > 0


def test_runs_end_and_no_process_survives_kills_during_runs(
    crashes: Callable[[int], Crashes],
) -> None:
    crash = crashes(2)
    for _ in range(2):
        crash_during_runs(crash)
    assert crash.tally.problems() == []
    # Tasks were in flight at each kill: processes of each killed server were seen and checked.
    assert crash.tally.kills == 2 and crash.tally.processes >= 4


def test_a_1000_task_save_is_whole_old_or_new_after_a_kill(
    crashes: Callable[[int], Crashes],
) -> None:
    crash = crashes(3)
    for reset in (True, True, False, True):
        crash_during_big_save(crash, reset=reset)
    assert crash.tally.problems() == []
    assert crash.tally.kills == 4


def test_what_a_task_left_running_dies_at_the_restart(crashes: Callable[[int], Crashes]) -> None:
    """The server dies; its task then ends on its own, leaving a child of its own running: the
    restart kills that child too (what is left of the task's process group)."""
    crash = crashes(4)
    _write_task_files(crash.workspace_root)
    markers, release = crash.folder / "markers", crash.folder / "release"
    markers.mkdir()
    w = crash.server.client()
    task = _py("leaves", markers, 60, spawn=True, release=release)
    job_id = _create(w, {"name": "leaves-a-child", "tasks": [task]})
    run_id = int(
        w.api_client.do("POST", "/api/2.2/jobs/run-now", body={"job_id": job_id})["run_id"]
    )
    deadline = time.monotonic() + 20
    while len(_marked(markers)) < 2:
        assert time.monotonic() < deadline, "the task did not start"
        time.sleep(0.01)

    def end_the_task() -> None:
        release.touch()
        ((pid, started),) = _marked(markers, "task").items()
        while _alive(pid, started):
            assert time.monotonic() < deadline + 20, "the task did not end"
            time.sleep(0.01)
        ((child, born),) = _marked(markers, "child").items()
        assert _alive(child, born)  # left running, in the task's process group

    w = crash.crash(lambda: _marked(markers), end_the_task)
    run = w.api_client.do("GET", "/api/2.2/jobs/runs/get", query={"run_id": run_id})
    assert _run_problem(run) is None
    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    assert crash.tally.problems() == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="start ticks are read in /proc")
def test_a_recorded_process_is_killed_only_while_it_is_that_process() -> None:
    """A restart kills a recorded task process by its pid only if that pid still is the process
    that started at the recorded tick of this boot: a reused pid is left alone, and a wall clock
    set since (create_time moved) does not spare the task."""
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    try:
        record = json.loads(process_record(sleeper.pid))
        kill_recorded(json.dumps({**record, "ticks": record["ticks"] + 1}))  # another process
        kill_recorded(json.dumps({**record, "boot": "another boot"}))
        time.sleep(0.1)
        assert sleeper.poll() is None
        kill_recorded(json.dumps({**record, "started": record["started"] + 1.0}))
        assert sleeper.wait(timeout=5) == -signal.SIGKILL
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()
