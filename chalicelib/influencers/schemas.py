"""Influencers, accounts, snapshots and vetting: request and response models."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from chalicelib.core.schemas import Email, Id, Input, Name, Output, PageQuery


class LegalType(str, Enum):
    individual = "individual"
    self_employed = "self_employed"  # НПД
    sole_proprietor = "sole_proprietor"  # ИП
    legal_entity = "legal_entity"
    foreign = "foreign"


class InfluencerPlatform(str, Enum):
    instagram = "instagram"
    tiktok = "tiktok"
    youtube = "youtube"
    telegram = "telegram"
    vk = "vk"
    rutube = "rutube"
    dzen = "dzen"
    ok = "ok"
    x = "x"
    twitch = "twitch"
    other = "other"


class InfluencerStatus(str, Enum):
    prospect = "prospect"
    vetting = "vetting"
    approved = "approved"
    rejected = "rejected"
    on_hold = "on_hold"
    blacklisted = "blacklisted"


class InfluencerSort(str, Enum):
    followers = "followers"
    er = "er"


# Short names inside this feature (the OpenAPI document needs the long ones: channels have a Platform too).
Platform, Status, Sort = InfluencerPlatform, InfluencerStatus, InfluencerSort

# Codes Babel lists that are not countries (regions, the EU, the unknown region …).
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (from Babel's CLDR territories; XK Kosovo included, as CLDR does)."""
    from babel import Locale

    return frozenset(c for c in Locale.parse("en").territories if len(c) == 2 and c.isalpha()) - _NOT_COUNTRIES


def _country(value: str) -> str:
    code = value.upper()
    if code not in country_codes():
        raise ValueError("not an ISO 3166 country code; use two letters such as RU, KZ or DE")
    return code


CountryCode = Annotated[str, StringConstraints(min_length=2, max_length=2), AfterValidator(_country)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^,;]+$")]  # CSV lists them with ,
Handle = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^@?[\w.\-]+$")]
Count = Annotated[int, Field(ge=0, le=10**11)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=2)]
WebUrl = Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://\S+$")]


class Contacts(Input):
    email: Email | None = None
    telegram: str | None = Field(default=None, max_length=65, pattern=r"^@?[A-Za-z0-9_]{3,64}$")
    phone: str | None = Field(default=None, max_length=25, pattern=r"^\+?[0-9 ()\-]{5,24}$")


class Agent(Input):
    name: Name | None = None
    contact: str | None = Field(default=None, max_length=200)


class InfluencerCreate(Input):
    display_name: Name
    legal_type: LegalType = LegalType.individual
    legal_name: str | None = Field(default=None, max_length=300)
    inn: str | None = Field(default=None, max_length=20, description="10 digits (legal entity) or 12 (people, "
                                                                     "the self-employed, ИП); check digits verified")
    ogrn: str | None = Field(default=None, max_length=20, description="OGRN (13 digits, legal entity) or OGRNIP "
                                                                      "(15 digits, ИП)")
    country: CountryCode | None = None
    contacts: Contacts = Field(default_factory=Contacts)
    agent: Agent = Field(default_factory=Agent)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    notes: str | None = Field(default=None, max_length=5000)
    owner_id: Id | None = Field(default=None, description="The influencer manager in charge (default: you)")


class InfluencerPatch(Input):
    display_name: Name | None = None
    legal_type: LegalType | None = None
    legal_name: str | None = Field(default=None, max_length=300)
    inn: str | None = Field(default=None, max_length=20)
    ogrn: str | None = Field(default=None, max_length=20)
    country: CountryCode | None = None
    contacts: Contacts | None = None
    agent: Agent | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    notes: str | None = Field(default=None, max_length=5000)
    owner_id: Id | None = None
    version: int | None = Field(default=None, ge=1, description="If given, the change applies only to this version.")


class StatusChange(Input):
    status: Status
    reason: str | None = Field(default=None, max_length=1000,
                               description="Why; required for rejected, on_hold and blacklisted")


class CountryShare(Input):
    country: CountryCode
    pct: Percent


def _largest_first(shares: list[CountryShare]) -> list[CountryShare]:
    if sum((s.pct for s in shares), Decimal(0)) > 100:
        raise ValueError("the country shares add up to more than 100 %")
    if len({s.country for s in shares}) != len(shares):
        raise ValueError("a country is listed twice")
    return sorted(shares, key=lambda s: s.pct, reverse=True)


class _AccountFigures(Input):
    """An account's figures, as both a new account and a change give them."""

    url: WebUrl | None = None
    followers: Count | None = None
    avg_views: Count | None = None
    avg_likes: Count | None = None
    avg_comments: Count | None = None
    avg_shares: Count | None = None
    posts_sampled: Count | None = None
    audience_credibility_pct: Percent | None = None
    mass_followers_pct: Percent | None = None
    sponsored_share_pct: Percent | None = None
    top_countries: list[CountryShare] | None = Field(default=None, max_length=10)
    rkn_registry_number: str | None = Field(default=None, max_length=40, pattern=r"^[0-9A-Za-zА-Яа-я\-/ ]+$")
    measured_on: date | None = Field(default=None, description="When these figures were taken (default: today)")

    @field_validator("top_countries")
    @classmethod
    def _shares_add_up(cls, shares: list[CountryShare] | None) -> list[CountryShare] | None:
        return None if shares is None else _largest_first(shares)


class AccountCreate(_AccountFigures):
    platform: Platform
    handle: Handle
    top_countries: list[CountryShare] = Field(default_factory=list, max_length=10)


class AccountPatch(_AccountFigures):
    handle: Handle | None = None
    version: int | None = Field(default=None, ge=1)


