"""The influencer directory in the browser: a brand's directory (filters, search, order, paging, the
"add an influencer" form), the influencer's page (status, legal data for managers, accounts with
their figures, follower history as server-rendered SVG with a table fallback, the vetting flags with
their reasons) and the forms that change them.

Thin like every page: parse (pages.page does authentication, CSRF and errors) → a service call →
render. Forms validate with the API's schemas; nested fields are flat form names (`contacts_email`
→ `contacts.email`). A refused form comes back as its page with the values kept and the message
next to the field (422; a stale edit 409); a successful POST answers 303 (post/redirect/get).
"""
from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.core import i18n
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict, Upstream, ValidationFailed
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.influencers.page_display import VERDICTS, Numbers, chart_of, countries, labels
from chalicelib.influencers.page_forms import (
    ACCOUNT_FIELDS,
    INFLUENCER_FIELDS,
    SNAPSHOT_FIELDS,
    account_values,
    changed,
    check,
    field_errors,
    figures,
    influencer_data,
    influencer_values,
)
from chalicelib.influencers.rules import status as status_rules
from chalicelib.influencers.rules import tiers
from chalicelib.influencers.schemas import (
    AccountCreate,
    AccountPatch,
    InfluencerCreate,
    InfluencerPatch,
    InfluencerQuery,
    LegalType,
    SnapshotIn,
    Status,
    StatusChange,
)

influencers = lazy_import("chalicelib.influencers.service")
brands = lazy_import("chalicelib.brands.service")
members = lazy_import("chalicelib.brands.members.service")
telegram = lazy_import("chalicelib.influencers.telegram_fetch")

bp = Blueprint(__name__)

PAGE = 50
MEMBERS = 100
MANAGER_ROLES = ("influencer_manager", "smm_manager")
SEVERITY_ORDER = {"fail": 0, "warn": 1, "info": 2}
STYLESHEET = "influencers.css"
# What a redirect after a successful form may announce (?done=…); anything else is ignored.
NOTICES = ("influencer_added", "influencer_saved", "influencer_deleted", "status_changed", "account_added",
           "account_saved", "account_deleted", "snapshot_added", "telegram_fetched")


def influencer_path(influencer_id: str) -> str:
    return f"/influencers/{quote(influencer_id, safe='')}"


def directory_path(brand_id: str) -> str:
    return f"/brands/{quote(brand_id, safe='')}/influencers"


def account_path(account_id: str) -> str:
    return f"/accounts/{quote(account_id, safe='')}"


# --- shared by the pages ------------------------------------------------------------------------------------

def _posted(call: PageCall, names: tuple[str, ...]) -> dict[str, str]:
    form = call.form or {}
    return {name: form.get(name, "") for name in names}


def _managed(call: PageCall, influencer_id: str, *, consistent: bool = False):
    """The influencer, for someone who may change it (else 403; outsiders 404)."""
    influencer = influencers.get(call.principal, influencer_id, consistent=consistent)
    call.principal.require(influencer.brand_id, Permission.manage_influencers, what="influencer")
    return influencer


