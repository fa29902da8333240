"""What the adapters share about uploaded media (docs/media.md): reading a file from the artifact store
before anything is sent, and how long an upload may take.

    read_stored(0, "media/b/u/file.jpg") -> (bytes, "image/jpeg")   or Refused (nothing went out)
    upload_seconds(50 * MB)              -> 24.5: one request's deadline for that many bytes

Time. A send of a post with uploads must end inside publishing/sweep.py's SEND_TIMEOUT_SECONDS (the
publish job starts no send later than its budget minus that, and the Lambda stops at 60 s). One request
normally gets core/net/guard.DEADLINE (12 s); an upload gets DEADLINE plus its bytes at
UPLOAD_BYTES_PER_SECOND, at most MAX_UPLOAD_SECONDS. The post's media together are capped (media/rules.py
MAX_TOTAL_BYTES, checked on save), so one Telegram upload request of every file fits, and SendClock
keeps a chain of requests (VK: an upload server, the upload, a save per file, then wall.post) inside
SEND_BUDGET_SECONDS: a step that could not finish in time before the point of no return is Refused
(nothing is on the wall yet; the next run tries again).
"""
from __future__ import annotations

import time

from chalicelib.core.net import guard
from chalicelib.core.net.outcomes import Refused

UPLOAD_BYTES_PER_SECOND = 4 * 1024 * 1024  # a conservative floor for Lambda -> Telegram/VK
MAX_UPLOAD_SECONDS = 25.0
SEND_BUDGET_SECONDS = 28.0  # one target's whole send; publishing/sweep.py SEND_TIMEOUT_SECONDS is above it


def upload_seconds(size: int) -> float:
    """One upload request's deadline for `size` bytes."""
    return min(MAX_UPLOAD_SECONDS, guard.DEADLINE + max(0, int(size or 0)) / UPLOAD_BYTES_PER_SECOND)


class SendClock:
    """The time left of one target's send (SEND_BUDGET_SECONDS from its start)."""

    def __init__(self, budget: float = SEND_BUDGET_SECONDS):
        self._end = time.monotonic() + budget

    def left(self) -> float:
        return self._end - time.monotonic()

    def before_final(self, wanted: float, final: float = guard.DEADLINE) -> float:
        """The deadline of a request before the final one (VK wall.post), keeping `final` seconds for that:
        `wanted`, cut to what is left; Refused (not permanent) when too little is left to try."""
        seconds = min(wanted, self.left() - final)
        if seconds < 2.0:
            raise Refused("out of time for the media uploads before the post (nothing posted); tried again later")
        return seconds


def read_stored(index: int, key: str) -> tuple[bytes, str]:
    """The bytes and stored type of an uploaded item, read before anything is sent: a file no longer
    stored is Refused(permanent); any other store failure Refused (a retry may pass)."""
    from chalicelib.core.errors import NotFound
    from chalicelib.media import storage

    try:
        return storage.read(key)
    except NotFound:
        raise Refused(f"media file {index + 1} is no longer stored", permanent=True) from None
    except Exception as exc:  # noqa: BLE001 - the store's hiccup: nothing was sent, try again
        raise Refused(f"media file {index + 1} could not be read ({type(exc).__name__})") from None
