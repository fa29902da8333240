"""The placement checks' side of deals/placement_hooks.py (plugged in by app.py): light at import, the
work is imported when a URL is set."""
from __future__ import annotations


def url_problem(url: str) -> str | None:
    from chalicelib.placements import service

    return service.url_problem(url)


def url_set(actor, deliverable_id: str) -> None:
    from chalicelib.placements import service

    service.url_set(actor, deliverable_id)
