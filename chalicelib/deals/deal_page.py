"""A deal's page: the header (title, contract number, status, the influencer, fee, advertiser), the
buttons of the moves the deal allows now and the person may make (send, sign, start, complete, close,
cancel and dispute with a reason, resolve to in progress or completed), the terms in plain words, the
payment schedule, the deliverables with a small form each (and, inside each, what a feature above deals
adds through page_hooks.py: the placement checks' timeline and forms), the contract's versions and signed
copies, and the payments block (templates/deals/payments_table.html, the payments pages' own). A deal of a
campaign names it under the title, for who may see campaigns, with a link to where its numbers are entered
for who may manage them (campaign_hooks.summary: deals does not import campaigns).

A refused move comes back as this page with a translated sentence by the buttons (409/422)."""
from __future__ import annotations

from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.core.plain import plain
from chalicelib.deals import campaign_hooks, page_hooks
from chalicelib.deals.page_display import (
    ACTIONS,
    DEAL_BADGES,
    DELIVERABLE_BADGES,
    NEEDS_REASON,
    RESOLVE_TO,
    milestone_lines,
    platform,
    terms_lines,
)
from chalicelib.deals.page_kit import bp, common, deal_path, influencer_path, list_path, posted
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission

deals = lazy_import("chalicelib.deals.service")
deliverables = lazy_import("chalicelib.deals.deliverable_service")
stored = lazy_import("chalicelib.deals.stored")
brands = lazy_import("chalicelib.brands.service")
influencers = lazy_import("chalicelib.influencers.service")
status_rules = lazy_import("chalicelib.deals.rules.deliverable_status")

AMENDS = ("signed", "in_progress", "disputed")
EDITABLE = ("draft", "sent", *AMENDS)
# What a refused move means, by the move (a Conflict) or by the field a refusal names (ValidationFailed).
CONFLICTS = {"send": "deals.error.contract_first", "sign": "deals.error.contract_outdated",
             "complete": "deals.error.complete_open", "close": "deals.error.close_open",
             "cancel": "deals.error.cancel_published"}
FIELDS = {"deliverables": "deals.error.send_no_deliverables", "advertiser.inn": "deals.error.send_inn"}


def _influencer(principal, influencer_id: str):
    try:
        return influencers.get(principal, influencer_id)
    except (NotFound, Forbidden):
        return None


def _deliverable_rows(items, shown, row_forms: dict, names: dict) -> list[dict]:
    order = {s: n for n, s in enumerate(status_rules.STATES)}
    rows = []
    for item in items:
        moves = sorted(status_rules.NEXT.get(item.status, ()), key=lambda s: order.get(s, 99))
        rows.append({"item": item, "when": shown.wall(item.wall, item.timezone),
                     "moves": [(s, names.get(s, s)) for s in moves],
                     "platform": platform(item.platform, shown.language),
                     "badge": DELIVERABLE_BADGES.get(item.status, "status-draft"),
                     "form": row_forms.get(item.id) or FormState(values={"erid": item.erid or "",
                                                                         "url": item.url or ""})})
    return rows


def _files(deal, shown, zone: str) -> tuple[list[dict], list[dict]]:
    contracts = [{"version": int(c.get("version") or 0), "made": shown.instant(c.get("created_at"), zone),
                  "amendment": int(c.get("amendment") or 0), "sha": (c.get("sha256") or "")[:12],
                  "size": shown.number(c.get("size")),
                  "url": f"/v1/deals/{deal.id}/contract.pdf"}
                 for c in plain(deal.contracts) or [] if isinstance(c, dict)]
    copies = [{"version": int(c.get("contract_version") or 0), "uploaded": shown.instant(c.get("uploaded_at"), zone),
               "sha": (c.get("sha256") or "")[:12]}
              for c in plain(deal.signed_copies) or [] if isinstance(c, dict)]
    return list(reversed(contracts)), list(reversed(copies))


def _campaign_line(principal, deal, items, language: str) -> dict | None:
    """The deal's campaign — {name, path, entry} — for who may see campaigns; `entry` (the metrics page's
    hand-entry form, the deal's one deliverable that is not cancelled chosen there) only for who may enter
    them; None without a campaign."""
    if not deal.campaign_id or not principal.can(deal.brand_id, Permission.view_campaigns):
        return None
    live = [i.id for i in items if i.status != "cancelled"]
    found = campaign_hooks.summary(deal.brand_id, deal.campaign_id, language, live[0] if len(live) == 1 else None)
    if found is None:
        return None
    name, path, entry = found
    return {"name": name, "path": path,
            "entry": entry if principal.can(deal.brand_id, Permission.manage_campaigns) else None}


def payments_context(call: PageCall, deal_id: str) -> dict:
    """What templates/deals/payments_table.html needs (its top comment): the deal's payments."""
    from chalicelib.deals import payment_pages

    return payment_pages.deal_table(call.principal, call.language, deal_id, return_to="deal")


