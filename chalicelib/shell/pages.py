"""The catch-all route and the language switch's link to the profile.

`/{proxy+}` (GET) is API Gateway's greedy resource: it serves every path no other route serves, in AWS
(the resource is in the API that `chalice deploy`/`chalice package` builds) and under `chalice local`
and chalice.test.Client (chalicelib/local/server.py teaches their route matcher the same rule).
A browser gets the HTML 404 page in the reader's language, the API and scripts the JSON 404
(core/http/pages.unknown_path). Other methods on unknown paths keep API Gateway's 404 (infra/).
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http.pages import unknown_path
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import authenticate

people = lazy_import("chalicelib.profile.service")

bp = Blueprint(__name__)

CATCH_ALL = "/{proxy+}"


@bp.route(CATCH_ALL, methods=["GET"], content_types=["*/*"])
def not_found():
    return unknown_path(bp.current_request, authenticate=authenticate)


def keep_profile_language(principal, language: str) -> None:
    """What the footer switch calls for a signed-in person (plugged in app.py): the profile's language."""
    people.update_profile(principal, language=language)
