"""Vetting rules: every band edge exactly at and beside the boundary, missing data as info, the
verdict, the order of flags, brand settings, the translation keys, and speed."""
from __future__ import annotations

import statistics
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from chalicelib.core import i18n
from chalicelib.influencers.rules.benchmarks import ER_BENCHMARKS, NO_BENCHMARK_PLATFORMS, SOURCES, benchmark_key
from chalicelib.influencers.rules.facts import AccountFacts, Flag, InfluencerFacts, Measurement, VettingSettings
from chalicelib.influencers.rules.tiers import bounds
from chalicelib.influencers.rules.vetting import (
    MESSAGE_KEYS,
    RULES,
    settings_from,
    translation_keys,
    verdict_of,
    vet,
)

TODAY = date(2026, 6, 1)
SETTINGS = VettingSettings(target_countries=("RU", "KZ"))
D = Decimal


def account(**changes) -> AccountFacts:
    """A clean Instagram account (20k followers, ER 1.50 %): vetting finds nothing."""
    base = AccountFacts(
        account_id="acc-1", platform="instagram", handle="anna", followers=20_000, avg_likes=280, avg_comments=20,
        audience_credibility_pct=D("90"), mass_followers_pct=D("10"), sponsored_share_pct=D("20"),
        top_countries=(("RU", D("70")), ("KZ", D("10"))), rkn_registry_number="4912345678", measured_on=TODAY,
        history=(Measurement(TODAY - timedelta(days=1), followers=19_900), Measurement(TODAY, followers=20_000)),
    )
    return replace(base, **changes)


def facts(*accounts: AccountFacts, country: str | None = "RU") -> InfluencerFacts:
    return InfluencerFacts("inf-1", country, accounts)


def flags(acc: AccountFacts | None = None, settings: VettingSettings = SETTINGS, country: str | None = "RU",
          today: date = TODAY) -> tuple[Flag, ...]:
    return vet(facts(acc or account(), country=country), settings, today).flags


def found(acc: AccountFacts, *rules: str, **kwargs) -> list[tuple[str, str]]:
    """(rule, severity) of the flags of the given rules (all rules if none given)."""
    return [(f.rule, f.severity) for f in flags(acc, **kwargs) if not rules or f.rule in rules]


def test_a_clean_account_passes_without_flags():
    verdict = vet(facts(account()), SETTINGS, TODAY)
    assert verdict.verdict == "pass" and verdict.flags == ()


# --- engagement: Instagram (ER on followers) ---------------------------------------------------------

def test_instagram_edges_at_10k_50k():
    # 20,000 followers: ER = (likes + comments) / 200, exact to 2 decimals
    def er_rules(likes):
        return found(account(avg_likes=likes, avg_comments=0), "er_low", "er_below_average", "er_too_high")

    assert er_rules(76) == [("er_low", "fail")]  # 0.38 %
    assert er_rules(78) == [("er_below_average", "warn")]  # 0.39 %: exactly the Low edge is "Below average"
    assert er_rules(166) == [("er_below_average", "warn")]  # 0.83 %
    assert er_rules(168) == []  # 0.84 %: average
    assert er_rules(1044) == []  # 5.22 % = 2 x 2.61: not above
    assert er_rules(1046) == [("er_too_high", "warn")]  # 5.23 %


def test_instagram_flag_carries_numbers_benchmark_and_inputs():
    (flag,) = [f for f in flags(account(avg_likes=100, avg_comments=4)) if f.rule == "er_below_average"]
    assert flag.actual == "0.52 %" and flag.threshold == "< 0.84 %"
    assert flag.message == "vetting.er_below_average.message" and flag.benchmark == "vetting.benchmark.modash_instagram"
    assert flag.params | {} == {"platform": "Instagram", "platform_id": "instagram", "tier": "10k–50k",
                                "tier_id": "10k_50k", "er": "0.52", "low": "0.39", "below": "0.84", "high": "2.61",
                                "too_high": "5.22"}
    assert flag.evidence == {"formula": "followers", "followers": 20_000, "avg_likes": 100, "avg_comments": 4}
    assert i18n.translate(flag.benchmark, "en", **flag.params) == \
        "Modash, Instagram 10k–50k: low under 0.39 %, below average 0.39–0.84 %, high above 2.61 %"


