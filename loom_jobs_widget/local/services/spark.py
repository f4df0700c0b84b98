"""`SparkServer`: the one Spark Connect server of a local workspace, shared by its tasks.

Nothing runs until a task touches `spark`: the workspace only listens on a Unix socket (its
path in `<data>/spark/control.json`). A task process connects, sends its session id, and gets
the server's port; the first such request starts the server (a `spark-submit` of pyspark's own
`SparkConnectServer`, a child of this process recorded by its pid, bound to 127.0.0.1, with a
Hive catalog in embedded Derby). The task's connection stays open while the task lives: when it
closes (the task ended, was canceled, timed out or crashed), the server interrupts whatever that
session still runs and releases it, because a client that dies does not stop its queries.

Why one shared server rather than a Spark driver per task: a driver costs ~5 s to start and
~3 s of warm-up per process and cannot share a persistent catalog (embedded Derby is
single-process); a Connect session on a warm server costs ~0.3 s (`bench/bench_spark.py`).
Each task gets its own session: temp views and SQL conf stay in it; tables are shared.

In `<data>/spark/`: `warehouse/` (managed tables), `metastore_db/` (Derby), `server.log`.
The catalog is Spark's session catalog, `spark_catalog`: `spark_catalog.default.t` is the
three-part name of table `default.t`. Tasks also reach it as `main` (`main.default.t`, `USE
CATALOG main`), as on a Databricks workspace: `local.exec.sql_names` says how.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any, Final

from loom_jobs_widget.local.exec.spark import CONTROL_FILE

__all__ = ["SparkServer", "spark_home"]

_START_TIMEOUT: Final = 180.0
_STOP_GRACE: Final = 10.0
_SERVER_CLASS: Final = "org.apache.spark.sql.connect.service.SparkConnectServer"


def spark_home() -> Path | None:
    """pyspark's install folder (its jars and `bin/spark-submit`), or None without pyspark."""
    import importlib.util

    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        return None
    home = Path(next(iter(spec.submodule_search_locations)))
    return home if (home / "bin" / "spark-submit").is_file() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


