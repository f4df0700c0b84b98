"""Databricks SQL objects a job's `sql_task` names: queries (`/api/2.0/sql/queries`), alerts
(`/api/2.0/sql/alerts`) and legacy dashboards (`/api/2.0/preview/sql/dashboards`), as the SDK's
`sql.QueriesAPI`, `sql.AlertsAPI` and `sql.DashboardsAPI` call them.

Each can be created, listed, read and deleted (moved to the trash: gone from lists, still
readable, with `lifecycle_state` TRASHED or, for a legacy dashboard, `is_archived`). Queries and
alerts page with `page_size` / `page_token` (above 100 is 100, as the SDK's docstring says);
legacy dashboards page by number (`page`, from 1, `page_size`), and the SDK reads pages until
one comes back empty. The local SQL warehouse runs a query's text when a task names it.
"""

from __future__ import annotations

from typing import Any, Final

from loom_jobs_widget.local.api.assets import AssetKind, new_uuid, rfc3339
from loom_jobs_widget.local.api.identity import LOCAL_USER
from loom_jobs_widget.local.engine import now_ms
from loom_jobs_widget.local.http import ApiError, Request, Route
from loom_jobs_widget.local.http.params import body_object, query_int, query_str
from loom_jobs_widget.local.store import Store

__all__ = ["SqlObjectsApi"]

_MAX_PAGE: Final = 100
_DEFAULT_PAGE: Final = 20
# Legacy dashboards' list: its historical defaults (page_size 25, at most 250).
_DASHBOARDS_DEFAULT_PAGE: Final = 25
_DASHBOARDS_MAX_PAGE: Final = 250

_QUERY_FIELDS: Final = (
    "display_name",
    "query_text",
    "warehouse_id",
    "description",
    "catalog",
    "schema",
    "parameters",
    "tags",
    "apply_auto_limit",
    "run_as_mode",
)
_ALERT_FIELDS: Final = (
    "display_name",
    "query_id",
    "condition",
    "custom_body",
    "custom_subject",
    "notify_on_ok",
    "seconds_to_retrigger",
)
_ALERT_OPERATORS: Final = frozenset(
    {
        "GREATER_THAN",
        "GREATER_THAN_OR_EQUAL",
        "LESS_THAN",
        "LESS_THAN_OR_EQUAL",
        "EQUAL",
        "NOT_EQUAL",
        "IS_NULL",
    }
)


def _home() -> str:
    return f"/Users/{LOCAL_USER}"


