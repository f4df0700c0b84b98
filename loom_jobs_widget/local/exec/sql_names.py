"""Databricks SQL on the local Spark: Unity Catalog names of the one local catalog, and the
statements Spark's session catalog refuses, turned into what it runs.

On Databricks, tables are named `catalog.schema.table` (Databricks docs: "What are catalogs in
Databricks?"). Which catalog a workspace starts with varies (Databricks docs: "Manage the
default catalog": the workspace catalog, or hive_metastore); jobs written for Unity Catalog
often name `main`, so the local catalog answers to that one name, `LOCAL_CATALOG`. The local
Spark has one catalog, Spark's session catalog `spark_catalog` (Hive metastore), whose tables
are parquet (V1) tables.

Why a rewrite on the client side, rather than a Spark catalog configured as `main`: Spark 4.3
ships no catalog plugin that delegates to the session catalog under another name.
`spark.sql.catalog.<name>` needs a class with a no-argument constructor, which the built-in
`V2SessionCatalog` lacks (apache/spark pull request 49332), and a `CatalogExtension` is handed
its delegate only when it is `spark_catalog` itself (apache/spark pull request 27303). Even
such a catalog would not make `CREATE OR REPLACE TABLE` work: Spark refuses REPLACE TABLE on
V1 tables (`UNSUPPORTED_FEATURE.TABLE_OPERATION`).

So, before a statement or a table name reaches the server:
- `main.<schema>.<table>` (and `main.<schema>` after SCHEMA, DATABASE, NAMESPACE, USE, IN)
  is the same name in `spark_catalog`; `USE CATALOG main` / `SET CATALOG main` use it, any
  other catalog is refused, naming what exists. A column or alias that is itself called `main`
  followed by two more name parts (`main.col.field`) would be rewritten too.
- `CREATE OR REPLACE TABLE t ...` / `REPLACE TABLE t ...` runs as `CREATE TABLE <t's new
  copy> ...`, `DROP TABLE IF EXISTS t`, `ALTER TABLE <copy> RENAME TO t`: the old table stays
  whole until the new one exists, and a query that reads `t` itself still sees the old rows.
  The three steps are not one transaction: another task reading `t` between the last two sees
  no table.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Final

__all__ = [
    "LOCAL_CATALOG",
    "SESSION_CATALOG",
    "LocalSql",
    "UnknownCatalog",
    "explain_failure",
    "local_catalog_name",
    "local_schema_name",
    "local_sql",
    "local_table_name",
]

#: The Unity Catalog name the local catalog answers to.
LOCAL_CATALOG: Final = "main"
#: Spark's own name for the same catalog.
SESSION_CATALOG: Final = "spark_catalog"

_PART: Final = r"(?:`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_]*)"
# Strings and comments are kept as they are; names are dotted chains of parts.
_TOKENS: Final = re.compile(
    r"(?P<skip>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|--[^\n]*|/\*.*?\*/)"
    rf"|(?P<name>{_PART}(?:\s*\.\s*{_PART})*)",
    re.DOTALL,
)
_PARTS: Final = re.compile(_PART)
_LEADING: Final = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)
# A two-part `main.x` names a schema (not table x of schema main) right after USE or IN, or
# after SCHEMA (DATABASE, NAMESPACE) and the words that may follow it.
_SCHEMA_WORDS: Final = frozenset({"schema", "database", "namespace"})
_AFTER_SCHEMA: Final = frozenset({*_SCHEMA_WORDS, "exists", "extended"})
# A one-part `main` names the catalog after SHOW SCHEMAS IN (or FROM).
_SCHEMAS_WORDS: Final = frozenset({"schemas", "databases", "namespaces"})
_SET_CATALOG: Final = re.compile(
    rf"(?:USE|SET)\s+CATALOG\s+(?P<name>{_PART}|'[^']*')\s*;?\s*$", re.IGNORECASE
)
_REPLACE: Final = re.compile(
    rf"(?:CREATE\s+OR\s+REPLACE|REPLACE)\s+TABLE\s+(?P<name>{_PART}(?:\s*\.\s*{_PART}){{0,2}})",
    re.IGNORECASE,
)
_SHOW_CATALOGS: Final = re.compile(r"SHOW\s+CATALOGS\s*;?\s*$", re.IGNORECASE)


class UnknownCatalog(ValueError):
    """A catalog other than the local one was named."""


def _unquoted(part: str) -> str:
    return part[1:-1].replace("``", "`") if part.startswith("`") else part


def _is(part: str, catalog: str) -> bool:
    return _unquoted(part).lower() == catalog


def _unknown(catalog: str) -> str:
    return (
        f"Catalog {catalog!r} does not exist in the local workspace: its one catalog is"
        f" {LOCAL_CATALOG!r} (Spark's {SESSION_CATALOG!r}, the same tables). Name tables"
        f" {LOCAL_CATALOG}.<schema>.<table> or <schema>.<table>"
    )


def local_catalog_name(catalog: str) -> str:
    """Spark's name of a catalog the user named; UnknownCatalog for any but the local one."""
    name = _unquoted(catalog.strip())
    if name.lower() in (LOCAL_CATALOG, SESSION_CATALOG):
        return SESSION_CATALOG
    raise UnknownCatalog(_unknown(name))


def _split(name: str) -> list[str]:
    return _PARTS.findall(name)