def test_the_rounded_er_is_what_is_compared():
    # 77 / 20,000 = 0.385 % -> shown and compared as 0.39 %: "Below average", not "Low"
    (flag,) = [f for f in flags(account(avg_likes=77, avg_comments=0)) if f.rule.startswith("er_")]
    assert (flag.rule, flag.actual) == ("er_below_average", "0.39 %")


INSTAGRAM = [  # tier, low, below average upper, high (Modash)
    ("1k_5k", "1.72", "3.38", "7.97"), ("5k_10k", "0.62", "1.25", "3.54"), ("10k_50k", "0.39", "0.84", "2.61"),
    ("50k_100k", "0.32", "0.75", "2.47"), ("100k_500k", "0.41", "0.87", "2.63"), ("500k_1m", "0.46", "0.88", "2.46"),
    ("over_1m", "0.57", "1.02", "2.6"),
]


def _followers_and_likes(tier: str, er: Decimal) -> tuple[int, int]:
    """A follower count in the tier and likes whose ER, rounded to 2 decimals, is exactly `er`."""
    low, high = bounds(tier)
    for followers in range(max(low, 1), (high or low * 10)):
        likes = int((er * followers / 100).to_integral_value())
        if (D(likes) * 100 / followers).quantize(D("0.01"), rounding="ROUND_HALF_UP") == er:
            return followers, likes
    raise AssertionError(f"no follower count in {tier} gives {er} %")  # pragma: no cover


@pytest.mark.parametrize("tier, low, below, high", INSTAGRAM)
def test_instagram_band_edges_in_every_tier(tier, low, below, high):
    step = D("0.01")
    cases = [(D(low) - step, ["er_low"]), (D(low), ["er_below_average"]), (D(below) - step, ["er_below_average"]),
             (D(below), []), (D(high) * 2, []), (D(high) * 2 + step, ["er_too_high"])]
    for er, expected in cases:
        followers, likes = _followers_and_likes(tier, er)
        acc = account(followers=followers, avg_likes=likes, avg_comments=0)
        got = [f for f in flags(acc) if f.rule.startswith("er_")]
        assert [f.rule for f in got] == expected, (tier, er, followers, likes)
        assert all(f.params["tier_id"] == tier and f.actual == f"{er} %" for f in got)


def test_instagram_table_is_the_published_one():
    bands = ER_BENCHMARKS["instagram"].bands
    assert [(t, str(b.low), str(b.below), str(b.high)) for t, b in bands.items()] == INSTAGRAM


# --- engagement: TikTok, YouTube, RuTube (ER on views) ----------------------------------------------

def views_account(platform: str, followers: int, er: str, **changes) -> AccountFacts:
    """ER on views = (likes + comments + shares) / 10,000 views: engagements = ER x 100."""
    engagements = int(D(er) * 100)
    return account(platform=platform, followers=followers, avg_views=10_000, avg_likes=engagements - 2,
                   avg_comments=1, avg_shares=1, **changes)


@pytest.mark.parametrize("platform", ["tiktok", "youtube", "rutube"])
def test_views_platforms_all_tiers_at_each_edge(platform):
    step = D("0.01")
    for tier, band in ER_BENCHMARKS[platform].bands.items():
        followers = bounds(tier)[0]
        cases = [(band.below - step, ["er_below_average"] if band.low is None or band.below - step >= band.low
                  else ["er_low"]), (band.below, []), (band.too_high, []), (band.too_high + step, ["er_too_high"])]
        if band.low is not None:
            cases += [(band.low - step, ["er_low"]), (band.low, ["er_below_average"])]
        for er, expected in cases:
            got = [f.rule for f in flags(views_account(platform, followers, str(er))) if f.rule.startswith("er_")]
            assert got == expected, (platform, tier, er)


