"""Post media: request and response models of the upload API."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.core.schemas import Input, Output
from chalicelib.media import rules

MediaType = Literal["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime"]
KEY_PATTERN = r"^media/[0-9a-z]{1,64}/[0-9a-z]{1,64}/file\.(jpg|png|gif|webp|mp4|mov)$"


class UploadStart(Input):
    name: str = Field(min_length=1, max_length=200, description="The file's name as the person chose it")
    type: MediaType = Field(description="The file's media type as the browser reports it (checked again by "
                                        "the file's first bytes on confirm)")
    size: int = Field(ge=1, le=rules.MAX_VIDEO_BYTES, description="Bytes")


class UploadOut(Output):
    key: str
    method: Literal["POST", "PUT"] = Field(description="POST: a multipart form to S3 (`fields` first, then "
                                                       "`file`); PUT: the raw bytes to `url` with `headers`")
    url: str
    fields: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)


class MediaConfirm(Input):
    key: str = Field(max_length=300, pattern=KEY_PATTERN)
    name: str = Field(default="", max_length=200)
    alt: str = Field(default="", max_length=1000)


class MediaOut(Output):
    key: str
    kind: Literal["image", "video"]
    type: MediaType
    size: int
    alt: str
    name: str
