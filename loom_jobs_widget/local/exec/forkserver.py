"""A warm task interpreter: a fork server that starts each task-run process in about a millisecond.

Starting `python -m loom_jobs_widget.local.exec.bootstrap RUN_DIR` costs 60-80 ms of interpreter
start and imports per task run, most of a no-op task's overhead. So the workspace starts that very
command once, in fork-server mode (`bootstrap --fork-server FD`): the process (the zygote) has
imported everything the bootstrap imports and then forks one child per task-run attempt. Each
child then does what a freshly spawned bootstrap would, and is the task's process exactly as
before: its own pid, its own session (cancel kills its process group and tree), stdin from
/dev/null, stdout and stderr into the run folder's `output.log`, the run folder as working
directory and `sys.path[0]`, the task's environment (`environment`: the server's variables it
allows, the task's own), `__main__` the bootstrap, and a normal interpreter exit (atexit handlers,
non-daemon threads) with the bootstrap's status. The zygote itself starts with the allowed
variables only: a forked child shares the zygote's initial environment block (what
/proc/PID/environ shows), so nothing else may ever be in it.

The protocol, over a SOCK_SEQPACKET socket pair (`FD` in the zygote):

- the server sends one message per task: JSON `{"run_dir", "env"}`, with three descriptors
  (SCM_RIGHTS): its end of a fresh stream socket pair for this task (`reply`), `output.log`,
  which the server opens (truncating it) as it did for `subprocess.Popen`, and the read end of
  a pipe, the child's start gate;
- the zygote forks and writes `pid <pid>\\n` on `reply`, then `status <wait status>\\n` once it
  has reaped the child (it watches each child through a pidfd), and closes `reply`. The server
  waits for a task by waiting for `reply` to turn readable, as it waits on a pidfd for a spawned
  process; `ForkedProcess` gives it the `subprocess.Popen` methods the runner uses;
- the child waits at its gate until the server, knowing the pid, has recorded the process (the
  engine stores it, for a restart after a crash to find) and writes `go`; without `go` (the
  server gave up on it, or died) it exits, having run nothing. So a task never runs unseen, and
  a forked task, which reaches user code a millisecond after the fork, cannot outrun its
  record. A spawned task process has the same gate (`GATE_FLAG`, `wait_at_gate`), for the same
  reason. If the server's end of `reply` is gone when the zygote writes the pid, the zygote
  kills the child at once;
- `stop` on the control socket stops the zygote, which first SIGKILLs the process groups of any
  task still running. The server sends it when the local workspace stops, after the engine has
  ended every task, and then waits for the zygote by its pid, killing it (by that pid) if it
  does not exit. End of file without `stop` (the server died) ends the zygote alone: its tasks
  live on, as spawned ones do, until the next start of the workspace kills them (the engine
  stores every task process's pid and start time for that).

The zygote is single-threaded (forking a threaded process is unsafe) and holds no Python object
over a descriptor a child might reuse: a child detaches the only socket object and closes every
inherited descriptor above 2 before it runs anything.

Spark tasks: importing the Spark Connect client's dependencies (pandas, numpy, pyarrow, grpc,
protobuf, IPython) costs a task about a second, more than the rest of a warm Spark task. So once
the zygote has forked a task of a workspace that runs Spark (its invocation names the Spark
folder) and pyspark is installed, it imports them itself, when it has nothing else to do, and
every later task starts with them imported. Not pyspark itself: a task's first `import pyspark`
is what connects a builder's `getOrCreate()` to the workspace's server (`spark`), and each task
opens its own session. numpy's OpenBLAS and pyarrow's jemalloc start threads at import; both
libraries re-initialise them in a forked child (their own pthread_atfork handlers), as
multiprocessing's fork start method relies on. As on Databricks, where the runtime has them
imported, a `%pip install` of another version of one of them needs a restart of Python to be
used (docs.databricks.com libraries/notebooks-python-libraries).

Differences from a spawned interpreter, none of them documented behaviour: the children share
the zygote's string hash seed (set iteration order is the same in every task run; `random`
reseeds itself after a fork); their parent (`os.getppid()`) is the zygote, not the server; the
modules the bootstrap imports (the loom package, json, ...) are those of the zygote's start, and
frozen out of the cyclic collector (`gc.freeze`). Variables read only at interpreter start
(`PYTHON*`, `LD_*`, `LC_*`, `LANG`) cannot change in a fork: when a task's differ from the
zygote's (the server's changed, or the task's cluster sets one), that task is spawned. Without
`os.fork`, `os.pidfd_open` or `socket.send_fds` (not Linux) every task is spawned.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, NoReturn

from loom_jobs_widget.local.exec.environment import FORCED, server_variables
from loom_jobs_widget.local.exec.protocol import BOOTSTRAP_MODULE, INVOCATION_FILE

__all__ = [
    "FLAG",
    "GATE_FLAG",
    "START_SECONDS",
    "ForkServer",
    "ForkServerUnavailable",
    "ForkedProcess",
    "available",
    "open_gate",
    "serve",
    "wait_at_gate",
]

#: The bootstrap module, run in fork-server mode with this flag and the control descriptor.
FLAG: Final = "--fork-server"
#: The bootstrap's option for a spawned task process's start gate: `--gate FD RUN_DIR`, FD the
#: read end of a pipe that the server opens (`open_gate`) once it has recorded the process.
GATE_FLAG: Final = "--gate"
_GO: Final = b"go"
#: Largest request (JSON of the run folder and the environment): within a socket's buffer.
_MAX_REQUEST: Final = 128 * 1024
#: How long the server waits for the zygote to be ready, and for a child's pid.
START_SECONDS: Final = 30.0
_STOP_SECONDS: Final = 5.0
#: What the Spark Connect client imports besides pyspark, slowest first: the zygote imports them
#: once it has run a Spark task (see the module docstring).
_SPARK_CLIENT_MODULES: Final = ("pandas", "pyarrow", "grpc", "google.protobuf", "IPython")
#: Environment variables read at interpreter start only: a fork cannot honour a change of them.
_START_ONLY_PREFIXES: Final = ("PYTHON", "LD_", "LC_", "LANG")
_STOP: Final = b"stop"  # the server's last message: the workspace stops


def available() -> bool:
    """Whether this platform can run a fork server (Linux: fork, pidfds, descriptor passing)."""
    return all(
        (
            hasattr(os, "fork"),
            hasattr(os, "pidfd_open"),
            hasattr(socket, "send_fds"),
            hasattr(socket, "SOCK_SEQPACKET"),
        )
    )


def _start_only(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(_START_ONLY_PREFIXES) and k not in FORCED}


# --- the server's side ---------------------------------------------------------------------------


class ForkServerUnavailable(Exception):
    """The task could not be handed to the zygote, and no process was started: spawn it."""


class ForkedProcess:
    """A task process forked by the zygote, with the `subprocess.Popen` methods the runner uses
    (`pid`, `returncode`, `poll`, `wait`) and `fileno()`, readable once it has ended."""

    def __init__(self, pid: int, reply: socket.socket, received: bytes = b"") -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.status_lost = False  # the zygote went away before reporting the exit status
        self._reply = reply
        self._buffer = received
        self._pidfd: int | None = None  # once the zygote is gone: the process itself
        self._lock = threading.Lock()
        # Descriptors stay open while anyone may poll them: closed with this object.
        self._handles: list[socket.socket | int] = [reply]
        weakref.finalize(self, _close_handles, self._handles)

    def fileno(self) -> int:
        return self._reply.fileno()

    def poll(self) -> int | None:
        return self._wait(0.0)

    def wait(self, timeout: float | None = None) -> int:
        returncode = self._wait(timeout)
        if returncode is None:
            raise subprocess.TimeoutExpired(f"task process {self.pid}", timeout or 0.0)
        return returncode

    def _wait(self, timeout: float | None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if self.returncode is not None:
                    return self.returncode
                fd = self._pidfd if self._pidfd is not None else self._reply.fileno()
            poller = select.poll()  # no lock held while blocking: poll() and cancel go on
            poller.register(fd, select.POLLIN)
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not poller.poll(None if left is None else left * 1000):
                return None
            with self._lock:
                if self.returncode is None:
                    self._read(fd)

    def _read(self, fd: int) -> None:
        """After `fd` turned readable (lock held): the exit status, if it is there."""
        if fd == self._pidfd:  # the process ended; the zygote that would reap it is gone
            self.status_lost = True
            self.returncode = 1
            return
        try:
            chunk = self._reply.recv(4096, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        self._buffer += chunk
        if b"\n" in self._buffer:
            line = self._buffer.split(b"\n", 1)[0].decode(errors="replace")
            self.returncode = os.waitstatus_to_exitcode(int(line.split()[1]))
        elif not chunk:  # the zygote died: wait for the process itself, its status unknown
            try:
                self._pidfd = os.pidfd_open(self.pid)
                self._handles.append(self._pidfd)
            except OSError:  # gone already
                self.status_lost = True
                self.returncode = 1


def _close_handles(handles: list[socket.socket | int]) -> None:
    for handle in handles:
        with contextlib.suppress(OSError):
            if isinstance(handle, int):
                os.close(handle)
            else:
                handle.close()


class ForkServer:
    """The server's handle on one zygote, started at the first task and stopped by `stop()`."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder  # its working directory and log (nothing of the user's)
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._env: dict[str, str] = {}
        self._broken = not available()
        self._stopped = False

    @property
    def pid(self) -> int | None:
        """The zygote's pid while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start_child(
        self,
        run_dir: Path,
        log: int,
        env: Mapping[str, str],
        on_start: Callable[[int], None] | None = None,
    ) -> ForkedProcess:
        """A new task process for `run_dir`, with `log` as its stdout and stderr; raises
        ForkServerUnavailable when the zygote cannot take it (no process was started).

        The process waits at its start gate until `on_start(pid)` has returned, so what the
        caller records of it is recorded before it runs anything; if `on_start` raises, the
        process exits without running the task.
        """
        control = self._ready(env)
        reply, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        gate_read, gate = os.pipe()
        try:
            request = json.dumps({"run_dir": str(run_dir), "env": {**env, **FORCED}}).encode()
            if len(request) > _MAX_REQUEST:
                raise ForkServerUnavailable("the environment is too large to send")
            try:
                # MSG_NOSIGNAL: a zygote gone is an error here, never a SIGPIPE.
                socket.send_fds(
                    control, [request], [theirs.fileno(), log, gate_read], socket.MSG_NOSIGNAL
                )
            except OSError as exc:
                raise ForkServerUnavailable(f"the fork server is gone: {exc}") from exc
        except BaseException:
            reply.close()
            os.close(gate)
            raise
        finally:
            theirs.close()
            os.close(gate_read)
        try:
            process = self._forked(reply)
            if on_start is not None:
                on_start(process.pid)
            open_gate(gate)
        finally:
            os.close(gate)  # without "go": the process exits at its gate, running nothing
        return process

    def _forked(self, reply: socket.socket) -> ForkedProcess:
        """The process the zygote forked for the request just sent, once it names it. Without
        a pid, ForkServerUnavailable: a process forked all the same never passes its gate
        (closed without `go` by the caller), so spawning the task instead cannot run it twice."""
        reply.settimeout(START_SECONDS)
        buffer = b""
        try:
            while b"\n" not in buffer:
                chunk = reply.recv(256)
                if not chunk:
                    break
                buffer += chunk
        except OSError:
            reply.close()
            self._give_up()  # hung: it is replaced at the next task
            raise ForkServerUnavailable("the fork server did not answer in time") from None
        reply.settimeout(None)
        line, _, rest = buffer.partition(b"\n")
        words = line.decode(errors="replace").split()
        if len(words) == 2 and words[0] == "pid":
            return ForkedProcess(int(words[1]), reply, rest)
        reply.close()  # refused (fork failed in the zygote), or the zygote died
        raise ForkServerUnavailable(f"the fork server answered {line!r}")

    def _give_up(self) -> None:
        with self._lock:
            if self._process is not None:
                self._process.kill()  # by its pid; `_ready` then starts another

    def _ready(self, env: Mapping[str, str]) -> socket.socket:
        """The control socket of a running zygote fit for `env`, started if needed."""
        with self._lock:
            if self._broken or self._stopped:
                raise ForkServerUnavailable("no fork server")
            if self._process is not None and self._process.poll() is not None:
                self._discard()  # it died (killed by someone): start another
            if self._process is None:
                self._start()
            if _start_only(env) != _start_only(self._env):
                raise ForkServerUnavailable("the interpreter's start-up environment changed")
            assert self._control is not None
            return self._control

    def _start(self) -> None:
        # Never a task's environment: the zygote's lasts, in every child it forks.
        env = {**server_variables(), **FORCED}
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._folder.mkdir(parents=True, exist_ok=True)
        try:
            with (self._folder / "fork-server.log").open("ab") as log:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        BOOTSTRAP_MODULE,
                        FLAG,
                        str(theirs.fileno()),
                    ],
                    cwd=self._folder,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    pass_fds=[theirs.fileno()],
                    start_new_session=True,  # no terminal's signals; its own group
                )
        except OSError:
            ours.close()
            self._broken = True
            raise ForkServerUnavailable("the fork server could not start") from None
        finally:
            theirs.close()
        ours.settimeout(START_SECONDS)
        try:
            ready = ours.recv(64)
        except OSError:
            ready = b""
        ours.settimeout(None)
        self._process, self._control, self._env = process, ours, dict(env)
        if ready != b"ready":
            # It cannot serve (an import failed, ...): spawn every task from now on.
            self._broken = True
            self._discard()
            raise ForkServerUnavailable("the fork server did not start")

    def _discard(self) -> None:
        control, self._control = self._control, None
        process, self._process = self._process, None
        if control is not None:
            with contextlib.suppress(OSError):
                # The zygote kills what it still runs, and exits.
                control.send(_STOP, socket.MSG_NOSIGNAL)
            control.close()
        if process is not None:
            try:
                process.wait(_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()  # by its pid: never by name
                process.wait()

    def stop(self) -> None:
        """Stop the zygote (and any task process it still runs); safe to call twice."""
        with self._lock:
            self._stopped = True
            self._discard()


# --- the zygote's side ---------------------------------------------------------------------------


def serve(control_fd: int) -> str:
    """The zygote's loop (run by the bootstrap in fork-server mode). Returns only in a forked
    child, set up as a task process: the run folder to run. The zygote itself exits on `stop`
    or when the control socket closes (see the module docstring)."""
    control = socket.socket(fileno=control_fd)
    # What is alive now lives as long as the zygote: out of the collector's sight, a child
    # neither scans nor copies it (a child's interpreter exit takes ~6 ms instead of ~15 ms).
    gc.collect()
    gc.freeze()
    control.sendall(b"ready")
    poller = select.poll()
    poller.register(control_fd, select.POLLIN)
    children: dict[int, tuple[int, int]] = {}  # pidfd -> (pid, reply descriptor)
    preload: bool | None = False  # True: wanted; None: done
    while True:
        try:
            events = poller.poll(0 if preload else None)
        except InterruptedError:
            continue
        if preload and not events:  # idle: no request or child end waits for the import
            _import_spark_client()
            preload = None
            continue
        for fd, _ in events:
            if fd != control_fd:
                pid, reply = children.pop(fd)
                poller.unregister(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                with contextlib.suppress(OSError):
                    os.write(reply, f"status {status}\n".encode())
                os.close(reply)
                continue
            try:
                message, fds, _, _ = socket.recv_fds(control, _MAX_REQUEST, 3)
            except OSError:
                message, fds = b"", []
            if not message:  # the server died: its tasks live on, as spawned ones would
                os._exit(0)
            if message == _STOP:
                _shutdown(children)
            if len(fds) != 3:  # not a request of ours
                for stray in fds:
                    os.close(stray)
                continue
            reply, log, gate = fds
            try:
                request = json.loads(message)
                pid = os.fork()
            except Exception as exc:  # a bad request, or no process to be had (EAGAIN)
                with contextlib.suppress(OSError):
                    os.write(reply, f"refused {type(exc).__name__}: {exc}\n".encode())
                for fd in fds:
                    os.close(fd)
                continue
            if pid == 0:
                control.detach()  # the only socket object: its descriptor is closed below
                return _become_task(request, log, gate)
            os.close(log)
            os.close(gate)
            if preload is False and _runs_spark(request):
                preload = True
            try:
                os.write(reply, f"pid {pid}\n".encode())
            except OSError:  # the server gave up on this task: it must not run unseen
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                os.close(reply)
                continue
            try:
                pidfd = os.pidfd_open(pid)
            except OSError:  # no descriptor to be had (EMFILE): wait for this one right away
                _, status = os.waitpid(pid, 0)
                with contextlib.suppress(OSError):
                    os.write(reply, f"status {status}\n".encode())
                os.close(reply)
                continue
            children[pidfd] = (pid, reply)
            poller.register(pidfd, select.POLLIN)


def _runs_spark(request: dict[str, object]) -> bool:
    """Whether the task of `request` runs in a workspace that runs Spark, with pyspark
    installed: its invocation names the Spark folder (`runners`)."""
    try:
        path = Path(str(request["run_dir"])) / INVOCATION_FILE
        invocation = json.loads(path.read_text(encoding="utf-8"))
    except (KeyError, OSError, ValueError):
        return False
    if not isinstance(invocation, dict) or not invocation.get("spark"):
        return False
    return importlib.util.find_spec("pyspark") is not None


def _import_spark_client() -> None:
    """Imports the Spark Connect client's dependencies into the zygote, for every later task;
    one that fails to import is left for the task to import (and fail on) itself."""
    for name in _SPARK_CLIENT_MODULES:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    gc.collect()
    gc.freeze()  # as at the start: children neither scan nor copy these


def _shutdown(children: dict[int, tuple[int, int]]) -> NoReturn:
    """The workspace stops: no task process may outlive it (the engine ended them already)."""
    for pid, _ in children.values():
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # its own session's group, as the runner cancels
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for pid, _ in children.values():
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    os._exit(0)


def _become_task(request: dict[str, object], log: int, gate: int) -> str:
    """In the forked child: become what `subprocess.Popen(..., cwd=run_dir, stdin=DEVNULL,
    stdout=log, stderr=STDOUT, env=env, start_new_session=True)` of the bootstrap would make,
    then wait at the gate until the server has recorded this process."""
    try:
        run_dir = str(request["run_dir"])
        env = request["env"]
        assert isinstance(env, dict)
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(gate, 3)
        os.closerange(4, os.sysconf("SC_OPEN_MAX"))  # close_range(2): one system call
        wait_at_gate(3)
        os.chdir(run_dir)
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in env.items()})
        if not getattr(sys.flags, "safe_path", False):  # (Python 3.11+: -P)
            sys.path[0] = os.getcwd()  # as `python -m` puts its working directory first
        return run_dir
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.write(2, f"The task process could not be set up: {exc!r}\n".encode())
        os._exit(70)


# --- the start gate, of forked and spawned task processes alike -----------------------------------


def open_gate(gate: int) -> None:
    """The server's side: the process behind `gate` (a pipe's write end) is recorded, it may run.
    A process that ended before its gate opened is not an error here: its end is what its
    `wait` reports. (Python ignores SIGPIPE: a closed read end is a BrokenPipeError.)"""
    with contextlib.suppress(BrokenPipeError):
        os.write(gate, _GO)


def wait_at_gate(fd: int) -> None:
    """The task process's side, before it runs anything: block until the server opens the gate
    `fd` (a pipe's read end, closed here), or exit, having run nothing, when the server closes
    it without opening it (it gave up on the task, or died)."""
    go = _read_gate(fd)
    os.close(fd)
    if go != _GO:
        os._exit(0)


def _read_gate(fd: int) -> bytes:
    data = b""
    while len(data) < 2:
        try:
            chunk = os.read(fd, 2 - len(data))
        except InterruptedError:
            continue
        if not chunk:
            break
        data += chunk
    return data
