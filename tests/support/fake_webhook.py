"""A fake webhook receiver on 127.0.0.1: records every delivery (headers, raw body, parsed JSON) and
checks the Greenlight signature when it knows the secret.

    fake = FakeWebhook(secret="s3cret").start()
    fake.url + "/hook"         -> a URL to put in a webhook channel's handle
    fake.deliveries()          -> calls with .verified (signature valid) and .idempotency_key
    fake.fail_next(Fault.of_status(500)) / Fault.delay(2) / Fault.drop()
    fake.reply = {"id": "r-1", "url": "https://example.org/p/1"}   -> the 2xx JSON answer
"""
from __future__ import annotations

import itertools

from chalicelib.publishing.channels.webhook import verify_signature
from tests.support.fake_api import Call, FakeAPI, Fault, allow_outbound, forbid_outbound

__all__ = ["FakeWebhook", "Fault", "Call"]


class FakeWebhook(FakeAPI):
    def __init__(self, secret: str | None = None, status: int = 200):
        super().__init__()
        self.secret = secret
        self.status = status
        self.reply: dict | None = None
        self._ids = itertools.count(1)

    def deliveries(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST"]

    def target_of(self, call: Call) -> str | None:
        return call.header("Idempotency-Key") or call.body.get("target_id")

    def answer(self, call: Call):
        verified = None
        if self.secret is not None:
            verified = verify_signature(self.secret, call.header("X-Greenlight-Timestamp"), call.raw,
                                        call.header("X-Greenlight-Signature"))
        call.verified = verified  # type: ignore[attr-defined]
        call.idempotency_key = call.header("Idempotency-Key")  # type: ignore[attr-defined]
        if verified is False:
            return 401, {"error": "bad signature"}, {}
        if self.reply is not None:
            return self.status, self.reply, {}
        return self.status, {"id": f"rcv-{next(self._ids)}"}, {}


def _serve_in_child(conn, latency: float, secret: str | None) -> None:
    fake = FakeWebhook(secret=secret)
    fake.latency = latency
    fake.start()
    conn.send(fake.url)
    conn.recv()  # "report": the counts, then stop
    conn.send(dict(fake.sends_by_target()))
    fake.stop()


class FakeWebhookProcess:
    """A FakeWebhook in its own process (benchmarks): the receiver does not share the publisher's
    interpreter (its GIL, its CPU accounting), as a real receiver would not. Its address goes on the
    outbound guard's allow-list in THIS process (the sender's) while it runs.

        with FakeWebhookProcess(latency=0.05) as hook:
            hook.url + "/hook"
            hook.sends_by_target()   # {target id: deliveries}, once, at the end
    """

    def __init__(self, latency: float = 0.0, secret: str | None = None):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_in_child, args=(child, latency, secret), daemon=True)
        self.url = ""

    def start(self) -> "FakeWebhookProcess":
        self._process.start()
        if not self._conn.poll(30):
            self._process.kill()
            raise RuntimeError("the fake webhook process did not start")
        self.url = self._conn.recv()
        allow_outbound(self.url)
        return self

    def sends_by_target(self) -> dict:
        self._conn.send("report")
        return self._conn.recv()

    def stop(self) -> None:
        if self.url:
            forbid_outbound(self.url)
            self.url = ""
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()

    def __enter__(self) -> "FakeWebhookProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
