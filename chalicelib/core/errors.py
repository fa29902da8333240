"""Domain errors. Services raise these; `core/http/api.py` maps them to HTTP once. No Chalice here."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.extra = extra


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Gone(DomainError):
    status = 410
    code = "gone"


class PayloadTooLarge(DomainError):
    """An upload over its limit (a signed contract over 10 MB)."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class Upstream(DomainError):
    """An outside system (DynamoDB, SES, Slack…) failed; the request may be retried."""

    status = 503
    code = "upstream_unavailable"