class SparkServer:
    """The workspace's Spark Connect server, started at the first task that asks for it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._port: int | None = None
        self._failure: str | None = None
        self._listener: socket.socket | None = None
        self._socket_dir: str | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None else None

    @property
    def port(self) -> int | None:
        return self._port

    def start(self) -> None:
        """Listens for tasks (no JVM yet)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # A socket's path has ~107 bytes: a short private folder, not the data folder.
        self._socket_dir = tempfile.mkdtemp(prefix="loom-spark-")
        path = os.path.join(self._socket_dir, "control")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(64)
        self._listener = listener
        tmp = self.folder / (CONTROL_FILE + ".tmp")
        tmp.write_text(json.dumps({"socket": path}), encoding="utf-8")
        os.replace(tmp, self.folder / CONTROL_FILE)
        threading.Thread(target=self._accept, name="loom-spark-control", daemon=True).start()

    def stop(self) -> None:
        """Stops listening and stops the server (SIGTERM by its pid, then SIGKILL)."""
        self._stopping = True
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with contextlib.suppress(OSError):
            (self.folder / CONTROL_FILE).unlink()
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
        with self._lock:
            process, self._process = self._process, None
            self._port = None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(_STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # --- the control socket ------------------------------------------------------------------

    def _accept(self) -> None:
        while True:
            listener = self._listener
            if listener is None:
                return
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._serve, args=(connection,), name="loom-spark-task", daemon=True
            ).start()

    def _serve(self, connection: socket.socket) -> None:
        # Closing flushes: a task that is gone already must not raise here.
        with connection, contextlib.suppress(OSError), connection.makefile("rwb") as stream:
            try:
                request = json.loads(stream.readline() or b"{}")
                session_id = str(request["session_id"])
            except (ValueError, KeyError, TypeError, OSError):
                return
            try:
                port = self.ensure_started()
            except RuntimeError as exc:
                _reply(stream, {"error": str(exc)})
                return
            if not _reply(stream, {"port": port}):
                return
            # The task holds the connection while it lives; end of file means it is gone.
            with contextlib.suppress(OSError):
                while stream.read(4096):
                    pass
            self._release(port, session_id)

    def _release(self, port: int, session_id: str) -> None:
        """Interrupts what the session still runs and releases it: its temp views go."""
        if self._stopping or self._port != port:
            return
        with contextlib.suppress(Exception):  # the server may be gone, or the session unknown
            from pyspark.sql.connect.client import SparkConnectClient

            client = SparkConnectClient(f"sc://127.0.0.1:{port}/;session_id={session_id}")
            try:
                client.interrupt_all()
                client.release_session()
            finally:
                client.close()

    # --- the JVM ----------------------------------------------------------------------------

    def ensure_started(self) -> int:
        """The server's port, once it accepts connections; starts it first if needed. Raises
        RuntimeError, saying why, when it cannot run."""
        with self._lock:
            if self._stopping:
                raise RuntimeError("the local workspace is stopping")
            process = self._process
            if process is not None and process.poll() is None and self._port is not None:
                return self._port
            if self._failure is not None:
                raise RuntimeError(self._failure)
            try:
                return self._start_jvm()
            except RuntimeError as exc:
                self._failure = str(exc)
                raise

    def _start_jvm(self) -> int:
        home = spark_home()
        if home is None:
            raise RuntimeError(
                'pyspark is not installed: pip install "loom-jobs-widget[spark]" (and Java 17+)'
            )
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise RuntimeError(
                "Spark needs Java 17 or later, and there is no `java` on PATH (nor JAVA_HOME)"
            )
        port = _free_port()
        data = self.folder.resolve()
        derby = f"jdbc:derby:;databaseName={data / 'metastore_db'};create=true"
        confs = {
            "spark.connect.grpc.binding.address": "127.0.0.1",
            "spark.connect.grpc.binding.port": str(port),
            "spark.sql.catalogImplementation": "hive",
            "spark.hadoop.javax.jdo.option.ConnectionURL": derby,
            "spark.sql.warehouse.dir": str(data / "warehouse"),
            "spark.ui.enabled": "false",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
        }
        argv = [str(home / "bin" / "spark-submit"), "--class", _SERVER_CLASS]
        argv += ["--master", "local[*]", "--name", "loom-local-workspace"]
        argv += ["--driver-java-options", f"-Dderby.system.home={data}"]
        for key, value in confs.items():
            argv += ["--conf", f"{key}={value}"]
        argv.append("spark-internal")
        env = {
            **os.environ,
            "SPARK_HOME": str(home),
            # Python UDFs run in workers the server starts: this interpreter has pyarrow.
            "PYSPARK_PYTHON": sys.executable,
            "SPARK_LOCAL_IP": "127.0.0.1",
        }
        log: IO[bytes] = (data / "server.log").open("ab")
        with log:
            process = subprocess.Popen(
                argv,
                cwd=data,  # Derby's derby.log, and anything else the JVM drops, stay here
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._process = process
        deadline = time.monotonic() + _START_TIMEOUT
        while not _listening(port):
            if process.poll() is not None:
                self._process = None
                raise RuntimeError(
                    f"the local Spark server exited with code {process.returncode} at start:"
                    f" see {data / 'server.log'}"
                )
            if time.monotonic() > deadline or self._stopping:
                process.kill()
                process.wait()
                self._process = None
                raise RuntimeError(f"the local Spark server did not start: see {data}/server.log")
            time.sleep(0.1)
        self._port = port
        return port


def _reply(stream: Any, message: dict[str, Any]) -> bool:
    try:
        stream.write(json.dumps(message).encode() + b"\n")
        stream.flush()
    except OSError:
        return False
    return True
