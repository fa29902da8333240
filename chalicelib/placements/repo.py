"""Placement checks in the table (keys and access patterns: models.py): the queue, reads, and the
operations a check's writes are made of."""
from __future__ import annotations

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.connection import bind_models
from chalicelib.core.db.put_unique import put_if_absent
from chalicelib.core.db.queue import Queue
from chalicelib.core.db.reads import get_item
from chalicelib.placements.models import CheckItem

CHECKS = Queue("DUE#CHECKS", CheckItem)
MAX_CHECKS_LISTED = 500  # a deliverable's timeline: a 24-hour placement has ~20 checks, a month-long one ~260


def check_key(check_id: str) -> tuple[str, str]:
    return f"CHECK#{check_id}", "CHECK"


def checks_pk(deliverable_id: str) -> str:
    return f"DELIVERABLE#{deliverable_id}#CHECKS"


KIND_CODES = {"initial": "i", "window_end": "w", "retention": "k", "final": "f", "top": "t",
              "metrics_24h": "ma", "metrics_72h": "mb", "metrics_7d": "mc"}


def planned_id(deliverable_id: str, round_: int, kind: str, n: int = 0) -> str:
    """`<deliverable>r<round><kind code><n>`: lower-case letters and digits, as every id in our paths."""
    return f"{deliverable_id}r{round_}{KIND_CODES[kind]}{n}"


def new_check(*, check_id: str, item, deal_id: str, round_: int, kind: str, due, url: str | None,
              created_by: str | None = None, queued: bool = True) -> CheckItem:
    """A check item, listed on its deliverable and (when `queued`) waiting in the queue at `due`."""
    now = iso(utcnow())
    due_at = iso(due) if not isinstance(due, str) else due
    check = CheckItem(*check_key(check_id), id=check_id, deliverable_id=item.id, deal_id=deal_id,
                      brand_id=item.brand_id, round=round_, kind=kind, url=url, due_at=due_at, state="planned",
                      attempts=0, findings=[], adjustments=[], confirmed=[], created_by=created_by,
                      created_at=now, updated_at=now)
    check.gsi1pk, check.gsi1sk = checks_pk(item.id), f"{due_at}#{check_id}"
    if queued:
        check.gsi2pk, check.gsi2sk = CHECKS.name, CHECKS.key(due_at, check_id)
    return check


def get(check_id: str, *, consistent: bool = False) -> CheckItem | None:
    return get_item(CheckItem, *check_key(check_id), consistent=consistent)


def of_deliverable(deliverable_id: str, *, limit: int = MAX_CHECKS_LISTED) -> list[CheckItem]:
    """A deliverable's checks in time order (planned ones included)."""
    bind_models()
    return list(CheckItem.gsi1.query(checks_pk(deliverable_id), limit=limit))


def put_planned(check: CheckItem) -> bool:
    """Put a planned check unless one with its id exists (planning again doubles nothing): True if put."""
    return put_if_absent(check)
