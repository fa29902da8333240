"""Placement checks for people: set a deliverable's live URL (which plans its checks), run a check now,
read a deliverable's checks. Who may: reading needs view_deals, everything else manage_deals
(identity/rules.py). Overriding a result: overrides.py; evidence a person uploads: evidence_uploads.py.
"""
from __future__ import annotations

from chalicelib.core.clock import utcnow
from chalicelib.core.db.writes import Actor
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.deals import deliverable_service
from chalicelib.deals import repo as deal_repo
from chalicelib.deals.models import DealItem, DeliverableItem
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.placements import planner, repo, runner
from chalicelib.placements.models import CheckItem

URL_DEALS = deliverable_service.URL_DEALS


def problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": message}])


# --- the hook deals calls when a URL is set -----------------------------------------------------------------

def url_problem(url: str) -> str | None:
    from chalicelib.placements import sources

    return sources.problem(url)


def url_set(actor: Actor, deliverable_id: str) -> None:
    """Plan the new round's checks (after the URL's write). Never raises: the URL is stored either way, and
    a failure here is logged (the next URL set or run-now plans again)."""
    import logging

    try:
        item = deal_repo.get_deliverable(deliverable_id, consistent=True)
        deal = deal_repo.get(item.deal_id, consistent=True) if item is not None else None
        if item is not None and deal is not None:
            _undo_earlier_rounds(actor, deal, item)
        if item is not None and deal is not None and item.url:
            planner.plan_round(deal, item, utcnow())
    except Exception:  # noqa: BLE001
        logging.getLogger(__name__).exception("planning placement checks failed", extra={"deliverable": deliverable_id})


def _undo_earlier_rounds(actor: Actor, deal: DealItem, item: DeliverableItem) -> None:
    """A new URL: the penalties the checks of an earlier URL charged by themselves were worked out from
    another post (a wrong link, a re-post) and are taken off (audited); the new post's checks charge what
    it calls for. A person's own lines and an override's stay."""
    from chalicelib.core.db.writes import Change
    from chalicelib.deals.models import AdjustmentRecord

    automatic = [a for a in deal_repo.adjustments_of(deal.id) if a.deliverable_id == item.id and a.created_by is None
                 and (a.note or "").startswith("placement check ")]
    if not automatic:
        return
    ops = [lambda tx, a=a: tx.delete(AdjustmentRecord(a.pk, a.sk)) for a in automatic]
    deal_repo.commit(actor, Change(deal.brand_id, "deal", deal.id, "placement_url_changed", None,
                                   {"deliverable": item.id, "penalties_removed": [a.rule for a in automatic]}),
                     ops, "The deal changed at the same time.")


# --- people ------------------------------------------------------------------------------------------------

def managed(principal: Principal, deliverable_id: str) -> tuple[DeliverableItem, DealItem]:
    item, deal = deliverable_service.get(principal, deliverable_id, consistent=True)
    principal.require(deal.brand_id, Permission.manage_deals, what="deliverable")
    return item, deal


def set_url(principal: Principal, deliverable_id: str, url: str, *, source: str = "manager",
            actor: Actor | None = None) -> DeliverableItem:
    """Set the live URL (a new round of checks: the old URL's are dropped) and plan the checks."""
    item, deal = managed(principal, deliverable_id)
    return set_url_of(actor or principal.actor, deal, item, url, source=source)


def set_url_of(actor: Actor, deal: DealItem, item: DeliverableItem, url: str, *, source: str) -> DeliverableItem:
    url = (url or "").strip()
    if not url:
        raise problem("url", "Give the placement's address, such as https://t.me/channel/123.")
    if url == item.url and deal.status in URL_DEALS and item.status not in runner.SETTLED:
        planner.plan_round(deal, item, utcnow())  # the same URL again: plan what is missing, nothing more
        return item
    changes = deliverable_service.url_changes(deal, item, url, source)
    written = deliverable_service.move(actor, item.id, None, changes=changes, expect_version=item.version)
    url_set(actor, item.id)
    return written


def checks(principal: Principal, deliverable_id: str) -> tuple[DeliverableItem, DealItem, list[CheckItem]]:
    item, deal = deliverable_service.get(principal, deliverable_id)
    return item, deal, repo.of_deliverable(item.id)


def run_now(principal: Principal, deliverable_id: str) -> CheckItem:
    """Run a check at once (not queued) and answer its result; a fetch that fails is `error` (try again)."""
    from chalicelib.placements import jobs

    item, deal = managed(principal, deliverable_id)
    if not item.url:
        raise Conflict("The deliverable has no placement URL yet: set it first.")
    if item.status in runner.STOPPED:
        raise Conflict(f"The deliverable is {item.status}: its placement is no longer checked.")
    now = utcnow()
    check = repo.new_check(check_id=new_id(), item=item, deal_id=deal.id, round_=int(item.placement_round or 0),
                           kind="now", due=now, url=item.url, created_by=principal.user_id, queued=False)
    check.attempts = 1
    check.save(condition=CheckItem.pk.does_not_exist())
    done = runner.perform(check, now, actor=principal.actor, scheduled=False)
    jobs.finish(check, done, now, queued=False)
    return repo.get(check.id, consistent=True)


def get_check(principal: Principal, check_id: str) -> CheckItem:
    check = repo.get(check_id, consistent=True)
    if check is None:
        raise NotFound("No such check.")
    principal.require(check.brand_id, Permission.view_deals, what="check")
    return check
