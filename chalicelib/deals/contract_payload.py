"""A ContractView as JSON and back, exactly: what the API sends the PDF function (render_lambda.py).

`dump(view)` gives plain JSON values; `load(dump(view)) == view`. Values that JSON has no type for
are tagged: {"$decimal": "0.5"}, {"$date": "2026-07-01"}, {"$datetime": "2026-07-10T18:00:00"},
{"$money": [15000000, "RUB"]}, {"$tuple": [...]}, and a dataclass is {"$type": "Terms", fields…}.
Only the contract's own dataclasses may be named by "$type" (an allow-list), and each is built through
its constructor, so its checks run again on the far side. Pure: no I/O, no pydantic.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import fields, is_dataclass
from decimal import Decimal

from chalicelib.core.money import Money
from chalicelib.deals.contract_view import Advertiser, BloggerLegal, ContractView, DeliverableLine
from chalicelib.deals.rules.payments import PaymentItem
from chalicelib.deals.rules.terms import Penalties, Terms, UsageRights

TYPES = {cls.__name__: cls for cls in (ContractView, Advertiser, BloggerLegal, DeliverableLine, Terms, Penalties,
                                       UsageRights, PaymentItem)}
MAX_DEPTH = 12


class PayloadError(ValueError):
    """The payload is not a contract view made by `dump`."""


def _encode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Money):
        return {"$money": [value.minor, value.currency]}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if is_dataclass(value) and type(value).__name__ in TYPES and TYPES[type(value).__name__] is type(value):
        return {"$type": type(value).__name__, **{f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    raise PayloadError(f"A contract view holds no {type(value).__name__}.")


def dump(view: ContractView) -> dict:
    if not isinstance(view, ContractView):
        raise PayloadError("Only a ContractView is sent to the PDF function.")
    return _encode(view)


def _decode(value, depth: int = 0):
    if depth > MAX_DEPTH:
        raise PayloadError("The contract payload is nested too deeply.")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, list):
        return [_decode(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        raise PayloadError(f"Unexpected {type(value).__name__} in the contract payload.")
    if "$type" in value:
        cls = TYPES.get(value["$type"])
        if cls is None:
            raise PayloadError(f"{str(value['$type'])[:40]!r} is not part of a contract.")
        known = {f.name for f in fields(cls)}
        given = {k: v for k, v in value.items() if k != "$type"}
        if set(given) - known:
            raise PayloadError(f"{cls.__name__} has no {sorted(set(given) - known)[0]!r}.")
        return cls(**{k: _decode(v, depth + 1) for k, v in given.items()})
    if len(value) != 1:
        raise PayloadError("A tagged value has exactly one tag.")
    (tag, inner), = value.items()
    try:
        if tag == "$money":
            minor, currency = inner
            if isinstance(minor, bool) or not isinstance(minor, int):
                raise PayloadError("An amount is a whole number of minor units.")
            return Money(minor, currency)
        if tag == "$decimal":
            return Decimal(str(inner))
        if tag == "$datetime":
            return dt.datetime.fromisoformat(inner)
        if tag == "$date":
            return dt.date.fromisoformat(inner)
        if tag == "$tuple":
            return tuple(_decode(v, depth + 1) for v in inner)
    except PayloadError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise PayloadError(f"Bad {tag} in the contract payload: {exc}") from None
    raise PayloadError(f"Unknown tag {tag[:20]!r} in the contract payload.")


def load(data) -> ContractView:
    """The view back; PayloadError (a ValueError) for anything `dump` would not have made."""
    try:
        view = _decode(data)
    except PayloadError:
        raise
    except (TypeError, ValueError) as exc:  # a dataclass's own check refused a value
        raise PayloadError(f"The contract payload is not a valid contract: {exc}") from None
    if not isinstance(view, ContractView):
        raise PayloadError("The payload is not a contract view.")
    return view
