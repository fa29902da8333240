"""Telegram Bot API adapter: one post to one channel.

Base URL: TELEGRAM_API_BASE_URL (tests run tests/support/fake_telegram.py on loopback). The bot token
comes from the channel's credentials_ref and is only ever put in the request path, never in a reason.

What goes out
  - Text: the post text HTML-escaped (parse_mode=HTML, so nothing the author typed can become markup);
    links that are not already in the text follow on their own lines, as plain text (Telegram links
    them). An empty text falls back to the title.
  - No media: sendMessage (link preview of the first link, as Telegram does by default).
  - Media uploaded to Greenlight (items with a `key`, docs/media.md) are read from the artifact store
    before anything is sent (a store failure is Refused: nothing went out) and go to Telegram as
    multipart/form-data uploads — the same in AWS and locally, and no public URL of our files is needed
    (Bot API upload limits: photos 10 MB, other files 50 MB; content/media rules check them on save).
    Items with only a URL (older posts) go by URL, as before.
  - One item and the text fits a caption (≤ 1024 characters): sendPhoto / sendVideo / sendAnimation (a
    GIF) with the caption.
  - One URL photo and a longer text: ONE sendMessage whose link preview is the photo, large, above the
    text (link_preview_options.url) — a single message, so the post is atomic (no "photo went out, text
    did not"). One uploaded file and a longer text (the form refuses this: a Telegram caption is 1024):
    the file, then the text as a second message, as for albums below.
  - 2–10 items: sendMediaGroup (photos and videos; uploaded files as attach://fileN parts), caption on
    the first. If the text is longer than a caption, the album goes out without a caption and the text
    follows as a second message; if that second send fails the post is half out, which is reported as
    Ambiguous (a person decides). More than 10 → Refused(permanent).
  - Text longer than 4096 characters → Refused(permanent) before anything is sent.

Chat: the channel's external_id (@name or -100… id), else its handle (@name, t.me/name, https://t.me/name).

Link: https://t.me/<username>/<message_id> when the chat is public (username in Telegram's reply, else
the @name we sent to); a private channel (-100<id>) gets https://t.me/c/<id>/<message_id>, which opens
for channel members only.

Failures (Telegram answers {"ok": false, "error_code": N, "description": …, "parameters": {…}}):
  429                      → Refused(retry_after = parameters.retry_after, else the Retry-After header)
  408                      → Refused
  other 4xx (400 chat not found, 401 bad token, 403 bot not admin, 404 bad token path) → Refused(permanent)
  5xx, including 502/503/504 from the gateway in front of the API → Ambiguous: Telegram does not document
    any 5xx as "not processed", and a gateway error can come after the backend posted the message.
  200 without a readable {"ok": true, "result": …} → Ambiguous.
  Transport failures: see safe_http.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from chalicelib.core.net import guard as safe_http
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import get_settings
from chalicelib.publishing.channels.contract import Outgoing, Sent, resolve_token
from chalicelib.publishing.channels.media_files import SEND_BUDGET_SECONDS, read_stored, upload_seconds

CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096
MEDIA_GROUP_LIMIT = 10
_TME = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/(?P<name>[A-Za-z0-9_]{4,64})/?$", re.I)
_NAME = re.compile(r"^@?(?P<name>[A-Za-z][A-Za-z0-9_]{3,63})$")


def _visible_length(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _public_name(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    match = _TME.match(value) or (_NAME.match(value) if value.startswith("@") else None)
    return match.group("name") if match else None


def chat_id(outgoing: Outgoing) -> str:
    for value in (outgoing.external_id, outgoing.handle):
        if not value:
            continue
        value = value.strip()
        if re.fullmatch(r"-?\d+", value):
            return value
        name = _public_name(value) or (_NAME.match(value).group("name") if _NAME.match(value) else None)
        if name:
            return f"@{name}"
    raise Refused(f"Telegram channel {outgoing.channel_name!r} has no chat id or @name", permanent=True)


def plain_text(outgoing: Outgoing) -> str:
    """What the reader sees: the text, then links not already in it, one per line."""
    text = (outgoing.text or "").strip() or (outgoing.title or "").strip()
    extra = [link for link in outgoing.links if link and link not in text]
    return "\n\n".join(part for part in (text, "\n".join(extra)) if part)


def message_url(chat: dict | None, sent_to: str, message_id) -> str | None:
    username = (chat or {}).get("username") or (sent_to[1:] if sent_to.startswith("@") else None)
    if username:
        return f"https://t.me/{username}/{message_id}"
    chat_ref = str((chat or {}).get("id") or sent_to)
    if chat_ref.startswith("-100") and chat_ref[4:].isdigit():
        return f"https://t.me/c/{chat_ref[4:]}/{message_id}"
    return None


def _call(token: str, method: str, payload: dict, target_id: str, files: dict | None = None,
          seconds: float | None = None):
    """One Bot API call: a JSON body, or multipart/form-data when `files` (uploaded media) are given —
    then every non-string field is sent as its JSON text, as the Bot API reads form fields."""
    url = f"{get_settings().TELEGRAM_API_BASE_URL}/bot{token}/{method}"
    headers = {"X-Greenlight-Target": target_id}
    if files:
        form = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in payload.items()}
        response = safe_http.post(url, what=f"Telegram {method}", data=form, files=files, headers=headers,
                                  seconds=seconds)
    else:
        response = safe_http.post(url, what=f"Telegram {method}", json=payload, headers=headers)
    body = safe_http.read_json(response)
    body = body if isinstance(body, dict) else {}
    if response.status_code == 200 and body.get("ok") is True and "result" in body:
        return body["result"]
    code = body.get("error_code") or response.status_code
    description = str(body.get("description") or response.reason or "error")[:300]
    reason = f"Telegram {method}: {code} {description}"
    if response.status_code == 200 and not body:
        raise Ambiguous(f"Telegram {method}: unreadable answer to a request that was received")
    if code == 429 or response.status_code == 429:
        params = body.get("parameters") or {}
        retry_after = params.get("retry_after")
        retry_after = float(retry_after) if isinstance(retry_after, (int, float)) else \
            safe_http.retry_after_header(response)
        raise Refused(reason, retry_after=retry_after)
    if response.status_code >= 500 or (isinstance(code, int) and code >= 500):
        raise Ambiguous(reason)
    if code == 408:
        raise Refused(reason)
    raise Refused(reason, permanent=True)


@dataclass(frozen=True)
class _Item:
    """One media item as it goes out: `ref` is a URL, or "attach://fileN" of an uploaded file."""

    kind: str  # photo | video | animation (sendMediaGroup takes photo and video)
    ref: str
    upload: tuple | None = None  # (field name, (file name, bytes, type)) for multipart


def _items(outgoing: Outgoing) -> list[_Item]:
    """The post's media in order. Uploaded files (a `key`) are read from the artifact store now, before
    anything is sent: a store failure is Refused (nothing went out). Items with only a URL go by URL."""
    items = []
    for index, media in enumerate(m for m in outgoing.media if isinstance(m, dict)):
        if media.get("key"):
            data, stored_type = read_stored(index, media["key"])
            content_type = stored_type or media.get("type") or ""  # what is stored, before the item's word
            kind = "video" if content_type.startswith("video/") else \
                "animation" if content_type == "image/gif" else "photo"
            field = f"file{index}"
            name = f"{field}.{media['key'].rsplit('.', 1)[-1]}"
            items.append(_Item(kind, f"attach://{field}", (field, (name, data, stored_type))))
        elif media.get("url"):
            items.append(_Item("photo", media["url"]))
    return items


def _upload_time(items: list[_Item], follows: bool) -> float | None:
    """The deadline of the request carrying the uploads (None: no upload, the guard's usual one); a text
    that follows keeps its own DEADLINE inside the send's budget."""
    size = sum(len(item.upload[1][1]) for item in items if item.upload)
    if not size:
        return None
    budget = SEND_BUDGET_SECONDS - (safe_http.DEADLINE if follows else 0)
    return min(upload_seconds(size), budget)


def send(outgoing: Outgoing) -> Sent:
    text = plain_text(outgoing)
    if _visible_length(text) > TEXT_LIMIT:
        raise Refused(f"text is {_visible_length(text)} characters; Telegram takes at most {TEXT_LIMIT}",
                      permanent=True)
    count = len([m for m in outgoing.media if isinstance(m, dict) and (m.get("url") or m.get("key"))])
    if count > MEDIA_GROUP_LIMIT:
        raise Refused(f"{count} media; Telegram takes at most {MEDIA_GROUP_LIMIT} in one post", permanent=True)
    chat = chat_id(outgoing)
    token = resolve_token(outgoing, "bot token")
    items = _items(outgoing)
    body = html.escape(text, quote=False)
    fits_caption = _visible_length(text) <= CAPTION_LIMIT
    base = {"chat_id": chat}
    target = outgoing.target_id

    if not items:
        if not text:
            raise Refused("nothing to send: the post has no text, title or media", permanent=True)
        result = _call(token, "sendMessage", {**base, "text": body, "parse_mode": "HTML"}, target)
        return _sent(result, chat)

    if len(items) == 1:
        item = items[0]
        method, field = SINGLE[item.kind]
        if fits_caption or item.upload:
            # an uploaded file goes as the method's own file field (attach:// is for albums)
            payload = {**base} if item.upload else {**base, field: item.ref}
            files = {field: item.upload[1]} if item.upload else None
            if text and fits_caption:
                payload.update(caption=body, parse_mode="HTML")
            if item.kind == "video":
                payload["supports_streaming"] = True
            first = _call(token, method, payload, target, files, _upload_time(items, bool(text) and not fits_caption))
            if text and not fits_caption:
                _follow_with_text(token, base, body, target, first, chat, "the photo or video")
            return _sent(first, chat)
        payload = {**base, "text": body, "parse_mode": "HTML",
                   "link_preview_options": {"url": item.ref, "prefer_large_media": True, "show_above_text": True}}
        return _sent(_call(token, "sendMessage", payload, target), chat)

    media = [{"type": "photo" if item.kind == "animation" else item.kind, "media": item.ref,
              **({"supports_streaming": True} if item.kind == "video" else {})} for item in items]
    files = dict(item.upload for item in items if item.upload) or None
    if text and fits_caption:
        media[0].update(caption=body, parse_mode="HTML")
    result = _call(token, "sendMediaGroup", {**base, "media": media}, target, files,
                   _upload_time(items, bool(text) and not fits_caption))
    first = result[0] if isinstance(result, list) and result else result
    if text and not fits_caption:
        _follow_with_text(token, base, body, target, first, chat, "the album")
    return _sent(first, chat)


SINGLE = {"photo": ("sendPhoto", "photo"), "video": ("sendVideo", "video"), "animation": ("sendAnimation", "animation")}


def _follow_with_text(token: str, base: dict, body: str, target: str, first, chat: str, what: str) -> None:
    """The text after media that could not carry it as a caption: if it fails, the post is half out."""
    try:
        _call(token, "sendMessage", {**base, "text": body, "parse_mode": "HTML",
                                     "link_preview_options": {"is_disabled": True}}, target)
    except (Refused, Ambiguous) as exc:
        where = message_url(first.get("chat") if isinstance(first, dict) else None, chat,
                            first.get("message_id") if isinstance(first, dict) else "?")
        raise Ambiguous(f"{what} went out ({where}) but the text did not: {exc.reason}") from None


def _sent(result, chat: str) -> Sent:
    if not isinstance(result, dict) or "message_id" not in result:
        raise Ambiguous("Telegram answered ok without a message id")
    message_id = result["message_id"]
    return Sent(external_id=str(message_id), url=message_url(result.get("chat"), chat, message_id))
