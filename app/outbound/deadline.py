"""One time limit for a whole HTTP fetch: resolving, connecting, the TLS handshake and every read.

Socket timeouts bound each read, so a server that sends a byte just before each one runs out
can hold a fetch for ever. A `Deadline` is a timer that, when it fires, shuts down every socket
the fetch opened: whatever read is blocked returns at once, and `check` then raises
`DeadlinePassed`, so a body cut short by the deadline is never taken for a whole one.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection


class DeadlinePassed(TimeoutError):
    """The fetch did not finish within its deadline."""


class Deadline:
    """A total time limit; use it as a context manager around the fetch."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()

    def check(self) -> None:
        """Raise DeadlinePassed once the deadline has passed."""
        if self.expired or time.monotonic() >= self.ends:
            raise DeadlinePassed(f"took longer than {self.seconds:g} s")

    def remaining(self) -> float:
        """Seconds left (raises when none are)."""
        self.check()
        return max(self.ends - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        """Shut this socket down when the deadline passes (at once if it has)."""
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


class _WatchedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # the raw socket: shutting it down ends a TLS handshake too
        self.deadline.watch(sock)
        return sock


class WatchedHTTPPool(urllib3.HTTPConnectionPool):
    """A connection pool whose sockets a Deadline (the `deadline` keyword) shuts down."""

    ConnectionCls = _WatchedHTTPConnection


class WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    """The https form of WatchedHTTPPool."""

    ConnectionCls = _WatchedHTTPSConnection
