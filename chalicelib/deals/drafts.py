"""Creative approval of a deliverable: the blogger's drafts go through the brand's own approval
workflow (content + approvals: the same chains, email links, Slack and stage deadlines), never a
second engine. The blogger has no account: a signed, expiring link `/d/<token>` (draft_pages.py) is
their credential.

  request_link   POST /v1/deliverables/{id}/draft-link (manage_deals). Allowed while the deal is
                 sent, signed or in progress (a brief before signing is usual), for a deliverable whose
                 terms say `creative_approval` and that is planned or waiting for a draft. The first
                 request claims a post id on the deliverable (a write conditional on it having none:
                 of two requests at once one claims, the other reuses it), moves it to
                 `creative_requested` with `draft_due_at`, then creates the post under that id if it
                 is not there yet (so a crash in between heals on the next request or page view).
                 Answers a fresh link; emails it to the blogger's contact address, in the deal's language.
  submit         the blogger's POST: a new version of the post with their text and media links, then
                 submitted into the brand's chain. The deliverable follows the post in the post
                 change's own transaction (hooks.py): draft_submitted and drafts + 1 when it enters
                 review, approved / changes_requested on the team's decision.
  report_url     the blogger's "I published it: URL" once the draft is approved (approved, scheduled or
                 late, under a signed deal): the deliverable's live URL with source "blogger" — the same
                 write as the manager's (deliverable_service.url_changes + move, guarded by the version the
                 page read) — then the placement checks plan its round (placement_hooks.url_set).

The draft post: the brand's, content type `advertising`, tag `deal-draft`, no channels and no publish
time — so the publisher never has anything to send (targets exist only for channels of a scheduled
post); the blogger publishes on their own account. Its internal due date (brand's zone) is 24 h
before the placement, which gives the approval stages their deadline and reminders. Its author is
the blogger (`influencer:<id>`, a principal with a copywriter's rights in that brand only, used
only here), so no member of the team is barred from approving it as its author.

The link itself (token, expiry, the blogger's principal): draft_links.py; the emails: draft_mail.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.writes import Actor, Change
from chalicelib.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from chalicelib.core.plain import plain
from chalicelib.deals import draft_mail, repo, service
from chalicelib.deals.draft_links import DraftClaims, blogger, contact_email, fresh_link, influencer_of
from chalicelib.deals.models import DealItem, DeliverableItem
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

DEFAULT_LEAD = timedelta(hours=48)  # the draft is due this long before the placement unless given
APPROVAL_LEAD = timedelta(hours=24)  # the post's internal due date: the approval stages' deadline
DEAL_OPEN = ("sent", "signed", "in_progress")
WAITING = ("creative_requested", "changes_requested", "draft_submitted", "late")  # a draft may come
REQUESTABLE = ("planned", *WAITING)
PUBLISHABLE = ("approved", "scheduled", "late")  # the blogger may say "I published it: URL"
URL_DEALS = ("signed", "in_progress", "disputed", "completed")  # placements are checked under a signed deal
DRAFT_TAG = "deal-draft"
MAX_TEXT = 5000
MAX_LINKS = 10
MAX_LINK = 2000


class DraftNotWaiting(Conflict):
    code = "draft_not_waiting"

    def __init__(self, status: str):
        super().__init__(f"This placement is not waiting for a draft (it is {status}).", status=status)
        self.status = status


class DraftChanged(Conflict):
    code = "draft_changed"

    def __init__(self):
        super().__init__("The draft changed since this page was opened; look at it and send yours again.")


class NotPublishable(Conflict):
    code = "not_publishable"

    def __init__(self, status: str):
        super().__init__(f"This placement does not take a published link now (it is {status}).", status=status)
        self.status = status


class DraftsUnavailable(Conflict):
    code = "drafts_unavailable"

    def __init__(self, reason: str):
        super().__init__(f"The brand cannot take drafts right now: {reason}")


# --- the manager asks for a draft ------------------------------------------------------------------

def _due(item: DeliverableItem, given: str | None, now: datetime) -> datetime:
    publish = parse_utc(item.publish_at)
    if given:
        due = parse_utc(given if given.endswith("Z") else given + "Z")
        if due is None:
            raise ValidationFailed("draft_due_at is a UTC time such as 2030-03-01T12:00Z.",
                                   details=[{"field": "draft_due_at", "message": "not a time"}])
        if due <= now:
            raise ValidationFailed("The draft cannot be due in the past.",
                                   details=[{"field": "draft_due_at", "message": "in the past"}])
        if publish and due > publish:
            raise ValidationFailed("The draft must be due before the placement goes out.",
                                   details=[{"field": "draft_due_at", "message": "after the publish time"}])
        return due
    if item.draft_due_at:
        return parse_utc(item.draft_due_at)
    default = publish - DEFAULT_LEAD if publish else now + DEFAULT_LEAD
    if default > now:
        return default
    return min(now + timedelta(hours=24), publish) if publish and publish > now else now + timedelta(hours=24)


def _check_drafts_possible(deal: DealItem) -> None:
    from chalicelib.approvals.service import chain_for
    from chalicelib.brands import repo as brand_repo
    from chalicelib.brands.service import brand_settings

    if chain_for(deal.brand_id, "advertising") is None and \
            not brand_settings(brand_repo.get(deal.brand_id)).get("approve_without_chain"):
        raise DraftsUnavailable("the brand has no approval chain for advertising posts; set one up first.")


def request_link(principal: Principal, deliverable_id: str, draft_due_at: str | None = None) -> dict:
    """A draft link for the blogger (see the module's docstring): {url, expires_at, draft_due_at, post_id,
    emailed}."""
    from chalicelib.deals import deliverable_service

    item, deal = deliverable_service.get(principal, deliverable_id, consistent=True)
    principal.require(deal.brand_id, Permission.manage_deals, what="deliverable")
    if not deliverable_service.held_to(deal, item).get("creative_approval"):
        raise Conflict("This deliverable's terms do not ask for creative approval: set creative_approval first.")
    if deal.status not in DEAL_OPEN:
        raise Conflict(f"Drafts are asked for once the deal is sent, until it is completed (it is {deal.status}).")
    if item.status not in REQUESTABLE:
        raise DraftNotWaiting(item.status)
    _check_drafts_possible(deal)
    now = utcnow()
    due = iso(_due(item, draft_due_at, now))
    item = _claim(principal.actor, deal, item, due)
    influencer = influencer_of(deal)
    ensure_post(deal, item, influencer, principal.actor)
    link, expires = fresh_link(item, now)
    emailed = False
    address = contact_email(influencer)
    if address:
        emailed = draft_mail.send(deal, item, influencer, "request", link, expires)
    return {"url": link, "expires_at": iso(expires), "draft_due_at": item.draft_due_at, "post_id": item.post_id,
            "emailed": emailed}


def _claim(actor: Actor, deal: DealItem, item: DeliverableItem, due: str) -> DeliverableItem:
    """The post id (once), the due time and creative_requested on the deliverable, with the audit entry."""
    from chalicelib.core.ids import new_id

    changes: dict = {}
    condition = None
    if not item.post_id:
        post_id = new_id()
        changes.update(post_id=post_id, gsi2pk=repo.draft_pk(post_id), gsi2sk="DELIVERABLE")
        condition = DeliverableItem.post_id.does_not_exist()
    if due != item.draft_due_at:
        changes["draft_due_at"] = due
    if item.status == "planned":
        dstatus.move(item.status, "creative_requested")
        changes["status"] = "creative_requested"
    if not changes:
        return item
    audited = {k: v for k, v in changes.items() if not k.startswith("gsi")}
    try:
        repo.commit(actor, Change(deal.brand_id, "deliverable", item.id, "status" if "status" in changes else "update",
                                  {k: getattr(item, k) for k in audited}, audited, item.version + 1),
                    [repo.update(item, changes, condition), repo.deal_still(deal, DealItem.status.is_in(*DEAL_OPEN))],
                    "The deliverable or its deal changed at the same time; load it again.")
    except Conflict:
        fresh = repo.get_deliverable(item.id, consistent=True)
        if fresh is None or not fresh.post_id or fresh.status not in WAITING:
            raise
        return fresh  # another request claimed it a moment ago: use theirs
    service.after_commit(deal.id)
    return repo.get_deliverable(item.id, consistent=True)


def post_title(deal: DealItem, item: DeliverableItem) -> str:
    return f"Draft · {deal.title} · {item.format} · {item.handle}"[:300]


def ensure_post(deal: DealItem, item: DeliverableItem, influencer, actor: Actor):
    """The draft post under the deliverable's post id, created if it is not there yet."""
    from chalicelib.content import repo as post_repo
    from chalicelib.content import service as posts
    from chalicelib.content.schemas import PostCreate
    from chalicelib.core import schedule
    from chalicelib.core.db.writes import WriteConflict

    existing = post_repo.get(item.post_id, consistent=True)
    if existing is not None:
        return existing
    from chalicelib.brands import repo as brand_repo

    brand = brand_repo.get(deal.brand_id)
    approval_due = parse_utc(item.publish_at) - APPROVAL_LEAD
    data = PostCreate(brand_id=deal.brand_id, title=post_title(deal, item), body="", channel_ids=[],
                      content_type="advertising", tags=[DRAFT_TAG],
                      due_at=schedule.to_wall(approval_due, brand.timezone) if approval_due > utcnow() else None)
    post, snapshot, _ = posts.prepare_create(blogger(deal, influencer), data)
    post.id = snapshot.post_id = item.post_id  # the id the deliverable claimed
    post.pk = snapshot.pk = post_repo.post_key(item.post_id)[0]
    post.gsi1sk = post_repo.calendar_sk(None, item.post_id)
    try:
        post_repo.create(actor, post, snapshot)
    except WriteConflict:
        pass  # created a moment ago by another request
    return post_repo.get(item.post_id, consistent=True)


