"""Tracked links for people: create one (the target checked, tagged with the campaign's UTM tags, a fresh short
code) and list a campaign's links with their clicks. Who may (identity/rules.py): `view_campaigns` reads,
`manage_campaigns` creates (on an active campaign: campaigns/service.managed). Promo codes: promos.py; the
redirect and its counter: redirect.py, clicks.py.

A target must be an http(s) URL the tagging rules accept (rules/tagging.target_problem: no javascript:,
data:, credentials, single-label hosts like `intranet`, hosts IDNA versions read differently, our own short
links …) and that the outbound guard accepts now (core/net/guard.check_url: ports 80/443/8443, a name that
resolves, within URL_CHECK_TIMEOUT, to public addresses only — no private, loopback or reserved address unless
on OUTBOUND_ALLOW_PRIVATE). Every refusal of the guard refuses the target, also a name that does not resolve:
a webhook or a page fetch is checked again when it is fetched, a redirect never is. The tagged URL (the target
with our tags) passes the same checks. So the redirect only ever sends people to public web pages. A link never
changes after it is made: the redirect sends to the stored `tagged_url`, never to anything the request says.

A link of a deliverable whose deal has Russian advertising marking (disclosure `ru`) needs the deliverable's
erid (422 on deliverable_id until it has one); any erid already in the target is replaced by it.

The code: 8 characters of a 31-letter alphabet (lower case letters and digits without 0, 1, i, l, o: ≈ 8.5·10¹¹
codes), random, taken by a conditional put (a collision draws another, up to 5 times), in the same audited
transaction as a check that the campaign is still active.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib.campaigns import service as campaigns
from chalicelib.campaigns.links import repo, subjects
from chalicelib.campaigns.links.problems import problem
from chalicelib.campaigns.models import CampaignItem, LinkItem
from chalicelib.campaigns.repo import still_active
from chalicelib.campaigns.rules import tagging
from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.put_unique import put_unique
from chalicelib.core.db.writes import Change, WriteConflict, transact
from chalicelib.core.errors import Conflict
from chalicelib.core.settings import get_settings
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8
CODE_ATTEMPTS = 5
MAX_LABEL = 200
MAX_TAGGED = 4000  # the target (≤ 2000) with our tags


@dataclass(frozen=True)
class LinkView:
    """A link with its clicks: every counted click, and unique visitors (each counted once a day)."""

    link: LinkItem
    clicks: int = 0
    uniques: int = 0


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def short_url(code: str) -> str:
    return f"{get_settings().PUBLIC_BASE_URL.rstrip('/')}/r/{code}"


def defaults_of(campaign: CampaignItem) -> tagging.Defaults:
    return tagging.Defaults(name=campaign.name, utm_source=campaign.utm_source, utm_medium=campaign.utm_medium,
                            utm_campaign=campaign.utm_campaign)


def _checked_target(language: str, target_url: str | None, max_length: int = tagging.MAX_URL) -> str:
    """The target, or a 422 on target_url: the tagging rules' refusal, or any refusal of the outbound guard."""
    from chalicelib.core.net.guard import URL_CHECK_TIMEOUT, check_url
    from chalicelib.core.net.outcomes import Refused

    target = (target_url or "").strip()
    key = tagging.target_problem(target, short_host=urlsplit(get_settings().PUBLIC_BASE_URL).hostname,
                                 max_length=max_length)
    if key:
        raise problem(language, "target_url", key, max=tagging.MAX_URL)
    try:
        check_url(target, timeout=URL_CHECK_TIMEOUT, what="the")
    except Refused as refused:
        key = "target_refused" if refused.permanent else "target_unresolved"
        raise problem(language, "target_url", f"campaign_links.error.{key}") from None
    return target


def _checked_label(language: str, label: str | None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise problem(language, "label", "campaign_links.error.label_required")
    if len(label) > MAX_LABEL:
        raise problem(language, "label", "campaign_links.error.label_too_long", max=MAX_LABEL)
    return label


def create(principal: Principal, campaign_id: str, *, target_url: str, label: str, post_id: str | None = None,
           deal_id: str | None = None, deliverable_id: str | None = None) -> LinkItem:
    """A new tracked link of the campaign (see the module's docstring); 422 naming the field it refuses."""
    campaign = campaigns.managed(principal, campaign_id)
    language = principal.language
    label = _checked_label(language, label)
    target = _checked_target(language, target_url)
    subject = subjects.resolve(language, campaign, post_id=post_id, deal_id=deal_id, deliverable_id=deliverable_id)
    if tagging.needs_erid(subject) and not (subject.erid or "").strip():
        raise problem(language, "deliverable_id", "campaign_links.error.erid_required")
    tagged = tagging.tagged(target, tagging.tags_for(defaults_of(campaign), subject), tagging.dropped(subject))
    if len(tagged) > MAX_TAGGED:
        raise problem(language, "target_url", "campaign_links.error.target_too_long", max=tagging.MAX_URL)
    _checked_target(language, tagged, MAX_TAGGED)  # what people are sent to passes the same checks
    owners = {"post": "post_id", "deal": "deal_id", "deliverable": "deliverable_id"}
    belongs = {owners[subject.kind]: subject.id} if subject.kind else {}
    if subject.kind == "deliverable" and subject.deal_id:
        belongs["deal_id"] = subject.deal_id
    for _ in range(CODE_ATTEMPTS):
        code = new_code()
        link = repo.new_link(code=code, campaign_id=campaign.id, brand_id=campaign.brand_id, label=label,
                             target_url=target, tagged_url=tagged, created_at=iso(utcnow()),
                             created_by=principal.user_id, **belongs)
        change = Change(campaign.brand_id, "link", code, "create", None,
                        {"campaign_id": campaign.id, "label": label, "target_url": target, **belongs})

        def build(tx, link=link):
            still_active(campaign.id, campaign.brand_id)(tx)
            put_unique(tx, link)

        try:
            transact(principal.actor, change, build)
        except WriteConflict as conflict:
            if conflict.reasons and conflict.reasons[0] == "ConditionalCheckFailed":  # the campaign's check
                raise Conflict(i18n.translate("campaign_links.error.campaign_changed", language)) from None
            continue  # the code was taken: draw another
        return repo.get(code, consistent=True)
    raise Conflict(i18n.translate("campaign_links.error.no_code", language))


def links(principal: Principal, campaign_id: str) -> tuple[CampaignItem, list[LinkView]]:
    """The campaign and its links, newest first, each with its clicks and unique visitors (all days)."""
    campaign = campaigns.require(principal, campaign_id, Permission.view_campaigns)
    return campaign, views_of(campaign.id)


def views_of(campaign_id: str) -> list[LinkView]:
    """Every link of a campaign, newest first, with their clicks (no permission check: the caller read the
    campaign)."""
    clicks: dict[str, list[int]] = {}
    for day in repo.clicks_of_campaign(campaign_id):
        total = clicks.setdefault(day.code, [0, 0])
        day_total, day_uniques = repo.day_clicks(day)
        total[0] += day_total
        total[1] += day_uniques
    return [LinkView(link, *clicks.get(link.code, (0, 0))) for link in repo.of_campaign(campaign_id)]
