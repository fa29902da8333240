"""What a check's result does: the deliverable's next status, and the penalty lines. Pure, no I/O.
Statuses and their allowed moves are chalicelib/deals/rules/deliverable_status.py's; `after_check` never
answers a move that file forbids (it answers None instead).

`after_check` — one step at a time (the caller applies it, then asks again: `moves_after_check` does
both): a check that could not read the page (`fetched` False, or no evaluation) moves nothing — three
such in a row are the caller's "inconclusive", never a deletion. Otherwise, by the status before:
- before publication (planned … scheduled, late): found → `published` (when that move is allowed: a
  deliverable still waiting for its draft's approval stays, for a person to look at); not found at the
  window's end check (`window_end`) → `missed`; not found earlier → stays.
- published, monitoring, nonconforming, post not found: `deleted_early` while the agreed time is not over
  (`live_until` set and now < live_until). Gone after it, or with no time agreed: stays (the caller
  decides; we cannot tell when it went).
- found with a breach — a fail of a presence, content or marking rule (BREACH_RULES; lateness and
  pushed_down are settled in money, not status) — published/monitoring → `nonconforming`.
- found without a breach, and watching is over → `fulfilled`. Watching is over on the `final` check (unless
  top_until, the end of top_hours, is still ahead: the `top` check ends it then), or when live_until and
  top_until are each None or passed.
- found without a breach, watching not over: published/nonconforming → `monitoring`.
- final statuses (fulfilled, missed, deleted_early, cancelled) never move.

`penalties` — the lines this check's result calls for, built with deals/rules/penalties.py:
- late: evaluation.minutes_late > 0 and the terms set late_pct_per_hour (cap: late_cap_pct, else 100 %);
- missing_elements: evaluation.missing_elements > 0 and the terms set missing_element_pct;
- early_deletion: status_after is deleted_early, the terms set early_deletion and min_live_hours; the
  hours live are a timedelta (up to the last check that saw the post) turned into Decimal hours rounded
  DOWN to 6 places (the post is never credited with time it may not have been up);
- no_show: status_after is missed and the terms' no_show is "full".
Each line stands for this check alone: a caller keeps one line per rule (the latest), it does not add
them up across checks.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from chalicelib.core.money import Money
from chalicelib.deals.rules import penalties as clauses
from chalicelib.deals.rules.deliverable_status import BEFORE_PUBLICATION, FINAL, problem
from chalicelib.deals.rules.penalties import Adjustment
from chalicelib.placements.rules.evaluate import Evaluation, Expected
from chalicelib.placements.rules.findings import (
    CONTENT_RULES,
    MARKING_RULES,
    PRESENCE_RULES,
    missing_elements,
    result_of,
)

BREACH_RULES = frozenset(PRESENCE_RULES + CONTENT_RULES + MARKING_RULES) - {"not_found"}
WATCHED = ("published", "monitoring", "nonconforming")
KINDS = ("initial", "manual", "window_end", "retention", "final", "top", "metrics_24h", "metrics_72h", "metrics_7d")
HUNDRED = Decimal(100)
_MICROSECONDS_PER_HOUR = 3_600_000_000


def breaches(evaluation: Evaluation) -> bool:
    """Does the evaluation fail a presence, content or marking rule?"""
    return any(f.severity == "fail" and f.rule in BREACH_RULES for f in evaluation.findings)


def _over(kind: str, now: datetime, live_until: datetime | None, top_until: datetime | None) -> bool:
    """Is the watching over? At the final check (just before live_until) — unless the time on top goes on
    beyond it: then the `top` check ends it — or once every agreed time has passed."""
    if top_until is not None and now < top_until:
        return False
    return kind == "final" or all(until is None or now >= until for until in (live_until, top_until))


def after_check(status: str, kind: str, evaluation: Evaluation | None, *, fetched: bool, now: datetime,
                published_at: datetime | None, live_until: datetime | None,
                top_until: datetime | None = None) -> str | None:
    """The deliverable's next status after this check, or None to stay (see the module's docstring).
    `published_at` is accepted for the caller's convenience; the rules above do not need it."""
    if not fetched or evaluation is None or status in FINAL:
        return None
    wanted = None
    if status in BEFORE_PUBLICATION:
        if evaluation.found:
            wanted = "published"
        elif kind == "window_end":
            wanted = "missed"
    elif status in WATCHED:
        if not evaluation.found:
            wanted = "deleted_early" if live_until is not None and now < live_until else None
        elif breaches(evaluation):
            wanted = "nonconforming"
        elif _over(kind, now, live_until, top_until):
            wanted = "fulfilled"
        else:
            wanted = "monitoring"
    if wanted is None or wanted == status or problem(status, wanted) is not None:
        return None
    return wanted


