"""The local workspace's HTTP front: loopback only, bearer-token auth, routing, error shapes.

Every answer is what a Databricks workspace would send: a JSON body, and on failure the REST
error envelope `{"error_code": ..., "message": ...}` with the status the SDK maps to the right
exception. Nothing that goes wrong inside a handler reaches the client as a traceback: an
unexpected exception is logged here and answered as a bare 500.

This module knows no endpoint; `LocalWorkspace` hands it a `Router` filled by the `*_api` modules.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "MAX_BODY_BYTES",
    "ApiError",
    "HttpServer",
    "RawResponse",
    "Request",
    "Router",
]

_LOG = logging.getLogger(__name__)

# The Jobs API's documented request limit ("The maximum allowed size of a request is 10MB"); the
# workspace API uses the same 10485760 bytes for imports.
MAX_BODY_BYTES: Final = 10 * 1024 * 1024

WELL_KNOWN_PATH: Final = "/.well-known/databricks-config"


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

    @classmethod
    def invalid_state(cls, message: str) -> ApiError:
        return cls(400, "INVALID_STATE", message)

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
            self._json = parse_json_object(self.body)
        return self._json


_API_VERSION: Final = re.compile(r"^/api/(\d+\.\d+)/")


def parse_json_object(body: bytes) -> dict[str, Any]:
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


Handler = Callable[[Request], "Mapping[str, Any] | RawResponse | None"]


class Router:
    """Method + path pattern -> handler. Patterns are regular expressions matched in full."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern), handler))

    def add_all(self, prefix: str, routes: Iterable[tuple[str, str, Handler]]) -> None:
        """Routes given as (method, pattern after `prefix`, handler)."""
        for method, pattern, handler in routes:
            self.add(method, prefix + pattern, handler)

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        for route_method, pattern, handler in self._routes:
            if route_method != method:
                continue
            match = pattern.fullmatch(path)
            if match is not None:
                return handler, match.groupdict()
        # A known path with another method gets the same answer as an unknown path, as on a
        # workspace: there is no 405 in the Databricks REST API.
        shown = path[len("/api") :] if path.startswith("/api/") else path
        raise ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {shown}'")


class HttpServer:
    """A ThreadingHTTPServer on 127.0.0.1 that authenticates, routes and shapes answers."""

    def __init__(
        self,
        router: Router,
        token: str,
        host_metadata: Callable[[], Mapping[str, Any]],
        port: int = 0,
    ) -> None:
        self._router = router
        self._token = token.encode()
        self._host_metadata = host_metadata
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.app = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name=f"loom-local-http:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        # Keep-alive connections outlive serve_forever: close them, so that a client talking to
        # a stopped workspace sees the connection go rather than answers from a closed store.
        self._httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- called by the request handler

    def authenticated(self, authorization: str | None) -> bool:
        if not authorization:
            return False
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(credential.strip().encode(), self._token)

    def dispatch(self, request: Request) -> Mapping[str, Any] | RawResponse | None:
        handler, params = self._router.resolve(request.method, request.path)
        request.params = params
        return handler(request)

    def host_metadata(self) -> Mapping[str, Any]:
        return self._host_metadata()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Enough for a test suite's or an editor's bursts of parallel requests.
    request_queue_size = 64
    app: HttpServer

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._closing = False

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            if self._closing:
                self.shutdown_request(request)
                return
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            self._closing = True
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "loom-local-workspace"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and delayed
        # ACKs add ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        # The request line only: headers (and so the token) are never logged.
        _LOG.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        app = self.server.app
        parts = urlsplit(self.path)
        path = parts.path
        try:
            if self.command == "GET" and path == WELL_KNOWN_PATH:
                # Asked by the SDK, unauthenticated, while the client is built.
                self._send_json(200, dict(app.host_metadata()))
                return
            length = self._content_length()
            if not app.authenticated(self.headers.get("Authorization")):
                self._refuse_unread(
                    length,
                    ApiError(
                        401,
                        "UNAUTHENTICATED",
                        "Credential was not sent or was of an unsupported type for this API."
                        if not self.headers.get("Authorization")
                        else "Invalid access token.",
                    ),
                )
                return
            if length > MAX_BODY_BYTES:
                self._refuse_unread(
                    length,
                    ApiError(
                        400,
                        "BAD_REQUEST",
                        f"The request is {length} bytes; the limit is {MAX_BODY_BYTES} bytes.",
                    ),
                )
                return
            body = self.rfile.read(length) if length > 0 else b""
            request = Request(
                method=self.command,
                path=path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers=self.headers,
                body=body,
            )
            answer = app.dispatch(request)
        except ApiError as error:
            self._send_json(error.status, error.body())
            return
        except Exception:
            _LOG.exception("%s %s failed", self.command, path)
            self._send_json(
                500,
                {
                    "error_code": "INTERNAL_ERROR",
                    "message": "Internal error in the local workspace.",
                },
            )
            return
        if isinstance(answer, RawResponse):
            self._send(answer.status, answer.body, answer.content_type)
        else:
            self._send_json(200, dict(answer) if answer is not None else {})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The base class answers a malformed request line, a method no handler has and oversized
        # headers itself, with an HTML page; a workspace answers the REST error envelope.
        if code == HTTPStatus.NOT_IMPLEMENTED:
            path = urlsplit(self.path).path if isinstance(self.path, str) else ""
            error = ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{self.command} {path}'")
        else:
            error = ApiError(code, "BAD_REQUEST", message or HTTPStatus(code).phrase)
        self.close_connection = True
        self._send_json(error.status, error.body())

    def _content_length(self) -> int:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            # No client of the REST API streams bodies; refusing keeps the size check simple.
            self.close_connection = True
            raise ApiError(411, "BAD_REQUEST", "A request body needs a Content-Length.")
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise ApiError(400, "BAD_REQUEST", "Invalid Content-Length header.")
        return length

    def _refuse_unread(self, length: int, error: ApiError) -> None:
        # The body is not read, so the connection cannot carry another request.
        if length > 0:
            self.close_connection = True
        self._send_json(error.status, error.body())

    def _send_json(self, status: int, document: Mapping[str, Any]) -> None:
        self._send(status, json.dumps(document).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status, HTTPStatus(status).phrase if status in _PHRASES else None)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


_PHRASES: Final = frozenset(status.value for status in HTTPStatus)
