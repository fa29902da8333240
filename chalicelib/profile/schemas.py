"""My profile and my API tokens: request and response models."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.core.schemas import Input, Name, Output, TimeZoneName
from chalicelib.notifications.rules import EVENT_KINDS

DigestVia = Literal["off", "email", "slack", "both"]
SLACK_MEMBER_ID = r"^[UW][A-Z0-9]{2,20}$"


EventKind = Literal[EVENT_KINDS]  # the one list: notifications/rules.py


class EventWays(Output):
    email: bool
    slack: bool


class EventWaysPatch(Input):
    email: bool | None = None
    slack: bool | None = None


class NotifyOut(Output):
    email: bool = Field(description="Approval requests, reminders and alerts by email")
    slack: bool = Field(description="The same in Slack (when the brand has Slack and you are linked)")
    digest: DigestVia = Field(description="Daily digest: off, email, slack or both")
    hour: int = Field(ge=0, le=23, description="Local hour of the daily digest (your time zone)")
    events: dict[EventKind, EventWays] | None = Field(
        default=None, description="Per event on your posts (you wrote them or are assigned): email and Slack on/off; "
                                  "`email`/`slack` above switch the way off altogether")


class NotifyPatch(Input):
    """Only the fields given change; the others keep their value."""

    email: bool | None = None
    slack: bool | None = None
    digest: DigestVia | None = None
    hour: int | None = Field(default=None, ge=0, le=23)
    events: dict[EventKind, EventWaysPatch] | None = Field(
        default=None, description="Only the events and ways given change, e.g. {\"published\": {\"email\": false}}")


class MeOut(Output):
    id: str
    email: str
    name: str
    language: str
    is_admin: bool
    brands: dict[str, list[str]]
    timezone: str | None = Field(default=None, description="Your IANA time zone; none: each brand's own")
    notify: NotifyOut | None = None
    slack_user_id: str | None = Field(default=None, description="Your linked Slack member id")


class MePatch(Input):
    name: Name | None = None
    language: str | None = Field(default=None, pattern="^(en|ru)$", description="en or ru")
    timezone: TimeZoneName | None = Field(default=None, description="IANA zone such as Europe/Berlin; null clears it")
    notify: NotifyPatch | None = None
    slack_user_id: str | None = Field(default=None, pattern=SLACK_MEMBER_ID,
                                      description="Slack member id (U… or W…); null unlinks")


class TokenCreate(Input):
    name: Name


class TokenOut(Output):
    id: str
    name: str
    prefix: str = Field(description="First characters of the secret, to tell tokens apart")
    created_at: str


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; store it now")


class TokenList(Output):
    items: list[TokenOut]
