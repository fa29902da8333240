"""Attribution (rules/attribution.py): a promo code beats a link; a link counts with a click in the 30 UTC
days before the conversion; a link of another campaign or without clicks leaves it unattributed."""
from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.campaigns.rules.attribution import BY_LINK, BY_NONE, BY_PROMO, FoundLink, Owner, attribute, window

CAMPAIGN = "c1"
AT = dt.datetime(2026, 12, 31, 10, 0, tzinfo=dt.timezone.utc)
LINK = FoundLink("abc", CAMPAIGN, Owner(deal_id="d-link", deliverable_id="dv-link"))
PROMO = Owner(deal_id="d-promo", post_id="p-promo")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_a_promo_code_beats_a_link_with_clicks():
    verdict = attribute(CAMPAIGN, AT, promo_code="WINTER10", promo_owner=PROMO, link=LINK,
                        click_days=[day("2026-12-30")])
    assert verdict.by == BY_PROMO and verdict.owner == PROMO and verdict.promo_code == "WINTER10"
    assert verdict.link_code is None


def test_an_unknown_promo_code_falls_back_to_the_link():
    verdict = attribute(CAMPAIGN, AT, promo_code="NOPE", promo_owner=None, link=LINK, click_days=[day("2026-12-30")])
    assert verdict.by == BY_LINK and verdict.owner == LINK.owner and verdict.link_code == "abc"


def test_a_click_30_days_before_counts():
    assert attribute(CAMPAIGN, AT, link=LINK, click_days=[day("2026-12-01")]).by == BY_LINK


def test_a_click_31_days_before_does_not():
    assert attribute(CAMPAIGN, AT, link=LINK, click_days=[day("2026-11-30")]).by == BY_NONE


def test_a_click_on_the_conversions_own_day_counts_and_a_later_day_does_not():
    assert attribute(CAMPAIGN, AT, link=LINK, click_days=[day("2026-12-31")]).by == BY_LINK
    assert attribute(CAMPAIGN, AT, link=LINK, click_days=[day("2027-01-01")]).by == BY_NONE


def test_no_click_at_all_is_unattributed():
    assert attribute(CAMPAIGN, AT, link=LINK, click_days=[]).by == BY_NONE


def test_a_link_of_another_campaign_is_unattributed():
    other = FoundLink("abc", "c2", Owner(deal_id="d"))
    verdict = attribute(CAMPAIGN, AT, link=other, click_days=[day("2026-12-30")])
    assert verdict.by == BY_NONE and verdict.owner == Owner()


def test_nothing_at_all_is_unattributed():
    assert attribute(CAMPAIGN, AT).by == BY_NONE


@pytest.mark.parametrize("occurred, first, last", [
    (dt.datetime(2026, 12, 31, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=3))), "2026-11-30", "2026-12-30"),
    (dt.datetime(2026, 3, 1, 23, 59, tzinfo=dt.timezone.utc), "2026-01-30", "2026-03-01"),
])
def test_the_window_is_in_utc_days(occurred, first, last):
    assert window(occurred) == (day(first), day(last))


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        window(dt.datetime(2026, 12, 31))


def test_the_window_of_the_first_days_does_not_overflow():
    at = dt.datetime(1, 1, 5, tzinfo=dt.timezone.utc)
    assert window(at) == (dt.date.min, dt.date(1, 1, 5))
    assert attribute(CAMPAIGN, at, link=LINK, click_days=[dt.date(1, 1, 2)]).by == BY_LINK
