"""`safe_next`: where sign-in sends a person afterwards is a local path of ours or "/", never another
site, however the address is dressed up (identity/service.py). And who the per-IP sign-in limit counts."""
from __future__ import annotations

from urllib.parse import unquote, urljoin

import pytest

from chalicelib.identity.service import _client_key, safe_next

OURS = "https://greenlight.example.com/"

LOCAL = [
    "/",
    "/brands/01j9abc",
    "/brands/01j9abc?view=week&from=2026-01-01",
    "/posts/new?brand_id=01j9abc#media",
    "/me",
    "/calendar?q=autumn%20menu",
    "/brands/01j9abc/calendar?month=2026-11",
    "/search?q=кофе",  # letters of any script are fine
    "/a path with a space",
    "/evil.com",  # a path of ours that happens to look like a host
    "/http://evil.com",
    "/%2F%2Fevil.com",  # still encoded: our server's path, never a host
    "/%5Cevil.com",
]

# Open-redirect tricks: each would send a browser (or a lenient parser) to another host.
TRICKS = [
    "//evil.com",
    "///evil.com",
    "////evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "\\/evil.com",
    "/\t/evil.com",  # ?next=%2F%09%2Fevil.com: browsers drop tabs and newlines → //evil.com
    "/\n/evil.com",
    "/\r/evil.com",
    "/\r\n/evil.com",
    "/\x00/evil.com",
    "/\x0b/evil.com",
    "/\x0c/evil.com",
    "/\x1f/evil.com",
    "/\x7f/evil.com",
    "/\x85/evil.com",  # C1: NEL
    "/\x9b/evil.com",
    "/\u2028/evil.com",  # line separator
    "/\u2029/evil.com",  # paragraph separator
    "/\u200b/evil.com",  # zero-width space
    "/\u202e/moc.live",  # right-to-left override
    "/\ufeff/evil.com",
    "/\u00a0/evil.com",  # no-break space
    "/\u3000/evil.com",  # ideographic space
    "/./evil.com/../..//evil.com",
    "/.//evil.com",
    "/../evil.com",
    "/brands/../..//evil.com",
    "/\t",
    "https://evil.com",
    "http://evil.com/",
    "HTTPS://evil.com",
    "https:evil.com",
    "//evil.com/%2F..",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " /brands/x",
    " //evil.com",
    "\t//evil.com",
    "evil.com",
    "brands/x",
    "%2F%2Fevil.com",
    "%2F%09%2Fevil.com",
    "data:text/html,<script>alert(1)</script>",
    "/" + "a" * 5000,
    "",
    None,
]


@pytest.mark.parametrize("path", LOCAL)
def test_local_paths_pass_unchanged(path):
    assert safe_next(path) == path


@pytest.mark.parametrize("path", TRICKS, ids=repr)
def test_tricks_fall_back_to_the_dashboard(path):
    assert safe_next(path) == "/"


def test_the_reported_case_from_the_query_string():
    assert safe_next(unquote("%2F%09%2Fevil.com")) == "/"


@pytest.mark.parametrize("path", LOCAL + [p for p in TRICKS if p is not None], ids=repr)
def test_whatever_passes_resolves_to_our_host(path):
    """What a browser makes of the Location we answer: always our own host."""
    cleaned = "".join(ch for ch in safe_next(path) if ch not in "\t\n\r")  # what the URL parser drops
    assert urljoin(OURS, cleaned).startswith(OURS)


@pytest.mark.parametrize("ip, key", [
    ("203.0.113.7", "203.0.113.7"),
    (" 203.0.113.7 ", "203.0.113.7"),
    ("2001:db8:51:7::1", "2001:db8:51:7::/64"),
    ("2001:db8:51:7:ffff:1:2:3", "2001:db8:51:7::/64"),
    ("2001:db8:51:8::1", "2001:db8:51:8::/64"),
    ("127.0.0.1", None),  # chalice local and the test client: every caller
    ("::1", None),
    ("", None),
    (None, None),
    ("not an address", None),
    ("203.0.113.7, 10.0.0.1", None),  # a forwarded list is not what API Gateway gives
])
def test_the_client_the_ip_limit_counts(ip, key):
    assert _client_key(ip) == key
