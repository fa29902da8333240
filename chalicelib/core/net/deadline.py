"""One deadline over a whole HTTP request (connect, TLS, send, status line, headers, body) and a cap on
the bytes read back — the time machinery behind core/net/guard.py, which says what the limits are.

requests' timeouts count per socket operation, so a peer sending a byte just under the read timeout
could hold a request for minutes. Here each operation's timeout is cut to the time left, the body is
read in chunks with the deadline checked between them, and a timer shuts the socket down at the
deadline, which ends a read blocked anywhere (a status line or headers dripped byte by byte included).
Our urllib3 connections (`Adapter`) tell the running request's `Deadline` which socket it uses and
when its first byte is written, so a failure can be told apart: nothing sent (Refused) or maybe
sent (Ambiguous).
"""
from __future__ import annotations

import socket
import threading
import time
from typing import Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError

from chalicelib.core.net.outcomes import Ambiguous, Refused

_CHUNK = 4096
_local = threading.local()  # the calling thread's running Deadline


class Deadline:
    """One request's time limit over DNS + connect + send + headers + body.

    The connections below report to it (through `running()`, the calling thread's request) which
    socket the request uses and when its first byte is written; a timer shuts that socket down when
    the time is up, which wakes a read blocked anywhere. `finish()` ends it (idempotent)."""

    def __init__(self, seconds: float, timeouts: Callable[[], tuple[float, float]],
                 classify: Callable[[Exception, str], Refused | Ambiguous]):
        self.seconds = seconds
        self._timeouts, self._classify = timeouts, classify
        self.expired = False  # the time ran out before finish()
        self.attached = False  # one of our connections took part: `sent` can be trusted
        self.sent = False  # a byte of the request may have been written
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._conn: HTTPConnection | None = None
        self._sock: socket.socket | None = None
        self._finished = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.name, self._timer.daemon = "guard-deadline", True
        self._timer.start()

    def left(self) -> float:
        return self._end - time.monotonic()

    def timeouts(self) -> tuple[float, float]:
        """(connect, read) per socket operation: never longer than the time left."""
        left = max(self.left(), 0.01)
        connect, read = self._timeouts()
        return (min(connect, left), min(read, left))

    def attach(self, conn: HTTPConnection, *, sending: bool = False) -> None:
        with self._lock:
            if self.expired:  # nothing written yet: the caller's request fails as not sent
                raise ConnectTimeoutError(conn, f"no connection within {self.seconds:g} s")
            self._conn, self.attached = conn, True
            self.sent = self.sent or sending

    def hold(self, sock: socket.socket | None) -> None:
        """Keep the socket the answer is read from: http.client may drop `conn.sock` before the body."""
        with self._lock:
            self._sock = sock or self._sock

    def tighten(self) -> None:
        """The next read waits no longer than the time left."""
        sock = self._socket()
        if sock is not None:
            try:
                sock.settimeout(max(min(self._timeouts()[1], self.left()), 0.01))
            except OSError:
                pass

    def next_hop(self) -> None:
        """A new request of the same chain (a redirect followed) begins under this deadline: what the
        previous one attached and sent no longer says anything about this one."""
        with self._lock:
            self._conn, self._sock = None, None
            self.attached = self.sent = False

    def finish(self) -> bool:
        """Stop the timer; True if the time ran out first."""
        with self._lock:
            self._finished = True
        self._timer.cancel()
        return self.expired

    def outcome(self, exc: Exception, what: str) -> Refused | Ambiguous:
        """What a failed request means, knowing whether anything of it was written."""
        if self.expired:
            if self.sent:
                return Ambiguous(f"{what}: no complete answer within {self.seconds:g} s after the request was sent")
            return Refused(f"{what}: no connection within {self.seconds:g} s (nothing sent)")
        outcome = self._classify(exc, what)
        if isinstance(outcome, Ambiguous) and self.attached and not self.sent:
            return Refused(f"{what}: connection failed before the request was sent ({type(exc).__name__}; "
                           "nothing sent)")
        return outcome

    def _socket(self) -> socket.socket | None:
        sock = getattr(self._conn, "sock", None)
        return sock if sock is not None else self._sock

    def _expire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.expired = True
            sock = self._socket()
            if sock is not None:
                try:  # the plain socket's shutdown: SSLSocket.shutdown would unwrap under a reading thread
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass


