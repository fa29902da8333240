"""A deal's status as a pure state machine over an immutable state. No I/O.

    draft ─send→ sent ─sign→ signed ─start→ in_progress ─complete→ completed ─close→ closed
    in_progress, completed ─dispute→ disputed ─resolve→ in_progress | completed
    signed, in_progress, disputed ─amend→ sent            (a new contract version, to be signed again)
    draft, sent, signed, in_progress, disputed ─cancel→ cancelled   (only while nothing is published)

In plain words:
- A deal is drafted, sent to the blogger, signed, started, completed and closed, in that order.
- A deal may be cancelled only while none of its deliverables has been published. Once anything is
  live, the way out is a dispute or an amendment, never a cancellation.
- A dispute may be opened while the work is in progress or after it is completed. It ends by
  being resolved back to `in_progress` (the work goes on) or to `completed` (the work is accepted).
- The terms may be edited freely while the deal is a draft or sent (a sent deal then needs a new
  contract version, sent again). They freeze at `signed`. Changing them after that is an
  amendment: a new contract version, and the deal goes back to `sent` to be signed again. A deal may be
  amended while it is signed, in progress or disputed. A completed deal is amended by disputing it
  first; a closed or cancelled one not at all. A signed amendment leaves the deal `signed`, and
  `start` takes it on; an amendment the blogger will not sign is undone by editing the terms
  back while the deal is `sent`.
- `closed` and `cancelled` are final.

`move` names the action; a forbidden move raises DealRuleError with a sentence for the person. The
service persists a new state with a condition on the deal's revision, as posts do.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class DealRuleError(ValueError):
    """A deal rule refused: the message is one sentence for the person (the service maps it to 409/422)."""


class DealStatus(str, Enum):
    draft = "draft"
    sent = "sent"
    signed = "signed"
    in_progress = "in_progress"
    completed = "completed"
    closed = "closed"
    cancelled = "cancelled"
    disputed = "disputed"


S = DealStatus
ACTIONS = ("send", "sign", "start", "complete", "close", "cancel", "dispute", "resolve", "amend")

# (status, action) → the statuses the action may lead to. `resolve` is the only one with a choice.
TABLE: dict[tuple[DealStatus, str], frozenset[DealStatus]] = {
    (S.draft, "send"): frozenset({S.sent}),
    (S.sent, "sign"): frozenset({S.signed}),
    (S.signed, "start"): frozenset({S.in_progress}),
    (S.in_progress, "complete"): frozenset({S.completed}),
    (S.completed, "close"): frozenset({S.closed}),
    **{(status, "cancel"): frozenset({S.cancelled})
       for status in (S.draft, S.sent, S.signed, S.in_progress, S.disputed)},
    **{(status, "dispute"): frozenset({S.disputed}) for status in (S.in_progress, S.completed)},
    (S.disputed, "resolve"): frozenset({S.in_progress, S.completed}),
    **{(status, "amend"): frozenset({S.sent}) for status in (S.signed, S.in_progress, S.disputed)},
}

FINAL = frozenset({S.closed, S.cancelled})
TERMS_EDITABLE = frozenset({S.draft, S.sent})  # before signing: edit the terms directly
AMENDABLE = frozenset(status for status, action in TABLE if action == "amend")
CANCELLABLE = frozenset(status for status, action in TABLE if action == "cancel")


@dataclass(frozen=True)
class DealState:
    """Where a deal is. `amendment` counts the amendments made after a first signature (0: the
    original terms); each one needs a new contract version."""

    status: DealStatus
    amendment: int = 0

    def __post_init__(self):
        object.__setattr__(self, "status", status_of(self.status))
        if isinstance(self.amendment, bool) or not isinstance(self.amendment, int) or self.amendment < 0:
            raise DealRuleError("The amendment number is a whole number, 0 or more.")


@dataclass(frozen=True)
class Outcome:
    state: DealState
    events: tuple[str, ...] = field(default=())  # "sent", "amended:1", "new_contract_version", …


def status_of(value) -> DealStatus:
    """A DealStatus from its stored text; anything else is refused with a sentence."""
    try:
        return DealStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in DealStatus)
        raise DealRuleError(f"{value!r} is not a deal status; a deal is one of {known}.") from None


def terms_editable(status) -> bool:
    """May the terms be changed in place? Only before signing (draft, sent)."""
    return status_of(status) in TERMS_EDITABLE


def allowed_actions(state: DealState, *, any_published: bool) -> tuple[str, ...]:
    """The actions `move` accepts now, in the order of ACTIONS (for the deal page's buttons)."""
    return tuple(action for action in ACTIONS
                 if (state.status, action) in TABLE and not (action == "cancel" and any_published))


def _refusal(state: DealState, action: str, any_published: bool) -> str:
    status = state.status
    if status in FINAL:
        return f"The deal is {status.value}, which is final: nothing more can be done with it."
    if action == "cancel" and status in CANCELLABLE:  # only the publication stands in the way
        return ("A deal cannot be cancelled once one of its deliverables has been published; "
                "open a dispute or amend the terms instead.")
    if action == "cancel":
        return f"A deal that is {status.value} cannot be cancelled: the work is done, close the deal or dispute it."
    if action == "amend" and status in TERMS_EDITABLE:
        return f"The deal is {status.value}, not signed yet: edit its terms directly, no amendment is needed."
    if action == "amend" and status is S.completed:
        return "A completed deal cannot be amended directly: open a dispute first, then amend it."
    allowed = allowed_actions(state, any_published=any_published)
    can = " or ".join((", ".join(allowed[:-1]), allowed[-1])) if len(allowed) > 1 else "".join(allowed)
    return f"A deal that is {status.value} can {can}, not {action}."


def move(state: DealState, action: str, *, any_published: bool, to: DealStatus | str | None = None) -> Outcome:
    """Do `action` to the deal. `any_published`: has any deliverable of the deal been published
    (deliverable_status.any_published)? `to` is only for `resolve`: in_progress or completed."""
    if action not in ACTIONS:
        raise DealRuleError(f"{action!r} is not something a deal can do; the actions are {', '.join(ACTIONS)}.")
    if to is not None and action != "resolve":
        raise DealRuleError(f"Only resolving a dispute names where the deal goes, not {action}.")
    targets = TABLE.get((state.status, action))
    if targets is None or (action == "cancel" and any_published):
        raise DealRuleError(_refusal(state, action, any_published))
    if action == "resolve":
        if to is None:
            raise DealRuleError("Say how the dispute ends: back to in_progress or to completed.")
        try:
            target = DealStatus(to)
        except ValueError:
            target = None
        if target not in targets:
            raise DealRuleError(f"A dispute is resolved back to in_progress or to completed, not {to}.")
        return Outcome(replace(state, status=target), (f"resolved:{target.value}",))
    (target,) = targets
    if action == "amend":
        amended = replace(state, status=target, amendment=state.amendment + 1)
        return Outcome(amended, (f"amended:{amended.amendment}", "new_contract_version"))
    events = {"send": "sent", "sign": "signed", "start": "started", "complete": "completed", "close": "closed",
              "cancel": "cancelled", "dispute": "disputed"}
    return Outcome(replace(state, status=target), (events[action],))


def change_terms(state: DealState) -> Outcome:
    """What a change of the terms means now: a plain edit while the deal is a draft; an edit that
    needs a new contract version (to be sent again) while it is sent; an amendment (a new contract
    version, back to `sent`) while it is signed, in progress or disputed. Refused otherwise."""
    if state.status is S.draft:
        return Outcome(state, ("terms_changed",))
    if state.status is S.sent:
        return Outcome(state, ("terms_changed", "new_contract_version"))
    if state.status in AMENDABLE:
        amended = move(state, "amend", any_published=False)
        return Outcome(amended.state, ("terms_changed", *amended.events))
    if state.status in FINAL:
        raise DealRuleError(f"The deal is {state.status.value}, which is final: its terms cannot change.")
    raise DealRuleError("The work is completed, so its terms are fixed: open a dispute first, then amend them.")
