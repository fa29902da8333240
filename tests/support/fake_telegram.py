"""A fake Telegram Bot API on 127.0.0.1 answering with the real response shapes.

    fake = FakeTelegram(tokens={"123:abc"}, chats={"@acme": {"id": -1001234567890, "username": "acme"}})
    fake.start(); TELEGRAM_API_BASE_URL=fake.url
    POST /bot<token>/sendMessage | sendPhoto | sendVideo | sendAnimation | sendMediaGroup
         (JSON, url-encoded or multipart/form-data body: uploaded files as parts, an album's items
          naming them "attach://<part>", as the Bot API does)
    fake.sent("sendMessage")    -> calls of that method
    fake.uploads(call)          -> {part name: Part(filename, data, content_type)} of a multipart call
    fake.rate_limit(5, times=2) -> the next 2 calls get 429 {"parameters": {"retry_after": 5}}
    fake.error(400, "Bad Request: chat not found")
    fake.fail_next(Fault.drop()) / Fault.delay(2)   (see fake_api)

Unknown token -> 401 Unauthorized. When `chats` is given, an unknown chat_id -> 400 chat not found.
"""
from __future__ import annotations

import itertools
import json
import time

from tests.support import multipart_form
from tests.support.fake_api import Call, FakeAPI, Fault

__all__ = ["FakeTelegram", "Fault", "Call"]


def error_body(code: int, description: str, **parameters) -> dict:
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


