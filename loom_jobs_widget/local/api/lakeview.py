"""Lakeview (AI/BI) dashboards a job's `dashboard_task` names: `/api/2.0/lakeview/dashboards`
(create, list, get, delete), as the SDK's `dashboards.LakeviewAPI` calls them.

A dashboard lives in a workspace folder (`parent_path`, the user's home when none is given, and
refused when the folder does not exist, as a workspace refuses it); its `path` is
`<parent_path>/<display_name>.lvdash.json`. Lists page with `page_size` / `page_token` and show
summary fields only (no `serialized_dashboard`); delete moves a dashboard to the trash, which
lists show only with `show_trashed=true`. Each write gives a new `etag`.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.api.assets import AssetKind, rfc3339
from loom_jobs_widget.local.api.identity import LOCAL_USER
from loom_jobs_widget.local.engine import now_ms
from loom_jobs_widget.local.http import ApiError, Request, Route
from loom_jobs_widget.local.http.params import query_bool
from loom_jobs_widget.local.store import Store

__all__ = ["LakeviewApi"]

_PREFIX: Final = r"/api/2\.0/lakeview/dashboards"
_DEFAULT_PAGE: Final = 100
_MAX_PAGE: Final = 1000
_SUMMARY_LEFT_OUT: Final = ("serialized_dashboard",)
_EMPTY_DASHBOARD: Final = '{"pages":[{"name":"page1","displayName":"Untitled page"}]}\n'


def _summary(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in _SUMMARY_LEFT_OUT}


class LakeviewApi:
    def __init__(self, store: Store, workspace_root: Path) -> None:
        self._dashboards = AssetKind(store, "lakeview_dashboard", "Dashboard")
        self._workspace_root = workspace_root

    def routes(self) -> list[Route]:
        one = _PREFIX + r"/(?P<id>[^/]+)"
        return [
            Route("POST", _PREFIX, self.create),
            Route("GET", _PREFIX, self.list_dashboards),
            Route("GET", one, self.get),
            Route("DELETE", one, self.delete),
        ]

    def create(self, request: Request) -> dict[str, Any]:
        body = request.json()
        name = body.get("display_name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError.invalid("A dashboard must have a non-empty display_name.")
        parent = body.get("parent_path") or f"/Users/{LOCAL_USER}"
        if not isinstance(parent, str) or not self._folder_exists(parent):
            # databricks/cli libs/testserver/dashboards.go: a missing parent folder is a 404.
            raise ApiError.not_found(f"Path ({parent}) doesn't exist.")
        serialized = body.get("serialized_dashboard")
        if serialized is not None and not isinstance(serialized, str):
            raise ApiError.invalid("serialized_dashboard must be a JSON text.")
        created = rfc3339(now_ms())
        dashboard_id = secrets.token_hex(16)  # 32 hexadecimal digits, as a workspace's
        doc: dict[str, Any] = {
            "dashboard_id": dashboard_id,
            "display_name": name,
            "parent_path": parent,
            "path": f"{parent.rstrip('/')}/{name}.lvdash.json",
            "lifecycle_state": "ACTIVE",
            "serialized_dashboard": serialized or _EMPTY_DASHBOARD,
            "create_time": created,
            "update_time": created,
            "etag": str(secrets.randbelow(10**9)),
        }
        warehouse_id = body.get("warehouse_id")
        if isinstance(warehouse_id, str) and warehouse_id:
            doc["warehouse_id"] = warehouse_id
        self._dashboards.insert(dashboard_id, name, doc)
        return doc

    def list_dashboards(self, request: Request) -> dict[str, Any]:
        entries, token = self._dashboards.token_page(
            request,
            default_size=_DEFAULT_PAGE,
            max_size=_MAX_PAGE,
            trashed=bool(query_bool(request, "show_trashed")),
            shown=_summary,
        )
        answer: dict[str, Any] = {"dashboards": entries} if entries else {}
        if token is not None:
            answer["next_page_token"] = token
        return answer

    def get(self, request: Request) -> dict[str, Any]:
        return self._dashboards.document(request.params["id"])

    def delete(self, request: Request) -> dict[str, Any]:
        record = self._dashboards.record(request.params["id"])
        doc = self._dashboards.document(record.id)
        doc.update(
            lifecycle_state="TRASHED",
            update_time=rfc3339(now_ms()),
            etag=str(secrets.randbelow(10**9)),
        )
        self._dashboards.replace(record.id, record.name, doc, active=False)
        return {}

    def _folder_exists(self, workspace_path: str) -> bool:
        relative = workspace_path.removeprefix("/Workspace").strip("/")
        if not workspace_path.startswith("/") or ".." in relative.split("/"):
            return False
        return (self._workspace_root / relative).is_dir()
