"""Counting a click of a tracked link, on a short leash (all calls through click_client.py: connect 0.25 s,
read 0.5 s, no retry):

  1. the day's salt: 32 random bytes in VISITORSALT#<day> (made by the day's first click with a conditional
     put; a second process that loses the race reads the winner's), cached in the process for
     SALT_CACHE_SECONDS; it expires (DynamoDB's TTL) about two days after the day began;
  2. the visitor: rules/visitors.visitor_hash (the salted hash of the address and the agent — no address is
     stored); its mark LINK#<code>#DAY#<day> / V#<hash> is put if it does not exist (same expiry);
  3. the day item: one UpdateItem `ADD clicks 1, uniques 1` when the mark was new, `ADD clicks 1` (uniques 0)
     when it was there. The day item stays two numbers however many visitors a link has.

A click costs two small writes (and once a day per process a read of the salt). ADD is atomic: clicks from any
number of Lambdas at once add up. Time (from the moment the client is ready: building it, once per process, is
not DynamoDB's time): a call is started only within START_WITHIN seconds of the click, and
each call takes at most connect + read; so counting holds a redirect up ≈ 1 s at worst (1.25 s: a call started
at 0.5 s that needs a new connection), then gives up. Anything that goes wrong (DynamoDB throttling, slow or
not answering, out of time) is logged with the link's code and the day (never the address or the agent), the
click is lost, and the person is redirected all the same: counting never fails the redirect.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import datetime

from chalicelib.campaigns.links import click_client, repo
from chalicelib.campaigns.rules import visitors

log = logging.getLogger(__name__)

SALT_CACHE_SECONDS = 300.0
START_WITHIN = 0.5  # seconds since the click: a DynamoDB call is not started later than this
_salts: dict[str, tuple[float, bytes]] = {}  # day → (when read, salt); today's and yesterday's at most
_salts_lock = threading.Lock()


class OutOfTime(Exception):
    """The click's time is used up: no more calls (the click is lost, logged)."""


class _Leash:
    def __init__(self):
        self.started = time.monotonic()

    def check(self) -> None:
        if time.monotonic() - self.started > START_WITHIN:
            raise OutOfTime()


def salt_of(day: str, leash: _Leash | None = None) -> bytes:
    """The day's salt (see the module's docstring), made if the day has none yet."""
    now = time.monotonic()
    cached = _salts.get(day)
    if cached is not None and now - cached[0] < SALT_CACHE_SECONDS:
        return cached[1]
    leash = leash or _Leash()
    leash.check()
    found = repo.day_salt(day)
    if found is None:
        fresh = secrets.token_hex(32)
        leash.check()
        found = fresh if repo.put_day_salt(day, fresh, visitors.expiry_of(day)) else None
        if found is None:  # another process made it first: theirs is the day's
            leash.check()
            found = repo.day_salt(day)
        if found is None:
            raise RuntimeError("the day's visitor salt could not be read")
    salt = bytes.fromhex(found)
    with _salts_lock:
        if len(_salts) >= 4:  # days go by: keep the cache small
            _salts.clear()
        _salts[day] = (now, salt)
    return salt


def forget_salts() -> None:
    """Forget the cached salts (tests)."""
    with _salts_lock:
        _salts.clear()


def visitor_of(day: str, ip: str | None, user_agent: str | None, leash: _Leash | None = None) -> str:
    return visitors.visitor_hash(salt_of(day, leash), ip, user_agent)


def count(code: str, campaign_id: str, now: datetime, ip: str | None, user_agent: str | None) -> bool:
    """Count one person's click of `code` at `now` (UTC). True when counted; False when it could not be
    (logged; the click is lost). Never raises."""
    day = now.strftime("%Y-%m-%d")
    leash = _Leash()
    try:
        click_client.client()  # built once per process (botocore loads its model): not DynamoDB's time
        leash = _Leash()
        visitor = visitor_of(day, ip, user_agent, leash)
        leash.check()
        unique = repo.mark_visitor(code, day, visitor, visitors.expiry_of(day))
        leash.check()
        repo.add_click(code, campaign_id, day, unique=unique)
        return True
    except Exception as exc:  # noqa: BLE001 - a click that cannot be counted never stops the redirect
        log.error("a click could not be counted: %s", type(exc).__name__,
                  extra={"link": code, "day": day, "seconds": round(time.monotonic() - leash.started, 3),
                         "leash": f"{click_client.CONNECT_TIMEOUT}+{click_client.READ_TIMEOUT}s"})
        return False
