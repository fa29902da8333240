"""The blogger's draft link `/d/<token>` (drafts.py, draft_pages.py): the signed token, its expiry,
and who acts when the blogger uses it.

A token is an itsdangerous signature (salt "deal-draft", keys rotate through SIGNING_KEYS) over
{"d": deliverable id, "p": post id, "n": nonce, "x": expiry (epoch seconds)}; nothing is stored when
one is made (the nonce keeps two links of the same moment apart). It expires 7 days after the draft
is due, never less than a day and never more than 30 days after it was made.

The blogger, acting through a link, is `influencer:<id>`: a principal with a copywriter's rights in
the deal's brand and nothing else, used only by drafts.py to write and submit the draft post.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from chalicelib.core.clock import parse_utc
from chalicelib.core.errors import BadRequest, Gone
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal

SALT = "deal-draft"
MAX_TTL = timedelta(days=30)
MARGIN = timedelta(days=7)  # a link outlives the draft's due time by this much
DECISION_TTL = timedelta(days=14)  # the link in a decision email, at least


class DraftLinkTampered(BadRequest):
    code = "draft_link_tampered"

    def __init__(self):
        super().__init__("This draft link is damaged or was not made by Greenlight; use the link as it was sent.")


class DraftLinkExpired(Gone):
    code = "draft_link_expired"

    def __init__(self, claims: "DraftClaims"):
        super().__init__("This draft link has expired; ask the brand's manager for a new one.")
        self.claims = claims


# --- the link --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DraftClaims:
    deliverable_id: str
    post_id: str
    nonce: str
    expires: int  # epoch seconds

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, tz=timezone.utc)


def make_token(deliverable_id: str, post_id: str, expires_at: datetime) -> str:
    from chalicelib.core.signing import serializer

    return serializer(SALT).dumps({"d": deliverable_id, "p": post_id, "n": secrets.token_urlsafe(6),
                                   "x": int(expires_at.timestamp())})


def read_token(token: str, now: datetime) -> DraftClaims:
    """The claims of a genuine token; DraftLinkTampered (400) or DraftLinkExpired (410, claims attached)."""
    from itsdangerous import BadData

    from chalicelib.core.signing import serializer

    if not token or len(token) > 1000:
        raise DraftLinkTampered()
    try:
        data = serializer(SALT).loads(token)
        claims = DraftClaims(deliverable_id=str(data["d"]), post_id=str(data["p"]), nonce=str(data["n"]),
                             expires=int(data["x"]))
    except (BadData, KeyError, TypeError, ValueError):
        raise DraftLinkTampered() from None
    if now.timestamp() >= claims.expires:
        raise DraftLinkExpired(claims)
    return claims


def url(token: str) -> str:
    from chalicelib.core.settings import get_settings

    return f"{get_settings().PUBLIC_BASE_URL}/d/{token}"


def expiry(draft_due: datetime | None, now: datetime, *, at_least: timedelta = timedelta(days=1)) -> datetime:
    wanted = max((draft_due or now) + MARGIN, now + at_least)
    return min(wanted, now + MAX_TTL)


def fresh_link(item, now: datetime, *, at_least: timedelta = timedelta(days=1)) -> tuple[str, datetime]:
    expires = expiry(parse_utc(item.draft_due_at), now, at_least=at_least)
    return url(make_token(item.id, item.post_id, expires)), expires


# --- who acts for the blogger ----------------------------------------------------------------------

def blogger_id(influencer_id: str) -> str:
    return f"influencer:{influencer_id}"


def blogger(deal, influencer, *, request_id: str | None = None) -> Principal:
    """The blogger as the content workflow sees them: a copywriter of this brand and nothing else."""
    name = getattr(influencer, "display_name", None) or "Blogger"
    return Principal(user_id=blogger_id(deal.influencer_id), email=f"{name} (draft link)", name=name,
                     language=deal.language or "ru", is_admin=False, brands={deal.brand_id: ["copywriter"]},
                     via="link", request_id=request_id)


def influencer_of(deal):
    from chalicelib.influencers import repo as influencer_repo

    return influencer_repo.get(deal.influencer_id, consistent=True)


def contact_email(influencer) -> str | None:
    return ((plain(getattr(influencer, "contacts", None)) or {}).get("email") or "").strip() or None


