"""The webhook's signature (rules/webhook_signature.py): Stripe-style t=…,v1=…, HMAC-SHA256 over "<t>.<body>",
5 minutes either side."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from chalicelib.campaigns.rules import webhook_signature as ws

SECRET = "whsec_test"
BODY = b'{"order_id":"A-1"}'
NOW = 1_796_000_000


def test_the_header_is_the_documented_hmac():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert ws.header(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"


def test_a_good_signature_verifies():
    assert ws.verify(SECRET, BODY, ws.header(SECRET, BODY, NOW), NOW)


@pytest.mark.parametrize("offset, ok", [(-300, True), (300, True), (-301, False), (301, False), (-360, False),
                                        (360, False)])
def test_the_timestamp_may_be_five_minutes_off_either_way(offset, ok):
    assert ws.verify(SECRET, BODY, ws.header(SECRET, BODY, NOW + offset), NOW) is ok


def test_wrong_secret_and_tampered_body_fail():
    assert not ws.verify("other", BODY, ws.header(SECRET, BODY, NOW), NOW)
    assert not ws.verify(SECRET, BODY + b" ", ws.header(SECRET, BODY, NOW), NOW)


def test_one_of_several_v1_values_may_match_and_unknown_schemes_are_ignored():
    good = ws.signature(SECRET, BODY, NOW)
    assert ws.verify(SECRET, BODY, f"t={NOW},v0=zzz,v1={'0' * 64},v1={good}", NOW)


@pytest.mark.parametrize("value", [None, "", "garbage", f"t={NOW}", "v1=" + "a" * 64, f"t=abc,v1={'a' * 64}",
                                   f"t={NOW},v1=xyz", f"t={NOW},t={NOW},v1={'a' * 64}",
                                   "t=1,v1=" + "a" * 64 + "x" * 2000])
def test_malformed_headers_fail(value):
    assert not ws.verify(SECRET, BODY, value, NOW)


def test_no_secret_never_verifies():
    assert not ws.verify(None, BODY, ws.header("", BODY, NOW), NOW)
    assert not ws.verify("", BODY, ws.header("", BODY, NOW), NOW)
