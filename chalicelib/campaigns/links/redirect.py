"""GET|HEAD /r/{code}: the tracked link's redirect, counting the click. No sign-in: anyone with the link.

  - the code is lower-cased (a code typed or auto-capitalised in upper case still leads) and must then be
    4–32 letters and digits (what service.new_code makes: the whole code, nothing after it); the link is
    read by its key (one GetItem). Unknown or malformed → the 404 page (`short_link_not_found`) in the
    reader's language (?lang=, the gl_lang cookie, Accept-Language), never a redirect;
  - 302 to the link's stored `tagged_url` — never to anything taken from the request (no open redirect: the
    query, the path beyond the code, headers are not read for the destination);
  - a person's GET is counted by clicks.count (two small writes on a short leash; rules/visitors.py says who
    is a person); bots, link previewers (Slackbot, TelegramBot, facebookexternalhit …), prefetches and previews
    (Sec-Purpose, Purpose, X-Purpose, X-Moz) and HEAD are redirected too but not counted. Counting never fails
    the redirect nor holds it up more than about a second: a click that cannot be counted is logged and lost;
  - the answer is `Cache-Control: no-store` (each click reaches us), `X-Robots-Tag: noindex`, and sets no
    cookie; HEAD answers the same status and headers without a body.

The referrer is left to the browser's default: the target sees where the click came from, as with a plain link.
"""
from __future__ import annotations

import re
import secrets
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.core.lazy import lazy_import

repo = lazy_import("chalicelib.campaigns.links.repo")
clicks = lazy_import("chalicelib.campaigns.links.clicks")
visitors = lazy_import("chalicelib.campaigns.rules.visitors")

bp = Blueprint(__name__)

PATH = "/r/{code}"
CODE = re.compile(r"[a-z0-9]{4,32}")
REDIRECT_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _call(code: str):
    from chalicelib.core.http.api import cookies_of, request_id_of
    from chalicelib.core.http.pages import PageCall, page_language

    request = bp.current_request
    call = PageCall(request=request, request_id=request_id_of(request) or secrets.token_hex(8),
                    path=PATH.format(code=quote(code, safe="")), back="/", query=dict(request.query_params or {}),
                    cookies=cookies_of(request))
    call.language = page_language(call.query, call.cookies, None, request.headers.get("accept-language"))
    return call


def _redirect(code: str) -> Response:
    from chalicelib.campaigns.links.problems import NoSuchShortLink
    from chalicelib.core.clock import utcnow
    from chalicelib.core.http.api import client_ip_of

    request = bp.current_request
    code = (code or "").lower() if (code or "").isascii() else ""
    link = repo.get(code) if CODE.fullmatch(code) else None
    if link is None:
        raise NoSuchShortLink("No such link.")
    headers = request.headers
    if visitors.counts(request.method, headers.get("user-agent"), *visitors.purposes_of(headers)):
        clicks.count(link.code, link.campaign_id, utcnow(), client_ip_of(request), headers.get("user-agent"))
    return Response(body="", status_code=302, headers={"Location": link.tagged_url})


@bp.route(PATH, methods=["GET", "HEAD"], content_types=["*/*"])
def redirect(code):
    from chalicelib.core.http.pages import answer

    call = _call(code)
    response = answer(call, lambda: _redirect(code))
    response.headers.update(REDIRECT_HEADERS)
    response.headers.pop("Set-Cookie", None)  # nothing to remember: not even the language switch
    if call.request.method == "HEAD":
        response.body = ""
    return response
