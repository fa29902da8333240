"""Deals and deliverables: request and response models. Money is `{"amount": "150000.00", "currency":
"RUB"}` on the wire (core/money.py); a JSON float for an amount or a percent is refused, since it may
already have lost a kopeck. The rules (rules/) check what these shapes cannot: percents adding up to
100, a late cap below the hourly rate, a forbidden term inside a required text, the ru gates."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, model_validator

from chalicelib.core.schemas import Id, Input, Output, PageQuery, TimeZoneName, refuse_nulls


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('give the number as a string, such as "33.34" (never a floating-point number)')
    return value


def _past_instant(value: str) -> str:
    from chalicelib.core.clock import parse_utc, utcnow

    when = parse_utc(value)
    if when is None:
        raise ValueError("not a real date and time")
    if when > utcnow():
        raise ValueError("a publication cannot be in the future")
    return value


Exact = Annotated[Decimal, BeforeValidator(_no_float)]
Percent = Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Minutes = Annotated[int, Field(ge=0, le=7 * 24 * 60)]
Hours = Annotated[int, Field(ge=0, le=365 * 24)]
Days = Annotated[int, Field(ge=0, le=10 * 365)]
Phrase = Annotated[str, StringConstraints(min_length=1, max_length=300)]
WallTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")]
Erid = Annotated[str, StringConstraints(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9]+$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]  # one line
ContractNumber = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[\w\-/.№ ]+$")]
WebUrl = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://\S+$")]


class Disclosure(str, Enum):
    ru = "ru"  # Russian advertising law: «Реклама», the advertiser, the erid
    ftc = "ftc"  # a clear disclosure near the start (#ad, sponsored …)
    none = "none"


class ContractLanguage(str, Enum):
    ru = "ru"
    en = "en"


class Vat(str, Enum):
    none = "none"
    included = "included"
    on_top = "on_top"


class DeliverableFormat(str, Enum):
    post = "post"
    carousel = "carousel"
    reel = "reel"
    story = "story"
    video = "video"
    short = "short"
    tg_post = "tg_post"
    live = "live"
    podcast = "podcast"


class DealStatusName(str, Enum):
    draft = "draft"
    sent = "sent"
    signed = "signed"
    in_progress = "in_progress"
    completed = "completed"
    closed = "closed"
    cancelled = "cancelled"
    disputed = "disputed"


class DeliverableStatusName(str, Enum):
    planned = "planned"
    creative_requested = "creative_requested"
    draft_submitted = "draft_submitted"
    changes_requested = "changes_requested"
    approved = "approved"
    scheduled = "scheduled"
    published = "published"
    monitoring = "monitoring"
    fulfilled = "fulfilled"
    late = "late"
    nonconforming = "nonconforming"
    deleted_early = "deleted_early"
    missed = "missed"
    cancelled = "cancelled"


class Trigger(str, Enum):
    on_signing = "on_signing"
    on_publication_verified = "on_publication_verified"
    on_retention_passed = "on_retention_passed"
    on_date = "on_date"


class EarlyDeletion(str, Enum):
    pro_rata = "pro_rata"
    full = "full"


class NoShow(str, Enum):
    full = "full"


# --- money ----------------------------------------------------------------------------------------

class MoneyIn(Input):
    amount: Annotated[str | int, BeforeValidator(_no_float)] = Field(
        description='A decimal string such as "150000.00" (at most the currency\'s minor digits)')
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] = Field(description="ISO 4217, e.g. RUB")

    @model_validator(mode="after")
    def _exact(self):
        from chalicelib.core.money import Money, MoneyError

        try:
            Money.parse(self.amount, self.currency)
        except MoneyError as exc:
            raise ValueError(str(exc)) from None
        return self

    def money(self):
        from chalicelib.core.money import Money

        return Money.parse(self.amount, self.currency)


class MoneyOut(Output):
    amount: str
    currency: str
    text: str | None = Field(default=None, description="As the reader's locale writes it (Babel)")


# --- terms ----------------------------------------------------------------------------------------

class PenaltiesIn(Input):
    late_pct_per_hour: Percent | None = Field(default=None, description="% of the fee for each started hour late")
    late_cap_pct: Percent | None = Field(default=None, description="… at most this % in all")
    missing_element_pct: Percent | None = Field(default=None, description="% of the fee per missing element")
    early_deletion: EarlyDeletion | None = None
    no_show: NoShow | None = None


class UsageRightsIn(Input):
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    days: Days | None = None


class TermsIn(Input):
    """Every term is optional: unset (or null) is "not agreed". In a deliverable's overrides a set
    value wins over the deal's, even an empty list."""

    publish_window_before_minutes: Minutes | None = None
    publish_window_after_minutes: Minutes | None = None
    min_live_hours: Hours | None = None
    top_hours: Hours | None = Field(default=None, description="Telegram: no newer post on top for N hours")
    pin_hours: Hours | None = None
    required_texts: list[Phrase] | None = Field(default=None, max_length=30)
    promo_code: Annotated[str, StringConstraints(max_length=64)] | None = None
    required_links: list[WebUrl] | None = Field(default=None, max_length=10,
                                                description="Target URLs; Greenlight adds the UTM tags")
    required_mentions: list[Phrase] | None = Field(default=None, max_length=30)
    required_hashtags: list[Phrase] | None = Field(default=None, max_length=30)
    forbidden_terms: list[Phrase] | None = Field(default=None, max_length=100)
    creative_approval: bool | None = Field(default=None, description="The blogger's draft goes through the "
                                                                     "brand's approval chain before publishing")
    exclusivity_days: Days | None = None
    usage_rights: UsageRightsIn | None = None
    penalties: PenaltiesIn | None = None