def _team(principal, brand_id: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """({user id: name} of the brand's members, [(id, name)] of those who may own an influencer)."""
    if not principal.can(brand_id, Permission.view_members):
        return {}, []
    found = members.list_members(principal, brand_id, None, MEMBERS).items
    names = {m.user_id: (m.name or m.email) for m in found}
    owners = [(m.user_id, m.name or m.email) for m in found if set(m.roles or []) & set(MANAGER_ROLES)]
    return names, sorted(owners, key=lambda pair: pair[1].casefold())


def _common(call: PageCall) -> dict:
    return {"labels": labels(call.language), "n": Numbers(call.language), "countries": countries(call.language),
            "country_names": dict(countries(call.language)),
            "stylesheet": STYLESHEET}


def _notice(call: PageCall) -> str | None:
    notice = call.query.get("done") if call.request.method == "GET" else None
    return i18n.translate(f"influencers.notice.{notice}", call.language) if notice in NOTICES else None


# --- the directory ------------------------------------------------------------------------------------------

FILTERS = ("platform", "tier", "verdict", "status", "tag", "owner_id", "q", "sort")


def _directory_query(call: PageCall) -> tuple[InfluencerQuery, dict[str, str]]:
    """The query from the address; a hand-edited filter that is not valid is left out."""
    filters = {name: (call.query.get(name) or "").strip() for name in FILTERS}
    filters = {name: value for name, value in filters.items() if value}
    if filters.get("tier") not in (None, *tiers.TIER_IDS):
        filters.pop("tier")
    cursor = call.query.get("cursor") or None
    for _ in range(len(FILTERS) + 1):
        try:
            return InfluencerQuery.model_validate({**filters, "cursor": cursor, "limit": PAGE}), filters
        except ValidationError as exc:
            bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
            cursor = None if "cursor" in bad else cursor
            filters = {name: value for name, value in filters.items() if name not in bad}
    return InfluencerQuery(limit=PAGE), {}


def _directory_page(call: PageCall, brand_id: str, *, form: FormState | None = None, status: int = 200):
    principal = call.principal
    query, filters = _directory_query(call) if call.request.method == "GET" else (InfluencerQuery(limit=PAGE), {})
    found = influencers.directory(principal, brand_id, query)
    brand = brands.get(principal, brand_id)
    names, owners = _team(principal, brand_id)
    can_manage = principal.can(brand_id, Permission.manage_influencers)
    return call.render(
        "influencers.html", status=status, brand=brand, items=found.items, cursor=found.cursor, filters=filters,
        names=names, owners=owners, can_manage=can_manage, notice=_notice(call),
        form=form or FormState(values={"legal_type": LegalType.individual.value, "owner_id": principal.user_id}),
        directory_url=directory_path(brand_id), tier_ids=tiers.TIER_IDS, verdicts=VERDICTS,
        statuses=[s.value for s in Status], **_common(call))


@page(bp, "/brands/{brand_id}/influencers")
def directory(call: PageCall, brand_id):
    return _directory_page(call, brand_id)


@page(bp, "/brands/{brand_id}/influencers", ("POST",))
def add_influencer(call: PageCall, brand_id):
    call.principal.require(brand_id, Permission.manage_influencers)
    values = _posted(call, INFLUENCER_FIELDS)
    data, errors = check(InfluencerCreate, influencer_data(values), call.language)
    if data is not None:
        try:
            made = influencers.create(call.principal, brand_id, data)
        except ValidationFailed as exc:
            errors = field_errors(exc, call.language)
        else:
            return call.redirect(influencer_path(made.id), done="influencer_added")
    return _directory_page(call, brand_id, form=FormState(values, errors), status=422)


# --- the influencer's page ----------------------------------------------------------------------------------

def _flags_view(flags, accounts: dict) -> list[dict]:
    ordered = sorted(flags, key=lambda flag: SEVERITY_ORDER.get(flag.severity, 3))
    return [{"flag": flag, "account": accounts.get(flag.account_id)} for flag in ordered]


def _influencer_page(call: PageCall, influencer_id: str, *, status: int = 200, status_form: FormState | None = None,
                     account_form: FormState | None = None, snapshot_forms: dict | None = None):
    from chalicelib.core.plain import plain

    principal = call.principal
    found = influencers.profile(principal, influencer_id, call.language)  # each item read once
    influencer, accounts, verdict, flags = found.influencer, found.accounts, found.verdict, found.flags
    brand = brands.get(principal, influencer.brand_id)
    common = _common(call)
    numbers, country_names = common["n"], common["country_names"]
    names, _ = _team(principal, brand.id)
    shown = []
    for account in accounts:
        history = found.histories.get(account.id, [])
        shares = ", ".join(f"{country_names.get(c['country'], c['country'])} {numbers.percent(c['pct'])}"
                           for c in plain(account.top_countries) or [])
        shown.append({"item": account, "history": list(reversed(history)), "countries": shares,
                      "chart": chart_of(history, numbers, account.handle, call.language)})
    agent = plain(influencer.agent) or {}
    show_legal = influencers.shows_legal(principal, brand.id)
    if not show_legal:  # the agent's contact is a contact: managers only
        agent = {"name": agent.get("name")}
    status_names = common["labels"]["status"]
    return call.render(
        "influencer.html", status=status, brand=brand, influencer=influencer, accounts=shown,
        verdict=verdict.verdict, flags=_flags_view(flags, {a.id: a for a in accounts}),
        owner_name=names.get(influencer.owner_id or "", influencer.owner_id or ""),
        agent=" · ".join(v for v in (agent.get("name"), agent.get("contact")) if v),
        contacts=plain(influencer.contacts) or {},
        show_legal=show_legal,
        can_manage=principal.can(brand.id, Permission.manage_influencers), notice=_notice(call),
        next_statuses=[s.value for s in Status if s.value in status_rules.NEXT.get(influencer.status, ())],
        needs_reason=", ".join(status_names[s.value] for s in Status if s.value in status_rules.NEEDS_REASON),
        status_form=status_form or FormState(), account_form=account_form or FormState(),
        snapshot_forms=snapshot_forms or {},
        snapshot_default=FormState(values={"taken_on": utcnow().date().isoformat()}),
        influencer_url=influencer_path(influencer.id), directory_url=directory_path(brand.id), **common)


@page(bp, "/influencers/{influencer_id}")
def influencer_page(call: PageCall, influencer_id):
    return _influencer_page(call, influencer_id)


@page(bp, "/influencers/{influencer_id}/status", ("POST",), back="/influencers/{influencer_id}")
def change_status(call: PageCall, influencer_id):
    _managed(call, influencer_id)
    values = _posted(call, ("status", "reason"))
    data, errors = check(StatusChange, {k: v.strip() for k, v in values.items() if v.strip()}, call.language)
    if data is not None:
        try:
            influencers.change_status(call.principal, influencer_id, data)
        except ValidationFailed as exc:
            errors = field_errors(exc, call.language)
        else:
            return call.redirect(influencer_path(influencer_id), fragment="status", done="status_changed")
    return _influencer_page(call, influencer_id, status=422, status_form=FormState(values, errors))


@page(bp, "/influencers/{influencer_id}/delete", ("POST",), back="/influencers/{influencer_id}")
def delete_influencer(call: PageCall, influencer_id):
    brand_id = influencers.get(call.principal, influencer_id).brand_id
    influencers.delete(call.principal, influencer_id)
    return call.redirect(directory_path(brand_id), done="influencer_deleted")


# --- editing an influencer ----------------------------------------------------------------------------------

def _edit_page(call: PageCall, influencer, form: FormState, *, status: int = 200, conflict: bool = False):
    brand = brands.get(call.principal, influencer.brand_id)
    names, owners = _team(call.principal, brand.id)
    if influencer.owner_id and influencer.owner_id not in {uid for uid, _ in owners}:
        owners = [(influencer.owner_id, names.get(influencer.owner_id, influencer.owner_id)), *owners]
    return call.render("influencer_form.html", status=status, brand=brand, influencer=influencer, form=form,
                       owners=owners, conflict=conflict, influencer_url=influencer_path(influencer.id),
                       directory_url=directory_path(brand.id), **_common(call))


@page(bp, "/influencers/{influencer_id}/edit")
def edit_influencer(call: PageCall, influencer_id):
    influencer = _managed(call, influencer_id)
    form = FormState(values={**influencer_values(influencer), "version": str(influencer.version)})
    return _edit_page(call, influencer, form)


@page(bp, "/influencers/{influencer_id}/edit", ("POST",))
def save_influencer(call: PageCall, influencer_id):
    influencer = _managed(call, influencer_id, consistent=True)
    values = _posted(call, INFLUENCER_FIELDS)
    version = (call.form or {}).get("version", "")
    data = influencer_data(values, changed(values, influencer_values(influencer)))
    patch, errors = check(InfluencerPatch, {**data, "version": version or None}, call.language)
    form = FormState({**values, "version": version}, errors)
    if patch is not None:
        try:
            influencers.update(call.principal, influencer_id, patch)
        except ValidationFailed as exc:
            form.errors = field_errors(exc, call.language)
        except Conflict:
            fresh = influencers.get(call.principal, influencer_id, consistent=True)
            form.errors = {"__all__": i18n.translate("influencers.conflict", call.language)}
            return _edit_page(call, fresh, form, status=409, conflict=True)
        else:
            return call.redirect(influencer_path(influencer_id), done="influencer_saved")
    return _edit_page(call, influencer, form, status=422)


# --- accounts and measurements ------------------------------------------------------------------------------

@page(bp, "/influencers/{influencer_id}/accounts", ("POST",), back="/influencers/{influencer_id}")
def add_account(call: PageCall, influencer_id):
    _managed(call, influencer_id)
    values = _posted(call, ACCOUNT_FIELDS)
    data, read_errors = figures(values, ACCOUNT_FIELDS, None)
    account, errors = check(AccountCreate, data, call.language, read_errors)
    if account is not None:
        try:
            made = influencers.add_account(call.principal, influencer_id, account)
        except (ValidationFailed, Conflict) as exc:
            if not getattr(exc, "details", None):
                raise
            errors = field_errors(exc, call.language)
        else:
            return call.redirect(influencer_path(influencer_id), fragment=f"account-{made.id}", done="account_added")
    return _influencer_page(call, influencer_id, status=422, account_form=FormState(values, errors))


def _account_page(call: PageCall, account, influencer, form: FormState, *, status: int = 200,
                  conflict: bool = False):
    brand = brands.get(call.principal, influencer.brand_id)
    return call.render("account_form.html", status=status, brand=brand, influencer=influencer, account=account,
                       form=form, conflict=conflict, influencer_url=influencer_path(influencer.id),
                       directory_url=directory_path(brand.id), account_url=account_path(account.id), **_common(call))


def _managed_account(call: PageCall, account_id: str):
    account, influencer = influencers.get_account(call.principal, account_id)
    call.principal.require(influencer.brand_id, Permission.manage_influencers, what="account")
    return account, influencer


@page(bp, "/accounts/{account_id}")
def account_page(call: PageCall, account_id):
    """An account's address: its place on its influencer's page."""
    _, influencer = influencers.get_account(call.principal, account_id)
    return call.redirect(influencer_path(influencer.id), fragment=f"account-{account_id}")


@page(bp, "/accounts/{account_id}/edit")
def edit_account(call: PageCall, account_id):
    account, influencer = _managed_account(call, account_id)
    form = FormState(values={**account_values(account), "version": str(account.version)})
    return _account_page(call, account, influencer, form)


@page(bp, "/accounts/{account_id}/edit", ("POST",))
def save_account(call: PageCall, account_id):
    account, influencer = _managed_account(call, account_id)
    names = tuple(n for n in ACCOUNT_FIELDS if n != "platform")
    values = _posted(call, names)
    version = (call.form or {}).get("version", "")
    data, read_errors = figures(values, names, changed(values, account_values(account)))
    if "top_countries" in data and not data["top_countries"]:
        data["top_countries"] = []
    patch, errors = check(AccountPatch, {**data, "version": version or None}, call.language, read_errors)
    form = FormState({**values, "platform": account.platform, "version": version}, errors)
    if patch is not None:
        try:
            influencers.update_account(call.principal, account_id, patch)
        except (ValidationFailed, Conflict) as exc:
            if isinstance(exc, Conflict) and not getattr(exc, "details", None):
                fresh, _ = influencers.get_account(call.principal, account_id)
                form.errors = {"__all__": i18n.translate("influencers.conflict", call.language)}
                return _account_page(call, fresh, influencer, form, status=409, conflict=True)
            form.errors = field_errors(exc, call.language)
        else:
            return call.redirect(influencer_path(influencer.id), fragment=f"account-{account_id}",
                                 done="account_saved")
    return _account_page(call, account, influencer, form, status=422)


@page(bp, "/accounts/{account_id}/delete", ("POST",), back="/accounts/{account_id}")
def delete_account(call: PageCall, account_id):
    _, influencer = influencers.get_account(call.principal, account_id)
    influencers.delete_account(call.principal, account_id)
    return call.redirect(influencer_path(influencer.id), fragment="accounts", done="account_deleted")


@page(bp, "/accounts/{account_id}/snapshots", ("POST",), back="/accounts/{account_id}")
def add_snapshot(call: PageCall, account_id):
    _, influencer = _managed_account(call, account_id)
    values = _posted(call, SNAPSHOT_FIELDS)
    data, _ = figures(values, SNAPSHOT_FIELDS, None)
    snapshot, errors = check(SnapshotIn, data, call.language)
    if snapshot is not None:
        try:
            influencers.add_snapshot(call.principal, account_id, snapshot)
        except ValidationFailed as exc:
            errors = field_errors(exc, call.language)
        else:
            return call.redirect(influencer_path(influencer.id), fragment=f"account-{account_id}",
                                 done="snapshot_added")
    return _influencer_page(call, influencer.id, status=422, snapshot_forms={account_id: FormState(values, errors)})


@page(bp, "/accounts/{account_id}/telegram-fetch", ("POST",), back="/accounts/{account_id}")
def fetch_from_telegram(call: PageCall, account_id):
    """Today's subscriber count of a public Telegram channel, from its t.me page."""
    _, influencer = _managed_account(call, account_id)
    try:
        telegram.fetch_telegram(call.principal, account_id)
    except (ValidationFailed, Upstream) as exc:  # not a public channel; t.me did not answer
        return _influencer_page(call, influencer.id, status=exc.status,
                                snapshot_forms={account_id: FormState({}, {"__all__": exc.message})})
    return call.redirect(influencer_path(influencer.id), fragment=f"account-{account_id}", done="telegram_fetched")
