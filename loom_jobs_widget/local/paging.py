"""Jobs API 2.2 paging: page tokens, and the 100-element pages of a job's or a run's arrays.

jobs/get and runs/get return at most 100 elements of each of their long arrays per call and a
`next_page_token` while any has more; the SDK's mixins follow the token and concatenate. A later
page carries the next slice of every array; an array already complete comes back empty.
jobs/list and runs/list page whole objects with keyset cursors, so pages stay right while jobs and
runs are added.

Tokens are opaque to clients: URL-safe base64 of a small JSON object.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

from loom_jobs_widget.local.server import ApiError

ARRAY_PAGE_SIZE: Final = 100

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
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in cursor.values())
    ):
        raise ApiError.invalid(f"Invalid page token: {token[:100]}")
    return cursor


def page_number(token: str | None) -> int:
    """The page of jobs/get or runs/get a token asks for (0 without one)."""
    cursor = decode_token(token, "page")
    if cursor is None:
        return 0
    page = cursor["page"]
    if page < 0:
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
