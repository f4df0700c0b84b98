"""Workspace files over workspace_root, the compute pickers and SCIM Me."""

from __future__ import annotations

import base64
import io
import json
import uuid
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import (
    InvalidParameterValue,
    NotFound,
    ResourceAlreadyExists,
    ResourceDoesNotExist,
)
from databricks.sdk.service.workspace import ExportFormat, ImportFormat, Language, ObjectType

from loom_jobs_widget.local import LocalWorkspace


@pytest.fixture
def base(lw: LocalWorkspace, w: WorkspaceClient) -> str:
    path = f"/Shared/{uuid.uuid4().hex[:8]}"
    w.workspace.mkdirs(path)
    return path


def test_import_list_status_export(lw: LocalWorkspace, w: WorkspaceClient, base: str) -> None:
    w.workspace.import_(
        f"{base}/etl",
        content=base64.b64encode(b"print('etl')\n").decode(),
        format=ImportFormat.SOURCE,
        language=Language.PYTHON,
    )
    on_disk = lw.workspace_root / base.lstrip("/") / "etl.py"
    assert on_disk.read_text() == "# Databricks notebook source\nprint('etl')\n"
    w.workspace.upload(f"{base}/data.csv", io.BytesIO(b"a,b\n1,2\n"), format=ImportFormat.AUTO)
    w.workspace.mkdirs(f"{base}/sub/deeper")

    listed = {o.path: o for o in w.workspace.list(base)}
    assert set(listed) == {f"{base}/etl", f"{base}/data.csv", f"{base}/sub"}
    assert listed[f"{base}/etl"].object_type == ObjectType.NOTEBOOK
    assert listed[f"{base}/etl"].language == Language.PYTHON
    assert listed[f"{base}/data.csv"].object_type == ObjectType.FILE
    assert listed[f"{base}/data.csv"].size == 8
    assert listed[f"{base}/sub"].object_type == ObjectType.DIRECTORY
    # The /Workspace prefix is accepted, and answers keep the form asked with.
    prefixed = [o.path for o in w.workspace.list(f"/Workspace{base}")]
    assert f"/Workspace{base}/etl" in prefixed

    status = w.workspace.get_status(f"{base}/etl")
    assert status.object_type == ObjectType.NOTEBOOK and status.object_id
    exported = w.workspace.export(f"{base}/etl", format=ExportFormat.SOURCE)
    assert base64.b64decode(exported.content or "").decode().endswith("print('etl')\n")
    notebook = json.loads(
        base64.b64decode(
            w.workspace.export(f"{base}/etl", format=ExportFormat.JUPYTER).content or ""
        )
    )
    assert notebook["cells"][0]["source"] == "print('etl')"
    assert w.workspace.download(f"{base}/data.csv").read() == b"a,b\n1,2\n"
    roots = {o.path for o in w.workspace.list("/")}
    assert {"/Shared", "/Users"} <= roots


def test_overwrite_delete_and_errors(w: WorkspaceClient, base: str) -> None:
    content = base64.b64encode(b"x = 1\n").decode()
    w.workspace.import_(
        f"{base}/nb", content=content, format=ImportFormat.SOURCE, language=Language.PYTHON
    )
    with pytest.raises(ResourceAlreadyExists):
        w.workspace.import_(
            f"{base}/nb", content=content, format=ImportFormat.SOURCE, language=Language.PYTHON
        )
    w.workspace.import_(
        f"{base}/nb",
        content=content,
        format=ImportFormat.SOURCE,
        language=Language.PYTHON,
        overwrite=True,
    )
    with pytest.raises(ResourceDoesNotExist, match=r"Path \(/Shared/nowhere\) doesn't exist."):
        w.workspace.get_status("/Shared/nowhere")
    with pytest.raises(NotFound, match="parent folder"):
        w.workspace.import_(f"{base}/no/such/x", content=content, format=ImportFormat.RAW)
    w.workspace.mkdirs(f"{base}/full/inner")
    with pytest.raises(Exception, match="is not empty"):
        w.workspace.delete(f"{base}/full")
    w.workspace.delete(f"{base}/full", recursive=True)
    w.workspace.delete(f"{base}/nb")
    assert [o.path for o in w.workspace.list(base)] == []


@pytest.mark.parametrize(
    "path",
    [
        "/Shared/../../etc/passwd",
        "/Workspace/../secret",
        "/etc/passwd",
        "relative/path",
        "/Shared/a\x00b",
    ],
)
def test_paths_stay_inside_the_workspace(w: WorkspaceClient, path: str) -> None:
    with pytest.raises(InvalidParameterValue, match="refused"):
        w.workspace.get_status(path)
    with pytest.raises(InvalidParameterValue):
        w.workspace.import_(path, content="eA==", format=ImportFormat.RAW, overwrite=True)
    with pytest.raises(InvalidParameterValue):
        w.workspace.mkdirs(path)


def test_symbolic_links_out_are_refused(
    lw: LocalWorkspace, w: WorkspaceClient, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    name = f"link-{uuid.uuid4().hex[:6]}"
    (lw.workspace_root / "Shared" / name).symlink_to(outside)
    with pytest.raises(InvalidParameterValue, match="symbolic link"):
        w.workspace.get_status(f"/Shared/{name}/secret.txt")
    with pytest.raises(InvalidParameterValue, match="symbolic link"):
        w.workspace.import_(f"/Shared/{name}/new.txt", content="eA==", format=ImportFormat.RAW)
    assert not (outside / "new.txt").exists()
    assert name not in {str(o.path).rsplit("/", 1)[-1] for o in w.workspace.list("/Shared")}


def test_compute_pickers_and_the_current_user(lw: LocalWorkspace, w: WorkspaceClient) -> None:
    (cluster,) = list(w.clusters.list())
    assert (
        cluster.cluster_id == "local-cluster" and cluster.state and cluster.state.value == "RUNNING"
    )
    assert w.clusters.get("local-cluster").cluster_name == cluster.cluster_name
    with pytest.raises(ResourceDoesNotExist):
        w.clusters.get("0000-nope")
    versions = w.clusters.spark_versions().versions or []
    assert versions and all(v.key and v.name for v in versions)
    node_types = w.clusters.list_node_types().node_types or []
    assert [n.node_type_id for n in node_types] == ["local"]
    (warehouse,) = list(w.warehouses.list())
    assert (
        warehouse.id == "local-warehouse"
        and w.warehouses.get("local-warehouse").name == warehouse.name
    )
    assert list(w.pipelines.list_pipelines()) == []
    me = w.current_user.me()
    assert me.user_name == lw.user_name == "local-user@localhost"
    assert me.active and any(group.display == "admins" for group in me.groups or [])
