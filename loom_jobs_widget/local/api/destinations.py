"""Notification destinations: `/api/2.0/notification-destinations` (create, list, get, update,
delete), as the SDK's `settings.NotificationDestinationsAPI` calls them.

A job's `webhook_notifications` name destinations by id; the notifier (`services.notifications`)
reads them from the store when a run event is due. Two config types are served, the ones a local
workspace can deliver:

- `generic_webhook` {url, username, password}: an HTTP POST (see `notifications`). As on a
  workspace, url, username and password are input-only: reads show `url_set`, `username_set`,
  `password_set` instead;
- `email` {addresses}: recorded in the local outbox (`api.notifications`), not sent.

Slack, Teams, PagerDuty and the Databricks-app types are refused with a message saying so: they
need the vendor's service. Ids are UUIDs, as on a workspace.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Final
from urllib.parse import urlsplit

from loom_jobs_widget.local.engine import now_ms
from loom_jobs_widget.local.http import ApiError, Request, Route, paging
from loom_jobs_widget.local.http.params import body_object, body_str, query_int, query_str
from loom_jobs_widget.local.store import DestinationRecord, Store

__all__ = ["DestinationsApi"]

_PREFIX: Final = r"/api/2\.0/notification-destinations"
_MAX_PAGE_SIZE: Final = 100
_DEFAULT_PAGE_SIZE: Final = 20

# Config key -> destination_type, for the types served here.
_SERVED: Final = {"generic_webhook": "WEBHOOK", "email": "EMAIL"}
# Types the SDK knows that a local workspace cannot deliver.
_NOT_SERVED: Final = (
    "slack",
    "microsoft_teams",
    "pagerduty",
    "databricks_app_slack",
    "databricks_app_teams",
)


class DestinationsApi:
    def __init__(self, store: Store) -> None:
        self._store = store

    def routes(self) -> list[Route]:
        one = _PREFIX + r"/(?P<id>[^/]+)"
        return [
            Route("POST", _PREFIX, self.create),
            Route("GET", _PREFIX, self.list),
            Route("GET", one, self.get),
            Route("PATCH", one, self.update),
            Route("DELETE", one, self.delete),
        ]

    def create(self, request: Request) -> dict[str, Any]:
        body = request.json()
        config = body_object(body, "config")
        if config is None:
            raise ApiError.invalid("Missing required field: config")
        kind, spec = _checked_config(config, previous=None)
        record = DestinationRecord(
            id=str(uuid.uuid4()),
            created_time=now_ms(),
            destination_type=_SERVED[kind],
            display_name=body_str(body, "display_name") or "",
            config=json.dumps({kind: spec}),
        )
        self._store.insert_destination(record)
        return _document(record)

    def list(self, request: Request) -> dict[str, Any]:
        size = query_int(request, "page_size") or _DEFAULT_PAGE_SIZE
        if not 0 < size <= _MAX_PAGE_SIZE:
            raise ApiError.invalid(f"page_size must be from 1 to {_MAX_PAGE_SIZE}.")
        cursor = paging.decode_token(query_str(request, "page_token"), "offset")
        offset = cursor["offset"] if cursor is not None else 0
        if offset < 0:
            raise ApiError.invalid(f"Invalid page token: {query_str(request, 'page_token')}")
        rows = self._store.list_destinations(offset=offset, limit=size + 1)
        answer: dict[str, Any] = {
            "results": [
                {
                    "id": record.id,
                    "display_name": record.display_name,
                    "destination_type": record.destination_type,
                }
                for record in rows[:size]
            ]
        }
        if len(rows) > size:
            answer["next_page_token"] = paging.encode_token({"offset": offset + size})
        return answer

    def get(self, request: Request) -> dict[str, Any]:
        return _document(self._record(request.params["id"]))

    def update(self, request: Request) -> dict[str, Any]:
        record = self._record(request.params["id"])
        body = request.json()
        config = body_object(body, "config")
        display_name = body_str(body, "display_name")
        if config is None and display_name is None:
            raise ApiError.invalid("At least one of config and display_name must be given.")
        stored = record.config
        if config is not None:
            previous = json.loads(record.config)
            kind, spec = _checked_config(config, previous=previous)
            if _SERVED[kind] != record.destination_type:
                raise ApiError.invalid(
                    f"The destination is of type {record.destination_type}; "
                    "the type of a destination cannot be changed."
                )
            stored = json.dumps({kind: spec})
        name = display_name if display_name is not None else record.display_name
        self._store.update_destination(record.id, name, stored)
        return _document(self._record(record.id))

    def delete(self, request: Request) -> dict[str, Any]:
        destination_id = request.params["id"]
        if not self._store.delete_destination(destination_id):
            raise _not_found(destination_id)
        return {}

    def _record(self, destination_id: str) -> DestinationRecord:
        record = self._store.destination(destination_id)
        if record is None:
            raise _not_found(destination_id)
        return record


def _not_found(destination_id: str) -> ApiError:
    return ApiError.not_found(f"Notification destination {destination_id} does not exist.")


def _checked_config(
    config: dict[str, Any], *, previous: dict[str, Any] | None
) -> tuple[str, dict[str, Any]]:
    """(config key, the spec to store) of a create or update request's config; on update, the
    input-only fields left out keep their previous values (reads cannot show them to resend)."""
    given = [key for key, value in config.items() if value is not None]
    if len(given) != 1:
        raise ApiError.invalid("config must wrap exactly one of the nested configs.")
    kind = given[0]
    if kind in _NOT_SERVED:
        raise ApiError.invalid(
            f"Destinations of type {kind} need the vendor's service and are not supported by "
            "the local workspace; use generic_webhook or email."
        )
    spec = config[kind]
    if kind not in _SERVED or not isinstance(spec, dict):
        raise ApiError.invalid(f"Unknown notification destination config: {kind}.")
    if kind == "email":
        addresses = spec.get("addresses")
        if (
            not isinstance(addresses, list)
            or not addresses
            or not all(isinstance(a, str) and "@" in a for a in addresses)
        ):
            raise ApiError.invalid("email.addresses must be a non-empty list of email addresses.")
        return kind, {"addresses": list(addresses)}
    old = (previous or {}).get(kind) or {}
    out: dict[str, Any] = {}
    for name in ("url", "username", "password"):
        value = spec.get(name, old.get(name))
        if value is not None:
            if not isinstance(value, str):
                raise ApiError.invalid(f"generic_webhook.{name} must be a string.")
            out[name] = value
    url = out.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError.invalid("generic_webhook.url must be an http:// or https:// URL.")
    return kind, out


def _document(record: DestinationRecord) -> dict[str, Any]:
    """A NotificationDestination as a workspace reads it back: secrets replaced by *_set."""
    stored = json.loads(record.config)
    config: dict[str, Any]
    if "generic_webhook" in stored:
        spec = stored["generic_webhook"]
        config = {
            "generic_webhook": {
                f"{name}_set": bool(spec.get(name)) for name in ("url", "username", "password")
            }
        }
    else:
        config = stored
    return {
        "id": record.id,
        "display_name": record.display_name,
        "destination_type": record.destination_type,
        "config": config,
    }
