"""What a handler reads and answers: the `Request`, a `RawResponse`, and `ApiError`, the REST
error envelope `{"error_code": ..., "message": ...}` with the status the SDK maps to the right
exception."""

from __future__ import annotations

import json
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
        value = json.loads(body)
    except (ValueError, RecursionError) as exc:
        # ValueError covers JSONDecodeError and undecodable bytes; deep nesting recurses.
        raise ApiError.malformed(f"Could not parse request object: {_short(exc)}") from None
    if not isinstance(value, dict):
        # The text a workspace answers for `[]`, `"x"`, `1` as a body.
        raise ApiError.malformed("Invalid JSON given in the body of the request - expected a map")
    return value


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "..."
