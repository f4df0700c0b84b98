"""The notification outbox: `GET /api/2.0/loom/outbox`, the email notifications the notifier
(`services.notifications`) recorded instead of mailing them. An endpoint of this project: a
Databricks workspace has no such API."""

from __future__ import annotations

import json
from typing import Any, Final

from loom_jobs_widget.local.http import ApiError, Request, Route
from loom_jobs_widget.local.http.params import query_int
from loom_jobs_widget.local.store import Store

__all__ = ["OutboxApi"]

_OUTBOX_PATH: Final = "/api/2.0/loom/outbox"
_MAX_OUTBOX_PAGE: Final = 1000


class OutboxApi:
    def __init__(self, store: Store) -> None:
        self._store = store

    def routes(self) -> list[Route]:
        return [Route("GET", _OUTBOX_PATH, self.outbox)]

    def outbox(self, request: Request) -> dict[str, Any]:
        """`?after=<id>&limit=<n>`: the messages recorded, oldest first, each with its `id`;
        `after` pages on (the last id seen)."""
        after = query_int(request, "after") or 0
        limit = query_int(request, "limit") or 100
        if not 0 < limit <= _MAX_OUTBOX_PAGE:
            raise ApiError.invalid(f"limit must be from 1 to {_MAX_OUTBOX_PAGE}.")
        rows = self._store.outbox(after_seq=after, limit=limit)
        return {"messages": [{"id": seq, **json.loads(doc)} for seq, _, doc in rows]}