class MilestoneIn(Input):
    label: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    percent: Exact = Field(description='e.g. "30" or "33.34"')
    trigger: Trigger
    due_days: int = Field(default=0, ge=0, le=365, description="Days to pay after the trigger fires")
    date: dt.date | None = Field(default=None, description="on_date only: the day it is due")


class AdvertiserIn(Input):
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    inn: Annotated[str, StringConstraints(pattern=r"^\d{10}(\d{2})?$")] | None = None


# --- deals ----------------------------------------------------------------------------------------

class DealCreate(Input):
    influencer_id: Id
    title: Title
    campaign_id: Id | None = None
    contract_number: ContractNumber | None = Field(default=None, description="Default: the brand's next, "
                                                                             "e.g. GL-2026-0042")
    advertiser: AdvertiserIn | None = Field(default=None, description="Default: the brand's settings")
    disclosure: Disclosure = Disclosure.ru
    language: ContractLanguage = ContractLanguage.ru
    fee: MoneyIn
    vat: Vat = Vat.none
    agency_fee_pct: Percent | None = None
    product_value: MoneyIn | None = None
    terms: TermsIn = Field(default_factory=TermsIn)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=10,
                                          description="Default: 100 % on signing, due in 5 days")
    owner_id: Id | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None


CONTRACT_FIELDS = ("contract_number", "advertiser", "disclosure", "language", "fee", "vat", "agency_fee_pct",
                   "product_value", "terms", "milestones", "title")


class DealPatch(Input):
    """Any field; the contract's fields (everything but campaign, owner and notes) change freely while
    the deal is a draft or sent, and as an amendment (a new contract version, back to sent) while it is
    signed, in progress or disputed. `version` (or If-Match) guards against overwriting someone's change."""

    version: int | None = Field(default=None, ge=1)
    title: Title | None = None
    campaign_id: Id | None = None
    contract_number: ContractNumber | None = None
    advertiser: AdvertiserIn | None = None
    disclosure: Disclosure | None = None
    language: ContractLanguage | None = None
    fee: MoneyIn | None = None
    vat: Vat | None = None
    agency_fee_pct: Percent | None = None
    product_value: MoneyIn | None = None
    terms: TermsIn | None = None
    milestones: list[MilestoneIn] | None = Field(default=None, max_length=10)
    owner_id: Id | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None

    @model_validator(mode="after")
    def _nulls(self):
        return refuse_nulls(self, {"version", "campaign_id", "agency_fee_pct", "product_value", "notes"})


