"""Workspace files: `/api/2.0/workspace/{list,get-status,import,export,mkdirs,delete}` over the
folder `workspace_root`.

The tree is a plain folder. A notebook is a file with an extension on disk and none in the
workspace: `Shared/etl.py` starting with `# Databricks notebook source` (or `etl.ipynb`) is the
notebook `/Shared/etl`; other files are workspace files under their own names, folders are
directories. Paths may carry the `/Workspace` prefix or not, and answers use the form asked with.

Every path goes through `exec.paths.resolve_workspace_path`, the one place that keeps paths inside
`workspace_root` (`..`, symbolic links out, other absolute paths are refused with
INVALID_PARAMETER_VALUE). Before that, `_resolve` refuses what the local file system cannot hold:
a name over its limit in bytes (255 on most), a path over its total limit, text that is not
Unicode. Such a path names nothing, so a read of it is 404 RESOURCE_DOES_NOT_EXIST and a write
400 INVALID_PARAMETER_VALUE. An OSError that still comes out of a handler (a file removed
between two calls, a folder where a file is written) is answered by `_file_errors` as a workspace
answers the same state, never as a 500, unless the machine itself fails (a full disk).
Nothing here executes anything.
"""

from __future__ import annotations

import base64
import binascii
import errno
import functools
import hashlib
import json
import os
import shutil
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.exec import resolve_workspace_path
from loom_jobs_widget.local.http import (
    MAX_BODY_BYTES,
    ApiError,
    Handler,
    RawResponse,
    Request,
    Route,
)
from loom_jobs_widget.local.http.params import body_bool, body_str, query_bool, query_str

__all__ = ["WorkspaceApi"]

# Notebook source files: extension -> (language, first line).
_NOTEBOOK_SOURCES: Final = {
    ".py": ("PYTHON", "# Databricks notebook source"),
    ".sql": ("SQL", "-- Databricks notebook source"),
    ".scala": ("SCALA", "// Databricks notebook source"),
    ".r": ("R", "# Databricks notebook source"),
}
_EXTENSION_OF: Final = {language: ext for ext, (language, _) in _NOTEBOOK_SOURCES.items()}
_CELL_SEPARATOR: Final = "# COMMAND ----------"
_IMPORT_FORMATS: Final = ("SOURCE", "AUTO", "JUPYTER", "RAW")
# POSIX's minimum limits, for a file system that does not say its own.
_NAME_MAX: Final = 255
_PATH_MAX: Final = 4096


def _not_found(path: str) -> ApiError:
    return ApiError.not_found(f"Path ({path}) doesn't exist.")


