"""Tracked links and promo codes in the browser (templates/campaigns/links.html):

  GET  /campaigns/{id}/links                   the campaign's links (label, short URL to copy, target, what
                                               it belongs to, clicks, unique visitors), its promo codes and the
                                               deals' codes still to register; the forms for managers
  POST /campaigns/{id}/links                   {label, target_url, subject ("post:<id>" | "deal:<id>" |
                                               "deliverable:<id>" | "")}: create a link
  POST /campaigns/{id}/promo-codes             {code, subject}: register a promo code
  POST /campaigns/{id}/promo-codes/delete      {code}: remove one

Thin like every page: the door (identity/doors.page: sign-in, CSRF, errors as pages) → the services
(service.py, promos.py) → 303 back to the page (`?done=…` announces it), or the page again with the
refusal by its field in the page's language (422; 409 for a taken promo code or an archived campaign).
Reading needs view_campaigns; the forms are shown to, and accepted from, managers (manage_campaigns) only.
What a link or a code belongs to is named only to who may see that kind (campaigns/service.sees: posts not to
finance, deals and placements not to copywriters and designers; the others read "Post", "Placement" …), and
only those are offered in the forms; the deals' codes to register are listed only to who may see deals.
"""
from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page

service = lazy_import("chalicelib.campaigns.links.service")
promos = lazy_import("chalicelib.campaigns.links.promos")
problems = lazy_import("chalicelib.campaigns.links.problems")
campaigns = lazy_import("chalicelib.campaigns.service")

bp = Blueprint(__name__)

PATH = "/campaigns/{campaign_id}/links"
NOTICES = {"link_created": "campaign_links.notice.link_created", "promo_created": "campaign_links.notice.promo_created",
           "promo_removed": "campaign_links.notice.promo_removed"}
SUBJECT_KINDS = ("post", "deal", "deliverable")


def _t(call: PageCall, key: str, **params) -> str:
    return i18n.translate(key, call.language, **params)


def _subject_fields(value: str | None) -> dict:
    """"deal:<id>" → {"deal_id": "<id>"}; "" → {}; anything else → {"post_id": "?"} (refused by the service)."""
    kind, _, subject_id = (value or "").strip().partition(":")
    if not kind:
        return {}
    if kind not in SUBJECT_KINDS or not subject_id:
        return {"post_id": "-"}
    return {f"{kind}_id": subject_id}


def _options(campaign, seen) -> list[dict]:
    """What a link or a code can belong to, of what the person sees (`seen`: campaigns/service.Seen): the
    campaign's posts (with view_posts), its deals and their deliverables (with view_deals) — its members, then
    BatchGet of the posts, the deals and all their deliverables."""
    from chalicelib.campaigns.repo import members_of
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key
    from chalicelib.deals import repo as deal_repo
    from chalicelib.deals.models import DeliverableItem

    members = members_of(campaign.id) if seen.posts or seen.deals else []
    post_keys = [post_key(m.subject_id) for m in members if m.kind == "post"] if seen.posts else []
    posts = [p for p in PostItem.batch_get(post_keys) if p.campaign_id == campaign.id] if post_keys else []
    options = [{"value": f"post:{p.id}", "id": p.id, "kind": "post", "label": p.title or p.id}
               for p in sorted(posts, key=lambda p: (p.title or "", p.id))]
    deal_ids = [m.subject_id for m in members if m.kind == "deal"] if seen.deals else []
    deals = [d for d in deal_repo.deals_by_id(deal_ids) if d.campaign_id == campaign.id] if deal_ids else []
    item_keys = [deal_repo.deliverable_key(i) for d in deals for i in d.deliverable_ids or []]
    items = list(DeliverableItem.batch_get(item_keys)) if item_keys else []
    for deal in sorted(deals, key=lambda d: (d.title, d.id)):
        options.append({"value": f"deal:{deal.id}", "id": deal.id, "kind": "deal", "label": deal.title})
        for item in sorted((i for i in items if i.deal_id == deal.id), key=lambda i: (i.publish_at, i.id)):
            options.append({"value": f"deliverable:{item.id}", "id": item.id, "kind": "deliverable",
                            "label": f"{deal.title} · {item.handle} · {item.format}"})
    return options


