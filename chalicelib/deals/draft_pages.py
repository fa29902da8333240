"""The blogger's draft link (drafts.py): the manager's JSON route that makes it, and the pages behind it.

  POST /v1/deliverables/{id}/draft-link   (manage_deals) ask for the creative: {draft_due_at?} (UTC;
                                          default 48 h before the placement) → {url, expires_at, …}
  GET/HEAD /d/<token>                     the brief — deal, brand, format, account, publish time in the
                                          deliverable's zone, the required elements, forbidden terms,
                                          the disclosure duty, the due time — the current draft, the
                                          latest decision and the comments meant for outsiders, and the
                                          form. Never writes anything (mail scanners fetch every link).
  POST /d/<token>                         sends the draft once (drafts.submit); every other outcome is
                                          a page with its status: received 200 · already received 200 ·
                                          not waiting 409 · changed meanwhile 409 · drafts unavailable
                                          409 · expired 410 · tampered 400 · invalid form 422.
  POST /d/<token>/published               "I published it: URL" once the draft is approved (approved,
                                          scheduled or late, under a signed deal; drafts.report_url):
                                          published 200 · the same URL again 200 · not now 409 · changed
                                          meanwhile 409 · a URL that cannot be checked: the page again
                                          with the sentence, 422.

No sign-in and no cookie: the signed token is the credential. The form guard is the approval links'
(approvals/links/pages.py): a POST must carry `confirm`, a value signed (salt "deal-draft-form") over
the token's digest and the post's version the page showed — only a page we rendered holds it, and it
makes a second POST of the same page (a double click, a reload) find its draft already in, never
submit twice; an Origin or Referer naming another site is refused. The page speaks the deal's
language unless ?lang= asks otherwise.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib.approvals.links.pages import LINK_HEADERS, same_site
from chalicelib.core import i18n
from chalicelib.core.errors import DomainError
from chalicelib.core.http.api import request_id_of
from chalicelib.core.http.pages import PageCall, answer
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Input, Output
from chalicelib.identity.doors import json_route

drafts = lazy_import("chalicelib.deals.drafts")
links = lazy_import("chalicelib.deals.draft_links")

bp = Blueprint(__name__)

PATH = "/d/{token}"
FORM_SALT = "deal-draft-form"
CONFIRM_FIELD = "confirm"
OUTCOMES = ("received", "already", "not_waiting", "changed", "unavailable", "expired", "tampered", "gone",
            "cross_site", "published", "published_already", "not_publishable")
PUBLISHED_PATH = PATH + "/published"
TITLES = {kind: f"deal_drafts.outcome.{kind}.title" for kind in OUTCOMES}
MESSAGES = {kind: f"deal_drafts.outcome.{kind}.message" for kind in OUTCOMES}


# --- the manager's route ----------------------------------------------------------------------------

class DraftLinkIn(Input):
    draft_due_at: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z?$",
                                     description="When the draft is due, UTC (default: 48 h before the placement)")


class DraftLinkOut(Output):
    url: str = Field(description="The blogger's link /d/<token>: no account needed; GET shows, POST submits")
    expires_at: str
    draft_due_at: str | None = None
    post_id: str = Field(description="The brand's post that holds the blogger's drafts (never published by us)")
    emailed: bool = Field(description="Whether the link went to the influencer's contact email")


@json_route(bp, "/v1/deliverables/{deliverable_id}/draft-link", "POST", tag="deals",
            summary="Ask the blogger for the creative: a signed draft link (creative approval)", body=DraftLinkIn,
            response=DraftLinkOut, errors=(401, 403, 404, 409, 415, 422))
def draft_link(call, deliverable_id):
    return DraftLinkOut(**drafts.request_link(call.principal, deliverable_id, call.body.draft_due_at))


# --- the form guard -----------------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def confirm_value(token: str, version: int) -> str:
    from chalicelib.core.signing import serializer

    return serializer(FORM_SALT).dumps([_digest(token), int(version)])


def confirmed_version(token: str, value: str | None) -> int | None:
    """The post version the page showed, if `value` is a guard we made for this token; else None."""
    if not value or len(value) > 500:
        return None
    from itsdangerous import BadData

    from chalicelib.core.signing import serializer

    try:
        digest, version = serializer(FORM_SALT).loads(value)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(digest, str) or not hmac.compare_digest(digest.encode(), _digest(token).encode()):
        return None
    return int(version) if isinstance(version, int) else None


# --- what the templates get ---------------------------------------------------------------------------

def _local(instant, zone: str) -> str:
    from chalicelib.core import schedule

    return schedule.local_label(instant, zone) if instant else ""


def _context(view, language: str) -> dict:
    """The brief, the current draft, the latest decision and the outsiders' comments, translated here
    (labels built from data are looked up in Python, not in the template)."""
    from chalicelib.core.plain import plain
    from chalicelib.deals import stored
    from chalicelib.deals.rules.terms import required_elements

    def t(key: str, **params) -> str:
        return i18n.translate(key, language, **params)

    item, deal, zone = view.item, view.deal, view.item.timezone or "UTC"
    advertiser = plain(deal.advertiser) or {}
    elements = [{"kind": t(f"deal_drafts.element.{kind}"), "value": value}
                for kind, value in required_elements(stored.terms_from_map(view.terms))]
    decision = None
    if view.decision is not None:
        d = view.decision
        decision = {"label": t(f"deal_drafts.decision.{d.decision}"), "kind": d.decision, "version": int(d.version),
                    "comment": d.comment if d.decision != "approve" else None, "at": _local(d.at, zone)}
    return dict(
        deal=deal, brand_name=getattr(view.brand, "name", ""), item=item, format_label=t(f"deal_drafts.format.{item.format}"),
        publish=_local(item.publish_at, zone), due=_local(item.draft_due_at, zone),
        expires=_local(view.claims.expires_at, zone), elements=elements,
        forbidden=list(view.terms.get("forbidden_terms") or []), disclosure=deal.disclosure,
        advertiser_name=advertiser.get("name") or getattr(view.brand, "name", ""), advertiser_inn=advertiser.get("inn"),
        erid=item.erid, waiting=view.waiting, in_review=item.status == "draft_submitted",
        status_label=t(f"deal_drafts.status.{item.status}"), draft_text=view.post.body if view.submitted else "",
        draft_media=view.media if view.submitted else [], draft_version=int(view.post.version) if view.post else 0,
        decision=decision, comments=[{"who": c.author_label, "text": c.text, "at": _local(c.at, zone)}
                                     for c in view.comments],
        drafts_sent=int(item.drafts or 0), publishable=view.publishable,
        published_url=item.url if item.url and item.url.startswith(("https://", "http://")) else None)


# --- one request --------------------------------------------------------------------------------------

def _call(token: str) -> PageCall:
    request = bp.current_request
    path = PATH.format(token=quote(token, safe=""))
    call = PageCall(request=request, request_id=request_id_of(request) or secrets.token_hex(8), path=path, back=path,
                    query=dict(request.query_params or {}), cookies={})
    call.language = i18n.from_accept_language(request.headers.get("accept-language"))
    return call


def _speak(call: PageCall, deal) -> None:
    chosen = call.query.get("lang")
    call.language = chosen if chosen in i18n.LANGUAGES else i18n.normalize(getattr(deal, "language", None))


def _answer(call: PageCall, build) -> Response:
    response = answer(call, build)
    response.headers.update(LINK_HEADERS)
    response.headers.pop("Set-Cookie", None)
    if call.request.method == "HEAD":
        response.body = ""
    return response


def _outcome(call: PageCall, status: int, kind: str, view=None, token: str = "", **extra) -> Response:
    context = _context(view, call.language) if view is not None else {}
    return call.render("deals/draft_outcome.html", status=status, kind=kind, titles=TITLES, messages=MESSAGES,
                       token_path=PATH.format(token=quote(token, safe="")) if token else "", **{**context, **extra})


def _form(call: PageCall, view, token: str, status: int = 200, error: str = "", values=None,
          published_error: str = "") -> Response:
    version = int(view.post.version) if view.post is not None else 1
    chosen = call.query.get("lang")
    return call.render("deals/draft.html", status=status, error=error, values=values or {},
                       published_error=published_error, asked_lang=chosen if chosen in i18n.LANGUAGES else None,
                       token_path=PATH.format(token=quote(token, safe="")), confirm_field=CONFIRM_FIELD,
                       confirm=confirm_value(token, version), max_text=drafts.MAX_TEXT, max_links=drafts.MAX_LINKS,
                       **_context(view, call.language))


def _open(call: PageCall, token: str):
    """(view, None) for a genuine, live link; (None, the page to answer) otherwise."""
    from chalicelib.core.clock import utcnow
    from chalicelib.core.errors import NotFound

    expired = False
    try:
        claims = links.read_token(token, utcnow())
    except links.DraftLinkTampered:
        return None, _outcome(call, 400, "tampered")
    except links.DraftLinkExpired as exc:
        claims, expired = exc.claims, True
    try:
        view = drafts.inspect(claims)
    except NotFound:
        return None, _outcome(call, 404, "gone")
    _speak(call, view.deal)
    if expired:
        return None, _outcome(call, 410, "expired", view, token)
    return view, None


def _show(call: PageCall, token: str) -> Response:
    view, refusal = _open(call, token)
    return refusal if refusal is not None else _form(call, view, token)


def _posted(call: PageCall, token: str):
    """(the link's view, the posted form, None) — or (None, None, the refusal page): the link opens, and the
    form comes from our own page (same site)."""
    from chalicelib.core.http.forms import parse_body

    view, refusal = _open(call, token)
    if refusal is not None:
        return None, None, refusal
    try:
        form = parse_body(call.request)
    except DomainError:
        form = {}
    if not same_site(call.request):
        return None, None, _outcome(call, 403, "cross_site", view, token)
    return view, form, None


def _send(call: PageCall, token: str) -> Response:
    from chalicelib.core.errors import ValidationFailed

    view, form, refusal = _posted(call, token)
    if refusal is not None:
        return refusal
    values = {"text": form.get("text", ""), "media_links": form.get("media_links", "")}
    seen = confirmed_version(token, form.get(CONFIRM_FIELD))
    if not view.waiting:
        return _outcome(call, 409, "not_waiting", view, token)
    if seen is None:
        return _form(call, view, token, 400, i18n.translate("deal_drafts.page.confirm_again", call.language), values)
    try:
        text = drafts.clean_text(values["text"])
        media = drafts.clean_links(values["media_links"])
        kind = drafts.submit(view.claims, text, media, seen, request_id=call.request_id)
    except ValidationFailed as exc:
        problem = (exc.details or [{}])[0]
        key = f"deal_drafts.form.{problem.get('field', 'text')}.{problem.get('message', 'invalid')}"
        message = i18n.translate(key if key in i18n.catalog("en") else "deal_drafts.form.invalid", call.language,
                                 max_text=drafts.MAX_TEXT, max_links=drafts.MAX_LINKS)
        return _form(call, view, token, 422, message, values)
    except drafts.DraftNotWaiting:
        return _outcome(call, 409, "not_waiting", drafts.inspect(view.claims), token)
    except drafts.DraftChanged:
        return _outcome(call, 409, "changed", drafts.inspect(view.claims), token)
    except drafts.DraftsUnavailable:
        return _outcome(call, 409, "unavailable", view, token)
    return _outcome(call, 200, kind, drafts.inspect(view.claims), token)


def _url_refused(call: PageCall, problem: dict) -> str:
    """A translated sentence for a live URL that cannot be taken: by its message (required, too_long) or
    the kind the placement checks gave it (invalid; anything else they refuse)."""
    if problem.get("message") in ("required", "too_long"):
        return i18n.translate(f"deal_drafts.published.{problem['message']}", call.language, max=drafts.MAX_LINK)
    kind = "invalid" if problem.get("kind") in ("invalid", "required", "too_long") else "refused"
    return i18n.translate(f"deal_drafts.published.{kind}", call.language)


def _published(call: PageCall, token: str) -> Response:
    """The blogger's "I published it: URL" (drafts.report_url)."""
    from chalicelib.core.errors import Conflict, ValidationFailed

    view, form, refusal = _posted(call, token)
    if refusal is not None:
        return refusal
    url = form.get("url", "").strip()
    values = {"url": url}
    if confirmed_version(token, form.get(CONFIRM_FIELD)) is None:
        return _form(call, view, token, 400, values=values,
                     published_error=i18n.translate("deal_drafts.page.confirm_again", call.language))
    try:
        kind = drafts.report_url(view.claims, url, request_id=call.request_id)
    except drafts.NotPublishable:
        return _outcome(call, 409, "not_publishable", drafts.inspect(view.claims), token)
    except ValidationFailed as exc:
        problem = (exc.details or [{}])[0]
        return _form(call, view, token, 422, values=values, published_error=_url_refused(call, problem))
    except Conflict:
        return _outcome(call, 409, "changed", drafts.inspect(view.claims), token)
    return _outcome(call, 200, "published" if kind == "published" else "published_already",
                    drafts.inspect(view.claims), token)


# --- routes ---------------------------------------------------------------------------------------------

@bp.route(PATH, methods=["GET", "HEAD"], content_types=["*/*"])
def show(token):
    call = _call(token)
    return _answer(call, lambda: _show(call, token))


@bp.route(PATH, methods=["POST"], content_types=["*/*"])
def send(token):
    call = _call(token)
    return _answer(call, lambda: _send(call, token))


@bp.route(PUBLISHED_PATH, methods=["POST"], content_types=["*/*"])
def published(token):
    call = _call(token)
    return _answer(call, lambda: _published(call, token))
