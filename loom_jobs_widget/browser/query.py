"""What the jobs list shows: the query (a name substring, the creator, a tag, the trigger state)
and the filters it stands for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from loom_jobs_widget.browser.protocol import Query as QueryJson
from loom_jobs_widget.browser.protocol import QueryState
from loom_jobs_widget.schedule import pause_status

__all__ = ["Query", "parse_tag", "state_matches"]

_STATES: tuple[QueryState, ...] = ("", "active", "paused", "none")
"""The state filter: any; a trigger that starts runs; a paused trigger; no trigger (manual)."""


@dataclass(frozen=True)
class Query:
    """What the list shows: a name substring, the creator, a tag (``key`` or ``key=value``) and
    the trigger state (one of `_STATES`)."""

    search: str = ""
    owner: str = ""
    tag: str = ""
    state: QueryState = ""

    @classmethod
    def from_message(cls, value: Any) -> Query:
        """From the view's `query` (None: the empty query); TypeError / ValueError naming what
        is wrong."""
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise TypeError("query must be an object")
        fields = {}
        for name in ("search", "owner", "tag", "state"):
            item = value.get(name, "")
            if item is None:
                item = ""
            if not isinstance(item, str):
                raise TypeError(f"query.{name} must be a string")
            fields[name] = item.strip()
        if fields["state"] not in _STATES:
            raise ValueError(f"query.state must be one of {', '.join(map(repr, _STATES))}")
        return cls(fields["search"], fields["owner"], fields["tag"], fields["state"])

    def to_json(self) -> QueryJson:
        return {"search": self.search, "owner": self.owner, "tag": self.tag, "state": self.state}


def parse_tag(text: str) -> dict[str, str | None] | None:
    """``"team"`` → {"team": None} (the key present), ``"team=data"`` → {"team": "data"}."""
    text = text.strip()
    if not text:
        return None
    key, sep, value = text.partition("=")
    key = key.strip()
    if not key:
        raise ValueError("a tag filter is key or key=value")
    return {key: value.strip() if sep else None}


def state_matches(settings: Mapping[str, Any], state: QueryState) -> bool:
    """Whether a job's settings pass the state filter."""
    if not state:
        return True
    status = pause_status(settings)
    if state == "none":
        return status is None
    return status == ("PAUSED" if state == "paused" else "UNPAUSED")
