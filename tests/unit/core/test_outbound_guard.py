"""The one outbound guard (core/net/guard.py, issue 14): the allow-list OUTBOUND_ALLOW_PRIVATE, the SSRF
corpus through `guarded_get` and `url_problem`, and what `guarded_get` does with a chain of redirects.

Nothing here leaves the machine: names under .test go to a fake resolver, other names to the system's
(localhost, 2130706433, 0x7f.1 …), and the corpus runs with every connection redirected to a real
listening socket on 127.0.0.1 that counts what it accepts: a guard that let anything through would be
seen there. The pages are fakes on loopback (tests/support/fake_api.py), which the guard reaches only
because each puts its own 127.0.0.1:<port> on the allow-list while it runs. The webhook corpus (every
spelling of a private address, DNS rebinding, the deadline's drips) is test_guard.py.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import urlencode

import pydantic
import pytest
import requests
import urllib3.util.connection

from chalicelib.core.net import guard
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import Settings, allow_list_entries, get_settings, reset_settings
from tests.support.drip import DripServer
from tests.support.fake_api import Call, FakeAPI

PUBLIC = "93.184.215.14"
PAGE = b"<html><head><title>A post</title></head><body><p>Hello</p></body></html>"
DEADLINE = 1.0
MARGIN = 2.0  # generous: the assertions are about "gave up", not about precise timing


# --- fakes ----------------------------------------------------------------------------------------
class Pages(FakeAPI):
    """Pages on loopback. /hop/<n>: n redirects (relative Locations) down to /hop/0, a page;
    /to?u=<url>[&status=30x]: a redirect to u; /cookie: sets a cookie and redirects to /hop/0;
    /dir/start: a redirect to the relative "next" (/dir/next); anything else: a small page."""

    def answer(self, call: Call):
        path = call.path
        if path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            return (302, b"", {"Location": f"/hop/{left - 1}"}) if left > 0 else (200, PAGE, {})
        if path == "/to":
            return int(call.body.get("status", 302)), b"", {"Location": call.body["u"]}
        if path == "/cookie":
            return 302, b"", {"Location": "/hop/0", "Set-Cookie": "session=abc123; Path=/"}
        if path == "/dir/start":
            return 301, b"", {"Location": "next"}
        return 200, PAGE, {}

    def to(self, url: str, status: int = 302) -> str:
        return f"{self.url}/to?{urlencode({'u': url, 'status': status})}"


class Proxy(FakeAPI):
    """Stands where HTTP_PROXY points: any request that reaches it went through a proxy."""

    def answer(self, call: Call):
        return 200, b"proxied", {}


class Listener:
    """A real listening socket on 127.0.0.1. `accepted()` takes every connection made to it so far
    (they wait in its backlog once connected) and says how many there were."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def accepted(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    one = Listener()
    yield one
    one.close()


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Names under .test: fixed answers; anything else: the system resolver."""
    answers = {"public.test": [PUBLIC], "private.test": ["10.0.0.5"], "metadata.test": ["169.254.169.254"],
               "mixed.test": [PUBLIC, "192.168.1.1"]}
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.endswith(".test"):
            return real(host, port, *args, **kwargs)
        if name not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[name]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture
def dialed(monkeypatch):
    """Where urllib3 connects (the connections themselves go where they were meant to)."""
    real, addresses = urllib3.util.connection.create_connection, []

    def dial(address, *args, **kwargs):
        addresses.append(tuple(address[:2]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", dial)
    return addresses


@pytest.fixture
def everything_to(monkeypatch, listener):
    """Every connection urllib3 would make goes to `listener` instead (and is recorded)."""
    real, addresses = urllib3.util.connection.create_connection, []

    def dial(address, *args, **kwargs):
        addresses.append(tuple(address[:2]))
        return real(("127.0.0.1", listener.port), *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", dial)
    return addresses


@pytest.fixture
def pages():
    with Pages() as fake:
        yield fake


@pytest.fixture
def short_deadline(monkeypatch):
    monkeypatch.setattr(guard, "DEADLINE", DEADLINE)


def allow(monkeypatch, entries: str) -> None:
    monkeypatch.setenv("OUTBOUND_ALLOW_PRIVATE", entries)
    reset_settings()


@pytest.fixture(autouse=True)
def fresh_settings():
    reset_settings()
    yield
    reset_settings()


def no_url_in(reason: str) -> bool:
    """A reason names hosts and ports, never a URL (it may carry a token)."""
    return "://" not in reason.replace("http:// or https://", "") and "s3cret" not in reason and "pw" not in reason


def teredo(server: str, client: str) -> str:
    obfuscated = int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF
    value = (0x20010000 << 96) | (int(ipaddress.IPv4Address(server)) << 64) | (0x8000 << 48) | (0x63BF << 32) \
        | obfuscated
    return str(ipaddress.IPv6Address(value))


# --- the allow-list ---------------------------------------------------------------------------------
def test_the_allow_list_is_read_as_exact_pairs():
    assert allow_list_entries("") == ()
    assert allow_list_entries(" 127.0.0.1:8002 , [::1]:8002,Receiver.Internal:443,[0:0::1]:9,") == (
        ("127.0.0.1", 8002), ("::1", 8002), ("receiver.internal", 443), ("::1", 9))
    assert Settings(OUTBOUND_ALLOW_PRIVATE="A.test:1, a.test:1 ,[::1]:2").OUTBOUND_ALLOW_PRIVATE == "a.test:1,[::1]:2"
    assert Settings(OUTBOUND_ALLOW_PRIVATE="[FC00::1]:80").outbound_allow_private == {("fc00::1", 80)}


@pytest.mark.parametrize("raw, says", [
    ("127.0.0.1", "has no port"), ("localhost", "has no port"), ("127.0.0.1:0", "between 1 and 65535"),
    ("127.0.0.1:65536", "between 1 and 65535"), ("127.0.0.1:http", "between 1 and 65535"),
    ("::1:8002", "without brackets"), ("[::1]", "no :port"), ("[::1]8002", "no :port"),
    ("[127.0.0.1]:80", "no IPv6 address"), ("http://127.0.0.1:8002", "no scheme"),
    ("127.0.0.0/8:80", "no scheme, path, network"), ("*.internal:443", "no wildcards"), ("*:80", "no wildcards"),
    ("user@host:80", "no scheme, path, network or user"), ("host name:80", "no valid host name"),
    ("ok.test:80,bad", "entry 2 ('bad') has no port"),
])
def test_a_malformed_allow_list_stops_start_up_with_a_clear_message(raw, says, monkeypatch):
    with pytest.raises(ValueError) as info:
        allow_list_entries(raw)
    assert says in str(info.value) and "host:port" in str(info.value)
    allow(monkeypatch, raw)
    with pytest.raises(pydantic.ValidationError) as info:
        get_settings()
    assert "OUTBOUND_ALLOW_PRIVATE" in str(info.value) and says in str(info.value)


def test_allowed_private_matches_host_and_port_exactly(monkeypatch):
    allow(monkeypatch, "127.0.0.1:8002,[::1]:8002,Receiver.Internal:8443")
    assert guard.allowed_private("127.0.0.1", 8002)
    assert guard.allowed_private("::1", 8002) and guard.allowed_private("[::1]", 8002)
    assert guard.allowed_private("0:0:0:0:0:0:0:1", 8002)  # the same address, another spelling
    assert guard.allowed_private("RECEIVER.internal", 8443)
    assert not guard.allowed_private("127.0.0.1", 8003)
    assert not guard.allowed_private("localhost", 8002)  # names are never resolved to match
    assert not guard.allowed_private("2130706433", 8002)
    assert not guard.allowed_private("receiver.internal", 443)
    assert not guard.allowed_private("127.0.0.2", 8002)


def test_nothing_is_allowed_by_default(monkeypatch):
    monkeypatch.delenv("OUTBOUND_ALLOW_PRIVATE", raising=False)
    reset_settings()
    assert get_settings().outbound_allow_private == frozenset()
    assert not guard.allowed_private("127.0.0.1", 8002)


def test_a_fake_is_on_the_allow_list_exactly_while_it_runs():
    fake = Pages().start()
    port = fake.server.server_address[1]
    assert guard.allowed_private("127.0.0.1", port)
    fake.stop()
    assert not guard.allowed_private("127.0.0.1", port)


# --- the corpus -------------------------------------------------------------------------------------
REFUSED = [
    # loopback, every way the resolver spells it, on the listener's own port too ({port})
    "http://127.0.0.1/", "http://127.0.0.1:{port}/", "http://localhost/", "http://localhost:{port}/",
    "http://LOCALHOST/x", "http://127.1/", "http://2130706433/", "http://0x7f.1/", "http://0x7f000001/",
    "http://0177.0.0.1/", "http://017700000001/", "http://[::1]/", "http://[::1]:{port}/", "http://0.0.0.0/",
    "http://0/", "http://[::]/", "http://user:pw@127.0.0.1:{port}/",
    # private, shared (CGNAT), link-local and metadata
    "http://10.0.0.1/", "http://10.255.255.254/", "http://172.16.0.1/", "http://172.31.255.254/",
    "http://192.168.0.1/", "http://192.168.1.1:8443/", "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/", "http://100.127.255.254/", "http://[fc00::1]/", "http://[fec0::1]/", "http://[fd00:ec2::254]/",
    "http://[fe80::1]/", "http://private.test/", "https://metadata.test/computeMetadata/v1/", "http://mixed.test/",
    # IPv4 inside IPv6: mapped, NAT64, 6to4, Teredo
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a00:1]/",
    "http://[64:ff9b::7f00:1]/", "http://[2002:a00:1::]/", "http://[2002:7f00:1::]/",
    f"http://[{teredo('65.54.227.120', '127.0.0.1')}]/", f"http://[{teredo('10.0.0.1', '8.8.8.8')}]/",
    # ports other than 80, 443, 8443 (public hosts too)
    "http://public.test:22/", "http://public.test:6379/", "http://public.test:8000/", "https://public.test:22/",
    "http://127.0.0.1:22/", "http://127.0.0.1:6379/", "http://127.0.0.1:8000/",
    # other schemes
    "file:///etc/passwd", "file://localhost/etc/passwd", "gopher://127.0.0.1:{port}/_x", "gopher://public.test/",
    "ftp://public.test/x", "ftp://127.0.0.1:{port}/", "dict://127.0.0.1:{port}/", "javascript:alert(1)",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_corpus_is_refused_by_guarded_get_and_nothing_is_reached(url, listener, everything_to):
    url = url.format(port=listener.port)
    with pytest.raises(Refused) as info:
        guard.guarded_get(url, what="web page")
    assert info.value.permanent, info.value.reason
    assert everything_to == [] and listener.accepted() == 0
    assert no_url_in(info.value.reason)


@pytest.mark.parametrize("url", REFUSED)
def test_the_corpus_is_a_problem_for_url_problem(url, listener, everything_to):
    url = url.format(port=listener.port)
    problem = guard.url_problem(url)
    assert problem and problem[0].isupper() and problem.endswith(".")
    assert no_url_in(problem)
    assert everything_to == [] and listener.accepted() == 0


@pytest.mark.parametrize("url", REFUSED[:8])
@pytest.mark.parametrize("stage", ["local", "test"])
def test_local_and_test_stages_refuse_it_too(url, stage, listener, everything_to, monkeypatch):
    monkeypatch.setenv("STAGE", stage)
    reset_settings()
    with pytest.raises(Refused):
        guard.guarded_get(url.format(port=listener.port), what="web page")
    assert guard.url_problem(url.format(port=listener.port))
    assert everything_to == [] and listener.accepted() == 0


def test_url_problem_says_nothing_of_a_public_or_unresolvable_url(everything_to):
    assert guard.url_problem("https://public.test/post/1") is None
    assert guard.url_problem("https://public.test:8443/post/1") is None
    assert guard.url_problem("https://nowhere.test/post") is None  # does not resolve: the fetch will say so
    assert guard.url_problem("https://receiver.invalid/hook") is None
    assert everything_to == []


def test_url_problem_sentences():
    assert guard.url_problem("ftp://public.test/x") == "The URL must start with http:// or https://."
    assert guard.url_problem("http://public.test:22/") == "The port 22 is not allowed; use 80, 443 or 8443."
    assert guard.url_problem("http://10.0.0.1/x?token=s3cret") == (
        "The host 10.0.0.1 is a private or reserved address; only public addresses are allowed.")
    assert guard.url_problem("http://private.test/?token=s3cret") == (
        "The host 'private.test' resolves to a private or reserved address (10.0.0.5); only public addresses "
        "are allowed.")
    assert guard.url_problem("http://[::1/") == "The URL is not valid."


def test_the_allow_list_lifts_the_address_and_port_rules_never_the_scheme_rule(listener, everything_to, monkeypatch):
    allow(monkeypatch, f"127.0.0.1:{listener.port},localhost:22")
    assert guard.url_problem(f"http://127.0.0.1:{listener.port}/hook") is None
    assert guard.url_problem("http://localhost:22/") is None
    for url in (f"gopher://127.0.0.1:{listener.port}/", f"ftp://127.0.0.1:{listener.port}/",
                f"file://127.0.0.1:{listener.port}/etc/passwd"):
        assert guard.url_problem(url) == "The URL must start with http:// or https://."
        with pytest.raises(Refused) as info:
            guard.guarded_get(url, what="web page")
        assert info.value.permanent
    for url in (f"http://localhost:{listener.port}/", f"http://127.0.0.2:{listener.port}/",
                f"http://[::1]:{listener.port}/", "http://127.0.0.1/"):  # not the pair on the list
        assert guard.url_problem(url)
    assert everything_to == [] and listener.accepted() == 0


# --- redirects --------------------------------------------------------------------------------------
@pytest.mark.parametrize("hops", [0, 1, 2, 3])
def test_up_to_three_redirects_are_followed(pages, hops):
    response = guard.guarded_get(f"{pages.url}/hop/{hops}", what="web page")
    assert response.status_code == 200 and response.content == PAGE
    assert response.url == f"{pages.url}/hop/0"
    assert [r.url for r in response.history] == [f"{pages.url}/hop/{n}" for n in range(hops, 0, -1)]
    assert [c.path for c in pages.calls] == [f"/hop/{n}" for n in range(hops, -1, -1)]


def test_a_fourth_redirect_is_refused_and_not_followed(pages):
    with pytest.raises(Refused) as info:
        guard.guarded_get(f"{pages.url}/hop/4", what="web page")
    assert info.value.permanent and info.value.reason == "web page: more than 3 redirects"
    assert [c.path for c in pages.calls] == ["/hop/4", "/hop/3", "/hop/2", "/hop/1"]  # /hop/0 never asked
    pages.clear()
    with pytest.raises(Refused):
        guard.guarded_get(f"{pages.url}/hop/1", what="web page", max_redirects=0)
    assert [c.path for c in pages.calls] == ["/hop/1"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_and_relative_locations(pages, status):
    with Pages() as other:
        response = guard.guarded_get(pages.to(other.url + "/page?x=1#frag", status), what="web page")
        assert response.status_code == 200 and response.url == other.url + "/page?x=1"
        assert [(c.method, c.path) for c in other.calls] == [("GET", "/page")]
    relative = guard.guarded_get(pages.url + "/dir/start", what="web page")
    assert relative.url == pages.url + "/dir/next" and relative.status_code == 200


def test_a_redirect_to_a_private_address_off_the_list_is_refused_and_never_reached(pages, listener, dialed):
    fake_port = pages.server.server_address[1]
    for target in (f"http://127.0.0.1:{listener.port}/", f"http://localhost:{fake_port}/page",
                   "http://169.254.169.254/latest/meta-data/?token=s3cret", "http://10.0.0.1/", "http://private.test/",
                   f"http://[::1]:{fake_port}/", f"gopher://127.0.0.1:{fake_port}/", "http://public.test:6379/"):
        with pytest.raises(Refused) as info:
            guard.guarded_get(pages.to(target), what="web page")
        reason = info.value.reason
        assert info.value.permanent and reason.startswith("web page: redirect 1 refused: its target "), reason
        assert no_url_in(reason)
    assert listener.accepted() == 0
    assert set(dialed) == {("127.0.0.1", fake_port)}  # only the fake that answered the redirects


def test_a_redirect_target_that_does_not_resolve_is_refused_not_permanently(pages):
    with pytest.raises(Refused) as info:
        guard.guarded_get(pages.to("https://nowhere.test/post"), what="web page")
    assert not info.value.permanent and "could not be resolved" in info.value.reason


def test_credentials_stay_with_the_host_they_were_given_for(pages):
    with Pages() as other:
        guard.guarded_get(pages.to(other.url + "/page"), what="web page",
                          headers={"Authorization": "Bearer s3cret", "Accept": "text/html"})
        [there] = other.calls
    [here] = pages.calls
    assert here.header("Authorization") == "Bearer s3cret"
    assert there.header("Authorization") is None and there.header("Accept") == "text/html"


# --- no cookies, no proxy -----------------------------------------------------------------------------
def test_no_cookie_is_sent_on_after_a_set_cookie(pages):
    response = guard.guarded_get(pages.url + "/cookie", what="web page")
    assert response.status_code == 200 and response.history[0].headers.get("Set-Cookie")
    guard.guarded_get(pages.url + "/hop/0", what="web page")
    assert [c.path for c in pages.calls] == ["/cookie", "/hop/0", "/hop/0"]
    assert all(c.header("Cookie") is None for c in pages.calls)


def test_no_proxy_from_the_environment(pages, monkeypatch):
    with Proxy() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        assert requests.get(pages.url + "/page", timeout=5).content == b"proxied"  # the environment works
        assert len(proxy.calls) == 1
        response = guard.guarded_get(pages.to(pages.url + "/page"), what="web page")
        webhook = guard.guarded_post(pages.url + "/hook", body=b"{}", headers={"Content-Type": "application/json"})
        assert len(proxy.calls) == 1  # none of ours
    assert response.content == PAGE and webhook.status_code == 200
    assert [c.path for c in pages.calls] == ["/to", "/page", "/hook"]


# --- the cap and the deadline ---------------------------------------------------------------------------
def test_a_page_is_read_up_to_two_megabytes():
    assert guard.MAX_PAGE_BYTES == 2 * 1024 * 1024
    with DripServer("big", size=3 * 1024 * 1024) as big:
        response = guard.guarded_get(big.url + "/page", what="web page")
        small = guard.guarded_get(big.url + "/page", what="web page", limit=1000)
    assert response.status_code == 200 and len(response.content) == guard.MAX_PAGE_BYTES
    assert len(small.content) == 1000
    with DripServer("big", size=100_000) as whole:
        assert len(guard.guarded_get(whole.url + "/page", what="web page").content) == 100_000


def test_one_deadline_covers_the_whole_chain(pages, short_deadline):
    """Each answer takes 0.4 s, well inside the deadline; the chain of three does not fit in it."""
    pages.latency = 0.4
    started = time.monotonic()
    with pytest.raises((Refused, Ambiguous)) as info:
        guard.guarded_get(f"{pages.url}/hop/3", what="web page")
    elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + MARGIN, elapsed
    assert len(pages.calls) <= 3 and no_url_in(info.value.reason)
    pages.clear()
    assert guard.guarded_get(f"{pages.url}/hop/1", what="web page").status_code == 200  # two answers fit


def test_a_chain_that_ends_in_a_drip_is_given_up_at_the_deadline(pages, short_deadline):
    with DripServer("body") as drip:
        started = time.monotonic()
        with pytest.raises((Refused, Ambiguous)):
            guard.guarded_get(pages.to(pages.to(drip.url + "/page")), what="web page")
        elapsed = time.monotonic() - started
        assert drip.requests == 1
    assert elapsed < DEADLINE + MARGIN, elapsed
