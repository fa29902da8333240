"""Idempotency keys: the first request with a key claims it; a repeat gets the stored answer.

    status, body = answer_once(user_id, key, raw_body, act)   # act() -> (status, JSON text)

  entity        pk                          sk            served access pattern
  idempotency   IDEMPOTENCY#<user>#<key>    IDEMPOTENCY   claim: conditional put; expires after 24 h
                                                          (checked on read; TTL cleans up)
"""
from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.base import Item, meta
from chalicelib.core.db.reads import get_item

TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 200


class IdempotencyItem(Item):
    """The answer given to (user, Idempotency-Key): a repeat returns it instead of acting twice."""

    Meta = meta()
    request_hash = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    response = UnicodeAttribute(null=True)  # JSON; empty while the first request is still running
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    ttl = NumberAttribute()


def key_of(user_id: str, key: str) -> tuple[str, str]:
    return f"IDEMPOTENCY#{user_id}#{key}", "IDEMPOTENCY"


def claim(user_id: str, key: str, request_hash: str) -> IdempotencyItem | None:
    """Claim the key (None) or return the earlier record for it. Expired records count as absent."""
    now = utcnow()
    item = IdempotencyItem(*key_of(user_id, key), request_hash=request_hash, created_at=iso(now),
                           expires_at=iso(now + TTL), ttl=int((now + TTL).timestamp()))
    try:
        item.save(condition=IdempotencyItem.pk.does_not_exist() | (IdempotencyItem.expires_at < iso(now)))
        return None
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    return get_item(IdempotencyItem, *key_of(user_id, key), consistent=True)


def complete(user_id: str, key: str, request_hash: str, status_code: int, response: str) -> None:
    """Store the answer on the claim this request holds (never on a record it does not own)."""
    item = IdempotencyItem(*key_of(user_id, key))
    item.update([IdempotencyItem.status_code.set(status_code), IdempotencyItem.response.set(response)],
                condition=(IdempotencyItem.request_hash == request_hash) & IdempotencyItem.status_code.does_not_exist())


def release(user_id: str, key: str, request_hash: str) -> None:
    """The first request failed: let a retry with the same key run again (only an unanswered claim goes)."""
    from pynamodb.exceptions import DeleteError

    try:
        IdempotencyItem(*key_of(user_id, key)).delete(
            condition=(IdempotencyItem.request_hash == request_hash) & IdempotencyItem.status_code.does_not_exist())
    except DeleteError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def answer_once(user_id: str, key: str, raw_body: bytes | None, act) -> tuple[int, str]:
    """Run `act` once per (user, key): a repeat with the same body gets the first answer again; the
    same key with another body is a 422; a repeat while the first still runs is a 409. If `act`
    fails, the key is released so the client may retry."""
    import hashlib

    from chalicelib.core.errors import Conflict, ValidationFailed

    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed("Idempotency-Key is too long.", details=[{"field": "Idempotency-Key", "message": "too long"}])
    request_hash = hashlib.sha256(raw_body or b"").hexdigest()
    earlier = claim(user_id, key, request_hash)
    if earlier is not None:
        if earlier.request_hash != request_hash:
            raise ValidationFailed("This Idempotency-Key was used with a different body.",
                                   details=[{"field": "Idempotency-Key", "message": "reused with another body"}])
        if earlier.response is None:
            raise Conflict("A request with this Idempotency-Key is still being processed.")
        return int(earlier.status_code), earlier.response
    try:
        status, body = act()
    except BaseException:
        release(user_id, key, request_hash)
        raise
    complete(user_id, key, request_hash, status, body)
    return status, body