# --- what the blogger's page shows -----------------------------------------------------------------

@dataclass
class DraftView:
    claims: DraftClaims
    item: DeliverableItem
    deal: DealItem
    brand: object
    influencer: object
    post: object | None
    terms: dict
    decision: object | None = None  # the latest decision on the draft
    comments: list = field(default_factory=list)  # external comments, newest first
    media: list = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        return self.item.status in WAITING and self.deal.status in DEAL_OPEN and self.post is not None \
            and self.post.status != "archived"

    @property
    def publishable(self) -> bool:
        """May the blogger report the live URL ("I published it")?"""
        return self.item.status in PUBLISHABLE and self.deal.status in URL_DEALS

    @property
    def submitted(self) -> bool:
        return self.post is not None and int(self.post.version) > 1


def inspect(claims: DraftClaims) -> DraftView:
    """Everything the page shows. Reads only (a missing draft post is shown as no draft yet)."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.content import repo as post_repo
    from chalicelib.deals.deliverable_service import held_to

    item = repo.get_deliverable(claims.deliverable_id, consistent=True)
    deal = repo.get(item.deal_id, consistent=True) if item is not None else None
    if item is None or deal is None or item.post_id != claims.post_id:
        raise NotFound("This draft link belongs to a placement that no longer exists.")
    post = post_repo.get(item.post_id, consistent=True)
    view = DraftView(claims=claims, item=item, deal=deal, brand=brand_repo.get(deal.brand_id),
                     influencer=influencer_of(deal), post=post, terms=held_to(deal, item))
    if post is not None:
        decisions = sorted(post_repo.decisions(post.id), key=lambda d: d.at)
        view.decision = decisions[-1] if decisions else None
        view.comments = sorted((c for c in post_repo.comments(post.id, None, 50).items if c.visibility == "external"),
                               key=lambda c: c.at, reverse=True)
        view.media = [m.get("url") for m in plain(post.media) or [] if m.get("url")]
    return view


# --- the blogger sends a draft ---------------------------------------------------------------------

def clean_links(raw: str) -> list[str]:
    """Media links, one per line: http(s) web addresses only, at most MAX_LINKS, as stored (normalised)."""
    from pydantic import AnyHttpUrl, TypeAdapter, ValidationError

    lines = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        raise ValidationFailed(f"At most {MAX_LINKS} media links.", details=[{"field": "media_links",
                                                                             "message": "too_many"}])
    out = []
    for line in lines:
        if len(line) > MAX_LINK or not line.lower().startswith(("http://", "https://")) or any(c.isspace() for c in line):
            raise ValidationFailed("A media link is a web address starting with https://.",
                                   details=[{"field": "media_links", "message": "invalid"}])
        try:
            out.append(str(TypeAdapter(AnyHttpUrl).validate_python(line)))
        except ValidationError:
            raise ValidationFailed("A media link is a web address starting with https://.",
                                   details=[{"field": "media_links", "message": "invalid"}]) from None
    return list(dict.fromkeys(out))


def clean_text(raw: str) -> str:
    text = (raw or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed("Write the text of the draft.", details=[{"field": "text", "message": "required"}])
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"The text is at most {MAX_TEXT} characters.",
                               details=[{"field": "text", "message": "too_long"}])
    return text


def _same(post, text: str, links: list[str]) -> bool:
    return (post.body or "") == text and [m.get("url") for m in plain(post.media) or []] == links


def submit(claims: DraftClaims, text: str, links: list[str], seen_version: int, *,
           request_id: str | None = None) -> str:
    """Send the blogger's draft once: "received", or "already" when this page's draft is in already
    (a double click, a second tab). `seen_version` is the post's version the page was made for."""
    from chalicelib.approvals import service as approvals
    from chalicelib.content import repo as post_repo
    from chalicelib.content import service as posts
    from chalicelib.content.schemas import PostPatch

    view = inspect(claims)
    if view.post is None:
        view.post = ensure_post(view.deal, view.item, view.influencer, blogger(view.deal, view.influencer).actor)
    if not view.waiting:
        raise DraftNotWaiting(view.item.status)
    who = blogger(view.deal, view.influencer, request_id=request_id)
    post = view.post
    if _same(post, text, links) and post.status == "in_review":
        return "already"
    if int(post.version) != seen_version and not _same(post, text, links):
        raise DraftChanged()
    if post.status == "rejected" and _same(post, text, links):
        raise ValidationFailed("The brand declined this version: change the draft before sending it again.",
                               details=[{"field": "text", "message": "unchanged"}])
    updated = False
    if not _same(post, text, links):
        try:
            post, _ = posts.update(who, post.id, PostPatch(version=seen_version, body=text,
                                                           media=[{"url": link, "alt": ""} for link in links]), None)
            updated = True
        except Conflict:
            post = post_repo.get(post.id, consistent=True)
            if not _same(post, text, links):
                raise DraftChanged() from None
    if post.status not in ("draft", "changes_requested"):
        return "received" if updated else "already"  # an edit in review (or after approval) re-enters review
    try:
        approvals.submit(who, post.id, needs_channel=False)  # the blogger publishes it on their own account
    except (InvalidTransition, ValidationFailed) as exc:
        fresh = post_repo.get(post.id, consistent=True)
        if fresh is not None and fresh.status == "in_review" and _same(fresh, text, links):
            return "already"  # the other click submitted it
        raise DraftsUnavailable(exc.message) from None
    return "received"


