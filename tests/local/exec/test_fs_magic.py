"""`%fs` cells run through the task's `dbutils.fs` (its `/Volumes/...` and `dbfs:/` mapping), as
Databricks runs them: `ls` shows a table, `head` the text, `cp` / `mv` / `rm -r` / `mkdirs` change
the files. Cells that only run on Databricks (`%scala`, `%r`, `%conda`, any other unknown magic
of a source notebook) fail the run before anything runs, naming the cell and the magic. Read back
through the real databricks-sdk (runs/get-output, runs/export)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient

from loom_jobs_widget.local import LocalWorkspace

from .test_notebook_magics import cells_of, folder, notebook, result, run_notebook


def test_fs_cells_list_read_copy_and_remove_volume_files(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    volume = f"main/default/fs_{uuid.uuid4().hex[:8]}"
    landing = lw.data_dir / "volumes" / volume / "in"
    landing.mkdir(parents=True)
    (landing / "a.csv").write_text("id,name\n1,ada\n", encoding="utf-8")
    path = notebook(
        lw,
        f"{folder()}/fs",
        [
            f"%fs ls /Volumes/{volume}/in",
            f"%fs head /Volumes/{volume}/in/a.csv",
            f"%fs mkdirs /Volumes/{volume}/out/deep",
            f"%fs cp -r /Volumes/{volume}/in /Volumes/{volume}/copy",
            f"%fs rm -r /Volumes/{volume}/in",
            f"names = sorted(f.name for f in dbutils.fs.ls('/Volumes/{volume}'))\n"
            "dbutils.notebook.exit(str(names))",
        ],
        "source",
    )
    output, page = run_notebook(w, path)
    assert output.get("error") is None, output
    assert result(output) == "['copy/', 'out/']"
    cells = cells_of(page)
    assert [cell["state"] for cell in cells] == ["ran"] * 6
    header, row = cells[0]["tables"][0]
    assert header == ["path", "name", "size", "modificationTime"]
    assert row[:3] == [f"/Volumes/{volume}/in/a.csv", "a.csv", "14"]
    assert cells[1]["output"].startswith("id,name\n1,ada\n")
    assert (lw.data_dir / "volumes" / volume / "copy" / "a.csv").read_text() == "id,name\n1,ada\n"
    assert (lw.data_dir / "volumes" / volume / "out" / "deep").is_dir()
    assert not landing.exists()


def test_a_failing_fs_cell_fails_the_run_naming_the_cell(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    path = notebook(lw, f"{folder()}/fs", ["x = 1", "%fs head dbfs:/no/such/file.txt"], "source")
    output, page = run_notebook(w, path)
    assert output["error"] == (
        f"Cell 2 (%fs) of notebook {path}: File dbfs:/no/such/file.txt does not exist."
    )
    assert [cell["state"] for cell in cells_of(page)] == ["ran", "failed"]


@pytest.mark.parametrize(
    ("cell", "magic"),
    [
        ("%scala\nprintln(1)", "scala"),
        ("%r\nprint(1)", "r"),
        ("%conda list", "conda"),
        ("%lsmagic", "lsmagic"),
    ],
)
def test_a_cell_that_only_runs_on_databricks_fails_the_run_before_any_cell_runs(
    lw: LocalWorkspace, w: WorkspaceClient, tmp_path: Path, cell: str, magic: str
) -> None:
    marker = tmp_path / "ran.txt"
    path = notebook(
        lw, f"{folder()}/other", [f"open({str(marker)!r}, 'w').write('ran')", cell], "source"
    )
    output, _ = run_notebook(w, path)
    assert output["error"] == (
        f"Cell 2 (line 5) of notebook {path} is a %{magic} cell, which only runs on Databricks:"
        " the local workspace runs Python, %md, %sql, %fs, %sh, %pip and %run cells, so it ran"
        " nothing of this notebook"
    )
    assert not marker.exists()


def test_a_scala_cell_in_a_run_notebook_fails_the_run_cell_naming_the_child_cell(
    lw: LocalWorkspace, w: WorkspaceClient
) -> None:
    base = folder()
    child = notebook(lw, f"{base}/child", ["x = 1", "%scala\nprintln(1)"], "source")
    path = notebook(lw, f"{base}/parent", ["%run ./child"], "source")
    output, _ = run_notebook(w, path)
    assert output["error"] == (
        f"Cell 2 (line 5) of notebook {child} is a %scala cell, which only runs on Databricks:"
        " the local workspace runs Python, %md, %sql, %fs, %sh, %pip and %run cells"
    )
