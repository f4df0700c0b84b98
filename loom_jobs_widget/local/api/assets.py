"""What the asset APIs (SQL objects, Lakeview dashboards, pipelines) share: one kind of asset
kept in the store as the document its get returns, token-paged lists in creation order, ids and
timestamps shaped as a workspace shapes them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from loom_jobs_widget.local.http import ApiError, Request, paging
from loom_jobs_widget.local.http.params import query_int, query_str
from loom_jobs_widget.local.store import AssetRecord, Store

__all__ = ["AssetKind", "new_uuid", "rfc3339"]


def new_uuid() -> str:
    return str(uuid.uuid4())


def rfc3339(epoch_ms: int) -> str:
    """A timestamp as the SQL and Lakeview APIs write them: UTC, RFC 3339, milliseconds."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class AssetKind:
    """One kind of asset in the store, with how its API names it in messages."""

    def __init__(self, store: Store, kind: str, noun: str) -> None:
        self._store = store
        self.kind = kind
        self._noun = noun  # "Query", "Alert", ...: the start of a not-found message

    def not_found(self, asset_id: str) -> ApiError:
        return ApiError.not_found(f"{self._noun} {asset_id} does not exist.")

    def record(self, asset_id: str) -> AssetRecord:
        record = self._store.asset(self.kind, asset_id)
        if record is None:
            raise self.not_found(asset_id)
        return record

    def document(self, asset_id: str) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.record(asset_id).doc)
        return doc

    def insert(self, asset_id: str, name: str, doc: dict[str, Any]) -> None:
        self._store.insert_asset(self.kind, asset_id, name, json.dumps(doc))

    def replace(self, asset_id: str, name: str, doc: dict[str, Any], *, active: bool) -> None:
        if not self._store.update_asset(
            self.kind, asset_id, name=name, doc=json.dumps(doc), active=active
        ):
            raise self.not_found(asset_id)

    def delete(self, asset_id: str) -> None:
        if not self._store.delete_asset(self.kind, asset_id):
            raise self.not_found(asset_id)

    def token_page(
        self,
        request: Request,
        *,
        default_size: int,
        max_size: int,
        trashed: bool = False,
        shown: Callable[[dict[str, Any]], dict[str, Any]] = lambda doc: doc,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of `page_size` (given a value above `max_size`, `max_size`: the SQL APIs
        coerce rather than refuse) after `page_token`; the entries as `shown` makes them, and
        the next page's token (None on the last page)."""
        size = query_int(request, "page_size")
        if size is None or size <= 0:
            size = default_size
        size = min(size, max_size)
        token = query_str(request, "page_token")
        cursor = paging.decode_token(token, "after")
        after = cursor["after"] if cursor is not None else 0
        rows = self._store.list_assets(self.kind, after_seq=after, limit=size + 1, trashed=trashed)
        entries = [shown(json.loads(row.doc)) for row in rows[:size]]
        more = len(rows) > size
        return entries, paging.encode_token({"after": rows[size - 1].seq}) if more else None

    def offset_page(
        self, *, offset: int, limit: int, name_like: str | None = None
    ) -> list[dict[str, Any]]:
        rows = self._store.list_assets(self.kind, offset=offset, limit=limit, name_like=name_like)
        return [json.loads(row.doc) for row in rows]

    def all(self, *, name_like: str | None = None) -> list[dict[str, Any]]:
        return self.offset_page(offset=0, limit=-1, name_like=name_like)
