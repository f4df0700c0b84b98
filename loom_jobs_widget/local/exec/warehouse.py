"""The local SQL warehouse: one DuckDB database file that SQL tasks run on.

Databricks runs a SQL task on a SQL warehouse; the local workspace has one warehouse,
`local-warehouse` (the one `sql/warehouses` lists), backed by `warehouse.duckdb` next to the
workspace folder in the data dir (where DBFS lives too). Tables a SQL task creates stay there for
the next task and the next run, as tables stay in a catalog. A SQL task naming any other
warehouse id fails (INVALID_RUN_CONFIGURATION) with a message naming the local one, as a run
fails on Databricks for a warehouse the workspace does not have (inferred); quietly running it
here would hide a job that cannot run where it is deployed to. The SQL is DuckDB's dialect, not
Databricks SQL: most ANSI queries run on both, but functions and DDL details differ.

DuckDB lets one process at a time open a database file for writing, and task runs are separate
processes. `connect()` is therefore the single way in: it takes an exclusive `flock` on a lock
file beside the database for as long as the connection is open, so SQL tasks queue for the
warehouse (as statements queue on a one-cluster warehouse) instead of failing with DuckDB's
"Could not set lock on file". The OS drops the lock when a killed task's process dies.

`table_fingerprints` is how table_update triggers notice that tables changed (see there).

Also here, as pure functions: parameter markers (`:name`, and the legacy `{{name}}`), and the
task's output (runs/get-output `sql_output`, and the rows `{{tasks.<key>.output.rows}}` reads),
cut to the documented 1,000 rows and 48 KB.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import fcntl
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # imported lazily at run time: only SQL task processes need DuckDB
    import duckdb

__all__ = [
    "LOCAL_WAREHOUSE_ID",
    "SqlError",
    "SqlResult",
    "connect",
    "file_output",
    "row_objects",
    "run_all",
    "run_script",
    "run_spark_script",
    "split_statements",
    "table_fingerprints",
    "table_key",
    "to_duckdb_markers",
    "warehouse_path",
]

LOCAL_WAREHOUSE_ID: Final = "local-warehouse"
_DATABASE_FILE: Final = "warehouse.duckdb"
_LOCK_SUFFIX: Final = ".lock"

#: "SQL output is limited to 1,000 rows, and 48 KB in size" (docs, dynamic value references:
#: `{{tasks.<task>.output.rows}}`). The same cut is applied to runs/get-output's query_result
#: (inferred).
_MAX_OUTPUT_ROWS: Final = 1000
_MAX_OUTPUT_BYTES: Final = 48 * 1024


class SqlError(Exception):
    """A SQL task that cannot run as written (an unbound parameter, ...); the message is for
    the user."""


def warehouse_path(workspace_root: Path) -> Path:
    """The warehouse's database file: in the data dir, next to the workspace folder (and DBFS)."""
    return workspace_root.resolve().parent / _DATABASE_FILE


