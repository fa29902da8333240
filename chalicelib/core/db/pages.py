"""Opaque, signed paging cursors around DynamoDB's LastEvaluatedKey.

A cursor is only valid for the listing that issued it (its `scope`); a tampered or foreign cursor
is a 400, never a DynamoDB error.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from chalicelib.core.errors import BadRequest

T = TypeVar("T")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


@dataclass
class Page(Generic[T]):
    items: list[T]
    cursor: str | None


def _serializer(scope: str):
    from chalicelib.core.signing import serializer

    return serializer(f"cursor:{scope}")


def encode_cursor(scope: str, last_key: dict[str, Any] | None) -> str | None:
    return _serializer(scope).dumps(last_key) if last_key else None


def decode_cursor(scope: str, cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    from itsdangerous import BadData

    try:
        value = _serializer(scope).loads(cursor)
    except BadData:
        raise BadRequest("This page cursor is not valid for this list; start from the first page.",
                         details=[{"field": "cursor", "message": "invalid cursor"}]) from None
    if not isinstance(value, dict):
        raise BadRequest("Invalid page cursor.", details=[{"field": "cursor", "message": "invalid cursor"}])
    return value


def page_size(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_PAGE_SIZE
    return max(1, min(int(limit), MAX_PAGE_SIZE))


def query_page(query_fn, scope: str, cursor: str | None, limit: int | None, **kwargs) -> Page:
    """Run a PynamoDB query (Model.query or Index.query) for one page."""
    result = query_fn(
        last_evaluated_key=decode_cursor(scope, cursor),
        limit=page_size(limit),
        page_size=page_size(limit),
        **kwargs,
    )
    items = list(result)
    return Page(items=items, cursor=encode_cursor(scope, result.last_evaluated_key))


def query_one_page(model, query_fn, scope: str, cursor: str | None, limit: int | None, **kwargs) -> Page:
    """One DynamoDB page of a Query: at most `limit` items *read*. With a filter the page may hold fewer
    (even none) while the cursor goes on — a filtered listing costs O(page) reads per request, never the
    whole partition (query_page keeps reading until it has `limit` matches)."""
    result = query_fn(last_evaluated_key=decode_cursor(scope, cursor), page_size=page_size(limit), **kwargs)
    raw = next(result.page_iter, None) or {}
    items = [model.from_raw_data(item) for item in raw.get("Items") or []]
    return Page(items=items, cursor=encode_cursor(scope, result.page_iter.last_evaluated_key))


def drain(fetch: Callable[[str | None], Page[T]], *, max_items: int | None = None) -> Iterator[T]:
    """Every item of a paged listing: `fetch(cursor)` returns one page; the next is read only when the
    last one is used up. `max_items` stops early (a guard for lists that could grow without bound)."""
    cursor: str | None = None
    seen = 0
    while True:
        page = fetch(cursor)
        for item in page.items:
            if max_items is not None and seen >= max_items:
                return
            seen += 1
            yield item
        cursor = page.cursor
        if not cursor:
            return
