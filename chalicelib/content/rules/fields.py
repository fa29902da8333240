"""What a post's fields may hold: the one source of the limits that the API's schemas
(content/schemas.py) and the content-plan CSV import (plan/rules/) both check. Pure."""
from __future__ import annotations

from enum import Enum

MAX_TITLE = 300
MAX_BODY = 20000
MAX_CHANNELS = 20
MAX_MEDIA = 20
MAX_ALT = 1000
MAX_LINKS = 20
MAX_TAG = 64
MAX_TAGS = 30
MAX_ASSIGNEES = 20
TAG_SEPARATOR = "|"  # separates tags (and the other list cells) in the CSV, so a tag cannot contain it


class ContentType(str, Enum):
    engaging = "engaging"
    branded = "branded"
    advertising = "advertising"
    educational = "educational"
    reactive = "reactive"
    ugc = "ugc"


CONTENT_TYPES: tuple[str, ...] = tuple(c.value for c in ContentType)
