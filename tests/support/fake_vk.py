"""A fake VK API on 127.0.0.1: POST /method/wall.post and /method/wall.getById (form params) answering like
VK — always HTTP 200 with {"response": …} or {"error": {"error_code": N, "error_msg": …, "request_params": […]}}.

    fake = FakeVK(tokens={"vk1.a.test"}, owners={"-123"}).start(); VK_API_BASE_URL=fake.url + "/method"
    fake.vk_error(6, "Too many requests per second", times=2)
    fake.fail_next(Fault.drop()) / Fault.delay(2) / Fault.of_status(502, b"Bad Gateway")

Unknown token → error 5; an owner not in `owners` (when given) → error 214. A repeated `guid` for the
same owner answers with the post created the first time (as VK's duplicate guard does).

wall.getById (placement checks) reads the posts on the fake's walls:
    fake.put_post("-123", 45, "Реклама …", date=datetime(…, tzinfo=utc), marked_as_ads=True, views=1500,
                  likes=20, reposts=3, attachments=[{"type": "link", "link": {"url": "https://…"}}],
                  edited=None, copy_history=None)         -> the stored item (a dict shaped like VK's)
    fake.delete_post("-123", 45)         gone: wall.getById leaves it out of `items`
    fake.bare_list = True                answer a bare list, as API versions before 5.x items did
    fake.lookups() -> [Call]             the wall.getById requests
`posts=-123_45,-123_46` answers {"response": {"items": [the posts found]}}; none found: empty items.
"""
from __future__ import annotations

import itertools
from datetime import datetime

from tests.support.fake_api import Call, FakeAPI, Fault

__all__ = ["FakeVK", "Fault", "Call"]


class FakeVK(FakeAPI):
    def __init__(self, tokens: set[str] | None = None, owners: set[str] | None = None):
        super().__init__()
        self.tokens = set(tokens or {"vk1.a.test-token"})
        self.owners = owners
        self._ids = itertools.count(1)
        self._guids: dict[tuple[str, str], int] = {}
        self.wall: dict[str, dict] = {}  # "<owner>_<id>" -> the post as wall.getById gives it
        self.bare_list = False

    @property
    def base_url(self) -> str:
        return f"{self.url}/method"

    def posts(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/method/wall.post"]

    def lookups(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/method/wall.getById"]

    def put_post(self, owner: str, post_id: int, text: str = "", *, date: datetime, marked_as_ads: bool = False,
                 views: int | None = 1500, likes: int = 0, reposts: int = 0, attachments=(),
                 edited: datetime | None = None, copy_history=None) -> dict:
        owner_id = int(owner)
        item = {"id": int(post_id), "owner_id": owner_id, "from_id": owner_id, "date": int(date.timestamp()),
                "post_type": "post", "text": text, "marked_as_ads": int(bool(marked_as_ads)),
                "attachments": list(attachments), "comments": {"count": 0, "can_post": 1},
                "likes": {"count": likes, "user_likes": 0, "can_like": 1}, "reposts": {"count": reposts},
                "post_source": {"type": "api"}, "can_edit": 0, "is_favorite": False}
        if views is not None:
            item["views"] = {"count": views}
        if edited is not None:
            item["edited"] = int(edited.timestamp())
        if copy_history:
            item["copy_history"] = list(copy_history)
        with self._lock:
            self.wall[f"{owner_id}_{int(post_id)}"] = item
        return item

    def delete_post(self, owner: str, post_id: int) -> None:
        with self._lock:
            self.wall.pop(f"{int(owner)}_{int(post_id)}", None)

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
        if call.path == "/method/wall.getById":
            return self._get_by_id(params)
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

    def _get_by_id(self, params: dict):
        if params.get("access_token") not in self.tokens:
            return 200, self._error(5, "User authorization failed: invalid access_token (4).", params), {}
        if not params.get("v"):
            return 200, self._error(8, "Invalid request: v (version) is required", params), {}
        wanted = [p.strip() for p in str(params.get("posts") or "").split(",") if p.strip()]
        if not wanted:
            return 200, self._error(100, "One of the parameters specified was missing or invalid: posts is "
                                         "undefined", params), {}
        with self._lock:
            items = [dict(self.wall[key]) for key in wanted if key in self.wall]
        return 200, {"response": items if self.bare_list else {"items": items}}, {}
