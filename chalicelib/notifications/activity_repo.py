"""My activity list and the once-only marks of post notices (keys and access patterns: models.py).

  record(user_id, post_id, kind, ref, **what)   the NOTICE# mark (conditional: not there yet) and the
                                                activity item in one transaction; False when the mark
                                                was there (a retried hook, a second sweep): send nothing
  mark_once(user_id, post_id, kind, ref)        the NOTICE# mark alone (a managers' alert): False when there
  page(user_id, cursor, limit)                  my activity, newest first (expired items dropped)
  unread_count(user_id)                         items after my read mark (at most UNREAD_CAP counted)
  mark_all_read(user_id, until)                 the read mark moves forward only (conditional put)
"""
from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.pages import Page, query_page
from chalicelib.core.db.reads import get_item
from chalicelib.core.ids import new_id
from chalicelib.notifications.models import ActivityItem, ActivityReadItem, NoticeMarkItem

ACTIVITY_DAYS = 180
UNREAD_CAP = 99
PREFIX = "ACTIVITY#"


def _pk(user_id: str) -> str:
    return f"USER#{user_id}"


def mark_key(user_id: str, post_id: str, kind: str, ref: str) -> tuple[str, str]:
    return _pk(user_id), f"NOTICE#{post_id}#{kind}#{ref}"


def record(user_id: str, post_id: str, kind: str, ref: str, **what) -> bool:
    """Claim the notice for this person and list it in their activity, all or nothing."""
    db_connection.bind_models()
    now = utcnow()
    at = iso(now)
    expires = int((now + timedelta(days=ACTIVITY_DAYS)).timestamp())
    item_id = new_id()
    mark = NoticeMarkItem(*mark_key(user_id, post_id, kind, ref), user_id=user_id, post_id=post_id, kind=kind,
                          ref=ref, at=at, ttl=expires)
    item = ActivityItem(_pk(user_id), f"{PREFIX}{at}#{item_id}", id=item_id, user_id=user_id, kind=kind, at=at,
                        post_id=post_id, ttl=expires, **{k: v for k, v in what.items() if v not in (None, "")})
    try:
        with TransactWrite(connection=db_connection.connection()) as tx:
            tx.save(mark, condition=NoticeMarkItem.pk.does_not_exist())
            tx.save(item, condition=ActivityItem.pk.does_not_exist())
    except TransactWriteError as exc:
        codes = [getattr(r, "code", None) for r in (exc.cancellation_reasons or []) if r]
        if "ConditionalCheckFailed" in codes:
            return False
        raise
    return True


def mark_once(user_id: str, post_id: str, kind: str, ref: str) -> bool:
    """Only the NOTICE# mark (no activity item): a managers' publishing alert, once per person. False when
    the mark was there (the queued notice delivered again)."""
    db_connection.bind_models()
    now = utcnow()
    mark = NoticeMarkItem(*mark_key(user_id, post_id, kind, ref), user_id=user_id, post_id=post_id, kind=kind,
                          ref=ref, at=iso(now), ttl=int((now + timedelta(days=ACTIVITY_DAYS)).timestamp()))
    try:
        mark.save(condition=NoticeMarkItem.pk.does_not_exist())
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _alive(items: list) -> list:
    now = int(utcnow().timestamp())
    return [i for i in items if i.ttl is None or int(i.ttl) > now]


def page(user_id: str, cursor: str | None, limit: int | None) -> Page:
    db_connection.bind_models()
    found = query_page(ActivityItem.query, f"activity:{user_id}", cursor, limit, hash_key=_pk(user_id),
                       range_key_condition=ActivityItem.sk.startswith(PREFIX), scan_index_forward=False)
    return Page(items=_alive(found.items), cursor=found.cursor)


def read_until(user_id: str) -> str:
    db_connection.bind_models()
    mark = get_item(ActivityReadItem, _pk(user_id), "ACTIVITYREAD", consistent=True)
    return mark.read_until if mark is not None else ""


def unread_count(user_id: str, until: str | None = None) -> int:
    until = read_until(user_id) if until is None else until
    db_connection.bind_models()
    found = ActivityItem.query(_pk(user_id), ActivityItem.sk.between(f"{PREFIX}{until}~", f"{PREFIX}~") if until
                               else ActivityItem.sk.startswith(PREFIX), limit=UNREAD_CAP + 1,
                               page_size=UNREAD_CAP + 1, scan_index_forward=False)
    return min(len(_alive(list(found))), UNREAD_CAP)


def mark_all_read(user_id: str, until: str | None = None) -> str:
    """Everything up to `until` (default now; a later one is clamped to now) is read. The mark only moves
    forward: a stale tab's older `until` changes nothing. Returns the mark as it is now."""
    db_connection.bind_models()
    now = iso(utcnow())
    until = min(until, now) if until else now  # a mark in the future would hide items yet to come
    mark = ActivityReadItem(_pk(user_id), "ACTIVITYREAD", user_id=user_id, read_until=until)
    try:
        mark.save(condition=ActivityReadItem.pk.does_not_exist() | (ActivityReadItem.read_until < until))
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
    return read_until(user_id)
