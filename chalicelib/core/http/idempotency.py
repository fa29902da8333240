"""Idempotency keys: the first request with a key claims it; a repeat gets the stored answer."""
from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import PutError

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.models import IdempotencyItem
from chalicelib.core.db.reads import get_item

TTL = timedelta(hours=24)


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


def complete(user_id: str, key: str, status_code: int, response: str) -> None:
    item = IdempotencyItem(*key_of(user_id, key))
    item.update([IdempotencyItem.status_code.set(status_code), IdempotencyItem.response.set(response)])


def release(user_id: str, key: str) -> None:
    """The first request failed: let a retry with the same key run again."""
    IdempotencyItem(*key_of(user_id, key)).delete()
