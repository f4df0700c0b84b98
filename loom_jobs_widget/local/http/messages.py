"""What a handler reads and answers: the `Request`, a `RawResponse`, and `ApiError`, the REST
error envelope `{"error_code": ..., "message": ...}` with the status the SDK maps to the right
exception."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from email.message import Message
from typing import Any, Final

__all__ = ["ApiError", "RawResponse", "Request"]


class ApiError(Exception):
    """An error answer: HTTP status, Databricks `error_code`, human message."""

    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message

    @classmethod
    def invalid(cls, message: str) -> ApiError:
        """400 INVALID_PARAMETER_VALUE: the Jobs API's answer to most bad input."""
        return cls(400, "INVALID_PARAMETER_VALUE", message)

    @classmethod
    def malformed(cls, message: str) -> ApiError:
        """400 MALFORMED_REQUEST: a body that is no JSON object, or a field of the wrong type."""
        return cls(400, "MALFORMED_REQUEST", message)

    @classmethod
    def not_found(cls, message: str) -> ApiError:
        return cls(404, "RESOURCE_DOES_NOT_EXIST", message)

    def body(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message}


@dataclass(frozen=True)
class RawResponse:
    """A non-JSON answer (workspace export with direct_download)."""

    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200


@dataclass
class Request:
    """One API call, as the handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # named groups of the route pattern
    # Headers the handler adds to its answer (jobs/get's ETag); sent with a successful answer only.
    response_headers: dict[str, str] = field(default_factory=dict)
    _json: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def api_version(self) -> str:
        """`2.1`, `2.2`, ... from `/api/<version>/...`; "" for other paths."""
        match = _API_VERSION.match(self.path)
        return match.group(1) if match else ""

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; an empty body is `{}`."""
        if self._json is None:
            self._json = _parse_json_object(self.body)
        return self._json


_API_VERSION: Final = re.compile(r"^/api/(\d+\.\d+)/")


def _parse_json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        # Strict UTF-8: json.loads(bytes) would also take UTF-16 and encoded surrogates.
        text = body.decode("utf-8-sig")
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError and undecodable bytes; deep nesting recurses.
        raise ApiError.malformed(f"Could not parse request object: {_short(exc)}") from None
    if _too_deep(text, value):
        raise ApiError.malformed(
            f"Could not parse request object: it is nested deeper than {_MAX_DEPTH} levels"
        )
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        # A `\ud800` escape alone is no character: it could not be stored as UTF-8 (SQLite,
        # files), nor sent back in an answer.
        raise ApiError.malformed(
            "Could not parse request object: a string holds a lone UTF-16 surrogate escape"
        )
    if not isinstance(value, dict):
        # The text a workspace answers for `[]`, `"x"`, `1` as a body.
        raise ApiError.malformed("Invalid JSON given in the body of the request - expected a map")
    return value


_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATES: Final = re.compile("[\ud800-\udfff]")


# protobuf's JSON parser stops at 100 levels (JsonFormat.Parser's default recursion limit); no
# request of the API comes near, and every reader of a body (models, the store's json.dumps)
# then stays far from Python's recursion limit.
_MAX_DEPTH: Final = 100


def _too_deep(text: str, value: Any) -> bool:
    """Whether `value` (parsed from `text`) nests objects and arrays over _MAX_DEPTH levels."""
    if not isinstance(value, (dict, list)) or text.count("[") + text.count("{") <= _MAX_DEPTH:
        return False
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= _MAX_DEPTH:
                    return True
                pending.append((child, depth + 1))
    return False


def _no_constant(name: str) -> Any:
    # NaN and Infinity are no JSON; Python's parser takes them unless told not to.
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"the number {text[:50]} is out of range")
    return number


def _has_lone_surrogate(value: Any) -> bool:
    """Whether a string anywhere in `value` (keys too) holds a lone surrogate. Iterative: the
    value may be as deep as the parser allowed."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATES.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "..."
