"""VK adapter: `wall.post` on a community wall.

Base URL: VK_API_BASE_URL (default https://api.vk.com/method; tests run tests/support/fake_vk.py),
API version VK_API_VERSION (default 5.199). The community access token comes from the channel's
credentials_ref and travels only in the POST body (never in a URL or a reason).

Request (form-encoded POST): owner_id = the channel's external_id (a community is negative: minus the
community id; `club123` / `public123` / vk.com/club123 in the handle also work), from_group=1, message,
attachments, guid = the target id (VK's own guard against the same post being published twice),
access_token, v.

Attachments: VK attaches media only as already-uploaded objects (photo<owner>_<id>, video<owner>_<id>)
and accepts exactly one link given as a URL.
  - Media uploaded to Greenlight (items with a `key`, docs/media.md), in the post's order, before wall.post:
      photo: photos.getWallUploadServer(group_id) → POST the file (multipart field `photo`) to its
             upload_url → {server, photo, hash} → photos.saveWallPhoto(group_id, server, photo, hash)
             → [{id, owner_id, …}] → attachment photo<owner_id>_<id>
      video: video.save(group_id, name, wallpost=0) → {upload_url, video_id, owner_id} → POST the file
             (multipart field `video_file`) to upload_url → {video_id, size, video_hash}
             → attachment video<owner_id>_<video_id>
    These three methods refuse a community token (VK error 27 "Group authorization failed: method is
    unavailable with group auth"): they are called with the channel's second credential, a user token of
    an admin of the community (user_credentials_ref; scopes wall, photos, video, offline). wall.post keeps
    the community token and from_group=1. No user token → Refused(permanent) (saving such a post is
    refused already: media/service.post_problems). Each step's deadline grows with its file and the whole
    chain keeps wall.post's time (media_files.SendClock).
    The files are read from the artifact store first. Any failure in these steps is Refused (nothing is
    on the wall yet; a retry uploads again, and unattached uploads are harmless), so exactly-once rests on
    wall.post alone, with its guid, as before. An upload_url must be https on a VK host
    (UPLOAD_HOSTS) or on VK_API_BASE_URL's own host and port (the fake in tests): it is not followed
    anywhere else.
  - Links and media given only as URLs (older posts): the first link (else the first media URL) is the
    link attachment; further links and media URLs follow in the message text, one per line. With 10
    uploads (VK's most attachments) every link goes in the text.

Answer: HTTP 200 with {"response": {"post_id": N}} → Sent(post id, https://vk.com/wall<owner>_<post>),
or HTTP 200 with {"error": {"error_code": N, "error_msg": …}}:

| code | meaning                                   | result                                  |
|------|-------------------------------------------|-----------------------------------------|
| 6    | too many requests per second              | Refused(retry_after=1)                  |
| 9    | flood control (too many same actions)     | Refused(retry_after=60)                 |
| 29   | rate limit reached (method quota)         | Refused(retry_after=3600)               |
| 219, 224 | advertisement/ads posting limits      | Refused (later may work)                |
| 1    | unknown error                             | Ambiguous                               |
| 10   | internal server error                     | Ambiguous (VK may have stored the post) |
| 5 auth failed, 14 captcha needed, 15/7/200/203 access denied, 214 adding post denied, 17 validation required, 18 page deleted, 30 private, 100/113 bad parameter/id, 220 too many recipients, 222 links forbidden, and any other code | nothing was posted, retrying cannot help | Refused(permanent) |

HTTP 429 → Refused(retry_after from Retry-After); other HTTP 4xx → Refused(permanent); HTTP 5xx
(including 502/503/504 from VK's front) → Ambiguous, VK documents none as "not processed".
Transport failures: see safe_http.
"""
from __future__ import annotations

import re

from chalicelib.core.net import guard as safe_http
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import get_settings
from chalicelib.publishing.channels.contract import Outgoing, Sent, resolve_token
from chalicelib.publishing.channels.media_files import SendClock, read_stored, upload_seconds

RETRY_LATER = {6: 1.0, 9: 60.0, 29: 3600.0}
TRANSIENT = {219, 224}
AMBIGUOUS = {1, 10}
_COMMUNITY = re.compile(r"^(?:https?://)?(?:m\.)?(?:vk\.com/)?(?:club|public|event)(\d+)/?$", re.I)


def owner_id(outgoing: Outgoing) -> str:
    value = (outgoing.external_id or "").strip()
    if re.fullmatch(r"-?\d+", value) and value not in ("0", "-0"):
        return value
    match = _COMMUNITY.match((outgoing.handle or "").strip()) or _COMMUNITY.match(value)
    if match:
        return f"-{match.group(1)}"
    raise Refused(f"VK channel {outgoing.channel_name!r} has no owner id (minus the community id)", permanent=True)


