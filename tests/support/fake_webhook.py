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
from tests.support.fake_api import Call, FakeAPI, Fault
from tests.support.fake_process import FakeProcess

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


def _webhook(latency: float, secret: str | None) -> FakeWebhook:
    fake = FakeWebhook(secret=secret)
    fake.latency = latency
    return fake.start()


def _sends(fake: FakeWebhook) -> dict:
    return dict(fake.sends_by_target())


class FakeWebhookProcess(FakeProcess):
    """A FakeWebhook in its own process (benchmarks; tests/support/fake_process.py).

        with FakeWebhookProcess(latency=0.05) as hook:
            hook.url + "/hook"
            hook.sends_by_target()   # {target id: deliveries}, once, at the end
    """

    def __init__(self, latency: float = 0.0, secret: str | None = None):
        super().__init__(_webhook, (latency, secret), _sends, start_seconds=30)

    def sends_by_target(self) -> dict:
        return self.report()
