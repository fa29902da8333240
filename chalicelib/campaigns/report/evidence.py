"""The evidence export for a client: every post and deliverable of a campaign with what proves it went out
as agreed — one PDF (templates/campaigns/evidence_pdf.html, through campaigns/pdf.py).

For a post: the version that was approved (its number and text as approved: the PostVersionItem snapshot),
who decided on that version and when (the post's DECISION# items; people by name where they have one, else
as the decision recorded them), and where and when it went out (its publication targets: channel, state,
publish time, the link when the network gave one). Which version was approved (`approved_number`):
  1. the version a publication target that went out published (TargetItem.version: the approved version it
     was scheduled with) — so a published post archived later is still shown as approved, at that version;
  2. else the current version, when the approval finished on it: the final stage's approve decision on that
     version with the post past its last stage (an approved post archived before it went out), or the post's
     status is one of the approved ones (APPROVED);
  3. else none: the post says it is not approved (yet) and shows its current version.
A post approved without an approval chain has no decisions: who submitted it (and so approved it) and when
come from its audit entry (the `submit` whose result was approved or scheduled, on that version).
For a deliverable: the deal (title, contract number), the blogger and the account, the agreed time and its
window, the live URL, when it went out, the erid, the latest result and every done placement check (kind,
time, result — an override with who and why — and its findings); with creative approval, the blogger's
draft as approved (the deliverable's `post_id`: the same reads and rules as a post — the approved version's
text and links, who approved it and when).

Reads (no Scan): the campaign (GetItem, through campaigns.service.require), its members (Query pk
CAMPAIGN#<id>, sk begins_with MEMBER#), then BatchGetItem of the posts, the deals and their deliverables
and the deliverables' draft posts; per post (and draft) Queries of its decisions and targets, then a GetItem
of the approved (or current) version, and for an approval without a chain a Query of the post's audit
entries (gsi1 AUDIT#<brand>#post#<id>); per deliverable a Query of its checks (those run in parallel); then
BatchGetItem of the people, channels and bloggers named. A member whose post or deal names another campaign
now (moved meanwhile) is left out: the item's `campaign_id` is the truth; so is anything of another brand
than the campaign's (a defence in depth: members are written by the campaign's own service). Times are
written in the brand's zone (named in the header), in the reader's language (or the one asked for).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from chalicelib.core import i18n

READERS = 8
# A post in one of these has its current version approved (editing it sends it back to review).
APPROVED = ("approved", "scheduled", "publishing", "published", "partially_published", "failed", "unconfirmed",
            "missed")
CHAINLESS = ("approved", "scheduled")  # where a submit without an approval chain leads
AUDIT_PAGES = 5  # pages of a post's audit entries read for a chain-less approval (newest first)
TEMPLATE = "campaigns/evidence_pdf.html"


@dataclass
class Gathered:
    """What was read for one campaign's evidence (items as stored)."""

    campaign: object
    brand: object
    posts: list = field(default_factory=list)
    versions: dict = field(default_factory=dict)  # post id → the approved (or current) PostVersionItem | None
    approved: dict = field(default_factory=dict)  # post id → the approved version's number | None
    submitted: dict = field(default_factory=dict)  # post id → the audit entry of a chain-less approval | None
    decisions: dict = field(default_factory=dict)  # post id → [DecisionItem]
    targets: dict = field(default_factory=dict)  # post id → [TargetItem]
    deals: list = field(default_factory=list)
    deliverables: dict = field(default_factory=dict)  # deal id → [DeliverableItem]
    drafts: dict = field(default_factory=dict)  # deliverable id → its creative-approval PostItem
    checks: dict = field(default_factory=dict)  # deliverable id → [CheckItem]
    people: dict = field(default_factory=dict)  # user id → name
    channels: dict = field(default_factory=dict)  # channel id → ChannelItem
    bloggers: dict = field(default_factory=dict)  # influencer id → InfluencerItem


