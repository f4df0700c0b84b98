"""Task process trees: killing one with everything it started (cancel), and finding and killing
one a previous server process left running (after a restart). POSIX only: this relies on
sessions and process groups."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from typing import Protocol

__all__ = ["ChildProcess", "kill_recorded", "kill_tree", "process_record"]


class ChildProcess(Protocol):
    """What the runner needs of a task process: `subprocess.Popen`, or a `ForkedProcess`."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...


def kill_tree(popen: ChildProcess, grace: float) -> None:
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


# --- task processes after a restart --------------------------------------------------------------


def process_record(pid: int) -> str:
    """What identifies a task process after a restart of the workspace (the engine stores it
    with the task run): its pid and its start time (pids are reused; the pair is not)."""
    started: float | None = None
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        started = psutil.Process(pid).create_time()
    except Exception:  # psutil missing, or the process already gone
        started = None
    return json.dumps({"pid": pid, "started": started})


def kill_recorded(record: str | None) -> None:
    """Kill a task process a previous server process left running (`process_record`), with its
    process group and its descendants, if it is still the same process (same start time)."""
    if not record:
        return
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        info = json.loads(record)
        pid = int(info["pid"])
        started = info.get("started")
        if started is None:
            return
        proc = psutil.Process(pid)
        if abs(proc.create_time() - float(started)) > 0.01:
            return
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pid:  # its own group (task processes start a new session)
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(psutil.Error):
            proc.kill()
    except Exception:
        return  # gone already, or not ours to kill
