"""The base of every PynamoDB model, and the model registry that fills itself.

All models share the one table of `schema.py`. Each feature keeps its own models in its
`models.py` (with the keys and access patterns of its items written beside them); subclassing
`Item` registers a model. `bind()` (called by `connection.bind_models()` at first use) points every
registered model at the configured table, endpoint and region, and a model registered later is
bound as it is defined, so importing a models module builds nothing and no model is ever left on
the "unbound" table.

    Item          pk / sk
    ListedItem    + gsi1 (gsi1pk, gsi1sk): listed under a parent; removing gsi1pk takes it out
    QueuedItem    + gsi2 (gsi2pk, gsi2sk): waits in a time-ordered lease queue (core/db/queue.py)
    TwiceListedItem  gsi1 and gsi2: listed in two orders (an influencer by followers and by ER)
"""
from __future__ import annotations

import threading
from typing import Callable

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

REGISTRY: list[type[Model]] = []
_lock = threading.Lock()
_bound_to: tuple[str, str | None, str] | None = None


class _Meta:
    table_name = "unbound"  # replaced by bind()
    host = None
    region = None
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
    max_retry_attempts = 3


def meta():
    """A Meta of its own for each model class (PynamoDB keeps per-class state on it)."""
    return type("Meta", (_Meta,), {})


def _apply(model: type[Model], target: tuple[str, str | None, str]) -> None:
    model.Meta.table_name, model.Meta.host, model.Meta.region = target
    model._connection = None  # PynamoDB caches its connection per model class


def bound_to() -> tuple[str, str | None, str] | None:
    return _bound_to


def bind(table_name: str, host: str | None, region: str, *, then: Callable[[], None] = lambda: None) -> None:
    """Point every model at (table, endpoint, region), and run `then` (forget what was built for the
    old binding) in the same critical section; nothing when it is bound there already."""
    global _bound_to
    target = (table_name, host, region)
    with _lock:
        if _bound_to == target:
            return
        for model in REGISTRY:
            _apply(model, target)
        then()
        _bound_to = target


def unbind() -> None:
    """Forget the binding (tests switch endpoints between sessions); the next bind() applies again."""
    global _bound_to
    with _lock:
        _bound_to = None


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)



class Item(Model):
    """One item of the table. Every concrete subclass is registered (and bound, if binding happened)."""

    Meta = meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__:  # the abstract bases below
            return
        if "Meta" not in cls.__dict__:
            raise TypeError(f"{cls.__name__} needs its own `Meta = meta()`")
        with _lock:
            REGISTRY.append(cls)
            if _bound_to is not None:
                _apply(cls, _bound_to)


class QueuedItem(Item):
    """An item that waits in a time-ordered queue of gsi2 (removing gsi2pk takes it out)."""

    Meta = meta()
    gsi2 = Gsi2()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)


class ListedItem(Item):
    """An item that appears in a parent's list through gsi1 (removing gsi1pk takes it out of the list)."""

    Meta = meta()
    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


class TwiceListedItem(ListedItem):
    """An item listed in two orders: gsi1 and gsi2 (removing a pk takes it out of that list)."""

    Meta = meta()
    gsi2 = Gsi2()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
