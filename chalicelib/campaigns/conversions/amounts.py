"""Amounts of conversions written out: one conversion's, and the sum of many. Pure.

A single conversion is capped (fields.MAX_MINOR), but a campaign's revenue is the sum of as many as shops
send, so it can pass core.money.Money's own cap (MAX_MINOR there: a Money that large refuses to exist).
These helpers therefore work on plain integers of minor units and Decimals, never building a Money:

    major(minor, currency)          -> Decimal in major units, with the currency's digits (1990.00)
    text(minor, currency, language) -> "RUB 1,990.00" (en) / "1 990,00 ₽" (ru), as Money.format writes it
"""
from __future__ import annotations

from decimal import Decimal

from chalicelib.core.money import digits


def major(minor: int, currency: str) -> Decimal:
    places = digits(currency)
    return Decimal(int(minor)).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def text(minor: int, currency: str, language: str) -> str:
    """In the reader's locale (Babel), the way core.money.Money.format writes an amount."""
    from babel.numbers import format_currency

    written = format_currency(major(minor, currency), currency, locale=language)
    if written.startswith(currency) and len(written) > len(currency) and written[len(currency)].isdigit():
        written = f"{currency}\u00a0{written[len(currency):]}"  # a symbol of letters kept apart from the number
    return written
