"""The KPI formulas on a hand-computed dataset (docs/kpis.md): every expected number below was worked out by
hand, not by the code under test.

The dataset (one campaign, RUB):
  own post on Telegram   views 10 000, reach 8 000, likes 300, comments 50, shares 50   → engagements 400
  own post on VK         views  5 000, reach 4 000, impressions 6 000, likes 100          → engagements 100
  blogger on Telegram    views 12 000, forwards 100, comments 20, reach unknown, 20 000 subscribers → 120
  cost 182 490.00 ₽, revenue 8 000.00 ₽, clicks 600, conversions 3
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.campaigns.rules import kpi

POST_TG = kpi.Reached(engagements=400, reach=8000)
POST_VK = kpi.Reached(engagements=100, reach=4000)
BLOGGER = kpi.Reached(engagements=120, reach=None, followers=20_000)


def test_engagements_add_the_known_parts_only():
    assert kpi.engagements({"likes": 300, "comments": 50, "shares": 50}) == 400
    assert kpi.engagements({"likes": 10, "comments": 5, "saves": 2, "forwards": 1, "shares": 3}) == 21
    assert kpi.engagements({"views": 100, "reach": 50}) is None  # nothing of engagement known: unknown, not 0
    assert kpi.engagements({"likes": 0}) == 0


def test_er_of_one_item_is_of_reach_else_of_followers_and_says_which():
    assert kpi.er(POST_TG) == kpi.Rate(Decimal("0.05"), "reach")  # 400 / 8 000
    assert kpi.er(BLOGGER) == kpi.Rate(Decimal("0.006"), "followers")  # 120 / 20 000
    assert kpi.er(kpi.Reached(120, reach=0, followers=0)) == kpi.Rate(None, None)
    assert kpi.er(kpi.Reached(None, reach=1000)) == kpi.Rate(None, None)


def test_er_of_many_items_sums_both_sides_and_names_a_mixed_base():
    assert kpi.er_total([POST_TG, POST_VK]) == kpi.Rate(Decimal(500) / Decimal(12_000), "reach")
    mixed = kpi.er_total([POST_TG, POST_VK, BLOGGER])
    assert mixed.value == Decimal("0.019375")  # 620 / 32 000
    assert mixed.base == "reach_and_followers"
    assert kpi.er_total([BLOGGER]).base == "followers"
    assert kpi.er_total([kpi.Reached(None, 100)]) == kpi.Rate(None, None)


def totals(**overrides) -> kpi.Totals:
    values = dict(cost=Decimal("182490.00"), revenue=Decimal("8000.00"), views=27_000, reach=12_000, impressions=6000,
                  engagements=620, clicks=600, conversions=3, er=kpi.er_total([POST_TG, POST_VK, BLOGGER]),
                  telegram_views=12_000, subscribers=20_000)
    return kpi.Totals(**{**values, **overrides})


def test_every_kpi_of_the_dataset():
    k = kpi.kpis(totals())
    assert k.er == Decimal("0.019375") and k.er_base == "reach_and_followers"
    assert k.err == Decimal("0.6")  # 12 000 / 20 000
    assert k.ctr == Decimal("0.1")  # 600 / 6 000
    assert k.cpm == Decimal("30415")  # 182 490 / 6 000 × 1000
    assert k.cpc == Decimal("304.15")  # 182 490 / 600
    assert k.cpa == Decimal("60830")  # 182 490 / 3
    # the long ones: exact to 28 digits inside, 6 places on the wire
    assert kpi.wire(k.cpv) == "6.758889"  # 182 490 / 27 000 = 6.758888…
    assert kpi.wire(k.cpe) == "294.33871"  # 182 490 / 620 = 294.338709677…
    assert kpi.wire(k.roas) == "0.043838"  # 8 000 / 182 490 = 0.0438380185…
    assert kpi.wire(k.roi) == "-0.956162"  # (8 000 − 182 490) / 182 490 = −0.9561619814…
    assert k.roi == (Decimal("8000.00") - Decimal("182490.00")) / Decimal("182490.00")


def test_a_zero_or_unknown_denominator_is_none_never_zero_or_infinity():
    k = kpi.kpis(totals(impressions=0, views=None, clicks=0, conversions=0, engagements=None, subscribers=None))
    assert (k.cpm, k.ctr, k.cpv, k.cpc, k.cpa, k.cpe, k.err) == (None,) * 7
    free = kpi.kpis(totals(cost=Decimal(0)))
    assert free.roas is None and free.roi is None  # nothing spent: no return to speak of
    assert free.cpm == Decimal(0) and free.cpc == Decimal(0)  # it cost nothing per thousand: 0 is the truth
    no_sales = kpi.kpis(totals(revenue=Decimal(0)))
    assert no_sales.roas == Decimal(0) and no_sales.roi == Decimal(-1)
    assert kpi.ratio(5, 0) is None and kpi.ratio(None, 5) is None and kpi.ratio(5, None) is None


def test_money_stays_exact_decimal_from_minor_units():
    assert kpi.major(18_249_000, 2) == Decimal("182490.00")
    assert kpi.major(1500, 0) == Decimal("1500")  # JPY has no minor unit
    assert kpi.major(1234, 3) == Decimal("1.234")  # KWD has three
    assert kpi.major(None, 2) is None
    third = kpi.ratio(Decimal("100.00"), 3)
    assert third == Decimal("33.33333333333333333333333333")  # 28 digits, not rounded to kopecks on the way


def test_wire_rounds_half_even_to_six_places_and_drops_trailing_zeros():
    assert kpi.wire(Decimal("0.0000005")) == "0"  # half-even: down to the even 0
    assert kpi.wire(Decimal("0.0000015")) == "0.000002"
    assert kpi.wire(Decimal("30415.000000")) == "30415"
    assert kpi.wire(Decimal("-0.0000001")) == "0"
    assert kpi.wire(None) is None


def test_unknown_plus_known_sums():
    assert kpi.total([None, None]) is None
    assert kpi.total([None, 5, 7]) == 12
    assert kpi.add(None, 0) == 0


@pytest.mark.parametrize("language, currency, amount, shown", [
    ("en", "RUB", "30415", "RUB\u00a030,415.00"),
    ("ru", "RUB", "30415", "30\u00a0415,00\u00a0₽"),
    ("en", "RUB", "6.758888", "RUB\u00a06.76"),  # CPV: only the page rounds, to kopecks
    ("ru", "RUB", "0.015", "0,02\u00a0₽"),  # half-even: 0.015 → 0.02
    ("ru", "RUB", "0.005", "0,00\u00a0₽"),  # … and 0.005 → 0.00
    ("en", "JPY", "1234.5", "¥1,234"),  # yen have no minor unit: to the even whole yen
    ("en", "JPY", "1235.5", "¥1,236"),
    ("ru", "JPY", "30415", "30\u00a0415\u00a0¥"),
])
def test_currency_rounding_happens_on_display_only(language, currency, amount, shown):
    from chalicelib.campaigns.report.display import Shown

    assert Shown(language, currency).money(Decimal(amount)) == shown


def test_ratios_on_display():
    from chalicelib.campaigns.report.display import Shown

    assert Shown("ru", "RUB").percent(Decimal("0.019375")) == "1,94\u00a0%"
    assert Shown("en", "RUB").percent(Decimal("-0.9561619814")) == "-95.62\u00a0%"
    assert Shown("en", "RUB").kpi("roas", Decimal("2.5")) == "2.5\u00d7"
    assert Shown("en", "RUB").kpi("cpm", None) == "—" and Shown("en", "RUB").kpi("er", None) == "—"
