"""What the editor's pickers list: notebooks and files, clusters, warehouses, jobs and pipelines
of the connected workspace, and the tasks, job clusters and environments of the job, as
``{value, label, detail?, is_dir?}`` choices.

The workspace is read as raw JSON through the SDK's `ApiClient` (the paths and pages of the SDK's
own `workspace.list`, `clusters.list`, `warehouses.list`, `jobs.list` and
`pipelines.list_pipelines`), so a picker does not import the SDK's service modules; a failure
becomes a `WorkspaceError` with a sentence a person can act on, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.client import NotFoundError, WorkspaceError, translate_error
from loom_jobs_widget.client.errors import Context
from loom_jobs_widget.editor.protocol import Choice

if TYPE_CHECKING:
    from loom_jobs_widget.client import Workspace
    from loom_jobs_widget.core.models import JobSettings

__all__ = ["WORKSPACE_PICKERS", "choices", "job_choices"]

WORKSPACE_PICKERS: frozenset[str] = frozenset(
    {"notebook", "file", "directory", "cluster", "warehouse", "job", "pipeline"}
)
_LIMIT = 200
"""Most choices in one answer: a picker is filtered by typing, not scrolled through thousands."""


def choices(
    workspace: Workspace, what: str, *, path: str | None = None, query: str | None = None
) -> list[Choice]:
    """The choices of one picker. ``path`` is the folder a notebook/file/directory picker lists
    (its nearest existing ancestor when it does not exist; the user's home folder, else
    ``/Workspace``, else ``/``, by default); ``query`` filters the others by name."""
    listers: dict[str, Callable[[], Iterable[Choice]]] = {
        "notebook": lambda: _workspace_objects(workspace, path, {"NOTEBOOK"}),
        "file": lambda: _workspace_objects(workspace, path, {"FILE"}),
        "directory": lambda: _workspace_objects(workspace, path, set()),
        "cluster": lambda: _clusters(workspace),
        "warehouse": lambda: _warehouses(workspace),
        "job": lambda: _jobs(workspace, query),
        "pipeline": lambda: _pipelines(workspace),
    }
    lister = listers.get(what)
    if lister is None:
        raise ValueError(f"There is no picker of {what!r}.")
    try:
        found = list(islice(_matching(lister(), query if what not in {"job"} else None), _LIMIT))
    except WorkspaceError:
        raise
    except Exception as error:
        raise WorkspaceError(
            f"Could not list the {what}s of {workspace.host or 'the workspace'}: {_reason(error)}"
        ) from None
    return found


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if text.endswith(".") else f"{text}."


def _matching(items: Iterable[Choice], query: str | None) -> Iterator[Choice]:
    needle = (query or "").strip().lower()
    for item in items:
        if not needle or needle in item["label"].lower() or needle in str(item["value"]).lower():
            yield item


def _get(workspace: Workspace, path: str, query: Mapping[str, Any] | None = None) -> dict[str, Any]:
    try:
        answer = workspace.api_client.do("GET", path, query=dict(query) if query else None)
    except Exception as error:
        # A 404 is told apart (a folder that is not there); the rest keeps the SDK's own text.
        ours = translate_error(error, Context(f"list {path}"), workspace.host)
        if isinstance(ours, NotFoundError):
            raise ours from error
        raise
    return answer if isinstance(answer, dict) else {}


def _pages(workspace: Workspace, path: str, key: str) -> Iterator[dict[str, Any]]:
    """The objects in `key` of every page of a list endpoint, the next page read only when
    wanted."""
    query: dict[str, Any] = {}
    while True:
        page = _get(workspace, path, query)
        for entry in page.get(key) or []:
            if isinstance(entry, dict):
                yield entry
        token = page.get("next_page_token")
        if not token:
            return
        query["page_token"] = token


def _value(entry: Mapping[str, Any], name: str) -> str:
    value = entry.get(name)
    return value if isinstance(value, str) else ""


def _workspace_objects(workspace: Workspace, path: str | None, kinds: set[str]) -> list[Choice]:
    folder, listed = _nearest_folder(workspace, path)
    found: list[Choice] = []
    # The one way up (the popup draws none of its own); a root has none.
    if folder.rstrip("/"):
        parent = folder.rstrip("/").rsplit("/", 1)[0] or "/"
        found.append({"value": parent, "label": "..", "detail": parent, "is_dir": True})
    objects = sorted(
        listed,
        key=lambda o: (
            _value(o, "object_type") not in {"DIRECTORY", "REPO"},
            _value(o, "path").lower(),
        ),
    )
    for info in objects:
        kind = _value(info, "object_type")
        object_path = _value(info, "path")
        name = object_path.rsplit("/", 1)[-1]
        if kind in {"DIRECTORY", "REPO"}:
            found.append(
                {"value": object_path, "label": name, "detail": object_path, "is_dir": True}
            )
        elif kind in kinds:
            language = _value(info, "language").lower()
            found.append({"value": object_path, "label": name, "detail": language or kind.lower()})
    return found


def _nearest_folder(workspace: Workspace, path: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The folder to list and its objects: ``path`` or its nearest existing ancestor (a
    notebook path's folder may be gone or not made yet), else the user's home, else
    ``/Workspace``, else ``/``."""
    tried: list[str] = []
    if path and path.startswith("/"):
        # Its ancestors, short of the root: an unknown path starts at home rather than at "/".
        folder = path.rstrip("/") or "/"
        while folder:
            tried.append(folder)
            folder = folder.rsplit("/", 1)[0]
    tried += [_home(workspace), "/Workspace", "/"]
    for folder in dict.fromkeys(tried):
        try:
            answer = _get(workspace, "/api/2.0/workspace/list", {"path": folder})
        except NotFoundError:
            continue  # workspace/list answers RESOURCE_DOES_NOT_EXIST (404) for a missing folder
        objects = answer.get("objects")
        listed = [o for o in objects if isinstance(o, dict)] if isinstance(objects, list) else []
        # Listing a notebook or file answers that object alone: it is no folder.
        if (
            len(listed) == 1
            and _value(listed[0], "path").rstrip("/") == folder.rstrip("/")
            and _value(listed[0], "object_type") not in {"DIRECTORY", "REPO"}
        ):
            continue
        return folder or "/", listed
    return "/", []


