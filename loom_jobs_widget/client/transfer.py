"""Copying a job between two workspaces and back: `pull` brings a job and the notebooks and files
it references from a workspace (usually a real one) into the local workspace, at the same paths;
`push` sends the edits made there back to the job it came from.

    pulled = pull(remote, local, data_dir, job_id=123)           # a new local job
    pushed = push(local, remote, data_dir, pulled.local_job_id)  # the edits, back to job 123

Where a pulled job came from is kept in a file of its own under the local workspace's data folder
(`pulled-jobs/<local job_id>.json`), never in the job's settings (a `jobs/reset` replaces all of
them, and a field we added would be sent to the real workspace): the source host and job id, the
settings as pulled (the remote baseline), the settings as the local workspace stored them (the
local baseline) and a hash of each pulled file on both sides.

A push is three-way: what changed locally since the pull is applied to the remote job as it is
now; a unit (a top-level field, a task, a job cluster) both sides changed differently is a
conflict, and so is a file changed on both sides. Nothing is written while there is a conflict,
unless `force`: then ours wins on exactly those, and the remote side's other changes stay. The
job is written through `JobsService.save`, which sends only what differs.

Paths are the workspace paths the job names (Jobs API 2.2 reference: jobs/get): notebook_task
notebook_path, spark_python_task python_file, sql_task file path, `whl` / `requirements`
libraries under /Workspace, the same inside for_each_task, and `%run` targets of the notebooks
pulled (docs.databricks.com notebooks/notebook-workflows: `%run ./path`). Paths in a Git source
are not in the workspace and are left alone. Notebooks travel as SOURCE in their language, files
as AUTO (Workspace API 2.0 reference: workspace/export, workspace/import).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeGuard

from loom_jobs_widget.client.errors import Context, NotFoundError, translate_error
from loom_jobs_widget.client.workspace import Workspace
from loom_jobs_widget.core.changes import apply_unit, changed_units, merge, unit_path
from loom_jobs_widget.core.models import JobSettings

__all__ = [
    "PULLED_FOLDER",
    "PullResult",
    "PushResult",
    "TransferError",
    "pull",
    "push",
    "referenced_paths",
    "run_targets",
]

PULLED_FOLDER: Final = "pulled-jobs"
"""The folder, under the local workspace's data folder, of the records of pulled jobs."""

_WORKSPACE_API: Final = "/api/2.0/workspace"
# Library fields that name a file (Jobs API 2.2 reference: compute.Library).
_LIBRARY_FILES: Final = ("whl", "requirements", "jar", "egg")
# Paths that are not workspace objects: Unity Catalog volumes and DBFS.
_NOT_WORKSPACE: Final = ("/Volumes/", "/dbfs/")
# A `%run` line, in a source-format notebook (`# MAGIC %run ./x` in Python, `-- MAGIC` in SQL,
# `// MAGIC` in Scala) or a cell of an .ipynb.
_RUN_LINE: Final = re.compile(r"^\s*(?:(?:#|--|//)\s*MAGIC\s+)?%run\s+(\"[^\"]+\"|'[^']+'|\S+)")


class TransferError(Exception):
    """A pull or push that cannot go on, as one sentence for the user (no credential in it)."""


@dataclass
class PullResult:
    """What `pull` did: the new local job, the paths copied and those missing remotely."""

    local_job_id: int
    remote_job_id: int
    host: str
    copied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class PushResult:
    """What `push` did: the remote job written (created with `as_new`), the fields it sent, the
    files it sent, and the referenced paths it could not find locally."""

    remote_job_id: int
    host: str
    created: bool
    fields: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class _Object:
    path: str
    notebook: bool
    language: str | None
    content: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


# --- what a job references -----------------------------------------------------------------------


