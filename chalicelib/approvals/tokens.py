"""Signed approval action tokens: the one format behind email links (`/a/<token>`) and Slack buttons.

A token is an itsdangerous URL-safe signature (salt "approval-action", key rotation through
SIGNING_KEYS: the newest key signs, every listed key verifies) over

    {"p": post id, "v": content version, "s": stage index, "u": approver user id,
     "a": approve | request_changes | reject | open, "x": expiry (epoch seconds)}

Nothing is stored when a token is made. Using one is single-use through the decision itself: the
decision and a LinkUseItem for (post, version, stage, approver) are written in one conditional
transaction, so a replay, or the other button of the same email, finds the decision already made.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from chalicelib.core.errors import BadRequest, Gone

SALT = "approval-action"
ACTIONS = ("approve", "request_changes", "reject", "open")
MAX_TTL = timedelta(days=7)


class TamperedLink(BadRequest):
    code = "link_tampered"

    def __init__(self):
        super().__init__("This link is damaged or was not made by Greenlight. Open the newest email "
                         "and use its link as it is.")


class ExpiredLink(Gone):
    code = "link_expired"

    def __init__(self, claims: "ActionClaims"):
        super().__init__("This link has expired. You can ask for a new one.")
        self.claims = claims


@dataclass(frozen=True)
class ActionClaims:
    post_id: str
    version: int
    stage: int
    user_id: str
    action: str
    expires: int  # epoch seconds

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, tz=timezone.utc)


def expiry_for(deadline: datetime | None, now: datetime, ttl_hours: int) -> datetime:
    """The stage deadline when it is still ahead, else now + LINK_TTL_HOURS; never beyond 7 days."""
    limit = now + min(timedelta(hours=ttl_hours), MAX_TTL)
    if deadline is not None and deadline > now:
        return min(deadline, now + MAX_TTL)
    return limit


def make(post_id: str, version: int, stage: int, user_id: str, action: str, expires_at: datetime) -> str:
    from chalicelib.core.signing import serializer

    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return serializer(SALT).dumps({"p": post_id, "v": int(version), "s": int(stage), "u": user_id, "a": action,
                                   "x": int(expires_at.timestamp())})


def read(token: str, now: datetime) -> ActionClaims:
    """The claims of a genuine token; TamperedLink (400) or ExpiredLink (410, claims attached)."""
    from itsdangerous import BadData

    from chalicelib.core.signing import serializer

    if not token or len(token) > 1000:
        raise TamperedLink()
    try:
        data = serializer(SALT).loads(token)
        claims = ActionClaims(post_id=str(data["p"]), version=int(data["v"]), stage=int(data["s"]),
                              user_id=str(data["u"]), action=str(data["a"]), expires=int(data["x"]))
    except (BadData, KeyError, TypeError, ValueError):
        raise TamperedLink() from None
    if claims.action not in ACTIONS:
        raise TamperedLink()
    if now.timestamp() >= claims.expires:
        raise ExpiredLink(claims)
    return claims


def url(token: str) -> str:
    from chalicelib.core.settings import get_settings

    return f"{get_settings().PUBLIC_BASE_URL}/a/{token}"