class SnapshotIn(Input):
    taken_on: date
    followers: Count | None = None
    following: Count | None = None
    avg_views: Count | None = None
    avg_likes: Count | None = None
    avg_comments: Count | None = None
    avg_shares: Count | None = None


class InfluencerQuery(PageQuery):
    platform: Platform | None = None
    tier: str | None = Field(default=None, max_length=20, pattern=r"^[a-z0-9_]+$",
                             description="under_1k, 1k_5k, 5k_10k, 10k_50k, 50k_100k, 100k_500k, 500k_1m, over_1m")
    verdict: str | None = Field(default=None, pattern=r"^(pass|warn|fail)$")
    status: Status | None = None
    tag: Tag | None = None
    owner_id: Id | None = None
    q: str | None = Field(default=None, min_length=1, max_length=100, description="name or handle contains")
    sort: Sort = Sort.followers


# --- answers -------------------------------------------------------------------------------------

class ContactsOut(Output):
    email: str | None = None
    telegram: str | None = None
    phone: str | None = None


class AgentOut(Output):
    name: str | None = None
    contact: str | None = None


class InfluencerOut(Output):
    id: str
    brand_id: str
    display_name: str
    legal_type: str
    country: str | None = None
    tags: list[str]
    notes: str | None = None
    owner_id: str | None = None
    status: str
    status_reason: str | None = None
    platforms: list[str]
    account_ids: list[str]
    top_followers: int
    top_er: str | None = Field(default=None, description="The best account's engagement rate, percent")
    verdict: str | None = Field(default=None, description="pass | warn | fail when the data last changed (the "
                                                          "directory filters on it; GET …/vetting computes it now)")
    verdict_at: str | None = Field(default=None, description="Since when the verdict is what it is")
    agent: AgentOut
    # Managers only (influencer_manager, smm_manager, admin); null for everyone else
    legal_name: str | None = None
    inn: str | None = None
    ogrn: str | None = None
    contacts: ContactsOut | None = None
    version: int
    created_at: str
    updated_at: str


class InfluencerList(Output):
    items: list[InfluencerOut]
    cursor: str | None = None


class CountryShareOut(Output):
    country: str
    pct: str


class AccountOut(Output):
    id: str
    influencer_id: str
    brand_id: str
    platform: str
    handle: str
    url: str | None = None
    followers: int | None = None
    avg_views: int | None = None
    avg_likes: int | None = None
    avg_comments: int | None = None
    avg_shares: int | None = None
    posts_sampled: int | None = None
    audience_credibility_pct: str | None = None
    mass_followers_pct: str | None = None
    sponsored_share_pct: str | None = None
    top_countries: list[CountryShareOut]
    rkn_registry_number: str | None = None
    er: str | None = None
    measured_on: str | None = None
    version: int
    created_at: str
    updated_at: str


class AccountList(Output):
    items: list[AccountOut]


class SnapshotOut(Output):
    account_id: str
    taken_on: str
    followers: int | None = None
    following: int | None = None
    avg_views: int | None = None
    avg_likes: int | None = None
    avg_comments: int | None = None
    avg_shares: int | None = None
    source: str


class SnapshotList(Output):
    items: list[SnapshotOut]
    cursor: str | None = None


class FlagOut(Output):
    rule: str
    severity: str
    account_id: str | None = None
    message: str
    actual: str | None = None
    threshold: str | None = None
    benchmark: str | None = None
    evidence: dict


class VettingOut(Output):
    influencer_id: str
    verdict: str
    flags: list[FlagOut]
    computed_at: str


def influencer_out(item, *, show_legal: bool) -> InfluencerOut:
    """The influencer as its reader may see it: legal data (legal name, INN, OGRN, contacts) for
    managers only."""
    from chalicelib.core.plain import plain

    data = {name: getattr(item, name) for name in InfluencerOut.model_fields if hasattr(item, name)}
    data["agent"] = plain(item.agent) or {}
    data["contacts"] = plain(item.contacts) or {}
    data["top_followers"] = int(item.top_followers or 0)
    if not show_legal:  # the agent's contact is a contact too
        data.update(legal_name=None, inn=None, ogrn=None, contacts=None,
                    agent={"name": data["agent"].get("name")})
    return InfluencerOut.model_validate(data)


def account_out(item) -> AccountOut:
    from chalicelib.core.plain import plain

    data = {name: getattr(item, name) for name in AccountOut.model_fields if hasattr(item, name)}
    data["top_countries"] = plain(item.top_countries) or []
    for name in ("followers", "avg_views", "avg_likes", "avg_comments", "avg_shares", "posts_sampled"):
        data[name] = int(data[name]) if data.get(name) is not None else None
    return AccountOut.model_validate(data)


def snapshot_out(item) -> SnapshotOut:
    data = {name: getattr(item, name) for name in SnapshotOut.model_fields if hasattr(item, name)}
    for name in ("followers", "following", "avg_views", "avg_likes", "avg_comments", "avg_shares"):
        data[name] = int(data[name]) if data.get(name) is not None else None
    return SnapshotOut.model_validate(data)


# --- CSV import (transfer_routes.py) -------------------------------------------------------------

class ImportQuery(Input):
    dry_run: bool = Field(default=False, description="Check the whole file and write nothing")


class InfluencerImportOut(Output):
    dry_run: bool
    created: int = Field(description="New influencers (on a dry run: that would be written)")
    updated: int = Field(description="Influencers of the file's influencer_id column that changed")
    accounts: int = Field(description="Accounts added or changed")
    influencer_ids: list[str] = Field(description="The influencers written, in file order (empty on a dry run)")


class SnapshotImportOut(Output):
    dry_run: bool
    imported: int = Field(description="Days written (a day already stored is replaced)")
    first: str | None = None
    last: str | None = None
