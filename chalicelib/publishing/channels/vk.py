"""VK adapter: `wall.post` on a community wall.

Base URL: VK_API_BASE_URL (default https://api.vk.com/method; tests run tests/support/fake_vk.py),
API version VK_API_VERSION (default 5.199). The community access token comes from the channel's
credentials_ref and travels only in the POST body (never in a URL or a reason).

Request (form-encoded POST): owner_id = the channel's external_id (a community is negative: minus the
community id; `club123` / `public123` / vk.com/club123 in the handle also work), from_group=1, message,
attachments, guid = the target id (VK's own guard against the same post being published twice),
access_token, v.

Attachments: VK attaches media only as already-uploaded objects (photo<owner>_<id>) and accepts exactly
one link given as a URL. So the first link (else the first media URL) is the link attachment; further
links and media URLs follow in the message text, one per line.

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


def compose(outgoing: Outgoing) -> tuple[str, str | None]:
    """(message, attachment URL or None)."""
    urls = [link for link in outgoing.links if link] + \
        [m.get("url") for m in outgoing.media if isinstance(m, dict) and m.get("url")]
    attachment = urls[0] if urls else None
    text = (outgoing.text or "").strip() or (outgoing.title or "").strip()
    extra = [url for url in urls[1:] if url not in text]
    message = "\n\n".join(part for part in (text, "\n".join(dict.fromkeys(extra))) if part)
    return message, attachment


def send(outgoing: Outgoing) -> Sent:
    owner = owner_id(outgoing)
    message, attachment = compose(outgoing)
    if not message and not attachment:
        raise Refused("nothing to send: the post has no text, title, media or links", permanent=True)
    token = resolve_token(outgoing, "community token")
    settings = get_settings()
    form = {"owner_id": owner, "from_group": "1", "message": message, "guid": outgoing.target_id,
            "access_token": token, "v": settings.VK_API_VERSION}
    if attachment:
        form["attachments"] = attachment
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
