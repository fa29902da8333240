"""Transactional writes with the audit entry inside the same TransactWrite.

Every state change in Greenlight goes through `transact`: the caller adds its conditional puts,
updates and deletes; the audit item is appended; DynamoDB applies all or nothing.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.audit import AuditItem
from chalicelib.core.errors import Conflict, Upstream
from chalicelib.core.ids import new_id

MAX_AUDIT_VALUE = 200  # characters of a text
MAX_AUDIT_ITEMS = 30  # entries of a list or a map
TRANSACTION_RETRIES = 4


@dataclass(frozen=True)
class Actor:
    """Who causes a change, and through which door."""

    user_id: str | None
    label: str  # email or job name: shown in the audit trail
    via: str  # web | api | email | slack | job | cli
    request_id: str | None = None


@dataclass
class Change:
    brand_id: str | None
    entity: str
    entity_id: str
    action: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    version: int | None = None
    extra_items: list = field(default_factory=list)


class WriteConflict(Conflict):
    """A condition of the transaction failed; `reasons[i]` is the code for the i-th operation."""

    def __init__(self, reasons: list[str | None]):
        super().__init__("Someone changed this at the same time; reload and try again.")
        self.reasons = reasons


def _bounded(value: Any) -> Any:
    """A value as the audit entry keeps it: itself, with long texts cut and long lists and maps
    shortened at every depth (an entry must stay far below DynamoDB's item size)."""
    if isinstance(value, str):
        return value if len(value) <= MAX_AUDIT_VALUE else value[: MAX_AUDIT_VALUE - 1] + "…"
    if isinstance(value, (list, tuple)):
        kept = [_bounded(v) for v in value[:MAX_AUDIT_ITEMS]]
        return kept + ["…"] if len(value) > MAX_AUDIT_ITEMS else kept
    if isinstance(value, dict):
        kept = {key: _bounded(v) for key, v in list(value.items())[:MAX_AUDIT_ITEMS]}
        return {**kept, "…": "…"} if len(value) > MAX_AUDIT_ITEMS else kept
    return value


def _short(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else {key: _bounded(value) for key, value in values.items()}


def audit_item(actor: Actor, change: Change) -> AuditItem:
    entry_id = new_id()
    scope = change.brand_id or "global"
    return AuditItem(
        pk=f"AUDIT#{scope}",
        sk=entry_id,
        gsi1pk=f"AUDIT#{scope}#{change.entity}#{change.entity_id}",
        gsi1sk=entry_id,
        id=entry_id,
        at=iso(utcnow()),
        brand_id=change.brand_id,
        actor_id=actor.user_id,
        actor_label=actor.label,
        entity=change.entity,
        entity_id=change.entity_id,
        action=change.action,
        before=_short(change.before),
        after=_short(change.after),
        via=actor.via,
        request_id=actor.request_id,
        version=change.version,
    )


def _codes(exc: TransactWriteError) -> list[str | None]:
    """Per-operation cancellation codes, None where the operation was fine."""
    codes = [getattr(r, "code", None) if r else None for r in (exc.cancellation_reasons or [])]
    return [None if code in (None, "None") else code for code in codes]


def _is_retriable(exc: TransactWriteError, codes: list[str | None]) -> bool:
    return exc.cause_response_code in ("TransactionConflictException", "ThrottlingException",
                                       "ProvisionedThroughputExceededException") or \
        any(code in ("TransactionConflict", "ThrottlingError") for code in codes)


def transact(actor: Actor, change: Change, build: Callable[[TransactWrite], None], *,
             retries: int = TRANSACTION_RETRIES) -> None:
    """Run `build(tx)` + the audit put as one transaction.

    The operations `build` adds must carry their own conditions. A failed condition raises
    WriteConflict (with the per-operation reasons); DynamoDB's TransactionConflict (another
    transaction touching the same items) is retried with jitter, since conditions are re-evaluated.
    """
    db_connection.bind_models()
    for attempt in range(retries):
        try:
            with TransactWrite(connection=db_connection.connection()) as tx:
                build(tx)
                tx.save(audit_item(actor, change))
            return
        except TransactWriteError as exc:
            reasons = _codes(exc)
            if "ConditionalCheckFailed" in reasons:
                raise WriteConflict(reasons) from None
            retriable = _is_retriable(exc, reasons)
            if not retriable or attempt == retries - 1:
                if retriable:
                    raise Conflict("Too many changes at once to this item; try again in a moment.") from None
                raise Upstream("The database refused the change; try again.") from exc
            time.sleep(random.uniform(0.02, 0.1) * (2**attempt))


def commit(actor: Actor, change: Change, ops: list[Callable[[TransactWrite], None]], conflict: str) -> None:
    """The operations (each adds one conditional operation to the transaction) and the audit entry, all or
    nothing; a failed condition is a 409 with the sentence `conflict`."""
    def build(tx):
        for op in ops:
            op(tx)

    try:
        transact(actor, change, build)
    except WriteConflict:
        raise Conflict(conflict) from None


# --- many changes in one transaction -------------------------------------------------------------

class BatchConflict(Conflict):
    """A batch transaction was cancelled; `failed` maps each owner whose operations were refused to
    the first code DynamoDB gave (ConditionalCheckFailed, TransactionConflict, ThrottlingError, …).
    Empty when the whole request was refused (throttled, too busy): then every owner is unsettled."""

    def __init__(self, failed: dict[Any, str]):
        super().__init__("Some of the changes met other changes; the rest can be tried again.")
        self.failed = failed


class OwnedWrite:
    """A TransactWrite whose every operation names the owners it belongs to (a batch item, or several
    when they share a condition check), so a cancellation's per-operation reasons map back to them.
    PynamoDB sends condition checks, deletes, puts and updates in that order, whatever the call order."""

    def __init__(self, tx: TransactWrite):
        self._tx = tx
        self._owners: dict[str, list[tuple]] = {"check": [], "delete": [], "put": [], "update": []}

    def condition_check(self, owners: tuple, model_cls, hash_key, range_key, condition) -> None:
        self._tx.condition_check(model_cls, hash_key, range_key, condition=condition)
        self._owners["check"].append(owners)

    def delete(self, owners: tuple, model, condition=None) -> None:
        self._tx.delete(model, condition=condition)
        self._owners["delete"].append(owners)

    def save(self, owners: tuple, model, condition=None) -> None:
        self._tx.save(model, condition=condition)
        self._owners["put"].append(owners)

    def update(self, owners: tuple, model, actions: list, condition=None, *, add_version_condition: bool = True) -> None:
        self._tx.update(model, actions, condition=condition, add_version_condition=add_version_condition)
        self._owners["update"].append(owners)

    def owners_in_order(self) -> list[tuple]:
        return [*self._owners["check"], *self._owners["delete"], *self._owners["put"], *self._owners["update"]]


def transact_owned(actor: Actor, changes: list[Change], build: Callable[[OwnedWrite], None]) -> None:
    """One transaction for many owners' operations (at most 100 with the audit entries, one per
    change). No retry here: a cancellation raises BatchConflict naming the owners whose operations
    were refused, so the caller drops them and tries the others again."""
    db_connection.bind_models()
    owned: OwnedWrite | None = None
    try:
        with TransactWrite(connection=db_connection.connection()) as tx:
            owned = OwnedWrite(tx)
            build(owned)
            for change in changes:
                owned.save((), audit_item(actor, change))
    except TransactWriteError as exc:
        codes = _codes(exc)
        if not any(codes) and not _is_retriable(exc, codes):
            raise Upstream("The database refused the change; try again.") from exc
        failed: dict[Any, str] = {}
        for owners, code in zip(owned.owners_in_order() if owned else [], codes):
            for owner in owners if code else ():
                failed.setdefault(owner, code)
        raise BatchConflict(failed) from None
