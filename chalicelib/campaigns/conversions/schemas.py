"""Conversions on the wire (the shapes of routes.py). The webhook's body is read by the view itself (after
the signature check), first through these models for its shape, then field by field (fields.py)."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, WrapValidator

from chalicelib.core.schemas import Input, Output
from chalicelib.deals.schemas import MoneyOut

MAX_BATCH = 500


def _left_to_fields(value: Any, handler) -> Any:
    """A float, true/false, a list or an object pass as they are: fields.amount refuses them with a sentence in
    the sender's language (pydantic's own, in English, would turn 19.0 into 19 or speak English)."""
    if isinstance(value, (float, bool, list, dict)) or value is None:
        return value
    return handler(value)


class AmountIn(Input):
    amount: Annotated[str | int, WrapValidator(_left_to_fields)] = Field(
        description='A decimal string such as "1990.00" (a JSON float is refused)')
    currency: str = Field(max_length=10, description="ISO 4217; must be the campaign's currency")


class ConversionIn(Input):
    order_id: str = Field(max_length=1000, description="The shop's order id: the same order id counts once")
    occurred_at: str = Field(max_length=100, description="When the order was placed: ISO 8601 with its zone")
    amount: AmountIn
    promo_code: str | None = Field(default=None, max_length=1000, description="The promo code the buyer used")
    link_code: str | None = Field(default=None, max_length=1000,
                                  description="The tracked link the buyer came by last (the code of /r/<code>)")


class ConversionBatchIn(Input):
    conversions: list[ConversionIn] = Field(min_length=1, max_length=MAX_BATCH)


class ConversionOut(Output):
    order_id: str
    occurred_at: str
    amount: MoneyOut
    promo_code: str | None = None
    link_code: str | None = None
    attributed_by: str = Field(description="promo | link | none")
    deal_id: str | None = Field(default=None, description="What it counts for (through the code or the link)")
    deliverable_id: str | None = None
    post_id: str | None = None
    source: str = Field(description="webhook | csv")
    received_at: str
    duplicate: bool = Field(default=False, description="The order id was counted already: this is the stored one")


class ConversionBatchOut(Output):
    created: int
    duplicates: int
    items: list[ConversionOut]


class DuplicateRow(Output):
    line: int = Field(description="The row in the file (the header is row 1)")
    order_id: str
    stored: bool = Field(description="true: counted by an earlier import or the webhook; false: twice in this file")


class CsvImportOut(Output):
    created: int
    duplicates: list[DuplicateRow]
    items: list[ConversionOut] = Field(description="The conversions this file added")


class Totals(Output):
    count: int
    revenue: MoneyOut
    by_promo: int
    by_link: int
    unattributed: int


class ConversionList(Output):
    items: list[ConversionOut]
    totals: Totals


class WebhookSecretOut(Output):
    url: str = Field(description="Where the shop posts conversions")
    header: str = Field(description="The signature's header")
    secret: str | None = Field(description="The HMAC key (none yet: rotate to make one)")
