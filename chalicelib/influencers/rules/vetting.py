"""Explainable influencer vetting: findings (flags) with their numbers and sources, never a score.

`vet(facts, settings, today)` runs the rules below over every account and returns a Verdict: fail
if any flag fails, else warn if any warns, else pass (`info` flags never change it). Missing data is
never a pass: a rule without its inputs gives an `info` flag ("not measured"). docs/vetting.md is
the manager's description of every rule; the numbers a brand may tune are VettingSettings, read
from the brand's settings by `settings_from`.

Flags come out in a fixed order: accounts in the order given, within an account the rules in the
order of RULES; the influencer-wide `data_stale` last. Percentages are computed with Decimal and
rounded half-up to 2 decimals *before* they are compared, so the shown number ("0.39 %") is exactly
the one compared with the threshold ("< 0.39 %"). Pure, no I/O.
"""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chalicelib.influencers.rules.benchmarks import (
    ER_ON_VIEWS,
    ERR_ON_SUBSCRIBERS,
    PLATFORM_NAMES,
    SOURCES,
    benchmark_for,
    benchmark_key,
)
from chalicelib.influencers.rules.facts import AccountFacts, Flag, InfluencerFacts, Verdict, VettingSettings
from chalicelib.influencers.rules.tiers import TIER_IDS, label, tier_of

RULES = (
    "er_low", "er_below_average", "er_too_high", "credibility_low", "mass_followers_high", "growth_spike",
    "sponsored_saturation", "audience_geo", "rkn_registry_missing", "data_stale", "no_accounts",
)
SEVERITIES = ("fail", "warn", "info")
VERDICTS = ("pass", "warn", "fail")
RUSSIA = "RU"
MAX_LISTED_SPIKES = 20  # growth_spike evidence lists at most this many spike days (the count is exact)

# Every message key a rule can emit (vetting.<rule>.<case>); the catalogs hold each in en and ru.
MESSAGE_KEYS = (
    "vetting.er_low.message", "vetting.er_low.telegram", "vetting.er_low.not_measured",
    "vetting.er_low.no_benchmark", "vetting.er_low.no_benchmark_tier",
    "vetting.er_below_average.message", "vetting.er_below_average.telegram",
    "vetting.er_too_high.message",
    "vetting.credibility_low.message", "vetting.credibility_low.not_measured",
    "vetting.mass_followers_high.message", "vetting.mass_followers_high.not_measured",
    "vetting.growth_spike.message", "vetting.growth_spike.gap", "vetting.growth_spike.not_measured",
    "vetting.sponsored_saturation.message", "vetting.sponsored_saturation.not_measured",
    "vetting.audience_geo.message", "vetting.audience_geo.no_target", "vetting.audience_geo.not_measured",
    "vetting.rkn_registry_missing.message", "vetting.rkn_registry_missing.no_country",
    "vetting.rkn_registry_missing.not_measured",
    "vetting.data_stale.message", "vetting.data_stale.not_measured",
    "vetting.no_accounts.message",
)

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def translation_keys() -> set[str]:
    """Every key vetting texts need: messages, benchmarks, rule titles, severities, verdicts, tiers."""
    keys = set(MESSAGE_KEYS) | {benchmark_key(source) for source in SOURCES}
    keys |= {f"vetting.rule.{rule}" for rule in RULES} | {f"vetting.severity.{s}" for s in SEVERITIES}
    keys |= {f"vetting.verdict.{v}" for v in VERDICTS} | {f"tier.{tier}" for tier in TIER_IDS}
    return keys


def verdict_of(flags) -> str:
    severities = {flag.severity for flag in flags}
    return "fail" if "fail" in severities else "warn" if "warn" in severities else "pass"


