"""Who and when, as the person reading a page sees them: people by their name in the brand (else the
label stored with the record, e.g. the email a decision was made under) and instants as wall time in
the reader's zone (their profile's time zone, else the brand's), with the zone named.

Shared by the post page and the review board."""
from __future__ import annotations

from chalicelib.core import schedule


def reader_zone(principal, fallback: str | None) -> str:
    """The reader's time zone: their profile's setting, else `fallback` (the brand's zone), else UTC."""
    from chalicelib.identity import repo as user_repo

    user = user_repo.get(principal.user_id) if principal is not None else None
    zone = getattr(user, "timezone", None) or fallback or "UTC"
    try:
        schedule.zone_info(zone)
    except Exception:  # a zone that no longer parses: never break a page over it
        return fallback or "UTC"
    return zone


def when(instant, zone: str) -> str:
    """'2026-11-27 10:00 (Europe/Berlin)' for a stored UTC instant; '' for none."""
    return schedule.local_label(instant, zone) if instant else ""


def name_of(people: dict, user_id: str | None, label: str | None = None) -> str:
    """The person's name in the brand, else the stored label, else '—'."""
    return (people.get(user_id) if user_id else None) or label or "—"
