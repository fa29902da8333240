"""A fake VK API on 127.0.0.1: POST /method/wall.post (form params) answering like VK — always HTTP 200
with {"response": {"post_id": N}} or {"error": {"error_code": N, "error_msg": …, "request_params": […]}}.

    fake = FakeVK(tokens={"vk1.a.test"}, owners={"-123"}).start(); VK_API_BASE_URL=fake.url + "/method"
    fake.vk_error(6, "Too many requests per second", times=2)
    fake.fail_next(Fault.drop()) / Fault.delay(2) / Fault.of_status(502, b"Bad Gateway")

Unknown token → error 5; an owner not in `owners` (when given) → error 214. A repeated `guid` for the
same owner answers with the post created the first time (as VK's duplicate guard does).
"""
from __future__ import annotations

import itertools

from tests.support.fake_api import Call, FakeAPI, Fault

__all__ = ["FakeVK", "Fault", "Call"]


class FakeVK(FakeAPI):
    def __init__(self, tokens: set[str] | None = None, owners: set[str] | None = None):
        super().__init__()
        self.tokens = set(tokens or {"vk1.a.test-token"})
        self.owners = owners
        self._ids = itertools.count(1)
        self._guids: dict[tuple[str, str], int] = {}

    @property
    def base_url(self) -> str:
        return f"{self.url}/method"

    def posts(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/method/wall.post"]

    def vk_error(self, code: int, message: str, times: int = 1) -> None:
        self.fail_next(Fault.of_status(200, self._error(code, message, {})), times)

    @staticmethod
    def _error(code: int, message: str, params: dict) -> dict:
        shown = [{"key": k, "value": v} for k, v in params.items() if k not in ("access_token",)]
        return {"error": {"error_code": code, "error_msg": message, "request_params": shown}}

    def target_of(self, call: Call) -> str | None:
        return call.header("X-Greenlight-Target") or call.body.get("guid") or call.body.get("message")

    def answer(self, call: Call):
        params = call.body
        if call.path != "/method/wall.post":
            return 200, self._error(3, "Unknown method passed", params), {}
        if params.get("access_token") not in self.tokens:
            return 200, self._error(5, "User authorization failed: invalid access_token (4).", params), {}
        if not params.get("v"):
            return 200, self._error(8, "Invalid request: v (version) is required", params), {}
        owner = str(params.get("owner_id") or "")
        if self.owners is not None and owner not in self.owners:
            return 200, self._error(214, "Access to adding post denied", params), {}
        if not params.get("message") and not params.get("attachments"):
            return 200, self._error(100, "One of the parameters specified was missing or invalid: "
                                         "message or attachments required", params), {}
        with self._lock:
            key = (owner, params.get("guid") or "")
            if key[1] and key in self._guids:
                post_id = self._guids[key]
            else:
                post_id = next(self._ids)
                if key[1]:
                    self._guids[key] = post_id
        return 200, {"response": {"post_id": post_id}}, {}