@contextlib.contextmanager
def connect(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the warehouse, held under its exclusive lock (see above)."""
    import duckdb

    database.parent.mkdir(parents=True, exist_ok=True)
    with open(database.with_name(database.name + _LOCK_SUFFIX), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # blocks while another task uses the warehouse
        try:
            connection = duckdb.connect(str(database))
            try:
                yield connection
            finally:
                connection.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- parameters ----------------------------------------------------------------------------------

_MUSTACHE: Final = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
_IDENTIFIER_START: Final = re.compile(r"[A-Za-z_]")
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BACKTICKED: Final = re.compile(r"`([^`]+)`")


def to_duckdb_markers(sql: str, parameters: Mapping[str, str]) -> tuple[str, set[str]]:
    """`sql` in DuckDB's dialect of parameters, and the names of the markers it uses.

    Databricks SQL takes named parameter markers `:name` (or ``:`odd-name` ``) and binds each
    task parameter as a STRING; DuckDB spells them `$name`. The legacy query syntax
    `{{ name }}` is plain text substitution of a parameter's value (inferred: kept for queries
    written for the old editor); a `{{...}}` naming no parameter is left alone. Markers are
    rewritten only outside string literals, quoted identifiers and comments, and never in `::`
    casts or in slices such as `x[1:n]` (a marker follows a space, `(`, `,` or an operator).
    """
    sql = _MUSTACHE.sub(lambda match: parameters.get(match.group(1), match.group(0)), sql)
    out: list[str] = []
    used: set[str] = set()
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"`":  # a literal or quoted identifier: copied as it is ('' escapes too)
            end = i + 1
            while end < n and sql[end] != char:
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end])
            i = end
        elif sql.startswith("::", i):
            out.append("::")
            i += 2
        elif char == ":" and _is_marker_position(sql, i):
            quoted = _BACKTICKED.match(sql, i + 1)
            plain = _IDENTIFIER.match(sql, i + 1)
            found = quoted or plain
            assert found is not None  # _is_marker_position checked what follows
            name = found.group(1) if quoted else found.group(0)
            used.add(name)
            out.append("$" + _duckdb_name(name))
            i = found.end()
        else:
            out.append(char)
            i += 1
    return "".join(out), used


def _is_marker_position(sql: str, index: int) -> bool:
    after = sql[index + 1 : index + 2]
    if not (_IDENTIFIER_START.match(after) or after == "`"):
        return False
    before = sql[:index].rstrip(" \t")
    if len(before) < index:  # whitespace before it: `WHERE a = :x`
        return True
    return not before or before[-1] in "(,=<>+-*/%|!;"


def _duckdb_name(name: str) -> str:
    """DuckDB's `$name` takes identifier characters only: other names get a stable alias."""
    return name if _IDENTIFIER.fullmatch(name) else "p_" + uuid.uuid5(uuid.NAMESPACE_OID, name).hex


# --- running a script ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SqlResult:
    """What the last statement of a script returned, cut to the output limits."""

    statements: int
    columns: list[str]
    rows: list[list[Any]]  # JSON values (see _json_value), at most _MAX_OUTPUT_ROWS
    truncated: bool


