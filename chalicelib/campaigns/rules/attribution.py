"""What a conversion is attributed to. Pure: the facts the repository found go in, the verdict comes out.

The rules (issue 15, docs/conversions.md):
1. a promo code beats a link: a conversion carrying a code the campaign gave out counts for that code's
   deal / deliverable / post, whatever link it also names;
2. else a link: the conversion's `link_code` is the last link its buyer touched (last touch: the shop
   reports it). It counts when that link is the campaign's own and had a click within the WINDOW_DAYS
   days before the conversion;
3. else the conversion is unattributed (`none`) — still counted in the campaign's conversions and revenue.

Day granularity: clicks are stored per UTC day (ClickDayItem, no times), so the window is a range of UTC
days: from the day of (occurred_at − 30 days) to the day of occurred_at, both included. A click earlier
on the first day (up to a day more than 30 × 24 h before) and a click later on the conversion's own day
(after it, within the same UTC day) both count: one day's tolerance either way, never more.
A conversion on 2026-12-31 counts a click of 2026-12-01 (30 days before) but not one of 2026-11-30 (31).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

WINDOW_DAYS = 30
BY_PROMO, BY_LINK, BY_NONE = "promo", "link", "none"


@dataclass(frozen=True)
class Owner:
    """What a promo code or a link was given for (any of them may be unknown)."""

    deal_id: str | None = None
    deliverable_id: str | None = None
    post_id: str | None = None


@dataclass(frozen=True)
class FoundLink:
    """A tracked link as the repository found it by the conversion's link_code."""

    code: str
    campaign_id: str
    owner: Owner = Owner()


@dataclass(frozen=True)
class Attribution:
    by: str  # promo | link | none
    owner: Owner = Owner()
    promo_code: str | None = None  # the code it counts for (by == promo)
    link_code: str | None = None  # the link it counts for (by == link)


NONE = Attribution(BY_NONE)


def utc_day(instant: dt.datetime) -> dt.date:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("an instant with its zone is needed")
    return instant.astimezone(dt.timezone.utc).date()


def window(occurred_at: dt.datetime) -> tuple[dt.date, dt.date]:
    """The UTC days whose clicks count for a conversion at `occurred_at`: (first, last), both included
    (the first never before date.min: fields.py refuses such times, but the rule does not overflow)."""
    last = utc_day(occurred_at)
    span = dt.timedelta(days=WINDOW_DAYS)
    return (last - span if last - dt.date.min >= span else dt.date.min), last


def attribute(campaign_id: str, occurred_at: dt.datetime, *, promo_code: str | None = None,
              promo_owner: Owner | None = None, link: FoundLink | None = None,
              click_days: Iterable[dt.date] = ()) -> Attribution:
    """The verdict for one conversion of campaign `campaign_id`.

    promo_code / promo_owner: the code the conversion carried and what the campaign gave it for (None
    when the campaign has no such code); link: the link named by its link_code (None when there is no
    such link); click_days: the UTC days that link had clicks (any days: those outside the window are
    ignored here)."""
    if promo_code and promo_owner is not None:
        return Attribution(BY_PROMO, promo_owner, promo_code=promo_code)
    if link is not None and link.campaign_id == campaign_id:
        first, last = window(occurred_at)
        if any(first <= day <= last for day in click_days):
            return Attribution(BY_LINK, link.owner, link_code=link.code)
    return NONE
