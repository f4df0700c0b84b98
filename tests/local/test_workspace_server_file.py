"""`server.json`, how another process finds the workspace serving a data folder (`find_running`),
must never name a server that is gone: a killed server leaves its file behind, and its pid may
be another process's by the time someone reads it. The file names the server's process by its
pid and its start; a pid whose process started otherwise is not the server.

A client would otherwise be sent to the address of a dead server (connection refused) instead
of being told that nobody it can reach serves the folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from loom_jobs_widget.client import ConfigurationError, connect
from loom_jobs_widget.local import LocalWorkspace, find_running
from loom_jobs_widget.local.exec import process_record

from .helpers import client
from .test_crash import serve


@pytest.fixture
def sleeper() -> Iterator[int]:
    """A live process that is no server: the one a dead server's pid could now be."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield process.pid
    finally:
        process.kill()  # by its pid
        process.wait()


def server_file(data: Path) -> dict[str, Any]:
    info: dict[str, Any] = json.loads((data / "server.json").read_text(encoding="utf-8"))
    return info


def write_server_file(data: Path, info: dict[str, Any]) -> None:
    (data / "server.json").write_text(json.dumps(info), encoding="utf-8")


@dataclass
class Stale:
    """A data folder a workspace served and left, with the `server.json` it wrote while it
    served (as a killed server leaves it), and the address and token it had."""

    data: Path
    info: dict[str, Any]
    host: str
    token: str

    def reused_by(self, pid: int) -> dict[str, Any]:
        """The file once the server's pid names the process `pid`: that pid, the server's
        start."""
        return {**self.info, "pid": pid, "process": {**self.info["process"], "pid": pid}}


@pytest.fixture
def stale(tmp_path: Path) -> Stale:
    data = tmp_path / "data"
    with LocalWorkspace(data) as lw:
        info = server_file(data)
        assert find_running(data) == (lw.host, lw.token)
        client(lw).jobs.list()  # it serves
        found = Stale(data, info, lw.host, lw.token)
    write_server_file(data, info)
    return found


def test_the_server_file_names_the_process_by_its_pid_and_start(tmp_path: Path) -> None:
    with LocalWorkspace(tmp_path / "data") as lw:
        info = server_file(tmp_path / "data")
        assert info["host"] == lw.host and info["pid"] == os.getpid()
        assert info["process"] == json.loads(process_record(os.getpid()))
        assert find_running(tmp_path / "data") == (lw.host, lw.token)
    assert find_running(tmp_path / "data") is None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="start ticks are read in /proc")
def test_a_live_process_that_started_otherwise_is_not_the_server(stale: Stale) -> None:
    info = stale.info
    assert find_running(stale.data) == (stale.host, stale.token)  # this process: the server's
    # The very pid of the server (this process), but another start: the pid was reused.
    process = {**info["process"], "ticks": info["process"]["ticks"] - 1}
    write_server_file(stale.data, {**info, "process": process})
    assert find_running(stale.data) is None
    # ... or a start in another boot of the machine.
    write_server_file(stale.data, {**info, "process": {**info["process"], "boot": "another"}})
    assert find_running(stale.data) is None
    write_server_file(stale.data, {**info, "process": "not a record"})
    assert find_running(stale.data) is None


def test_a_dead_servers_pid_now_anothers_is_not_the_server(stale: Stale, sleeper: int) -> None:
    write_server_file(stale.data, stale.reused_by(sleeper))
    assert find_running(stale.data) is None
    # Only that process's own start would do.
    own = {**stale.reused_by(sleeper), "process": json.loads(process_record(sleeper))}
    write_server_file(stale.data, own)
    assert find_running(stale.data) == (stale.host, stale.token)


def test_a_server_file_of_an_older_version_is_read_by_its_pid(stale: Stale, sleeper: int) -> None:
    write_server_file(stale.data, {"host": stale.host, "pid": sleeper})
    assert find_running(stale.data) == (stale.host, stale.token)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    write_server_file(stale.data, {"host": stale.host, "pid": int(ended.stdout)})
    assert find_running(stale.data) is None


def test_connect_to_a_held_folder_with_a_stale_server_file_says_so(
    clean_env: Path, stale: Stale, sleeper: int
) -> None:
    """Another process holds the folder (it is starting to serve it, say) and the file is a
    killed server's whose pid is now another process's: connect() says the address is unknown
    rather than handing out the dead server's."""
    write_server_file(stale.data, stale.reused_by(sleeper))
    with (stale.data / "lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ConfigurationError, match="another process holds it but its address"):
            connect("local", data_dir=stale.data)


def test_a_workspace_starting_on_the_folder_drops_a_dead_servers_file(
    stale: Stale, sleeper: int
) -> None:
    """The folder's lock is the new workspace's from its first step: whatever server.json says
    then is a dead server's, even when the start then fails (here: its port is taken)."""
    write_server_file(stale.data, {"host": stale.host, "pid": sleeper})  # an older version's
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            LocalWorkspace(stale.data, port=taken.getsockname()[1]).start()
    assert find_running(stale.data) is None
    assert not (stale.data / "server.json").exists()


def test_a_killed_servers_file_sends_nobody_to_it(tmp_path: Path) -> None:
    """`loom-jobs serve`, SIGKILLed (by its pid), leaves its server.json behind: neither it nor,
    once its pid is another process's, that process is taken for the server; the server started
    next on the folder is found."""
    data = tmp_path / "data"
    killed = serve(data, tmp_path / "serve-1.log")
    try:
        assert find_running(data) == (killed.host, killed.token)
    finally:
        killed.kill()
        killed.reaper.wait(timeout=30)
    info = server_file(data)
    assert info["pid"] == killed.pid  # left behind
    assert find_running(data) is None
    # Its pid reused: this test's process (alive, no server) stands for whoever has it now.
    reused = {**info, "pid": os.getpid(), "process": {**info["process"], "pid": os.getpid()}}
    write_server_file(data, reused)
    assert find_running(data) is None
    served = serve(data, tmp_path / "serve-2.log")
    try:
        assert find_running(data) == (served.host, served.token)
    finally:
        served.stop()
