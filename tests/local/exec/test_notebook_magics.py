"""The cell types of Databricks notebooks, run by the local workspace as Databricks documents
them, in source-format and `.ipynb` notebooks alike, read back through the real databricks-sdk
(runs/get-output, runs/export): `%sql` (a result table, `_sqldf`, widget markers), `%run`
(inline, relative paths, `$name="value"` widgets), `%sh`, `%pip install` into the run's own
folder, `dbutils.notebook.run` with arguments and a timeout, and `display` / `displayHTML`."""

from __future__ import annotations

import html
import importlib.util
import re
import textwrap
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.service import jobs

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.exec.protocol import NOTEBOOK_CELLS, TaskInvocation
from loom_jobs_widget.local.exec.runners import TaskLauncher

from ..helpers import process_alive, run_output, wait_for, wait_run

# Each cell type is tested in source format; a .ipynb notebook (a kernel start takes seconds) runs
# them all in one notebook, and one failing cell.
FORMATS = ["source", "ipynb"]


def dedent(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def notebook(lw: LocalWorkspace, relative: str, cells: list[str], fmt: str) -> str:
    """Writes a notebook of `cells` (each a cell's text as a notebook shows it, a magic on its
    first line) in format `fmt`; returns its workspace path, without extension."""
    target = lw.workspace_root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    cells = [dedent(cell) for cell in cells]
    if fmt == "ipynb":
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(cell) for cell in cells]
        nbformat.write(nb, str(target.with_name(target.name + ".ipynb")))
    else:
        parts = []
        for cell in cells:
            if cell.startswith("%"):
                cell = "\n".join(f"# MAGIC {line}".rstrip() for line in cell.splitlines())
            parts.append(cell)
        text = "# Databricks notebook source\n" + "\n\n# COMMAND ----------\n\n".join(parts)
        target.with_name(target.name + ".py").write_text(text + "\n", encoding="utf-8")
    return f"/Workspace/{relative}"


def folder() -> str:
    return f"Shared/magics-{uuid.uuid4().hex[:8]}"


def submit(w: WorkspaceClient, path: str, parameters: dict[str, str] | None = None) -> int:
    """Submits the notebook as a one-task run; its run id."""
    task = {"task_key": "nb", "notebook_task": {"notebook_path": path}}
    if parameters:
        task["notebook_task"]["base_parameters"] = parameters  # type: ignore[index]
    answer = w.api_client.do(
        "POST", "/api/2.2/jobs/runs/submit", body={"run_name": "magics", "tasks": [task]}
    )
    return int(answer["run_id"])


def run_notebook(
    w: WorkspaceClient, path: str, parameters: dict[str, str] | None = None
) -> tuple[dict[str, Any], str]:
    """Runs the notebook as a one-task run to its end: its get-output and exported page."""
    run = wait_run(w, submit(w, path, parameters), timeout=90)
    task_run_id = run["tasks"][0]["run_id"]
    views = w.jobs.export_run(task_run_id, views_to_export=jobs.ViewsToExport.CODE).views or []
    return run_output(w, task_run_id), views[0].content or ""


def cells_of(page: str) -> list[dict[str, Any]]:
    """The cells of an exported page: state, printed output, and the tables (rows of cell
    texts, the header first) and HTML it displayed."""
    found = []
    for match in re.finditer(r'<section class="loom-cell"(.*?)</section>', page, re.DOTALL):
        body = match.group(1)
        state = re.search(r'data-state="([^"]*)"', body)
        printed = re.findall(r'<pre class="loom-cell-output">(.*?)</pre>', body, re.DOTALL)
        tables = [
            [
                [html.unescape(text) for text in re.findall(r"<t[hd]>(.*?)</t[hd]>", row)]
                for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
            ]
            for table in re.findall(
                r'<table class="loom-display-table">(.*?)</table>', body, re.DOTALL
            )
        ]
        found.append(
            {
                "state": state.group(1) if state else None,
                "output": "".join(html.unescape(text) for text in printed),
                "tables": tables,
                "html": re.findall(r'<div class="loom-display-html">(.*?)</div>', body, re.DOTALL),
            }
        )
    return found


