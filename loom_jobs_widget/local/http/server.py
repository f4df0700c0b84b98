"""The local workspace's HTTP front: loopback only, bearer-token auth, dispatch, error shapes.

Every answer is what a Databricks workspace would send: a JSON body, and on failure the REST
error envelope `{"error_code": ..., "message": ...}` with the status the SDK maps to the right
exception. Nothing that goes wrong inside a handler reaches the client as a traceback: an
exception that is no `ApiError` is answered as the server's `errors` function says (the engine's
refusals), and any other is logged here and answered as a bare 500.

This module knows no endpoint; `LocalWorkspace` hands it a `RouteTable` of the `api` resources.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import threading
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from loom_jobs_widget.local.http.messages import ApiError, RawResponse, Request
from loom_jobs_widget.local.http.routes import RouteTable

__all__ = ["MAX_BODY_BYTES", "ErrorAnswer", "HttpServer"]

_LOG = logging.getLogger(__name__)

# The Jobs API's documented request limit ("The maximum allowed size of a request is 10MB"); the
# workspace API uses the same 10485760 bytes for imports.
MAX_BODY_BYTES: Final = 10 * 1024 * 1024

_WELL_KNOWN_PATH: Final = "/.well-known/databricks-config"

# The answer to an exception a handler raised that is no ApiError; None for a bug (a bare 500).
ErrorAnswer = Callable[[Exception], "ApiError | None"]


def _no_answer(_: Exception) -> ApiError | None:
    return None


class HttpServer:
    """A ThreadingHTTPServer on 127.0.0.1 that authenticates, routes and shapes answers."""

    def __init__(
        self,
        routes: RouteTable,
        token: str,
        host_metadata: Callable[[], Mapping[str, Any]],
        port: int = 0,
        *,
        errors: ErrorAnswer = _no_answer,
    ) -> None:
        self._routes = routes
        self._errors = errors
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
        handler, params = self._routes.resolve(request.method, request.path)
        request.params = params
        return handler(request)

    def answer_for(self, error: Exception) -> ApiError | None:
        return self._errors(error)

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
            if self.command == "GET" and path == _WELL_KNOWN_PATH:
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
        except Exception as exc:
            known = app.answer_for(exc)
            if known is not None:
                self._send_json(known.status, known.body())
                return
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