def moves_after_check(status: str, kind: str, evaluation: Evaluation | None, **when) -> list[str]:
    """Every status the deliverable passes through after this check, in order (often one, e.g. planned →
    published → monitoring gives ["published", "monitoring"]); empty when it stays."""
    moves: list[str] = []
    while (following := after_check(status, kind, evaluation, **when)) is not None and len(moves) < 3:
        moves.append(following)
        status = following
    return moves


def hours_of(span: timedelta) -> Decimal:
    """A timedelta as Decimal hours rounded DOWN to 6 places (never negative)."""
    micro = max(span // timedelta(microseconds=1), 0)
    return Decimal(micro * 10**6 // _MICROSECONDS_PER_HOUR).scaleb(-6)


def waive(evaluation: Evaluation, rules) -> Evaluation:
    """The evaluation with the rules a manager accepted (an override to pass or warn) turned into `info`:
    they no longer fail, count as missing elements or make the post late, so a later check does not
    charge or hold again for what was accepted."""
    waived = set(rules or ())
    if not waived or not any(f.rule in waived and f.severity != "info" for f in evaluation.findings):
        return evaluation
    findings = tuple(replace(f, severity="info") if f.rule in waived else f for f in evaluation.findings)
    kept = [f for f in findings if f.severity != "info"]
    return replace(evaluation, findings=findings, result=result_of(kept),
                   missing_elements=missing_elements(kept),
                   minutes_late=0 if "too_late" in waived else evaluation.minutes_late)


def may_charge(evaluation: Evaluation, status_after: str | None) -> bool:
    """Can `penalties` give a line at all? Only for lateness, missing elements, an early deletion or a
    no-show: the caller then works out the deliverable's fee share (which reads the deal's deliverables)."""
    return evaluation.minutes_late > 0 or evaluation.missing_elements > 0 or status_after in ("deleted_early",
                                                                                              "missed")


def penalties(expected: Expected, evaluation: Evaluation | None, *, fee: Money, kind: str, status_after: str | None,
              hours_live: timedelta | Decimal | None) -> list[Adjustment]:
    """The penalty lines this check calls for (see the module's docstring). `kind` names the check; the
    clauses follow from the evaluation and the status alone."""
    rules = expected.terms.penalties
    lines = []
    if evaluation is not None and evaluation.minutes_late > 0 and rules.late_pct_per_hour is not None:
        cap = rules.late_cap_pct if rules.late_cap_pct is not None else HUNDRED
        lines.append(clauses.late(fee, evaluation.minutes_late, rules.late_pct_per_hour, cap))
    if evaluation is not None and evaluation.missing_elements > 0 and rules.missing_element_pct is not None:
        lines.append(clauses.missing_elements(fee, evaluation.missing_elements, rules.missing_element_pct))
    min_live = expected.terms.min_live_hours
    if status_after == "deleted_early" and rules.early_deletion and min_live:
        if hours_live is None:
            raise ValueError("An early deletion needs the hours the post was live.")
        live = _hours(hours_live)
        lines.append(clauses.early_deletion(fee, rules.early_deletion, live, min_live))
    if status_after == "missed" and rules.no_show == "full":
        lines.append(clauses.no_show(fee))
    return lines


def _hours(value: timedelta | Decimal) -> Decimal:
    if isinstance(value, timedelta):
        return hours_of(value)
    return max(Decimal(value), Decimal(0)).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
