"""Outbound HTTP: one deadline per request, a cap on what is read back, one place that classifies
transport failures into Refused / Ambiguous, and THE outbound guard — the one way Greenlight reaches a
URL that someone gave it (webhook channels, placement pages, any page a check reads).

Two kinds of call:
  - trusted APIs (`post`, `get`): the Telegram Bot API, the VK API, t.me channel pages; their base URLs
    come from settings and the caller builds the path from checked values. Redirects are not followed.
  - user-supplied URLs, through the guard: `guarded_post` (webhooks: redirects are answers, never hops)
    and `guarded_get` (public pages: up to MAX_REDIRECTS redirects, each hop checked again).
    `url_problem` says, before anything is stored, why a URL a person gave would be refused.

Time: ONE deadline (core/net/deadline.py), DEADLINE (12 s: see the sweep's SEND_TIMEOUT_SECONDS), from
the start to the last byte of the answer: lookup (guarded calls), connect, TLS, send, status line,
headers, body — for `guarded_get` over the whole chain of redirects. requests' timeouts count per socket
operation, so a peer sending a byte just under the read timeout could hold a request for minutes. So
each operation's timeout is also cut to the time left (at most connect 3 s, read 10 s), the body is read
in chunks with the deadline checked between them, and a timer shuts the socket down at the deadline,
which ends a read blocked anywhere (a status line or headers dripped byte by byte included). Tests
shorten DEADLINE and the timeouts with monkeypatch.

Replies are capped: MAX_WEBHOOK_REPLY_BYTES (16 KiB: a webhook answers an id and a link), MAX_REPLY_BYTES
(256 KiB) for the known APIs, MAX_PAGE_BYTES (2 MiB) for pages. Over the cap reading stops and the answer
stands as received: the status line is the answer, the body is its first cap bytes (an oversized JSON
reply just does not parse), the connection is closed, not reused.

Failures. Our urllib3 connections tell the request's deadline when its first byte is written, so:
  - the time runs out before anything was written (lookup, connect, TLS)   -> Refused (not permanent)
  - the time runs out after, before the answer is complete; a read timeout
    in the body                                                             -> Ambiguous
  - any other failure before anything was written                           -> Refused
and otherwise, by requests/urllib3 exception:
  - DNS failure, connection refused, TLS handshake failure, connect timeout -> Refused (not permanent)
  - read timeout, connection reset / closed by the peer after the request was written, any other
    ConnectionError -> Ambiguous (a pooled keep-alive connection the peer closed is checked by urllib3
    before reuse, so a reset here really is "after we sent")
  - a body that breaks off after the status line (reset, bad chunking): the status still stands.
No reason ever holds a URL (it may carry a token): hosts, ports and exception type names only.

The guard — the same rules in EVERY stage (local and test included; there is no stage switch):
  - only http and https, whatever else is allowed (checked first, refused permanently);
  - only ports 80, 443 and 8443 (explicit or implied; checked before any lookup; refused permanently);
  - the host is resolved once, within the deadline, and every address must be public — private
    (RFC 1918, fc00::/7), loopback, link-local (169.254/16 with the metadata address, fe80::/10),
    multicast, reserved, unspecified, shared (100.64/10, CGNAT) and documentation ranges are refused,
    IPv4 and IPv6 alike, also inside IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002::/16), NAT64
    (64:ff9b::/96) and Teredo (2001::/32: server and client; the block is not global anyway) addresses.
    Decimal, octal and hex IPv4 spellings (2130706433, 0177.0.0.1, 0x7f.1) are what the resolver makes
    of them: 127.0.0.1, refused. One refused address refuses the URL (a name resolving to public and
    private addresses at once is not trusted). Refused permanently;
  - the request connects to the checked IP itself (the URL is rewritten to the IP; Host header, TLS SNI
    and certificate verification keep the name): no second lookup, no DNS rebinding window. IPv4
    addresses are tried before IPv6 (one address is used; no fallback);
  - a fresh Session per request: no cookies kept or sent (a Set-Cookie on a redirect is not sent on to
    the next hop), no proxy, .netrc or CA bundle from the environment (trust_env off);
  - `guarded_get` follows at most MAX_REDIRECTS (3) redirects (301, 302, 303, 307, 308 with a Location,
    relative ones resolved against the hop's URL); each hop is checked and pinned like the first, a hop
    the guard refuses refuses the fetch (permanently for the URL's own faults: no connection to it is
    made), one more redirect is refused permanently; Authorization and Cookie headers are not carried to
    another host. The response's `.url` is the final URL, `.history` the redirects.
The only way past the address and port rules is the allow-list OUTBOUND_ALLOW_PRIVATE (settings:
`host:port,…`, exact pairs, hosts case-insensitive, IPv6 in brackets; `make run` puts the demo webhook
receiver on it, tests put their fakes on loopback on it as they start). A URL whose host and port (as
written, never as resolved: `localhost:8002` is not `127.0.0.1:8002`) are on it may use any port and
reach any address; it is still resolved once and pinned, and the scheme rule still holds.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import SplitResult, unquote, urldefrag, urljoin, urlsplit, urlunsplit

import requests
from urllib3.exceptions import (
    MaxRetryError,
    NewConnectionError,
)

from chalicelib.core.net.deadline import Adapter, Deadline, exchange
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import get_settings, outbound_host

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
DEADLINE = 12.0  # one request, start to last byte; below publishing/sweep.py's SEND_TIMEOUT_SECONDS
MAX_REPLY_BYTES = 256 * 1024  # Telegram, VK
MAX_WEBHOOK_REPLY_BYTES = 16 * 1024
MAX_PAGE_BYTES = 2 * 1024 * 1024  # a public page read by guarded_get
MAX_REDIRECTS = 3  # guarded_get: hops after the first request
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
URL_CHECK_TIMEOUT = 3.0  # url_problem's lookup
PUBLIC_PORTS = (80, 443, 8443)
USER_AGENT = "Greenlight-Publisher/1"
PAGE_USER_AGENT = "Greenlight-Checker/1"

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_local = threading.local()


def timeouts() -> tuple[float, float]:
    """(connect, read) seconds per socket operation, read at call time (tests shorten them)."""
    return (CONNECT_TIMEOUT, READ_TIMEOUT)


# --- the known APIs (Telegram, VK: base URLs from settings, trusted) ------------------------------
def api_session() -> requests.Session:
    """One Session per thread (requests' Session is not guaranteed thread-safe); keep-alive pooling."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        adapter = Adapter(pool_connections=4, pool_maxsize=8)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session = session
    return session


def post(url: str, *, what: str, seconds: float | None = None, **kwargs) -> requests.Response:
    """POST to a trusted API URL within DEADLINE (or `seconds`: an upload of a large file is given more,
    publishing/channels/media_files.upload_seconds), at most MAX_REPLY_BYTES of the answer read;
    transport failures classified. The URL may carry a token (Telegram puts it in the path): it never
    appears in a reason."""
    return exchange(api_session(), url, deadline=Deadline(seconds or DEADLINE, timeouts, classify_transport),
                    what=what, limit=MAX_REPLY_BYTES, **kwargs)


def get(url: str, *, what: str, headers: dict | None = None) -> requests.Response:
    """GET a page of a trusted site (its base URL from settings, e.g. TELEGRAM_WEB_BASE_URL; the caller
    builds the path from checked values only) with `post`'s rules: one DEADLINE, at most MAX_REPLY_BYTES
    read, redirects not followed, failures classified (Refused / Ambiguous; a GET changes nothing, so
    either means "did not answer")."""
    return exchange(api_session(), url, deadline=Deadline(DEADLINE, timeouts, classify_transport), what=what,
                    limit=MAX_REPLY_BYTES, method="GET", headers=headers or {})


def classify_transport(exc: Exception, what: str) -> Refused | Ambiguous:
    """Map a requests exception to Refused (never sent) or Ambiguous (may have been sent).
    The reason names the exception type only: urllib3 messages can contain the URL (and a token)."""
    kind = type(exc).__name__
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Refused(f"{what}: connect timeout (nothing sent)")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Ambiguous(f"{what}: no answer within {READ_TIMEOUT:g} s after the request was sent")
    if isinstance(exc, requests.exceptions.SSLError):
        return Refused(f"{what}: TLS handshake failed (nothing sent)")
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        if isinstance(reason, NewConnectionError):  # includes NameResolutionError
            if "NameResolution" in type(reason).__name__ or isinstance(reason, socket.gaierror):
                return Refused(f"{what}: host name could not be resolved (nothing sent)")
            return Refused(f"{what}: could not connect (nothing sent)")
        return Ambiguous(f"{what}: connection lost after the request was sent "
                         f"({type(reason).__name__ if reason else kind})")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return Refused(f"{what}: invalid URL", permanent=True)
    return Ambiguous(f"{what}: {kind}")


def retry_after_header(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def read_json(response: requests.Response) -> object | None:
    """The reply body as JSON, None if it is not JSON."""
    import json

    try:
        return json.loads(response.content or b"null")
    except (ValueError, RuntimeError, requests.RequestException):
        return None


# --- the guard ----------------------------------------------------------------------------------
def is_forbidden_address(address: str) -> bool:
    """True for any address the guard refuses (unless its host:port is on OUTBOUND_ALLOW_PRIVATE)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        # an IPv4 address carried inside an IPv6 one decides (::ffff:8.8.8.8 is as public as 8.8.8.8)
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_forbidden_address(str(embedded))
        # Teredo (2001::/32) tunnels to its server and (obfuscated) client IPv4 addresses: either one
        # private is refused here; the block is not global either, so the check below refuses the rest
        if ip.teredo is not None and any(is_forbidden_address(str(a)) for a in ip.teredo):
            return True
    site_local = isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local  # fec0::/10, deprecated but routable
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or site_local)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def allowed_private(host: str, port: int) -> bool:
    """True when `host:port` is on OUTBOUND_ALLOW_PRIVATE: exact pair, host case-insensitive (an IP in
    any standard spelling of the same address, IPv6 with or without brackets), names never resolved."""
    return (outbound_host(host), int(port)) in get_settings().outbound_allow_private


def _resolve(host: str, port: int, timeout: float | None, what: str = "webhook") -> list:
    """getaddrinfo, waiting at most `timeout` seconds (None: as long as the resolver takes).
    getaddrinfo cannot be interrupted and a hostile name server can be slow, so the lookup runs in a
    daemon thread of its own that the caller stops waiting for at its deadline (one left behind ends
    with the resolver's own timeout, and holds up no other lookup)."""
    if timeout is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    answer: list = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            answer.append(exc)

    thread = threading.Thread(target=lookup, name="guard-dns", daemon=True)
    thread.start()
    thread.join(max(timeout, 0.0))
    if not answer:
        raise Refused(f"{what} host {host!r} did not resolve in time (nothing sent)")
    if isinstance(answer[0], Exception):
        raise answer[0]
    return answer[0]


def check_url(url: str, *, timeout: float | None = None, what: str = "webhook") -> tuple[SplitResult, str]:
    """Check a URL against the guard's rules and resolve it (within `timeout` seconds): returns (parts,
    the IP to connect to). Raises Refused, permanent for what the URL itself gets wrong (scheme, port,
    a refused address); a name that does not resolve (in time) is Refused, not permanent. `what` starts
    every reason ("webhook URL must start with http:// or https://")."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(f"{what} URL is not valid", permanent=True) from None
    if parts.scheme not in ("http", "https"):
        raise Refused(f"{what} URL must start with http:// or https://", permanent=True)
    host = parts.hostname
    if not host:
        raise Refused(f"{what} URL has no host", permanent=True)
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    elif port == 0:
        raise Refused(f"{what} URL is not valid (port 0)", permanent=True)
    allowed = allowed_private(host, port)
    if not allowed and port not in PUBLIC_PORTS:
        raise Refused(f"{what} port {port} is not allowed; use 80, 443 or 8443", permanent=True)
    literal = host.removesuffix(".")  # "127.0.0.1." is 127.0.0.1 to a browser
    if not allowed and _is_address(literal) and is_forbidden_address(literal):  # no lookup needed to refuse it
        raise Refused(f"{what} host {host} is a private or reserved address; only public addresses are allowed",
                      permanent=True)
    try:
        infos = _resolve(host, port, timeout, what)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"{what} host {host!r} could not be resolved (nothing sent)") from None
    addresses = []
    for family, _, _, _, sockaddr in infos:
        if sockaddr[0] not in [a for _, a in addresses]:
            addresses.append((family, sockaddr[0]))
    if not addresses:
        raise Refused(f"{what} host {host!r} has no address (nothing sent)")
    if not allowed:
        bad = [a for _, a in addresses if is_forbidden_address(a)]
        if bad and [a for _, a in addresses] == [host]:  # the URL names the address itself
            raise Refused(f"{what} host {host} is a private or reserved address; only public addresses are allowed",
                          permanent=True)
        if bad:
            raise Refused(f"{what} host {host!r} resolves to a private or reserved address ({bad[0]}); "
                          "only public addresses are allowed", permanent=True)
    addresses.sort(key=lambda item: 0 if item[0] == socket.AF_INET else 1)
    return parts, addresses[0][1]


def url_problem(url: str) -> str | None:
    """Why the guard would refuse `url` — a URL a person gives us (a webhook, a placement) — as a
    sentence, or None. The scheme, the port, the address (a literal, or what the name resolves to now,
    within URL_CHECK_TIMEOUT); a name that does not resolve (now, or in time) is not a problem here: the
    fetch will say so later. Sentences name hosts and ports only."""
    try:
        check_url((url or "").strip(), timeout=URL_CHECK_TIMEOUT, what="the")
    except Refused as refused:
        if not refused.permanent:
            return None
        reason = refused.reason
        return reason[:1].upper() + reason[1:] + "."
    return None


class _PinnedAdapter(Adapter):
    """Connects to the IP in the (rewritten) URL while TLS uses and verifies the original host name."""

    def __init__(self, hostname: str):
        self._hostname = hostname
        super().__init__()

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if host_params.get("scheme") == "https":
            pool_kwargs["server_hostname"] = self._hostname
            pool_kwargs["assert_hostname"] = self._hostname
        return host_params, pool_kwargs


class _NoCookies(DefaultCookiePolicy):
    """Nothing is kept from a Set-Cookie, nothing is sent."""

    def set_ok(self, cookie, request) -> bool:
        return False

    def return_ok(self, cookie, request) -> bool:
        return False


def _pinned(url: str, *, deadline: Deadline, what: str, limit: int, method: str, headers: dict, hop: int = 0,
            finish: bool = True, **kwargs) -> requests.Response:
    """One request to `url` through the guard: checked, resolved once within `deadline`, sent to the
    checked IP by a fresh Session (no cookies, nothing from the environment). `hop`: the redirect this
    request follows (0: none), named in the reason when the guard refuses it."""
    try:
        parts, ip = check_url(url, timeout=deadline.left(), what=what if not hop else "its target")
    except Refused as refused:
        if not hop:
            raise
        raise Refused(f"{what}: redirect {hop} refused: {refused.reason}", permanent=refused.permanent) from None
    host = parts.hostname
    port = parts.port
    ip_host = f"[{ip}]" if ":" in ip else ip
    netloc = f"{ip_host}:{port}" if port else ip_host
    pinned_url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = host if ":" not in host else f"[{host}]"
    if port:
        host_header = f"{host_header}:{port}"
    auth = None
    if parts.username is not None:
        auth = (unquote(parts.username), unquote(parts.password or ""))
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: we connect to the IP we checked
    session.cookies.set_policy(_NoCookies())
    session.mount(f"{parts.scheme}://", _PinnedAdapter(host))
    try:
        return exchange(session, pinned_url, deadline=deadline, what=what, limit=limit, method=method,
                        finish=finish, headers={**headers, "Host": host_header}, auth=auth, **kwargs)
    finally:
        session.close()


def guarded_post(url: str, *, body: bytes, headers: dict, what: str = "webhook") -> requests.Response:
    """POST `body` to a user-supplied URL through the guard, pinned to the checked IP, within DEADLINE
    (the lookup included), at most MAX_WEBHOOK_REPLY_BYTES of the answer read; a 3xx is the answer (not
    followed). Raises Refused (guard, DNS, connect, nothing sent) or Ambiguous (after sending)."""
    deadline = Deadline(DEADLINE, timeouts, classify_transport)
    try:
        return _pinned(url, deadline=deadline, what=what, limit=MAX_WEBHOOK_REPLY_BYTES, method="POST",
                       headers={**headers, "User-Agent": USER_AGENT}, data=body)
    finally:
        deadline.finish()


def _redirect_target(response: requests.Response, url: str) -> str | None:
    """The absolute URL a redirect points to (relative Locations resolved against `url`), or None when
    the answer is not a redirect to follow."""
    if response.status_code not in REDIRECT_STATUSES:
        return None
    location = response.headers.get("Location")
    if not location or not location.strip():
        return None
    try:  # http.client reads headers as latin-1; servers send UTF-8 (as requests reads it)
        location = location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass
    return urldefrag(urljoin(url, location.strip()))[0]  # relative and scheme-relative ones included


def _origin(url: str) -> tuple:
    try:
        parts = urlsplit(url)
        return (parts.scheme, (parts.hostname or "").lower(), parts.port)
    except ValueError:
        return ("", "", None)


def guarded_get(url: str, *, what: str, headers: dict | None = None, limit: int = MAX_PAGE_BYTES,
                max_redirects: int = MAX_REDIRECTS) -> requests.Response:
    """GET a user-supplied URL (a public page) through the guard: every hop checked and pinned to its
    checked IP, at most `max_redirects` redirects followed, ONE DEADLINE over the whole chain, at most
    `limit` bytes of each answer read (the status stands; the body is cut), no cookies, no proxy.
    Returns the final answer (any status; a 3xx only when it has no Location) with `.url` the final URL
    and `.history` the redirects. Raises Refused (permanent: the URL or a redirect fails the guard's
    rules, or there are too many redirects) or Ambiguous (see above: for a GET both mean "no answer")."""
    deadline = Deadline(DEADLINE, timeouts, classify_transport)
    first = _origin(url)
    sent_headers = {"User-Agent": PAGE_USER_AGENT, **(headers or {})}
    history: list[requests.Response] = []
    current = url
    try:
        while True:
            hop = len(history)
            if hop and deadline.left() <= 0:
                raise Refused(f"{what}: no answer within {deadline.seconds:g} s after {hop} redirect(s)")
            deadline.next_hop()
            if hop and _origin(current) != first:  # credentials stay with the host they were given for
                sent_headers = {k: v for k, v in sent_headers.items()
                                if k.lower() not in ("authorization", "cookie", "proxy-authorization")}
            response = _pinned(current, deadline=deadline, what=what, limit=limit, method="GET", headers=sent_headers,
                               hop=hop, finish=False)
            target = _redirect_target(response, current)
            if target is None:
                response.url, response.history = current, history
                return response
            if hop >= max_redirects:
                raise Refused(f"{what}: more than {max_redirects} redirects", permanent=True)
            response.url = current
            history.append(response)
            current = target
    finally:
        deadline.finish()
