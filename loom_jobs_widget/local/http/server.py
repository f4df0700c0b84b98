"""The local workspace's HTTP front: loopback only, bearer-token auth, dispatch, error shapes.

Every answer is what a Databricks workspace would send: a JSON body, and on failure the REST
error envelope `{"error_code": ..., "message": ...}` with the status the SDK maps to the right
exception. Nothing that goes wrong inside a handler reaches the client as a traceback: an
exception that is no `ApiError` is answered as the server's `errors` function says (the engine's
refusals), and any other is logged here and answered as a bare 500.

Slow, stalled and too many clients are bounded by `connections` (read deadlines, a bound on the
connections served at once).

This module knows no endpoint; `LocalWorkspace` hands it a `RouteTable` of the `api` resources.
"""

from __future__ import annotations

import hmac
import io
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from loom_jobs_widget.local.http.connections import (
    Admission,
    ConnectionLimits,
    ConnectionSlots,
    DeadlineReader,
    refuse,
)
from loom_jobs_widget.local.http.messages import ApiError, RawResponse, Request
from loom_jobs_widget.local.http.params import parse_int64
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
        limits: ConnectionLimits | None = None,
    ) -> None:
        self._routes = routes
        self._errors = errors
        self._token = token.encode()
        self._host_metadata = host_metadata
        self._httpd = _Server(("127.0.0.1", port), _Handler, limits or ConnectionLimits())
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
        self._httpd.slots.close_all()
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
    # Connections waiting to be accepted; the slots bound those served.
    request_queue_size = 64
    app: HttpServer

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        limits: ConnectionLimits,
    ) -> None:
        super().__init__(address, handler)
        self.limits = limits
        self.slots = ConnectionSlots(limits.max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        admission = self.slots.admit(request)
        if admission is not Admission.SERVED:
            if admission is Admission.FULL:
                refuse(request, self.limits.retry_after_seconds)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.slots.release(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Logged, not printed to stderr as socketserver does. A client that went away while it
        # was answered is no fault of the server's.
        if isinstance(sys.exc_info()[1], OSError):
            _LOG.debug("connection from %s ended early", client_address, exc_info=True)
        else:
            _LOG.exception("connection from %s failed", client_address)


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
        # Reads with deadlines, in place of the socket file the base class made.
        self.rfile.close()
        self._reader = DeadlineReader(self.connection)
        self._input = io.BufferedReader(self._reader)
        self.rfile = self._input
        self._requests = 0
        self._response_headers: Mapping[str, str] = {}

    def handle_one_request(self) -> None:
        limits = self.server.limits
        slots = self.server.slots
        # A new connection's first request comes at once; later ones may come after a pause.
        wait = limits.idle_timeout if self._requests else limits.header_timeout
        self._requests += 1
        slots.idle(self.connection)
        self._reader.deadline = time.monotonic() + wait
        try:
            arrived = bool(self._input.peek(1))
        except OSError:  # the wait ran out (TimeoutError), or the client reset the connection
            arrived = False
        if not slots.busy(self.connection) or not arrived:
            self.close_connection = True
            return
        self._reader.deadline = time.monotonic() + limits.header_timeout
        self._response_headers = {}
        # Reads the request line and headers under that deadline, and closes the connection
        # when it runs out; then calls do_<METHOD>.
        super().handle_one_request()

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
        path, query = _split_target(self.path)
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
            body = self._body(length)
            if body is None:
                return
            request = Request(
                method=self.command,
                path=path,
                query=parse_qs(query, keep_blank_values=True),
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
        self._response_headers = request.response_headers
        if isinstance(answer, RawResponse):
            self._send(answer.status, answer.body, answer.content_type)
        else:
            self._send_json(200, dict(answer) if answer is not None else {})

    def _body(self, length: int) -> bytes | None:
        """The request's body, read within the body deadline; None when it did not all come (the
        client was answered 408, or is gone), and the connection is then closed."""
        if length == 0:
            return b""
        self._reader.deadline = time.monotonic() + self.server.limits.body_timeout
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            self.close_connection = True
            seconds = self.server.limits.body_timeout
            error = ApiError(
                408,
                "BAD_REQUEST",
                f"The request's body did not arrive within {seconds:g} seconds.",
            )
            self._send_json(error.status, error.body())
            return None
        except OSError:
            body = b""
        if len(body) < length:  # the client closed the connection: no one to answer
            self.close_connection = True
            return None
        return body

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The base class answers a malformed request line, a method no handler has and oversized
        # headers itself, with an HTML page; a workspace answers the REST error envelope.
        if code == HTTPStatus.NOT_IMPLEMENTED:
            path = _split_target(self.path)[0] if isinstance(self.path, str) else ""
            error = ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{self.command} {path}'")
        elif code >= 500:
            # 505 for "HTTP/2.0" in the request line: the client's fault, not the server's.
            error = ApiError(400, "BAD_REQUEST", message or HTTPStatus(code).phrase)
        else:
            error = ApiError(code, "BAD_REQUEST", message or HTTPStatus(code).phrase)
        self.close_connection = True
        # A request line the base class could not read leaves it at HTTP/0.9, which would send
        # the answer with no status line; no client of this API speaks HTTP/0.9.
        self.request_version = "HTTP/1.1"
        self._send_json(error.status, error.body())

    def _content_length(self) -> int:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            # No client of the REST API streams bodies; refusing keeps the size check simple.
            self.close_connection = True
            raise ApiError(411, "BAD_REQUEST", "A request body needs a Content-Length.")
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        # RFC 9110: 1*DIGIT. int() would also take "+5", "5_0" and non-ASCII digits.
        length = parse_int64(raw.strip(" \t"))
        if length is None or length < 0:
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
        # A client that does not read its answer holds the thread no longer than this.
        self.connection.settimeout(self.server.limits.write_timeout)
        self.send_response(status, HTTPStatus(status).phrase if status in _PHRASES else None)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status < 400:
            for name, value in self._response_headers.items():
                self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _split_target(target: str) -> tuple[str, str]:
    """The path and the query string of a request target. The origin form (`/api/...?q`) is
    split as it is, so that `//host/api/...` is a path rather than a host; the absolute form
    (`http://host/api/...`) is parsed."""
    if not target.startswith("/"):
        try:
            parts = urlsplit(target)
        except ValueError:  # an invalid IPv6 host
            return target, ""
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path.partition("#")[0], query.partition("#")[0]


_PHRASES: Final = frozenset(status.value for status in HTTPStatus)
