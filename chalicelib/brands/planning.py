"""A brand's planning settings, pure (no I/O): the clash window and the time zones offered in lists.

The guardrails that use them live in content/rules/guardrails.py (docs/post-form.md); these are here
because the brand's own pages (the settings form, the channel form) need them too, and brands sit
below content.
"""
from __future__ import annotations

DEFAULT_CLASH_MINUTES = 30
MAX_CLASH_MINUTES = 24 * 60

# Zones a marketing team in and around Russia (and its usual partners) picks most; shown first.
COMMON_ZONES = (
    "Europe/Moscow", "Europe/Kaliningrad", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
    "Asia/Magadan", "Asia/Kamchatka", "Europe/Minsk", "Asia/Almaty", "Asia/Tashkent", "Asia/Tbilisi",
    "Asia/Yerevan", "Asia/Baku", "Europe/Istanbul", "Asia/Dubai", "Europe/London", "Europe/Berlin",
    "Europe/Paris", "America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Singapore",
    "Asia/Tokyo", "UTC",
)
REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian",
           "Pacific")


def clash_minutes(settings: dict) -> int:
    """The brand's window (`clash_minutes`; missing → 30, 0 → off)."""
    value = settings.get("clash_minutes")
    if value is None:
        return DEFAULT_CLASH_MINUTES
    try:
        return max(0, min(int(value), MAX_CLASH_MINUTES))
    except (TypeError, ValueError):
        return DEFAULT_CLASH_MINUTES


def zone_groups(known: frozenset[str] | set[str], preferred: str | None = None) -> list[tuple[str, list[str]]]:
    """The zones for a <select>: ("common", [...]) first (with `preferred` added when it is not one),
    then one group per region ("Europe", "Asia", …) of the remaining IANA names, sorted; legacy
    aliases without a region ("EST5EDT", "Etc/GMT+3") are left out, except UTC."""
    common = [z for z in COMMON_ZONES if z in known]
    if preferred and preferred in known and preferred not in common:
        common.insert(0, preferred)
    groups: dict[str, list[str]] = {}
    for zone in sorted(known):
        region = zone.split("/", 1)[0]
        if region in REGIONS and "/" in zone and zone not in common:
            groups.setdefault(region, []).append(zone)
    return [("common", common), *[(region, groups[region]) for region in REGIONS if region in groups]]
