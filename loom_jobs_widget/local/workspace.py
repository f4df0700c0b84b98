"""`LocalWorkspace`: a Databricks workspace on 127.0.0.1, kept in a data folder.

    with LocalWorkspace("~/.loom-jobs").start() as lw:
        w = WorkspaceClient(host=lw.host, token=lw.token)

The data folder holds everything, so a restart on it finds the same workspace:

- `token`: the bearer token every request needs (random, made once, mode 0600);
- `workspace.db`: jobs, runs, task runs and permissions (SQLite);
- `workspace/`: the workspace files (`/Workspace/...`), unless another root is given;
- `runs/<job run>/<task run>/`: each task-run attempt's folder (logs, outputs);
- `fork-server/`: the working folder and log of the warm task interpreter (`forkserver`);
- `dbfs/`: the local DBFS of the task runners;
- `spark/`: the Spark server's warehouse (managed tables), metastore and log (`services.spark`);
- `volumes/`: what `/Volumes/...` file-arrival triggers watch (the stand-in for UC volumes);
- `lock`: held while a workspace serves the folder, so two cannot share it;
- `server.json`: the address of the workspace serving the folder, and its process (pid and start),
  so that another process can connect to it instead of starting a second one (see
  `find_running`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from loom_jobs_widget.local.address import SERVER_FILE, TOKEN_FILE, find_running
from loom_jobs_widget.local.api import (
    LOCAL_USER,
    ComputeApi,
    DestinationsApi,
    IdentityApi,
    JobsApi,
    LakeviewApi,
    OutboxApi,
    PermissionsApi,
    PipelinesApi,
    PoliciesApi,
    RunsApi,
    SqlObjectsApi,
    WorkspaceApi,
    answer_for,
)
from loom_jobs_widget.local.engine import DEFAULT_WORKERS, Engine
from loom_jobs_widget.local.exec import SPARK_DIR, TaskLauncher, process_record
from loom_jobs_widget.local.http import HttpServer, Resource, RouteTable
from loom_jobs_widget.local.services import (
    Notifier,
    Scheduler,
    SparkServer,
    TriggerOptions,
    spark_home,
)
from loom_jobs_widget.local.store import Store

__all__ = ["LocalWorkspace", "find_running"]

_DATABASE_FILE = "workspace.db"
_LOCK_FILE = "lock"
_VOLUMES_DIR = "volumes"
_FORK_SERVER_DIR = "fork-server"


class LocalWorkspace:
    """A local Databricks workspace serving the Jobs API and the editor's pickers.

    With `spark` on, notebook, Python-file and SQL-file tasks get a `spark` (the `spark` extra and
    Java 17+): one Spark Connect server, started when a task first uses it (`services.spark`).
    `spark=None` (the default) reads `LOOM_JOBS_SPARK` ("1" on, "0" off); unset, it is on when
    pyspark and Java are installed.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        port: int = 0,
        workspace_root: str | os.PathLike[str] | None = None,
        workers: int = DEFAULT_WORKERS,
        triggers: TriggerOptions | None = None,
        fork_tasks: bool = True,
        spark: bool | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).expanduser()
        self.workspace_root = (
            Path(workspace_root).expanduser()
            if workspace_root is not None
            else self.data_dir / "workspace"
        )
        self.user_name = LOCAL_USER
        self._port = port
        self._workers = workers
        self._fork_tasks = fork_tasks  # False: every task a fresh interpreter (benchmarks)
        self._token: str | None = None
        self._workspace_id = ""
        self._lock_file: IO[str] | None = None
        self._store: Store | None = None
        self._engine: Engine | None = None
        self._launcher: TaskLauncher | None = None
        self._server: HttpServer | None = None
        self._trigger_options = triggers
        self._scheduler: Scheduler | None = None
        self._notifier: Notifier | None = None
        # On: tasks get `spark`, and %sql cells and SQL files run on Spark (the `spark` extra);
        # off: they run on the DuckDB warehouse, and using `spark` fails, saying so.
        self._spark_wanted = _spark_wanted() if spark is None else spark
        self._spark: SparkServer | None = None

    # --- what clients need

    @property
    def host(self) -> str:
        """`http://127.0.0.1:PORT`, for `WorkspaceClient(host=...)`."""
        if self._server is None:
            raise RuntimeError("The local workspace is not started.")
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def token(self) -> str:
        if self._token is None:
            raise RuntimeError("The local workspace is not started.")
        return self._token

    @property
    def workspace_id(self) -> str:
        return self._workspace_id

    @property
    def store(self) -> Store:
        """The database (for tools such as the benchmark that fill it in bulk)."""
        if self._store is None:
            raise RuntimeError("The local workspace is not started.")
        return self._store

    @property
    def fork_server_pid(self) -> int | None:
        """The pid of the warm task interpreter, while it runs (tests check it stops)."""
        return self._launcher.fork_server_pid if self._launcher is not None else None

    @property
    def spark_server_pid(self) -> int | None:
        """The pid of the Spark Connect server, once a task has started it."""
        return self._spark.pid if self._spark is not None else None

    @property
    def scheduler(self) -> Scheduler:
        """The trigger scheduler (`wake()` it after moving an injected clock)."""
        if self._scheduler is None:
            raise RuntimeError("The local workspace is not started.")
        return self._scheduler

    # --- lifecycle

    def start(self) -> LocalWorkspace:
        if self._server is not None:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock_file = _lock(self.data_dir / _LOCK_FILE)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        # The folder is ours (its lock): what a killed server left names nobody who serves it.
        with contextlib.suppress(OSError):
            (self.data_dir / SERVER_FILE).unlink()
        for folder in (
            self.workspace_root / "Shared",
            self.workspace_root / "Users" / self.user_name,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        self._token = _load_token(self.data_dir / TOKEN_FILE)
        store = self._store = Store(self.data_dir / _DATABASE_FILE)
        workspace_id = store.meta("workspace_id")
        if workspace_id is None:
            # Shaped like a workspace's numeric id (it is in run_page_url as ?o=...).
            workspace_id = str(secrets.randbelow(9 * 10**15) + 10**15)
            store.set_meta("workspace_id", workspace_id)
        self._workspace_id = workspace_id
        started = int(time.time() * 1000)

        routes = RouteTable()
        server = HttpServer(routes, self._token, self._host_metadata, self._port, errors=answer_for)
        self._server = server
        host = self.host  # fixed once bound; runs keep naming it while the workspace stops
        # Task processes come from a warm interpreter, started at the first task.
        spark_folder: Path | None = None
        if self._spark_wanted:
            # It only listens here: the JVM starts when a task first uses `spark`.
            spark_folder = self.data_dir / SPARK_DIR
            self._spark = SparkServer(spark_folder)
            self._spark.start()
        launcher = self._launcher = TaskLauncher(
            self.data_dir / _FORK_SERVER_DIR, fork=self._fork_tasks, spark=spark_folder
        )
        engine = self._engine = Engine(
            store,
            workspace_root=self.workspace_root,
            runs_dir=self.data_dir / "runs",
            user_name=self.user_name,
            host=lambda: host,
            workers=self._workers,
            start_task=launcher.start,
        )
        resources: list[Resource] = [
            JobsApi(store, engine, self.user_name),
            RunsApi(store, engine, lambda: host, workspace_id, self.workspace_root),
            PermissionsApi(store),
            WorkspaceApi(self.workspace_root),
            DestinationsApi(store),
            OutboxApi(store),
            ComputeApi(lambda: started),
            PoliciesApi(),
            SqlObjectsApi(store),
            LakeviewApi(store, self.workspace_root),
            PipelinesApi(store),
            IdentityApi(),
        ]
        for resource in resources:
            routes.add(resource)
        notifier = self._notifier = Notifier(store, host=lambda: host, workspace_id=workspace_id)
        engine.listeners.append(notifier)
        engine.start()  # closes what a previous process left in progress, before serving
        notifier.start()
        # After the engine's start: a continuous job then finds no stale run in progress.
        scheduler = self._scheduler = Scheduler(
            store,
            engine,
            workspace_root=self.workspace_root,
            volumes_root=self.data_dir / _VOLUMES_DIR,
            options=self._trigger_options,
        )
        scheduler.start()
        server.start()
        # The process's start with its pid: a killed server's pid may be another process's by
        # the time someone reads this file.
        process = json.loads(process_record(os.getpid()))
        _write_private(
            self.data_dir / SERVER_FILE,
            json.dumps({"host": host, "pid": os.getpid(), "process": process}) + "\n",
        )

    def _host_metadata(self) -> dict[str, Any]:
        # What the SDK reads from /.well-known/databricks-config: this workspace's id (then sent
        # as X-Databricks-Workspace-Id). No OIDC endpoint: the token is the only way in.
        return {"workspace_id": self._workspace_id}

    def stop(self) -> None:
        """Stop serving, kill the tasks in progress (their runs end as INTERNAL_ERROR), close
        the database. Safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                (self.data_dir / SERVER_FILE).unlink()
            server.stop()
        # The scheduler first, so that it starts no run the engine would end at once.
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.stop()
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.stop()
        # After the engine, which ended every task: then the fork server, by its pid.
        launcher, self._launcher = self._launcher, None
        if launcher is not None:
            launcher.stop()
        spark, self._spark = self._spark, None
        if spark is not None:
            spark.stop()  # after the tasks: none of them still needs it
        notifier, self._notifier = self._notifier, None
        if notifier is not None:
            notifier.stop()
        store, self._store = self._store, None
        if store is not None:
            store.close()
        lock_file, self._lock_file = self._lock_file, None
        if lock_file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(lock_file, fcntl.LOCK_UN)
            lock_file.close()

    def __enter__(self) -> LocalWorkspace:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.host if self._server is not None else "stopped"
        return f"LocalWorkspace({str(self.data_dir)!r}, {where})"


def _lock(path: Path) -> IO[str]:
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise RuntimeError(
            f"{path.parent} is in use by another local workspace; stop it, or use another "
            "data folder."
        ) from None
    return handle


def _load_token(path: Path) -> str:
    """The data folder's token, made on first use. Only the owner may read it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
        path.unlink()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    # Shaped like a personal access token.
    token = "dapi" + secrets.token_hex(16)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token


def _write_private(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    temporary.replace(path)


def _spark_wanted() -> bool:
    """Whether tasks get Spark when the caller did not say: `LOOM_JOBS_SPARK`, else whether the
    extra and Java are installed."""
    chosen = os.environ.get("LOOM_JOBS_SPARK", "").strip()
    if chosen in ("0", "1"):
        return chosen == "1"
    has_java = shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))
    return has_java and spark_home() is not None
