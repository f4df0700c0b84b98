"""Slow, stalled and too many clients cannot hold the server: every read has a deadline, the
connections served at once are bounded, and the SDK keeps working through all of it.

Most tests run a server of their own with short limits (the real `HttpServer`, the real identity
routes, the real SDK); the last one runs the workspace's own server with its defaults.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

from loom_jobs_widget.local import LocalWorkspace
from loom_jobs_widget.local.api import IdentityApi
from loom_jobs_widget.local.http import ConnectionLimits, HttpServer, RouteTable

from ..helpers import client

TOKEN = "dapi-slow-clients"
LIMITS = ConnectionLimits(
    max_connections=4,
    idle_timeout=1.0,
    header_timeout=0.5,
    body_timeout=0.5,
    write_timeout=1.0,
)
# How long a test waits for the server to close a connection: the timeouts above, and slack for
# a loaded machine.
CLOSE_WITHIN = 5.0


def start_server(limits: ConnectionLimits) -> HttpServer:
    server = HttpServer(
        RouteTable(IdentityApi().routes()),
        TOKEN,
        lambda: {"workspace_id": "1"},
        limits=limits,
    )
    server.start()
    return server


@pytest.fixture
def server() -> Iterator[HttpServer]:
    started = start_server(LIMITS)
    yield started
    started.stop()


def sdk(port: int) -> WorkspaceClient:
    config = Config(
        host=f"http://127.0.0.1:{port}", token=TOKEN, auth_type="pat", retry_timeout_seconds=20
    )
    return WorkspaceClient(config=config)


def connect(port: int, sent: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=CLOSE_WITHIN)
    if sent:
        sock.sendall(sent)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection; a socket.timeout (a test
    failure) when it keeps it open longer than CLOSE_WITHIN."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


PARTIAL_HEADERS = b"GET /api/2.0/preview/scim/v2/Me HTTP/1.1\r\nHost: x\r\n"


def test_a_connection_that_sends_nothing_is_closed(server: HttpServer) -> None:
    with connect(server.port) as sock:
        assert read_until_closed(sock) == b""


def test_headers_that_stop_coming_close_the_connection(server: HttpServer) -> None:
    with connect(server.port, PARTIAL_HEADERS) as sock:
        assert read_until_closed(sock) == b""


def test_a_body_that_stops_coming_is_answered_408(server: HttpServer) -> None:
    request = (
        b"POST /api/2.0/preview/scim/v2/Me HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
        b"Content-Length: 10\r\n\r\n{}"
    )
    with connect(server.port, request) as sock:
        reply = read_until_closed(sock)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert b"Connection: close" in head
    assert json.loads(body)["error_code"] == "BAD_REQUEST"


def test_stalled_clients_do_not_delay_an_sdk_request(server: HttpServer) -> None:
    w = sdk(server.port)
    with ExitStack() as stack:
        stalled = [
            stack.enter_context(connect(server.port, sent))
            for sent in (b"", PARTIAL_HEADERS, b"", PARTIAL_HEADERS)
        ]
        # Four stalled connections fill every slot: two idle (taken over at once), two in a
        # request (429 to the SDK, which retries once their headers time out).
        assert w.current_user.me().user_name == "local-user@localhost"
        for sock in stalled:
            assert read_until_closed(sock) == b""
    assert w.current_user.me().user_name == "local-user@localhost"


def test_beyond_the_bound_a_connection_gets_429_in_the_error_shape(server: HttpServer) -> None:
    with ExitStack() as stack:
        for _ in range(LIMITS.max_connections):
            stack.enter_context(connect(server.port, PARTIAL_HEADERS))
        time.sleep(0.1)  # the server has accepted them
        request = b"GET /api/2.0/preview/scim/v2/Me HTTP/1.1\r\nHost: x\r\n\r\n"
        with connect(server.port, request) as sock:
            reply = read_until_closed(sock)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 429")
    assert b"Retry-After: 1" in head
    assert set(json.loads(body)) == {"error_code", "message"}
    assert json.loads(body)["error_code"] == "REQUEST_LIMIT_EXCEEDED"


def test_the_connection_idle_the_longest_gives_its_place_to_a_new_one() -> None:
    # Timeouts long enough that only the bound can close a connection here.
    patient = ConnectionLimits(max_connections=2, idle_timeout=60, header_timeout=60)
    server = start_server(patient)
    try:
        with connect(server.port) as oldest, connect(server.port) as newer:
            time.sleep(0.1)
            request = (
                b"GET /api/2.0/preview/scim/v2/Me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Authorization: Bearer " + TOKEN.encode() + b"\r\n\r\n"
            )
            with connect(server.port, request) as third:
                assert read_until_closed(third).startswith(b"HTTP/1.1 200")
            assert read_until_closed(oldest) == b""
            newer.settimeout(0.3)
            with pytest.raises(socket.timeout):  # still open
                newer.recv(1)
            assert sdk(server.port).current_user.me().user_name == "local-user@localhost"
    finally:
        server.stop()


def test_the_sdk_reconnects_when_an_idle_keep_alive_connection_was_closed(
    server: HttpServer,
) -> None:
    w = sdk(server.port)
    assert w.current_user.me().user_name == "local-user@localhost"
    time.sleep(LIMITS.idle_timeout + 0.5)  # the server closed the pooled connection
    for _ in range(3):
        assert w.current_user.me().user_name == "local-user@localhost"


def test_the_workspace_serves_the_sdk_beside_stalled_clients(lw: LocalWorkspace) -> None:
    port = int(lw.host.rsplit(":", 1)[1])
    w = client(lw)
    request = (
        b"POST /api/2.2/jobs/create HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + lw.token.encode() + b"\r\n"
        b"Content-Length: 10\r\n\r\n{}"
    )
    with ExitStack() as stack:
        for sent in (b"", PARTIAL_HEADERS, request) * 4:
            stack.enter_context(connect(port, sent))
        started = time.monotonic()
        jobs = w.api_client.do("GET", "/api/2.2/jobs/list", query={"limit": 1})
        assert isinstance(jobs, dict)
        # Served by a free slot, not after the stalled ones' timeouts (10 s and more).
        assert time.monotonic() - started < 5
