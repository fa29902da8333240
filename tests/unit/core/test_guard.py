"""The outbound guard (core/net/guard.py).

The SSRF corpus: every way we know to spell a private, loopback or metadata address (decimal, octal,
hex, short forms, IPv4-mapped, NAT64, 6to4, Teredo), userinfo and parser tricks, DNS rebinding,
redirects, other schemes and ports. The guard refuses all of them in every stage and dials nothing;
this file keeps it so. Name lookups go to a fake resolver (names under .test), connections to a recorder,
so nothing here leaves the machine. The fakes on loopback are reached because each puts its own
127.0.0.1:<port> on the allow-list OUTBOUND_ALLOW_PRIVATE while it runs (tests/support/fake_api.py); the
allow-list itself, guarded_get (redirects, the page cap, the chain's deadline, cookies, proxies) and
url_problem are in test_outbound_guard.py.

The deadline: a receiver that drips its answer (tests/support/drip.py) is given up at the deadline
(Ambiguous: the request went out); time running out before anything was written is Refused; the
answer is read up to a cap.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time

import pytest
import urllib3.util.connection

from chalicelib.core.net import guard
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import reset_settings
from tests.support.drip import DripServer
from tests.support.fake_webhook import FakeWebhook, Fault

PUBLIC = "93.184.215.14"
PUBLIC6 = "2606:4700:4700::1111"
DEADLINE = 1.0
MARGIN = 3.0  # generous: the assertions are about "gave up", not about precise timing


class FakeDNS:
    """Answers for names under .test (each lookup takes the next answer, the last one repeats); any
    other name or literal goes to the system resolver (localhost, 2130706433, 0x7f.1 …)."""

    def __init__(self, real):
        self.real = real
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []
        self.hang = threading.Event()  # set: lookups of "slow.test" wait until released
        self.release = threading.Event()

    def __call__(self, host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.endswith(".test") and name != "metadata.google.internal":
            return self.real(host, port, *args, **kwargs)
        self.lookups.append(name)
        if name == "slow.test":
            self.release.wait(30)
            name = "public.test"
        rounds = self.answers.get(name)
        if not rounds:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = rounds.pop(0) if len(rounds) > 1 else rounds[0]
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]


class Dialer:
    """Records where urllib3 connects. Loopback (the local fakes) is connected; anything else is refused
    (nothing leaves the machine) unless `forward_to` names a local server to connect to instead."""

    def __init__(self, real):
        self.real = real
        self.addresses: list[tuple[str, int]] = []
        self.forward_to: tuple[str, int] | None = None

    def __call__(self, address, *args, **kwargs):
        self.addresses.append(tuple(address[:2]))
        if self.forward_to is not None:
            return self.real(self.forward_to, *args, **kwargs)
        if address[0] in ("127.0.0.1", "::1"):
            return self.real(address, *args, **kwargs)
        raise ConnectionRefusedError(111, "refused by the test")


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    fake = FakeDNS(socket.getaddrinfo)
    fake.answers.update({
        "public.test": [[PUBLIC]],
        "public6.test": [[PUBLIC6]],
        "private.test": [["10.0.0.5"]],
        "private6.test": [["fd00::5"]],
        "mixed.test": [[PUBLIC, "10.0.0.5"]],  # public and private at once: not trusted
        "mapped.test": [["::ffff:169.254.169.254"]],
        "metadata.google.internal": [["169.254.169.254"]],
    })
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    yield fake
    fake.release.set()


@pytest.fixture(autouse=True)
def dialed(monkeypatch):
    dialer = Dialer(urllib3.util.connection.create_connection)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", dialer)
    return dialer


@pytest.fixture
def short_deadline(monkeypatch):
    monkeypatch.setattr(guard, "DEADLINE", DEADLINE)


def send(url: str):
    return guard.guarded_post(url, body=b'{"event":"post.publish"}', headers={"Content-Type": "application/json"})


def allow(monkeypatch, entries: str) -> None:
    monkeypatch.setenv("OUTBOUND_ALLOW_PRIVATE", entries)
    reset_settings()


def teredo(server: str, client: str) -> str:
    """A Teredo address: 2001:0:<server>:<flags>:<port>:<client, obfuscated>."""
    obfuscated = int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF
    value = (0x20010000 << 96) | (int(ipaddress.IPv4Address(server)) << 64) | (0x8000 << 48) | (0x63BF << 32) \
        | obfuscated
    return str(ipaddress.IPv6Address(value))


# --- the SSRF corpus ----------------------------------------------------------------------------
REFUSED = [
    # loopback, spelled every way the resolver accepts
    "http://127.0.0.1/", "http://localhost/", "http://LOCALHOST/hook", "http://2130706433/", "http://0177.0.0.1/",
    "http://0x7f000001/", "http://0x7f.1/", "http://127.1/", "http://017700000001/", "http://①②⑦.0.0.1/",
    "http://127.0.0.1./", "http://[::1]/", "http://0/", "http://0.0.0.0/", "http://[::]/",
    # IPv4 inside IPv6: mapped, compatible, translated, NAT64, 6to4, Teredo
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/", "http://[::127.0.0.1]/", "http://[::ffff:0:127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::10.0.0.1]/",
    "http://[64:ff9b:1::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::]/", "http://[2002:a00:1::1]/",
    f"http://[{teredo('65.54.227.120', '127.0.0.1')}]/", f"http://[{teredo('65.54.227.120', '169.254.169.254')}]/",
    f"http://[{teredo('10.0.0.1', '8.8.8.8')}]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    # cloud metadata
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://[fd00:ec2::254]/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/", "http://100.100.100.200/latest/meta-data/",
    "http://[::ffff:a9fe:a9fe]/", "http://mapped.test/", "http://2852039166/", "http://0xa9fea9fe/",
    "http://0251.0376.0251.0376/", "http://[fe80::a9fe:a9fe]/",
    # private, shared, reserved, multicast, documentation
    "http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.254/", "http://192.168.0.10/",
    "http://100.64.0.1/", "http://198.18.0.1/", "http://192.0.0.1/", "http://192.0.2.1/", "http://240.0.0.1/",
    "http://224.0.0.1/", "http://255.255.255.255/", "http://[fc00::1]/", "http://[fe80::1]/", "http://[ff02::1]/",
    "http://[2001:db8::1]/", "http://private.test/", "http://private6.test/", "http://mixed.test/",
    # userinfo and parser tricks that land on a private host
    "http://evil.com@127.0.0.1/", "http://user:pass@127.0.0.1/hook", "http://public.test@127.0.0.1/",
    "http://127.0.0.1#@evil.com/", "http://127.0.0.1?@evil.com/", "http://evil.com\\@127.0.0.1/",
    "http://127.0.0.1:80#@public.test/", "http://%31%32%37.0.0.1/", "http://[::1]#@public.test/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_corpus_is_refused_and_nothing_is_dialed(url, dialed):
    with pytest.raises(Refused) as info:
        send(url)
    reason = info.value.reason
    # a name the resolver does not take (%-encoding, a trailing dot) is never connected to either
    assert info.value.permanent or "could not be resolved" in reason, reason
    assert dialed.addresses == []
    assert "evil.com" not in reason and "://" not in reason  # never the URL in a reason


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:80@public.test/", "http://127.0.0.1\\@public.test/", "http://public.test#@127.0.0.1/",
    "http://public.test?@127.0.0.1/", "http://public.test/\\@127.0.0.1/", "http://127.0.0.1%2f@public.test/",
])
def test_parser_tricks_only_ever_reach_the_host_that_was_checked(url, dialed):
    """Wherever a parser might disagree, the request goes to the IP checked, never to 127.0.0.1."""
    with pytest.raises(Refused) as info:  # the test's dialer refuses every connection
        send(url)
    assert not info.value.permanent and "could not connect" in info.value.reason
    assert dialed.addresses == [(PUBLIC, 80)]


def test_dns_rebinding_one_lookup_and_the_connection_goes_to_the_checked_ip(dns, dialed):
    dns.answers["rebind.test"] = [[PUBLIC], ["127.0.0.1"]]  # public when checked, loopback afterwards
    with FakeWebhook() as receiver:
        dialed.forward_to = ("127.0.0.1", receiver.server.server_address[1])
        response = send("http://rebind.test/hook")
        [call] = receiver.deliveries()
    assert response.status_code == 200
    assert dns.lookups == ["rebind.test"]  # one lookup: urllib3 never resolves the name again
    assert dialed.addresses == [(PUBLIC, 80)]
    assert call.header("Host") == "rebind.test" and call.path == "/hook"


def test_ipv4_is_preferred_and_ipv6_public_hosts_pass(dns, dialed):
    dns.answers["both.test"] = [[PUBLIC6, PUBLIC]]
    with pytest.raises(Refused):
        send("https://both.test/hook")
    with pytest.raises(Refused):
        send("https://public6.test:8443/hook")
    assert dialed.addresses == [(PUBLIC, 443), (PUBLIC6, 8443)]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_answers_not_hops(status):
    with FakeWebhook() as receiver:
        receiver.fail_next(Fault.of_status(status, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
        response = send(receiver.url + "/hook")
        receiver.fail_next(Fault.of_status(status, b"", {"Location": receiver.url + "/elsewhere"}))
        api_response = guard.post(receiver.url + "/api", what="API", json={})
        paths = [call.path for call in receiver.calls]
    assert response.status_code == status and api_response.status_code == status
    assert paths == ["/hook", "/api"]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "file://localhost/etc/passwd", "gopher://127.0.0.1:70/_GET", "ftp://example.org/x",
    "dict://127.0.0.1:11211/stat", "ldap://127.0.0.1/", "javascript:alert(1)", "data:text/plain,x",
    "example.org/hook", "//public.test/hook", "http:///hook", "http://public.test:99999/", "http://public.test:0/",
    "http://[::1/", "http://public.test:80:80/",
])
@pytest.mark.parametrize("allowed", ["", "localhost:80,127.0.0.1:70,127.0.0.1:11211,127.0.0.1:80,[::1]:80,"
                                     "example.org:21,example.org:80,public.test:80"])
def test_other_schemes_and_broken_urls_are_refused_even_when_allowed(url, allowed, dns, dialed, monkeypatch):
    allow(monkeypatch, allowed)
    with pytest.raises(Refused) as info:
        send(url)
    assert info.value.permanent
    assert dns.lookups == [] and dialed.addresses == []
    reset_settings()


@pytest.mark.parametrize("url", [
    "http://public.test:22/", "http://public.test:25/", "http://public.test:6379/", "https://public.test:8080/",
    "http://public.test:444/", "https://public.test:65535/", "http://93.184.215.14:11211/",
])
def test_public_hosts_only_on_80_443_and_8443(url, dns, dialed):
    with pytest.raises(Refused) as info:
        send(url)
    assert info.value.permanent and "port" in info.value.reason and "80, 443 or 8443" in info.value.reason
    assert dns.lookups == [] and dialed.addresses == []  # refused before any lookup


@pytest.mark.parametrize("url", [
    "http://public.test/", "https://public.test/", "http://public.test:80/", "https://public.test:443/",
    "https://public.test:8443/", "http://public.test:8443/", "http://public.test:443/",
])
def test_the_three_ports_explicit_or_implied_pass(url):
    assert guard.check_url(url)[1] == PUBLIC


@pytest.mark.parametrize("stage", ["local", "test", "dev", "prod"])
def test_no_stage_lifts_the_rules(stage, monkeypatch, dialed):
    monkeypatch.setenv("STAGE", stage)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://greenlight.example.com")
    monkeypatch.setenv("SIGNING_KEYS", "ssm:/greenlight/test/signing-keys")  # what prod insists on
    reset_settings()
    for url in ("http://127.0.0.1:5555/hook", "http://public.test:22/", "http://localhost/hook"):
        with pytest.raises(Refused) as info:
            guard.check_url(url)
        assert info.value.permanent
    assert dialed.addresses == []
    monkeypatch.undo()
    reset_settings()


def test_the_allow_list_lifts_the_address_and_port_rules_for_its_exact_pairs_but_not_the_scheme(monkeypatch):
    allow(monkeypatch, "127.0.0.1:5555,Public.Test:22")
    assert guard.check_url("http://127.0.0.1:5555/hook")[1] == "127.0.0.1"
    assert guard.check_url("http://public.test:22/")[1] == PUBLIC
    for url in ("gopher://127.0.0.1:5555/", "http://127.0.0.1:5556/hook", "http://localhost:5555/hook",
                "http://127.0.0.1/hook", "http://public.test:23/"):
        with pytest.raises(Refused) as info:
            guard.check_url(url)
        assert info.value.permanent
    monkeypatch.undo()
    reset_settings()


@pytest.mark.parametrize("address", [
    PUBLIC, PUBLIC6, "8.8.8.8", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
])
def test_public_addresses_pass(address):
    assert not guard.is_forbidden_address(address)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "::1", "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::a9fe:a9fe", "169.254.169.254",
    "fd00:ec2::254", "fe80::1%eth0", "not-an-address",
    teredo("65.54.227.120", "127.0.0.1"), teredo("65.54.227.120", "10.0.0.1"), teredo("192.168.1.1", "8.8.8.8"),
    teredo("65.54.227.120", "8.8.8.8"),  # Teredo as such: the block is not global
])
def test_forbidden_addresses(address):
    assert guard.is_forbidden_address(address)


def test_teredo_helper_builds_what_ipaddress_reads():
    assert ipaddress.IPv6Address(teredo("65.54.227.120", "127.0.0.1")).teredo == (
        ipaddress.IPv4Address("65.54.227.120"), ipaddress.IPv4Address("127.0.0.1"))


# --- the deadline -------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["body", "headers", "silent"])
def test_a_dripping_webhook_is_given_up_at_the_deadline_as_ambiguous(mode, short_deadline):
    with DripServer(mode) as drip:
        started = time.monotonic()
        with pytest.raises(Ambiguous) as info:
            send(drip.url + "/hook")
        elapsed = time.monotonic() - started
        assert drip.requests == 1  # it went out: a person must look
    assert elapsed < DEADLINE + MARGIN
    assert "after the request was sent" in info.value.reason and "127.0.0.1" not in info.value.reason


@pytest.mark.parametrize("mode", ["body", "headers"])
def test_a_dripping_api_is_given_up_at_the_deadline_as_ambiguous(mode, short_deadline):
    with DripServer(mode) as drip:
        started = time.monotonic()
        with pytest.raises(Ambiguous):
            guard.post(drip.url + "/bot123:secret/sendMessage", what="Telegram sendMessage", json={"text": "x"})
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + MARGIN


def test_time_running_out_before_anything_is_sent_is_refused(short_deadline):
    """A TLS server that never finishes its handshake: the request itself was never written."""
    with DripServer("silent") as drip:
        started = time.monotonic()
        with pytest.raises(Refused) as info:
            send(drip.url.replace("http://", "https://") + "/hook")
        elapsed = time.monotonic() - started
        assert drip.requests == 0
    assert not info.value.permanent and "nothing sent" in info.value.reason
    assert elapsed < DEADLINE + MARGIN


def test_a_slow_name_lookup_counts_against_the_deadline(short_deadline, dns, dialed):
    started = time.monotonic()
    with pytest.raises(Refused) as info:
        send("http://slow.test/hook")
    elapsed = time.monotonic() - started
    dns.release.set()
    assert not info.value.permanent and "in time" in info.value.reason
    assert elapsed < DEADLINE + MARGIN and dialed.addresses == []


def test_a_reply_over_the_cap_is_cut_and_the_status_stands():
    with DripServer("big", size=1 << 20) as big:
        response = send(big.url + "/hook")
        api_response = guard.post(big.url + "/api", what="API", json={})
    assert response.status_code == 200 and len(response.content) == guard.MAX_WEBHOOK_REPLY_BYTES
    assert api_response.status_code == 200 and len(api_response.content) == guard.MAX_REPLY_BYTES
    assert guard.read_json(response) is None  # a cut JSON reply just does not parse


def test_an_honest_api_reply_is_read_whole_and_its_connection_reused(monkeypatch):
    monkeypatch.setattr(guard, "DEADLINE", 0.5)
    with FakeWebhook() as receiver:
        receiver.reply = {"ok": True, "result": {"message_id": 7}}
        first = guard.post(receiver.url + "/api", what="API", json={})
        time.sleep(0.8)  # past the first request's deadline: its timer must not touch the pooled socket
        second = guard.post(receiver.url + "/api", what="API", json={})
        port = receiver.server.server_address[1]
        pools = guard.api_session().get_adapter(receiver.url).poolmanager.pools
        [pool] = [pools[key] for key in pools.keys() if key.key_port == port]
    assert guard.read_json(first) == guard.read_json(second) == {"ok": True, "result": {"message_id": 7}}
    assert pool.num_connections == 1  # one connection, reused


def test_nothing_is_left_running_after_a_request(short_deadline):
    before = {t for t in threading.enumerate() if t.name == "guard-deadline"}
    with FakeWebhook() as receiver:
        for _ in range(5):
            assert send(receiver.url + "/hook").status_code == 200
    time.sleep(0.1)
    assert {t for t in threading.enumerate() if t.name == "guard-deadline" and t.is_alive()} <= before
