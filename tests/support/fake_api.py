"""The common part of the fake channel APIs (Telegram, VK, webhook receiver): a real HTTP server on
127.0.0.1 in a daemon thread that records every request and can be told to misbehave.

    fake = FakeTelegram(tokens={"123:abc"}).start()
    fake.url                     -> "http://127.0.0.1:<port>"
    fake.calls                   -> [Call(path, method, headers, body, raw, target)] (a copy, thread-safe)
    fake.fail_next(Fault(...), times=k)   -> the next k requests get that fault instead of the normal answer
    fake.latency = 0.05          -> every answer waits 50 ms (benchmarks)
    fake.sends_by_target()       -> {target id (X-Greenlight-Target header, else the text): count}
    fake.stop()

Reaching them: the outbound guard refuses loopback in every stage; the only way past it is the allow-list
OUTBOUND_ALLOW_PRIVATE. `start()` puts the fake's own 127.0.0.1:<port> on it (os.environ, settings
reset) and `stop()` takes it off again, so webhooks and page fetches reach a running fake and nothing
else on loopback. `allow_outbound` / `forbid_outbound` (or `outbound_allowed(...)`, a context manager)
do the same for any other local server a test points the guard at.

Faults (consumed in order, one per request; the request is ALWAYS recorded first, as a real server
would have received it):
    Fault.status(code, body=dict|bytes, headers={})   answer this instead
    Fault.delay(seconds)                              wait, then answer normally (provokes read timeouts)
    Fault.drop()                                      read the request, then close the connection unanswered
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from chalicelib.core.settings import reset_settings

ALLOW_LIST = "OUTBOUND_ALLOW_PRIVATE"
_allow_lock = threading.Lock()


def _address(where: str) -> str:
    """host:port of a URL ("http://127.0.0.1:5000/x") or of a host:port itself."""
    if "://" in where:
        parts = urlsplit(where)
        host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
        return f"{host}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    return where


def allow_outbound(where: str) -> None:
    """Put a local server (its URL or host:port) on the outbound guard's allow-list."""
    with _allow_lock:
        entries = [e for e in os.environ.get(ALLOW_LIST, "").split(",") if e.strip()]
        os.environ[ALLOW_LIST] = ",".join([*entries, _address(where)])
        reset_settings()


def forbid_outbound(where: str) -> None:
    """Take it off again (one entry: a server put on twice stays on once)."""
    with _allow_lock:
        entries = [e for e in os.environ.get(ALLOW_LIST, "").split(",") if e.strip()]
        address = _address(where)
        if address in entries:
            entries.remove(address)
        os.environ[ALLOW_LIST] = ",".join(entries)
        reset_settings()


@contextlib.contextmanager
def outbound_allowed(*where: str):
    for one in where:
        allow_outbound(one)
    try:
        yield
    finally:
        for one in where:
            forbid_outbound(one)


@dataclass
class Call:
    path: str
    method: str
    headers: dict
    body: dict
    raw: bytes
    target: str | None = None
    at: float = field(default_factory=time.time)

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Fault:
    kind: str  # status | delay | drop
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)
    seconds: float = 0.0

    @classmethod
    def of_status(cls, status: int, body: object = None, headers: dict | None = None) -> "Fault":
        return cls("status", status=status, body=body, headers=headers or {})

    @classmethod
    def delay(cls, seconds: float) -> "Fault":
        return cls("delay", seconds=seconds)

    @classmethod
    def drop(cls) -> "Fault":
        return cls("drop")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A real API takes many connections at once; socketserver's default backlog of 5 refuses (or
    # delays by a SYN retry) the 65th of 64 concurrent senders in the concurrency test.
    request_queue_size = 256


class FakeAPI:
    """Subclasses implement `answer(call) -> (status, body dict|bytes, headers)` and may override
    `target_of(call)`."""

    def __init__(self):
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._faults: list[Fault] = []
        self.latency = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                fake._handle(self, "POST")

            def do_GET(self):
                fake._handle(self, "GET")

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self):
        self.thread.start()
        allow_outbound(self.address)
        self._allowed = True
        return self

    def stop(self) -> None:
        if getattr(self, "_allowed", False):
            self._allowed = False
            forbid_outbound(self.address)
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def address(self) -> str:
        """127.0.0.1:<port>, as the outbound guard's allow-list names it."""
        return f"127.0.0.1:{self.server.server_address[1]}"

    # --- knobs and records --------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._faults.clear()

    def fail_next(self, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def sends_by_target(self) -> Counter:
        with self._lock:
            return Counter(c.target for c in self._calls)

    def target_of(self, call: Call) -> str | None:
        return call.header("X-Greenlight-Target") or call.body.get("text") or call.body.get("message")

    def answer(self, call: Call):  # pragma: no cover - abstract
        raise NotImplementedError

    # --- serving ------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, verb: str) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip()
        body: dict = {}
        if content_type == "application/json" and raw:
            try:
                loaded = json.loads(raw)
                body = loaded if isinstance(loaded, dict) else {"_": loaded}
            except ValueError:
                body = {}
        elif raw:
            body = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        body.update({k: v[0] for k, v in parse_qs(parts.query).items() if k not in body})
        call = Call(parts.path, verb, dict(request.headers.items()), body, raw)
        call.target = self.target_of(call)
        with self._lock:
            self._calls.append(call)
            fault = self._faults.pop(0) if self._faults else None
        if self.latency:
            time.sleep(self.latency)
        if fault is not None and fault.kind == "drop":
            # Received, processed as far as the client can tell, never answered: reset the connection.
            request.close_connection = True
            try:
                request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            return
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
            fault = None
        if fault is not None:
            status, data, headers = fault.status, fault.body, fault.headers
        else:
            status, data, headers = self.answer(call)
        self._send(request, status, data, headers)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, data, headers: dict | None) -> None:
        headers = dict(headers or {})
        if isinstance(data, (dict, list)) or data is None:
            payload = json.dumps(data if data is not None else {}).encode()
            headers.setdefault("Content-Type", "application/json")
        else:
            payload = data if isinstance(data, bytes) else str(data).encode()
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
        try:
            request.send_response(status)
            for key, value in headers.items():
                request.send_header(key, str(value))
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass
