"""Outbound HTTP for the channel adapters: sessions with explicit timeouts, one place that classifies
transport failures into Refused / Ambiguous, and the SSRF guard for user-supplied URLs (webhooks).

Timeouts: connect 3 s, read 10 s. Redirects are never followed (a 3xx is an answer, not a hop).

Transport classification (requests/urllib3 exceptions):
  - DNS failure, connection refused, TLS handshake failure, connect timeout  -> Refused (not permanent):
    the request never reached the server.
  - read timeout, connection reset / closed by the peer after the request was written,
    any other ConnectionError                                                 -> Ambiguous.
    (A pooled keep-alive connection that the peer closed is checked by urllib3 before reuse, so a reset
    here really is "after we sent".)

SSRF guard (`guarded_post`): only http/https; the host is resolved once and every address it resolves
to must be public — private (RFC 1918, fc00::/7), loopback, link-local (169.254/16 incl. the cloud
metadata address, fe80::/10), multicast, reserved, unspecified, shared (100.64/10) and documentation
ranges are refused, IPv4 and IPv6 alike, including IPv4-mapped (::ffff:a.b.c.d), 6to4 and NAT64
(64:ff9b::/96) forms of such addresses. If any resolved address is refused the URL is refused (a name
that resolves to public and private addresses at once is not trusted). `allow_private_targets=True`
(stage local/test) lifts the address rule, never the scheme rule.
The request then connects to the checked IP itself (the URL is rewritten to the IP; Host header, TLS
SNI and certificate verification keep the original name), so there is no second DNS lookup and no DNS
rebinding window. IPv4 addresses are tried before IPv6 (one address is used; no fallback).
"""
from __future__ import annotations

import ipaddress
import socket
import threading
from urllib.parse import unquote, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError

from chalicelib.core.net.outcomes import Ambiguous, Refused

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
MAX_REPLY_BYTES = 256 * 1024
USER_AGENT = "Greenlight-Publisher/1"

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_local = threading.local()


# --- sessions for the known APIs (Telegram, VK: base URLs from settings, trusted) -------------------
def timeouts() -> tuple[float, float]:
    """(connect, read) seconds, read at call time (tests shorten them)."""
    return (CONNECT_TIMEOUT, READ_TIMEOUT)


def api_session() -> requests.Session:
    """One Session per thread (requests' Session is not guaranteed thread-safe); keep-alive pooling."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session = session
    return session


def post(url: str, *, what: str, **kwargs) -> requests.Response:
    """POST to a trusted API URL with timeouts; transport failures classified. The URL may carry a
    token (Telegram puts it in the path): it never appears in a reason."""
    try:
        return api_session().post(url, timeout=timeouts(), allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        raise classify_transport(exc, what) from None


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
        import time
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
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_forbidden_address(str(embedded))
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


def check_url(url: str, *, allow_private: bool) -> tuple[object, str]:
    """Validate a webhook URL and resolve it: returns (parts, ip to connect to). Raises Refused."""
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
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
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


class _PinnedAdapter(HTTPAdapter):
    """Connects to the IP in the (rewritten) URL while TLS uses and verifies the original host name."""

    def __init__(self, hostname: str):
        self._hostname = hostname
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if host_params.get("scheme") == "https":
            pool_kwargs["server_hostname"] = self._hostname
            pool_kwargs["assert_hostname"] = self._hostname
        return host_params, pool_kwargs


def guarded_post(url: str, *, body: bytes, headers: dict, allow_private: bool,
                 what: str = "webhook") -> requests.Response:
    """POST `body` to a user-supplied URL through the SSRF guard, pinned to the checked IP.
    Raises Refused (guard, DNS, connect) or Ambiguous (after sending)."""
    parts, ip = check_url(url, allow_private=allow_private)
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
        try:
            response = session.post(pinned_url, data=body, headers={**headers, "Host": host_header,
                                                                    "User-Agent": USER_AGENT},
                                    auth=auth, timeout=timeouts(), allow_redirects=False, stream=True)
        except requests.RequestException as exc:
            raise classify_transport(exc, what) from None
        try:  # the status line is in: read at most MAX_REPLY_BYTES of the reply, never more
            content = response.raw.read(MAX_REPLY_BYTES, decode_content=True) or b""
        except Exception:  # noqa: BLE001 - a broken body after the status line: the status still stands
            content = b""
        response._content = content
        response._content_consumed = True
        response.close()
        return response
    finally:
        session.close()
