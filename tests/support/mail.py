"""Reading real .eml files from the outbox folder."""
from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path
from urllib.parse import urlsplit


def messages(outbox: Path) -> list[email.message.EmailMessage]:
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if outbox.exists() else []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]


def latest_to(outbox: Path, address: str) -> email.message.EmailMessage:
    found = [m for m in messages(outbox) if address.lower() in str(m["To"]).lower()]
    assert found, f"no mail to {address} in {outbox}"
    return found[-1]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", text_of(message))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
