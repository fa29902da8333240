"""Reading the local outbox (EMAIL_BACKEND=outbox): the newest message to an address, and its links.

The files are real RFC 5322 messages: the text part is quoted-printable (`=3D`, soft line breaks), so
a `grep` on the raw file cuts links apart. This parses them with the standard library's email parser
and reads the decoded text part. Used by `python -m chalicelib.cli last-link EMAIL`.

    sign-in   the /auth/verify link of a sign-in or invitation mail
    approve   the approval request's "Approve" link (/a/<token>: the first of its last three links)
    changes   its "Request changes" link (the second)
    open      its "Open the post" link (the third)
    any       the first link of the newest mail
"""
from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

KINDS = ("sign-in", "approve", "changes", "open", "any")
_LINK = re.compile(r"https?://[^\s<>\"']+")
_APPROVAL_ORDER = {"approve": 0, "changes": 1, "open": 2}


def read(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def addressed_to(message: EmailMessage, address: str) -> bool:
    wanted = address.strip().lower()
    return any(addr.lower() == wanted for _, addr in getaddresses([str(message.get("To", ""))]))


def messages_to(folder: Path, address: str) -> list[EmailMessage]:
    """The messages to `address`, newest first (by file time; the name breaks ties)."""
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    return [m for m in (read(p) for p in files) if addressed_to(m, address)]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def links_in(message: EmailMessage) -> list[str]:
    return [link.rstrip(".,;)") for link in _LINK.findall(text_of(message))]


def pick(links: list[str], kind: str) -> str | None:
    """The link of that kind among one message's links (None when it has none)."""
    if kind == "any":
        return links[0] if links else None
    if kind == "sign-in":
        return next((link for link in links if "/auth/verify?" in link), None)
    # the request's three links come last, after the post's own text (which may hold any URL)
    approval = [link for link in links if re.search(r"/a/[^/?#]+$", link)][-3:]
    return approval[_APPROVAL_ORDER[kind]] if len(approval) == 3 else None


def last_link(folder: Path, address: str, kind: str = "sign-in") -> str | None:
    """The link of that kind in the newest message to `address` that has one."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    for message in messages_to(folder, address):
        found = pick(links_in(message), kind)
        if found:
            return found
    return None