def vet(facts: InfluencerFacts, settings: VettingSettings, today: date) -> Verdict:
    if not facts.accounts:
        flags = [Flag("no_accounts", "warn", None, "vetting.no_accounts.message")]  # nothing measured: never a pass
        return Verdict(verdict_of(flags), tuple(flags))
    flags: list[Flag] = []
    for account in facts.accounts:
        flags += _engagement(account, settings)
        flags += _credibility(account, settings)
        flags += _mass_followers(account, settings)
        flags += _growth(account, settings)
        flags += _sponsored(account, settings)
        flags += _audience_geo(account, settings)
        flags += _rkn(facts.country, account, settings)
    flags += _stale(facts, settings, today)
    return Verdict(verdict_of(flags), tuple(flags))


# --- numbers as text --------------------------------------------------------------------------------

def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _num(value: Decimal) -> str:
    """A percentage as language-neutral text with 2 decimals: "0.52"."""
    return str(_round(Decimal(value)))


def _whole(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _info(rule: str, account: AccountFacts | None, message: str, evidence: dict | None = None,
          params: dict | None = None) -> list[Flag]:
    return [Flag(rule, "info", account.account_id if account else None, message,
                 params=params or {}, evidence=evidence or {})]


# --- engagement: er_low, er_below_average, er_too_high ---------------------------------------------

def engagement_rate(account: AccountFacts) -> Decimal | None:
    """The account's ER in percent as its platform's benchmark defines it (Telegram: ERR = views /
    subscribers; a platform without a benchmark: (likes + comments) / followers), unrounded; None when
    its inputs are missing. The directory sorts by it."""
    benchmark = None if account.platform == "telegram" else benchmark_for(account.platform)
    if account.platform == "telegram":
        top, bottom = account.avg_views, account.followers
    elif benchmark is not None and benchmark.formula == ER_ON_VIEWS:
        top = None if account.avg_likes is None else (
            account.avg_likes + (account.avg_comments or 0) + (account.avg_shares or 0))
        bottom = account.avg_views
    else:
        top = None if account.avg_likes is None else account.avg_likes + (account.avg_comments or 0)
        bottom = account.followers
    if top is None or top < 0 or not bottom or bottom < 0:
        return None
    return Decimal(top) * _HUNDRED / Decimal(bottom)


def _engagement(account: AccountFacts, settings: VettingSettings) -> list[Flag]:
    platform, followers = account.platform, account.followers
    name = PLATFORM_NAMES.get(platform, platform)
    if platform == "telegram":
        return _telegram_err(account, settings, name)
    benchmark = benchmark_for(platform)
    if benchmark is None:
        return _info("er_low", account, "vetting.er_low.no_benchmark", {"platform": platform},
                     {"platform": name, "platform_id": platform})
    on_views = benchmark.formula == ER_ON_VIEWS
    evidence = {"formula": benchmark.formula, "followers": followers, "avg_likes": account.avg_likes,
                "avg_comments": account.avg_comments}
    if on_views:
        evidence |= {"avg_views": account.avg_views, "avg_shares": account.avg_shares}
    denominator = account.avg_views if on_views else followers
    if not followers or followers < 0 or not denominator or denominator < 0 or account.avg_likes is None:
        return _info("er_low", account, "vetting.er_low.not_measured", evidence, {"platform": name})
    tier = tier_of(followers)
    band = benchmark.bands.get(tier)
    params = {"platform": name, "platform_id": platform, "tier": label(tier), "tier_id": tier}
    if band is None:
        return _info("er_low", account, "vetting.er_low.no_benchmark_tier", evidence, params)
    engagements = account.avg_likes + (account.avg_comments or 0) + ((account.avg_shares or 0) if on_views else 0)
    er = _round(Decimal(engagements) * _HUNDRED / Decimal(denominator))
    params |= {"er": str(er), "below": _num(band.below), "high": _num(band.high), "too_high": _num(band.too_high)}
    if band.low is not None:
        params["low"] = _num(band.low)
    key = benchmark_key(benchmark.source)

    def flag(rule: str, severity: str, message: str, threshold: str) -> Flag:
        return Flag(rule, severity, account.account_id, message, f"{er} %", threshold, key, dict(params), evidence)

    flags = []
    if band.low is not None and er < band.low:
        flags.append(flag("er_low", "fail", "vetting.er_low.message", f"< {_num(band.low)} %"))
    elif er < band.below:
        flags.append(flag("er_below_average", "warn", "vetting.er_below_average.message", f"< {_num(band.below)} %"))
    if er > band.too_high:
        flags.append(flag("er_too_high", "warn", "vetting.er_too_high.message", f"> {_num(band.too_high)} %"))
    return flags


def _telegram_err(account: AccountFacts, settings: VettingSettings, name: str) -> list[Flag]:
    """Telegram ERR = avg views / subscribers; the limits are the brand's settings, not a study."""
    evidence = {"formula": ERR_ON_SUBSCRIBERS, "followers": account.followers, "avg_views": account.avg_views}
    if not account.followers or account.followers < 0 or account.avg_views is None or account.avg_views < 0:
        return _info("er_low", account, "vetting.er_low.not_measured", evidence, {"platform": name})
    err = _round(Decimal(account.avg_views) * _HUNDRED / Decimal(account.followers))
    fail, warn = _round(settings.telegram_err_fail_pct), _round(settings.telegram_err_warn_pct)
    params = {"platform": name, "platform_id": "telegram", "er": str(err), "fail": str(fail), "warn": str(warn)}
    if err < fail:
        return [Flag("er_low", "fail", account.account_id, "vetting.er_low.telegram", f"{err} %", f"< {fail} %",
                     None, params, evidence)]
    if err < warn:
        return [Flag("er_below_average", "warn", account.account_id, "vetting.er_below_average.telegram",
                     f"{err} %", f"< {warn} %", None, params, evidence)]
    return []


# --- audience quality -------------------------------------------------------------------------------

def _credibility(account: AccountFacts, settings: VettingSettings) -> list[Flag]:
    value = account.audience_credibility_pct
    if value is None:
        return _info("credibility_low", account, "vetting.credibility_low.not_measured")
    evidence = {"audience_credibility_pct": str(value)}
    for severity, limit in (("fail", settings.credibility_fail_pct), ("warn", settings.credibility_warn_pct)):
        if value < limit:
            return [Flag("credibility_low", severity, account.account_id, "vetting.credibility_low.message",
                         f"{_num(value)} %", f"< {_num(limit)} %", None,
                         {"credibility": _num(value), "limit": _num(limit)}, evidence)]
    return []


def _above(rule: str, value: Decimal | None, limit: Decimal, account: AccountFacts, name: str,
           evidence: dict) -> list[Flag]:
    """A warn when a share is strictly above its limit; info when it was not measured."""
    if value is None:
        return _info(rule, account, f"vetting.{rule}.not_measured")
    if value > limit:
        return [Flag(rule, "warn", account.account_id, f"vetting.{rule}.message", f"{_num(value)} %",
                     f"> {_num(limit)} %", None, {name: _num(value), "limit": _num(limit)}, evidence)]
    return []


def _mass_followers(account: AccountFacts, settings: VettingSettings) -> list[Flag]:
    value = account.mass_followers_pct
    evidence = {"mass_followers_pct": None if value is None else str(value)}
    # keys: vetting.mass_followers_high.message / .not_measured
    return _above("mass_followers_high", value, settings.mass_followers_warn_pct, account, "mass", evidence)


def _sponsored(account: AccountFacts, settings: VettingSettings) -> list[Flag]:
    value = account.sponsored_share_pct
    evidence = {"sponsored_share_pct": None if value is None else str(value), "posts_sampled": account.posts_sampled}
    # keys: vetting.sponsored_saturation.message / .not_measured
    return _above("sponsored_saturation", value, settings.sponsored_warn_pct, account, "sponsored", evidence)


def _audience_geo(account: AccountFacts, settings: VettingSettings) -> list[Flag]:
    targets = tuple(code.upper() for code in settings.target_countries)
    if not targets:
        return _info("audience_geo", account, "vetting.audience_geo.no_target")
    if not account.top_countries:
        return _info("audience_geo", account, "vetting.audience_geo.not_measured", {"target_countries": list(targets)})
    country, share = account.top_countries[0]
    for code, pct in account.top_countries[1:]:  # stored largest first; a strictly larger one wins anyway
        if pct > share:
            country, share = code, pct
    country = country.upper()
    if country in targets:
        return []
    listed = ", ".join(targets)
    return [Flag("audience_geo", "warn", account.account_id, "vetting.audience_geo.message", country, listed, None,
                 {"country": country, "share": _num(share), "targets": listed},
                 {"top_country": country, "top_country_pct": str(share), "target_countries": list(targets)})]


# --- growth_spike: one pass over the snapshots ------------------------------------------------------

def _growth(account: AccountFacts, settings: VettingSettings) -> list[Flag]:
    """A gain between two snapshots above max(growth_min_followers, growth_pct % of the earlier one's
    followers) per day. Consecutive days compare the gain itself; over a gap of n days the gain is
    divided by n (the range is named). Several snapshots of one day: the last one of the day counts.
    One flag per account, naming the largest per-day jump; the evidence counts all spikes and lists up to 20."""
    daily: list[tuple[date, int]] = []  # one (day, followers) per day, the day's last snapshot
    for point in sorted(((m.taken_on, m.followers) for m in account.history if m.followers is not None),
                        key=lambda point: point[0]):
        if daily and daily[-1][0] == point[0]:
            daily[-1] = point
        else:
            daily.append(point)
    if len(daily) < 2:
        return _info("growth_spike", account, "vetting.growth_spike.not_measured", {"days_with_followers": len(daily)})
    minimum, pct = Decimal(settings.growth_min_followers), settings.growth_pct
    previous = None
    spikes: list[str] = []
    worst = None  # (per_day, earlier, later, limit)
    for point in daily:
        if previous is not None:
            days = (point[0] - previous[0]).days
            limit = max(minimum, Decimal(previous[1]) * pct / _HUNDRED)
            per_day = Decimal(point[1] - previous[1]) / days
            if per_day > limit:
                spikes.append(_period(previous[0], point[0]))
                if worst is None or per_day > worst[0]:
                    worst = (per_day, previous, point, limit)
        previous = point
    if worst is None:
        return []
    per_day, (start, before), (end, after), limit = worst
    days, gain = (end - start).days, after - before
    evidence = {"before": before, "after": after, "start": start.isoformat(), "end": end.isoformat(),
                "spikes": len(spikes), "spike_days": spikes[:MAX_LISTED_SPIKES]}
    params = {"gain": str(gain), "before": str(before), "after": str(after), "limit": _whole(limit)}
    if days == 1:
        params["day"] = end.isoformat()
        message, actual = "vetting.growth_spike.message", f"+{gain}"
    else:
        params |= {"start": start.isoformat(), "end": end.isoformat(), "days": str(days), "per_day": _whole(per_day)}
        message, actual = "vetting.growth_spike.gap", f"+{_whole(per_day)}"
    return [Flag("growth_spike", "warn", account.account_id, message, actual, f"> {_whole(limit)}", None,
                 params, evidence)]


def _period(start: date, end: date) -> str:
    return end.isoformat() if (end - start).days == 1 else f"{start.isoformat()}..{end.isoformat()}"


# --- rkn_registry_missing ---------------------------------------------------------------------------

def _rkn(country: str | None, account: AccountFacts, settings: VettingSettings) -> list[Flag]:
    """Russian bloggers with an account of >= rkn_min_followers must be in the RKN register.
    Another country: not applicable (no flag). Country unknown: info, since it cannot be a pass."""
    country = (country or "").strip().upper() or None
    if country is not None and country != RUSSIA:
        return []
    if (account.rkn_registry_number or "").strip():
        return []
    followers, limit = account.followers, settings.rkn_min_followers
    evidence = {"country": country, "followers": followers, "rkn_registry_number": account.rkn_registry_number}
    if followers is None:
        return _info("rkn_registry_missing", account, "vetting.rkn_registry_missing.not_measured", evidence)
    if followers < limit:
        return []
    params = {"followers": str(followers), "limit": str(limit)}
    if country is None:
        return _info("rkn_registry_missing", account, "vetting.rkn_registry_missing.no_country", evidence, params)
    return [Flag("rkn_registry_missing", "fail", account.account_id, "vetting.rkn_registry_missing.message",
                 str(followers), f">= {limit}", None, params, evidence)]


# --- data_stale -------------------------------------------------------------------------------------

def _stale(facts: InfluencerFacts, settings: VettingSettings, today: date) -> list[Flag]:
    """Stale when the newest date (account figures or snapshot, any account) is stale_days or more ago."""
    latest = None
    for account in facts.accounts:
        dates = [account.measured_on] if account.measured_on else []
        if account.history:  # oldest first: the last snapshot is the newest; max() keeps it right if not
            dates.append(max(m.taken_on for m in account.history))
        for day in dates:
            if latest is None or day > latest:
                latest = day
    if latest is None:  # nothing was ever measured: no measurement newer than the limit, so a warning
        return [Flag("data_stale", "warn", None, "vetting.data_stale.not_measured", None,
                     f">= {settings.stale_days}", None, {"limit": str(settings.stale_days)}, {})]
    age = (today - latest).days
    if age < settings.stale_days:
        return []
    return [Flag("data_stale", "warn", None, "vetting.data_stale.message", str(age), f">= {settings.stale_days}",
                 None, {"last": latest.isoformat(), "age": str(age), "limit": str(settings.stale_days)},
                 {"latest_measurement": latest.isoformat(), "today": today.isoformat()})]


# --- brand settings ---------------------------------------------------------------------------------

_DEFAULTS = VettingSettings()
_PERCENT_MAX = Decimal(100)


def settings_from(brand_vetting: dict | None) -> VettingSettings:
    """VettingSettings from a brand's settings["vetting"] dict (keys = field names). Numbers may be
    str, int or float (float goes through str, so 0.1 stays 0.1); a percentage must lie in 0..100,
    a count be a whole number >= 0 (stale_days >= 1); target_countries is a list of ISO alpha-2 codes
    or one "RU, KZ" string. Unknown keys are ignored; a bad value falls back to its default."""
    if not isinstance(brand_vetting, dict):
        return _DEFAULTS
    values = {}
    for spec in fields(VettingSettings):
        if spec.name not in brand_vetting:
            continue
        default = getattr(_DEFAULTS, spec.name)
        raw = brand_vetting[spec.name]
        if isinstance(default, Decimal):
            parsed = _decimal(raw)
            ok = parsed is not None and 0 <= parsed <= _PERCENT_MAX
        elif isinstance(default, int):
            parsed = _whole_number(raw)
            ok = parsed is not None and parsed >= (1 if spec.name == "stale_days" else 0)
        else:
            parsed = _countries(raw)
            ok = parsed is not None
        if ok:
            values[spec.name] = parsed
    return VettingSettings(**values)


def _decimal(raw) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _whole_number(raw) -> int | None:
    value = _decimal(raw)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _countries(raw) -> tuple[str, ...] | None:
    if isinstance(raw, str):
        raw = [part for part in raw.replace(";", ",").split(",") if part.strip()]
    if not isinstance(raw, (list, tuple)):
        return None
    codes = []
    for code in raw:
        if not isinstance(code, str) or len(code.strip()) != 2 or not code.strip().isascii() \
                or not code.strip().isalpha():
            return None
        if code.strip().upper() not in codes:
            codes.append(code.strip().upper())
    return tuple(codes)