class DealAction(Input):
    reason: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        default=None, description="Why (cancel, dispute): kept in the audit trail and shown on the deal")
    to: DealStatusName | None = Field(default=None, description="resolve only: in_progress or completed")
    version: int | None = Field(default=None, ge=1)


class DealQuery(PageQuery):
    status: DealStatusName | None = None
    influencer_id: Id | None = None
    campaign_id: Id | None = None


class ContractOut(Output):
    version: int
    amendment: int = 0
    sha256: str
    size: int
    created_at: str
    created_by: str | None = None
    url: str | None = Field(default=None, description="A download link that expires in minutes")


class SignedCopyOut(Output):
    contract_version: int
    sha256: str
    size: int
    uploaded_at: str
    uploaded_by: str | None = None


class DealOut(Output):
    id: str
    brand_id: str
    influencer_id: str
    influencer_name: str | None = None
    campaign_id: str | None = None
    title: str
    contract_number: str
    advertiser: dict
    blogger_legal: dict | None = None
    disclosure: str
    language: str
    fee: MoneyOut
    vat: str
    agency_fee_pct: str | None = None
    agency_fee: MoneyOut | None = None
    product_value: MoneyOut | None = None
    terms: dict
    milestones: list[dict]
    status: str
    status_reason: str | None = None
    amendment: int
    owner_id: str | None = None
    notes: str | None = None
    deliverable_ids: list[str]
    payment_ids: list[str]
    contracts: list[ContractOut]
    signed_copies: list[SignedCopyOut]
    contract_outdated: bool = Field(description="The terms changed since the latest contract version")
    actions: list[str] = Field(description="What can be done to the deal now")
    created_at: str
    updated_at: str
    version: int


class DealList(Output):
    items: list[DealOut]
    cursor: str | None = None


# --- deliverables ---------------------------------------------------------------------------------

class DeliverableCreate(Input):
    account_id: Id
    format: DeliverableFormat
    publish_at: WallTime = Field(description="Local wall time YYYY-MM-DDTHH:MM")
    timezone: TimeZoneName | None = Field(default=None, description="IANA zone (default: the brand's)")
    overrides: TermsIn | None = None
    erid: Erid | None = Field(default=None, description="The ad token from the ad-data operator (case-sensitive)")
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None


class DeliverablePatch(Input):
    version: int | None = Field(default=None, ge=1)
    account_id: Id | None = None
    format: DeliverableFormat | None = None
    publish_at: WallTime | None = None
    timezone: TimeZoneName | None = None
    overrides: TermsIn | None = None
    erid: Erid | None = None
    url: WebUrl | None = None
    status: DeliverableStatusName | None = Field(default=None, description="Move it (the rules say where to)")
    published_at: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$"),
                            AfterValidator(_past_instant)] | None = \
        Field(default=None, description="UTC, when it went live (default: now, when the status becomes published)")
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _nulls(self):
        return refuse_nulls(self, {"version", "overrides", "erid", "url", "notes", "published_at"})


class DeliverableOut(Output):
    id: str
    deal_id: str
    brand_id: str
    influencer_id: str
    account_id: str
    platform: str
    handle: str
    format: str
    publish_at: str
    timezone: str
    publish_at_utc: str
    overrides: dict
    terms: dict = Field(description="The deal's terms with this deliverable's overrides: what it is held to")
    erid: str | None = None
    url: str | None = None
    url_source: str | None = Field(default=None, description="Who gave the URL: blogger, manager or publication")
    published_at: str | None = None
    found_at: str | None = Field(default=None, description="When a placement check first saw the post")
    last_seen_at: str | None = Field(default=None, description="The last check that saw the post")
    check_result: str | None = Field(default=None, description="The latest check's result: pass, warn, fail, "
                                                                 "inconclusive")
    status: str
    next_statuses: list[str]
    post_id: str | None = None
    draft_due_at: str | None = None
    drafts: int = 0
    notes: str | None = None
    created_at: str
    updated_at: str
    version: int


class DeliverableList(Output):
    items: list[DeliverableOut]


class DraftLinkOut(Output):
    url: str
    expires_at: str