def test_tiktok_uses_shares_and_views_and_names_modash():
    (flag,) = [f for f in flags(views_account("tiktok", 60_000, "5.00")) if f.rule.startswith("er_")]
    assert (flag.rule, flag.severity, flag.actual, flag.threshold) == ("er_low", "fail", "5.00 %", "< 5.47 %")
    assert flag.benchmark == "vetting.benchmark.modash_tiktok"
    assert flag.evidence == {"formula": "views", "followers": 60_000, "avg_likes": 498, "avg_comments": 1,
                             "avg_views": 10_000, "avg_shares": 1}


def test_youtube_has_no_low_band_so_low_er_only_warns():
    got = [(f.rule, f.severity) for f in flags(views_account("youtube", 200_000, "0.01")) if f.rule.startswith("er_")]
    assert got == [("er_below_average", "warn")]


def test_rutube_reuses_youtube_bands_and_says_so():
    youtube, rutube = ER_BENCHMARKS["youtube"], ER_BENCHMARKS["rutube"]
    assert rutube.bands == youtube.bands and rutube.source == "sociavault_youtube_rutube"
    (flag,) = [f for f in flags(views_account("rutube", 20_000, "1.00")) if f.rule.startswith("er_")]
    assert flag.benchmark == "vetting.benchmark.sociavault_youtube_rutube"


# --- engagement: Telegram ERR and platforms without a benchmark -------------------------------------

@pytest.mark.parametrize("views, expected", [
    (499, [("er_low", "fail")]), (500, [("er_below_average", "warn")]),
    (999, [("er_below_average", "warn")]), (1_000, []),
])
def test_telegram_err_edges(views, expected):
    acc = account(platform="telegram", followers=10_000, avg_views=views, avg_likes=None, avg_comments=None)
    assert found(acc, "er_low", "er_below_average", "er_too_high") == expected


def test_telegram_limits_come_from_settings_not_a_study():
    acc = account(platform="telegram", followers=10_000, avg_views=1_500)
    tuned = replace(SETTINGS, telegram_err_fail_pct=D("20"), telegram_err_warn_pct=D("30"))
    (flag,) = [f for f in flags(acc, settings=tuned) if f.rule.startswith("er_")]
    assert (flag.rule, flag.actual, flag.threshold, flag.benchmark) == ("er_low", "15.00 %", "< 20.00 %", None)
    assert flag.message == "vetting.er_low.telegram"


@pytest.mark.parametrize("platform", sorted(NO_BENCHMARK_PLATFORMS))
def test_platforms_without_benchmark_get_an_info_not_a_pass(platform):
    (flag,) = [f for f in flags(account(platform=platform)) if f.rule.startswith("er_")]
    assert (flag.rule, flag.severity, flag.message) == ("er_low", "info", "vetting.er_low.no_benchmark")


def test_under_1k_has_no_benchmark_tier():
    (flag,) = [f for f in flags(account(followers=999, avg_likes=50)) if f.rule.startswith("er_")]
    assert (flag.severity, flag.message, flag.params["tier"]) == ("info", "vetting.er_low.no_benchmark_tier", "<1k")


@pytest.mark.parametrize("changes", [
    {"followers": None}, {"followers": 0}, {"avg_likes": None},
    {"platform": "tiktok", "avg_views": None}, {"platform": "youtube", "avg_views": 0},
    {"platform": "tiktok", "avg_views": 1000, "followers": None},
    {"platform": "telegram", "avg_views": None}, {"platform": "telegram", "followers": None},
])
def test_missing_er_inputs_are_not_measured(changes):
    got = [f for f in flags(account(**changes)) if f.rule.startswith("er_")]
    assert [(f.rule, f.severity, f.message) for f in got] == [("er_low", "info", "vetting.er_low.not_measured")]


def test_missing_comments_count_as_zero():
    assert found(account(avg_likes=168, avg_comments=None), "er_low", "er_below_average") == []


# --- audience quality ---------------------------------------------------------------------------------

@pytest.mark.parametrize("credibility, expected", [
    ("74.99", [("credibility_low", "fail")]), ("75", [("credibility_low", "warn")]),
    ("84.99", [("credibility_low", "warn")]), ("85", []), (None, [("credibility_low", "info")]),
])
def test_credibility_edges(credibility, expected):
    acc = account(audience_credibility_pct=None if credibility is None else D(credibility))
    assert found(acc, "credibility_low") == expected


