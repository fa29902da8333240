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

Media uploads, as VK does them (shapes of dev.vk.com/method/photos.getWallUploadServer, photos.saveWallPhoto,
video.save and the upload servers' answers):
    photos.getWallUploadServer(group_id)  -> {"response": {"album_id": -14, "upload_url": <fake>/upload/wall?…, "user_id": 0}}
    POST upload_url (multipart `photo`)    -> {"server": N, "photo": "<json text>", "hash": "<hex>"}
                                              (no or a non-image file: "photo": "[]", as VK answers)
    photos.saveWallPhoto(group_id, server, photo, hash) -> {"response": [{"id", "owner_id": -group, "album_id": -14, …}]}
                                              (a photo/hash that no upload gave -> error 100)
    video.save(group_id, name)            -> {"response": {"upload_url", "video_id", "owner_id": -group, "title", "access_key"}}
    POST upload_url (multipart `video_file`) -> {"size": bytes, "video_id": N, "video_hash": "<hex>"}
    wall.post attachments photo<owner>_<id>/video<owner>_<id> must have been saved/uploaded here (else error 100).
    The three upload methods take a user token only (`user_tokens`, an admin of the community), as VK does: a
    community token (`tokens`) gets error 27 "Group authorization failed: method is unavailable with group auth".
    fake.uploads() -> [Call] the upload server requests;  fake.saved_photos / fake.videos: what was stored
"""
from __future__ import annotations

import hashlib
import itertools
import json
from datetime import datetime

from tests.support import multipart_form
from tests.support.fake_api import Call, FakeAPI, Fault

__all__ = ["FakeVK", "Fault", "Call"]


class FakeVK(FakeAPI):
    def __init__(self, tokens: set[str] | None = None, owners: set[str] | None = None,
                 user_tokens: set[str] | None = None):
        super().__init__()
        self.tokens = set(tokens or {"vk1.a.test-token"})  # community tokens: wall.post, wall.getById
        self.user_tokens = set(user_tokens or {"vk1.a.test-user-token"})  # an admin's user token: uploads
        self.owners = owners
        self._ids = itertools.count(1)
        self._guids: dict[tuple[str, str], int] = {}
        self.wall: dict[str, dict] = {}  # "<owner>_<id>" -> the post as wall.getById gives it
        self.bare_list = False
        self._uploaded: dict[str, dict] = {}  # hash -> {"server", "photo", "data", "group"}
        self.saved_photos: dict[str, dict] = {}  # "photo<owner>_<id>" -> the saved photo (with "data")
        self.videos: dict[str, dict] = {}  # "video<owner>_<id>" -> {"data": bytes or None, "title": …}

    @property
    def base_url(self) -> str:
        return f"{self.url}/method"

    def posts(self) -> list[Call]:
        return [c for c in self.calls if c.path == "/method/wall.post"]

    def uploads(self) -> list[Call]:
        return [c for c in self.calls if c.path.startswith("/upload/")]

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
        if call.path.startswith("/upload/"):
            return self._upload_server(call)
        if call.path == "/method/wall.getById":
            return self._get_by_id(params)
        media_methods = {"/method/photos.getWallUploadServer": self._wall_upload_server,
                         "/method/photos.saveWallPhoto": self._save_wall_photo, "/method/video.save": self._video_save}
        if call.path in media_methods:
            if params.get("access_token") in self.tokens and params.get("access_token") not in self.user_tokens:
                return 200, self._error(27, "Group authorization failed: method is unavailable with group auth.",
                                        params), {}
            if params.get("access_token") not in self.user_tokens:
                return 200, self._error(5, "User authorization failed: invalid access_token (4).", params), {}
            if not params.get("v"):
                return 200, self._error(8, "Invalid request: v (version) is required", params), {}
            return media_methods[call.path](params)
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
        for attachment in [a for a in str(params.get("attachments") or "").split(",") if a]:
            if attachment.startswith(("photo", "video")) and attachment not in self.saved_photos \
                    and attachment not in self.videos:
                return 200, self._error(100, "One of the parameters specified was missing or invalid: "
                                             "attachments is invalid", params), {}
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

    # --- media uploads --------------------------------------------------------------------------
    def _group(self, params: dict) -> str | None:
        group = str(params.get("group_id") or "")
        if not group.isdigit():
            return None
        if self.owners is not None and f"-{group}" not in self.owners:
            return None
        return group

    def _wall_upload_server(self, params: dict):
        group = self._group(params)
        if group is None:
            return 200, self._error(15, "Access denied: no access to this group", params), {}
        return 200, {"response": {"album_id": -14, "upload_url": f"{self.url}/upload/wall?gid={group}&aid=-14",
                                  "user_id": 0}}, {}

    def _upload_server(self, call: Call):
        from urllib.parse import parse_qs, urlsplit

        query = {k: v[0] for k, v in parse_qs(urlsplit(call.path).query).items()}
        query.update({k: v for k, v in call.body.items() if k in ("gid", "vid")})
        _, files = multipart_form.parse(call.header("Content-Type"), call.raw)
        if call.path.startswith("/upload/wall"):
            part = files.get("photo")
            server = 849236
            if part is None or not part.data.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8")):
                return 200, {"server": server, "photo": "[]", "hash": hashlib.md5(b"").hexdigest()}, {}
            photo = json.dumps([{"markers_restarted": True, "photo": hashlib.sha1(part.data).hexdigest()[:10],
                                 "sizes": [], "latitude": 0, "longitude": 0, "kid": "fake"}])
            digest = hashlib.md5(part.data + photo.encode()).hexdigest()
            with self._lock:
                self._uploaded[digest] = {"server": server, "photo": photo, "data": part.data,
                                          "group": query.get("gid")}
            return 200, {"server": server, "photo": photo, "hash": digest}, {}
        if call.path.startswith("/upload/video"):
            part = files.get("video_file")
            key = query.get("vid")
            with self._lock:
                video = self.videos.get(key or "")
                if part is None or video is None:
                    return 200, {"error": "invalid file"}, {}
                video["data"] = part.data
            return 200, {"size": len(part.data), "video_id": int(key.split("_")[-1]),
                         "video_hash": hashlib.md5(part.data).hexdigest()}, {}
        return 404, {"error": "not found"}, {}

    def _save_wall_photo(self, params: dict):
        group = self._group(params)
        if group is None:
            return 200, self._error(15, "Access denied: no access to this group", params), {}
        with self._lock:
            upload = self._uploaded.get(str(params.get("hash") or ""))
            if upload is None or upload["photo"] != params.get("photo") or str(upload["server"]) != str(
                    params.get("server")) or upload["group"] != group:
                return 200, self._error(100, "One of the parameters specified was missing or invalid: "
                                             "photo or hash is invalid", params), {}
            photo_id = next(self._ids) + 456239000
            owner = -int(group)
            saved = {"album_id": -14, "date": 1764000000, "id": photo_id, "owner_id": owner, "access_key": "fake",
                     "sizes": [{"height": 600, "width": 800, "type": "x", "url": f"{self.url}/p/{photo_id}.jpg"}],
                     "text": params.get("caption") or "", "has_tags": False}
            self.saved_photos[f"photo{owner}_{photo_id}"] = {**saved, "data": upload["data"]}
        return 200, {"response": [saved]}, {}

    def _video_save(self, params: dict):
        group = self._group(params)
        if group is None:
            return 200, self._error(15, "Access denied: no access to this group", params), {}
        with self._lock:
            video_id = next(self._ids) + 456239000
            owner = -int(group)
            key = f"video{owner}_{video_id}"
            self.videos[key] = {"data": None, "title": params.get("name") or ""}
        return 200, {"response": {"access_key": "fake", "description": "", "owner_id": owner,
                                  "title": params.get("name") or "", "video_id": video_id,
                                  "upload_url": f"{self.url}/upload/video?vid={key}"}}, {}