# --- reads -----------------------------------------------------------------------------------------------

def _batch(model, keys: list[tuple[str, str]]) -> list:
    from chalicelib.core.db import connection as db_connection

    db_connection.bind_models()
    keys = list(dict.fromkeys(keys))
    return list(model.batch_get(keys)) if keys else []


def approved_number(post, decisions: list, targets: list) -> int | None:
    """The content version the post was approved at, or None (see the module's docstring)."""
    from chalicelib.core.plain import plain

    out = [t for t in targets if t.state == "published"]
    if out:
        return int(max(out, key=lambda t: (t.published_at or "", int(t.version))).version)
    current = int(post.version)
    approval = plain(post.approval) or {}
    last = len(approval.get("stages") or []) - 1
    if last >= 0 and int(approval.get("stage_index") or 0) > last and any(
            int(d.version) == current and int(d.stage) == last and d.decision == "approve" for d in decisions):
        return current
    return current if post.status in APPROVED else None


def _chainless_entry(post, number: int | None):
    """The audit entry of the post's approval without a chain on `number` (the current version when None):
    a `submit` that led to approved or scheduled. None when there is none (in the newest AUDIT_PAGES pages)."""
    from chalicelib.audit import repo as audit_repo
    from chalicelib.core.plain import plain

    wanted, cursor = number if number is not None else int(post.version), None
    for _ in range(AUDIT_PAGES):
        page = audit_repo.list_entries(post.brand_id, "post", post.id, cursor, 100)
        for entry in page.items:
            after = plain(entry.after) or {}
            if entry.action == "submit" and after.get("status") in CHAINLESS and not after.get("chain") \
                    and entry.version is not None and int(entry.version) == wanted:
                return entry
        if not page.cursor:
            return None
        cursor = page.cursor
    return None


def _post_reads(post) -> tuple:
    """(approved number | None, the version shown, decisions, targets, a chain-less approval's audit entry)."""
    from chalicelib.content import repo as content_repo
    from chalicelib.core.plain import plain
    from chalicelib.publishing import repo as publishing_repo

    decisions, targets = content_repo.decisions(post.id), publishing_repo.for_post(post.id)
    number = approved_number(post, decisions, targets)
    entry = None
    chainless = not (plain(post.approval) or {}).get("stages")
    if number is not None and not any(int(d.version) == number and d.decision == "approve" for d in decisions):
        entry = _chainless_entry(post, number)
    elif number is None and chainless and post.status == "archived":  # approved without a chain, then archived
        entry = _chainless_entry(post, None)
        number = int(post.version) if entry is not None else None
    version = content_repo.get_version(post.id, number if number is not None else int(post.version))
    return number, version, decisions, targets, entry


def _checks(deliverable_id: str) -> list:
    from chalicelib.placements import repo as checks_repo

    return checks_repo.of_deliverable(deliverable_id)


def _names(user_ids: set[str]) -> dict[str, str]:
    from chalicelib.identity import repo as user_repo

    ids = sorted(i for i in user_ids if i and not i.startswith("influencer:"))
    return {user_id: (user.name or "").strip() for user_id, user in user_repo.batch_get(ids).items()} if ids else {}


