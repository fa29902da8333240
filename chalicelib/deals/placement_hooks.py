"""What the placement checks (chalicelib/placements, a feature above deals) add when a deliverable's live
URL is set — through the API, the deal page or the blogger's draft link.

Deals depends on placements not at all: app.py, the composition root, plugs the placements' hook in.
The hook has `url_problem(url) -> sentence | None` (a str with a `kind`: why the URL cannot be checked —
the outbound guard's refusal of a URL nobody may fetch, among others: a 422 when it is set) and `url_set(actor, deliverable_id)` (plans the checks of the new round
after the write; never raises). With nothing plugged in (a process that imported only deals) a URL is
stored and checked by nothing, so setting one fails instead.
"""
from __future__ import annotations

_plugged = None


def plug(hook) -> None:
    global _plugged
    _plugged = hook


def _hook():
    if _plugged is None:
        raise RuntimeError("No placement hook is plugged in; import app (app.py plugs placements into deals) "
                           "before setting a placement URL.")
    return _plugged


def url_problem(url: str) -> str | None:
    return _hook().url_problem(url)


def url_set(actor, deliverable_id: str) -> None:
    _hook().url_set(actor, deliverable_id)
