"""The influencer directory: influencers, their accounts and measurements, status, and the vetting
verdict explained flag by flag.

Who: influencer and SMM managers manage (admins everything); the rest of the brand's team reads;
client approvers see none of it. Legal data (legal name, INN, OGRN, contacts) is shown to managers
only (`shows_legal`). Every change is one conditional transaction with its audit entry (repo.py);
after an account or measurement changes, the influencer's directory figures (top followers, best ER,
platforms, search text, verdict) are written again (`refresh`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.brands.members import repo as member_repo
from chalicelib.brands.service import brand_settings
from chalicelib.brands.service import get as get_brand
from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.pages import Page
from chalicelib.core.db.writes import Actor
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.influencers import repo
from chalicelib.influencers.models import AccountItem, InfluencerItem, SnapshotItem
from chalicelib.influencers.rules import facts as f
from chalicelib.influencers.rules import legal, status, tiers, vetting

MANAGER_ROLES = {"influencer_manager", "smm_manager"}
LEGAL_FIELDS = ("legal_name", "inn", "ogrn", "contacts")
ACCOUNT_FIGURES = ("followers", "avg_views", "avg_likes", "avg_comments", "avg_shares", "posts_sampled",
                   "audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct", "top_countries",
                   "rkn_registry_number", "measured_on", "url", "handle")
RETRIES = 5


# --- who may -----------------------------------------------------------------------------------------

def shows_legal(principal: Principal, brand_id: str) -> bool:
    return principal.can(brand_id, Permission.view_influencer_legal)


def get(principal: Principal, influencer_id: str, *, consistent: bool = False) -> InfluencerItem:
    item = repo.get(influencer_id, consistent=consistent)
    if item is None:
        raise NotFound("No such influencer.")
    principal.require(item.brand_id, Permission.view_influencers, what="influencer")
    return item


def _managed(principal: Principal, influencer_id: str) -> InfluencerItem:
    item = get(principal, influencer_id, consistent=True)
    principal.require(item.brand_id, Permission.manage_influencers, what="influencer")
    return item


def get_account(principal: Principal, account_id: str) -> tuple[AccountItem, InfluencerItem]:
    account = repo.get_account(account_id, consistent=True)
    if account is None or not account.gsi1pk:
        raise NotFound("No such account.")
    influencer = repo.get(account.influencer_id, consistent=True)
    if influencer is None:
        raise NotFound("No such account.")
    principal.require(influencer.brand_id, Permission.view_influencers, what="account")
    return account, influencer


# --- influencers ---------------------------------------------------------------------------------------

def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": message}])


def _check_legal(values: dict) -> dict:
    """INN and OGRN/OGRNIP with their check digits, for the legal type (python-stdnum); stored bare."""
    legal_type = values.get("legal_type") or "individual"
    for field, check in (("inn", legal.check_inn), ("ogrn", legal.check_ogrn)):
        value = values.get(field)
        if value:
            value = "".join(value.split())
            problem = check(value, legal_type)
            if problem:
                raise _problem(field, problem)
            values[field] = value
    return values


def _check_owner(brand_id: str, owner_id: str | None) -> None:
    if owner_id is None:
        return
    membership = member_repo.get(brand_id, owner_id)
    if membership is None or not MANAGER_ROLES & set(membership.roles or []):
        raise _problem("owner_id", "The owner must be an influencer or SMM manager of this brand.")


def search_text(item: InfluencerItem, accounts: list[AccountItem]) -> str:
    """What the directory's search matches: the public name and the handles — never legal data, which
    only managers may see (a search that matched it would tell it to anyone)."""
    parts = [item.display_name, *(a.handle.lstrip("@") for a in accounts)]
    return " ".join(p.casefold() for p in parts if p)[:1000]


def create(principal: Principal, brand_id: str, data) -> InfluencerItem:
    principal.require(brand_id, Permission.manage_influencers)
    get_brand(principal, brand_id)
    values = _check_legal(data.model_dump(mode="json"))
    owner_id = values.pop("owner_id", None) or principal.user_id
    if owner_id != principal.user_id:
        _check_owner(brand_id, owner_id)
    now = iso(utcnow())
    influencer_id = new_id()
    item = InfluencerItem(*repo.influencer_key(influencer_id), id=influencer_id, brand_id=brand_id,
                          owner_id=owner_id, status="prospect", account_ids=[], platforms=[], top_followers=0,
                          created_at=now, updated_at=now, **values)
    item.search = search_text(item, [])
    item.verdict, item.verdict_at = verdict_of(item, []).verdict, now  # no accounts yet: never a pass
    for name, value in repo.influencer_index_keys(item).items():
        setattr(item, name, value)
    repo.create(principal.actor, item, {k: v for k, v in values.items() if k not in LEGAL_FIELDS})
    return item


def update(principal: Principal, influencer_id: str, data) -> InfluencerItem:
    item = _managed(principal, influencer_id)
    if data.version is not None and data.version != item.version:
        raise Conflict("The influencer changed since you loaded it.", current_version=item.version)
    changes = data.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    for field, what in (("display_name", "A name is required."), ("legal_type", "Give the legal type.")):
        if field in changes and changes[field] is None:
            raise _problem(field, what)
    if {"legal_type", "inn", "ogrn"} & set(changes):
        merged = {"legal_type": changes.get("legal_type") or item.legal_type,
                  **{k: changes.get(k, getattr(item, k)) for k in ("inn", "ogrn")}}
        checked = _check_legal(merged)
        for field in ("inn", "ogrn"):
            changes[field] = checked.get(field)
    if changes.get("owner_id"):
        _check_owner(item.brand_id, changes["owner_id"])
    for field in ("contacts", "agent"):
        if field in changes and changes[field] is None:
            changes[field] = {}
    if "display_name" in changes:
        preview = InfluencerItem(display_name=changes["display_name"])
        changes["search"] = search_text(preview, repo.accounts_of(item))
    shown = {k for k in changes if k not in LEGAL_FIELDS and k != "search"}
    updated = repo.update(principal.actor, item, changes, audited=shown | ({"legal"} if set(changes) & set(LEGAL_FIELDS)
                                                                           else set()))
    if "country" in changes:  # the register rule reads it: the stored verdict follows
        updated = refresh(principal.actor, item.id) or updated
    return updated


def change_status(principal: Principal, influencer_id: str, data) -> InfluencerItem:
    item = _managed(principal, influencer_id)
    problem = status.problem(item.status, data.status.value, data.reason)
    if problem:
        raise _problem("status" if "reason" not in problem else "reason", problem)
    return repo.update(principal.actor, item, {"status": data.status.value, "status_reason": data.reason or None},
                       action="status")


def delete(principal: Principal, influencer_id: str) -> None:
    item = _managed(principal, influencer_id)
    repo.archive(principal.actor, item, repo.accounts_of(item))


# --- the directory --------------------------------------------------------------------------------------

def _tier_range(tier: str | None) -> tuple[str, str] | None:
    """The sort-key range of a follower tier (keys hold inverted follower counts)."""
    if tier is None:
        return None
    try:
        low, high = tiers.bounds(tier)
    except (KeyError, ValueError):
        raise _problem("tier", f"Unknown tier; use one of {', '.join(t[0] for t in tiers.TIERS)}.") from None
    top = (high - 1) if high is not None else repo.MAX_FOLLOWERS
    return repo.followers_key(top), repo.followers_key(low) + "#~"


def _influencer_filter(query):
    from chalicelib.influencers.models import InfluencerItem as I  # noqa: N817 - short in conditions

    parts = []
    if query.status is not None:
        parts.append(I.status == query.status.value)
    if query.verdict:
        parts.append(I.verdict == query.verdict)
    if query.owner_id:
        parts.append(I.owner_id == query.owner_id)
    if query.tag:
        parts.append(I.tags.contains(query.tag))
    if query.q:
        parts.append(I.search.contains(query.q.strip().lstrip("@").casefold()))
    condition = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


def _matches(item: InfluencerItem, query) -> bool:
    return ((query.status is None or item.status == query.status.value)
            and (not query.verdict or item.verdict == query.verdict)
            and (not query.owner_id or item.owner_id == query.owner_id)
            and (not query.tag or query.tag in (item.tags or []))
            and (not query.q or query.q.strip().lstrip("@").casefold() in (item.search or "")))


def directory(principal: Principal, brand_id: str, query) -> Page[InfluencerItem]:
    """One page of the brand's directory. Without a platform: a Query on the brand's influencer index
    (a tier is a key range; other filters narrow that Query). With a platform: a Query on the brand's
    accounts on that platform, their influencers by BatchGetItem, the other filters applied to those
    (a page may then hold fewer than `limit`; its cursor goes on)."""
    principal.require(brand_id, Permission.view_influencers)
    order = query.sort.value
    tier_range = _tier_range(query.tier)  # an unknown tier is a 422 whatever the order
    key_range = tier_range if order == "followers" else None
    scope = query.tier or "-"  # a cursor continues only the key range that issued it
    if query.platform is None:
        if query.tier and order == "er":
            return _filtered_by_tier(brand_id, query)
        return repo.directory_page(brand_id, order, key_range, _influencer_filter(query), query.cursor, query.limit,
                                   scope=scope)
    page = repo.platform_page(brand_id, query.platform.value, order, key_range, query.cursor, query.limit,
                              scope=scope)
    accounts = [a for a in page.items if query.tier is None or tiers.tier_of(int(a.followers or 0)) == query.tier]
    influencers = repo.batch_get([a.influencer_id for a in accounts])
    return Page(items=[i for i in influencers if _matches(i, query)], cursor=page.cursor)


def _filtered_by_tier(brand_id: str, query) -> Page[InfluencerItem]:
    """ER order within a tier: the ER index, the tier as a filter on top followers."""
    from chalicelib.influencers.models import InfluencerItem as I  # noqa: N817

    low, high = tiers.bounds(query.tier)
    condition = I.top_followers >= low
    if high is not None:
        condition = condition & (I.top_followers < high)
    extra = _influencer_filter(query)
    return repo.directory_page(brand_id, "er", None, condition if extra is None else condition & extra,
                               query.cursor, query.limit, scope=f"filter-{query.tier}")


# --- accounts --------------------------------------------------------------------------------------------

def plain_decimal(value) -> str:
    """A percentage as stored and shown: "20", "61.5" — never "2E+1"."""
    return format(Decimal(str(value)).normalize(), "f")


def _account_values(data, *, partial: bool) -> dict:
    values = data.model_dump(mode="json", exclude_unset=partial, exclude={"version"} if partial else set())
    for name in ("audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct"):
        if values.get(name) is not None:
            values[name] = plain_decimal(values[name])
    if values.get("top_countries") is not None:
        values["top_countries"] = [{"country": c["country"], "pct": plain_decimal(c["pct"])}
                                   for c in values["top_countries"]]
    if "platform" in values:
        values["platform"] = str(values["platform"])
    return values


FIGURES = ("followers", "avg_views", "avg_likes", "avg_comments", "avg_shares", "posts_sampled",
           "audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct")


def _not_in_future(day: date | None) -> None:
    if day is not None and day > utcnow().date():
        raise _problem("measured_on", "Figures cannot be measured in the future.")


def accounts(principal: Principal, influencer_id: str) -> list[AccountItem]:
    return repo.accounts_of(get(principal, influencer_id))


def add_account(principal: Principal, influencer_id: str, data) -> AccountItem:
    influencer = _managed(principal, influencer_id)
    if len(influencer.account_ids or []) >= repo.MAX_ACCOUNTS:  # and the append checks it again
        raise _problem("platform", f"An influencer has at most {repo.MAX_ACCOUNTS} accounts.")
    values = _account_values(data, partial=False)
    _not_in_future(data.measured_on)
    if not values.get("measured_on") and any(values.get(k) is not None for k in FIGURES):
        values["measured_on"] = utcnow().date().isoformat()
    now = iso(utcnow())
    account_id = new_id()
    account = AccountItem(*repo.account_key(account_id), id=account_id, brand_id=influencer.brand_id,
                          influencer_id=influencer.id, created_at=now, updated_at=now, **values)
    account.er = er_of(account)
    for name, value in repo.account_index_keys(influencer.brand_id, account_id, account.platform, account.followers,
                                                account.er).items():
        setattr(account, name, value)
    repo.add_account(principal.actor, influencer, account, {"platform": account.platform, "handle": account.handle,
                                                             "followers": account.followers})
    refresh(principal.actor, influencer.id)
    return repo.get_account(account_id, consistent=True)


def update_account(principal: Principal, account_id: str, data) -> AccountItem:
    account, influencer = get_account(principal, account_id)
    principal.require(influencer.brand_id, Permission.manage_influencers, what="account")
    if data.version is not None and data.version != account.version:
        raise Conflict("The account changed since you loaded it.", current_version=account.version)
    changes = _account_values(data, partial=True)
    _not_in_future(data.measured_on)
    if "handle" in changes and changes["handle"] is None:
        raise _problem("handle", "A handle is required.")
    figures_changed = set(changes) & set(ACCOUNT_FIGURES) - {"url", "handle", "rkn_registry_number", "top_countries"}
    if figures_changed and "measured_on" not in changes:
        changes["measured_on"] = utcnow().date().isoformat()
    preview = AccountItem(**{k: changes.get(k, getattr(account, k)) for k in
                             ("platform", "followers", "avg_views", "avg_likes", "avg_comments", "avg_shares")})
    changes["er"] = er_of(preview)
    changes.update(repo.account_index_keys(account.brand_id, account.id, account.platform, preview.followers,
                                           changes["er"]))
    updated = repo.update_account(principal.actor, account, changes)
    refresh(principal.actor, influencer.id)
    return updated


def delete_account(principal: Principal, account_id: str) -> None:
    account, influencer = get_account(principal, account_id)
    principal.require(influencer.brand_id, Permission.manage_influencers, what="account")
    repo.delete_account(principal.actor, influencer, account)
    refresh(principal.actor, influencer.id)


# --- snapshots --------------------------------------------------------------------------------------------

def list_snapshots(principal: Principal, account_id: str, cursor: str | None, limit: int | None):
    account, _ = get_account(principal, account_id)
    return repo.snapshots(account.id, cursor, limit)


def add_snapshot(principal: Principal, account_id: str, data, *, source: str = "manual") -> SnapshotItem:
    account, influencer = get_account(principal, account_id)
    principal.require(influencer.brand_id, Permission.manage_influencers, what="account")
    if data.taken_on > utcnow().date():
        raise _problem("taken_on", "A measurement cannot be taken in the future.")
    snapshot = snapshot_item(account.id, data, source)
    repo.put_snapshot(principal.actor, account, snapshot)
    refresh(principal.actor, influencer.id)
    return snapshot


def snapshot_item(account_id: str, data, source: str) -> SnapshotItem:
    values = data.model_dump(mode="json")
    day = values.pop("taken_on")
    return SnapshotItem(repo.account_key(account_id)[0], repo.snapshot_sk(day), account_id=account_id, taken_on=day,
                        source=source, created_at=iso(utcnow()), **values)


# --- vetting ------------------------------------------------------------------------------------------------

def decimal_of(value) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _int(value) -> int | None:
    return int(value) if value is not None else None


def account_facts(account: AccountItem, history: list[SnapshotItem] = ()) -> f.AccountFacts:
    return f.AccountFacts(
        account_id=account.id, platform=account.platform, handle=account.handle, followers=_int(account.followers),
        avg_views=_int(account.avg_views), avg_likes=_int(account.avg_likes),
        avg_comments=_int(account.avg_comments), avg_shares=_int(account.avg_shares),
        posts_sampled=_int(account.posts_sampled),
        audience_credibility_pct=decimal_of(account.audience_credibility_pct),
        mass_followers_pct=decimal_of(account.mass_followers_pct),
        sponsored_share_pct=decimal_of(account.sponsored_share_pct),
        top_countries=tuple((c["country"], Decimal(str(c["pct"]))) for c in plain(account.top_countries) or []),
        rkn_registry_number=account.rkn_registry_number,
        measured_on=date.fromisoformat(account.measured_on) if account.measured_on else None,
        history=tuple(f.Measurement(taken_on=date.fromisoformat(s.taken_on), followers=_int(s.followers),
                                    following=_int(s.following), avg_views=_int(s.avg_views),
                                    avg_likes=_int(s.avg_likes), avg_comments=_int(s.avg_comments),
                                    avg_shares=_int(s.avg_shares)) for s in history))


def er_of(account: AccountItem) -> str | None:
    rate = vetting.engagement_rate(account_facts(account))
    return None if rate is None else str(rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def histories_of(accounts_: list[AccountItem]) -> dict[str, list[SnapshotItem]]:
    """Each account's measurements, oldest first (one Query per account)."""
    return {a.id: repo.history(a.id) for a in accounts_}