def gather(campaign) -> Gathered:
    """Everything the evidence shows of `campaign` (see the module's docstring for the reads)."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.brands.channels.models import ChannelItem
    from chalicelib.brands.channels.repo import channel_key
    from chalicelib.campaigns import repo as campaign_repo
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key
    from chalicelib.core.db import connection as db_connection
    from chalicelib.core.plain import plain
    from chalicelib.deals import repo as deal_repo
    from chalicelib.deals.models import DeliverableItem
    from chalicelib.influencers.models import InfluencerItem
    from chalicelib.influencers.repo import influencer_key

    db_connection.bind_models()
    brand_id = campaign.brand_id
    found = Gathered(campaign=campaign, brand=brand_repo.get(brand_id))
    members = campaign_repo.members_of(campaign.id)
    post_ids = [m.subject_id for m in members if m.kind == "post"]
    deal_ids = [m.subject_id for m in members if m.kind == "deal"]
    posts = [p for p in _batch(PostItem, [post_key(i) for i in post_ids])
             if p.campaign_id == campaign.id and p.brand_id == brand_id]
    found.posts = sorted(posts, key=lambda p: (p.publish_at or "~", p.id))
    deals = [d for d in deal_repo.deals_by_id(deal_ids) if d.campaign_id == campaign.id and d.brand_id == brand_id]
    found.deals = sorted(deals, key=lambda d: (d.created_at, d.id))
    deal_of = {d.id: d for d in deals}
    items = [i for i in _batch(DeliverableItem, [deal_repo.deliverable_key(i) for d in deals
                                                 for i in d.deliverable_ids or []])
             if i.brand_id == brand_id and i.deal_id in deal_of]
    for item in sorted(items, key=lambda i: (i.publish_at, i.id)):
        found.deliverables.setdefault(item.deal_id, []).append(item)
    drafts = {p.id: p for p in _batch(PostItem, [post_key(i.post_id) for i in items if i.post_id])
              if p.brand_id == brand_id}
    found.drafts = {i.id: drafts[i.post_id] for i in items if i.post_id in drafts}
    read = [*found.posts, *drafts.values()]
    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="evidence-read") as pool:
        post_reads = dict(zip([p.id for p in read], pool.map(_post_reads, read)))
        item_ids = [i.id for i in items]
        found.checks = dict(zip(item_ids, pool.map(_checks, item_ids)))
    for post_id, (number, version, decisions, targets, entry) in post_reads.items():
        found.approved[post_id], found.versions[post_id], found.submitted[post_id] = number, version, entry
        found.decisions[post_id] = sorted(decisions, key=lambda d: (d.at, d.id))
        found.targets[post_id] = sorted(targets, key=lambda t: (t.published_at or t.publish_at, t.channel_id))
    people = {d.user_id for ds in found.decisions.values() for d in ds}
    people |= {e.actor_id for e in found.submitted.values() if e is not None and e.actor_id}
    people |= {(plain(c.override) or {}).get("by") for cs in found.checks.values() for c in cs if c.override}
    people |= {c.created_by for cs in found.checks.values() for c in cs if c.kind == "manual" and c.created_by}
    found.people = _names({p for p in people if p})
    channel_ids = {t.channel_id for ts in found.targets.values() for t in ts}
    found.channels = {c.id: c for c in _batch(ChannelItem, [channel_key(i) for i in sorted(channel_ids)])}
    found.bloggers = {b.id: b for b in _batch(InfluencerItem, [influencer_key(d.influencer_id) for d in deals])}
    return found


# --- the view --------------------------------------------------------------------------------------------

class _Words:
    """Texts, names of stored values, times and amounts for one reader."""

    def __init__(self, language: str, zone: str):
        from chalicelib.deals.page_display import Shown

        self.language, self.zone, self.shown = language, zone, Shown(language)

    def t(self, key: str, **params) -> str:
        return i18n.translate(key, self.language, **params)

    def known(self, prefix: str, value: str | None) -> str | None:
        """The name of a stored value (`post.status.published`), or the value itself when it has none."""
        if not value:
            return None
        key = f"{prefix}.{value}"
        return self.t(key) if key in i18n.catalog("en") else value

    def at(self, stamp: str | None) -> str | None:
        """A stored UTC instant as a wall time of the brand's zone (the zone is named in the header)."""
        return self.shown.instant(stamp, self.zone).removesuffix(f" ({self.zone})") if stamp else None


def _safe_link(url: str | None) -> str | None:
    """An http(s) URL to print as a link; anything else (javascript:, data:, …) is printed as text only."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _text(value) -> str | None:
    """A finding's expected/actual value as text (lists joined)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _person(decision, people: dict[str, str]) -> str:
    return people.get(decision.user_id) or decision.user_label or decision.user_id


