"""What the deal pages share: their one blueprint (pages.py registers it; deal_page.py,
deliverable_pages.py and contract_pages.py add their routes to it), addresses, the notices a redirect
may announce, and the context every deal template gets."""
from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.http.pages import PageCall
from chalicelib.deals.page_display import NOTICES, Shown, labels

bp = Blueprint("chalicelib.deals.pages")

STYLESHEET = "influencers.css"  # the directory's tables, fieldsets and badges serve the deals too


def list_path(brand_id: str) -> str:
    return f"/brands/{quote(brand_id, safe='')}/deals"


def deal_path(deal_id: str) -> str:
    return f"/deals/{quote(deal_id, safe='')}"


def influencer_path(influencer_id: str) -> str:
    return f"/influencers/{quote(influencer_id, safe='')}"


def posted(call: PageCall, names) -> dict[str, str]:
    form = call.form or {}
    return {name: form.get(name, "") for name in names}


def notice(call: PageCall) -> str | None:
    """What a redirect after a successful form announces (?done=…): a deal's own or a payment's."""
    from chalicelib.deals import payment_pages

    done = call.query.get("done") if call.request.method == "GET" else None
    if done in NOTICES:
        return i18n.translate(f"deals.notice.{done}", call.language)
    return i18n.translate(f"payments.notice.{done}", call.language) if done in payment_pages.NOTICES else None


def common(call: PageCall) -> dict:
    return {"labels": labels(call.language), "shown": Shown(call.language), "stylesheet": STYLESHEET,
            "notice": notice(call)}
