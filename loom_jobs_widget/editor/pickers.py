"""What the editor's pickers list: notebooks and files, clusters, runtimes, node types, cluster
policies, warehouses, jobs, pipelines, notification destinations, SQL queries, alerts and
dashboards and Lakeview dashboards of the connected workspace, and the tasks, job clusters and
environments of the job, as ``{value, label, detail?, is_dir?, more?}`` choices.

The workspace is read as raw JSON through the SDK's `ApiClient` (the paths and pages of the SDK's
own list calls), so a picker does not import the SDK's service modules; a failure becomes a
`WorkspaceError` with a sentence a person can act on, never a traceback.

A list that pages is read a few pages at a time: when the workspace has more, the answer ends
with one ``more`` choice whose value is where the next answer starts (sent back as
``page_token``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from loom_jobs_widget.client import NotFoundError, WorkspaceError, translate_error
from loom_jobs_widget.client.errors import Context

if TYPE_CHECKING:
    from loom_jobs_widget.client import Workspace
    from loom_jobs_widget.core.models import JobSettings
    from loom_jobs_widget.editor.protocol import Choice

__all__ = ["WORKSPACE_PICKERS", "choices", "job_choices", "unknown_destinations"]

WORKSPACE_PICKERS: frozenset[str] = frozenset(
    {
        "notebook", "file", "directory", "cluster", "warehouse", "job", "pipeline",
        "spark_version", "node_type", "policy", "notification_destination", "sql_query",
        "sql_alert", "sql_dashboard", "lakeview_dashboard",
    }
)  # fmt: skip
_FOLDER_PICKERS: Final = frozenset({"notebook", "file", "directory"})
_LIMIT: Final = 100
"""Choices after which an answer stops at the end of a page: a picker is filtered by typing,
not scrolled through thousands."""
_PAGE_SIZE: Final = 50
"""Entries asked of a list per page (the Jobs, SQL and pipelines APIs allow up to 100)."""
_MAX_PAGES: Final = 10
"""Pages read for one answer: a filter that matches little does not read a whole workspace."""
_NOUNS: Final = {
    "cluster": "clusters",
    "warehouse": "SQL warehouses",
    "job": "jobs",
    "pipeline": "pipelines",
    "spark_version": "Databricks runtime versions",
    "node_type": "node types",
    "policy": "cluster policies",
    "notification_destination": "notification destinations",
    "sql_query": "SQL queries",
    "sql_alert": "SQL alerts",
    "sql_dashboard": "legacy SQL dashboards",
    "lakeview_dashboard": "dashboards",
}

_Page = tuple[list[dict[str, Any]], "str | None"]
"""The entries of one page of a list and where the next page starts (None: the last page)."""


def choices(
    workspace: Workspace,
    what: str,
    *,
    path: str | None = None,
    query: str | None = None,
    page_token: str | None = None,
) -> list[Choice]:
    """The choices of one picker. ``path`` is the folder a notebook/file/directory picker lists
    (its nearest existing ancestor when it does not exist; the user's home folder, else
    ``/Workspace``, else ``/``, by default); ``query`` filters the others by name;
    ``page_token`` (the value of a previous answer's ``more`` choice; for a picker that lists
    no folder, ``path`` carries it too) continues a list where that answer stopped."""
    if what in _FOLDER_PICKERS:
        lister: Callable[[], list[Choice]] = lambda: _workspace_objects(  # noqa: E731
            workspace, path, {"NOTEBOOK", "FILE"} & {what.upper()}
        )
    else:
        pages = _listers(workspace, query).get(what)
        if pages is None:
            raise ValueError(f"There is no picker of {what!r}.")
        start = page_token if page_token is not None else path
        lister = lambda: _collect(pages[0](start), pages[1], query)  # noqa: E731
    try:
        return lister()
    except WorkspaceError:
        raise
    except Exception as error:
        raise WorkspaceError(
            f"Could not list the {_NOUNS.get(what, what + 's')} of "
            f"{workspace.host or 'the workspace'}: {_reason(error)}"
        ) from None


_Lister = tuple[
    Callable[["str | None"], Iterator[_Page]], Callable[[dict[str, Any]], "Choice | None"]
]


def _listers(workspace: Workspace, query: str | None) -> dict[str, _Lister]:
    """Per picker: its pages from a start, and the choice of one entry (None: not shown)."""
    needle = (query or "").strip()
    pipelines_filter = {"filter": f"name LIKE '%{_like(needle)}%'"} if needle else {}
    dashboards_filter = {"q": needle} if needle else {}

    def token_pages(
        path: str, key: str, extra: Mapping[str, Any] | None = None
    ) -> Callable[[str | None], Iterator[_Page]]:
        return lambda start: _token_pages(workspace, path, key, start, extra)

    return {
        "cluster": (token_pages("/api/2.1/clusters/list", "clusters"), _cluster),
        "warehouse": (token_pages("/api/2.0/sql/warehouses", "warehouses"), _warehouse),
        "job": (token_pages("/api/2.2/jobs/list", "jobs", {"limit": _PAGE_SIZE}), _job),
        "pipeline": (
            token_pages(
                "/api/2.0/pipelines", "statuses", {"max_results": _PAGE_SIZE, **pipelines_filter}
            ),
            _pipeline,
        ),
        "spark_version": (
            token_pages("/api/2.0/clusters/spark-versions", "versions"),
            _spark_version,
        ),
        "node_type": (token_pages("/api/2.0/clusters/list-node-types", "node_types"), _node_type),
        "policy": (
            token_pages(
                "/api/2.0/policies/clusters/list",
                "policies",
                {"sort_column": "POLICY_NAME", "sort_order": "ASC"},
            ),
            _policy,
        ),
        "notification_destination": (
            token_pages("/api/2.0/notification-destinations", "results", {"page_size": _PAGE_SIZE}),
            _destination,
        ),
        "sql_query": (
            token_pages("/api/2.0/sql/queries", "results", {"page_size": _PAGE_SIZE}),
            _named("display_name", "query_text"),
        ),
        "sql_alert": (
            token_pages("/api/2.0/sql/alerts", "results", {"page_size": _PAGE_SIZE}),
            _named("display_name", "query_id"),
        ),
        "sql_dashboard": (
            lambda start: _numbered_pages(workspace, start, dashboards_filter),
            _named("name", "user_name"),
        ),
        "lakeview_dashboard": (
            token_pages("/api/2.0/lakeview/dashboards", "dashboards", {"page_size": _PAGE_SIZE}),
            _lakeview,
        ),
    }


def _like(text: str) -> str:
    """`text` inside a quoted LIKE pattern of the pipelines filter."""
    return text.replace("'", "''")


def _collect(
    pages: Iterator[_Page], choice: Callable[[dict[str, Any]], Choice | None], query: str | None
) -> list[Choice]:
    """The matching choices of the pages, stopping at the end of a page after `_LIMIT` of them
    or `_MAX_PAGES` pages, then a ``more`` choice when the workspace has more."""
    found: list[Choice] = []
    for read, (entries, next_start) in enumerate(pages, start=1):
        made = (choice(entry) for entry in entries)
        found.extend(_matching((c for c in made if c is not None), query))
        if next_start is None:
            break
        if len(found) >= _LIMIT or read >= _MAX_PAGES:
            found.append({"value": next_start, "label": "More…", "more": True})
            break
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


def _token_pages(
    workspace: Workspace,
    path: str,
    key: str,
    start: str | None,
    extra: Mapping[str, Any] | None = None,
) -> Iterator[_Page]:
    """The pages of a list that pages by `page_token` / `next_page_token`, from `start`, the
    next page read only when wanted."""
    query: dict[str, Any] = dict(extra or {})
    if start:
        query["page_token"] = start
    while True:
        page = _get(workspace, path, query)
        entries = [entry for entry in page.get(key) or [] if isinstance(entry, dict)]
        token = page.get("next_page_token")
        yield entries, token if isinstance(token, str) and token else None
        if not token:
            return
        query["page_token"] = token


def _numbered_pages(
    workspace: Workspace, start: str | None, extra: Mapping[str, Any]
) -> Iterator[_Page]:
    """The pages of the legacy dashboards' list, numbered from 1 (Databricks SQL API reference:
    GET /api/2.0/preview/sql/dashboards, `page`, `page_size`, `count`)."""
    number = int(start) if start and start.isdigit() else 1
    size = _PAGE_SIZE
    while True:
        page = _get(workspace, "/api/2.0/preview/sql/dashboards",
                    {**extra, "page": number, "page_size": size})  # fmt: skip
        entries = [entry for entry in page.get("results") or [] if isinstance(entry, dict)]
        count = page.get("count")
        more = bool(entries) and (not isinstance(count, int) or number * size < count)
        yield entries, str(number + 1) if more else None
        if not more:
            return
        number += 1


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


def _cluster(cluster: dict[str, Any]) -> Choice:
    return {
        "value": _value(cluster, "cluster_id"),
        "label": _value(cluster, "cluster_name"),
        "detail": _value(cluster, "state").lower(),
    }


def _warehouse(warehouse: dict[str, Any]) -> Choice:
    return {
        "value": _value(warehouse, "id"),
        "label": _value(warehouse, "name"),
        "detail": _value(warehouse, "state").lower(),
    }


def _job(job: dict[str, Any]) -> Choice:
    # jobs/list filters by exact name only: the typed text filters the names themselves.
    settings = job.get("settings")
    name = _value(settings, "name") if isinstance(settings, dict) else ""
    job_id = job.get("job_id")
    return {"value": str(job_id), "label": name or f"Job {job_id}", "detail": f"job {job_id}"}


def _pipeline(pipeline: dict[str, Any]) -> Choice:
    return {
        "value": _value(pipeline, "pipeline_id"),
        "label": _value(pipeline, "name"),
        "detail": _value(pipeline, "state").lower(),
    }


def _spark_version(version: dict[str, Any]) -> Choice:
    return {
        "value": _value(version, "key"),
        "label": _value(version, "name") or _value(version, "key"),
        "detail": _value(version, "key"),
    }


def _node_type(node: dict[str, Any]) -> Choice | None:
    if node.get("is_hidden") is True:
        return None
    cores = node.get("num_cores")
    memory = node.get("memory_mb")
    parts = []
    if isinstance(cores, (int, float)):
        parts.append(f"{cores:g} cores")
    if isinstance(memory, (int, float)):
        parts.append(f"{memory / 1024:.3g} GB")
    if _value(node, "description"):
        parts.append(_value(node, "description"))
    if node.get("is_deprecated") is True:
        parts.append("deprecated")
    node_type_id = _value(node, "node_type_id")
    return {"value": node_type_id, "label": node_type_id, "detail": " · ".join(parts)}


def _policy(policy: dict[str, Any]) -> Choice:
    return {
        "value": _value(policy, "policy_id"),
        "label": _value(policy, "name"),
        "detail": _value(policy, "policy_id"),
    }


def _destination(destination: dict[str, Any]) -> Choice:
    kind = _value(destination, "destination_type").lower().replace("_", " ")
    return {
        "value": _value(destination, "id"),
        "label": _value(destination, "display_name") or _value(destination, "id"),
        "detail": kind,
    }


def _named(name: str, detail: str) -> Callable[[dict[str, Any]], Choice]:
    def choice(entry: dict[str, Any]) -> Choice:
        text = " ".join(_value(entry, detail).split())
        return {
            "value": _value(entry, "id"),
            "label": _value(entry, name) or _value(entry, "id"),
            "detail": text if len(text) <= 60 else f"{text[:59]}…",
        }

    return choice


def _lakeview(dashboard: dict[str, Any]) -> Choice:
    return {
        "value": _value(dashboard, "dashboard_id"),
        "label": _value(dashboard, "display_name") or _value(dashboard, "dashboard_id"),
        "detail": _value(dashboard, "path"),
    }


def unknown_destinations(workspace: Workspace, settings: Mapping[str, Any]) -> list[str]:
    """One sentence per webhook (of the job, a task or a for_each task's inner task) naming an id
    that is none of the workspace's notification destinations, for the review before a save
    (a workspace refuses such a save). Empty when every id is a destination, or when there is
    no webhook; the destinations are read (every page) only when there is one."""
    named = list(_webhooks(settings))
    if not named:
        return []
    known: set[str] = set()
    for entries, _ in _token_pages(
        workspace, "/api/2.0/notification-destinations", "results", None, {"page_size": 100}
    ):
        known.update(_value(entry, "id") for entry in entries)
    return [
        f"{where}: {destination_id} is not a notification destination of "
        f"{workspace.host or 'the workspace'}."
        for where, destination_id in named
        if destination_id not in known
    ]


def _webhooks(settings: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, id) of every webhook: "webhook_notifications.on_failure" or "Task t:
    webhook_notifications.on_start"."""
    holders: list[tuple[str, Any]] = [("", settings)]
    tasks = settings.get("tasks")
    for task in tasks if isinstance(tasks, list) else []:
        if isinstance(task, dict):
            holders.append((f"Task {task.get('task_key')}: ", task))
            inner = task.get("for_each_task")
            inner_task = inner.get("task") if isinstance(inner, dict) else None
            if isinstance(inner_task, dict):
                holders.append((f"Task {inner_task.get('task_key')}: ", inner_task))
    for prefix, holder in holders:
        webhooks = holder.get("webhook_notifications")
        for event, entries in webhooks.items() if isinstance(webhooks, dict) else []:
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    yield f"{prefix}webhook_notifications.{event}", entry["id"]


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