def _home(workspace: Workspace) -> str:
    user = workspace.user_name
    return f"/Users/{user}" if user else "/"


def _clusters(workspace: Workspace) -> Iterator[Choice]:
    for cluster in _pages(workspace, "/api/2.1/clusters/list", "clusters"):
        yield {
            "value": _value(cluster, "cluster_id"),
            "label": _value(cluster, "cluster_name"),
            "detail": _value(cluster, "state").lower(),
        }


def _warehouses(workspace: Workspace) -> Iterator[Choice]:
    for warehouse in _pages(workspace, "/api/2.0/sql/warehouses", "warehouses"):
        yield {
            "value": _value(warehouse, "id"),
            "label": _value(warehouse, "name"),
            "detail": _value(warehouse, "state").lower(),
        }


def _jobs(workspace: Workspace, query: str | None) -> Iterator[Choice]:
    # jobs/list filters by exact name only; a substring filter needs the names themselves.
    needle = (query or "").strip().lower()
    for job in _pages(workspace, "/api/2.2/jobs/list", "jobs"):
        settings = job.get("settings")
        name = _value(settings, "name") if isinstance(settings, dict) else ""
        job_id = job.get("job_id")
        if needle and needle not in name.lower() and needle not in str(job_id):
            continue
        yield {
            "value": str(job_id),
            "label": name or f"Job {job_id}",
            "detail": f"job {job_id}",
        }


def _pipelines(workspace: Workspace) -> Iterator[Choice]:
    for pipeline in _pages(workspace, "/api/2.0/pipelines", "statuses"):
        yield {
            "value": _value(pipeline, "pipeline_id"),
            "label": _value(pipeline, "name"),
            "detail": _value(pipeline, "state").lower(),
        }


def job_choices(settings: JobSettings, what: str) -> list[Choice]:
    """The choices of a picker of the job's own keys: its tasks, job clusters or environments."""
    if what == "task":
        keys = [str(t.task_key) for t in settings.task_list if isinstance(t.task_key, str)]
        return [{"value": key, "label": key} for key in keys]
    list_field, key_field = {
        "job_cluster": ("job_clusters", "job_cluster_key"),
        "environment": ("environments", "environment_key"),
    }.get(what, (None, None))
    if list_field is None or key_field is None:
        raise ValueError(f"There is no picker of {what!r}.")
    entries = settings.to_api().get(list_field)
    found: list[Choice] = []
    for entry in entries if isinstance(entries, list) else []:
        key = entry.get(key_field) if isinstance(entry, dict) else None
        if isinstance(key, str):
            found.append({"value": key, "label": key, "detail": _entry_detail(entry)})
    return found


def _entry_detail(entry: Mapping[str, Any]) -> str:
    cluster = entry.get("new_cluster")
    if isinstance(cluster, dict):
        return " · ".join(
            str(cluster[name]) for name in ("spark_version", "node_type_id") if name in cluster
        )
    spec = entry.get("spec")
    if isinstance(spec, dict) and "environment_version" in spec:
        return f"environment {spec['environment_version']}"
    return ""
