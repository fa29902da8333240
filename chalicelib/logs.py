"""Logging: one JSON-ish line per record; never a secret, token or signature (a filter masks them)."""
from __future__ import annotations

import logging
import os
import re

_SECRETISH = re.compile(r"(glt_[A-Za-z0-9]+_[A-Za-z0-9]+_)[A-Za-z0-9_\-]+|((?:token|signature|password|secret)=)[^&\s]+",
                        re.IGNORECASE)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRETISH.sub(lambda m: (m.group(1) or m.group(2)) + "***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging() -> None:
    logger = logging.getLogger("greenlight")
    if any(isinstance(f, RedactSecrets) for f in logger.filters):
        return
    logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))
    logger.addFilter(RedactSecrets())
    for name in ("chalicelib",):
        logging.getLogger(name).addFilter(RedactSecrets())
