"""A hostile HTTP receiver on 127.0.0.1 that answers too slowly to ever finish (tests of the outbound
guard's deadline). Raw sockets, so that it can misbehave where http.server cannot:

    with DripServer("body") as drip:       # status line and headers at once, then 1 body byte per interval
        drip.url + "/hook"
        drip.requests                      # how many requests it has read in full (headers and body)
    DripServer("headers")                  # the status line, then one header byte per interval
    DripServer("silent")                   # reads the request (or a TLS hello) and never answers
    DripServer("big", size=1 << 20)        # a fast answer, `size` bytes of JSON-ish body

A connection drips until the client goes away, the server stops, or `lifetime` seconds pass (so a
guard that does not give up fails its test instead of hanging the run). While it runs its address is on
the outbound guard's allow-list (tests/support/fake_api.allow_outbound), as the fakes' are.
"""
from __future__ import annotations

import socket
import threading
import time

from tests.support.fake_api import allow_outbound, forbid_outbound

MODES = ("body", "headers", "silent", "big")


class DripServer:
    def __init__(self, mode: str = "body", *, interval: float = 0.3, lifetime: float = 60.0, size: int = 0):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode, self.interval, self.lifetime, self.size = mode, interval, lifetime, size
        self.requests = 0
        self._allowed = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept, daemon=True, name=f"drip-{mode}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def start(self) -> DripServer:
        self._thread.start()
        allow_outbound(self.url)
        self._allowed = True
        return self

    def stop(self) -> None:
        if self._allowed:
            self._allowed = False
            forbid_outbound(self.url)
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def __enter__(self) -> DripServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- serving ---------------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        until = time.monotonic() + self.lifetime
        with conn:
            try:
                if not self._read_request(conn, until):
                    return
                if self.mode == "big":
                    body = b'{"id": "' + b"x" * max(self.size - 10, 0) + b'"}'
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
                    self._wait_for_close(conn, until)
                    return
                if self.mode == "body":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 1000000\r\n\r\n")
                elif self.mode == "headers":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                while not self._stop.wait(self.interval) and time.monotonic() < until:
                    if self.mode != "silent":
                        conn.sendall(b" " if self.mode == "body" else b"a")
            except OSError:  # the client gave up: what it is supposed to do
                return

    def _receive(self, conn: socket.socket, data: bytes, done, until: float) -> bytes | None:
        """Read until done(data); None when the peer closed, the server stops or time is up."""
        while not done(data):
            if self._stop.is_set() or time.monotonic() >= until:
                return None
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return None
            data += chunk
        return data

    def _read_request(self, conn: socket.socket, until: float) -> bool:
        """Read one request (headers + Content-Length body); counted when read in full. In "silent" mode
        a TLS hello never completes a request, which is fine: the server stays silent either way."""
        conn.settimeout(0.2)
        data = self._receive(conn, b"", lambda got: b"\r\n\r\n" in got, until)
        if data is None:
            return False
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip() or 0)
        if self._receive(conn, body, lambda got: len(got) >= length, until) is None:
            return False
        with self._lock:
            self.requests += 1
        return True

    def _wait_for_close(self, conn: socket.socket, until: float) -> None:
        while not self._stop.is_set() and time.monotonic() < until:
            try:
                if not conn.recv(65536):
                    return
            except TimeoutError:
                continue