class FakeTelegram(FakeAPI):
    def __init__(self, tokens: set[str] | None = None, chats: dict | None = None):
        super().__init__()
        self.tokens = set(tokens or {"123456:TEST-token"})
        self.chats = chats  # chat_id as sent (@name or -100…) -> {"id": int, "username": str | None}
        self._ids = itertools.count(100)

    # --- helpers for tests ----------------------------------------------------------------------
    def sent(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.path.rsplit("/", 1)[-1] == method or method is None]

    def rate_limit(self, retry_after: int, times: int = 1) -> None:
        self.fail_next(Fault.of_status(429, error_body(429, f"Too Many Requests: retry after {retry_after}",
                                                       retry_after=retry_after),
                                       {"Retry-After": str(retry_after)}), times)

    def error(self, code: int, description: str, times: int = 1) -> None:
        self.fail_next(Fault.of_status(code, error_body(code, description)), times)

    def target_of(self, call: Call) -> str | None:
        return (call.header("X-Greenlight-Target") or call.body.get("text") or call.body.get("caption")
                or None)

    @staticmethod
    def uploads(call: Call) -> dict:
        return multipart_form.parse(call.header("Content-Type"), call.raw)[1]

    # --- answering ------------------------------------------------------------------------------
    def answer(self, call: Call):
        path = call.path
        if not path.startswith("/bot") or "/" not in path[4:]:
            return 404, error_body(404, "Not Found"), {}
        token, method = path[4:].split("/", 1)
        if token not in self.tokens:
            return 401, error_body(401, "Unauthorized"), {}
        fields, files = multipart_form.parse(call.header("Content-Type"), call.raw)
        call.body.update(fields)  # recorded as sent: the form's text fields
        if method not in ("sendMessage", "sendPhoto", "sendVideo", "sendAnimation", "sendMediaGroup", "getMe"):
            return 404, error_body(404, "Not Found: method not found"), {}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": int(token.split(":")[0]), "is_bot": True,
                                                "first_name": "Greenlight", "username": "greenlight_bot"}}, {}
        chat_id = str(call.body.get("chat_id") or "")
        if not chat_id:
            return 400, error_body(400, "Bad Request: chat_id is empty"), {}
        chat = self._chat(chat_id)
        if chat is None:
            return 400, error_body(400, "Bad Request: chat not found"), {}
        now = int(time.time())
        if method == "sendMessage":
            text = call.body.get("text")
            if not text:
                return 400, error_body(400, "Bad Request: message text is empty"), {}
            if len(text) > 4096 * 2:  # escaped HTML may be longer than the 4096 visible characters
                return 400, error_body(400, "Bad Request: message is too long"), {}
            return 200, {"ok": True, "result": self._message(chat, now, text=text)}, {}
        if method in ("sendPhoto", "sendVideo", "sendAnimation"):
            field = {"sendPhoto": "photo", "sendVideo": "video", "sendAnimation": "animation"}[method]
            upload = files.get(field)
            if upload is None and not call.body.get(field):
                return 400, error_body(400, f"Bad Request: there is no {field} in the request"), {}
            if upload is not None:
                problem = self._check_upload(field, upload)
                if problem:
                    return 400, error_body(400, problem), {}
            extra = {field: self._file(field, upload)}
            if field == "animation":
                extra["document"] = dict(extra["animation"])
            if call.body.get("caption"):
                extra["caption"] = call.body["caption"]
            return 200, {"ok": True, "result": self._message(chat, now, **extra)}, {}
        media = call.body.get("media")
        if isinstance(media, str):
            try:
                media = json.loads(media)
            except ValueError:
                return 400, error_body(400, "Bad Request: can't parse media JSON object"), {}
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            return 400, error_body(400, "Bad Request: wrong number of media in the album"), {}
        group = f"{next(self._ids)}0000"
        result = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video"):
                return 400, error_body(400, "Bad Request: unsupported media type in the album"), {}
            ref = str(item.get("media") or "")
            upload = None
            if ref.startswith("attach://"):
                upload = files.get(ref[len("attach://"):])
                if upload is None:
                    return 400, error_body(400, "Bad Request: wrong file identifier/HTTP URL specified"), {}
                problem = self._check_upload(kind, upload)
                if problem:
                    return 400, error_body(400, problem), {}
            message = self._message(chat, now, media_group_id=group, **{kind: self._file(kind, upload)})
            if item.get("caption"):
                message["caption"] = item["caption"]
            result.append(message)
        return 200, {"ok": True, "result": result}, {}

    @staticmethod
    def _check_upload(kind: str, upload) -> str | None:
        """Telegram's upload limits (photos 10 MB, other files 50 MB) and a photo must be an image."""
        if kind == "photo" and len(upload.data) > 10 * 1024 * 1024:
            return "Bad Request: file is too big"
        if len(upload.data) > 50 * 1024 * 1024:
            return "Request Entity Too Large"
        if kind == "photo" and not upload.data.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF")):
            return "Bad Request: IMAGE_PROCESS_FAILED"
        return None

    @staticmethod
    def _file(kind: str, upload) -> object:
        size = len(upload.data) if upload is not None else 1000
        if kind == "photo":  # PhotoSize array, smallest first
            return [{"file_id": "AgAC-fake-s", "file_unique_id": "fake-s", "width": 90, "height": 68, "file_size": 900},
                    {"file_id": "AgAC-fake", "file_unique_id": "fake", "width": 800, "height": 600, "file_size": size}]
        mime = upload.content_type if upload is not None else ("video/mp4" if kind == "video" else "image/gif")
        return {"file_id": f"BAAC-fake-{kind}", "file_unique_id": f"fake-{kind}", "width": 640, "height": 360,
                "duration": 5, "mime_type": mime, "file_size": size,
                **({"file_name": upload.filename} if upload is not None and upload.filename else {})}

    def _chat(self, chat_id: str) -> dict | None:
        if self.chats is None:
            if chat_id.startswith("@"):
                return {"id": -1001000000000 - len(chat_id), "type": "channel", "title": chat_id[1:],
                        "username": chat_id[1:]}
            return {"id": int(chat_id) if chat_id.lstrip("-").isdigit() else 0, "type": "channel", "title": "Private"}
        info = self.chats.get(chat_id)
        if info is None:
            return None
        chat = {"id": info["id"], "type": "channel", "title": info.get("title", "Channel")}
        if info.get("username"):
            chat["username"] = info["username"]
        return chat

    def _message(self, chat: dict, now: int, **extra) -> dict:
        return {"message_id": next(self._ids), "sender_chat": chat, "chat": chat, "date": now, **extra}
