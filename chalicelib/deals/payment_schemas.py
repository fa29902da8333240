"""Payments and adjustments: request and response models. Money is `{"amount", "currency", "text"}` on
the way out (`text`: as the reader's locale writes it) and never a float on the way in; days are
`YYYY-MM-DD`."""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from chalicelib.core.schemas import Id, Input, Output
from chalicelib.deals.schemas import Exact, MoneyIn, MoneyOut

Version = Annotated[int, Field(ge=1, description="The payment's version you saw: refused (409) if it changed")]


class PaymentStatusName(str, Enum):
    planned = "planned"
    due = "due"
    approved = "approved"
    paid = "paid"
    on_hold = "on_hold"
    cancelled = "cancelled"


class ReleasableHold(str, Enum):
    manual = "manual"  # a person's hold: whoever may hold may release it
    check_failed = "check_failed"  # a failed placement check: an administrator may override it


class AdjustmentRule(str, Enum):
    late = "late"
    missing_elements = "missing_elements"
    early_deletion = "early_deletion"
    no_show = "no_show"
    manual = "manual"  # a refund or bonus agreed outside the penalty clauses: its amount and a note


# --- requests -------------------------------------------------------------------------------------

class PaymentAction(Input):
    """approve, cancel: nothing but the version you saw (optional)."""

    version: Version | None = None


class PayIn(Input):
    paid_on: dt.date = Field(description="The day the money was sent (not in the future)")
    reference: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The bank transfer's or the accountant's number")
    version: Version | None = None


class HoldIn(Input):
    reason: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        default=None, description="Why, in words (kept in the audit trail); the hold is a `manual` one")
    version: Version | None = None


class ReleaseIn(Input):
    hold: ReleasableHold = Field(default=ReleasableHold.manual, description=(
        "Which hold to release: `manual` (whoever may hold), `check_failed` (administrators only). A `dispute` "
        "hold is released by resolving the deal's dispute"))
    version: Version | None = None


class AdjustmentIn(Input):
    """A penalty worked out by its clause from the contract's terms (the deliverable's, with its overrides)
    on the deliverable's share of the fee, or a `manual` line with its own signed amount and a note."""

    rule: AdjustmentRule
    deliverable_id: Id | None = Field(default=None, description="Every rule but manual")
    minutes_late: int | None = Field(default=None, ge=0, le=10**6, description="late: after the publish window")
    count: int | None = Field(default=None, ge=1, le=1000, description="missing_elements: how many are missing")
    live_hours: Exact | None = Field(default=None, ge=0, le=10**6,
                                     description='early_deletion: hours it was up, e.g. "18" or "17.5"')
    amount: MoneyIn | None = Field(default=None, description="manual only: negative takes money off")
    note: Annotated[str, StringConstraints(max_length=1000)] | None = None

    @model_validator(mode="after")
    def _fits_rule(self):
        wanted = {"late": "minutes_late", "missing_elements": "count", "early_deletion": "live_hours",
                  "manual": "amount"}.get(self.rule.value)
        if wanted and getattr(self, wanted) is None:
            raise ValueError(f"the {self.rule.value} rule needs {wanted}")
        for name in ("minutes_late", "count", "live_hours", "amount"):
            if name != wanted and getattr(self, name) is not None:
                raise ValueError(f"{name} does not belong to the {self.rule.value} rule")
        if self.rule is AdjustmentRule.manual:
            if self.deliverable_id is not None:
                raise ValueError("a manual line belongs to the deal, not to a deliverable")
            if not (self.note or "").strip():
                raise ValueError("a manual line needs a note saying what it is for")
        elif self.deliverable_id is None:
            raise ValueError(f"the {self.rule.value} rule needs deliverable_id")
        return self


class BrandPaymentsQuery(Input):
    """The accountant's file: one status or all, filed by day — paid ones by the day paid, planned ones
    by their date, the rest by due day — within [since, until]."""

    status: PaymentStatusName | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _blanks(cls, data):
        """A form's empty fields (the payments page's export form) are "not given"."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @model_validator(mode="after")
    def _range(self):
        if self.since and self.until and self.since > self.until:
            raise ValueError("since is after until")
        return self


# --- answers --------------------------------------------------------------------------------------

class PaymentOut(Output):
    id: str
    deal_id: str
    brand_id: str
    influencer_id: str
    position: int
    label: str
    percent: str
    amount: MoneyOut
    trigger: str
    due_days: int
    date: dt.date | None = None
    status: str
    due_on: dt.date | None = None
    overdue: bool = Field(description="Due or approved, and its due day has passed (the brand's today)")
    holds: list[str] = Field(description="Why it is on hold: check_failed, dispute, manual")
    held_from: str | None = None
    paid_on: dt.date | None = None
    reference: str | None = None
    approved_by: str | None = None
    paid_by: str | None = None
    actions: list[str] = Field(description="What you may do to it now")
    created_at: str
    updated_at: str
    version: int


class AdjustmentOut(Output):
    id: str
    deal_id: str
    deliverable_id: str | None = None
    rule: str
    inputs: dict = Field(description="Every number the amount was worked out from")
    amount: MoneyOut = Field(description="Signed: negative is money the influencer is not paid or gives back")
    recomputed: MoneyOut | None = Field(description="The amount worked out again from `inputs` alone")
    matches: bool = Field(description="recomputed equals amount")
    problem: str | None = Field(default=None, description="Why it could not be worked out again")
    note: str | None = None
    created_by: str | None = None
    created_at: str


class PaymentSummaryOut(Output):
    total: MoneyOut
    planned: MoneyOut
    due: MoneyOut
    approved: MoneyOut
    on_hold: MoneyOut
    paid: MoneyOut
    cancelled: MoneyOut
    adjustments: MoneyOut
    balance: MoneyOut = Field(description="total + adjustments - paid: still to pay (negative: owed back)")


class DealPaymentsOut(Output):
    deal_id: str
    deal_status: str
    items: list[PaymentOut]
    adjustments: list[AdjustmentOut]
    summary: PaymentSummaryOut
    can_adjust: bool


class BrandPaymentOut(PaymentOut):
    deal_title: str | None = None
    contract_number: str | None = None
    influencer_name: str | None = None


class BrandPaymentsOut(Output):
    today: dt.date = Field(description="In the brand's time zone")
    week_ends: dt.date
    month_starts: dt.date
    due_this_week: list[BrandPaymentOut] = Field(description="Due or approved, due by the week's end (overdue too)")
    on_hold: list[BrandPaymentOut]
    paid_this_month: list[BrandPaymentOut]
    totals: dict[str, list[MoneyOut]] = Field(description="Per section, one sum per currency")
