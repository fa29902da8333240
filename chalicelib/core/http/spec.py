"""What each JSON route accepts and returns: filled by `http.json_route`, read by `openapi.py`."""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    summary: str
    tag: str
    status: int = 200
    body: type[BaseModel] | None = None
    body_media_type: str = "application/json"
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    response_media_type: str = "application/json"
    raw_body: str | None = None  # media type of a non-JSON body (e.g. text/csv), read by the view itself
    raw_response: str | None = None  # media type of a non-JSON answer the view builds itself
    auth: bool = True
    errors: tuple[int, ...] = field(default=())


ROUTES: list[RouteSpec] = []
