"""The click counter's own DynamoDB client: a short leash for the writes on the redirect's path.

The models' connection (core/db/base.py) waits up to 2 s to connect and 5 s for an answer, 3 attempts: right for
a page, wrong for a redirect a person is waiting on. The counter's calls (links/repo.py: the day's salt, the
visitor mark, the day item's ADD) go through this client instead: connect 0.25 s, read 0.5 s, one attempt (no
retry: a throttled or slow DynamoDB answers an error at once, the click is logged and lost, the person is sent
on). Same endpoint and region as the models (settings: DYNAMODB_ENDPOINT, AWS_REGION), same table.

Built lazily and cached per (endpoint, region): tests that switch endpoints get a new one.
"""
from __future__ import annotations

import threading
from functools import lru_cache

from chalicelib.core.settings import get_settings

CONNECT_TIMEOUT = 0.25
READ_TIMEOUT = 0.5
MAX_ATTEMPTS = 1  # the first call only: no retry (botocore's `total_max_attempts`; its `max_attempts` counts retries)
POOL = 16  # connections: Lambda serves one request at a time; threads in tests and the bench share it

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _build(endpoint: str | None, region: str, connect: float, read: float, attempts: int):
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=connect, read_timeout=read, max_pool_connections=POOL,
                    retries={"mode": "standard", "total_max_attempts": attempts})
    kwargs = {"region_name": region, "config": config}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    with _lock:  # boto3's session creation is not thread-safe
        return boto3.session.Session().client("dynamodb", **kwargs)


def client():
    """The short-leash DynamoDB client (see the module's docstring)."""
    settings = get_settings()
    return _build(settings.DYNAMODB_ENDPOINT or None, settings.AWS_REGION, CONNECT_TIMEOUT, READ_TIMEOUT, MAX_ATTEMPTS)


def table() -> str:
    return get_settings().table_name
