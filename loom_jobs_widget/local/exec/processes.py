"""Task process trees: killing one with everything it started (cancel), and finding and killing
what a previous server process left running (after a restart): a recorded task process, if that
pid still is that process, with all it started, or what it left in its process group; and
telling whether a recorded process (a task's, a server's) still runs, pids being reused. POSIX
only: this relies on sessions and process groups (and, to tell a process by its start, on
Linux's /proc; elsewhere psutil's create_time)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from typing import Any, Final, Protocol

__all__ = ["ChildProcess", "kill_recorded", "kill_tree", "process_record", "process_running"]


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

# How long `kill_recorded` waits for what it killed to be gone (SIGKILL is not refused; a process
# in uninterruptible sleep dies when it wakes).
_GONE_SECONDS: Final = 2.0


def process_record(pid: int) -> str:
    """What identifies a task process after a restart of the workspace (the engine stores it
    with the task run, before the process runs anything): its pid, and when it started, as
    psutil's create_time (seconds since the epoch) and, on Linux, as clock ticks since boot
    with the boot's id. Pids are reused; a pid and a start tick of one boot are not, and ticks
    since boot do not move when the wall clock is set."""
    started: float | None
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]

        started = psutil.Process(pid).create_time()
    except Exception:  # psutil missing, or the process already gone
        started = None
    return json.dumps(
        {"pid": pid, "started": started, "ticks": _start_ticks(pid), "boot": _boot_id()}
    )


def process_running(record: str | None) -> bool:
    """Whether the process a `process_record` names still runs: its pid is still that process
    (the same start), and it has not ended (a zombie has: only its exit status is left)."""
    try:
        info = json.loads(record or "")
        pid = int(info["pid"])
    except (ValueError, KeyError, TypeError):
        return False
    import psutil  # type: ignore[import-untyped,unused-ignore]

    try:
        if _same_process(psutil, info, pid) is not True:
            return False
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def kill_recorded(record: str | None) -> None:
    """Kill what is left of a task process a previous server process left running
    (`process_record`): the process with everything it started, or, when the process itself
    has ended, what it left running in its process group. Nothing is killed unless it is
    certainly that task's: the process must have the recorded start; its process group is
    signalled only when the process led it (a task process starts a session of its own)."""
    if not record:
        return
    try:
        info = json.loads(record)
        pid = int(info["pid"])
    except (ValueError, KeyError, TypeError):
        return
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return
    # Whatever goes wrong here (a process gone midway, one not ours), the restart goes on.
    with contextlib.suppress(Exception):
        same = _same_process(psutil, info, pid)
        if same:
            _kill_process_tree(psutil, pid)
        elif same is None:
            _kill_left_group(psutil, info, pid)


def _same_process(psutil: Any, info: dict[str, Any], pid: int) -> bool | None:
    """True when `pid` is still the recorded process, False when it is another one or the record
    cannot tell, None when no process has that pid any more (in the boot that recorded it)."""
    ticks, boot = info.get("ticks"), info.get("boot")
    if isinstance(ticks, int) and isinstance(boot, str) and boot:
        if boot != _boot_id():
            return False  # the machine restarted since: nothing of that boot runs
        now = _start_ticks(pid)
        if now is None:
            return None if not psutil.pid_exists(pid) else False
        return now == ticks
    started = info.get("started")  # a record made before ticks were kept, or not on Linux
    if not isinstance(started, (int, float)):
        return False
    try:
        return bool(abs(psutil.Process(pid).create_time() - float(started)) <= 0.01)
    except psutil.NoSuchProcess:
        return None


def _kill_process_tree(psutil: Any, pid: int) -> None:
    """SIGKILL the process `pid`, its descendants (stopped first, so that none starts another
    while the tree is listed) and their process groups, and wait for them to be gone."""
    own_group = os.getpgrp()
    root = psutil.Process(pid)
    with contextlib.suppress(OSError):
        if os.getpgid(pid) == pid != own_group:
            os.killpg(pid, signal.SIGSTOP)  # its group: the task and what it started
    found: dict[int, Any] = {pid: root}
    with contextlib.suppress(psutil.Error):
        root.suspend()
    # Descendants in sessions of their own (a notebook's kernel) are not in its group: they
    # are stopped one by one as the listing finds them, until a listing finds none new.
    while True:
        fresh = []
        for proc in list(found.values()):
            with contextlib.suppress(psutil.Error):
                fresh += [child for child in proc.children() if child.pid not in found]
        if not fresh:
            break
        for proc in fresh:
            found[proc.pid] = proc
            with contextlib.suppress(psutil.Error):
                proc.suspend()
    groups = set()
    for member in found:
        with contextlib.suppress(OSError):
            groups.add(os.getpgid(member))
    for group in groups - {0, 1, own_group}:
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
    for proc in found.values():
        with contextlib.suppress(psutil.Error):
            proc.kill()  # psutil checks the pid was not reused
    _wait_gone(psutil, list(found.values()))


def _kill_left_group(psutil: Any, info: dict[str, Any], pid: int) -> None:
    """The task process has ended, but its process group (its pid: it led a session of its own)
    may still have members, processes it started and left running; they are SIGKILLed.

    Only a process can make a group of its own pid, and while a group lives no new process gets
    its id as pid (POSIX.1-2017, fork(): "The child process ID also shall not match any active
    process group ID"). So a group with the task's pid, and no process with it, is the task's
    unless the pid was freed, reused by a process that led a group of its own and died leaving
    it, all between the crash and the restart. Members that started before the task cannot be
    its: then nothing is killed."""
    try:
        os.killpg(pid, 0)
    except OSError:
        return  # no such group (or not ours): nothing left
    ticks = info.get("ticks")
    members = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(proc.pid) != pid:
                continue
            started = _start_ticks(proc.pid)
            if isinstance(ticks, int) and (started is None or started < ticks):
                return  # not the task's group after all
            members.append(proc)
    for proc in members:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    _wait_gone(psutil, members)


def _wait_gone(psutil: Any, procs: list[Any]) -> None:
    """Wait (a little) until every one of `procs` has ended. A zombie has: its exit status is
    its parent's (or init's) to collect, and a process that is not our child is not ours to
    reap."""
    deadline = time.monotonic() + _GONE_SECONDS
    left = procs
    while left and time.monotonic() < deadline:
        still = []
        for proc in left:
            with contextlib.suppress(psutil.Error):
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    still.append(proc)
        left = still
        if left:
            time.sleep(0.01)


def _start_ticks(pid: int) -> int | None:
    """When the process started, in clock ticks since boot (field 22 of /proc/PID/stat, read
    after the command name, which may hold spaces and parentheses); None without /proc or
    without the process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[19])  # fields[0] is the state, field 3
    except (OSError, IndexError, ValueError):
        return None


def _boot_id() -> str | None:
    """This boot's id (Linux), None elsewhere."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except OSError:
        return None