def verdict_of(influencer: InfluencerItem, accounts_: list[AccountItem], today: date | None = None,
               histories: dict[str, list[SnapshotItem]] | None = None) -> f.Verdict:
    """The verdict from the accounts and their histories (read here unless the caller has them)."""
    from chalicelib.brands import repo as brand_repo

    histories = histories_of(accounts_) if histories is None else histories
    brand = brand_repo.get(influencer.brand_id)
    settings = vetting.settings_from((brand_settings(brand) if brand else {}).get("vetting") or {})
    facts = f.InfluencerFacts(influencer_id=influencer.id, country=influencer.country,
                              accounts=tuple(account_facts(a, histories.get(a.id, [])) for a in accounts_))
    return vetting.vet(facts, settings, today or utcnow().date())


@dataclass(frozen=True)
class ShownFlag:
    rule: str
    severity: str
    account_id: str | None
    message: str
    actual: str | None
    threshold: str | None
    benchmark: str | None
    evidence: dict


_NUMBER = re.compile(r"(?<![\d.\-])\d+(?:\.\d+)?(?![\d\-])")


def _number(text: str, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(Decimal(text), format="#,##0.##", locale=language)


def _localized(text: str | None, language: str) -> str | None:
    """Numbers in a text as the reader writes them ("82 000", "0,26 %" in Russian); dates untouched."""
    return None if text is None else _NUMBER.sub(lambda m: _number(m.group(0), language), text)


def shown(flags, language: str) -> list[ShownFlag]:
    """The flags with their message and benchmark in the reader's language, numbers in its format."""
    language = i18n.normalize(language)
    result = []
    for x in flags:
        params = {k: _number(v, language) if isinstance(v, str) and _NUMBER.fullmatch(v) else v
                  for k, v in x.params.items()}
        result.append(ShownFlag(
            rule=x.rule, severity=x.severity, account_id=x.account_id,
            message=i18n.translate(x.message, language, **params), actual=_localized(x.actual, language),
            threshold=_localized(x.threshold, language),
            benchmark=i18n.translate(x.benchmark, language, **params) if x.benchmark else None,
            evidence=dict(x.evidence)))
    return result


def vet(principal: Principal, influencer_id: str, language: str) -> tuple[f.Verdict, list[ShownFlag], datetime]:
    found = profile(principal, influencer_id, language)
    return found.verdict, found.flags, found.computed_at


@dataclass(frozen=True)
class Profile:
    """What the influencer's page shows, each item read once."""

    influencer: InfluencerItem
    accounts: list[AccountItem]
    histories: dict[str, list[SnapshotItem]]  # account id -> measurements, oldest first
    verdict: f.Verdict
    flags: list[ShownFlag]
    computed_at: datetime


def profile(principal: Principal, influencer_id: str, language: str) -> Profile:
    """The influencer, its accounts and their histories, and the verdict computed now from them."""
    influencer = get(principal, influencer_id, consistent=True)
    accounts_ = repo.accounts_of(influencer)
    histories = histories_of(accounts_)
    now = utcnow()
    verdict = verdict_of(influencer, accounts_, now.date(), histories)
    return Profile(influencer, accounts_, histories, verdict, shown(verdict.flags, language), now)


def refresh(actor: Actor, influencer_id: str) -> InfluencerItem | None:
    """Write the influencer's directory figures again from its accounts (top followers, best ER,
    platforms, search text, verdict); a concurrent change → read again and retry."""
    for _ in range(RETRIES):
        influencer = repo.get(influencer_id, consistent=True)
        if influencer is None:
            return None
        accounts_ = repo.accounts_of(influencer)
        ers = [Decimal(a.er) for a in accounts_ if a.er]
        verdict = verdict_of(influencer, accounts_)
        probe = InfluencerItem(brand_id=influencer.brand_id, id=influencer.id,
                               top_followers=max([int(a.followers or 0) for a in accounts_], default=0),
                               top_er=str(max(ers)) if ers else None)
        wanted = {"top_followers": probe.top_followers, "top_er": probe.top_er,
                  "platforms": sorted({a.platform for a in accounts_}),
                  "search": search_text(influencer, accounts_), "verdict": verdict.verdict,
                  **repo.influencer_index_keys(probe)}
        if verdict.verdict != influencer.verdict:
            wanted["verdict_at"] = iso(utcnow())  # since when the verdict is what it is
        try:
            return repo.update(actor, influencer, wanted, action="refresh", audited={"verdict", "top_followers"})
        except Conflict:
            continue
    return None


JOB_ACTOR = Actor(None, "influencer-verdicts", "job")


def refresh_all(time_budget_seconds: float = 780) -> dict:
    """Every brand's influencers vetted again (brands, then each brand's directory index: Queries, no
    Scan). Only a verdict or figure that changed is written. Stops starting new brands when the time
    budget is spent; the next run starts over."""
    import time as _time

    from chalicelib.brands import repo as brand_repo
    from chalicelib.core.db.pages import drain

    deadline = _time.monotonic() + time_budget_seconds
    tally = {"brands": 0, "influencers": 0, "stopped_early": False}
    for brand in drain(lambda cursor: brand_repo.list_all(cursor, 100)):
        if _time.monotonic() > deadline:
            tally["stopped_early"] = True
            break
        tally["brands"] += 1
        for item in drain(lambda cursor: repo.directory_page(brand.id, "followers", None, None, cursor, 100)):
            refresh(JOB_ACTOR, item.id)
            tally["influencers"] += 1
    return tally
