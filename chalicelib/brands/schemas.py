from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import Input, Name, Output, Slug, TimeZoneName

SLACK_REF = r"^(env:|ssm:|secretsmanager:|file:)\S+$"
_Pct = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class VettingSettings(Input):
    """The numbers the influencer vetting rules use (docs/vetting.md); unset ones keep their defaults."""

    credibility_fail_pct: _Pct | None = Field(default=None, description="audience credibility below this fails (75)")
    credibility_warn_pct: _Pct | None = Field(default=None, description="… below this warns (85)")
    mass_followers_warn_pct: _Pct | None = Field(default=None, description="mass followers above this warn (20)")
    sponsored_warn_pct: _Pct | None = Field(default=None, description="ads above this share of posts warn (50)")
    growth_min_followers: int | None = Field(default=None, ge=0, le=10**9,
                                             description="a daily gain above max(this, growth_pct) warns (5000)")
    growth_pct: _Pct | None = Field(default=None, description="(3)")
    telegram_err_fail_pct: _Pct | None = Field(default=None, description="Telegram ERR below this fails (5)")
    telegram_err_warn_pct: _Pct | None = Field(default=None, description="… below this warns (10)")
    stale_days: int | None = Field(default=None, ge=1, le=3650, description="no measurement this recent warns (90)")
    rkn_min_followers: int | None = Field(default=None, ge=0, le=10**9,
                                          description="RU accounts from this size need a register number (10000)")
    target_countries: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]] | None = Field(
        default=None, max_length=50, description="ISO codes; an influencer whose top audience country is "
                                                 "not one of them is flagged")


class WorkingHoursSettings(Input):
    """The brand's working hours in its zone: the calendar's free-slot hints stay inside them (docs/calendar.md)."""

    start: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM (09:00)")
    end: str = Field(default="18:00", pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", description="HH:MM (18:00)")
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=lambda: [0, 1, 2, 3, 4], min_length=1,
                                                          max_length=7, description="0 = Monday (Mon–Fri)")


class BrandSettings(Input):
    """Per-brand switches; later features add theirs here."""

    approve_without_chain: bool = False
    authors_may_approve: bool = False
    default_language: str = Field(default="en", pattern="^(en|ru)$")
    # The brand's own Slack app (administrators only): references under the brand's `slack/` prefix
    # (core/secret_refs.py) that replace SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET together, and the
    # workspace (team) it is installed in.
    slack_bot_token_ref: str | None = Field(default=None, max_length=256, pattern=SLACK_REF,
                                            description="ssm:/greenlight/<stage>/brands/<brand id>/slack/… or "
                                                        "secretsmanager:greenlight/<stage>/brands/<brand id>/slack/…")
    slack_signing_secret_ref: str | None = Field(default=None, max_length=256, pattern=SLACK_REF)
    slack_team_id: str | None = Field(default=None, pattern=r"^[TE][A-Z0-9]{2,20}$",
                                      description="The Slack workspace (team id, T…) the brand's own app is "
                                                  "installed in; payloads from any other team are refused")
    slack_mode: str = Field(default="dm", pattern="^(dm|channel|off)$",
                            description="dm: each approver gets a direct message; channel: one message in "
                                        "slack_channel_id; off: no Slack")
    slack_channel_id: str | None = Field(default=None, max_length=40, pattern=r"^[A-Z0-9]+$")
    vetting: VettingSettings | None = Field(default=None, description="Influencer vetting thresholds")
    advertiser_name: str | None = Field(default=None, max_length=300,
                                        description="The advertiser's legal name: a new deal's default")
    advertiser_inn: str | None = Field(default=None, pattern=r"^(\d{10}|\d{12})$",
                                       description="The advertiser's INN (10 or 12 digits): a new deal's default")
    contract_prefix: str | None = Field(default=None, pattern=r"^[A-Za-z0-9А-Яа-яЁё]{1,10}$",
                                        description="Contract numbers are <prefix>-<year>-<nnnn> (default GL)")
    clash_minutes: int | None = Field(default=None, ge=0, le=24 * 60,
                                      description="Warn (a notice, not a refusal) when another post on the same "
                                                  "channel goes out less than this many minutes away; 0 turns the "
                                                  "warning off (default 30)")
    working_hours: WorkingHoursSettings | None = Field(default=None, description="The calendar's free-slot hints "
                                                       "stay inside these hours (default Mon–Fri 09:00–18:00)")
    missed_after_minutes: int | None = Field(default=None, ge=1, le=7 * 24 * 60,
                                             description="A post more than this late is not published but "
                                                         "marked missed (default: MISSED_AFTER_MINUTES, 120)")


class BrandCreate(Input):
    name: Name
    slug: Slug
    timezone: TimeZoneName
    settings: BrandSettings = Field(default_factory=BrandSettings)


class BrandPatch(Input):
    name: Name | None = None
    slug: Slug | None = None
    timezone: TimeZoneName | None = None
    settings: BrandSettings | None = None
    version: int | None = Field(default=None, ge=1, description="If given, the change applies only to this version.")


class BrandOut(Output):
    id: str
    name: str
    slug: str
    timezone: str
    settings: BrandSettings
    my_roles: list[str] = Field(default_factory=list)
    version: int
    created_at: str
    updated_at: str


class BrandList(Output):
    items: list[BrandOut]
    cursor: str | None = None