def _view(call: PageCall, campaign_id: str, *, status: int = 200, link_form: FormState | None = None,
          promo_form: FormState | None = None, notice: str | None = None):
    campaign, views = service.links(call.principal, campaign_id)
    _campaign, codes, suggested = promos.promos(call.principal, campaign_id)
    can_manage = campaigns.can_manage(call.principal, campaign.brand_id)
    seen = campaigns.sees(call.principal, campaign.brand_id)
    options = _options(campaign, seen)
    from chalicelib.brands import repo as brand_repo

    brand = brand_repo.get(campaign.brand_id)
    names = {option["id"]: option for option in options}
    done = call.query.get("done")
    return call.render("campaigns/links.html", status=status, campaign=campaign, brand=brand,
                       links=views, codes=codes,
                       suggested=suggested, can_manage=can_manage and campaign.status == "active", options=options,
                       names=names, seen=seen, short_url=service.short_url, link_form=link_form or FormState(),
                       promo_form=promo_form or FormState(),
                       notice=notice or (_t(call, NOTICES[done]) if done in NOTICES else None),
                       page_url=PATH.format(campaign_id=quote(campaign.id, safe="")))


def _back(call: PageCall, campaign_id: str, done: str, fragment: str):
    return call.redirect(PATH.format(campaign_id=quote(campaign_id, safe="")), fragment=fragment, done=done)


def _refused(call: PageCall, exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ValidationFailed):
        field, text = problems.message_of(exc, call.language)
        return ("subject" if field in ("post_id", "deal_id", "deliverable_id") else field), text
    return "__all__", exc.message


@page(bp, PATH)
def links_page(call: PageCall, campaign_id):
    return _view(call, campaign_id)


@page(bp, PATH, ("POST",), back=PATH)
def create_link(call: PageCall, campaign_id):
    campaigns.managed(call.principal, campaign_id)  # 404/403/409 before the form is read
    form = call.form or {}
    values = {name: (form.get(name) or "").strip() for name in ("label", "target_url", "subject")}
    try:
        service.create(call.principal, campaign_id, target_url=values["target_url"], label=values["label"],
                       **_subject_fields(values["subject"]))
    except (ValidationFailed, Conflict) as exc:
        field, text = _refused(call, exc)
        status = 422 if isinstance(exc, ValidationFailed) else 409
        return _view(call, campaign_id, status=status, link_form=FormState(values, {field: text}))
    return _back(call, campaign_id, "link_created", "links")


@page(bp, "/campaigns/{campaign_id}/promo-codes", ("POST",), back=PATH)
def create_promo(call: PageCall, campaign_id):
    campaigns.managed(call.principal, campaign_id)
    form = call.form or {}
    values = {name: (form.get(name) or "").strip() for name in ("code", "subject")}
    try:
        promos.create(call.principal, campaign_id, code=values["code"], **_subject_fields(values["subject"]))
    except (ValidationFailed, Conflict) as exc:
        field, text = _refused(call, exc)
        status = 422 if isinstance(exc, ValidationFailed) else 409
        if isinstance(exc, problems.PromoCodeTaken):
            field, text = "code", _t(call, "campaign_links.error.promo_taken", code=promos.normal_code(values["code"]))
        return _view(call, campaign_id, status=status, promo_form=FormState(values, {field: text}))
    return _back(call, campaign_id, "promo_created", "promo-codes")


@page(bp, "/campaigns/{campaign_id}/promo-codes/delete", ("POST",), back=PATH)
def remove_promo(call: PageCall, campaign_id):
    campaigns.managed(call.principal, campaign_id)
    promos.remove(call.principal, campaign_id, (call.form or {}).get("code") or "")
    return _back(call, campaign_id, "promo_removed", "promo-codes")