def _approval_view(post, found: Gathered, w: _Words) -> dict:
    """What a post (or a blogger's draft) shows of its approval: the approved (else current) version — number,
    time, text, links — and who decided on it when (or who approved it without a chain, from the audit)."""
    from chalicelib.core.plain import plain

    number = found.approved.get(post.id)
    version = found.versions.get(post.id)
    content = plain(version.content) if version is not None else {}
    shown = int(version.version) if version is not None else (number if number is not None else int(post.version))
    decisions = [{"who": _person(d, found.people), "decision": w.known("post.decision", d.decision),
                  "outcome": d.decision, "stage": d.stage_name, "at": w.at(d.at), "comment": d.comment}
                 for d in found.decisions.get(post.id, []) if int(d.version) == shown]
    entry = found.submitted.get(post.id)
    chainless = {"who": found.people.get(entry.actor_id or "") or entry.actor_label or entry.actor_id,
                 "at": w.at(entry.at)} if entry is not None else None
    media = [m.get("url") for m in (content.get("media") or []) if isinstance(m, dict) and m.get("url")]
    return {"approved": number is not None, "version": shown,
            "version_at": w.at(version.created_at) if version is not None else None,
            "title": content.get("title") or post.title or "",
            "body": content.get("body") if version is not None else post.body,
            "links": [*(content.get("links") or []), *media], "decisions": decisions, "chainless": chainless,
            "content": content}


def _post_view(post, found: Gathered, w: _Words) -> dict:
    approval = _approval_view(post, found, w)
    variants = []
    for channel_id, variant in (approval.pop("content").get("variants") or {}).items():
        text = (variant or {}).get("body") if isinstance(variant, dict) else None
        if text:
            channel = found.channels.get(channel_id)
            variants.append({"channel": channel.name if channel else channel_id, "body": text})
    targets = []
    for target in found.targets.get(post.id, []):
        channel = found.channels.get(target.channel_id)
        targets.append({
            "channel": channel.name if channel else target.channel_id,
            "platform": w.known("platform", target.platform), "state": w.known("targets.state", target.state),
            "published": target.state == "published", "planned_at": w.at(target.publish_at),
            "published_at": w.at(target.published_at), "url": target.url, "link": _safe_link(target.url),
            "external_id": target.external_id, "version": int(target.version)})
    return {**approval, "id": post.id, "status": w.known("post.status", post.status), "variants": variants,
            "targets": targets, "planned_at": w.at(post.publish_at)}


def _draft_view(item, found: Gathered, w: _Words) -> dict | None:
    """A deliverable's creative-approval draft as approved (None without creative approval)."""
    post = found.drafts.get(item.id)
    if post is None:
        return None
    approval = _approval_view(post, found, w)
    approval.pop("content")
    return {**approval, "id": post.id, "status": w.known("post.status", post.status)}


def _window(deal, item, w: _Words) -> str:
    from chalicelib.deals import penalty_ops
    from chalicelib.placements.expected import DEFAULT_AFTER_MINUTES, DEFAULT_BEFORE_MINUTES

    terms = penalty_ops.terms_of(deal, item)
    before = DEFAULT_BEFORE_MINUTES if terms.publish_window_before_minutes is None \
        else int(terms.publish_window_before_minutes)
    after = DEFAULT_AFTER_MINUTES if terms.publish_window_after_minutes is None \
        else int(terms.publish_window_after_minutes)
    return w.t("placements.page.window", before=i18n.plural("common.minutes", before, w.language),
               after=i18n.plural("common.minutes", after, w.language))


