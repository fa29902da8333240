"""What the content plan's pages share: post paths and prefetch, the status labels, the people and
channels of a brand as the pages show them, wall times in a zone, repeated form fields."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, quote

from chalicelib.content.rules import workflow as wf
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import parse_utc
from chalicelib.core.errors import BadRequest
from chalicelib.core.http import forms
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.rules import Permission

channels = lazy_import("chalicelib.brands.channels.service")
members = lazy_import("chalicelib.brands.members.service")

PAGE = 100
# Posts whose targets have (or may have) gone out: the calendar reads their targets for live links.
LIVE_STATUSES = ("published", "partially_published", "publishing", "failed", "unconfirmed", "missed")
STATUS_KEYS = {s.value: f"post.status.{s.value}" for s in wf.Status}
POST_NOTICES = ("post_created", "post_saved", "post_submitted", "post_decided", "post_held", "post_released",
                "post_archived", "comment_added", "target_retried", "target_resolved", "target_resent",
                "target_marked_published")


def post_path(post_id: str) -> str:
    return f"/posts/{quote(post_id, safe='')}"


def post_prefetch(post_id):
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key

    return [(PostItem, *post_key(post_id))]


def all_values(call: PageCall, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes); forms.parse_body keeps only the last."""
    raw = (call.request.raw_body or b"").decode("utf-8", "replace")
    try:
        parsed = parse_qs(raw, keep_blank_values=True, max_num_fields=forms.MAX_FORM_FIELDS)
    except ValueError:  # more fields than any of our forms has: the same answer as forms.parse_body
        raise BadRequest("The form could not be read.") from None
    return [v for v in parsed.get(name, []) if v]


def wall_in(text: str | None, zone: str) -> datetime | None:
    """A stored UTC instant as a naive wall-clock datetime in `zone`."""
    instant = parse_utc(text)
    return datetime.strptime(schedule.to_wall(instant, zone), schedule.WALL_FORMAT) if instant else None


def people_names(principal, brand_id: str) -> dict[str, str]:
    if not principal.can(brand_id, Permission.view_members):
        return {}
    page_ = members.list_members(principal, brand_id, None, PAGE)
    return {m.user_id: (m.name or m.email) for m in page_.items}


def channel_list(principal, brand_id: str) -> list:
    if not principal.can(brand_id, Permission.view_channels):
        return []
    return list(channels.list_channels(principal, brand_id, None, PAGE).items)


def status_labels(language: str) -> dict:
    return {key: i18n.translate(value, language) for key, value in STATUS_KEYS.items()}


def notice_of(call: PageCall):
    notice = call.query.get("done") if call.request.method == "GET" else None
    return notice if notice in POST_NOTICES else None


def is_web_link(url: str | None) -> bool:
    """Only http(s) links become hrefs (a stored URL came from a person or a network's answer)."""
    return bool(url) and url.lower().startswith(("https://", "http://"))
