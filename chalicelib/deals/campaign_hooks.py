"""What campaigns (chalicelib/campaigns, a feature above deals) add when a deal joins, leaves or moves
between campaigns — on creation with a `campaign_id` or a change of it.

Deals depends on campaigns not at all: app.py, the composition root, plugs the campaigns' hook in. The
hook has `check(brand_id, campaign_id, currency) -> sentence | None` (why the deal cannot join that
campaign: missing, another brand's, archived, another currency — a 422 on `campaign_id`) and
`in_transaction(deal_id, old_campaign_id, new_campaign_id) -> [operations]` (the campaign's member
entries, written in the deal's own transaction) and `choices(brand_id, keep=None, language="en") ->
[(id, name)]` (the campaigns the deal form offers: the brand's active ones and `keep`, the deal's own, even
archived) and `summary(brand_id, campaign_id, language="en", deliverable_id=None) -> (name, path,
entry_path | None) | None` (the deal page's campaign line: its name, its page and where its numbers are
entered by hand, the deliverable chosen there). A deal without a campaign needs no hook; with nothing
plugged in (a process that imported only deals) setting a campaign fails instead of skipping the index, the
deal form has no campaign field and the deal page no campaign line.
"""
from __future__ import annotations

_plugged = None


def plug(hook) -> None:
    global _plugged
    _plugged = hook


def _hook():
    if _plugged is None:
        raise RuntimeError("No campaign hook is plugged in; import app (app.py plugs campaigns into deals) "
                           "before attaching a deal to a campaign.")
    return _plugged


def check(brand_id: str, campaign_id: str | None, currency: str) -> str | None:
    if not campaign_id:
        return None
    return _hook().check(brand_id, campaign_id, currency)


def in_transaction(deal_id: str, old_campaign_id: str | None, new_campaign_id: str | None) -> list:
    if old_campaign_id == new_campaign_id:
        return []
    return _hook().in_transaction(deal_id, old_campaign_id, new_campaign_id)


def choices(brand_id: str, keep: str | None = None, language: str = "en") -> list[tuple[str, str]] | None:
    """The campaigns the deal form offers as [(id, name)]; None when nothing is plugged in (no field)."""
    if _plugged is None:
        return None
    return _plugged.choices(brand_id, keep, language)


def summary(brand_id: str, campaign_id: str | None, language: str = "en", deliverable_id: str | None = None
            ) -> tuple[str, str, str | None] | None:
    """The deal's campaign as its page names it: (name, the campaign's page, the page where its numbers are
    entered by hand with `deliverable_id` chosen — None when the campaign is archived); None without a
    campaign, when it is missing or another brand's, or with nothing plugged in (no line)."""
    if not campaign_id or _plugged is None:
        return None
    return _plugged.summary(brand_id, campaign_id, language, deliverable_id)
