"""Outbound HTTP for the channel adapters: one deadline per request, a cap on what is read back, one
place that classifies transport failures into Refused / Ambiguous, and the SSRF guard for
user-supplied URLs (webhooks). Redirects are never followed (a 3xx is an answer, not a hop).

Time: ONE deadline per request (core/net/deadline.py), DEADLINE (12 s: see the sweep's SEND_TIMEOUT_SECONDS), from its start
to the last byte of the answer: lookup (webhooks), connect, TLS, send, status line, headers, body.
requests' timeouts count per socket operation, so a peer sending a byte just under the read timeout
could hold a send for minutes. So each operation's timeout is also cut to the time left (at most
connect 3 s, read 10 s), the body is read in chunks with the deadline checked between them, and a
timer shuts the socket down at the deadline, which ends a read blocked anywhere (a status line or
headers dripped byte by byte included). Tests shorten DEADLINE and the timeouts with monkeypatch.

Replies are capped: MAX_WEBHOOK_REPLY_BYTES (16 KiB: a webhook answers an id and a link), MAX_REPLY_BYTES
(256 KiB) for the known APIs. Over the cap reading stops and the answer stands as received: the status
line is the answer, the body is its first cap bytes (an oversized JSON reply just does not parse), the
connection is closed, not reused.

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

SSRF guard (`guarded_post`): only http/https; on public hosts only ports 80, 443 and 8443 (explicit or
implied; checked before any lookup; refused permanently). The host is resolved once, within the
deadline, and every address must be public — private (RFC 1918, fc00::/7), loopback, link-local
(169.254/16 with the metadata address, fe80::/10), multicast, reserved, unspecified, shared (100.64/10)
and documentation ranges are refused, IPv4 and IPv6 alike, also inside IPv4-mapped (::ffff:a.b.c.d),
6to4 (2002::/16), NAT64 (64:ff9b::/96) and Teredo (2001::/32: server and client; the block is not
global anyway) addresses. One refused address refuses the URL (a name resolving to public and private
addresses at once is not trusted). `allow_private_targets=True` (stage local/test) lifts the address
and port rules (local fakes listen on random ports), never the scheme rule.
The request connects to the checked IP itself (the URL is rewritten to the IP; Host header, TLS SNI and
certificate verification keep the name): no second lookup, no DNS rebinding window. IPv4 addresses are
tried before IPv6 (one address is used; no fallback).
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from urllib.parse import unquote, urlsplit, urlunsplit

import requests
from urllib3.exceptions import (
    MaxRetryError,
    NewConnectionError,
)

from chalicelib.core.net.deadline import Adapter, Deadline, exchange
from chalicelib.core.net.outcomes import Ambiguous, Refused

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
DEADLINE = 12.0  # one request, start to last byte; below publishing/sweep.py's SEND_TIMEOUT_SECONDS
MAX_REPLY_BYTES = 256 * 1024  # Telegram, VK
MAX_WEBHOOK_REPLY_BYTES = 16 * 1024
PUBLIC_PORTS = (80, 443, 8443)
USER_AGENT = "Greenlight-Publisher/1"

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


def post(url: str, *, what: str, **kwargs) -> requests.Response:
    """POST to a trusted API URL within DEADLINE, at most MAX_REPLY_BYTES of the answer read;
    transport failures classified. The URL may carry a token (Telegram puts it in the path): it never
    appears in a reason."""
    return exchange(api_session(), url, deadline=Deadline(DEADLINE, timeouts, classify_transport), what=what, limit=MAX_REPLY_BYTES,
                     **kwargs)


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
        return Ambiguous(f"{what}: connection lost after the request was sent ({type(reason).__name__ if reason else kind})")
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


# --- SSRF guard ---------------------------------------------------------------------------------
def is_forbidden_address(address: str) -> bool:
    """True for any address a webhook must not reach outside local/test."""
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
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


def _resolve(host: str, port: int, timeout: float | None) -> list:
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
        raise Refused(f"webhook host {host!r} did not resolve in time (nothing sent)")
    if isinstance(answer[0], Exception):
        raise answer[0]
    return answer[0]


def check_url(url: str, *, allow_private: bool, timeout: float | None = None) -> tuple[object, str]:
    """Validate a webhook URL and resolve it (within `timeout` seconds): returns (parts, ip to
    connect to). Raises Refused: permanent for what the URL itself gets wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("webhook URL is not valid", permanent=True) from None
    if parts.scheme not in ("http", "https"):
        raise Refused("webhook URL must start with http:// or https://", permanent=True)
    host = parts.hostname
    if not host:
        raise Refused("webhook URL has no host", permanent=True)
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    elif port == 0:
        raise Refused("webhook URL is not valid (port 0)", permanent=True)
    if not allow_private and port not in PUBLIC_PORTS:
        raise Refused(f"webhook port {port} is not allowed; use 80, 443 or 8443", permanent=True)
    try:
        infos = _resolve(host, port, timeout)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"webhook host {host!r} could not be resolved (nothing sent)") from None
    addresses = []
    for family, _, _, _, sockaddr in infos:
        if sockaddr[0] not in [a for _, a in addresses]:
            addresses.append((family, sockaddr[0]))
    if not addresses:
        raise Refused(f"webhook host {host!r} has no address (nothing sent)")
    if not allow_private:
        bad = [a for _, a in addresses if is_forbidden_address(a)]
        if bad:
            raise Refused(f"webhook host {host!r} resolves to a private or reserved address ({bad[0]}); "
                          "only public addresses are allowed", permanent=True)
    addresses.sort(key=lambda item: 0 if item[0] == socket.AF_INET else 1)
    return parts, addresses[0][1]


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


def guarded_post(url: str, *, body: bytes, headers: dict, allow_private: bool,
                 what: str = "webhook") -> requests.Response:
    """POST `body` to a user-supplied URL through the SSRF guard, pinned to the checked IP, within
    DEADLINE (the lookup included), at most MAX_WEBHOOK_REPLY_BYTES of the answer read.
    Raises Refused (guard, DNS, connect, nothing sent) or Ambiguous (after sending)."""
    deadline = Deadline(DEADLINE, timeouts, classify_transport)
    try:
        parts, ip = check_url(url, allow_private=allow_private, timeout=deadline.left())
    except BaseException:
        deadline.finish()
        raise
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
    session.mount(f"{parts.scheme}://", _PinnedAdapter(host))
    try:
        return exchange(session, pinned_url, deadline=deadline, what=what, limit=MAX_WEBHOOK_REPLY_BYTES,
                         data=body, headers={**headers, "Host": host_header, "User-Agent": USER_AGENT}, auth=auth)
    finally:
        session.close()
