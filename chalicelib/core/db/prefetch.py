"""Read-ahead for one request: items a route is about to read ride along with the credential
lookup in the same strongly consistent BatchGetItem, so `GET /v1/channels/{id}` costs one DynamoDB round trip.

A route declares the keys (json_route(prefetch=...)); repositories `take` an item once — a second
read in the same request goes to DynamoDB again, so nothing read after a write is ever stale.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Key = tuple[type, str, str]  # (model class, pk, sk)
_MISSING = object()
_items: ContextVar[dict[Key, Any] | None] = ContextVar("greenlight_prefetch", default=None)


@contextmanager
def request_scope():
    token = _items.set({})
    try:
        yield
    finally:
        _items.reset(token)


def stash(key: Key, item: Any | None) -> None:
    items = _items.get()
    if items is not None:
        items[key] = item


def take(model_cls: type, pk: str, sk: str) -> tuple[bool, Any | None]:
    """(True, item or None) if this request prefetched the key; (False, None) otherwise."""
    items = _items.get()
    if not items:
        return False, None
    item = items.pop((model_cls, pk, sk), _MISSING)
    return (False, None) if item is _MISSING else (True, item)