def _required_text(body: dict[str, Any], name: str, what: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiError.invalid(f"{what} must have a non-empty {name}.")
    return value


def _without_parent(doc: dict[str, Any]) -> dict[str, Any]:
    # List entries (ListQueryObjectsResponseQuery, ListAlertsResponseAlert) have no parent_path.
    return {key: value for key, value in doc.items() if key != "parent_path"}


class SqlObjectsApi:
    def __init__(self, store: Store) -> None:
        self._queries = AssetKind(store, "query", "Query")
        self._alerts = AssetKind(store, "alert", "Alert")
        self._dashboards = AssetKind(store, "legacy_dashboard", "Dashboard")

    def routes(self) -> list[Route]:
        queries = r"/api/2\.0/sql/queries"
        alerts = r"/api/2\.0/sql/alerts"
        dashboards = r"/api/2\.0/preview/sql/dashboards"
        one = r"/(?P<id>[^/]+)"
        return [
            Route("POST", queries, self.create_query),
            Route("GET", queries, self.list_queries),
            Route("GET", queries + one, self.get_query),
            Route("DELETE", queries + one, self.delete_query),
            Route("POST", alerts, self.create_alert),
            Route("GET", alerts, self.list_alerts),
            Route("GET", alerts + one, self.get_alert),
            Route("DELETE", alerts + one, self.delete_alert),
            Route("POST", dashboards, self.create_dashboard),
            Route("GET", dashboards, self.list_dashboards),
            Route("GET", dashboards + one, self.get_dashboard),
            Route("DELETE", dashboards + one, self.delete_dashboard),
        ]

    # --- queries

    def create_query(self, request: Request) -> dict[str, Any]:
        spec = body_object(request.json(), "query")
        if spec is None:
            raise ApiError.invalid("Missing required field: query")
        _required_text(spec, "display_name", "A query")
        _required_text(spec, "query_text", "A query")
        created = rfc3339(now_ms())
        doc: dict[str, Any] = {"id": new_uuid()}
        doc.update({name: spec[name] for name in _QUERY_FIELDS if spec.get(name) is not None})
        doc.update(
            parent_path=spec.get("parent_path") or _home(),
            owner_user_name=LOCAL_USER,
            last_modifier_user_name=LOCAL_USER,
            lifecycle_state="ACTIVE",
            create_time=created,
            update_time=created,
        )
        self._queries.insert(doc["id"], doc["display_name"], doc)
        return doc

    def list_queries(self, request: Request) -> dict[str, Any]:
        return self._token_list(self._queries, request)

    def get_query(self, request: Request) -> dict[str, Any]:
        return self._queries.document(request.params["id"])

    def delete_query(self, request: Request) -> dict[str, Any]:
        self._trash(self._queries, request.params["id"])
        return {}

    # --- alerts

    def create_alert(self, request: Request) -> dict[str, Any]:
        spec = body_object(request.json(), "alert")
        if spec is None:
            raise ApiError.invalid("Missing required field: alert")
        _required_text(spec, "display_name", "An alert")
        query_id = _required_text(spec, "query_id", "An alert")
        if not self._queries.record(query_id).active:
            raise ApiError.invalid(f"Query {query_id} is in the trash.")
        _check_condition(spec.get("condition"))
        created = rfc3339(now_ms())
        doc: dict[str, Any] = {"id": new_uuid()}
        doc.update({name: spec[name] for name in _ALERT_FIELDS if spec.get(name) is not None})
        doc.update(
            parent_path=spec.get("parent_path") or _home(),
            owner_user_name=LOCAL_USER,
            state="UNKNOWN",  # not evaluated yet
            lifecycle_state="ACTIVE",
            create_time=created,
            update_time=created,
        )
        self._alerts.insert(doc["id"], doc["display_name"], doc)
        return doc

    def list_alerts(self, request: Request) -> dict[str, Any]:
        return self._token_list(self._alerts, request)

    def get_alert(self, request: Request) -> dict[str, Any]:
        return self._alerts.document(request.params["id"])

    def delete_alert(self, request: Request) -> dict[str, Any]:
        self._trash(self._alerts, request.params["id"])
        return {}

    # --- legacy dashboards

    def create_dashboard(self, request: Request) -> dict[str, Any]:
        body = request.json()
        name = _required_text(body, "name", "A dashboard")
        created = rfc3339(now_ms())
        dashboard_id = new_uuid()
        doc: dict[str, Any] = {
            "id": dashboard_id,
            "name": name,
            "slug": "-".join(name.lower().split()),
            "parent": body.get("parent") or f"folders/{_home()}",
            "tags": list(body.get("tags") or []),
            "is_archived": False,
            "is_draft": False,
            "is_favorite": bool(body.get("is_favorite", False)),
            "can_edit": True,
            "permission_tier": "CAN_MANAGE",
            "dashboard_filters_enabled": bool(body.get("dashboard_filters_enabled", False)),
            "user": {"name": LOCAL_USER, "email": LOCAL_USER},
            "options": {"run_as_role": body.get("run_as_role") or "owner"},
            "widgets": [],
            "created_at": created,
            "updated_at": created,
        }
        self._dashboards.insert(dashboard_id, name, doc)
        return doc

    def list_dashboards(self, request: Request) -> dict[str, Any]:
        page = query_int(request, "page") or 1
        size = query_int(request, "page_size") or _DASHBOARDS_DEFAULT_PAGE
        if page < 1:
            raise ApiError.invalid("page must be 1 or more.")
        if not 0 < size <= _DASHBOARDS_MAX_PAGE:
            raise ApiError.invalid(f"page_size must be from 1 to {_DASHBOARDS_MAX_PAGE}.")
        search = query_str(request, "q")
        # A search term's % and _ match any text: loose, as a search may be.
        like = None if not search else f"%{search}%"
        results = self._dashboards.offset_page(offset=(page - 1) * size, limit=size, name_like=like)
        count = len(self._dashboards.all(name_like=like))
        return {"count": count, "page": page, "page_size": size, "results": results}

    def get_dashboard(self, request: Request) -> dict[str, Any]:
        return self._dashboards.document(request.params["id"])

    def delete_dashboard(self, request: Request) -> dict[str, Any]:
        record = self._dashboards.record(request.params["id"])
        doc = self._dashboards.document(record.id)
        doc["is_archived"] = True
        self._dashboards.replace(record.id, record.name, doc, active=False)
        return {}

    # --- shared

    @staticmethod
    def _token_list(kind: AssetKind, request: Request) -> dict[str, Any]:
        entries, token = kind.token_page(
            request, default_size=_DEFAULT_PAGE, max_size=_MAX_PAGE, shown=_without_parent
        )
        answer: dict[str, Any] = {"results": entries}
        if token is not None:
            answer["next_page_token"] = token
        return answer

    @staticmethod
    def _trash(kind: AssetKind, asset_id: str) -> None:
        record = kind.record(asset_id)
        doc = kind.document(asset_id)
        doc["lifecycle_state"] = "TRASHED"
        doc["update_time"] = rfc3339(now_ms())
        kind.replace(record.id, record.name, doc, active=False)


def _check_condition(condition: Any) -> None:
    """An alert's `condition`: an `op` comparing the query's column `operand` with a
    `threshold` (IS_NULL needs none)."""
    if not isinstance(condition, dict):
        raise ApiError.invalid("An alert must have a condition.")
    op = condition.get("op")
    if op not in _ALERT_OPERATORS:
        known = ", ".join(sorted(_ALERT_OPERATORS))
        raise ApiError.invalid(f"condition.op must be one of {known}.")
    operand = condition.get("operand")
    column = operand.get("column") if isinstance(operand, dict) else None
    if not isinstance(column, dict) or not isinstance(column.get("name"), str):
        raise ApiError.invalid("condition.operand.column.name must name a column of the query.")
    if op != "IS_NULL" and not isinstance(condition.get("threshold"), dict):
        raise ApiError.invalid(f"condition.threshold is required with op {op}.")
