"""Outgoing email: one message shape, three backends chosen by EMAIL_BACKEND.

  outbox  one RFC 5322 `.eml` file per message in OUTBOX_DIR (local and tests; open it in any mail
          client, or read the link straight from the file)
  smtp    any SMTP server: SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, SMTP_USER, SMTP_PASSWORD (a reference)
  ses     Amazon SES v2 SendEmail with the raw MIME message
Every message has a plain-text and an HTML part.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid
from pathlib import Path

from chalicelib.core.errors import Upstream
from chalicelib.core.settings import get_settings

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


class _Policy(EmailPolicy):
    """policy.default, except that a non-ASCII Subject is written as base64 encoded-words of its own.

    The standard library's refolding (Python 3.11) splits a mixed ASCII/UTF-8 subject into an *empty*
    encoded-word (`=?utf-8?q??=`), which RFC 2047 does not allow: mail clients show it as a stray space
    or garbage at the fold. Header() encodes the whole value as whole UTF-8 characters in words of at
    most 75 characters, folded between words (RFC 2047 §2, RFC 5322 §2.2.3); the whitespace between
    adjacent encoded-words is not part of the value, so it decodes back exactly.
    """

    def _encoded_subject(self, name: str, value) -> str | None:
        text = str(value)
        if name.lower() != "subject" or text.isascii():
            return None
        folded = Header(text, "utf-8", header_name=name).encode(linesep=self.linesep,
                                                                  maxlinelen=self.max_line_length or 78)
        return f"{name}: {folded}{self.linesep}"

    def fold(self, name, value):
        return self._encoded_subject(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        encoded = self._encoded_subject(name, value)
        return encoded.encode("ascii") if encoded else super().fold_binary(name, value)


POLICY = _Policy(**{k: getattr(default_policy, k) for k in ("linesep", "max_line_length", "utf8")})


def build_mime(message: OutgoingEmail, sender: str) -> EmailMessage:
    mime = EmailMessage(policy=POLICY)
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">") or "greenlight")
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime


def send(message: OutgoingEmail) -> str:
    """Send and return the Message-ID. Raises Upstream when the backend refuses."""
    settings = get_settings()
    mime = build_mime(message, settings.EMAIL_FROM)
    backend = {"outbox": _to_outbox, "smtp": _via_smtp, "ses": _via_ses}[settings.EMAIL_BACKEND]
    backend(mime)
    log.info("email sent", extra={"backend": settings.EMAIL_BACKEND, "message_id": mime["Message-ID"]})
    return mime["Message-ID"]


def _to_outbox(mime: EmailMessage) -> None:
    folder = Path(get_settings().OUTBOX_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stem = mime["Message-ID"].strip("<>").split("@")[0]
    tmp = folder / f".{stem}.tmp"
    tmp.write_bytes(bytes(mime))
    os.replace(tmp, folder / f"{stem}.eml")  # readers never see half a file


def _via_smtp(mime: EmailMessage) -> None:
    import smtplib

    from chalicelib.core import secrets

    settings = get_settings()
    try:
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.SMTP_STARTTLS:
                smtp.starttls()
            if settings.SMTP_USER:
                smtp.login(settings.SMTP_USER, secrets.resolve(settings.SMTP_PASSWORD))
            smtp.send_message(mime)
    except (OSError, smtplib.SMTPException) as exc:
        raise Upstream(f"The mail server did not accept the message ({type(exc).__name__}).") from exc


def _via_ses(mime: EmailMessage) -> None:
    from email.utils import parseaddr

    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.core import deps

    try:
        # FromEmailAddress explicitly: the IAM policy limits sending with the ses:FromAddress condition.
        deps.aws_client("sesv2").send_email(FromEmailAddress=parseaddr(str(mime["From"]))[1],
                                            Content={"Raw": {"Data": bytes(mime)}})
    except (BotoCoreError, ClientError) as exc:
        raise Upstream(f"Amazon SES did not accept the message ({type(exc).__name__}).") from exc
