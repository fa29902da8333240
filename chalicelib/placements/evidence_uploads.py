"""Evidence a person uploads for what no machine can read (a story, a video frame, TikTok): a PNG or JPEG
screenshot or a PDF export (≤ 10 MB, recognised by its first bytes), stored like fetched evidence, with
who confirmed which things (manual.py); confirming `found` makes a deliverable before publication
published (at the time the person gives).
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import new_id
from chalicelib.deals import deliverable_service
from chalicelib.deals.models import DealItem, DeliverableItem
from chalicelib.deals.rules import deliverable_status as dstatus
from chalicelib.identity.principal import Principal
from chalicelib.placements import evidence, repo
from chalicelib.placements.models import CheckItem
from chalicelib.placements.service import managed, problem

MAX_NOTE = 2000


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str | None
    rules: tuple[str, ...]  # what the evidence proves (manual.CONFIRMABLE)
    note: str | None
    published_at: str | None  # when the placement went live, as the evidence shows (UTC instant)


def upload(principal: Principal, deliverable_id: str, given: Upload) -> CheckItem:
    """Evidence for what cannot be fetched (a story, a video frame, TikTok): stored like fetched evidence,
    with who confirmed which rules; confirming `found` makes a deliverable before publication published."""
    from chalicelib.placements import manual

    item, deal = managed(principal, deliverable_id)
    if item.status in ("cancelled", "missed"):
        raise Conflict(f"The deliverable is {item.status}: there is no placement to prove.")
    if not given.data:
        raise problem("file", "Choose the screenshot or export to upload.")
    if len(given.data) > evidence.MAX_UPLOAD_BYTES:
        raise problem("file", "The file is larger than 10 MB.")
    kind = evidence.sniffed_type(given.data)
    if kind is None:
        raise problem("file", "Upload a PNG or JPEG screenshot or a PDF export.")
    confirmable = manual.confirmable(deal, item)
    unknown = [r for r in given.rules if r not in confirmable]
    if unknown:
        raise problem("rules", f"{unknown[0]!r} is not something this deliverable is checked for.")
    published = None
    if given.published_at:
        published = parse_utc(given.published_at)
        if published is None:
            raise problem("published_at", "Give the time as 2026-12-01T09:00Z.")
        if published > utcnow():
            raise problem("published_at", "The placement cannot have gone live in the future.")
    if "found" in given.rules:  # what confirming it would move, checked before anything is stored
        if deal.status not in deliverable_service.URL_DEALS:
            raise Conflict("A placement goes live only under a signed deal: sign the deal first.")
        if item.status in dstatus.BEFORE_PUBLICATION and dstatus.problem(item.status, "published"):
            raise Conflict(dstatus.problem(item.status, "published"))
    now = utcnow()
    check = repo.new_check(check_id=new_id(), item=item, deal_id=deal.id, round_=int(item.placement_round or 0),
                           kind="manual", due=now, url=item.url, created_by=principal.user_id, queued=False)
    check.attempts = 1
    check.evidence = evidence.store(check, 1, given.data, content_type=kind, url=None, http_status=None,
                                    fetched_at=now)
    check.confirmed = list(dict.fromkeys(given.rules))
    check.note = (given.note or "").strip()[:MAX_NOTE] or None
    findings = manual.findings(confirmable, check.confirmed)
    check.findings = [f.to_map() for f in findings]
    check.result = manual.result(findings)
    check.state, check.checked_at = "done", iso(now)
    check.save(condition=CheckItem.pk.does_not_exist())
    moved = _manual_moves(principal, deal, item, check, published or now)
    if moved:
        check.update(actions=[CheckItem.moved.set(moved)])
    return repo.get(check.id, consistent=True)


def _manual_moves(principal: Principal, deal: DealItem, item: DeliverableItem, check: CheckItem, published) -> dict | None:
    if "found" not in check.confirmed:
        return None
    start = item.status
    changes = {"check_result": check.result, "last_seen_at": iso(utcnow())}
    if not item.found_at:
        changes["found_at"] = iso(utcnow())
    if item.status in dstatus.BEFORE_PUBLICATION:
        item = deliverable_service.move(principal.actor, item.id, "published", changes=changes,
                                        published_at=iso(published))
        changes = {}
    wanted = "monitoring" if item.status == "published" else None
    if check.result == "fail" and item.status in ("published", "monitoring"):
        wanted = "nonconforming"
    if wanted or changes:
        item = deliverable_service.move(principal.actor, item.id, wanted, changes=changes)
    return {"from": start, "to": item.status} if item.status != start else None
