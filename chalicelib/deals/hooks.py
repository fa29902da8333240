"""What deals add to every post change (plugged into content/hooks.py by app.py, after approvals and
publishing): a deliverable under creative approval follows its draft post (drafts.py), in the post
change's own transaction.

  the post enters review (submitted, or edited while in review)   → draft_submitted, drafts + 1
  the post is approved (last stage, or no chain)                  → approved
  changes requested or rejected                                   → changes_requested

Only changes whose workflow events say one of these look for a deliverable (Query gsi2
DRAFT#<post id>), so other post changes cost nothing. The deliverable's update carries its version
(a concurrent change of it makes the post change read again and decide again, as any race does) and
its own audit entry. A move the deliverable's rules refuse (it was cancelled meanwhile) is left out:
the post change goes through, the deliverable stays as it is. None of these statuses is a
publication, so no payment can fall due here (deliverable_service's money rules need none).

After the write: the deal's deadlines are planned again (service.after_commit) and the blogger gets
the decision by email with a fresh link (draft_mail.py). Light at import: the work is imported when
a post changes.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)
NEW_DRAFT_EVENTS = ("stage_started:0", "reapproval:0")
SUBMITTABLE = ("draft", "changes_requested")
ATTRIBUTE = "deals_draft_move"  # what in_transaction tells after_commit, on the PostChange


def target_of(events: tuple[str, ...], status_before: str) -> tuple[str | None, bool]:
    """(the deliverable status the change leads to or None, is this a new draft?)."""
    new_draft = any(e in NEW_DRAFT_EVENTS for e in events) or ("approved" in events and status_before in SUBMITTABLE)
    if "approved" in events:
        return "approved", new_draft
    if "changes_requested" in events or "rejected" in events:
        return "changes_requested", False
    if new_draft:
        return "draft_submitted", True
    return None, False


def _allowed(current: str, target: str) -> bool:
    from chalicelib.deals.rules import deliverable_status as dstatus

    if current == target:
        return True
    if dstatus.problem(current, target) is None:
        return True
    # approved at submission (a brand without a chain): through draft_submitted in one step
    return target == "approved" and dstatus.problem(current, "draft_submitted") is None \
        and dstatus.problem("draft_submitted", target) is None


def in_transaction(change) -> list:
    target, new_draft = target_of(tuple(change.events or ()), change.post.status)
    if target is None:
        return []
    from chalicelib.core.db.writes import Actor, Change, audit_item
    from chalicelib.deals import repo

    item = repo.deliverable_for_post(change.post.id)
    if item is None or not _allowed(item.status, target):
        return []
    changes: dict = {}
    if item.status != target:
        changes["status"] = target
    if new_draft:
        changes["drafts"] = int(item.drafts or 0) + 1
    if not changes:
        return []
    setattr(change, ATTRIBUTE, {"deliverable_id": item.id, "deal_id": item.deal_id, "moved_to": changes.get("status")})
    actor = Actor(None, "creative approval", "hook")
    entry = Change(item.brand_id, "deliverable", item.id, "status" if "status" in changes else "update",
                   {"status": item.status, "drafts": int(item.drafts or 0)},
                   {**changes, "post_id": change.post.id, "post_version": int(change.value("version"))},
                   item.version + 1)
    return [repo.update(item, changes), lambda tx: tx.save(audit_item(actor, entry))]


def after_commit(change, post) -> None:
    moved = getattr(change, ATTRIBUTE, None)
    if not moved:
        return
    try:
        from chalicelib.deals import service

        service.after_commit(moved["deal_id"])
        if moved["moved_to"] in ("approved", "changes_requested"):
            from chalicelib.deals import draft_mail

            draft_mail.send_decision(moved["deliverable_id"], post)
    except Exception:  # the change is written; a lost email is logged for the operator
        log.exception("telling the blogger about a decision failed", extra={"post": post.id})