# --- the blogger says "I published it" ------------------------------------------------------------------

def report_url(claims: DraftClaims, url: str, *, request_id: str | None = None) -> str:
    """Set the live URL the blogger gives: "published", or "already" when it is the URL set already (a double
    click). NotPublishable when the placement does not take one now; ValidationFailed (field "url") for a URL
    that cannot be checked; Conflict when the deliverable changed since it was read."""
    from chalicelib.deals import deliverable_service, placement_hooks

    view = inspect(claims)
    url = (url or "").strip()
    if view.item.url and url == view.item.url:
        return "already"
    if not view.publishable:
        raise NotPublishable(view.item.status)
    if not url:
        raise ValidationFailed("Give the address of the published post.", details=[{"field": "url",
                                                                                     "message": "required"}])
    if len(url) > MAX_LINK:
        raise ValidationFailed(f"The address is at most {MAX_LINK} characters.",
                               details=[{"field": "url", "message": "too_long"}])
    actor = blogger(view.deal, view.influencer, request_id=request_id).actor
    changes = deliverable_service.url_changes(view.deal, view.item, url, "blogger")
    deliverable_service.move(actor, view.item.id, None, changes=changes, expect_version=view.item.version)
    placement_hooks.url_set(actor, view.item.id)
    return "published"
