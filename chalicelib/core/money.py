"""Money: integer minor units and an ISO 4217 currency — never a float. Pure, no I/O.

On the wire an amount is `{"amount": "150000.00", "currency": "RUB"}`: the amount a decimal string (an
integer is accepted; a JSON float is refused, it may already have lost a kopeck) with at most the
currency's minor digits (Babel's CLDR data: RUB 2, JPY 0, KWD 3). Shown in the reader's locale with
Babel ("150 000,00 ₽" in Russian, "RUB 150,000.00" in English).

`split` turns a total and percentages into parts that add up to the total exactly: each part is
rounded down to the minor unit and the last takes the remainder (a payment schedule: 30 % / 70 %).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import lru_cache

MAX_MINOR = 10**15  # a trillion roubles and change: far above any deal, far below float trouble
HUNDRED = Decimal(100)


class MoneyError(ValueError):
    """A sentence for the person (the schemas turn it into a 422 naming the field)."""


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """The currencies in use somewhere today (CLDR), so the old rouble RUR or the Deutsche Mark are refused."""
    from datetime import date

    from babel import Locale
    from babel.numbers import get_territory_currencies

    found: set[str] = set()
    for territory in Locale.parse("en").territories:
        found.update(get_territory_currencies(territory, date.today()))
    return frozenset(found)


@lru_cache(maxsize=None)
def digits(currency: str) -> int:
    """The currency's minor digits (CLDR)."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


@dataclass(frozen=True, order=True)
class Money:
    minor: int  # amount in minor units (kopecks, cents)
    currency: str  # ISO 4217, upper case

    def __post_init__(self):
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError("An amount is a whole number of minor units.")
        if self.currency not in currencies():
            raise MoneyError(f"{self.currency!r} is not an ISO 4217 currency code.")
        if abs(self.minor) > MAX_MINOR:
            raise MoneyError("The amount is too large.")

    # --- reading and writing --------------------------------------------------------------------------

    @classmethod
    def parse(cls, amount, currency) -> "Money":
        """From the wire: a decimal string (or an int) and a currency code. Floats are refused."""
        if not isinstance(currency, str) or not currency.strip():
            raise MoneyError("Give the currency as an ISO 4217 code, such as RUB.")
        code = currency.strip().upper()
        if code not in currencies():
            raise MoneyError(f"{currency!r} is not an ISO 4217 currency code.")
        if isinstance(amount, bool) or not isinstance(amount, (str, int)):
            raise MoneyError('Give the amount as a string, such as "150000.00" (never a floating-point number).')
        try:
            value = Decimal(amount.strip().replace(" ", "").replace("\u00a0", "") if isinstance(amount, str)
                            else amount)
        except InvalidOperation:
            raise MoneyError(f"{amount!r} is not an amount.") from None
        if not value.is_finite() or (isinstance(amount, str) and "e" in amount.lower()):
            raise MoneyError(f"{amount!r} is not an amount; write it with digits and a point, such as 1500.00.")
        if value.adjusted() > 15:  # checked before scaling: "1e999999" must never reach int()
            raise MoneyError("The amount is too large.")
        places = digits(code)
        if value.as_tuple().exponent < -places:  # "1.500" for roubles is a typo or 1,500 misread: refused
            raise MoneyError(f"{code} has {places} digits after the point at most.")
        return cls(int(value.scaleb(places)), code)

    @property
    def amount(self) -> Decimal:
        """The amount in major units, exactly (150000.00)."""
        return Decimal(self.minor).scaleb(-digits(self.currency)).quantize(Decimal(1).scaleb(-digits(self.currency)))

    def to_wire(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}

    def format(self, locale: str) -> str:
        """In the reader's locale: "150 000,00 ₽" (ru), "RUB 150,000.00" (en)."""
        return format_minor(self.minor, self.currency, locale)

    # --- arithmetic --------------------------------------------------------------------------------------

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise MoneyError("Amounts in different currencies cannot be added.")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def percent(self, pct: Decimal) -> "Money":
        """`pct` % of this amount, rounded down to the minor unit."""
        return Money(int((Decimal(self.minor) * Decimal(pct) / HUNDRED).to_integral_value(ROUND_DOWN)),
                     self.currency)


def format_minor(minor: int, currency: str, locale: str) -> str:
    """A whole number of minor units in the reader's locale, like Money.format, for a total that may lie beyond
    Money's bounds (a sum of many amounts: shown, never stored)."""
    from babel.numbers import format_currency

    exact = Decimal(int(minor)).scaleb(-digits(currency)).quantize(Decimal(1).scaleb(-digits(currency)))
    text = format_currency(exact, currency, locale=locale)
    # CLDR's currency spacing: a symbol of letters (RUB) is kept apart from the number
    if text.startswith(currency) and len(text) > len(currency) and text[len(currency)].isdigit():
        text = f"{currency}\u00a0{text[len(currency):]}"
    return text


def split(total: Money, percents: list[Decimal]) -> list[Money]:
    """Parts of `total` by `percents` (which must add up to 100): each rounded down, the last one
    taking what rounding left, so the parts always add up to the total."""
    if not percents:
        raise MoneyError("A split needs at least one part.")
    if sum(percents, Decimal(0)) != HUNDRED:
        raise MoneyError("The parts must add up to 100 %.")
    if any(p < 0 for p in percents):
        raise MoneyError("A part cannot be negative.")
    parts = [total.percent(p) for p in percents[:-1]]
    rest = total
    for part in parts:
        rest = rest - part
    return [*parts, rest]
