"""Shared pieces of the request/response models."""
from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


class Input(BaseModel):
    """Base of every request body: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


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
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9a-z]+$")]


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every 4xx/5xx JSON answer."""

    error: ErrorInfo


class Created(BaseModel):
    id: str


class PageQuery(Input):
    cursor: str | None = Field(default=None, max_length=2048)
    limit: int | None = Field(default=None, ge=1, le=100)
