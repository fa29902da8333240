from __future__ import annotations

from pydantic import Field

from chalicelib.schemas.common import Input, Name, Output, Slug, TimeZoneName


class BrandSettings(Input):
    """Per-brand switches; later features add theirs here."""

    approve_without_chain: bool = False
    authors_may_approve: bool = False
    default_language: str = Field(default="en", pattern="^(en|ru)$")


class BrandCreate(Input):
    name: Name
    slug: Slug
    timezone: TimeZoneName
    settings: BrandSettings = Field(default_factory=BrandSettings)


class BrandPatch(Input):
    name: Name | None = None
    slug: Slug | None = None
    timezone: TimeZoneName | None = None
    settings: BrandSettings | None = None
    version: int | None = Field(default=None, ge=1, description="If given, the change applies only to this version.")


class BrandOut(Output):
    id: str
    name: str
    slug: str
    timezone: str
    settings: BrandSettings
    my_roles: list[str] = Field(default_factory=list)
    version: int
    created_at: str
    updated_at: str


class BrandList(Output):
    items: list[BrandOut]
    cursor: str | None = None
