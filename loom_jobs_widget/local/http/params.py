"""Typed reading of request fields, with the errors a workspace gives for wrong input.

Bodies are proto3 JSON on a workspace, so the same leniencies apply here: `null` means "not
given", and an int64 may come as a decimal string. A field of the wrong JSON type is a 400
MALFORMED_REQUEST worded like the real one ("Could not parse request object: Expected object for
field notebook_params, found STRING"); a missing required field is INVALID_PARAMETER_VALUE.
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
    "json_type",
    "query_bool",
    "query_int",
    "query_require_int",
    "query_str",
    "require_int",
]

_INT: Final = re.compile(r"-?\d{1,19}")
_INT64: Final = range(-(2**63), 2**63)
_T = TypeVar("_T")


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


# --- bodies ----------------------------------------------------------------------------------


def body_int(body: Mapping[str, Any], name: str, *, required: bool = False) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT.fullmatch(value.strip()):
        number = int(value)
    else:
        raise _wrong_type(name, "integer", value)
    if number not in _INT64:
        raise ApiError.malformed(f"Could not parse request object: {name} is out of range")
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
    if not _INT.fullmatch(raw.strip()) or int(raw) not in _INT64:
        raise ApiError.invalid(
            f"Invalid value for parameter {name}: '{raw[:100]}' is not an integer."
        )
    return int(raw)


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
