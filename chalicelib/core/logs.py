"""Logging hygiene: no secret, token or signature ever reaches a log line.

`configure_logging()` wraps the log-record factory, so every record from every logger (ours,
chalice's, botocore's) is masked once at creation, whatever handler later writes it.
"""
from __future__ import annotations

import logging
import os
import re

_SECRETISH = re.compile(
    r"(glt_[A-Za-z0-9]+_[A-Za-z0-9]+_)[A-Za-z0-9_\-]+"                 # our API tokens: keep the ids
    r"|((?:token|signature|password|secret|key)=)[^&\s\"']+"           # query strings and form bodies
    r"|((?:Bearer|bearer) )[A-Za-z0-9._\-~+/=]+",
    re.IGNORECASE)


def redact(text: str) -> str:
    return _SECRETISH.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + "***", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is not our business here
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_installed = False


def configure_logging() -> None:
    global _installed
    logging.getLogger("greenlight").setLevel(os.environ.get("LOG_LEVEL", "INFO"))
    if _installed:
        return
    original = logging.getLogRecordFactory()
    redactor = RedactSecrets()

    def factory(*args, **kwargs):
        record = original(*args, **kwargs)
        redactor.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
