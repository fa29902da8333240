"""Sign-in mail flood: POST /sign-in mails a link at most 5 times an hour per address and answers at
most 20 requests per 10 minutes per client IP, with the same page either way (identity/service.py,
counted by core/db/throttle.allow). Mails are counted as real .eml files in the outbox.

Chalice's test client reports every caller as 127.0.0.1, which the per-IP limit leaves alone (so
other tests may sign in as often as they like); here each test poses as its own documentation-range
addresses by setting what the client puts into the request context's `sourceIp`."""
from __future__ import annotations

import itertools
import logging
from datetime import timedelta

import pytest
import time_machine

from chalicelib.core.clock import utcnow
from chalicelib.core.db import throttle
from chalicelib.identity.service import SIGN_IN_PER_ADDRESS, SIGN_IN_PER_IP
from tests.support.factories import unique
from tests.support.mail import messages
from tests.support.web import Browser, csrf_token_in, html, set_cookies

ADDRESS_LIMIT, ADDRESS_WINDOW = SIGN_IN_PER_ADDRESS
IP_LIMIT, IP_WINDOW = SIGN_IN_PER_IP
_hosts = itertools.count(1)


def fresh_ip() -> str:
    """An address of TEST-NET-2 (198.51.100.0/24, documentation only) no other test here uses."""
    return f"198.51.100.{next(_hosts)}"


@pytest.fixture
def from_ip(monkeypatch):
    """Make the next requests come from `ip` (API Gateway's requestContext.identity.sourceIp)."""
    def use(ip: str) -> None:
        monkeypatch.setattr("chalice.local.LambdaEventConverter.LOCAL_SOURCE_IP", ip)
    return use


