"""The emails to a blogger about their draft (no account: the address is the influencer's contact
email), in the deal's language, times in the deliverable's zone, each with a fresh `/d/` link:

  request    the brand asks for a draft (drafts.request_link)
  reminder   the draft is due in 24 h (the deal-deadlines job)
  approved   the brand approved it: publish as agreed
  changes    the brand asks for changes (or declined it): the decision's comment and the external
             comments on the post, and the link to send a new draft

Nothing is sent without a contact address; `send` answers whether a message went out.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import i18n, schedule
from chalicelib.core import mail as mailer
from chalicelib.core.clock import utcnow
from chalicelib.core.rendering import render
from chalicelib.deals import repo
from chalicelib.deals.draft_links import DECISION_TTL, contact_email, fresh_link, influencer_of

KINDS = ("request", "reminder", "approved", "changes")


def _facts(deal, item, language: str) -> dict:
    zone = item.timezone or "UTC"
    return dict(deal=deal.title, format=i18n.translate(f"deal_drafts.format.{item.format}", language),
                platform=item.platform, handle=item.handle,
                publish=schedule.local_label(item.publish_at, zone) if item.publish_at else "",
                due=schedule.local_label(item.draft_due_at, zone) if item.draft_due_at else "")


def send(deal, item, influencer, kind: str, link: str, expires: datetime, *, comment: str | None = None,
         comments: list[str] = ()) -> bool:
    """One email to the blogger; False when they have no contact address."""
    from chalicelib.brands import repo as brand_repo

    address = contact_email(influencer)
    if not address or kind not in KINDS:
        return False
    language = i18n.normalize(deal.language)
    brand = brand_repo.get(deal.brand_id)
    facts = _facts(deal, item, language)
    subject = i18n.translate(f"deal_drafts.email.{kind}.subject", language, brand=brand.name if brand else "",
                             deal=deal.title, due=facts["due"])
    context = dict(subject=subject, kind=kind, name=getattr(influencer, "display_name", "") or "",
                   brand=brand.name if brand else "", link=link,
                   expires=schedule.local_label(expires, item.timezone or "UTC"), comment=comment or "",
                   comments=list(comments), **facts)
    mailer.send(mailer.OutgoingEmail(
        to=address, subject=subject, text=render("deals/draft_email.txt", language, **context),
        html=render("deals/draft_email.html", language, **context),
        headers={"X-Greenlight-Deliverable": item.id}))
    return True


def send_decision(deliverable_id: str, post) -> bool:
    """The team's decision on the draft (the deliverable has moved already), with what they said."""
    from chalicelib.content import repo as post_repo

    item = repo.get_deliverable(deliverable_id, consistent=True)
    deal = repo.get(item.deal_id, consistent=True) if item is not None else None
    if item is None or deal is None or not item.post_id:
        return False
    influencer = influencer_of(deal)
    version = int(post.version)
    comment = None
    kind = "approved" if item.status == "approved" else "changes"
    if kind == "changes":
        decisions = sorted((d for d in post_repo.decisions(post.id) if int(d.version) == version
                            and d.decision in ("request_changes", "reject")), key=lambda d: d.at)
        comment = decisions[-1].comment if decisions else None
    comments = [c.text for c in sorted(post_repo.comments(post.id, None, 50).items, key=lambda c: c.at)
                if c.visibility == "external" and int(c.version) == version]
    link, expires = fresh_link(item, utcnow(), at_least=DECISION_TTL)
    return send(deal, item, influencer, kind, link, expires, comment=comment, comments=comments)


def send_reminder(deal, item) -> bool:
    """The draft is due soon (the deadline job)."""
    link, expires = fresh_link(item, utcnow())
    return send(deal, item, influencer_of(deal), "reminder", link, expires)
