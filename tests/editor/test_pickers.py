"""The workspace path pickers list through the real SDK against the local workspace: they start
in the nearest existing folder of the value and offer one way up, none at the root."""

from __future__ import annotations

import base64
import uuid

from databricks.sdk.service.workspace import ImportFormat, Language

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.editor.pickers import choices


def _folder_with_a_notebook(ws: Workspace) -> str:
    folder = f"/Shared/pickers-{uuid.uuid4().hex[:8]}"
    ws.client.workspace.mkdirs(f"{folder}/sub")
    ws.client.workspace.import_(
        f"{folder}/etl",
        content=base64.b64encode(b"# Databricks notebook source\nprint(1)\n").decode(),
        format=ImportFormat.SOURCE,
        language=Language.PYTHON,
    )
    return folder


def test_a_missing_folder_lists_its_nearest_existing_ancestor(ws: Workspace) -> None:
    folder = _folder_with_a_notebook(ws)
    found = choices(ws, "notebook", path=f"{folder}/gone/deeper")
    assert [c["label"] for c in found] == ["..", "sub", "etl"]
    assert found[0]["value"] == "/Shared"


def test_a_notebook_path_lists_its_folder(ws: Workspace) -> None:
    folder = _folder_with_a_notebook(ws)
    found = choices(ws, "notebook", path=f"{folder}/etl")
    assert [c["value"] for c in found] == ["/Shared", f"{folder}/sub", f"{folder}/etl"]


def test_one_way_up_and_none_at_the_root(ws: Workspace) -> None:
    _folder_with_a_notebook(ws)
    assert [c["label"] for c in choices(ws, "directory", path="/")].count("..") == 0
    shared = choices(ws, "directory", path="/Shared")
    assert [c["label"] for c in shared].count("..") == 1
    assert shared[0] == {"value": "/", "label": "..", "detail": "/", "is_dir": True}


def test_no_value_starts_in_an_existing_folder(ws: Workspace) -> None:
    found = choices(ws, "notebook")
    assert [c["label"] for c in found].count("..") <= 1
    # Whatever folder it fell back to exists: its way up leads to a listable folder.
    for up in (c for c in found if c["label"] == ".."):
        assert choices(ws, "directory", path=up["value"]) is not None