def test_credibility_flag_text():
    (flag,) = flags(account(audience_credibility_pct=D("72.5")))
    assert (flag.actual, flag.threshold, flag.params) == ("72.50 %", "< 75.00 %", {"credibility": "72.50",
                                                                                     "limit": "75.00"})


@pytest.mark.parametrize("rule, field, at, above", [
    ("mass_followers_high", "mass_followers_pct", "20", "20.01"),
    ("sponsored_saturation", "sponsored_share_pct", "50", "50.01"),
])
def test_share_limits_are_strictly_above(rule, field, at, above):
    assert found(account(**{field: D(at)}), rule) == []
    assert found(account(**{field: D(above)}), rule) == [(rule, "warn")]
    assert found(account(**{field: None}), rule) == [(rule, "info")]
    (flag,) = [f for f in flags(account(**{field: D(above)})) if f.rule == rule]
    assert flag.message == f"vetting.{rule}.message" and flag.threshold == f"> {D(at):.2f} %"


def test_audience_geo():
    assert found(account(top_countries=(("kz", D("60")),)), "audience_geo") == []
    (flag,) = flags(account(top_countries=(("US", D("55")), ("RU", D("30")))))
    assert (flag.rule, flag.severity, flag.actual, flag.threshold) == ("audience_geo", "warn", "US", "RU, KZ")
    assert flag.params == {"country": "US", "share": "55.00", "targets": "RU, KZ"}
    # the largest share wins even if the list is not sorted
    assert found(account(top_countries=(("RU", D("20")), ("DE", D("40")))), "audience_geo") == \
        [("audience_geo", "warn")]
    assert found(account(top_countries=()), "audience_geo") == [("audience_geo", "info")]
    no_target = [f.message for f in flags(account(), settings=VettingSettings())]
    assert no_target == ["vetting.audience_geo.no_target"]


# --- growth_spike -------------------------------------------------------------------------------------

def history(*points: tuple[int, int | None], start: date = date(2026, 5, 1)) -> tuple[Measurement, ...]:
    """(day offset from `start`, followers)."""
    return tuple(Measurement(start + timedelta(days=day), followers=n) for day, n in points)


@pytest.mark.parametrize("before, gain, expected", [
    (100_000, 5_000, []), (100_000, 5_001, [("growth_spike", "warn")]),  # 5,000 floor (3 % is only 3,000)
    (200_000, 6_000, []), (200_000, 6_001, [("growth_spike", "warn")]),  # 3 % of the earlier snapshot
])
def test_growth_edges_between_consecutive_days(before, gain, expected):
    acc = account(history=history((0, before), (1, before + gain)))
    assert found(acc, "growth_spike") == expected


def test_growth_spike_names_the_day():
    acc = account(history=history((0, 100_000), (1, 100_500), (2, 112_500), (3, 113_000)))
    (flag,) = [f for f in flags(acc) if f.rule == "growth_spike"]
    assert flag.message == "vetting.growth_spike.message"
    assert flag.params == {"day": "2026-05-03", "gain": "12000", "before": "100500", "after": "112500",
                           "limit": "5000"}
    assert (flag.actual, flag.threshold) == ("+12000", "> 5000")
    assert i18n.translate(flag.message, "en", **flag.params) == \
        "Followers jumped by 12000 on 2026-05-03 (from 100500 to 112500); the limit is 5000 a day."


def test_growth_over_a_gap_is_per_day_and_names_the_range():
    assert found(account(history=history((0, 100_000), (3, 115_000))), "growth_spike") == []  # 5,000 a day
    acc = account(history=history((0, 100_000), (3, 115_003)))  # 5,001 a day
    (flag,) = [f for f in flags(acc) if f.rule == "growth_spike"]
    assert flag.message == "vetting.growth_spike.gap"
    assert flag.params == {"start": "2026-05-01", "end": "2026-05-04", "days": "3", "gain": "15003",
                           "per_day": "5001", "before": "100000", "after": "115003", "limit": "5000"}
    assert flag.evidence["spike_days"] == ["2026-05-01..2026-05-04"]