def _check_view(check, found: Gathered, w: _Words) -> dict:
    from chalicelib.core.plain import plain

    override = plain(check.override) or None
    findings = [{"rule": w.known("placements.rule", f.get("rule")), "severity": w.known("placements.page.severity",
                                                                                       f.get("severity")),
                 "expected": _text(f.get("expected")), "actual": _text(f.get("actual"))}
                for f in (plain(check.findings) or []) if isinstance(f, dict)]
    return {"kind": w.known("placements.kind", check.kind), "at": w.at(check.checked_at or check.due_at),
            "result": w.known("placements.result", check.result), "outcome": check.result,
            "override": {"was": w.known("placements.result", override.get("was")),
                         "by": found.people.get(override.get("by") or "") or override.get("by"),
                         "reason": override.get("reason"), "at": w.at(override.get("at"))} if override else None,
            "findings": findings, "note": check.note,
            "evidence_sha": ((plain(check.evidence) or {}).get("sha256") or "")[:16] or None}


def _deliverable_view(deal, item, found: Gathered, w: _Words) -> dict:
    blogger = found.bloggers.get(deal.influencer_id)
    checks = [c for c in found.checks.get(item.id, []) if c.state == "done"]
    return {"id": item.id, "deal_title": deal.title, "contract_number": deal.contract_number,
            "blogger": blogger.display_name if blogger else deal.influencer_id,
            "platform": w.known("platform", item.platform), "handle": item.handle,
            "format": w.known("contract.format", item.format), "agreed_at": w.shown.wall(item.wall, item.timezone),
            "window": _window(deal, item, w), "url": item.url, "link": _safe_link(item.url),
            "published_at": w.at(item.published_at), "erid": item.erid,
            "status": w.known("deals.deliverable_status", item.status),
            "result": w.known("placements.result", item.check_result), "outcome": item.check_result,
            "checks": [_check_view(c, found, w) for c in checks], "draft": _draft_view(item, found, w)}


def view_of(found: Gathered, language: str) -> dict:
    """The template's context: the campaign's header, its posts and its deliverables, ready to print."""
    campaign, brand = found.campaign, found.brand
    zone = (brand.timezone if brand is not None else None) or "UTC"
    w = _Words(language, zone)
    from chalicelib.core.clock import iso, utcnow

    deliverables = [_deliverable_view(deal, item, found, w) for deal in found.deals
                    for item in found.deliverables.get(deal.id, [])]
    return {"campaign": {"id": campaign.id, "name": campaign.name, "starts_on": w.shown.day(campaign.starts_on),
                         "ends_on": w.shown.day(campaign.ends_on)},
            "brand": brand.name if brand is not None else campaign.brand_id, "zone": zone,
            "made_at": w.at(iso(utcnow())), "posts": [_post_view(p, found, w) for p in found.posts],
            "deliverables": deliverables}


# --- the use case ----------------------------------------------------------------------------------------

def evidence(principal, campaign_id: str, language: str | None = None) -> dict:
    """The evidence of a campaign as the template's context (view_campaigns; 404/403 as campaigns.service). It
    shows posts' texts and the deals: only for who may see both (not finance, not copywriters: 403)."""
    from chalicelib.campaigns import service as campaign_service
    from chalicelib.identity.rules import Permission

    campaign = campaign_service.require(principal, campaign_id, Permission.view_campaigns)
    campaign_service.require_everything(principal, campaign.brand_id)  # it shows posts and deals together
    return view_of(gather(campaign), i18n.normalize(language or principal.language))


def filename(view: dict) -> str:
    """evidence-<campaign name>.pdf (core/file_names cleans it for the header)."""
    return f"evidence-{view['campaign']['name'][:150]}.pdf"


def evidence_html(principal, campaign_id: str, language: str | None = None) -> tuple[str, str, dict]:
    """(the evidence document as HTML, its file name, the view)."""
    from chalicelib.core.rendering import render

    language = i18n.normalize(language or principal.language)
    view = evidence(principal, campaign_id, language)
    return render(TEMPLATE, language, **view), filename(view), view