def result(output: dict[str, Any]) -> str | None:
    value = output.get("notebook_output", {}).get("result")
    return None if value is None else str(value)


def test_a_sql_cell_shows_its_table_and_feeds_sqldf_with_widget_values(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    table = f"t_{uuid.uuid4().hex[:8]}"
    path = notebook(
        lw,
        f"{folder()}/sql",
        [
            'dbutils.widgets.text("n", "2")',
            f"""
            %sql
            CREATE TABLE {table} AS SELECT id, id * 10 AS tens FROM range(6) t(id);
            SELECT id, tens FROM {table} WHERE id < :n ORDER BY id
            """,
            """
            rows = _sqldf.to_dict("records") if hasattr(_sqldf, "to_dict") else _sqldf
            first = [row["tens"] for row in rows]
            """,
            """
            %sql
            SELECT '${n}' AS legacy
            """,
            """
            rows = _sqldf.to_dict("records") if hasattr(_sqldf, "to_dict") else _sqldf
            dbutils.notebook.exit(f"{first} {rows[0]['legacy']}")
            """,
        ],
        "source",
    )
    output, page = run_notebook(w, path, {"n": "3"})
    assert output.get("error") is None, output
    assert result(output) == "[0, 10, 20] 3"
    sql_cell = cells_of(page)[1]
    assert sql_cell["state"] == "ran"
    # The result is drawn as a table, in place of its text.
    assert sql_cell["tables"] == [[["id", "tens"], ["0", "0"], ["1", "10"], ["2", "20"]]]
    assert sql_cell["output"] == ""


def test_a_failing_sql_cell_fails_the_run_naming_the_cell(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    path = notebook(lw, f"{folder()}/bad", ["x = 1", "%sql\nSELECT * FROM no_such_table"], "source")
    output, page = run_notebook(w, path)
    assert output["error"].startswith(f"Cell 2 (%sql) of notebook {path}: Catalog Error")
    assert [cell["state"] for cell in cells_of(page)] == ["ran", "failed"]


def test_run_runs_another_notebook_inline_with_relative_paths_and_widget_values(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    notebook(lw, f"{base}/common/constants", ['GREETING = "hello"'], "source")
    notebook(
        lw,
        f"{base}/lib/helpers",
        [
            "%run ../common/constants",
            'dbutils.widgets.text("who", "nobody")\nWHO = dbutils.widgets.get("who")',
            "def greet():\n    return f'{GREETING} {WHO}'",
        ],
        "source",
    )
    path = notebook(
        lw,
        f"{base}/main",
        ['%run ./lib/helpers $who="local user"', "dbutils.notebook.exit(greet())"],
        "source",
    )
    output, _ = run_notebook(w, path)
    assert output.get("error") is None, output
    assert result(output) == "hello local user"

    missing = notebook(lw, f"{base}/missing", ["x = 1", "%run ./nope"], "source")
    output, page = run_notebook(w, missing)
    assert output["error"].startswith(
        f"Cell 2 (%run) of notebook {missing}: cannot run notebook ./nope: Notebook"
        f" /Workspace/{base}/nope not found"
    )
    assert [cell["state"] for cell in cells_of(page)] == ["ran", "failed"]

    notebook(lw, f"{base}/broken", ["raise ValueError('inner')"], "source")
    caller = notebook(lw, f"{base}/caller", ["%run ./broken"], "source")
    output, _ = run_notebook(w, caller)
    assert output["error"] == (
        f"Cell 1 (%run) of notebook {caller}: notebook /Workspace/{base}/broken failed:"
        " ValueError: inner"
    )
    assert "ValueError: inner" in output["error_trace"]


def test_sh_cells_run_in_the_notebook_folder_and_e_fails_on_a_non_zero_exit(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    path = notebook(
        lw,
        f"{base}/shell",
        ['%sh\necho "in $(basename "$PWD")"\nfalse', "%sh -e\necho before\nexit 3", "x = 1"],
        "source",
    )
    output, page = run_notebook(w, path)
    assert output["error"] == (
        f"Cell 2 (%sh) of notebook {path}: the shell command exited with code 3"
    )
    shown = cells_of(page)
    assert shown[0]["state"] == "ran" and shown[0]["output"] == f"in {base.rsplit('/', 1)[1]}\n"
    assert shown[1]["state"] == "failed" and shown[1]["output"].startswith("before\n")
    assert shown[2]["state"] == "not_run"


def test_canceling_the_run_ends_its_sh_cell(
    lw: LocalWorkspace, w: WorkspaceClient, tmp_path: Path
) -> None:
    pid_file = tmp_path / "sh.pid"
    path = notebook(lw, f"{folder()}/long", [f"%sh\necho $$ > {pid_file}\nexec sleep 60"], "source")
    run_id = submit(w, path)
    wait_for(lambda: pid_file.exists() and pid_file.read_text().strip() != "")
    pid = int(pid_file.read_text())
    assert process_alive(pid)
    w.api_client.do("POST", "/api/2.2/jobs/runs/cancel", body={"run_id": run_id})
    assert wait_run(w, run_id)["state"]["result_state"] == "CANCELED"
    wait_for(lambda: not process_alive(pid), timeout=10)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A tiny wheel built here, so that %pip install needs no index."""
    name = f"loomtiny{uuid.uuid4().hex[:6]}"
    path = tmp_path_factory.mktemp("wheel") / f"{name}-0.1-py3-none-any.whl"
    info = f"{name}-0.1.dist-info"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}/__init__.py", "VALUE = 42\n")
        archive.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        archive.writestr(
            f"{info}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        archive.writestr(f"{info}/RECORD", "")
    yield path


def test_pip_installs_into_the_task_run_only(
    lw: LocalWorkspace, w: WorkspaceClient, wheel: Path
) -> None:
    name = wheel.name.split("-")[0]
    path = notebook(
        lw,
        f"{folder()}/pip",
        [f"%pip install {wheel}", f"import {name}\ndbutils.notebook.exit(str({name}.VALUE))"],
        "source",
    )
    output, page = run_notebook(w, path)
    assert output.get("error") is None, output
    assert result(output) == "42"
    assert "into this task run's environment" in cells_of(page)[0]["output"]
    assert importlib.util.find_spec(name) is None  # not in the environment the workspace runs in


def test_a_pip_install_that_fails_names_the_package_and_the_cell(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    path = notebook(
        lw, f"{folder()}/nopip", ["%pip install --no-index loom-no-such-package"], "source"
    )
    output, _ = run_notebook(w, path)
    assert output["error"].startswith(
        f"Cell 1 (%pip) of notebook {path}: could not install loom-no-such-package: ERROR:"
    )


def test_notebook_run_passes_arguments_returns_the_exit_value_and_times_out(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    notebook(
        lw,
        f"{base}/child",
        [
            'dbutils.widgets.text("x", "0")',
            'dbutils.notebook.exit(str(int(dbutils.widgets.get("x")) * 2))',
        ],
        "source",
    )
    notebook(lw, f"{base}/slow", ["import time\ntime.sleep(60)"], "source")
    path = notebook(
        lw,
        f"{base}/parent",
        [
            """
            import time
            doubled = dbutils.notebook.run("./child", 60, {"x": 21})
            started = time.monotonic()
            try:
                dbutils.notebook.run("./slow", 1)
                outcome = "no timeout"
            except Exception as exc:
                outcome = f"{type(exc).__name__}: {exc}"
            waited = time.monotonic() - started
            """,
            'dbutils.notebook.exit(f"{doubled} | {outcome} | {waited < 20}")',
        ],
        "source",
    )
    output, _ = run_notebook(w, path)
    assert output.get("error") is None, output
    assert result(output) == (
        f"42 | WorkflowException: Notebook /Workspace/{base}/slow timed out after 1 seconds | True"
    )


def test_display_shows_a_table_and_sanitised_html(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    path = notebook(
        lw,
        f"{folder()}/display",
        [
            'display([{"city": "Oslo", "n": 3}, {"city": "Lima", "n": None}])',
            'displayHTML("<b onclick=\\"x()\\">bold</b><script>alert(1)</script> text")',
        ],
        "source",
    )
    _, page = run_notebook(w, path)
    table, markup = cells_of(page)
    assert table["tables"] == [[["city", "n"], ["Oslo", "3"], ["Lima", "null"]]]
    assert table["output"] == ""
    assert markup["html"] == ["<b>bold</b> text"] and markup["output"] == ""


def test_an_ipynb_notebook_runs_the_same_cell_types(
    lw: LocalWorkspace, w: WorkspaceClient, wheel: Path
) -> None:
    base = folder()
    notebook(lw, f"{base}/common/constants", ['GREETING = "hello"'], "ipynb")
    notebook(
        lw,
        f"{base}/lib/helpers",
        [
            "%run ../common/constants",
            'WHO = dbutils.widgets.get("who")',
            "def greet():\n    return f'{GREETING} {WHO}'",
        ],
        "ipynb",
    )
    notebook(lw, f"{base}/child", ['dbutils.notebook.exit(dbutils.widgets.get("x") * 2)'], "source")
    name = wheel.name.split("-")[0]
    path = notebook(
        lw,
        f"{base}/main",
        [
            'dbutils.widgets.text("n", "2")',
            "%sql\nSELECT id FROM range(5) t(id) WHERE id < :n",
            """
            rows = _sqldf.to_dict("records") if hasattr(_sqldf, "to_dict") else _sqldf
            first = [row["id"] for row in rows]
            """,
            '%run ./lib/helpers $who="local user"',
            '%sh\necho "in $(basename "$PWD")"',
            f"%pip install {wheel}",
            f"import {name}",
            'doubled = dbutils.notebook.run("./child", 60, {"x": "ab"})',
            'display([{"city": "Oslo"}])\ndisplayHTML("<b>bold</b><script>x()</script>")',
            'dbutils.notebook.exit(f"{first} {greet()} {' + name + '.VALUE} {doubled}")',
        ],
        "ipynb",
    )
    output, page = run_notebook(w, path, {"n": "3"})
    assert output.get("error") is None, output
    assert result(output) == "[0, 1, 2] hello local user 42 abab"
    shown = cells_of(page)
    assert [cell["state"] for cell in shown] == ["ran"] * 10
    assert shown[1]["tables"] == [[["id"], ["0"], ["1"], ["2"]]]
    assert shown[4]["output"] == f"in {base.rsplit('/', 1)[1]}\n"
    assert shown[8]["tables"] == [[["city"], ["Oslo"]]] and shown[8]["html"] == ["<b>bold</b>"]


def test_a_failing_magic_cell_of_an_ipynb_notebook_fails_the_run_naming_it(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    path = notebook(
        lw, f"{folder()}/bad", ["x = 1", "%sql\nSELECT * FROM nowhere", "y = 2"], "ipynb"
    )
    output, page = run_notebook(w, path)
    assert output["error"].startswith(f"Cell 2 (%sql) of notebook {path}: Catalog Error")
    assert [cell["state"] for cell in cells_of(page)] == ["ran", "failed", "not_run"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_displays_are_kept_per_cell_as_tables_and_html(
    tmp_path: Path, lw: LocalWorkspace, fmt: str
) -> None:
    path = notebook(
        lw,
        f"{folder()}/kept",
        [
            "print('before')\ndisplay([(1, 'a'), (2, 'b')])",
            'displayHTML("<i onmouseover=\\"x()\\">hi</i><iframe src=\\"https://e\\"></iframe>")',
        ],
        fmt,
    )
    launcher = TaskLauncher(tmp_path / "forks", fork=False)
    try:
        process = launcher.start(
            TaskInvocation(
                task={"task_key": "nb", "notebook_task": {"notebook_path": path}},
                job_parameters={},
                workspace_root=lw.workspace_root,
                run_dir=tmp_path / "run",
                upstream_values={},
                context={"job_id": 1, "job_run_id": 2, "run_id": 3, "task_key": "nb"},
            )
        )
        outcome = process.wait(60)
    finally:
        launcher.stop()
    assert outcome is not None and outcome.result_state == "SUCCESS", outcome
    first, second = outcome.extra_output[NOTEBOOK_CELLS]
    assert first["displays"] == [
        {"kind": "table", "columns": ["_1", "_2"], "rows": [[1, "a"], [2, "b"]], "truncated": False}
    ]
    assert first["output"].startswith("before\n+--+--+\n")
    assert second["displays"] == [{"kind": "html", "html": "<i>hi</i>"}]