@pytest.fixture
def frozen():
    """One instant for the whole test: no window may end in the middle of it."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


class SignInForm:
    """The sign-in form of one browser: its CSRF token fetched once, then posted as often as an
    attacker likes (one token allows any number of POSTs)."""

    def __init__(self, client):
        self.browser = Browser(client)
        self.token = csrf_token_in(self.browser.get("/sign-in"))

    def send(self, email: str):
        r = self.browser.post("/sign-in", {"email": email, "csrf_token": self.token})
        assert r.status_code == 200, r.body
        return r


def mails_to(outbox, email: str) -> int:
    return sum(1 for m in messages(outbox) if str(m["To"]).lower() == email.lower())


# --- per address -----------------------------------------------------------------------------------

def test_fifty_requests_for_one_address_send_a_handful_of_mails(client, outbox, make_user, frozen, from_ip):
    user = make_user()
    form = SignInForm(client)
    for _ in range(50):  # each from another address: a spread-out flood still reaches one inbox
        from_ip(fresh_ip())
        form.send(user.email)
    assert mails_to(outbox, user.email) == ADDRESS_LIMIT <= 5
    assert len(messages(outbox)) == ADDRESS_LIMIT


def test_the_address_limit_ignores_case_and_holds_from_one_loopback_client(client, outbox, make_user, frozen):
    user = make_user()
    form = SignInForm(client)  # 127.0.0.1: no per-IP limit, so only the address's counts
    for n in range(50):
        form.send(user.email.upper() if n % 2 else user.email)
    assert mails_to(outbox, user.email) == ADDRESS_LIMIT


def test_the_address_gets_links_again_in_the_next_window(client, outbox, make_user, frozen):
    user = make_user()
    form = SignInForm(client)
    for _ in range(ADDRESS_LIMIT + 3):
        form.send(user.email)
    assert mails_to(outbox, user.email) == ADDRESS_LIMIT
    frozen.shift(ADDRESS_WINDOW - timedelta(seconds=1))
    form.send(user.email)
    assert mails_to(outbox, user.email) == ADDRESS_LIMIT  # the window is still open
    frozen.shift(timedelta(seconds=2))
    form.send(user.email)
    assert mails_to(outbox, user.email) == ADDRESS_LIMIT + 1


# --- per client IP ---------------------------------------------------------------------------------

def test_many_addresses_from_one_ip_are_throttled(client, outbox, make_user, frozen, from_ip):
    people = [make_user() for _ in range(IP_LIMIT + 5)]
    from_ip(fresh_ip())
    form = SignInForm(client)
    for person in people:
        form.send(person.email)
    sent = [p for p in people if mails_to(outbox, p.email)]
    assert [p.email for p in sent] == [p.email for p in people[:IP_LIMIT]]
    assert len(messages(outbox)) == IP_LIMIT

    from_ip(fresh_ip())  # another client is not affected …
    form.send(people[-1].email)
    assert mails_to(outbox, people[-1].email) == 1
    assert len(messages(outbox)) == IP_LIMIT + 1


def test_unknown_addresses_use_up_the_ip_limit_too(client, outbox, make_user, frozen, from_ip):
    from_ip(fresh_ip())
    form = SignInForm(client)
    for _ in range(IP_LIMIT):  # spraying guesses: nothing is sent, but each one counts
        form.send(f"{unique('nobody')}@example.com")
    user = make_user()
    form.send(user.email)
    assert messages(outbox) == []


def test_a_throttled_client_does_not_use_up_the_address_limit(client, outbox, make_user, frozen, from_ip):
    user = make_user()
    attacker = fresh_ip()
    from_ip(attacker)
    form = SignInForm(client)
    for _ in range(IP_LIMIT):
        form.send(f"{unique('nobody')}@example.com")
    for _ in range(30):
        form.send(user.email)  # refused per IP before the address is counted
    assert mails_to(outbox, user.email) == 0
    from_ip(fresh_ip())
    form.send(user.email)
    assert mails_to(outbox, user.email) == 1


def test_ipv6_clients_are_counted_by_their_64(client, outbox, make_user, frozen, from_ip):
    people = [make_user() for _ in range(IP_LIMIT + 1)]
    form = SignInForm(client)
    for n, person in enumerate(people):  # a new address of the same /64 for every request
        from_ip(f"2001:db8:51:7::{n + 1:x}")
        form.send(person.email)
    assert len(messages(outbox)) == IP_LIMIT
    from_ip("2001:db8:51:8::1")  # the next /64 is another client
    form.send(people[-1].email)
    assert mails_to(outbox, people[-1].email) == 1


# --- the same answer -------------------------------------------------------------------------------

def test_the_page_is_the_same_whether_throttled_or_not_known_or_not(client, outbox, make_user, frozen, from_ip,
                                                                     caplog):
    user = make_user()
    unknown = f"{unique('nobody')}@example.com"
    from_ip(fresh_ip())
    form = SignInForm(client)
    answers = {"known": form.send(user.email), "unknown": form.send(unknown)}
    for _ in range(ADDRESS_LIMIT):
        form.send(user.email)
    # Chalice's app logger ("greenlight", the app's name) may stop propagating to the root logger
    # once an app has been built in this session: listen on our logger itself.
    logger = logging.getLogger("greenlight.identity")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING, logger="greenlight.identity"):
            answers["known, address over its limit"] = form.send(user.email)
    finally:
        logger.removeHandler(caplog.handler)
    for _ in range(IP_LIMIT):
        form.send(unknown)
    answers["known, client over its limit"] = form.send(user.email)
    answers["unknown, client over its limit"] = form.send(unknown)
    assert mails_to(outbox, user.email) == ADDRESS_LIMIT

    def shown(name: str) -> tuple:
        r = answers[name]
        email = unknown if name.startswith("unknown") else user.email
        headers = {k: v for k, v in r.headers.items() if k.lower() not in ("date",)}
        return r.status_code, html(r).replace(email, "<address>"), headers, set_cookies(r)

    first = shown("known")
    assert "<address>" in first[1]  # "if <address> has an account, a link is on its way"
    for name in answers:
        assert shown(name) == first, name

    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "sign-in link not sent" in logged
    assert user.email not in logged and user.email.split("@")[0] not in logged  # a hash and the domain only
    assert "example.com" in logged


# --- the counter itself ----------------------------------------------------------------------------

def test_allow_counts_up_to_the_limit_per_window(dynamodb):
    key, now = unique("test#allow#"), utcnow()
    assert [throttle.allow(key, 3, timedelta(minutes=10), now) for _ in range(5)] == [True] * 3 + [False] * 2
    later = now + timedelta(minutes=9, seconds=59)
    assert throttle.allow(key, 3, timedelta(minutes=10), later) is False
    reopened = now + timedelta(minutes=10)
    assert [throttle.allow(key, 3, timedelta(minutes=10), reopened) for _ in range(4)] == [True] * 3 + [False]
    assert throttle.allow(unique("test#allow#"), 0, timedelta(minutes=1), now) is False


def test_allow_under_concurrency_lets_exactly_the_limit_through(dynamodb):
    from concurrent.futures import ThreadPoolExecutor

    key, now = unique("test#allow#"), utcnow()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: throttle.allow(key, 5, timedelta(minutes=10), now), range(24)))
    assert results.count(True) == 5
