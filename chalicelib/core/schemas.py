"""Shared pieces of the request/response models."""
from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


class Input(BaseModel):
    """Base of every request body: unknown fields are an error, strings are trimmed.

    defer_build: validators are compiled on first use, not at import (cold start)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True, defer_build=True)


def _valid_email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address: {exc}") from None


def _valid_timezone(value: str) -> str:
    if value not in _zones():
        raise ValueError("unknown time zone; use an IANA name such as Europe/Moscow")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone; use an IANA name such as Europe/Moscow") from None
    return value


_ZONES: set[str] | None = None


def _zones() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones() | {"UTC"}
    return _ZONES


TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_valid_timezone)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Slug = Annotated[str, StringConstraints(min_length=2, max_length=48, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])$")]
Email = Annotated[str, StringConstraints(min_length=3, max_length=254), AfterValidator(_valid_email)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9a-z]+$")]


class ErrorInfo(Output):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorBody(Output):
    """Every 4xx/5xx JSON answer."""

    error: ErrorInfo


class Created(Output):
    id: str


class PageQuery(Input):
    cursor: str | None = Field(default=None, max_length=2048)
    limit: int | None = Field(default=None, ge=1, le=100)


def refuse_nulls(model, allowed: set[str]):
    """In a PATCH, null clears a field only where clearing makes sense; elsewhere it is an error."""
    nulls = [name for name in model.model_fields_set if getattr(model, name) is None and name not in allowed]
    if nulls:
        raise ValueError(f"{', '.join(sorted(nulls))} cannot be null; leave the field out to keep it")
    return model
