"""How long a client may take and how many may be connected: what keeps slow, stalled or too
many clients from holding the server.

Each connection is served by a thread of its own, so a client that connects and sends nothing,
or sends `Content-Length: 10` and then two bytes, would hold a thread for ever. Every read has a
deadline instead (`ConnectionLimits`):

- the first request of a new connection must start within `header_timeout`, and a keep-alive
  connection may wait `idle_timeout` between requests; then it is closed. The SDK's connection
  pool checks that a pooled connection is still open before it reuses one (urllib3
  `HTTPConnectionPool._get_conn`), and the SDK retries a request that meets a connection closed
  under it (databricks-sdk `_BaseClient._is_retryable` retries `requests.ConnectionError` for
  every method), which is safe here: a connection is only closed before the first byte of a
  request arrived;
- a request's line and headers must arrive within `header_timeout` from its first byte, else the
  connection is closed;
- its body must arrive within `body_timeout` from the end of the headers, else it is answered
  408 and the connection closed;
- each write of an answer must go through within `write_timeout` (a client that never reads).

At most `max_connections` are served at once. A connection beyond that takes the place of the one
idle the longest; when every one is in a request, it is answered 429 REQUEST_LIMIT_EXCEEDED with
`Retry-After`, which the SDK waits out and retries, and closed.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading
import time
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["Admission", "ConnectionLimits", "ConnectionSlots", "DeadlineReader", "refuse"]


@dataclass(frozen=True)
class ConnectionLimits:
    """Timeouts in seconds, and the number of connections served at once."""

    max_connections: int = 64
    idle_timeout: float = 60.0
    header_timeout: float = 10.0
    # A 10 MB body takes milliseconds on the loopback interface the server listens on.
    body_timeout: float = 30.0
    write_timeout: float = 30.0
    retry_after_seconds: int = 1


class DeadlineReader(io.RawIOBase):
    """The connection's reads, each bounded by what is left until `deadline` (a
    `time.monotonic()` value; None: no bound). A read past it raises TimeoutError."""

    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self._connection = connection
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        if self.deadline is None:
            self._connection.settimeout(None)
        else:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the client did not send in time")
            self._connection.settimeout(remaining)
        return self._connection.recv_into(buffer)


class Admission(Enum):
    SERVED = "served"
    FULL = "full"  # every slot is in a request: answer 429
    CLOSING = "closing"  # the server stops


class ConnectionSlots:
    """The connections being served, each busy (in a request) or idle since a time, bounded by
    `limit`."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        # connection -> when it became idle (time.monotonic()), None while in a request
        self._open: dict[socket.socket, float | None] = {}
        self._closing = False

    def admit(self, connection: socket.socket) -> Admission:
        """Takes a slot for a new connection, closing the connection idle the longest when
        there is no free one."""
        with self._lock:
            if self._closing:
                return Admission.CLOSING
            if len(self._open) >= self._limit:
                idle = [(since, other) for other, since in self._open.items() if since is not None]
                if not idle:
                    return Admission.FULL
                _, oldest = min(idle, key=lambda entry: entry[0])
                del self._open[oldest]
                # Its thread sees the end of the stream and ends.
                _shut(oldest)
            self._open[connection] = time.monotonic()
            return Admission.SERVED

    def idle(self, connection: socket.socket) -> None:
        """The connection waits for its next request: it may give its slot away."""
        with self._lock:
            if connection in self._open:
                self._open[connection] = time.monotonic()

    def busy(self, connection: socket.socket) -> bool:
        """A request started on the connection; False when its slot was given away meanwhile
        (then it is being closed)."""
        with self._lock:
            if connection not in self._open:
                return False
            self._open[connection] = None
            return True

    def release(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.pop(connection, None)

    def close_all(self) -> None:
        """Closes every connection, and admits none from now on."""
        with self._lock:
            self._closing = True
            connections = list(self._open)
        for connection in connections:
            _shut(connection)


def refuse(connection: socket.socket, retry_after_seconds: int) -> None:
    """Answers 429 on a connection that gets no slot, without waiting for it: the answer is
    small enough for the socket's send buffer."""
    body = json.dumps(
        {
            "error_code": "REQUEST_LIMIT_EXCEEDED",
            "message": "The local workspace is serving as many connections as it allows; "
            "retry later.",
        }
    ).encode()
    head = (
        "HTTP/1.1 429 Too Many Requests\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Retry-After: {retry_after_seconds}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with contextlib.suppress(OSError):
        connection.setblocking(False)
        connection.send(head + body)


def _shut(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
