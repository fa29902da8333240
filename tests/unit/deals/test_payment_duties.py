"""Who gets which payment button (payment_service.actions_for: the status, the permission, the four-eyes
rule, the deal's status, whose hold it is) and the days a brand's payments page is cut by (the ISO
week's Sunday, the month, overdue) — property-based where the calendar is involved. No database."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.money import Money
from chalicelib.deals import payment_service as ps
from chalicelib.identity.principal import Principal

BRAND = "b1"


def person(*roles: str, admin: bool = False, user_id: str = "u1") -> Principal:
    return Principal(user_id=user_id, email="e", name="n", language="en", is_admin=admin,
                     brands={BRAND: list(roles)} if roles else {})


def payment(status="due", holds=(), held_from=None, approved_by=None, due_on="2026-03-10", amount=100_00):
    return SimpleNamespace(brand_id=BRAND, label="Advance", percent="100", amount_minor=amount, currency="RUB",
                           trigger="on_signing", due_days=5, date=None, status=status, due_on=due_on,
                           holds=list(holds), held_from=held_from, paid_on=None, reference=None,
                           approved_by=approved_by)


@pytest.mark.parametrize("roles, status, expected", [
    (("smm_manager",), "due", ["approve", "hold", "cancel"]),
    (("smm_manager",), "approved", ["hold", "cancel"]),
    (("finance",), "due", []),
    (("finance",), "approved", ["pay"]),
    (("influencer_manager",), "due", ["hold", "cancel"]),
    (("influencer_manager",), "planned", ["hold", "cancel"]),
    (("content_manager",), "due", []),
    (("copywriter",), "approved", []),
    (("client_approver",), "approved", []),
    ((), "due", []),  # not in the brand
    (("smm_manager", "finance"), "paid", []),
    (("smm_manager", "finance"), "cancelled", []),
])
def test_buttons_by_role_and_status(roles, status, expected):
    assert ps.actions_for(person(*roles), payment(status, approved_by="someone")) == expected


def test_admins_get_every_button_the_status_allows():
    assert ps.actions_for(person(admin=True), payment("due")) == ["approve", "hold", "cancel"]
    assert ps.actions_for(person(admin=True), payment("approved", approved_by="u1")) == ["pay", "hold", "cancel"]


def test_the_approver_gets_no_pay_button_but_another_payer_does():
    both = person("smm_manager", "finance")
    assert ps.actions_for(both, payment("approved", approved_by="u1")) == ["hold", "cancel"]
    assert ps.actions_for(both, payment("approved", approved_by="u2")) == ["pay", "hold", "cancel"]
    assert ps.same_person(both, payment("approved", approved_by="u1"))
    assert not ps.same_person(person(admin=True), payment("approved", approved_by="u1"))
    assert not ps.same_person(both, payment("due", approved_by=None))


@pytest.mark.parametrize("holds, smm, admin", [
    (["manual"], ["release", "cancel"], ["release", "cancel"]),
    (["dispute"], ["hold", "cancel"], ["hold", "cancel"]),
    (["check_failed"], ["hold", "cancel"], ["hold", "release", "cancel"]),
    (["dispute", "manual"], ["release", "cancel"], ["release", "cancel"]),
])
def test_people_release_their_own_holds_admins_also_a_failed_checks(holds, smm, admin):
    held = payment("on_hold", holds=holds, held_from="due")
    assert ps.actions_for(person("smm_manager"), held) == smm
    assert ps.actions_for(person(admin=True), held) == admin


def test_nothing_is_approved_or_paid_on_a_cancelled_or_closed_deal():
    for deal_status in ps.SHUT:
        assert ps.actions_for(person("smm_manager"), payment("due"), deal_status) == ["hold", "cancel"]
        assert ps.actions_for(person("finance"), payment("approved"), deal_status) == []
    assert ps.actions_for(person("finance"), payment("approved"), "disputed") == ["pay"]


def test_may_is_the_permission_alone():
    assert ps.may(person("finance"), BRAND, "pay") and not ps.may(person("finance"), BRAND, "approve")
    assert ps.may(person("smm_manager"), BRAND, "hold") and ps.may(person("influencer_manager"), BRAND, "release")
    assert not ps.may(person("smm_manager"), "other", "approve") and not ps.may(person("finance"), BRAND, "dance")


# --- the days ----------------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


@given(days)
def test_the_week_ends_on_the_sunday_of_the_iso_week(today):
    sunday = ps.week_end(today)
    assert sunday.isoweekday() == 7 and today <= sunday < today + dt.timedelta(days=7)
    assert sunday.isocalendar()[:2] == today.isocalendar()[:2]


@given(days)
def test_the_month_is_its_first_to_its_last_day(today):
    first, last = ps.month_bounds(today)
    assert first.day == 1 and (first.year, first.month) == (last.year, last.month) == (today.year, today.month)
    assert first <= today <= last and (last + dt.timedelta(days=1)).day == 1


def test_month_bounds_in_february_and_december():
    assert ps.month_bounds(dt.date(2028, 2, 10)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert ps.month_bounds(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize("status, due_on, expected", [
    ("due", "2026-03-09", True), ("approved", "2026-03-01", True), ("due", "2026-03-10", False),
    ("due", None, False), ("on_hold", "2026-03-01", False), ("paid", "2026-03-01", False),
])
def test_overdue_means_due_or_approved_before_today(status, due_on, expected):
    assert ps.overdue(payment(status, due_on=due_on), dt.date(2026, 3, 10)) is expected


@given(st.lists(st.tuples(st.sampled_from(["RUB", "USD", "EUR"]), st.integers(0, 10**12)), max_size=30))
def test_totals_add_up_per_currency_in_first_seen_order(parts):
    records = [SimpleNamespace(currency=c, amount_minor=m) for c, m in parts]
    sums = ps.totals(records)
    assert [m.currency for m in sums] == list(dict.fromkeys(c for c, _ in parts))
    for money in sums:
        assert money == Money(sum(m for c, m in parts if c == money.currency), money.currency)