def test_the_largest_spike_is_named_and_all_are_counted():
    acc = account(history=history((0, 100_000), (1, 110_000), (2, 110_000), (3, 130_000), (4, 130_100)))
    (flag,) = [f for f in flags(acc) if f.rule == "growth_spike"]
    assert flag.params["day"] == "2026-05-04" and flag.params["gain"] == "20000"
    assert flag.evidence["spikes"] == 2 and flag.evidence["spike_days"] == ["2026-05-02", "2026-05-04"]


def test_growth_ignores_order_missing_counts_and_same_day_repeats():
    unsorted = history((1, 100_100), (0, 100_000), (2, None), (3, 100_200))
    assert found(account(history=unsorted), "growth_spike") == []
    # two snapshots on day 1: the later one counts (a correction, not growth within the day)
    same_day = history((0, 100_000), (1, 150_000), (1, 100_100))
    assert found(account(history=same_day), "growth_spike") == []
    falling = history((0, 100_000), (1, 60_000))
    assert found(account(history=falling), "growth_spike") == []


@pytest.mark.parametrize("points", [(), ((0, 100_000),), ((0, None), (1, 100_000)), ((0, 100_000), (0, 120_000))])
def test_growth_without_two_days_is_not_measured(points):
    assert found(account(history=history(*points)), "growth_spike") == [("growth_spike", "info")]


# --- rkn_registry_missing ------------------------------------------------------------------------------

@pytest.mark.parametrize("country, followers, number, expected", [
    ("RU", 10_000, None, [("rkn_registry_missing", "fail")]),
    ("ru", 10_000, "  ", [("rkn_registry_missing", "fail")]),
    ("RU", 9_999, None, []),
    ("RU", 500_000, "4912345678", []),
    ("KZ", 500_000, None, []),
    (None, 10_000, None, [("rkn_registry_missing", "info")]),
    (None, 9_999, None, []),
    ("RU", None, None, [("rkn_registry_missing", "info")]),
])
def test_rkn_registry(country, followers, number, expected):
    acc = account(followers=followers, rkn_registry_number=number)
    assert found(acc, "rkn_registry_missing", country=country) == expected


def test_rkn_flag_text():
    (flag,) = [f for f in flags(account(followers=12_000, rkn_registry_number=None)) if f.rule == "rkn_registry_missing"]
    assert (flag.actual, flag.threshold, flag.params) == ("12000", ">= 10000", {"followers": "12000",
                                                                                  "limit": "10000"})


# --- data_stale ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("age, expected", [(89, []), (90, [("data_stale", "warn")]), (400, [("data_stale", "warn")])])
def test_stale_edges(age, expected):
    day = TODAY - timedelta(days=age)
    acc = account(measured_on=day, history=(Measurement(day - timedelta(days=1), 1), Measurement(day, 1)))
    assert found(acc, "data_stale") == expected


def test_the_newest_date_of_any_account_or_snapshot_counts():
    old = TODAY - timedelta(days=200)
    stale = account(measured_on=old, history=(Measurement(old, followers=20_000),))
    fresh_snapshot = account(account_id="acc-2", measured_on=old,
                             history=(Measurement(old, followers=20_000), Measurement(TODAY, followers=20_000)))
    assert [f.rule for f in vet(facts(stale, fresh_snapshot), SETTINGS, TODAY).flags if f.rule == "data_stale"] == []
    (flag,) = [f for f in flags(stale) if f.rule == "data_stale"]
    assert flag.account_id is None and flag.params == {"last": old.isoformat(), "age": "200", "limit": "90"}


def test_no_dates_at_all_is_a_warning():
    """Nothing measured is never fresh: no measurement newer than the limit."""
    assert found(account(measured_on=None, history=()), "data_stale") == [("data_stale", "warn")]


# --- verdict, order, no accounts ---------------------------------------------------------------------

def test_no_accounts_is_one_warning_never_a_pass():
    verdict = vet(facts(), SETTINGS, TODAY)
    assert [(f.rule, f.severity, f.message) for f in verdict.flags] == \
        [("no_accounts", "warn", "vetting.no_accounts.message")]
    assert verdict.verdict == "warn"