def deal_page_view(call: PageCall, deal_id: str, *, status: int = 200, action_form: FormState | None = None,
                   row_forms: dict | None = None, contract_form: FormState | None = None,
                   draft_links: dict | None = None, placement_forms: dict | None = None):
    """The deal's page; `placement_forms` are the form states of a placement form answered with this page
    (page_hooks: the provider's own, by deliverable)."""
    principal = call.principal
    deal, items = deliverables.of_deal(principal, deal_id)
    brand = brands.get(principal, deal.brand_id)
    context = common(call)
    if context["notice"] is None and call.request.method == "GET":
        context["notice"] = page_hooks.notice(call.query.get("done"), call.language)
    shown = context["shown"]
    can_manage = principal.can(brand.id, Permission.manage_deals)
    moves = [a for a in deals.actions(deal) if a in ACTIONS] if can_manage else []
    influencer = _influencer(principal, deal.influencer_id)
    fee = stored.fee(deal)
    contracts, copies = _files(deal, shown, brand.timezone)
    return call.render(
        "deals/deal.html", status=status, brand=brand, deal=deal, influencer=influencer,
        badge=DEAL_BADGES.get(deal.status, "status-draft"), fee=shown.money(fee),
        agency_fee=shown.money(stored.agency_fee(deal)) if deal.agency_fee_pct is not None else None,
        product_value=shown.money(stored.product_value(deal)) if deal.product_value_minor is not None else None,
        advertiser=plain(deal.advertiser) or {}, terms=terms_lines(plain(deal.terms) or {}, call.language),
        schedule=milestone_lines(plain(deal.milestones) or [], fee, call.language),
        deliverables=_deliverable_rows(items, shown, row_forms or {}, context["labels"]["deliverable_status"]),
        contracts=contracts, copies=copies, empty_form=FormState(),
        outdated=deals.contract_outdated(deal), can_manage=can_manage, moves=moves, needs_reason=NEEDS_REASON,
        resolve_to=RESOLVE_TO, editable=can_manage and deal.status in EDITABLE, amends=deal.status in AMENDS,
        can_sign=can_manage and "sign" in moves and bool(contracts),
        creative={i.id for i in items if deliverables.held_to(deal, i).get("creative_approval")} if can_manage
        else set(), draft_links=draft_links or {},
        timelines=page_hooks.timelines(principal, deal, items, call.language, brand.timezone,
                                       forms=placement_forms),
        action_form=action_form or FormState(), contract_form=contract_form or FormState(),
        campaign_line=_campaign_line(principal, deal, items, call.language),
        deal_url=deal_path(deal.id), list_url=list_path(brand.id),
        influencer_url=influencer_path(deal.influencer_id), **payments_context(call, deal.id), **context)


@page(bp, "/deals/{deal_id}")
def deal_page(call: PageCall, deal_id):
    return deal_page_view(call, deal_id)


# --- moving the deal ---------------------------------------------------------------------------------------

def _move_refused(call: PageCall, action: str, exc: Exception) -> str:
    """A translated sentence for a refused move."""
    language = call.language
    if isinstance(exc, ValidationFailed):
        for detail in exc.details or []:
            path = str(detail.get("field") or "")
            if path in FIELDS:
                return i18n.translate(FIELDS[path], language)
            if path.startswith("deliverables.") and path.endswith(".account_id"):
                number = path.split(".")[1]
                return i18n.translate("deals.error.send_gate", language,
                                      number=int(number) + 1 if number.isascii() and number.isdigit() else number)
        return i18n.translate("form.error.invalid", language)
    key = CONFLICTS.get(action, "deals.error.move")
    return i18n.translate(key, language)


@page(bp, "/deals/{deal_id}/act", ("POST",), back="/deals/{deal_id}")
def move_deal(call: PageCall, deal_id):
    values = posted(call, ("action", "reason", "to", "version"))
    action = values["action"].strip()
    reason = values["reason"].strip() or None
    to = values["to"].strip() or None
    errors: dict[str, str] = {}
    if action not in ACTIONS:
        errors["__all__"] = i18n.translate("deals.error.move", call.language)
    elif action in NEEDS_REASON and not reason:
        errors["reason"] = i18n.translate("form.error.required", call.language)
    elif action in NEEDS_REASON and len(reason) > 1000:
        errors["reason"] = i18n.translate("form.error.too_long", call.language, max=1000)
    elif action == "resolve" and to not in RESOLVE_TO:
        errors["to"] = i18n.translate("form.error.choice", call.language)
    if not errors:
        raw_version = values["version"].strip()
        version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() else None
        try:
            deals.act(call.principal, deal_id, action, reason=reason, to=to if action == "resolve" else None,
                      version=version)
        except (ValidationFailed, Conflict) as exc:
            current = deals.get(call.principal, deal_id, consistent=True)
            changed = version is not None and current.version != version
            errors["__all__"] = i18n.translate("deals.conflict", call.language) if changed \
                else _move_refused(call, action, exc)
        else:
            return call.redirect(deal_path(deal_id), done=f"moved_{action}")
    status = 409 if "__all__" in errors and action in ACTIONS else 422
    return deal_page_view(call, deal_id, status=status, action_form=FormState(values, errors))
