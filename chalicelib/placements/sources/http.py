"""The sources' one way out: requests through the outbound guard, and what an answer's status means.

    get(url, what=…, headers=…)     GET through guard.guarded_get (one deadline, redirects re-checked, 2 MB
                                    cap, no cookies, no proxy); the guard's Refused / Ambiguous become
                                    FetchFailed (permanent when the guard's policy refused the URL)
    post_api(url, what=…, data=…)   POST a form to a trusted API base URL (VK) through guard.post
    failure(response, what)         the FetchFailed for a status that gives no verdict (429, 5xx, …)
    fetched(observed, response, requested_url)   the Fetched record of an answer

A reason never holds a URL: the guard's reasons name hosts and exception types only, and ours statuses.
"""
from __future__ import annotations

from chalicelib.placements.sources import Fetched, FetchFailed

HTML_HEADERS = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", "Accept-Language": "en-US,en;q=0.9"}


def get(url: str, *, what: str, headers: dict | None = None):
    from chalicelib.core.net import guard
    from chalicelib.core.net.outcomes import Ambiguous, Refused

    try:
        return guard.guarded_get(url, what=what, headers={**HTML_HEADERS, **(headers or {})})
    except Refused as exc:
        raise FetchFailed(exc.reason, permanent=exc.permanent) from None
    except Ambiguous as exc:
        raise FetchFailed(exc.reason) from None


def post_api(url: str, *, what: str, data: dict):
    from chalicelib.core.net import guard
    from chalicelib.core.net.outcomes import Ambiguous, Refused

    try:
        return guard.post(url, what=what, data=data)
    except Refused as exc:
        raise FetchFailed(exc.reason, permanent=exc.permanent) from None
    except Ambiguous as exc:
        raise FetchFailed(exc.reason) from None


def failure(response, what: str) -> FetchFailed:
    """A status that is no verdict on the post: try again later."""
    status = response.status_code
    if 300 <= status < 400:
        return FetchFailed(f"{what}: HTTP {status} (a redirect without a target)")
    if status == 429:
        return FetchFailed(f"{what}: HTTP 429 (rate limited)")
    return FetchFailed(f"{what}: HTTP {status}")


def fetched(observed, response, requested_url: str, *, raw: bytes | None = None) -> Fetched:
    from chalicelib.core.clock import utcnow

    return Fetched(observed=observed, raw=response.content if raw is None else raw,
                   content_type=response.headers.get("Content-Type") or "", http_status=response.status_code,
                   fetched_url=requested_url, fetched_at=utcnow())
