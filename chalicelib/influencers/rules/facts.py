"""What vetting reads: plain, frozen facts about an influencer, their accounts and measurements.
The service builds these from the stored items; the rules never see the database. Pure, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Measurement:
    """A dated measurement of one account (a snapshot); any number may be missing."""

    taken_on: date
    followers: int | None = None
    following: int | None = None
    avg_views: int | None = None
    avg_likes: int | None = None
    avg_comments: int | None = None
    avg_shares: int | None = None


@dataclass(frozen=True)
class AccountFacts:
    """One platform profile as stored now (the latest figures), with its history oldest first."""

    account_id: str
    platform: str  # instagram | tiktok | youtube | telegram | vk | rutube | dzen | ok | x | twitch | other
    handle: str
    followers: int | None = None
    avg_views: int | None = None
    avg_likes: int | None = None
    avg_comments: int | None = None
    avg_shares: int | None = None
    posts_sampled: int | None = None
    audience_credibility_pct: Decimal | None = None
    mass_followers_pct: Decimal | None = None
    sponsored_share_pct: Decimal | None = None
    top_countries: tuple[tuple[str, Decimal], ...] = ()  # ((ISO alpha-2, pct), …) largest first
    rkn_registry_number: str | None = None
    measured_on: date | None = None  # when the account's current figures were last entered
    history: tuple[Measurement, ...] = ()  # snapshots, oldest first


@dataclass(frozen=True)
class InfluencerFacts:
    influencer_id: str
    country: str | None  # ISO alpha-2
    accounts: tuple[AccountFacts, ...] = ()


@dataclass(frozen=True)
class VettingSettings:
    """The numbers a brand may tune (brand settings `vetting`); defaults are the issue's table."""

    credibility_fail_pct: Decimal = Decimal("75")
    credibility_warn_pct: Decimal = Decimal("85")
    mass_followers_warn_pct: Decimal = Decimal("20")
    sponsored_warn_pct: Decimal = Decimal("50")
    growth_min_followers: int = 5000
    growth_pct: Decimal = Decimal("3")
    telegram_err_fail_pct: Decimal = Decimal("5")
    telegram_err_warn_pct: Decimal = Decimal("10")
    stale_days: int = 90
    rkn_min_followers: int = 10000
    target_countries: tuple[str, ...] = ()  # empty: audience_geo not checked ("info: no target set")


@dataclass(frozen=True)
class Flag:
    """One finding. `message` and `benchmark` are translation keys (en + ru catalogs, area file
    i18n/*/vetting.json) filled from `params`; the service turns them into text in the reader's
    language. `actual` and `threshold` are language-neutral text ("0.52 %", "< 0.84 %")."""

    rule: str  # er_low | er_below_average | er_too_high | credibility_low | mass_followers_high | growth_spike |
    #            sponsored_saturation | audience_geo | rkn_registry_missing | data_stale
    severity: str  # fail | warn | info
    account_id: str | None
    message: str  # translation key, e.g. "vetting.er_low.message"
    actual: str | None = None  # the measured number as text, None when not measured
    threshold: str | None = None  # the limit it was compared with
    benchmark: str | None = None  # translation key naming where the limit comes from, None if not from a study
    params: dict = field(default_factory=dict)  # what the message and benchmark keys need
    evidence: dict = field(default_factory=dict)  # the inputs: {"avg_likes": 410, "followers": 82000, …}


@dataclass(frozen=True)
class Verdict:
    verdict: str  # fail if any flag fails, else warn if any warns, else pass
    flags: tuple[Flag, ...] = ()
