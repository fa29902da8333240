"""Placement checks: one item per check of a deliverable's live placement — planned (waiting in the
lease queue), then done with its result, findings and evidence. Keys (core/db/schema.py):

  entity   pk             sk      gsi1pk / gsi1sk                         gsi2pk / gsi2sk (while planned)
  check    CHECK#<id>     CHECK   DELIVERABLE#<deliverable>#CHECKS        DUE#CHECKS
                                  <due_at>#<id>                           <due UTC>#<id>

  check by id (run now, override, evidence)     GetItem
  a deliverable's checks, in time order         Query gsi1 DELIVERABLE#<d>#CHECKS (the timeline, the metrics
                                                snapshots the campaign report reads: kind metrics_*)
  checks due                                    Query gsi2 DUE#CHECKS, gsi2sk <= "<now>#~" (core/db/queue.py)

A planned check's id is deterministic — `<deliverable>r<round><kind code><n>` (repo.planned_id) — and it is put on the condition
that it does not exist, so planning twice never doubles a check. `round` is the deliverable's
`placement_round` when it was planned: setting another URL starts a new round, and a check of an older
round is dropped when it comes due. Checks a person starts (run now, manual evidence) get a fresh id.

Evidence (`evidence`): {key (artifact store), sha256, size, url, fetched_at, http_status, content_type}
— the page or the API answer exactly as fetched, or the screenshot a person uploaded.
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.db.base import TwiceListedItem, meta


class CheckItem(TwiceListedItem):
    Meta = meta()
    id = UnicodeAttribute()
    deliverable_id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    round = NumberAttribute(default=0)  # the deliverable's placement_round it belongs to
    kind = UnicodeAttribute()  # initial | now | window_end | retention | final | top | metrics_24h|72h|7d | manual
    url = UnicodeAttribute(null=True)  # the placement URL it checks
    due_at = UnicodeAttribute()
    state = UnicodeAttribute(default="planned")  # planned | done | dropped
    attempts = NumberAttribute(default=0)  # fetches tried (three failures in a row: inconclusive)
    last_error = UnicodeAttribute(null=True)
    result = UnicodeAttribute(null=True)  # pass | warn | fail | inconclusive | error
    findings = ListAttribute(default=list)  # [{rule, severity, expected, actual}]
    evidence = MapAttribute(null=True)
    observed = MapAttribute(null=True)  # {published_at, text_hash, views, likes, reposts, edited, found}
    moved = MapAttribute(null=True)  # {from, to}: the deliverable's status this check moved
    adjustments = ListAttribute(of=UnicodeAttribute, default=list)  # penalty rules this check charged
    penalty_lines = ListAttribute(default=list)  # those lines [{rule, inputs, amount}]: an override to fail re-charges
    held = UnicodeAttribute(null=True)  # "hold" | "release": what it did to the deal's payments
    confirmed = ListAttribute(of=UnicodeAttribute, default=list)  # manual evidence: the rules a person confirmed
    note = UnicodeAttribute(null=True)  # manual evidence: what the person says it shows
    override = MapAttribute(null=True)  # {result, reason, by, at, was}
    created_by = UnicodeAttribute(null=True)
    checked_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
