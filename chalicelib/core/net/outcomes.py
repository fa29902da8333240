"""How an outbound request can fail, for every outside system we call (channel adapters, fetches of
public pages): nothing went out (Refused), or it may have (Ambiguous). core/net/guard.py classifies
transport failures into these; callers decide what each means for them (publishing never re-sends
an Ambiguous one by itself)."""
from __future__ import annotations


class Refused(Exception):
    """Nothing went out; safe to retry. `retry_after` (seconds) comes from a 429; `permanent` means
    retrying cannot help (bad token, chat not found, bad request)."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"Refused({self.reason!r}, retry_after={self.retry_after!r}, permanent={self.permanent!r})"


class Ambiguous(Exception):
    """The request may have gone out (timeout or reset after sending, an unexplained 5xx). Never retried
    automatically: the target becomes unconfirmed and a person resolves it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"Ambiguous({self.reason!r})"