def running() -> Deadline | None:
    return getattr(_local, "deadline", None)


class _Watched:
    """Mixed into urllib3's connections: tells the running request's deadline which connection it
    uses and when a byte of the request is first written (everything goes out through `send`)."""

    sock: socket.socket | None

    def connect(self) -> None:
        deadline = running()
        if deadline is not None:
            deadline.attach(self)  # type: ignore[arg-type]
        super().connect()  # type: ignore[misc]
        if deadline is not None and deadline.expired:  # ran out during connect or the TLS handshake
            self.close()  # type: ignore[attr-defined]
            raise ConnectTimeoutError(self, f"no connection within {deadline.seconds:g} s")

    def send(self, data) -> None:
        if self.sock is None:
            self.connect()
        deadline = running()
        if deadline is not None:
            deadline.attach(self, sending=True)  # type: ignore[arg-type]
        super().send(data)  # type: ignore[misc]

    def getresponse(self):
        deadline = running()
        if deadline is not None:
            deadline.hold(self.sock)
        return super().getresponse()  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class Adapter(HTTPAdapter):
    """requests' adapter with our connections (and no retries)."""

    _pools = {"http": _HTTPPool, "https": _HTTPSPool}

    def __init__(self, **kwargs):
        super().__init__(max_retries=0, **kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):  # not SOCKS, which has its own connections
            manager.pool_classes_by_scheme = self._pools
        return manager


def exchange(session: requests.Session, url: str, *, deadline: Deadline, what: str, limit: int,
             method: str = "POST", finish: bool = True, **kwargs) -> requests.Response:
    """Send (POST, or GET) within `deadline`, read at most `limit` bytes of the answer; the response comes
    back with its body read (`.content`) and its connection released. Raises Refused or Ambiguous.
    `finish=False`: more requests follow under the same deadline (a chain of redirects); the caller
    finishes it."""
    outer, _local.deadline = running(), deadline
    try:
        try:
            response = session.request(method, url, timeout=deadline.timeouts(), allow_redirects=False, stream=True,
                                       **kwargs)
        except Exception as exc:
            if deadline.expired or isinstance(exc, requests.RequestException):
                raise deadline.outcome(exc, what) from None
            raise
        content, ended = read_body(response, deadline, limit)
        expired = deadline.finish() if finish else deadline.expired
        if ended == "time" or (expired and ended != "cap"):
            response.close()
            raise Ambiguous(f"{what}: no complete answer within {deadline.seconds:g} s after the request was sent")
        if ended != "eof":  # unread bytes are left on the connection: it cannot be reused
            response.raw.close()
        response._content, response._content_consumed = content, True
        response.close()
        return response
    finally:
        _local.deadline = outer
        if finish:
            deadline.finish()


def read_body(response: requests.Response, deadline: Deadline, limit: int) -> tuple[bytes, str]:
    """(body, how reading ended): "eof" (all of it), "cap" (the first `limit` bytes of a longer one),
    "time" (the deadline or a read timeout came first) or "broken" (the peer broke it off: b"")."""
    parts: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            if deadline.left() <= 0:
                return b"".join(parts), "time"
            deadline.tighten()
            chunk = response.raw.read1(min(_CHUNK, limit + 1 - size), decode_content=True)
            if not chunk:
                return b"".join(parts), "eof"
            parts.append(chunk)
            size += len(chunk)
    except (ReadTimeoutError, TimeoutError):  # urllib3's, and the socket's
        return b"".join(parts), "time"
    except Exception:  # noqa: BLE001 - a broken body after the status line: the status still stands
        return b"", "broken"
    return b"".join(parts)[:limit], "cap"