def run_script(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: Mapping[str, str]
) -> SqlResult:
    """Runs the statements of `sql` in order; the result of the last one is the output.

    Each statement gets exactly the parameters it names: a marker without a value is the error
    Databricks reports as UNBOUND_SQL_PARAMETER, and values no statement uses are fine.
    """
    count, cursor = _execute(
        connection, sql, parameters, "The SQL file", "the task's parameters or as a job parameter"
    )
    columns = [str(column[0]) for column in cursor.description or []]
    # One row more than the limit tells whether there were more.
    fetched = cursor.fetchmany(_MAX_OUTPUT_ROWS + 1) if columns else []
    rows = [[_json_value(value) for value in row] for row in fetched[:_MAX_OUTPUT_ROWS]]
    truncated = len(fetched) > _MAX_OUTPUT_ROWS
    while rows and len(json.dumps(row_objects(columns, rows)).encode()) > _MAX_OUTPUT_BYTES:
        rows = rows[: max(0, min(len(rows) - 1, len(rows) * 9 // 10))]
        truncated = True
    return SqlResult(count, columns, rows, truncated)


def split_statements(sql: str) -> list[str]:
    """`sql` split at the semicolons outside literals, quoted names and comments."""
    parts: list[str] = []
    current: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"`":
            end = sql.find(char, i + 1)
            end = n if end < 0 else end + 1
            current.append(sql[i:end])
            i = end
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif char == ";":
            parts.append("".join(current))
            current = []
            i += 1
        else:
            current.append(char)
            i += 1
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def run_spark_script(spark: Any, sql: str, parameters: Mapping[str, str]) -> SqlResult:
    """`run_script` on a Spark session (`spark.sql`), for SQL files when the workspace runs
    Spark: each statement gets the `:name` parameters it names."""
    statements = split_statements(sql)
    if not statements:
        raise SqlError("The SQL file has no statement to run")
    frame: Any = None
    for statement in statements:
        used = {name: str(value) for name, value in parameters.items() if f":{name}" in statement}
        frame = spark.sql(statement, args=used) if used else spark.sql(statement)
    columns = [str(name) for name in frame.columns]
    fetched = frame.limit(_MAX_OUTPUT_ROWS + 1).collect() if columns else []
    rows = [[_json_value(value) for value in row] for row in fetched[:_MAX_OUTPUT_ROWS]]
    truncated = len(fetched) > _MAX_OUTPUT_ROWS
    while rows and len(json.dumps(row_objects(columns, rows)).encode()) > _MAX_OUTPUT_BYTES:
        rows = rows[: max(0, min(len(rows) - 1, len(rows) * 9 // 10))]
        truncated = True
    return SqlResult(len(statements), columns, rows, truncated)


def _execute(
    connection: duckdb.DuckDBPyConnection,
    sql: str,
    parameters: Mapping[str, str],
    what: str,
    where_values_come_from: str,
) -> tuple[int, duckdb.DuckDBPyConnection]:
    """Runs the statements of `sql` in order: how many there were, and the last one's cursor.

    Each statement gets exactly the parameters it names: a marker without a value is the error
    Databricks reports as UNBOUND_SQL_PARAMETER, and values no statement uses are fine.
    """
    import duckdb

    text, used = to_duckdb_markers(sql, parameters)
    by_duckdb_name = {_duckdb_name(name): str(value) for name, value in parameters.items()}
    as_written = {_duckdb_name(name): name for name in used}
    statements = duckdb.extract_statements(text)
    if not statements:
        raise SqlError(f"{what} has no statement to run")
    cursor: duckdb.DuckDBPyConnection | None = None
    for statement in statements:
        missing = sorted(statement.named_parameters - by_duckdb_name.keys())
        if missing:
            raise SqlError(
                "[UNBOUND_SQL_PARAMETER] Found the unbound parameter:"
                f" {as_written.get(missing[0], missing[0])}. Give it a"
                f" value in {where_values_come_from}."
            )
        values = {name: by_duckdb_name[name] for name in statement.named_parameters}
        cursor = connection.execute(statement, values or None)
    assert cursor is not None
    return len(statements), cursor


def run_all(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: Mapping[str, str]
) -> tuple[list[str] | None, list[tuple[Any, ...]]]:
    """A notebook's `%sql` cell: runs its statements (widget values as parameters); the last
    one's columns (None when it returned none) and all its rows, uncut."""
    _, cursor = _execute(connection, sql, parameters, "The cell", "a widget of the notebook")
    if not cursor.description:
        return None, []
    return [str(column[0]) for column in cursor.description], cursor.fetchall()


def _json_value(value: Any) -> Any:
    """A DuckDB value as JSON: numbers, strings, booleans and null as they are, lists and
    structs as arrays and objects, anything else (decimals, dates, times, UUIDs) as its text,
    so that no digit of a decimal is lost to a float (inferred)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return (
            value if value == value and value not in (float("inf"), float("-inf")) else str(value)
        )
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)):
        return str(value)
    return str(value)


def row_objects(columns: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Rows as `{{tasks.<key>.output.rows}}` gives them: one object per row, by column name."""
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _string_value(value: Any) -> dict[str, str]:
    if value is None:
        # SqlStatementQueryResultRowRowValue has only string_value: null is empty (inferred).
        return {}
    return {"string_value": value if isinstance(value, str) else json.dumps(value)}


def file_output(
    result: SqlResult, query_text: str, warehouse_id: str, task_run_id: Any
) -> dict[str, Any]:
    """runs/get-output `sql_output` of a SQL file task (SDK `SqlOutput.file_output`,
    `SqlTaskSqlFileOutput`); each statement's lookup key is made up locally."""
    return {
        "file_output": {
            "query_text": query_text,
            "warehouse_id": warehouse_id,
            "sql_statements": [
                {"lookup_key": f"local-{task_run_id}-{number}"}
                for number in range(1, result.statements + 1)
            ],
            "query_result": {
                "columns": [{"name": name} for name in result.columns],
                "rows": [
                    {"values": [_string_value(value) for value in row]} for row in result.rows
                ],
                "truncated": result.truncated,
            },
        }
    }


# --- noticing table changes (table_update triggers) ----------------------------------------------


def table_key(name: str) -> tuple[str, str] | None:
    """(schema, table) of a trigger's table name, lower-cased; None for a name that is not one.

    Databricks names tables `catalog.schema.table`. The local warehouse is one DuckDB database,
    so the catalog is ignored, and Databricks' default schema `default` is DuckDB's `main`
    unless the warehouse has a schema named `default` (see `table_fingerprints`) (inferred). A bare
    `table` is in `main`. Backticks around parts are dropped.
    """
    parts = [part.strip().strip("`").lower() for part in name.split(".")]
    if not 1 <= len(parts) <= 3 or not all(parts):
        return None
    if len(parts) == 1:
        return "main", parts[0]
    return parts[-2], parts[-1]


def table_fingerprints(database: Path, names: list[str]) -> dict[str, str | None] | None:
    """A fingerprint of each named table's content and columns (None: no such table), or None
    as a whole when a task holds the warehouse: look again later.

    DuckDB keeps no per-table version or modification time, so a table's fingerprint is its
    column names and types, its row count and the sum of its rows' hashes (order does not count,
    duplicate rows do). Any insert, delete or update that changes a value, and any change of
    columns, changes it; it costs one scan of the table. An UPDATE that writes the values the
    rows already had changes nothing here, where on Databricks it is a commit like any other
    (inferred).
    The database is opened read-only under the warehouse lock, taken without waiting, so a
    running SQL task is never blocked for long nor made to fail.
    """
    found: dict[str, str | None] = dict.fromkeys(names)
    if not database.is_file():
        return found  # no SQL task ever ran: no tables yet (and none created by looking)
    import duckdb

    with open(database.with_name(database.name + _LOCK_SUFFIX), "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        try:
            try:
                connection = duckdb.connect(str(database), read_only=True)
            except duckdb.Error:
                # Read-only cannot open it (a log left to replay, ...): under the lock, a
                # read-write connection may, as the next SQL task's would.
                connection = duckdb.connect(str(database))
            try:
                return _fingerprints(connection, names)
            finally:
                connection.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _fingerprints(connection: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, str | None]:
    import duckdb

    columns: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    for schema, table, column, kind in connection.execute(
        "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()"
        " WHERE database_name = current_database() AND NOT internal"
        " ORDER BY schema_name, table_name, column_index"
    ).fetchall():
        columns.setdefault((str(schema).lower(), str(table).lower()), []).append(
            (str(schema), str(table), str(column), str(kind))
        )
    tables = {
        (str(schema).lower(), str(table).lower())
        for schema, table in connection.execute(
            "SELECT schema_name, table_name FROM duckdb_tables()"
            " WHERE database_name = current_database()"
        ).fetchall()
    }
    schemas = {schema for schema, _ in tables}
    found: dict[str, str | None] = {}
    for name in names:
        key: tuple[str, str] | None = table_key(name)
        if key is not None and key[0] == "default" and "default" not in schemas:
            key = ("main", key[1])
        if key is None or key not in tables or not columns.get(key):
            found[name] = None
            continue
        schema, table = columns[key][0][0], columns[key][0][1]
        quoted = ".".join('"' + part.replace('"', '""') + '"' for part in (schema, table))
        try:
            rows, total = connection.execute(
                f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {quoted} AS t"
            ).fetchone() or (0, None)
        except duckdb.Error:
            found[name] = None
            continue
        shape = ",".join(f"{column}:{kind}" for _, _, column, kind in columns[key])
        found[name] = f"{shape}|{rows}|{total}"
    return found
