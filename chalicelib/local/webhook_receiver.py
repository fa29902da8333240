"""A tiny local webhook receiver for `make run`: shows what Greenlight's webhook channel delivered.

    python -m chalicelib.local.webhook_receiver --port 8002 [--host 127.0.0.1] [--log .data/webhook-received.jsonl]

POST any path  -> verifies X-Greenlight-Signature when WEBHOOK_SECRET is set (401 if it does not match),
                  keeps the delivery in memory, appends it as one JSON line to the log file, answers
                  {"id": "<n>", "duplicate": bool} (a repeated Idempotency-Key is recorded but flagged).
GET /          -> an HTML page listing the deliveries, newest first (everything escaped)
GET /received.json -> the deliveries as JSON
Local use only: it binds to 127.0.0.1 by default.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from chalicelib.publishing.channels.webhook import verify_signature

MAX_BODY = 1024 * 1024
MAX_KEPT = 500


class Store:
    def __init__(self, log_path: Path | None):
        self.log_path = log_path
        self.items: list[dict] = []
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def add(self, item: dict) -> dict:
        with self._lock:
            key = item.get("idempotency_key")
            item["id"] = str(len(self.items) + 1)
            item["duplicate"] = bool(key and key in self._keys)
            if key:
                self._keys.add(key)
            self.items.append(item)
            del self.items[:-MAX_KEPT]
            if self.log_path:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                with self.log_path.open("a", encoding="utf-8") as log:
                    log.write(json.dumps(item, ensure_ascii=False) + "\n")
        return item

    def snapshot(self) -> list[dict]:
        with self._lock:
            return list(self.items)


def make_handler(store: Store, secret: str | None):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):  # one short line, never a body or signature
            print(f"webhook-receiver: {self.command} {self.path.split('?')[0]} -> {args[1] if len(args) > 1 else ''}")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._reply(413, {"error": "too large"})
            raw = self.rfile.read(length) if length else b""
            verified = None
            if secret:
                verified = verify_signature(secret, self.headers.get("X-Greenlight-Timestamp"), raw,
                                            self.headers.get("X-Greenlight-Signature"))
                if not verified:
                    return self._reply(401, {"error": "bad or missing signature"})
            try:
                payload = json.loads(raw or b"null")
            except ValueError:
                return self._reply(400, {"error": "body is not JSON"})
            item = store.add({"received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              "path": self.path, "idempotency_key": self.headers.get("Idempotency-Key"),
                              "signature_verified": verified, "payload": payload})
            self._reply(200, {"id": item["id"], "duplicate": item["duplicate"]})

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/received.json":
                return self._reply(200, store.snapshot())
            if path != "/":
                return self._reply(404, {"error": "not found"})
            self._reply(200, render(store.snapshot(), secret is not None), "text/html; charset=utf-8")

        def _reply(self, status: int, data, content_type: str = "application/json"):
            payload = data.encode() if isinstance(data, str) else json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def render(items: list[dict], signed: bool) -> str:
    e = html.escape
    rows = []
    for item in reversed(items):
        payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        media = "".join(f'<li>{e(str(m.get("url")))} {e(str(m.get("alt") or ""))}</li>'
                        for m in payload.get("media") or [] if isinstance(m, dict))
        rows.append(
            "<article>"
            f"<h2>{e(str(payload.get('title') or '(no title)'))}</h2>"
            f"<p class=meta>#{e(item['id'])} · received {e(item['received_at'])} · channel "
            f"{e(str(payload.get('channel')))} · post {e(str(payload.get('post_id')))} v{e(str(payload.get('version')))}"
            f" · publish_at {e(str(payload.get('publish_at')))} · key {e(str(item.get('idempotency_key')))}"
            f"{' · DUPLICATE' if item.get('duplicate') else ''}"
            f"{' · signature ok' if item.get('signature_verified') else ''}</p>"
            f"<pre>{e(str(payload.get('text') or ''))}</pre>"
            f"{'<ul>' + media + '</ul>' if media else ''}"
            "</article>")
    note = "signatures are verified (WEBHOOK_SECRET set)" if signed else "signatures are not checked (no WEBHOOK_SECRET)"
    return ("<!doctype html><html><head><meta charset=utf-8><meta http-equiv=refresh content=10>"
            "<title>Webhook deliveries</title><style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto}"
            "article{border:1px solid #ccc;border-radius:6px;padding:0 1rem;margin:1rem 0}.meta{color:#555;"
            "font-size:.85rem}pre{white-space:pre-wrap}</style></head><body>"
            f"<h1>Webhook deliveries ({len(items)})</h1><p>{e(note)}. JSON: <a href=/received.json>/received.json</a></p>"
            + ("".join(rows) or "<p>Nothing received yet.</p>") + "</body></html>")


def serve(host: str, port: int, log_path: Path | None, secret: str | None) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(Store(log_path), secret))
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--log", default=".data/webhook-received.jsonl")
    args = parser.parse_args(argv)
    secret = os.environ.get("WEBHOOK_SECRET") or None
    server = serve(args.host, args.port, Path(args.log) if args.log else None, secret)
    print(f"webhook receiver on http://{args.host}:{args.port}/ "
          f"({'verifying signatures' if secret else 'no WEBHOOK_SECRET: signatures not checked'})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
