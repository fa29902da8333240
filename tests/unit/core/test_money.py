"""Money in integer minor units: parsing from the wire, formatting per locale, splits that always
add up (property-based), and refusals with sentences."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.money import Money, MoneyError, split


def test_wire_round_trip_and_minor_units():
    fee = Money.parse("150000.00", "rub")
    assert fee == Money(15_000_000, "RUB") and fee.to_wire() == {"amount": "150000.00", "currency": "RUB"}
    assert Money.parse(1500, "JPY").to_wire() == {"amount": "1500", "currency": "JPY"}
    assert Money.parse("1.234", "KWD").minor == 1234
    assert Money.parse("150 000,00".replace(",", "."), "RUB").minor == 15_000_000


@pytest.mark.parametrize("amount, currency, says", [
    (150000.5, "RUB", "floating-point"), ("1.005", "RUB", "2 digits"), ("1.5", "JPY", "0 digits"),
    ("abc", "RUB", "not an amount"), ("NaN", "RUB", "not an amount"), ("Infinity", "RUB", "not an amount"),
    ("100", "RUR", "ISO 4217"), ("100", "", "ISO 4217"), (True, "RUB", "floating-point"),
    ("1" * 20, "RUB", "too large"),
])
def test_refusals_say_why(amount, currency, says):
    with pytest.raises(MoneyError) as refused:
        Money.parse(amount, currency)
    assert says in str(refused.value)


def test_formatting_in_the_readers_locale():
    fee = Money.parse("150000.00", "RUB")
    assert fee.format("ru") == "150\u00a0000,00\u00a0₽"
    assert fee.format("en") == "RUB\u00a0150,000.00"
    assert Money.parse("99.5", "EUR").format("en") == "€99.50"


def test_a_thirty_seventy_schedule_adds_up_to_the_kopeck():
    parts = split(Money.parse("100000.01", "RUB"), [Decimal(30), Decimal(70)])
    assert [p.to_wire()["amount"] for p in parts] == ["30000.00", "70000.01"]


@given(st.integers(0, 10**12), st.lists(st.integers(1, 100), min_size=1, max_size=8))
def test_splits_always_add_up_and_never_go_negative(minor, weights):
    total = Money(minor, "RUB")
    scale = Decimal(100) / Decimal(sum(weights))
    percents = [Decimal(w) * scale for w in weights[:-1]]
    percents.append(Decimal(100) - sum(percents, Decimal(0)))
    parts = split(total, percents)
    assert sum(p.minor for p in parts) == minor
    assert all(p.minor >= 0 for p in parts) and all(p.currency == "RUB" for p in parts)


def test_splits_refuse_what_does_not_add_up_and_currencies_do_not_mix():
    with pytest.raises(MoneyError):
        split(Money(100, "RUB"), [Decimal(50), Decimal(40)])
    with pytest.raises(MoneyError):
        Money(1, "RUB") + Money(1, "EUR")
