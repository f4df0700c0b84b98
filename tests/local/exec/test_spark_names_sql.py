"""What Databricks SQL the local Spark is sent (`sql_names`): `main.<schema>.<table>` is the
session catalog's name, strings and comments are left alone, CREATE OR REPLACE TABLE becomes
create-then-swap, and only the local catalog can be switched to. No Spark needed: what these
statements do on a real server is `test_spark_names`."""

from __future__ import annotations

import pytest

from loom_jobs_widget.local.exec.sql_names import (
    UnknownCatalog,
    explain_failure,
    local_schema_name,
    local_sql,
    local_table_name,
)


@pytest.mark.parametrize(
    ("sql", "sent"),
    [
        (
            "SELECT * FROM main.sales.orders o JOIN `main`.sales.`items` i ON o.id = i.id",
            "SELECT * FROM spark_catalog.sales.orders o JOIN spark_catalog.sales.`items` i"
            " ON o.id = i.id",
        ),
        (
            "SELECT 'main.a.b' AS s, \"main.c.d\" AS t -- main.e.f\n/* main.g.h */ FROM x",
            "SELECT 'main.a.b' AS s, \"main.c.d\" AS t -- main.e.f\n/* main.g.h */ FROM x",
        ),
        (
            "CREATE SCHEMA IF NOT EXISTS main.bronze",
            "CREATE SCHEMA IF NOT EXISTS spark_catalog.bronze",
        ),
        ("USE main.bronze", "USE spark_catalog.bronze"),
        ("SHOW TABLES IN main.bronze", "SHOW TABLES IN spark_catalog.bronze"),
        ("SHOW SCHEMAS IN main", "SHOW SCHEMAS IN spark_catalog"),
        # Two parts are schema.table on Databricks too: schema `main`, table `t`.
        ("CREATE TABLE IF NOT EXISTS main.t (a INT)", "CREATE TABLE IF NOT EXISTS main.t (a INT)"),
        ("SELECT main.x FROM t AS main", "SELECT main.x FROM t AS main"),
        ("USE CATALOG main", "USE spark_catalog"),
        ("set catalog `main`;", "USE spark_catalog"),
        ("SHOW CATALOGS", "SELECT 'main' AS catalog"),
        ("INSERT OVERWRITE main.s.t SELECT 1", "INSERT OVERWRITE spark_catalog.s.t SELECT 1"),
    ],
)
def test_names_of_the_local_catalog_are_sent_as_spark_names(sql: str, sent: str) -> None:
    assert local_sql(sql).statements == (sent,)


def test_create_or_replace_makes_the_new_table_first_then_swaps_it_in() -> None:
    planned = local_sql(
        "-- nightly\nCREATE OR REPLACE TABLE main.s.t AS SELECT id + 1 AS id FROM main.s.t"
    )
    create, drop, rename = planned.statements
    copy = create.split()[2]
    assert copy.startswith("spark_catalog.s.t__loom_replacing_")
    assert create == f"CREATE TABLE {copy} AS SELECT id + 1 AS id FROM spark_catalog.s.t"
    assert drop == "DROP TABLE IF EXISTS spark_catalog.s.t"
    assert rename == f"ALTER TABLE {copy} RENAME TO s.t"
    assert planned.cleanup == f"DROP TABLE IF EXISTS {copy}"
    quoted = local_sql("REPLACE TABLE `my t` (a INT) USING parquet").statements
    assert quoted[0].startswith("CREATE TABLE `my t__loom_replacing_")
    assert quoted[0].endswith("` (a INT) USING parquet")
    assert quoted[2].endswith("RENAME TO `my t`")


def test_only_the_local_catalog_can_be_used() -> None:
    with pytest.raises(UnknownCatalog, match="Catalog 'hive_metastore' does not exist"):
        local_sql("USE CATALOG hive_metastore")
    assert local_table_name("main.default.t") == "spark_catalog.default.t"
    assert local_table_name("default.t") == "default.t"
    assert local_table_name("other.default.t") == "other.default.t"
    assert local_schema_name("main.bronze") == "bronze"
    assert local_schema_name("bronze") == "bronze"


def test_spark_failures_about_catalogs_and_row_level_statements_are_explained() -> None:
    namespace = (
        "[REQUIRES_SINGLE_PART_NAMESPACE] spark_catalog requires a single-part namespace, but"
        " got identifier `samples`.`nyctaxi`.`trips`. SQLSTATE: 42K05"
    )
    assert str(explain_failure(namespace)).startswith("Catalog 'samples' does not exist")
    update = "[UNSUPPORTED_FEATURE.TABLE_OPERATION] Table `t` does not support UPDATE TABLE."
    assert str(explain_failure(update)).startswith("UPDATE needs a Delta table")
    assert explain_failure("[TABLE_OR_VIEW_NOT_FOUND] The table `x` cannot be found.") is None
