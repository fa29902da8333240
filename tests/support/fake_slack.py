"""A fake Slack Web API on 127.0.0.1 that answers like Slack and records every call, plus request
signing the way Slack documents it (for POST /slack/interactions tests).

    with FakeSlack(tokens={"xoxb-test"}) as fake:
        fake.base_url          -> "http://127.0.0.1:<port>/api/"  (SLACK_API_BASE_URL)
        fake.response_url("x") -> a response_url the fake accepts
        fake.calls             -> [Call(method, headers, body)]
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response_url" for posts to a response_url
    headers: dict
    body: dict
    path: str = ""


@dataclass
class FakeSlack:
    tokens: set = field(default_factory=lambda: {"xoxb-test-token"})
    emails: dict = field(default_factory=dict)  # email -> Slack member id for users.lookupByEmail
    team_id: str = "T0001"  # the workspace every member and payload here belongs to
    fail: dict = field(default_factory=dict)  # (method, channel or user or "*") -> Slack error code
    calls: list = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle -----------------------------------------------------------------------------
    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/response/{name}"

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # --- answering ------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, verb: str) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip()
        if content_type == "application/json" and raw:
            body = json.loads(raw)
        else:
            body = {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}
        body.update({k: v[0] for k, v in parse_qs(parts.query).items()})
        headers = {k: v for k, v in request.headers.items()}
        if parts.path.startswith("/response/"):
            with self._lock:
                self.calls.append(Call("response_url", headers, body, parts.path))
            self._send(request, 200, b"ok", "text/html")
            return
        if not parts.path.startswith("/api/"):
            self._send(request, 404, b"not found", "text/plain")
            return
        method = parts.path[len("/api/"):]
        with self._lock:
            self.calls.append(Call(method, headers, body, parts.path))
        answer = self._answer(method, headers, body)
        self._send(request, 200, json.dumps(answer).encode(), "application/json; charset=utf-8")

    @staticmethod
    def _send(request, status: int, data: bytes, content_type: str) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _answer(self, method: str, headers: dict, body: dict) -> dict:
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer ") or auth[len("Bearer "):] not in self.tokens:
            return {"ok": False, "error": "invalid_auth"}
        target = body.get("channel") or body.get("users") or body.get("email") or "*"
        error = self.fail.get((method, target)) or self.fail.get((method, "*"))
        if error:
            return {"ok": False, "error": error}
        if method == "users.lookupByEmail":
            member = self.emails.get(body.get("email"))
            if not member:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": {"id": member, "team_id": self.team_id,
                                         "profile": {"email": body.get("email")}}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(body.get("users", "")).lstrip("U")}}
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return {"ok": True, "channel": body.get("channel"), "ts": ts,
                    "message": {"text": body.get("text"), "blocks": body.get("blocks"), "ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ts):06d}"}
        if method == "chat.update":
            return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts"), "text": body.get("text")}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0001", **(body.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: X-Slack-Request-Timestamp and X-Slack-Signature = v0=HMAC-SHA256(v0:ts:body)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": "application/x-www-form-urlencoded"}


def form_body(payload: dict) -> str:
    """An interaction body as Slack sends it: payload=<url-encoded JSON>."""
    return urlencode({"payload": json.dumps(payload)})


def block_actions(*, slack_user: str, action_id: str, value: str, response_url: str, channel: str = "D0001",
                  ts: str = "1700000000.000100", blocks: list | None = None, trigger_id: str = "trigger-1") -> dict:
    """A payload shaped like Slack's block_actions for a button in a message."""
    return {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": slack_user, "username": "someone", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "trigger_id": trigger_id,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": ts, "text": "fallback", "blocks": blocks or []},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "gl_actions", "value": value,
                     "action_ts": f"{time.time():.6f}", "text": {"type": "plain_text", "text": "x"}}],
    }


def view_submission(*, slack_user: str, private_metadata: str, comment: str | None,
                    callback_id: str = "gl_changes_modal") -> dict:
    return {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": slack_user, "username": "someone", "team_id": "T0001"},
        "api_app_id": "A0001",
        "trigger_id": "trigger-2",
        "view": {"id": "V0001", "type": "modal", "callback_id": callback_id, "private_metadata": private_metadata,
                 "state": {"values": {"gl_comment": {"comment": {"type": "plain_text_input", "value": comment}}}}},
    }


@contextmanager
def slack_settings(monkeypatch, token: str, **environment: str):
    """A FakeSlack that Greenlight talks to: SLACK_API_BASE_URL and SLACK_BOT_TOKEN point at it (plus
    any other variables given), settings re-read; all undone on exit."""
    from chalicelib.core.settings import reset_settings

    with FakeSlack(tokens={token}) as server:
        monkeypatch.setenv("SLACK_API_BASE_URL", server.base_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", token)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        reset_settings()
        try:
            yield server
        finally:
            monkeypatch.undo()
            reset_settings()

