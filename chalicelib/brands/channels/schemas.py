from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import Field, SecretStr, StringConstraints

from chalicelib.core.schemas import Input, Name, Output, TimeZoneName


class Platform(str, Enum):
    telegram = "telegram"
    vk = "vk"
    ok = "ok"
    instagram = "instagram"
    facebook = "facebook"
    x = "x"
    linkedin = "linkedin"
    tiktok = "tiktok"
    youtube = "youtube"
    webhook = "webhook"


# The shape only; which references a brand may name is core/secret_refs.py (checked against the brand).
SecretRef = Annotated[str, StringConstraints(
    max_length=256, pattern=r"^(env:[A-Za-z_][A-Za-z0-9_]*|ssm:/[A-Za-z0-9_.\-/]+|secretsmanager:[A-Za-z0-9_.\-/+=@]+"
                            r"|file:[A-Za-z0-9_.\-/]+)$")]
CREDENTIALS_HELP = ("The token itself (bot token, community token, webhook signing secret), write-only: Greenlight "
                    "stores it under the brand's channels/ prefix and sets credentials_ref; it is never shown "
                    "again. Give either this or credentials_ref.")
REF_HELP = ("Where the token lives, under the brand's channels/ prefix: "
            "ssm:/greenlight/<stage>/brands/<brand id>/channels/… "
            "or secretsmanager:greenlight/<stage>/brands/<brand id>/channels/… — never the token")
USER_CREDENTIALS_HELP = ("VK only: a user token of an admin of the community (scopes wall, photos, video, offline), "
                         "write-only like credentials. VK uploads photos and video only with a user token; the "
                         "community token still posts (wall.post from the community). Needed for posts with media.")
USER_REF_HELP = "VK only: where the admin's user token lives (same rules as credentials_ref)"
Handle = Annotated[str, StringConstraints(min_length=1, max_length=300)]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class ChannelCreate(Input):
    platform: Platform
    name: Name
    handle: Handle | None = Field(default=None, description="@name or the channel's URL")
    external_id: ExternalId | None = Field(default=None, description="Telegram chat id, VK owner id …")
    timezone: TimeZoneName | None = None
    credentials_ref: SecretRef | None = Field(default=None, description=REF_HELP)
    credentials: SecretStr | None = Field(default=None, min_length=1, max_length=4096, description=CREDENTIALS_HELP)
    user_credentials_ref: SecretRef | None = Field(default=None, description=USER_REF_HELP)
    user_credentials: SecretStr | None = Field(default=None, min_length=1, max_length=4096,
                                               description=USER_CREDENTIALS_HELP)


class ChannelPatch(Input):
    name: Name | None = None
    handle: Handle | None = None
    external_id: ExternalId | None = None
    timezone: TimeZoneName | None = None
    credentials_ref: SecretRef | None = Field(default=None, description=REF_HELP + "; null removes it")
    credentials: SecretStr | None = Field(default=None, min_length=1, max_length=4096, description=CREDENTIALS_HELP)
    user_credentials_ref: SecretRef | None = Field(default=None, description=USER_REF_HELP + "; null removes it")
    user_credentials: SecretStr | None = Field(default=None, min_length=1, max_length=4096,
                                               description=USER_CREDENTIALS_HELP)
    version: int | None = Field(default=None, ge=1)


class ChannelOut(Output):
    id: str
    brand_id: str
    platform: Platform
    name: str
    handle: str | None = None
    external_id: str | None = None
    timezone: str | None = None
    credentials_ref: str | None = None
    credentials_set_at: str | None = Field(default=None, description="When a token was last stored through Greenlight")
    user_credentials_ref: str | None = None
    user_credentials_set_at: str | None = Field(default=None, description="VK: when the admin's user token was last "
                                                                          "stored through Greenlight")
    version: int
    created_at: str
    updated_at: str


class ChannelList(Output):
    items: list[ChannelOut]
    cursor: str | None = None