def test_verdict_aggregation():
    info = Flag("audience_geo", "info", "a", "k")
    warn = Flag("growth_spike", "warn", "a", "k")
    fail = Flag("er_low", "fail", "a", "k")
    assert verdict_of([]) == "pass" and verdict_of([info, info]) == "pass"
    assert verdict_of([info, warn]) == "warn" and verdict_of([warn, fail, info]) == "fail"
    assert vet(facts(account(platform="vk")), SETTINGS, TODAY).verdict == "pass"  # info only
    assert vet(facts(account(mass_followers_pct=D("30"))), SETTINGS, TODAY).verdict == "warn"
    both = account(mass_followers_pct=D("30"), audience_credibility_pct=D("50"))
    assert vet(facts(both), SETTINGS, TODAY).verdict == "fail"


def test_flags_are_ordered_by_account_then_rule():
    bad = {"avg_likes": 10, "audience_credibility_pct": None, "mass_followers_pct": D("30"),
           "sponsored_share_pct": D("60"), "top_countries": (("US", D("80")),), "rkn_registry_number": None,
           "history": history((0, 10_000), (1, 20_000), start=TODAY - timedelta(days=101)),
           "measured_on": TODAY - timedelta(days=100)}
    first = account(account_id="z-first", **bad)
    second = account(account_id="a-second", platform="tiktok", avg_views=None, **{k: v for k, v in bad.items()
                                                                                   if k != "avg_likes"})
    got = [(f.account_id, f.rule) for f in vet(facts(first, second), SETTINGS, TODAY).flags]
    per_account = ["er_low", "credibility_low", "mass_followers_high", "growth_spike", "sponsored_saturation",
                   "audience_geo", "rkn_registry_missing"]
    assert got == [("z-first", r) for r in per_account] + [("a-second", r) for r in per_account] + \
        [(None, "data_stale")]
    assert [r for r in RULES if r in per_account] == per_account  # the order of RULES


# --- settings_from -------------------------------------------------------------------------------------

def test_settings_from_reads_json_numbers_as_decimals():
    settings = settings_from({"credibility_fail_pct": "70", "credibility_warn_pct": 80, "growth_pct": 2.5,
                              "mass_followers_warn_pct": 0.1, "growth_min_followers": "3000", "stale_days": 30.0,
                              "target_countries": ["ru", "by"], "unknown": "ignored"})
    assert settings.credibility_fail_pct == D("70") and settings.credibility_warn_pct == D("80")
    assert settings.growth_pct == D("2.5") and settings.mass_followers_warn_pct == D("0.1")
    assert settings.growth_min_followers == 3000 and settings.stale_days == 30
    assert settings.target_countries == ("RU", "BY")
    assert settings_from({"target_countries": "ru, kz"}).target_countries == ("RU", "KZ")


@pytest.mark.parametrize("key, value", [
    ("credibility_fail_pct", "abc"), ("credibility_fail_pct", True), ("credibility_fail_pct", None),
    ("credibility_fail_pct", "NaN"), ("credibility_fail_pct", "Infinity"), ("credibility_fail_pct", -1),
    ("credibility_fail_pct", 101), ("credibility_fail_pct", [75]), ("growth_min_followers", 1.5),
    ("growth_min_followers", -5), ("growth_min_followers", "many"), ("stale_days", 0), ("stale_days", False),
    ("rkn_min_followers", {"n": 1}), ("target_countries", ["RUS"]), ("target_countries", [1]),
    ("target_countries", 7), ("target_countries", ["Р1"]),
])
def test_settings_from_bad_values_fall_back_to_defaults(key, value):
    assert getattr(settings_from({key: value}), key) == getattr(VettingSettings(), key)


def test_settings_from_anything_but_a_dict_is_the_defaults():
    assert settings_from(None) == VettingSettings() and settings_from([]) == VettingSettings()
    assert settings_from({}) == VettingSettings()


