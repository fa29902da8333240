"""A deliverable's status: one placement the blogger owes under a deal. Pure, no I/O.

    planned ─→ creative_requested ─→ draft_submitted ⇄ changes_requested
                                          │
                                          ▼
                                      approved ─→ scheduled ─→ published ─→ monitoring ─→ fulfilled

In plain words:
- With creative approval, the brand asks for a draft (`creative_requested`), the blogger submits
  it (`draft_submitted`), the brand asks for changes (`changes_requested`, and a new draft comes
  back) or approves it (`approved`). A new draft after approval sends it back to review.
- Without creative approval a planned deliverable goes straight to `scheduled` or `published`.
- An approved or scheduled deliverable becomes `published` when the placement is live; the checks
  then watch it (`monitoring`) until the terms are met (`fulfilled`). With nothing to watch
  (no min_live_hours, top_hours or pin_hours) it may be fulfilled as soon as it is published.
- Exits:
  `late`: the publication is due and not there yet; it may still come (with the late penalty
  computed from the times) or be missed.
  `missed`: it will not be published (the no-show penalty).
  `nonconforming`: live, but a check found something missing or forbidden; fixed it goes back
  to monitoring, accepted as it is (with the penalty) it is fulfilled.
  `deleted_early`: taken down before the terms allowed (the early-deletion penalty).
  `cancelled`: dropped by agreement, only before it was published.
- `fulfilled`, `missed`, `deleted_early` and `cancelled` are final; a wrong check is settled by a
  dispute on the deal, not by moving a final deliverable.

A deliverable "counts as published" from the moment it went live, whatever happened after:
published, monitoring, nonconforming, deleted_early, fulfilled. One such deliverable is enough to
forbid cancelling the deal (deal_status).
"""
from __future__ import annotations

from collections.abc import Iterable

from chalicelib.deals.rules.deal_status import DealRuleError

BEFORE_PUBLICATION = ("planned", "creative_requested", "draft_submitted", "changes_requested", "approved",
                      "scheduled", "late")
PUBLISHED = frozenset({"published", "monitoring", "nonconforming", "deleted_early", "fulfilled"})
FINAL = frozenset({"fulfilled", "missed", "deleted_early", "cancelled"})
STATES = ("planned", "creative_requested", "draft_submitted", "changes_requested", "approved", "scheduled",
          "published", "monitoring", "fulfilled", "late", "nonconforming", "deleted_early", "missed", "cancelled")

_GIVE_UP = frozenset({"missed", "cancelled"})  # possible from every state before publication
NEXT: dict[str, frozenset[str]] = {
    "planned": frozenset({"creative_requested", "scheduled", "published", "late"}) | _GIVE_UP,
    "creative_requested": frozenset({"draft_submitted", "late"}) | _GIVE_UP,
    "draft_submitted": frozenset({"changes_requested", "approved", "late"}) | _GIVE_UP,
    "changes_requested": frozenset({"draft_submitted", "late"}) | _GIVE_UP,
    "approved": frozenset({"draft_submitted", "scheduled", "published", "late"}) | _GIVE_UP,
    "scheduled": frozenset({"draft_submitted", "published", "late"}) | _GIVE_UP,
    "late": frozenset({"draft_submitted", "approved", "scheduled", "published"}) | _GIVE_UP,
    "published": frozenset({"monitoring", "fulfilled", "nonconforming", "deleted_early"}),
    "monitoring": frozenset({"fulfilled", "nonconforming", "deleted_early"}),
    "nonconforming": frozenset({"monitoring", "fulfilled", "deleted_early"}),
    "fulfilled": frozenset(),
    "missed": frozenset(),
    "deleted_early": frozenset(),
    "cancelled": frozenset(),
}


def counts_as_published(status: str) -> bool:
    """Did this deliverable go live (whatever happened after)?"""
    return status in PUBLISHED


def any_published(statuses: Iterable[str]) -> bool:
    """Has any of a deal's deliverables gone live? (The deal may then no longer be cancelled.)"""
    return any(counts_as_published(status) for status in statuses)


def problem(current: str, wanted: str) -> str | None:
    """Why `current` cannot become `wanted` (a sentence), or None when it can."""
    for status in (current, wanted):
        if status not in NEXT:
            return f"{status!r} is not a deliverable status; a deliverable is one of {', '.join(STATES)}."
    if wanted == current:
        return f"The deliverable is {current} already."
    if wanted in NEXT[current]:
        return None
    if current in FINAL:
        return f"The deliverable is {current}, which is final: it cannot become {wanted}."
    if wanted == "cancelled":
        return ("A deliverable that has been published cannot be cancelled; "
                "if it fell short of the terms, mark it nonconforming or dispute the deal.")
    if wanted in _GIVE_UP:
        return f"A deliverable that has been published cannot become {wanted}."
    *rest, last = sorted(NEXT[current])
    allowed = f"{', '.join(rest)} or {last}" if rest else last
    return f"A deliverable that is {current} can become {allowed}, not {wanted}."


def move(current: str, wanted: str) -> str:
    """The new status, or DealRuleError with the sentence of `problem`."""
    refused = problem(current, wanted)
    if refused:
        raise DealRuleError(refused)
    return wanted