def _tasks(settings: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every task, for_each inner tasks included."""
    tasks = settings.get("tasks")
    pending = [task for task in tasks if isinstance(task, dict)] if isinstance(tasks, list) else []
    while pending:
        task = pending.pop(0)
        yield task
        for_each = task.get("for_each_task")
        inner = for_each.get("task") if isinstance(for_each, dict) else None
        if isinstance(inner, dict):
            pending.append(inner)


def _in_workspace(path: Any) -> TypeGuard[str]:
    return isinstance(path, str) and path.startswith("/") and not path.startswith(_NOT_WORKSPACE)


def referenced_paths(settings: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """The workspace paths the job's tasks name, each with whether it is a notebook, in order
    and once each. Paths in the job's Git source are not in the workspace: left out."""
    job_git = isinstance(settings.get("git_source"), dict)
    found: dict[str, bool] = {}

    def from_workspace(spec: Mapping[str, Any]) -> bool:
        source = spec.get("source")
        return source == "WORKSPACE" or (source is None and not job_git)

    for task in _tasks(settings):
        notebook = task.get("notebook_task")
        if isinstance(notebook, dict) and from_workspace(notebook):
            path = notebook.get("notebook_path")
            if _in_workspace(path):
                found.setdefault(path, True)
        python = task.get("spark_python_task")
        if isinstance(python, dict) and from_workspace(python):
            path = python.get("python_file")
            if _in_workspace(path):
                found.setdefault(path, False)
        sql = task.get("sql_task")
        sql_file = sql.get("file") if isinstance(sql, dict) else None
        if isinstance(sql_file, dict) and from_workspace(sql_file):
            path = sql_file.get("path")
            if _in_workspace(path):
                found.setdefault(path, False)
        libraries = task.get("libraries")
        for library in libraries if isinstance(libraries, list) else ():
            if not isinstance(library, dict):
                continue
            for name in _LIBRARY_FILES:
                path = library.get(name)
                if isinstance(path, str) and path.startswith("/Workspace/"):
                    found.setdefault(path, False)
    return list(found.items())


def run_targets(notebook_path: str, source: bytes) -> list[str]:
    """The notebooks a notebook `%run`s, as absolute workspace paths (relative ones resolved
    against the notebook's folder), from its SOURCE export or its .ipynb."""
    text = source.decode("utf-8", errors="replace")
    lines: list[str] = text.splitlines()
    if text.lstrip().startswith("{"):
        try:
            cells = json.loads(text).get("cells", [])
        except (ValueError, AttributeError):
            cells = []
        lines = []
        for cell in cells if isinstance(cells, list) else ():
            body = cell.get("source") if isinstance(cell, dict) else None
            lines.extend("".join(body).splitlines() if isinstance(body, list) else [])
    targets: list[str] = []
    folder = posixpath.dirname(notebook_path)
    for line in lines:
        match = _RUN_LINE.match(line)
        if match is None:
            continue
        target = match.group(1).strip("\"'")
        if "$" in target or "{" in target:
            continue  # a path made at run time cannot be followed
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved not in targets:
            targets.append(resolved)
    return targets


# --- workspace objects over the Workspace API ----------------------------------------------------


def _call(
    ws: Workspace,
    method: str,
    endpoint: str,
    action: str,
    *,
    query: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    try:
        answer = ws.api_client.do(
            method,
            f"{_WORKSPACE_API}/{endpoint}",
            query=dict(query) if query is not None else None,
            body=dict(body) if body is not None else None,
        )
    except Exception as error:
        ours = translate_error(error, Context(action), ws.host)
        if ours is None or ours is error:
            raise
        raise ours from error
    return answer if isinstance(answer, dict) else {}


def _read_object(ws: Workspace, path: str) -> _Object | None:
    """The object at `path` (a notebook as SOURCE, a file as it is), or None when there is none."""
    try:
        status = _call(ws, "GET", "get-status", f"read {path}", query={"path": path})
    except NotFoundError:
        return None
    kind = status.get("object_type")
    if kind not in ("NOTEBOOK", "FILE"):
        raise TransferError(f"{path} is a {str(kind).lower()}, not a notebook or a file.")
    notebook = kind == "NOTEBOOK"
    exported = _call(
        ws,
        "GET",
        "export",
        f"export {path}",
        query={"path": path, "format": "SOURCE" if notebook else "AUTO"},
    )
    content = base64.b64decode(str(exported.get("content") or ""))
    language = status.get("language")
    return _Object(path, notebook, language if isinstance(language, str) else None, content)


def _write_object(ws: Workspace, obj: _Object) -> None:
    parent = posixpath.dirname(obj.path)
    if parent not in ("", "/"):
        _call(ws, "POST", "mkdirs", f"create {parent}", body={"path": parent})
    body: dict[str, Any] = {
        "path": obj.path,
        "content": base64.b64encode(obj.content).decode(),
        "overwrite": True,
        "format": "SOURCE" if obj.notebook else "AUTO",
    }
    if obj.notebook:
        body["language"] = obj.language or "PYTHON"
    _call(ws, "POST", "import", f"write {obj.path}", body=body)


def _objects(ws: Workspace, settings: Mapping[str, Any]) -> tuple[dict[str, _Object], list[str]]:
    """The objects the job references in `ws`, `%run` targets followed, and the paths missing."""
    found: dict[str, _Object] = {}
    missing: list[str] = []
    pending = [path for path, _ in referenced_paths(settings)]
    while pending:
        path = pending.pop(0)
        if path in found or path in missing:
            continue
        obj = _read_object(ws, path)
        if obj is None:
            missing.append(path)
            continue
        found[path] = obj
        if obj.notebook:
            pending.extend(run_targets(path, obj.content))
    return found, missing


# --- the record of a pulled job ------------------------------------------------------------------


def _record_file(data_dir: Path, local_job_id: int) -> Path:
    return data_dir / PULLED_FOLDER / f"{local_job_id}.json"


def _write_record(data_dir: Path, local_job_id: int, record: Mapping[str, Any]) -> None:
    path = _record_file(data_dir, local_job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)  # a record is whole or absent, never half written


def _read_record(data_dir: Path, local_job_id: int) -> dict[str, Any] | None:
    path = _record_file(data_dir, local_job_id)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as error:
        raise TransferError(f"The pull record {path} is not readable JSON ({error}).") from None
    return record if isinstance(record, dict) else None


def _settings_of(ws: Workspace, job_id: int) -> dict[str, Any]:
    settings = ws.jobs.get(job_id).settings
    return settings.to_api() if isinstance(settings, JobSettings) else {}


# --- pull ----------------------------------------------------------------------------------------


def pull(
    remote: Workspace, local: Workspace, data_dir: Path, job_id: int, *, name: str | None = None
) -> PullResult:
    """Copy job `job_id` of `remote`, and the notebooks and files it references, into `local`
    (at the same paths; a path missing remotely is listed, not fatal); the job is created anew
    there, named `name` when given. Where it came from is recorded under `data_dir`."""
    settings = _settings_of(remote, job_id)
    objects, missing = _objects(remote, settings)
    for obj in objects.values():
        _write_object(local, obj)
    local_settings = copy.deepcopy(settings)
    if name:
        local_settings["name"] = name
    created = local.jobs.create(local_settings)
    local_job_id = created.job_id
    if not isinstance(local_job_id, int):
        raise TransferError("The local workspace created the job but gave no job_id.")
    stored = created.settings.to_api() if isinstance(created.settings, JobSettings) else {}
    files: dict[str, dict[str, Any]] = {}
    for path, obj in objects.items():
        # What the local workspace gives back (it may add a notebook header): the local baseline.
        here = _read_object(local, path)
        files[path] = {
            "notebook": obj.notebook,
            "language": obj.language,
            "remote_sha256": obj.digest,
            "local_sha256": here.digest if here is not None else None,
        }
    _write_record(
        data_dir,
        local_job_id,
        {
            "host": remote.host,
            "job_id": job_id,
            "remote_settings": settings,
            "local_settings": stored,
            "files": files,
        },
    )
    return PullResult(local_job_id, job_id, remote.host, sorted(objects), missing)


# --- push ----------------------------------------------------------------------------------------


def _target(
    record: Mapping[str, Any],
    local_now: Mapping[str, Any],
    remote_now: Mapping[str, Any],
    force: bool,
) -> tuple[dict[str, Any], list[str], list[str]]:
    """The remote job's new settings, the units changed locally, and the conflicting ones.

    The local edits are what changed against the settings the local workspace stored at the
    pull (so its own defaults are no edit); they are applied to the settings as pulled and
    merged three-way with the remote job as it is now."""
    remote_base = record.get("remote_settings") or {}
    edits = changed_units(record.get("local_settings") or {}, local_now)
    ours = copy.deepcopy(dict(remote_base))
    for unit, value in edits.items():
        apply_unit(ours, unit, value)
    merged = merge(remote_base, ours, remote_now)
    target = merged.settings
    if force:
        for unit, value in changed_units(remote_base, ours).items():
            if unit_path(unit) in merged.overlaps:
                apply_unit(target, unit, value)
    return target, [unit_path(unit) for unit in edits], list(merged.overlaps)


def push(
    local: Workspace,
    remote: Workspace,
    data_dir: Path,
    local_job_id: int,
    *,
    as_new: bool = False,
    force: bool = False,
) -> PushResult:
    """Send local job `local_job_id` back to the job it was pulled from (or, `as_new`, to a new
    job of `remote`), with the notebooks and files it references that changed locally.

    TransferError, with nothing written, when the job was not pulled from `remote` or when a
    field or file changed on both sides since the pull (unless `force`: ours wins there)."""
    record = _read_record(data_dir, local_job_id)
    if record is None and not as_new:
        raise TransferError(
            f"Local job {local_job_id} was not pulled (no record in {data_dir / PULLED_FOLDER}); "
            "push it with --as-new to create a new job."
        )
    if record is not None and not as_new and record.get("host") != remote.host:
        raise TransferError(
            f"Local job {local_job_id} was pulled from {record.get('host')}, not {remote.host}; "
            "push it there, or with --as-new to create a new job here."
        )
    local_now = _settings_of(local, local_job_id)
    known: dict[str, Any] = dict(record.get("files") or {}) if record is not None else {}
    objects, missing = _objects(local, local_now)
    for path in known:  # a notebook no longer %run is still the user's: it goes back too
        if path not in objects and path not in missing:
            obj = _read_object(local, path)
            if obj is not None:
                objects[path] = obj

    # Decide everything before writing anything: a conflict writes nothing.
    conflicts: list[str] = []
    to_send: list[_Object] = []
    for path, obj in objects.items():
        pulled = known.get(path)
        if pulled is not None and pulled.get("local_sha256") == obj.digest:
            continue  # unchanged here since the pull
        there = _read_object(remote, path)
        if there is None or there.content == obj.content:
            if there is None:
                to_send.append(obj)
            continue
        changed_there = pulled is None or pulled.get("remote_sha256") != there.digest
        if changed_there and not force:
            conflicts.append(path)
        else:
            to_send.append(obj)

    remote_job_id = record.get("job_id") if record is not None and not as_new else None
    job = None
    fields: list[str] = []
    target: dict[str, Any] = local_now
    if isinstance(remote_job_id, int):
        try:
            job = remote.jobs.get(remote_job_id)
        except NotFoundError:
            raise TransferError(
                f"Job {remote_job_id} is not in {remote.host} any more; push with --as-new to "
                "create it again."
            ) from None
        remote_now = job.settings.to_api() if isinstance(job.settings, JobSettings) else {}
        assert record is not None
        target, fields, overlaps = _target(record, local_now, remote_now, force)
        if not force:  # with force, `_target` already gave ours on the overlaps
            conflicts = [f"the job's {path}" for path in overlaps] + conflicts
    if conflicts:
        raise TransferError(
            "Not pushed: changed both here and in the workspace since the pull: "
            + ", ".join(conflicts)
            + ". Pull again and redo your edits, or push with --force to overwrite them."
        )

    for obj in to_send:
        _write_object(remote, obj)
    if job is not None and isinstance(remote_job_id, int):
        if fields:
            job.settings = JobSettings.from_api(target)
            remote.jobs.save(job)
        remote_settings = _settings_of(remote, remote_job_id)
        created = False
    else:
        made = remote.jobs.create(local_now)
        if not isinstance(made.job_id, int):
            raise TransferError(f"{remote.host} created the job but gave no job_id.")
        remote_job_id = made.job_id
        remote_settings = made.settings.to_api() if isinstance(made.settings, JobSettings) else {}
        fields = sorted(local_now)
        created = True

    # The push is the new common ground: the next push compares against it.
    files = dict(known)
    for obj in to_send:
        there = _read_object(remote, obj.path)  # as the workspace stored it
        files[obj.path] = {
            "notebook": obj.notebook,
            "language": obj.language,
            "remote_sha256": there.digest if there is not None else None,
            "local_sha256": obj.digest,
        }
    _write_record(
        data_dir,
        local_job_id,
        {
            "host": remote.host,
            "job_id": remote_job_id,
            "remote_settings": remote_settings,
            "local_settings": local_now,
            "files": files,
        },
    )
    return PushResult(
        remote_job_id, remote.host, created, fields, sorted(obj.path for obj in to_send), missing
    )
