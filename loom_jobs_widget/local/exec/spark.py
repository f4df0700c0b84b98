"""`spark` in a local task process: a Spark Connect session on the workspace's shared Spark
server (`local.services.spark`), opened the first time the task uses it.

What a task gets, as the Databricks runtime injects them (databricks-sdk-py
`databricks/sdk/runtime/__init__.py`): `spark` (a proxy: nothing starts until it is used),
`sql`, `table`, `udf` and `getArgument`. There is no `sc`: on Spark Connect (as on serverless
compute) `spark.sparkContext` does not exist. Importing pyspark in the task also connects, so
that `SparkSession.builder.getOrCreate()` in user code returns the same session (`SPARK_REMOTE`).

Each task process has its own session id: its temp views and SQL conf are its own; tables live
in the workspace's catalog (`spark_catalog`, Hive metastore in the data folder) and outlive the
task. The session takes that catalog's Databricks name too, `main.<schema>.<table>`, and runs
CREATE OR REPLACE TABLE (`sql_names`, applied where the Connect client takes SQL or a table
name); a spark_submit_task's `--conf`s are set on it (`spark_submit`).

The task holds its connection to the workspace's control socket while it runs: when the
process ends, however it ends, the workspace interrupts the session's work and releases it.

Without the `spark` extra (or Java), using `spark` fails, naming what to install.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import socket
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from loom_jobs_widget.local.exec.paths import resolve_inside
from loom_jobs_widget.local.exec.spark_submit import apply_submit
from loom_jobs_widget.local.exec.sql_names import (
    LOCAL_CATALOG,
    SESSION_CATALOG,
    UnknownCatalog,
    explain_failure,
    local_catalog_name,
    local_schema_name,
    local_sql,
    local_table_name,
)

__all__ = [
    "CONTROL_FILE",
    "EXTRA_HINT",
    "SPARK_DIR",
    "DeltaUnavailable",
    "SparkProxy",
    "SparkSqlUnavailable",
    "SparkUnavailable",
    "close",
    "configure",
    "explained",
    "inject",
    "is_enabled",
    "local_path",
    "session",
]

#: The Spark folder in the data folder (warehouse, metastore, server log, control file).
SPARK_DIR: Final = "spark"
#: In the Spark folder: where a task finds the workspace's control socket.
CONTROL_FILE: Final = "control.json"
EXTRA_HINT: Final = 'pip install "loom-jobs-widget[spark]"'
#: What the Spark Connect client imports besides pyspark (pyspark[connect]).
_CONNECT_CLIENT: Final = ("grpc", "pyarrow", "pandas")
_DELTA_MESSAGE: Final = (
    "The local workspace's Spark has no Delta Lake (format 'delta'): its tables are parquet."
    " Write with format('parquet') (or CREATE TABLE ... USING PARQUET, or no USING), or put the"
    " delta-spark_<spark x.y>_2.13 and delta-storage jars for this Spark version on the server"
    " (spark.jars) to use Delta locally."
)


class SparkUnavailable(RuntimeError):
    """`spark` was used where it cannot run; the message says what is missing."""


class DeltaUnavailable(RuntimeError):
    """A Delta table or format was used on the local Spark, which has no Delta Lake."""


class SparkSqlUnavailable(SparkUnavailable):
    """A catalog that does not exist here, or a statement that needs Delta (MERGE INTO,
    UPDATE, DELETE FROM), was used on the local Spark; the message says what to use."""


_folder: Path | None = None
_dbfs_root: Path | None = None
_session_id = str(uuid.uuid4())
_control: socket.socket | None = None
_session: Any = None
_submit_conf: dict[str, str] = {}


def configure(folder: str | None, dbfs_root: str | None = None) -> None:
    """Where the workspace's Spark folder is (None: Spark is off in this workspace) and its
    DBFS, and the import hook that connects pyspark when user code imports it; for a
    spark_submit_task, its py-files and the confs its session gets (`spark_submit`). Called
    once per task process."""
    global _folder, _session_id, _dbfs_root, _submit_conf
    _folder = Path(folder) if folder else None
    _dbfs_root = Path(dbfs_root) if dbfs_root else None
    _session_id = str(uuid.uuid4())  # a forked task process must not share its parent's id
    dbfs = _dbfs_root or (_folder.parent / "dbfs" if _folder is not None else Path("dbfs"))
    _submit_conf = apply_submit(dbfs)
    if _folder is not None and not any(isinstance(f, _ConnectOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _ConnectOnImport())


def is_enabled() -> bool:
    """Whether `%sql` and SQL files go to Spark in this task: the workspace runs Spark, and
    pyspark is installed (found, not imported: that costs nothing)."""
    if _folder is None or not (_folder / CONTROL_FILE).is_file():
        return False
    return importlib.util.find_spec("pyspark") is not None


def _url(port: int) -> str:
    return f"sc://127.0.0.1:{port}/;session_id={_session_id}"


def _connect() -> str:
    """Asks the workspace for its Spark server (starting it at the first ask); its URL for this
    task's session. The connection stays open: its end tells the workspace the task is gone."""
    global _control
    if _folder is None or not (_folder / CONTROL_FILE).is_file():
        raise SparkUnavailable(
            "Spark is off in this local workspace: connect with connect('local', spark=True),"
            " %loom_connect local --spark or LocalWorkspace(..., spark=True) (or set"
            " LOOM_JOBS_SPARK=1) to give tasks `spark` (a Spark Connect server it runs)"
        )
    if _control is not None:
        return os.environ["SPARK_REMOTE"]
    control = json.loads((_folder / CONTROL_FILE).read_text(encoding="utf-8"))
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(control["socket"])
        connection.sendall(json.dumps({"session_id": _session_id}).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = connection.recv(4096)
            if not chunk:
                break
            reply += chunk
    except OSError as exc:
        connection.close()
        raise SparkUnavailable(
            f"The local workspace's Spark server is not reachable: {exc}"
        ) from None
    answer = json.loads(reply or b"{}")
    if "port" not in answer:
        connection.close()
        raise SparkUnavailable(
            f"The local Spark server could not start: {answer.get('error', 'no answer')}"
        )
    _control = connection
    url = _url(int(answer["port"]))
    os.environ["SPARK_REMOTE"] = url  # SparkSession.builder.getOrCreate() then connects here
    # pyspark.sql.functions and the like tell a Connect session by this variable alone
    # (pyspark 4.3 `is_remote()`).
    os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
    return url


def _check_installed() -> None:
    try:
        importlib.import_module("pyspark.sql.connect.session")
    except ImportError as exc:
        raise SparkUnavailable(
            "`spark` needs the spark extra of loom-jobs-widget (pyspark with the Spark Connect"
            f" client) and Java 17 or later on this machine: {EXTRA_HINT} ({exc})"
        ) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SparkUnavailable(
            "`spark` needs Java 17 or later on this machine, and there is no `java` on PATH (nor"
            f" JAVA_HOME): install a JDK or JRE (with {EXTRA_HINT} for pyspark)"
        )


def session() -> Any:
    """The task's Spark Connect session, opened at the first call."""
    global _session
    if _session is None:
        _check_installed()
        url = _connect()
        connect: Any = importlib.import_module("pyspark.sql.connect.session")
        _map_paths()
        _map_names()
        _session = connect.SparkSession.builder.remote(url).getOrCreate()
        _set_conf(_session)
    return _session


def _set_conf(spark: Any) -> None:
    """A spark_submit_task's `--conf`s on the task's session: those a Connect session can set
    (SQL confs); the others (static, or the cluster's) are said in the log and left out."""
    for key, value in _submit_conf.items():
        try:
            spark.conf.set(key, value)
        except Exception as exc:
            if type(exc).__module__.split(".")[0] != "pyspark":
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            print(
                f"spark-submit --conf {key}: not set, the local Spark session cannot change it"
                f" ({first})",
                file=sys.stderr,
            )


def local_path(path: str) -> str:
    """A `dbfs:/` (or `/dbfs/`) path as a file in the local DBFS folder, a `/Volumes/` path as
    one in the data folder's `volumes/` (the same folders dbutils.fs and file-arrival triggers
    use); any other path as it is. The server runs on this machine: it reads the same files."""
    if _folder is None:
        return path
    dbfs = _dbfs_root or _folder.parent / "dbfs"
    if path[:5].lower() == "dbfs:":
        rest = "/" + path[5:].lstrip("/")
        # A volume named through DBFS is the volume.
        path = rest if rest.startswith("/Volumes/") else "/dbfs" + rest
    if path.startswith("/dbfs/"):
        root, rest, area = dbfs, path[5:], "DBFS"
    elif path.startswith("/Volumes/"):
        root, rest, area = _folder.parent / "volumes", path[len("/Volumes") :], "volumes"
    else:
        return path
    return "file://" + str(resolve_inside(root, rest, shown=path, area=area))


def _map_paths() -> None:
    """Readers and writers of the Connect client take `dbfs:/` and `/Volumes/` paths."""
    readwriter: Any = importlib.import_module("pyspark.sql.connect.readwriter")
    reader, writer = readwriter.DataFrameReader, readwriter.DataFrameWriter
    if getattr(reader.load, "_loom_paths", False):
        return
    load, save = reader.load, writer.save

    def mapped(path: Any) -> Any:
        if isinstance(path, str):
            return local_path(path)
        if isinstance(path, (list, tuple)):
            return [local_path(item) if isinstance(item, str) else item for item in path]
        return path

    def load_mapped(self: Any, path: Any = None, *args: Any, **kwargs: Any) -> Any:
        return load(self, mapped(path), *args, **kwargs)

    def save_mapped(self: Any, path: Any = None, *args: Any, **kwargs: Any) -> Any:
        return save(self, mapped(path), *args, **kwargs)

    load_mapped._loom_paths = True  # type: ignore[attr-defined]
    reader.load, writer.save = load_mapped, save_mapped


def _map_names() -> None:
    """Unity Catalog names of the local catalog (`main.<schema>.<table>`) and the statements
    the session catalog refuses (`sql_names`), wherever the Connect client takes SQL or a
    table name: `spark.sql` (so `%sql` cells and SQL files too), `spark.table`, the readers'
    and writers' tables, and `spark.catalog`."""
    connect: Any = importlib.import_module("pyspark.sql.connect.session")
    readwriter: Any = importlib.import_module("pyspark.sql.connect.readwriter")
    frames: Any = importlib.import_module("pyspark.sql.connect.dataframe")
    catalogs: Any = importlib.import_module("pyspark.sql.connect.catalog")
    session_class, catalog = connect.SparkSession, catalogs.Catalog
    if getattr(session_class.sql, "_loom_names", False):
        return
    sql, table, read_table = (
        session_class.sql,
        session_class.table,
        readwriter.DataFrameReader.table,
    )
    writer, writer_v2 = readwriter.DataFrameWriter, readwriter.DataFrameWriterV2
    save_as_table, insert_into, write_to = (
        writer.saveAsTable,
        writer.insertInto,
        frames.DataFrame.writeTo,
    )
    v2_create = writer_v2.create
    current, set_current, listed = (
        catalog.currentCatalog,
        catalog.setCurrentCatalog,
        catalog.listCatalogs,
    )
    table_exists, get_table = catalog.tableExists, catalog.getTable
    set_database, list_tables = catalog.setCurrentDatabase, catalog.listTables
    database_exists, get_database = catalog.databaseExists, catalog.getDatabase

    def run_local(self: Any, text: str, args: Any = None, **kwargs: Any) -> Any:
        planned = _checked(local_sql, text)
        frame: Any = None
        for index, statement in enumerate(planned.statements):
            try:
                if index == planned.main:
                    frame = sql(self, statement, args, **kwargs)
                else:
                    frame = sql(self, statement)
            except Exception:
                if planned.cleanup is not None and index >= planned.main:
                    with contextlib.suppress(Exception):  # the failure is the one to report
                        sql(self, planned.cleanup)
                raise
        return frame

    def sql_local(self: Any, sqlQuery: Any, args: Any = None, **kwargs: Any) -> Any:
        if not isinstance(sqlQuery, str):
            return sql(self, sqlQuery, args, **kwargs)
        return run_local(self, sqlQuery, args, **kwargs)

    def replace_v2(self: Any) -> None:
        """`writeTo(t).createOrReplace()` / `.replace()`: as CREATE OR REPLACE TABLE does (so
        `.replace()` of a table that does not exist creates it, where Spark would fail)."""
        planned = local_sql(f"CREATE OR REPLACE TABLE {self._table_name}")
        self._write.table_name = planned.statements[0].removeprefix("CREATE TABLE ")
        v2_create(self)
        for statement in planned.statements[1:]:
            sql(self._spark, statement)

    def listed_local(self: Any, pattern: Any = None) -> Any:
        return [
            found._replace(name=LOCAL_CATALOG) if found.name == SESSION_CATALOG else found
            for found in listed(self, pattern)
        ]

    patches: dict[tuple[Any, str], Any] = {
        (session_class, "sql"): sql_local,
        (session_class, "table"): lambda self, name: table(self, _named(name)),
        (readwriter.DataFrameReader, "table"): lambda self, name: read_table(self, _named(name)),
        (writer, "saveAsTable"): lambda self, name, *a, **k: save_as_table(
            self, _named(name), *a, **k
        ),
        (writer, "insertInto"): lambda self, name, *a, **k: insert_into(
            self, _named(name), *a, **k
        ),
        (frames.DataFrame, "writeTo"): lambda self, name: write_to(self, _named(name)),
        (writer_v2, "createOrReplace"): replace_v2,
        (writer_v2, "replace"): replace_v2,
        (catalog, "currentCatalog"): lambda self: (
            LOCAL_CATALOG if current(self) == SESSION_CATALOG else current(self)
        ),
        (catalog, "setCurrentCatalog"): lambda self, name: set_current(
            self, _checked(local_catalog_name, name)
        ),
        (catalog, "listCatalogs"): listed_local,
        (catalog, "tableExists"): lambda self, name, *a: table_exists(self, _named(name), *a),
        (catalog, "getTable"): lambda self, name: get_table(self, _named(name)),
        (catalog, "setCurrentDatabase"): lambda self, name: set_database(self, _schema(name)),
        (catalog, "listTables"): lambda self, name=None, *a, **k: list_tables(
            self, _schema(name), *a, **k
        ),
        (catalog, "databaseExists"): lambda self, name: database_exists(self, _schema(name)),
        (catalog, "getDatabase"): lambda self, name: get_database(self, _schema(name)),
    }
    for (owner, attribute), replacement in patches.items():
        setattr(owner, attribute, replacement)
    sql_local._loom_names = True  # type: ignore[attr-defined]


def _checked(function: Any, text: str) -> Any:
    """`function(text)`, with a catalog that does not exist here as the failure `spark` raises
    for what cannot run locally."""
    try:
        return function(text)
    except UnknownCatalog as exc:
        raise SparkSqlUnavailable(str(exc)) from None


def _named(name: Any) -> Any:
    return local_table_name(name) if isinstance(name, str) else name


def _schema(name: Any) -> Any:
    return local_schema_name(name) if isinstance(name, str) else name


def close() -> None:
    """Ends the task's session (its temp views go) and its hold on the server."""
    global _session, _control
    spark, _session = _session, None
    if spark is not None:
        with contextlib.suppress(Exception):  # the server may be gone: nothing left to end
            spark.stop()
    control, _control = _control, None
    if control is not None:
        control.close()


class SparkProxy:
    """`spark` before it is used: any attribute opens the session, then comes from it."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # copy, pickle and IPython's probes must not start Spark
        return getattr(session(), name)

    def __repr__(self) -> str:
        if _session is not None:
            return repr(_session)
        return "<spark: the local workspace's Spark session, opened at its first use>"


def _sql(sqlQuery: str, args: Any = None, **kwargs: Any) -> Any:
    return session().sql(sqlQuery, args, **kwargs)


def _table(tableName: str) -> Any:
    return session().table(tableName)


def _udf(f: Any = None, returnType: Any = None, *args: Any, **kwargs: Any) -> Any:
    functions: Any = importlib.import_module("pyspark.sql.functions")
    session()  # a UDF needs the Connect session pyspark.sql.functions would otherwise look for
    if returnType is None:
        return functions.udf(f, *args, **kwargs)
    return functions.udf(f, returnType, *args, **kwargs)


def inject(namespace: dict[str, Any], dbutils: Any) -> None:
    """Puts `spark`, `sql`, `table`, `udf` and `getArgument` into a notebook's namespace (or
    builtins' `__dict__`, for Python files)."""
    namespace["spark"] = SparkProxy()
    namespace["sql"] = _sql
    namespace["table"] = _table
    namespace["udf"] = _udf
    namespace["getArgument"] = dbutils.widgets.getArgument


def explained(exc: BaseException) -> BaseException:
    """`exc`, or for Spark's failure to find the `delta` data source, a DeltaUnavailable, and
    for a catalog that does not exist here or a statement that needs Delta, a
    SparkSqlUnavailable, that says what to use instead (with `exc` as its cause)."""
    text = str(exc)
    replaced: BaseException
    if "DATA_SOURCE_NOT_FOUND" in text and "delta" in text.lower():
        replaced = DeltaUnavailable(_DELTA_MESSAGE)
    elif (message := explain_failure(text)) is not None:
        replaced = SparkSqlUnavailable(message)
    else:
        return exc
    replaced.__cause__ = exc
    replaced.__traceback__ = exc.__traceback__
    return replaced


class _ConnectOnImport(importlib.abc.MetaPathFinder):
    """Connects to the workspace's Spark server once user code has imported pyspark, so that
    the builder's getOrCreate() goes to it rather than starting a JVM of the task's own."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "pyspark":
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader: Any = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)  # a pyspark that cannot be imported raises here: nothing starts
            if all(importlib.util.find_spec(name) for name in _CONNECT_CLIENT):
                # Failing here must not fail the import: `spark` says why when it is used.
                with contextlib.suppress(SparkUnavailable, OSError, ValueError):
                    _connect()
                if _submit_conf and _control is not None:
                    # A builder's getOrCreate() may come first: the confs must be set already.
                    with contextlib.suppress(Exception):
                        session()

        loader.exec_module = exec_module
        return spec