UPLOAD_HOSTS = (".vk.com", ".vk.ru", ".userapi.com", ".vkuservideo.net", ".mycdn.me", ".okcdn.ru")


def _upload_url_ok(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        api = urlsplit(get_settings().VK_API_BASE_URL)
        if (parts.scheme, parts.hostname, parts.port) == (api.scheme, api.hostname, api.port):
            return True
        host = (parts.hostname or "").lower()
        return parts.scheme == "https" and parts.port in (None, 443) and host.endswith(UPLOAD_HOSTS)
    except ValueError:
        return False


def _method(name: str, params: dict, token: str, target_id: str, seconds: float | None = None):
    """A VK API method before wall.post: its `response`, or Refused (nothing is on the wall yet)."""
    settings = get_settings()
    try:
        response = safe_http.post(f"{settings.VK_API_BASE_URL}/{name}", what=f"VK {name}",
                                  data={**params, "access_token": token, "v": settings.VK_API_VERSION},
                                  headers={"X-Greenlight-Target": target_id}, seconds=seconds)
    except Ambiguous as exc:
        raise Refused(f"{exc.reason} (before wall.post: nothing posted)") from None
    body = safe_http.read_json(response)
    body = body if isinstance(body, dict) else {}
    if response.status_code != 200:
        raise Refused(f"VK {name}: HTTP {response.status_code}",
                      permanent=400 <= response.status_code < 500 and response.status_code not in (408, 429))
    if isinstance(body.get("error"), dict):
        error = body["error"]
        code = error.get("error_code")
        reason = f"VK {name}: error {code}: {str(error.get('error_msg') or '')[:300]}"
        if code == 27:
            reason += " (the channel's user token is a community token: give a community admin's user token)"
        if code in RETRY_LATER:
            raise Refused(reason, retry_after=RETRY_LATER[code])
        raise Refused(reason, permanent=code not in TRANSIENT and code not in AMBIGUOUS)
    if "response" not in body:
        raise Refused(f"VK {name}: unreadable answer")
    return body["response"]


def _upload(url: str, field: str, file: tuple, target_id: str, seconds: float | None = None) -> dict:
    if not isinstance(url, str) or not _upload_url_ok(url):
        raise Refused("VK gave an upload address that is not VK's", permanent=True)
    try:
        response = safe_http.post(url, what="VK upload", files={field: file}, headers={"X-Greenlight-Target": target_id},
                                  seconds=seconds)
    except Ambiguous as exc:
        raise Refused(f"{exc.reason} (before wall.post: nothing posted)") from None
    body = safe_http.read_json(response)
    if response.status_code != 200 or not isinstance(body, dict) or body.get("error"):
        detail = body.get("error") if isinstance(body, dict) else None
        raise Refused(f"VK upload: HTTP {response.status_code}" + (f" ({str(detail)[:200]})" if detail else ""))
    return body


def user_token(outgoing: Outgoing) -> str:
    """The community admin's user token: VK's upload methods refuse a community token (error 27)."""
    if not outgoing.user_credentials_ref:
        raise Refused(f"VK channel {outgoing.channel_name!r} has no user token of a community admin: VK uploads "
                      "photos and video only with one", permanent=True)
    return resolve_token(outgoing, "user token", ref=outgoing.user_credentials_ref)


def upload_media(outgoing: Outgoing, owner: str, token: str, clock: SendClock | None = None) -> list[str]:
    """Attachments (photo<owner>_<id>, video<owner>_<id>) for the post's uploaded media, in order.
    `token` is the admin's user token (user_token); every step keeps wall.post's time (SendClock)."""
    uploaded = [m for m in outgoing.media if isinstance(m, dict) and m.get("key")]
    if not uploaded:
        return []
    if not owner.startswith("-"):
        raise Refused("VK media uploads go to a community wall (owner id -<community id>)", permanent=True)
    clock = clock or SendClock()
    group = owner[1:]
    files = []
    for index, media in enumerate(uploaded):  # read everything before the first call
        data, stored_type = read_stored(index, media["key"])
        files.append((media, (f"file{index}.{media['key'].rsplit('.', 1)[-1]}", data, stored_type)))
    attachments = []
    target = outgoing.target_id
    step = safe_http.DEADLINE
    for media, file in files:
        upload_time = upload_seconds(len(file[1]))
        if file[2].startswith("video/"):  # the stored type, never the item's own word
            saved = _method("video.save", {"group_id": group, "name": (media.get("name") or "video")[:128],
                                           "wallpost": "0"}, token, target, clock.before_final(step))
            if not isinstance(saved, dict) or not saved.get("upload_url"):
                raise Refused("VK video.save: no upload address")
            done = _upload(saved["upload_url"], "video_file", file, target, clock.before_final(upload_time))
            video_id = done.get("video_id") or saved.get("video_id")
            attachments.append(f"video{saved.get('owner_id') or owner}_{video_id}")
            continue
        server = _method("photos.getWallUploadServer", {"group_id": group}, token, target, clock.before_final(step))
        if not isinstance(server, dict) or not server.get("upload_url"):
            raise Refused("VK photos.getWallUploadServer: no upload address")
        done = _upload(server["upload_url"], "photo", file, target, clock.before_final(upload_time))
        if not done.get("photo") or done.get("photo") == "[]":
            raise Refused("VK upload: the photo was not accepted", permanent=True)
        saved = _method("photos.saveWallPhoto", {"group_id": group, "server": str(done.get("server", "")),
                                                 "photo": done["photo"], "hash": str(done.get("hash", "")),
                                                 "caption": (media.get("alt") or "")[:2048]}, token, target,
                        clock.before_final(step))
        photo = saved[0] if isinstance(saved, list) and saved else None
        if not isinstance(photo, dict) or "id" not in photo:
            raise Refused("VK photos.saveWallPhoto: no photo in the answer")
        attachments.append(f"photo{photo.get('owner_id', owner)}_{photo['id']}")
    return attachments


MAX_ATTACHMENTS = 10  # a wall post's attachments, uploads and the link together


def compose(outgoing: Outgoing) -> tuple[str, str | None]:
    """(message, attachment URL or None). With MAX_ATTACHMENTS uploads there is no room for a link
    attachment: every link then goes in the message text."""
    urls = [link for link in outgoing.links if link] + \
        [m.get("url") for m in outgoing.media if isinstance(m, dict) and m.get("url")]
    uploads = sum(1 for m in outgoing.media if isinstance(m, dict) and m.get("key"))
    if uploads >= MAX_ATTACHMENTS:
        urls = [None] + urls  # no link attachment: all of them follow in the text
    attachment = urls[0] if urls else None
    text = (outgoing.text or "").strip() or (outgoing.title or "").strip()
    extra = [url for url in urls[1:] if url and url not in text]
    message = "\n\n".join(part for part in (text, "\n".join(dict.fromkeys(extra))) if part)
    return message, attachment


def send(outgoing: Outgoing) -> Sent:
    owner = owner_id(outgoing)
    message, attachment = compose(outgoing)
    has_uploads = any(isinstance(m, dict) and m.get("key") for m in outgoing.media)
    if not message and not attachment and not has_uploads:
        raise Refused("nothing to send: the post has no text, title, media or links", permanent=True)
    clock = SendClock()
    token = resolve_token(outgoing, "community token")
    settings = get_settings()
    uploads = user_token(outgoing) if has_uploads else None
    attachments = (upload_media(outgoing, owner, uploads, clock) if uploads else []) + \
        ([attachment] if attachment else [])
    form = {"owner_id": owner, "from_group": "1", "message": message, "guid": outgoing.target_id,
            "access_token": token, "v": settings.VK_API_VERSION}
    if attachments:
        form["attachments"] = ",".join(attachments)
    response = safe_http.post(f"{settings.VK_API_BASE_URL}/wall.post", what="VK wall.post", data=form,
                              headers={"X-Greenlight-Target": outgoing.target_id})
    body = safe_http.read_json(response)
    body = body if isinstance(body, dict) else {}
    status = response.status_code
    if status == 429:
        raise Refused("VK wall.post: HTTP 429", retry_after=safe_http.retry_after_header(response))
    if status >= 500:
        raise Ambiguous(f"VK wall.post: HTTP {status}")
    if status == 408:
        raise Refused("VK wall.post: HTTP 408")
    if status >= 400:
        raise Refused(f"VK wall.post: HTTP {status}", permanent=True)
    if isinstance(body.get("error"), dict):
        error = body["error"]
        code = error.get("error_code")
        reason = f"VK wall.post: error {code}: {str(error.get('error_msg') or '')[:300]}"
        if code in RETRY_LATER:
            raise Refused(reason, retry_after=RETRY_LATER[code])
        if code in TRANSIENT:
            raise Refused(reason)
        if code in AMBIGUOUS:
            raise Ambiguous(reason)
        raise Refused(reason, permanent=True)
    result = body.get("response")
    post_id = result.get("post_id") if isinstance(result, dict) else None
    if post_id is None:
        raise Ambiguous("VK wall.post: answer without a post id to a request that was received")
    return Sent(external_id=str(post_id), url=f"https://vk.com/wall{owner}_{post_id}")
