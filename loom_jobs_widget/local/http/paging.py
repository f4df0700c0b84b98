"""Jobs API 2.2 paging: page tokens, and the 100-element pages of a job's or a run's arrays.

jobs/get and runs/get return at most 100 elements of each of their long arrays per call and a
`next_page_token` while any has more; the SDK's mixins follow the token and concatenate. A later
page carries the next slice of every array; an array already complete comes back empty.
jobs/list and runs/list page whole objects with keyset cursors, so pages stay right while jobs and
runs are added; they share the rules for `limit` and `offset` and the shape of their answer.

Tokens are opaque to clients: URL-safe base64 of a small JSON object.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

from loom_jobs_widget.local.http.messages import ApiError, Request
from loom_jobs_widget.local.http.params import is_int64, query_int

__all__ = [
    "ARRAY_PAGE_SIZE",
    "JOB_ARRAYS",
    "RUN_ARRAYS",
    "decode_token",
    "encode_token",
    "first_page",
    "limit_and_offset",
    "list_page",
    "page_arrays",
    "page_number",
]

ARRAY_PAGE_SIZE: Final = 100

# The last page whose first element's position (and the next page's number) is a 64-bit integer.
_LAST_PAGE: Final = (2**63 - 1) // ARRAY_PAGE_SIZE - 1

# The arrays of jobs/get's settings and of runs/get's run that are paged (SDK mixins).
JOB_ARRAYS: Final = ("tasks", "job_clusters", "parameters", "environments")
RUN_ARRAYS: Final = ("job_clusters", "job_parameters", "repair_history")


def encode_token(cursor: Mapping[str, Any]) -> str:
    raw = json.dumps(cursor, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, *keys: str) -> dict[str, int] | None:
    """The cursor in a page token; ApiError when it is not one this server made, or has none of
    `keys` (the cursor kinds the endpoint knows)."""
    if token is None or token == "":
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        cursor = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error):
        cursor = None
    if (
        not isinstance(cursor, dict)
        or not any(key in cursor for key in keys)
        # 64-bit, as every value a cursor is compared with in the store.
        or not all(is_int64(value) for value in cursor.values())
    ):
        raise ApiError.invalid(f"Invalid page token: {token[:100]}")
    return cursor


def page_number(token: str | None) -> int:
    """The page of jobs/get or runs/get a token asks for (0 without one)."""
    cursor = decode_token(token, "page")
    if cursor is None:
        return 0
    page = cursor["page"]
    if not 0 <= page <= _LAST_PAGE:
        raise ApiError.invalid(f"Invalid page token: {token}")
    return page


def page_arrays(
    document: Mapping[str, Any], names: Iterable[str], page: int
) -> tuple[dict[str, Any], bool]:
    """`document` with page `page` of each array in `names` (arrays it lacks stay absent, and
    values that are no arrays are left as they are); and whether any array has more."""
    out = dict(document)
    start = page * ARRAY_PAGE_SIZE
    end = start + ARRAY_PAGE_SIZE
    more = False
    for name in names:
        value = document.get(name)
        if isinstance(value, list):
            out[name] = value[start:end]
            more = more or len(value) > end
    return out, more


def first_page(document: Mapping[str, Any], names: Iterable[str]) -> tuple[dict[str, Any], bool]:
    return page_arrays(document, names, 0)


def limit_and_offset(
    request: Request, *, default: int, maximum: int, zero: int | None = None
) -> tuple[int, int]:
    """A list request's `limit` (`default` when absent; `zero`, when given, stands for 0) and
    `offset`; ApiError unless the limit is from 1 to `maximum` and the offset is not negative."""
    limit = query_int(request, "limit")
    if limit is None:
        limit = default
    elif limit == 0 and zero is not None:
        limit = zero
    if not 0 < limit <= maximum:
        bound = f"no more than {maximum}" if limit > maximum else "at least 1"
        raise ApiError.invalid(f"Invalid limit {limit} - it has to be {bound}.")
    offset = query_int(request, "offset") or 0
    if offset < 0:
        raise ApiError.invalid(f"Invalid offset {offset} - it has to be at least 0.")
    return limit, offset


def list_page(
    name: str,
    entries: list[dict[str, Any]],
    *,
    has_more: bool,
    has_previous: bool,
    next_cursor: Mapping[str, Any] | None,
    prev_cursor: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A list answer: `entries` under `name` (left out when there are none), `has_more`, and
    the tokens of the next and the previous page. The cursors are those after the last entry
    and before the first one (None on an empty page, which has no tokens)."""
    document: dict[str, Any] = {}
    if entries:
        document[name] = entries
    document["has_more"] = has_more
    if has_more and next_cursor is not None:
        document["next_page_token"] = encode_token(next_cursor)
    if has_previous and prev_cursor is not None:
        document["prev_page_token"] = encode_token(prev_cursor)
    return document