def _notebook_language(file: Path) -> str | None:
    """The language of a notebook file, or None for a plain file."""
    if file.suffix == ".ipynb":
        return "PYTHON"
    source = _NOTEBOOK_SOURCES.get(file.suffix.lower())
    if source is None:
        return None
    try:
        with file.open(encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline().rstrip()
    except OSError:
        return None
    return source[0] if first == source[1] else None


def _object_id(root: Path, file: Path) -> int:
    # Stable across restarts and below 2**53, so JavaScript clients read it exactly.
    relative = file.relative_to(root).as_posix().encode()
    return int.from_bytes(hashlib.blake2b(relative, digest_size=6).digest(), "big")


class WorkspaceApi:
    def __init__(self, workspace_root: Path) -> None:
        self._root = workspace_root
        self._fs_limits: tuple[int, int] | None = None

    def routes(self) -> list[Route]:
        base = r"/api/2\.0/workspace/"
        return [
            Route("GET", base + "list", _file_errors(self.list)),
            Route("GET", base + "get-status", _file_errors(self.get_status)),
            Route("POST", base + "import", _file_errors(self.import_)),
            Route("GET", base + "export", _file_errors(self.export)),
            Route("POST", base + "mkdirs", _file_errors(self.mkdirs)),
            Route("POST", base + "delete", _file_errors(self.delete)),
        ]

    # --- paths

    def _resolve(self, path: str, *, creating: bool = False) -> Path:
        """The file or folder of a workspace path. A path the file system cannot hold is
        refused (`creating`) or names nothing (404)."""
        if path in ("/", "/Workspace"):  # the root, listed by pickers
            return self._root.resolve()
        fault = self._unstorable(path)
        if fault is not None:
            if creating:
                raise ApiError.invalid(f"Path ({_shown(path)}) is refused: {fault}.")
            raise _not_found(_shown(path))
        try:
            return resolve_workspace_path(self._root, path)
        except ValueError as exc:
            raise ApiError.invalid(str(exc)) from None
        except RuntimeError:  # pathlib's word for a symbolic link that loops
            raise ApiError.invalid(
                f"Path ({_shown(path)}) is refused: a symbolic link on it loops."
            ) from None

    def _unstorable(self, path: str) -> str | None:
        """Why the local file system cannot hold `path`, or None."""
        try:
            encoded = path.encode("utf-8")
        except UnicodeEncodeError:
            return "it is not valid Unicode text"
        name_max, path_max = self._limits()
        for name in encoded.split(b"/"):
            if len(name) > name_max:
                shown = name.decode("utf-8", "replace")
                return (
                    f"the name {_shown(shown, 60)!r} is {len(name)} bytes long in UTF-8, and the "
                    f"local file system allows {name_max}"
                )
        if len(os.fsencode(self._root)) + len(encoded) >= path_max:
            return f"it is {len(encoded)} bytes long, over what the local file system allows"
        return None

    def _limits(self) -> tuple[int, int]:
        """The longest name and path, in bytes, the file system of the workspace root holds."""
        if self._fs_limits is None:
            try:
                self._fs_limits = (
                    int(os.pathconf(self._root, "PC_NAME_MAX")),
                    int(os.pathconf(self._root, "PC_PATH_MAX")),
                )
            except (OSError, ValueError):
                return _NAME_MAX, _PATH_MAX
        return self._fs_limits

    def _find(self, path: str) -> tuple[Path, str] | None:
        """The file or folder of a workspace object and its workspace path (notebooks lose
        their extension), or None."""
        clean = _clean(path)
        target = self._resolve(clean)
        if target.is_dir():
            return target, clean
        if target.is_file():
            if _notebook_language(target) is not None:
                return target, _strip_extension(clean, target)
            return target, clean
        name_max, _ = self._limits()
        found = [
            candidate
            for candidate in (
                target.with_name(target.name + ext)
                for ext in (*_NOTEBOOK_SOURCES, ".ipynb")
                # A name that cannot be on disk with its extension is no notebook.
                if len(os.fsencode(target.name + ext)) <= name_max
            )
            if candidate.is_file() and _notebook_language(candidate) is not None
        ]
        if not found:
            return None
        return self._checked(found[0]), clean

    def _checked(self, file: Path) -> Path:
        resolved = self._inside(file)
        if resolved is None:
            raise ApiError.invalid(f"Path ({file.name}) leads outside the workspace.")
        return resolved

    def _inside(self, file: Path) -> Path | None:
        """The file with its symbolic links resolved, or None when they lead out of the
        workspace, or loop."""
        root = self._root.resolve()
        try:
            resolved = file.resolve()
        except (RuntimeError, OSError):
            return None
        return resolved if resolved == root or root in resolved.parents else None

    def _info(self, file: Path, path: str) -> dict[str, Any]:
        stat = file.stat()
        modified = int(stat.st_mtime * 1000)
        info: dict[str, Any] = {"path": path, "object_id": _object_id(self._root.resolve(), file)}
        if file.is_dir():
            info["object_type"] = "DIRECTORY"
            return info
        language = _notebook_language(file)
        if language is not None:
            info["object_type"] = "NOTEBOOK"
            info["language"] = language
        else:
            info["object_type"] = "FILE"
            info["size"] = stat.st_size
        info["created_at"] = int(getattr(stat, "st_birthtime", stat.st_ctime) * 1000)
        info["modified_at"] = modified
        return info

    # --- reading

    def get_status(self, request: Request) -> dict[str, Any]:
        path = query_str(request, "path", required=True) or ""
        found = self._find(path)
        if found is None:
            raise _not_found(path)
        return self._info(*found)

    def list(self, request: Request) -> dict[str, Any]:
        path = query_str(request, "path", required=True) or ""
        found = self._find(path)
        if found is None:
            raise _not_found(path)
        folder, shown = found
        if not folder.is_dir():
            return {"objects": [self._info(folder, shown)]}
        objects = []
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            resolved = self._inside(entry)
            if resolved is None:
                continue  # a symbolic link out of the workspace, or a loop, is not part of it
            child = f"{shown.rstrip('/')}/{entry.name}"
            if entry.is_file() and _notebook_language(entry) is not None:
                child = _strip_extension(child, entry)
            try:
                objects.append(self._info(resolved, child))
            except FileNotFoundError:
                continue  # removed since the folder was read, or a dangling symbolic link
        return {"objects": objects} if objects else {}

    def export(self, request: Request) -> dict[str, Any] | RawResponse:
        path = query_str(request, "path", required=True) or ""
        export_format = query_str(request, "format") or "SOURCE"
        direct = bool(query_bool(request, "direct_download"))
        found = self._find(path)
        if found is None:
            raise _not_found(path)
        file, _ = found
        if file.is_dir():
            raise ApiError.invalid(
                f"Exporting the directory {path} is not supported by the local workspace."
            )
        if file.stat().st_size > MAX_BODY_BYTES:
            raise ApiError(
                400, "MAX_NOTEBOOK_SIZE_EXCEEDED", f"Size exceeds {MAX_BODY_BYTES} bytes"
            )
        data = file.read_bytes()
        file_type = file.suffix.lstrip(".")
        if _notebook_language(file) is not None:
            if export_format == "JUPYTER" and file.suffix != ".ipynb":
                data, file_type = _source_to_ipynb(data.decode("utf-8", errors="replace")), "ipynb"
            elif export_format in ("SOURCE", "AUTO") and file.suffix == ".ipynb":
                data, file_type = _ipynb_to_source(data), "py"
            elif export_format not in ("SOURCE", "AUTO", "JUPYTER", "RAW"):
                raise ApiError.invalid(
                    f"Export format {export_format} is not supported by the local workspace."
                )
        if len(data) > MAX_BODY_BYTES:
            raise ApiError(
                400, "MAX_NOTEBOOK_SIZE_EXCEEDED", f"Size exceeds {MAX_BODY_BYTES} bytes"
            )
        if direct:
            return RawResponse(data)
        return {"content": base64.b64encode(data).decode(), "file_type": file_type}

    # --- writing

    def import_(self, request: Request) -> dict[str, Any]:
        if request.content_type == "multipart/form-data":
            fields, content = _multipart(request)
            path = fields.get("path")
            import_format = fields.get("format") or "SOURCE"
            language = fields.get("language")
            overwrite = fields.get("overwrite", "").lower() == "true"
        else:
            body = request.json()
            path = body_str(body, "path", required=True)
            import_format = body_str(body, "format") or "SOURCE"
            language = body_str(body, "language")
            overwrite = bool(body_bool(body, "overwrite"))
            encoded = body_str(body, "content") or ""
            try:
                content = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise ApiError.invalid("content is not valid base64.") from None
        if not path:
            raise ApiError.invalid("Missing required field: path")
        if len(content) > MAX_BODY_BYTES:
            raise ApiError(
                400, "MAX_NOTEBOOK_SIZE_EXCEEDED", f"Size exceeds {MAX_BODY_BYTES} bytes"
            )
        if import_format not in _IMPORT_FORMATS:
            raise ApiError.invalid(
                f"Import format {import_format} is not supported by the local workspace; use "
                "SOURCE, AUTO, JUPYTER or RAW."
            )
        clean = _clean(path)
        target, data = self._import_target(clean, content, import_format, language)
        parent = target.parent
        if not parent.is_dir():
            raise ApiError.not_found(f"The parent folder ({_parent(clean)}) does not exist.")
        existing = self._find(clean)
        if existing is not None:
            if existing[0].is_dir():
                raise ApiError(
                    400, "RESOURCE_ALREADY_EXISTS", f"Path ({clean}) already exists as a folder."
                )
            if not overwrite:
                raise ApiError(400, "RESOURCE_ALREADY_EXISTS", f"Path ({clean}) already exists.")
            existing[0].unlink()
        target.write_bytes(data)
        return {}

    def _import_target(
        self, path: str, content: bytes, import_format: str, language: str | None
    ) -> tuple[Path, bytes]:
        """The file an import writes, and its bytes."""
        if import_format == "RAW":
            return self._resolve(path, creating=True), content
        if import_format == "JUPYTER":
            try:
                json.loads(content)
            except (ValueError, RecursionError):
                raise ApiError.invalid(
                    "The content is not a Jupyter notebook (.ipynb JSON)."
                ) from None
            name = path[: -len(".ipynb")] if path.endswith(".ipynb") else path
            return self._resolve(name + ".ipynb", creating=True), content
        if import_format == "AUTO":
            # Kept under its own name: with a notebook header (or as .ipynb) the file is a
            # notebook, whose workspace name is the path without the extension, as AUTO says.
            return self._resolve(path, creating=True), content
        # SOURCE: a notebook in `language`, named `path`.
        if language is None:
            raise ApiError.invalid("The language field is required to import in SOURCE format.")
        extension = _EXTENSION_OF.get(language)
        if extension is None:
            raise ApiError.invalid(f"Language {language} is not supported.")
        header = _NOTEBOOK_SOURCES[extension][1]
        text = content.decode("utf-8", errors="replace")
        if not text.lstrip("\ufeff").startswith(header):
            text = f"{header}\n{text}"
        return self._resolve(path + extension, creating=True), text.encode()

    def mkdirs(self, request: Request) -> dict[str, Any]:
        path = body_str(request.json(), "path", required=True) or ""
        target = self._resolve(_clean(path), creating=True)
        probe = target
        while probe != self._root.resolve() and not probe.exists():
            probe = probe.parent
        if probe.exists() and not probe.is_dir():
            raise ApiError(
                400, "RESOURCE_ALREADY_EXISTS", f"Cannot create {path}: a file is in the way."
            )
        target.mkdir(parents=True, exist_ok=True)
        return {}

    def delete(self, request: Request) -> dict[str, Any]:
        body = request.json()
        path = body_str(body, "path", required=True) or ""
        recursive = bool(body_bool(body, "recursive"))
        found = self._find(path)
        if found is None:
            raise _not_found(path)
        target, _ = found
        if target == self._root.resolve():
            raise ApiError.invalid("The workspace root cannot be deleted.")
        if target.is_dir():
            if any(target.iterdir()) and not recursive:
                raise ApiError(400, "DIRECTORY_NOT_EMPTY", f"Folder ({path}) is not empty.")
            shutil.rmtree(target)
        else:
            target.unlink()
        return {}


def _file_errors(handler: Handler) -> Handler:
    """The handler, with the OSErrors of the files it reads and writes answered as a workspace
    answers the same state; those of the machine itself (a full disk, an I/O error) stay 500s."""

    @functools.wraps(handler)
    def answered(request: Request) -> Any:
        try:
            return handler(request)
        except (FileNotFoundError, NotADirectoryError):
            # Removed, or replaced by a file, since the handler looked.
            raise ApiError.not_found("The path does not exist (it changed meanwhile).") from None
        except (IsADirectoryError, FileExistsError):
            raise ApiError(
                400, "RESOURCE_ALREADY_EXISTS", "Another object is in the way on the path."
            ) from None
        except PermissionError:
            raise ApiError(
                403,
                "PERMISSION_DENIED",
                "The local workspace may not read or write this path on disk.",
            ) from None
        except OSError as error:
            if error.errno in (errno.ENAMETOOLONG, errno.ELOOP, errno.EILSEQ):
                raise ApiError.invalid(
                    f"The path cannot be held by the local file system: {error.strerror}."
                ) from None
            raise

    return answered


def _shown(path: str, limit: int = 300) -> str:
    return path if len(path) <= limit else path[:limit] + "..."


def _clean(path: str) -> str:
    return path.rstrip("/") if len(path) > 1 else path


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def _strip_extension(path: str, file: Path) -> str:
    return path[: -len(file.suffix)] if file.suffix and path.endswith(file.suffix) else path


def _multipart(request: Request) -> tuple[dict[str, str], bytes]:
    """The form fields and the `content` file of a multipart import (`w.workspace.upload`)."""
    header = f"Content-Type: {request.headers.get('Content-Type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + request.body)
    fields: dict[str, str] = {}
    content = b""
    if not message.is_multipart():
        raise ApiError.malformed("Could not parse request object: invalid multipart body")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if name == "content":
            content = data
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8", errors="replace")
    return fields, content


def _source_to_ipynb(source: str) -> bytes:
    lines = source.splitlines()
    if lines and lines[0].strip() == _NOTEBOOK_SOURCES[".py"][1]:
        lines = lines[1:]
    cells: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == _CELL_SEPARATOR:
            cells.append([])
        else:
            cells[-1].append(line)
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python"}},
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": "\n".join(cell).strip("\n"),
            }
            for cell in cells
            if "\n".join(cell).strip()
        ],
    }
    return json.dumps(notebook, indent=1).encode()


def _ipynb_to_source(data: bytes) -> bytes:
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError):
        return data
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    chunks: list[str] = []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "markdown":
            text = "\n".join(f"# MAGIC {line}".rstrip() for line in ["%md", *text.splitlines()])
        chunks.append(text.strip("\n"))
    body = f"\n\n{_CELL_SEPARATOR}\n\n".join(chunks)
    return f"{_NOTEBOOK_SOURCES['.py'][1]}\n{body}\n".encode()
