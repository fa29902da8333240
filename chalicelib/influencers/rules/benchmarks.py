"""Engagement-rate benchmarks per platform and follower tier, each with the study it comes from.

Every number here is a percentage as published by the named source (docs/vetting.md lists the
sources with links). A `Band` holds three edges of one tier:

    ER <  low               "Low"            -> er_low (fail)          (no such band when low is None)
    low <= ER < below       "Below average"  -> er_below_average (warn)
    ER >  2 x high          far above "High" -> er_too_high (warn)

`high` is the lower edge of the source's top band. Telegram's ERR is not a study: its two limits
are brand settings (VettingSettings.telegram_err_fail_pct / _warn_pct), so it is not listed here.
Platforms without a benchmark get an `info` flag, never a pass. Pure, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# How ER is computed for a benchmark: the source's own formula.
ER_ON_FOLLOWERS = "followers"  # (avg likes + avg comments) / followers x 100
ER_ON_VIEWS = "views"  # (avg likes + avg comments + avg shares) / avg views x 100
ERR_ON_SUBSCRIBERS = "err"  # Telegram: avg views / subscribers x 100

NO_BENCHMARK_PLATFORMS = frozenset({"vk", "ok", "dzen", "x", "twitch", "other"})
PLATFORM_NAMES = {  # brand names, the same in every language
    "instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "rutube": "RuTube",
    "telegram": "Telegram", "vk": "VK", "ok": "OK", "dzen": "Dzen", "x": "X", "twitch": "Twitch",
}


@dataclass(frozen=True)
class Band:
    low: Decimal | None  # ER below this is "Low"; None: the source publishes no such band
    below: Decimal  # ER from `low` up to (not including) this is "Below average"
    high: Decimal  # lower edge of the source's top band; ER above twice this is "too high"

    @property
    def too_high(self) -> Decimal:
        return self.high * 2


@dataclass(frozen=True)
class Benchmark:
    source: str  # short id: the translation key is vetting.benchmark.<source>
    platform: str
    formula: str  # ER_ON_FOLLOWERS | ER_ON_VIEWS
    bands: dict  # tier id -> Band; a tier missing here has no benchmark (e.g. under 1k)


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    note: str


SOURCES: dict[str, Source] = {
    "modash_instagram": Source(
        "Modash — Instagram engagement rate benchmarks (72M+ profiles)",
        "https://www.modash.io/engagement-rate-calculator",
        "ER = engagements (likes + comments) / followers, last 30 posts.",
    ),
    "modash_tiktok": Source(
        "Modash — TikTok engagement rate benchmarks (data collected November 2025)",
        "https://www.modash.io/tiktok-engagement-rate-calculator",
        "ER = engagements / views, last 30 videos.",
    ),
    "sociavault_youtube": Source(
        "SociaVault Labs — YouTube engagement by subscriber tier (75,000 channels, 2026)",
        "https://sociavault.com/blog/good-engagement-rate-youtube",
        "ER = (likes + comments) / views; 25th and 75th percentiles per tier; no 'Low' band.",
    ),
    "sociavault_youtube_rutube": Source(
        "SociaVault Labs — YouTube bands, reused for RuTube (no RuTube study found)",
        "https://sociavault.com/blog/good-engagement-rate-youtube",
        "RuTube is a long-video platform like YouTube; its bands are YouTube's.",
    ),
}


def _band(low: str | None, below: str, high: str) -> Band:
    return Band(Decimal(low) if low is not None else None, Decimal(below), Decimal(high))


def _tiers(*rows: Band) -> dict:
    """Bands for the seven tiers from 1k up, in order (under 1k has no benchmark)."""
    return dict(zip(("1k_5k", "5k_10k", "10k_50k", "50k_100k", "100k_500k", "500k_1m", "over_1m"), rows, strict=True))


# Modash, Instagram: Low < / Below average < / High >=, per tier (the brief's table, as published).
_INSTAGRAM = _tiers(
    _band("1.72", "3.38", "7.97"),
    _band("0.62", "1.25", "3.54"),
    _band("0.39", "0.84", "2.61"),
    _band("0.32", "0.75", "2.47"),
    _band("0.41", "0.87", "2.63"),
    _band("0.46", "0.88", "2.46"),
    _band("0.57", "1.02", "2.6"),
)

# Modash, TikTok (ER on views; table "Data collected from modash.io. November, 2025").
_TIKTOK = _tiers(
    _band("9.49", "12.06", "18.51"),
    _band("7.79", "10.50", "14.59"),
    _band("6.28", "8.38", "11.38"),
    _band("5.47", "7.22", "10.45"),
    _band("5.07", "6.66", "9.56"),
    _band("4.73", "6.19", "8.12"),
    _band("4.75", "6.20", "8.69"),
)

# SociaVault Labs, YouTube (ER on views). Its tiers are coarser: Nano 1K–10K, Micro 10K–50K,
# Mid 50K–100K, Macro 100K–500K, Mega 500K+. "Below average" = under the tier's 25th percentile,
# `high` = the 75th percentile; the study publishes no "Low" band, so YouTube ER never fails.
_NANO, _MICRO, _MID = _band(None, "3.41", "7.82"), _band(None, "2.48", "5.43"), _band(None, "1.87", "4.12")
_MACRO, _MEGA = _band(None, "1.38", "3.24"), _band(None, "0.89", "2.18")
_YOUTUBE = _tiers(_NANO, _NANO, _MICRO, _MID, _MACRO, _MEGA, _MEGA)

ER_BENCHMARKS: dict[str, Benchmark] = {
    "instagram": Benchmark("modash_instagram", "instagram", ER_ON_FOLLOWERS, _INSTAGRAM),
    "tiktok": Benchmark("modash_tiktok", "tiktok", ER_ON_VIEWS, _TIKTOK),
    "youtube": Benchmark("sociavault_youtube", "youtube", ER_ON_VIEWS, _YOUTUBE),
    "rutube": Benchmark("sociavault_youtube_rutube", "rutube", ER_ON_VIEWS, _YOUTUBE),
}


def benchmark_for(platform: str) -> Benchmark | None:
    """The ER benchmark of a platform, None for Telegram (settings) and platforms without one."""
    return ER_BENCHMARKS.get(platform)


def benchmark_key(source: str) -> str:
    """The translation key that names a benchmark source: vetting.benchmark.<source>."""
    return f"vetting.benchmark.{source}"
