"""Workspace paths on disk: the single place for the rule "workspace paths stay inside
`workspace_root`" (the server's workspace API uses it too), and how a notebook path finds its
file."""

from __future__ import annotations

from pathlib import Path

from loom_jobs_widget.local.exec.protocol import NOTEBOOK_HEADER

__all__ = ["resolve_inside", "resolve_notebook_path", "resolve_workspace_path"]

# Top-level workspace folders that Databricks also accepts without the /Workspace prefix.
_WORKSPACE_TOPS = frozenset({"Shared", "Users", "Repos"})


def resolve_inside(root: Path, relative: str, *, shown: str, area: str) -> Path:
    """`relative` (slash-separated) under `root`, refusing anything that would leave it.

    `..` is refused outright rather than normalised: a path that climbs is a mistake or an attack.
    Symbolic links are followed, and the result must still lie inside `root`. `shown` is the path
    as the user wrote it and `area` names the tree ("workspace", "DBFS"), both for the message.
    """
    if "\x00" in relative:
        raise ValueError(f"Path {shown!r} is refused: it contains a NUL character")
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError(f"Path {shown!r} is refused: '..' is not allowed in {area} paths")
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        raise ValueError(
            f"Path {shown!r} is refused: it leads outside the {area} through a symbolic link"
        )
    return target


def resolve_workspace_path(
    workspace_root: Path, path: str, *, allow_relative: bool = False
) -> Path:
    """The local file or folder for a workspace path such as `/Workspace/Shared/etl`.

    `/Shared/...`, `/Users/...` and `/Repos/...` are accepted without the `/Workspace` prefix, as
    Databricks does. Any other absolute path, `..`, and symbolic links pointing outside
    `workspace_root` raise ValueError naming the path and the reason. A relative path is taken
    relative to `workspace_root` only with `allow_relative` (task files may be relative; the
    workspace API requires absolute paths).
    """
    if not isinstance(path, str):
        raise ValueError(f"Path {path!r} is refused: a workspace path is a string")
    if path == "/Workspace" or path.startswith("/Workspace/"):
        relative = path[len("/Workspace") :]
    elif path.startswith("/"):
        top = path.split("/", 2)[1]
        if top not in _WORKSPACE_TOPS:
            raise ValueError(
                f"Path {path!r} is refused: it is outside the workspace (workspace paths start"
                " with /Workspace, /Shared, /Users or /Repos)"
            )
        relative = path
    elif allow_relative and path:
        relative = path
    else:
        raise ValueError(
            f"Path {path!r} is refused: a workspace path must be absolute, like /Workspace/Shared/x"
        )
    return resolve_inside(workspace_root, relative, shown=path, area="workspace")


def _is_source_notebook(file: Path) -> bool:
    """Whether `file` is a Databricks source-format Python notebook (by its first line)."""
    try:
        with file.open(encoding="utf-8-sig", errors="replace") as handle:
            return handle.readline().rstrip() == NOTEBOOK_HEADER
    except OSError:
        return False


def resolve_notebook_path(workspace_root: Path, path: str) -> Path:
    """The notebook file for a notebook path: `<path>.py` (source format), `<path>.ipynb`, or
    `<path>` itself when it names such a file with its extension.

    A workspace holds notebooks without extensions, so `/Workspace/Shared/etl` is `etl.py` or
    `etl.ipynb` on disk; a plain `etl.py` (no notebook header) is a workspace file, not a
    notebook, and can sit next to `etl.ipynb`. Raises ValueError for escapes and ambiguity,
    FileNotFoundError when there is no notebook.
    """
    path = path.rstrip("/") if path != "/" else path
    exact = resolve_workspace_path(workspace_root, path)
    if exact.is_file():
        if exact.suffix == ".ipynb" or _is_source_notebook(exact):
            return exact
        raise FileNotFoundError(
            f"{path} is a file, not a notebook: a source-format notebook starts with the line"
            f" {NOTEBOOK_HEADER!r}, or use a .ipynb notebook"
        )
    found = []
    for suffix in (".py", ".ipynb"):
        candidate = resolve_workspace_path(workspace_root, path + suffix)
        if candidate.is_file() and (suffix == ".ipynb" or _is_source_notebook(candidate)):
            found.append(candidate)
    if len(found) == 2:
        raise ValueError(
            f"Notebook {path} is ambiguous: both {found[0].name} and {found[1].name} exist"
        )
    if not found:
        raise FileNotFoundError(
            f"Notebook {path} not found: no source-format {exact.name}.py and no"
            f" {exact.name}.ipynb in {exact.parent}"
        )
    return found[0]
