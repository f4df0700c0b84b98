"""Typed reading of request fields, with the errors a workspace gives for wrong input.

Bodies are proto3 JSON on a workspace, so the same leniencies apply here: `null` means "not
given", and an int64 may come as a decimal string. A field of the wrong JSON type is a 400
MALFORMED_REQUEST worded like the real one ("Could not parse request object: Expected object for
field notebook_params, found STRING"); a missing required field is INVALID_PARAMETER_VALUE.

Every integer a client sends, in a body, a query string or a path, is read by `parse_int64` or
`is_int64`: ASCII digits with an optional minus, within a signed 64-bit integer (the ids' type on
a workspace, and SQLite's), so no other digit (`²`, `٣`), sign, space or size reaches `int()` or
the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, TypeVar

from loom_jobs_widget.local.http.messages import ApiError, Request

__all__ = [
    "body_bool",
    "body_int",
    "body_object",
    "body_object_list",
    "body_str",
    "body_str_list",
    "body_str_map",
    "is_int64",
    "json_type",
    "parse_int64",
    "path_int",
    "query_bool",
    "query_int",
    "query_require_int",
    "query_str",
    "require_int",
]

# Decimal digits only: `\d` would take any Unicode digit, which int() reads and a workspace does
# not.
_INT_TEXT: Final = re.compile(r"-?[0-9]{1,19}")
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_T = TypeVar("_T")


def is_int64(value: Any) -> bool:
    """Whether a JSON value is an integer (no boolean, no float) that fits in 64 bits."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and _INT64_MIN <= value <= _INT64_MAX
    )


def parse_int64(text: str) -> int | None:
    """The signed 64-bit integer a decimal text holds (ASCII digits, an optional minus); None
    for spaces, underscores, other digits (`²`, `٣`) or a value out of range. The databricks/cli
    workspace emulator reads ids with Go's `strconv.ParseInt(text, 10, 64)`, and refuses what
    does not parse with a 400."""
    if not _INT_TEXT.fullmatch(text):
        return None
    number = int(text)
    return number if _INT64_MIN <= number <= _INT64_MAX else None


def json_type(value: Any) -> str:
    """The JSON type name the parse errors use."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, (int, float)):
        return "NUMBER"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list):
        return "ARRAY"
    return "OBJECT"


def _wrong_type(name: str, expected: str, value: Any) -> ApiError:
    return ApiError.malformed(
        f"Could not parse request object: Expected {expected} for field {name}, "
        f"found {json_type(value)}"
    )


def _missing(name: str) -> ApiError:
    return ApiError.invalid(f"Missing required field: {name}")


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 100 else text[:100] + "..."


# --- bodies ----------------------------------------------------------------------------------


def body_int(body: Mapping[str, Any], name: str, *, required: bool = False) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return None
    if isinstance(value, str):
        number = parse_int64(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value if is_int64(value) else None
    else:
        raise _wrong_type(name, "integer", value)
    if number is None:
        raise ApiError.malformed(
            f"Could not parse request object: {name} is no 64-bit integer: {_shown(value)}"
        )
    return number


def require_int(body: Mapping[str, Any], name: str) -> int:
    value = body_int(body, name, required=True)
    assert value is not None  # required=True raised otherwise
    return value


def _body_value(
    body: Mapping[str, Any], name: str, kind: type[_T], expected: str, *, required: bool = False
) -> _T | None:
    """The field when it is a `kind`; None when it is absent or null (unless `required`)."""
    value = body.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return None
    if not isinstance(value, kind):
        raise _wrong_type(name, expected, value)
    return value


def _body_list(
    body: Mapping[str, Any], name: str, kind: type[_T], expected: str
) -> list[_T] | None:
    """An array whose items are all `kind`."""
    value = _body_value(body, name, list, "array")
    if value is None:
        return None
    for item in value:
        if not isinstance(item, kind):
            raise _wrong_type(f"{name}[]", expected, item)
    return value


def body_str(body: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    return _body_value(body, name, str, "string", required=required)


def body_bool(body: Mapping[str, Any], name: str) -> bool | None:
    return _body_value(body, name, bool, "boolean")


def body_object(body: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    return _body_value(body, name, dict, "object")


def body_str_list(body: Mapping[str, Any], name: str) -> list[str] | None:
    return _body_list(body, name, str, "string")


def body_object_list(body: Mapping[str, Any], name: str) -> list[dict[str, Any]] | None:
    return _body_list(body, name, dict, "object")


def body_str_map(body: Mapping[str, Any], name: str) -> dict[str, str] | None:
    """A map<string, string>; numbers and booleans are taken as their JSON text, as a
    workspace's parser does for `{"n": 5}`."""
    value = body_object(body, name)
    if value is None:
        return None
    out: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, str):
            out[key] = item
        elif isinstance(item, bool):
            out[key] = "true" if item else "false"
        elif isinstance(item, (int, float)):
            out[key] = str(item)
        else:
            raise _wrong_type(f"{name}.{key}", "string", item)
    return out


# --- query strings ---------------------------------------------------------------------------


def query_str(request: Request, name: str, *, required: bool = False) -> str | None:
    values = request.query.get(name)
    if not values:
        if required:
            raise _missing(name)
        return None
    return values[-1]


def query_int(request: Request, name: str, *, required: bool = False) -> int | None:
    raw = query_str(request, name, required=required)
    if raw is None:
        return None
    number = parse_int64(raw)
    if number is None:
        raise ApiError.invalid(
            f"Invalid value for parameter {name}: '{raw[:100]}' is not an integer."
        )
    return number


def query_require_int(request: Request, name: str) -> int:
    value = query_int(request, name, required=True)
    assert value is not None  # required=True raised otherwise
    return value


def query_bool(request: Request, name: str) -> bool | None:
    raw = query_str(request, name)
    if raw is None:
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0", ""):
        return False
    raise ApiError.invalid(f"Invalid value for parameter {name}: '{raw[:100]}' is not a boolean.")


# --- paths -----------------------------------------------------------------------------------


def path_int(request: Request, name: str, what: str) -> int:
    """An id in the request's path (the route's group `name`): a 400 INVALID_PARAMETER_VALUE
    naming `what` ("job ID") when it is no 64-bit integer, as the databricks/cli emulator
    answers a job id that does not parse."""
    raw = request.params[name]
    number = parse_int64(raw)
    if number is None:
        raise ApiError.invalid(f"'{raw[:100]}' is not a valid {what}.")
    return number