def local_table_name(name: str) -> str:
    """A table name as the DataFrame API takes it (`main.s.t`, `s.t`, `t`), in Spark's terms."""
    parts = _split(name)
    if len(parts) == 3 and _is(parts[0], LOCAL_CATALOG):
        return ".".join([SESSION_CATALOG, *parts[1:]])
    return name


def local_schema_name(name: str) -> str:
    """A schema name as the catalog API takes it (`main.s`, `s`), in Spark's terms: without
    the catalog, since `setCurrentDatabase` takes none and there is one catalog."""
    parts = _split(name)
    if len(parts) == 2 and (_is(parts[0], LOCAL_CATALOG) or _is(parts[0], SESSION_CATALOG)):
        return parts[1]
    return name


@dataclass(frozen=True)
class LocalSql:
    """What one statement runs as: `statements` in order, the user's parameters going to the
    one at `main`; when a later one fails, `cleanup` (if any) runs before the failure is
    raised. The last statement's result is the statement's result."""

    statements: tuple[str, ...]
    main: int = 0
    cleanup: str | None = None


def _rewrite_names(sql: str) -> str:
    out: list[str] = []
    last = 0
    previous = kind = ""
    for match in _TOKENS.finditer(sql):
        if match.group("skip") is not None:
            continue
        parts = _split(match.group("name"))
        if _is(parts[0], LOCAL_CATALOG) and (
            len(parts) >= 3
            or (
                len(parts) == 2
                and (
                    previous in ("use", "in")
                    or (kind in _SCHEMA_WORDS and previous in _AFTER_SCHEMA)
                )
            )
            or (len(parts) == 1 and kind in _SCHEMAS_WORDS and previous in ("in", "from"))
        ):
            out.append(sql[last : match.start()])
            out.append(".".join([SESSION_CATALOG, *parts[1:]]))
            last = match.end()
        previous = _unquoted(parts[-1]).lower()
        if len(parts) == 1 and previous in (*_SCHEMA_WORDS, *_SCHEMAS_WORDS, "table", "view"):
            kind = previous
    out.append(sql[last:])
    return "".join(out)


def _replaced(body: str, match: re.Match[str]) -> LocalSql:
    parts = _split(match.group("name"))
    suffix = f"__loom_replacing_{uuid.uuid4().hex[:8]}"
    last = parts[-1]
    copy_last = f"{last[:-1]}{suffix}`" if last.startswith("`") else f"{last}{suffix}"
    name = ".".join(parts)
    copy = ".".join([*parts[:-1], copy_last])
    # RENAME TO takes at most schema.table, and keeps the schema of the table renamed.
    target = ".".join(parts[-2:]) if len(parts) == 3 else name
    rest = body[match.end() :]
    return LocalSql(
        (
            f"CREATE TABLE {copy}{rest}",
            f"DROP TABLE IF EXISTS {name}",
            f"ALTER TABLE {copy} RENAME TO {target}",
        ),
        cleanup=f"DROP TABLE IF EXISTS {copy}",
    )


def local_sql(sql: str) -> LocalSql:
    """One statement of Databricks SQL as the local Spark runs it; UnknownCatalog when it
    switches to a catalog that does not exist here."""
    text = _rewrite_names(sql)
    head = _LEADING.match(text)
    start = head.end() if head else 0
    body = text[start:]
    switch = _SET_CATALOG.match(body)
    if switch:
        catalog = switch.group("name").strip("'")
        return LocalSql((f"USE {local_catalog_name(catalog)}",))
    if _SHOW_CATALOGS.match(body):
        return LocalSql((f"SELECT '{LOCAL_CATALOG}' AS catalog",))
    replace = _REPLACE.match(body)
    if replace:
        return _replaced(body, replace)
    return LocalSql((text,))


_NAMESPACE_PARTS: Final = re.compile(
    r"REQUIRES_SINGLE_PART_NAMESPACE\].*?identifier `(?P<catalog>[^`]+)`\.`[^`]+`\.`[^`]+`"
)
_CATALOG_NOT_FOUND: Final = re.compile(r"CATALOG_NOT_FOUND\][^`]*`(?P<catalog>[^`]+)`")
_ROW_LEVEL: Final = re.compile(
    r"does not support (?P<what>MERGE INTO TABLE|UPDATE TABLE|DELETE)\b", re.IGNORECASE
)
_ROW_LEVEL_NAMES: Final = {
    "merge into table": "MERGE INTO",
    "update table": "UPDATE",
    "delete": "DELETE FROM",
}


def explain_failure(text: str) -> str | None:
    """What to tell the user instead of a Spark error's text, when it is about a catalog that
    does not exist here or a statement that needs Delta; None for anything else."""
    found = _NAMESPACE_PARTS.search(text) or _CATALOG_NOT_FOUND.search(text)
    if found:
        return _unknown(found.group("catalog"))
    row_level = _ROW_LEVEL.search(text)
    if row_level:
        what = _ROW_LEVEL_NAMES[row_level.group("what").lower()]
        return (
            f"{what} needs a Delta table (on Databricks, tables are Delta by default), and the"
            " local workspace's Spark has no Delta Lake: its tables are parquet. Write the"
            " table's new rows whole instead: CREATE OR REPLACE TABLE t AS SELECT ... (a join"
            " of the table and its changes), or INSERT OVERWRITE t SELECT ..."
        )
    return None
