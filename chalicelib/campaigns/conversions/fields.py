"""A conversion's fields as the webhook and the CSV import read them — the same checks for both. Pure.

Each reader returns (value, problem): the value when the text is good, else a problem code with its
parameters, which the caller words in the reader's language (`campaign_conversions.field.<code>` keys).

    order_id       1–200 characters, no control characters; kept exactly as sent
    occurred_at    ISO 8601 with its zone (2026-12-05T14:30:00+03:00, …Z); not before 2000 (EARLIEST) nor more
                   than 5 minutes ahead (a year-1 time would not even sort: stored times are fixed-width from 1000)
    amount         a decimal string ("1990.00"; "1990,00" too, as a spreadsheet in a Russian locale writes
                   it), at most the currency's minor digits, not negative, at most MAX_MINOR minor units (no
                   single order is larger; a sum of absurd ones would break the totals); the currency must be
                   the campaign's
    promo_code     up to 64 characters, upper-cased (codes are stored upper case)
    link_code      up to 64 letters, digits, "-" or "_"; lower-cased like /r/<code> reads it (codes are lower case)
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from chalicelib.core.money import Money, MoneyError, currencies, digits

MAX_ORDER_ID = 200
MAX_CODE = 64
FUTURE_SLACK = dt.timedelta(minutes=5)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
MAX_MINOR = 10**11  # one conversion: a billion roubles (or dollars; 100 billion yen) at most
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LINK_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DECIMAL = re.compile(r"^[0-9]+([.,][0-9]+)?$")


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Incoming:
    """One conversion as a sender reported it, checked."""

    order_id: str
    occurred_at: dt.datetime  # aware
    amount: Money
    promo_code: str | None = None
    link_code: str | None = None


def order_id(text) -> tuple[str | None, Problem | None]:
    if not isinstance(text, str) or not text.strip():
        return None, Problem("order_id", "required")
    text = text.strip()
    if len(text) > MAX_ORDER_ID:
        return None, Problem("order_id", "too_long", {"max": MAX_ORDER_ID})
    if _CONTROL.search(text):
        return None, Problem("order_id", "control")
    return text, None


def occurred_at(text, now: dt.datetime) -> tuple[dt.datetime | None, Problem | None]:
    if not isinstance(text, str) or not text.strip():
        return None, Problem("occurred_at", "required")
    raw = text.strip()
    shown = raw[:40]
    try:
        value = dt.datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1:] in ("Z", "z") else raw)
    except (ValueError, OverflowError):
        return None, Problem("occurred_at", "not_a_time", {"value": shown})
    if "T" not in raw.upper() and " " not in raw:
        return None, Problem("occurred_at", "not_a_time", {"value": shown})
    if value.tzinfo is None or value.utcoffset() is None:
        return None, Problem("occurred_at", "no_zone", {"value": shown})
    try:
        utc = value.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):  # 0001-01-01T00:30:00+01:00 is before year 1 in UTC; 9999-12-31T23:00-14:00
        utc = None
    if utc is None:
        code = "too_early" if value.year <= EARLIEST.year else "future"
        return None, Problem("occurred_at", code, {"value": shown, "year": EARLIEST.year})
    if utc < EARLIEST:
        return None, Problem("occurred_at", "too_early", {"value": shown, "year": EARLIEST.year})
    if utc - now > FUTURE_SLACK:
        return None, Problem("occurred_at", "future", {"value": shown})
    return utc, None


def _too_large(raw: str, places: int) -> bool:
    """Whether a decimal text (digits, one "." at most) is over MAX_MINOR minor units — told before Money
    parses it, so "99999999999999999999" is "too large", not "too many digits after the point"."""
    whole = raw.partition(".")[0].lstrip("0")
    if len(whole) > len(str(MAX_MINOR)):
        return True
    return Decimal(raw) > Decimal(MAX_MINOR).scaleb(-places)


def amount(text, currency, campaign_currency: str) -> tuple[Money | None, Problem | None]:
    """The money, in the campaign's currency only."""
    if not isinstance(currency, str) or not currency.strip():
        return None, Problem("currency", "required")
    code = currency.strip().upper()
    if code not in currencies():
        return None, Problem("currency", "unknown_currency", {"value": currency.strip()[:10]})
    if code != campaign_currency:
        return None, Problem("currency", "other_currency", {"value": code, "campaign": campaign_currency})
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, Problem("amount", "required")
    if isinstance(text, float):
        return None, Problem("amount", "float")
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        return None, Problem("amount", "not_an_amount", {"value": str(text)[:40]})
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if raw.startswith("-"):
        return None, Problem("amount", "negative")
    if not _DECIMAL.match(raw):
        return None, Problem("amount", "not_an_amount", {"value": str(text).strip()[:40]})
    raw = raw.replace(",", ".")
    places = digits(code)
    if _too_large(raw, places):
        return None, Problem("amount", "too_large", {"max": MAX_MINOR // 10**places, "currency": code})
    try:
        money = Money.parse(raw, code)
    except MoneyError:
        return None, Problem("amount", "digits", {"currency": code, "digits": places})
    return money, None


def promo_code(text) -> tuple[str | None, Problem | None]:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, None
    if not isinstance(text, str):
        return None, Problem("promo_code", "not_text")
    text = text.strip()
    if len(text) > MAX_CODE or _CONTROL.search(text):
        return None, Problem("promo_code", "bad_code", {"max": MAX_CODE})
    return text.upper(), None


def link_code(text) -> tuple[str | None, Problem | None]:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, None
    if not isinstance(text, str):
        return None, Problem("link_code", "not_text")
    text = text.strip()
    if not _LINK_CODE.match(text):
        return None, Problem("link_code", "bad_link_code", {"max": MAX_CODE})
    return text.lower(), None


def read(values: dict, campaign_currency: str, now: dt.datetime) -> tuple[Incoming | None, list[Problem]]:
    """Every field of one conversion ({order_id, occurred_at, amount, currency, promo_code, link_code}):
    the conversion, or every problem it has (not only the first)."""
    problems: list[Problem] = []

    def take(result):
        value, problem = result
        if problem is not None:
            problems.append(problem)
        return value

    order = take(order_id(values.get("order_id")))
    when = take(occurred_at(values.get("occurred_at"), now))
    money = take(amount(values.get("amount"), values.get("currency"), campaign_currency))
    promo = take(promo_code(values.get("promo_code")))
    link = take(link_code(values.get("link_code")))
    if problems:
        return None, problems
    return Incoming(order, when, money, promo, link), []
