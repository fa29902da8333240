"""Health, the API description, the pages' static files and /favicon.ico (no sign-in for any of them)."""
from __future__ import annotations

import json

from chalice import Blueprint, Response

from chalicelib.core.http.api import JSON_HEADERS, error_response, json_route
from chalicelib.core.http.pages import static_file
from chalicelib.core.schemas import Output

bp = Blueprint(__name__)


class Health(Output):
    status: str


@json_route(bp, "/health", "GET", tag="system", summary="Up, and DynamoDB answers", response=Health,
            auth=False, errors=(503,))
def health(call):
    from chalicelib.core.db.health import database_answers

    if not database_answers():
        return error_response(503, "unavailable", "The database does not answer.")
    return {"status": "ok"}


@bp.route("/openapi.json", methods=["GET"], content_types=["*/*"])
def openapi_document():
    from chalicelib.core.http.openapi import document

    return Response(body=json.dumps(document()), status_code=200,
                    headers={**JSON_HEADERS, "Cache-Control": "public, max-age=300"})


@bp.route("/static/{name}", methods=["GET"])
def static(name):
    return static_file(name)


@bp.route("/favicon.ico", methods=["GET"], content_types=["*/*"])
def favicon():
    """Browsers and bookmark tools ask for /favicon.ico whatever the page links: the SVG icon (every
    current browser takes an SVG icon whatever the name says; the type header is what counts)."""
    return static_file("favicon.svg")
