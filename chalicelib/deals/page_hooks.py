"""What features above deals add to the deal's page (today: the placement checks' timeline of each
deliverable, chalicelib/placements/timeline.py) — without deals importing them.

Deals depends on placements not at all: app.py, the composition root, plugs the provider in. The provider
has `timelines(principal, deal, items, language, zone, *, forms) -> {deliverable id: view}` (what
templates/placements/timeline.html shows inside a deliverable's row; `forms` are the provider's own form
states of a POST that is answered with the deal's page again) and `notice(done, language) -> sentence |
None` (what a redirect back to the deal's page announces, `?done=…`). With nothing plugged in (a process
that imported only deals) the page shows no timeline.
"""
from __future__ import annotations

_plugged = None


def plug(provider) -> None:
    global _plugged
    _plugged = provider


def timelines(principal, deal, items, language: str, zone: str, *, forms: dict | None = None) -> dict[str, dict]:
    if _plugged is None:
        return {}
    return _plugged.timelines(principal, deal, items, language, zone, forms=forms or {})


def notice(done: str | None, language: str) -> str | None:
    if _plugged is None or not done:
        return None
    return _plugged.notice(done, language)