def test_tuned_settings_change_the_rules():
    tuned = settings_from({"credibility_fail_pct": "60", "credibility_warn_pct": "65", "rkn_min_followers": 50_000,
                           "target_countries": ["RU"]})
    acc = account(audience_credibility_pct=D("70"), followers=20_000, rkn_registry_number=None)
    assert found(acc, "credibility_low", "rkn_registry_missing", settings=tuned) == []


# --- translation keys ----------------------------------------------------------------------------------

def _every_flag() -> list[Flag]:
    """Scenarios that together produce every message key."""
    accounts = [
        account(avg_likes=10), account(avg_likes=160), account(avg_likes=5_000), account(followers=None),
        account(platform="vk"), account(followers=500, avg_likes=10),
        account(platform="telegram", avg_views=100), account(platform="telegram", avg_views=1_500),
        views_account("tiktok", 20_000, "1.00"), views_account("youtube", 20_000, "1.00"),
        views_account("rutube", 20_000, "30.00"),
        account(audience_credibility_pct=D("50"), mass_followers_pct=D("50"), sponsored_share_pct=D("90"),
                top_countries=(("US", D("90")),), rkn_registry_number=None, history=history((0, 1), (1, 90_000))),
        account(audience_credibility_pct=None, mass_followers_pct=None, sponsored_share_pct=None, top_countries=(),
                followers=None, rkn_registry_number=None, history=()),
        account(history=history((0, 10_000), (5, 100_000))),
    ]
    result = list(vet(facts(*accounts), SETTINGS, TODAY).flags)
    result += vet(facts(account(rkn_registry_number=None), country=None), VettingSettings(), TODAY).flags
    result += vet(facts(account(measured_on=TODAY - timedelta(days=365), history=())), SETTINGS, TODAY).flags
    result += vet(facts(account(measured_on=None, history=())), SETTINGS, TODAY).flags
    result += vet(facts(), SETTINGS, TODAY).flags
    return result


def test_every_key_the_rules_can_emit_is_listed_and_in_both_catalogs():
    emitted = _every_flag()
    messages = {f.message for f in emitted}
    assert messages == set(MESSAGE_KEYS)  # the scenarios reach every listed key, and nothing else is emitted
    assert {f.benchmark for f in emitted} - {None} == {benchmark_key(s) for s in SOURCES}
    assert {f.rule for f in emitted} == set(RULES)
    for language in i18n.LANGUAGES:
        missing = translation_keys() - set(i18n.catalog(language))
        assert missing == set(), (language, sorted(missing))


def test_every_emitted_flag_formats_in_both_languages():
    for flag in _every_flag():
        for language in i18n.LANGUAGES:
            assert "{" not in i18n.translate(flag.message, language, **flag.params)
            if flag.benchmark:
                assert "{" not in i18n.translate(flag.benchmark, language, **flag.params)


def test_catalogs_hold_the_same_vetting_keys_with_the_same_placeholders():
    from string import Formatter

    en, ru = i18n.catalog("en"), i18n.catalog("ru")
    ours = {k for k in en if k.startswith(("vetting.", "tier."))}
    assert ours == {k for k in ru if k.startswith(("vetting.", "tier."))} == translation_keys()
    for key in ours:
        names = [{n for _, n, _, _ in Formatter().parse(text) if n} for text in (en[key], ru[key])]
        assert names[0] == names[1], key
        assert en[key] != ru[key], key


# --- speed ---------------------------------------------------------------------------------------------

def test_five_accounts_with_a_year_of_snapshots_vet_fast():
    start = TODAY - timedelta(days=365)
    year = tuple(Measurement(start + timedelta(days=i), followers=100_000 + 37 * i + (9_000 if i == 200 else 0))
                 for i in range(365))
    accounts = tuple(account(account_id=f"acc-{n}", history=year) for n in range(5))
    subject = facts(*accounts)
    timings = []
    for _ in range(30):
        began = time.perf_counter()
        verdict = vet(subject, SETTINGS, TODAY)
        timings.append(time.perf_counter() - began)
    assert [f.rule for f in verdict.flags] == ["growth_spike"] * 5
    assert statistics.median(timings) < 0.05 / 5  # well under 50 ms: a fifth of it
