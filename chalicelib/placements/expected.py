"""What a deliverable is held to, as the rules read it (rules/evaluate.Expected): built from the deal, the
deliverable and its terms as merged, with the defaults the deal's deadlines use (a window of 0 minutes
before and 60 after the agreed time when the contract sets none).

The contracted account, normalised as the sources report theirs:
  telegram   the channel name, case-folded, without "@" (an account handle "@Acme_News" → "acme_news")
  vk         the owner id: "club123" / "public123" → "-123", "id123" → "123"; a screen name ("acme")
             cannot be compared with the owner id the API answers, so it is left out ("": not checked)
  other      the host of the account's URL or handle when it is a web address ("blog.example.com"),
             else "" (not checked)
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from chalicelib.core.clock import parse_utc
from chalicelib.core.plain import plain
from chalicelib.deals import penalty_ops
from chalicelib.deals.models import DealItem, DeliverableItem
from chalicelib.placements.rules import utm
from chalicelib.placements.rules.evaluate import Expected

DEFAULT_BEFORE_MINUTES = 0
DEFAULT_AFTER_MINUTES = 60  # as deals/deadlines.py
_VK_COMMUNITY = re.compile(r"^(?:https?://)?(?:m\.)?(?:vk\.com/)?(?:club|public|event)(\d+)/?$", re.I)
_VK_PERSON = re.compile(r"^(?:https?://)?(?:m\.)?(?:vk\.com/)?id(\d+)/?$", re.I)


def contracted_account(platform: str, handle: str | None, account_url: str | None = None) -> str:
    handle = (handle or "").strip()
    if platform == "telegram":
        name = handle.rsplit("/", 1)[-1] if "t.me/" in handle else handle
        return name.lstrip("@").casefold()
    if platform == "vk":
        for value in (handle, account_url or ""):
            if match := _VK_COMMUNITY.match(value.strip()):
                return f"-{match.group(1)}"
            if match := _VK_PERSON.match(value.strip()):
                return match.group(1)
        return ""
    for value in (account_url or "", handle):
        parts = urlsplit(value if "://" in value else f"https://{value}") if value else None
        host = (parts.hostname or "") if parts else ""
        if host and "." in host:
            return host.removeprefix("www.")
    return ""


def utm_tags(deal: DealItem, item: DeliverableItem) -> dict[str, str]:
    return utm.utm_tags(item.platform, deal.campaign_id or deal.contract_number, item.id)


def expected_for(deal: DealItem, item: DeliverableItem, account_url: str | None = None) -> Expected:
    terms = penalty_ops.terms_of(deal, item)
    advertiser = plain(deal.advertiser) or {}
    before = terms.publish_window_before_minutes
    after = terms.publish_window_after_minutes
    return Expected(
        platform=item.platform, account=contracted_account(item.platform, item.handle, account_url),
        format=item.format, publish_at=parse_utc(item.publish_at),
        window_before_minutes=DEFAULT_BEFORE_MINUTES if before is None else int(before),
        window_after_minutes=DEFAULT_AFTER_MINUTES if after is None else int(after),
        top_hours=terms.top_hours, terms=terms, disclosure=deal.disclosure or "none", erid=item.erid or None,
        advertiser_name=advertiser.get("name") or None, advertiser_inn=advertiser.get("inn") or None,
        utm=utm_tags(deal, item))
