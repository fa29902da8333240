"""The pages behind signed approval links: `/a/<token>` (email buttons, Slack "Open", anywhere).

No sign-in and no session CSRF cookie: the signed token (approvals/tokens.py) is the credential.

  GET/HEAD /a/<token>      a confirmation page: the post as the approver was asked about it, who asked,
                           the deadline in the approver's zone, external comments, earlier decisions
                           of the stage, and a form. Never writes anything (mail scanners, Outlook
                           SafeLinks and Slack's unfurler fetch every link). HEAD: same status and
                           headers, no body.
  POST /a/<token>          records the decision once through approvals/links/service.act (the same
                           service as the web page); every other outcome is a page with its status:
                           done 200 · already used 409 · stale version 409 (with the diff) · not
                           waiting 409 · expired 410 · tampered 400 · missing comment 422.
  POST /a/<token>/renew    "send me a new link" (works for an expired but genuine token too).

Cross-site form posts: a POST must carry `confirm`, a value signed (salt "approval-action-form")
from the token, which only a page we rendered holds — so a bare POST to a link URL (a scanner, a
pre-fetcher, another site that merely knows the link) records nothing. On top, an Origin or Referer
header naming another site is refused. The page is served with `Referrer-Policy: no-referrer`, so a
browser posting our own form sends `Origin: null`; that is accepted (the signed field decides).

The page speaks the approver's language (the user the token names), unless ?lang= asks otherwise.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote, urlparse

from chalice import Blueprint, Response

from chalicelib.content.rules import channel_text
from chalicelib.core import i18n, schedule
from chalicelib.core.errors import DomainError
from chalicelib.core.http.api import request_id_of
from chalicelib.core.http.pages import PageCall, answer
from chalicelib.core.lazy import lazy_import

action_tokens = lazy_import("chalicelib.approvals.tokens")
approval_actions = lazy_import("chalicelib.approvals.links.service")

bp = Blueprint(__name__)

PATH = "/a/{token}"
FORM_SALT = "approval-action-form"
CONFIRM_FIELD = "confirm"
CHOICES = ("approve", "request_changes")  # what an "open" link offers
LINK_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
DECISION_KEYS = {"approve": "post.decision.approve", "request_changes": "post.decision.request_changes",
                 "reject": "post.decision.reject"}
FIELD_KEYS = {"title": "post.field.title", "body": "post.field.body", "channel_ids": "post.field.channels",
              "content_type": "post.field.content_type", "tags": "post.field.tags",
              "publish_at": "post.field.publish_at", "links": "post.field.links", "media": "action.field.media",
              "variants": "action.field.variants", "due_at": "post.field.due_at"}


# --- the form guard ---------------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


def confirm_value(token: str) -> str:
    from chalicelib.core.signing import serializer

    return serializer(FORM_SALT).dumps(_digest(token))


def confirm_ok(token: str, value: str | None) -> bool:
    if not value or len(value) > 500:
        return False
    from itsdangerous import BadData

    from chalicelib.core.signing import serializer

    try:
        got = serializer(FORM_SALT).loads(value)
    except BadData:
        return False
    return isinstance(got, str) and hmac.compare_digest(got.encode(), _digest(token).encode())


def _our_origins(request) -> set[str]:
    from chalicelib.core.settings import get_settings

    base = urlparse(get_settings().PUBLIC_BASE_URL)
    origins = {f"{base.scheme}://{base.netloc}".lower()}
    host = request.headers.get("host")
    if host:
        origins |= {f"https://{host}".lower(), f"http://{host}".lower()}
    return origins


def same_site(request) -> bool:
    """False when the browser tells us the form came from another site (Origin, else Referer)."""
    origin = (request.headers.get("origin") or "").strip().lower()
    if origin and origin != "null":
        return origin in _our_origins(request)
    referer = (request.headers.get("referer") or "").strip()
    if referer:
        parts = urlparse(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() in _our_origins(request)
    return True


# --- one request ----------------------------------------------------------------------------------

def _call(token: str, path: str) -> PageCall:
    request = bp.current_request
    call = PageCall(request=request, request_id=request_id_of(request) or secrets.token_hex(8),
                    path=path, back=PATH.format(token=quote(token, safe="")),
                    query=dict(request.query_params or {}), cookies={})
    call.language = i18n.from_accept_language(request.headers.get("accept-language"))
    return call


def _speak_to(call: PageCall, approver) -> None:
    """The approver's language; an explicit ?lang= (the footer switch) wins."""
    chosen = call.query.get("lang")
    if chosen in i18n.LANGUAGES:
        call.language = chosen
    elif approver is not None:
        call.language = i18n.normalize(getattr(approver, "language", None))


def _answer(call: PageCall, build) -> Response:
    """pages.answer (a domain error, e.g. the approver left the brand, is a page with its status,
    never a 500), with the link pages' own headers."""
    response = answer(call, build)
    response.headers.update(LINK_HEADERS)
    response.headers.pop("Set-Cookie", None)  # nothing to remember: the link is the credential
    if call.request.method == "HEAD":
        response.body = ""
    return response


def _read(token: str, now):
    """(claims, expired?) — TamperedLink propagates."""
    try:
        return action_tokens.read(token, now), False
    except action_tokens.ExpiredLink as exc:
        return exc.claims, True


def _inspect(claims):
    from chalicelib.core.errors import NotFound

    try:
        return approval_actions.inspect(claims)
    except NotFound:
        return None


# --- what the templates get -----------------------------------------------------------------------

def _zone(view) -> str:
    from chalicelib.notifications import rules as preferences

    fallback = getattr(view.brand, "timezone", None) or "UTC"
    return preferences.zone_of(view.approver, fallback) if view.approver is not None else fallback


def _local(instant, zone: str) -> str:
    return schedule.local_label(instant, zone) if instant else ""


def _changes(view) -> list[dict]:
    from chalicelib.content.rules.diff import inline_word_diff

    out = []
    for change in view.changes:
        item = {"key": FIELD_KEYS.get(change.field), "field": change.field, "kind": change.kind,
                "runs": None, "before": change.before, "after": change.after}
        if isinstance(change.before, str) and isinstance(change.after, str):
            item["runs"] = inline_word_diff(change.before, change.after)
        out.append(item)
    return out


def _decisions(decisions: list, zone: str) -> list[dict]:
    return [{"who": d.user_label, "decision_key": DECISION_KEYS.get(d.decision, "post.decision.approve"),
             "comment": d.comment, "via": d.via, "at": _local(d.at, zone)}
            for d in sorted(decisions, key=lambda d: d.at)]


def _context(view, token: str) -> dict:
    zone = _zone(view)
    content = view.content or {}
    from chalicelib.content import repo as post_repo

    approval_stages = post_repo.approval_of(view.post).get("stages") or []
    return dict(
        token_path=PATH.format(token=quote(token, safe="")), confirm_field=CONFIRM_FIELD,
        confirm=confirm_value(token), action=view.claims.action, choices=CHOICES,
        post=view.post, brand=view.brand, approver=view.approver, zone=zone,
        title=content.get("title") or getattr(view.post, "title", "") or "",
        version=view.claims.version, stage_name=view.stage_name, stage_number=view.claims.stage + 1,
        stage_count=len(approval_stages),
        asked_by=getattr(view.asked_by, "name", "") if view.asked_by is not None else "",
        deadline=_local(view.deadline, zone), expires=_local(view.claims.expires_at, zone),
        publish_time=_local(view.post.publish_at, zone) if getattr(view.post, "publish_at", None) else "",
        texts=channel_text.texts_as_published(content, view.channels), channels=view.channels,
        media=content.get("media") or [], links_out=content.get("links") or [],
        comments=[{"who": c.author_label, "text": c.text, "at": _local(c.at, zone)} for c in view.comments],
        decisions=_decisions(view.decisions, zone), changes=_changes(view),
        status_key=f"post.status.{view.post.status}" if f"post.status.{view.post.status}" in i18n.catalog("en")
        else "post.status.in_review",
    )


def _outcome(call: PageCall, status: int, kind: str, view=None, token: str = "", **extra) -> Response:
    context = _context(view, token) if view is not None else {}
    renew_path = PATH.format(token=quote(token, safe="")) + "/renew" if token else ""
    context = {**context, "confirm_field": CONFIRM_FIELD, "confirm": confirm_value(token) if token else "", **extra}
    return call.render("action_outcome.html", status=status, kind=kind, titles=OUTCOME_TITLES, renew_path=renew_path,
                       **context)


def _form_page(call: PageCall, view, token: str, status: int = 200, error: str = "", values=None) -> Response:
    return call.render("action.html", status=status, error=error, values=values or {}, **_context(view, token))


OUTCOME_TITLES = {kind: f"action.{kind}.title" for kind in (
    "done", "used", "stale", "not_waiting", "expired", "tampered", "gone", "forbidden", "cross_site", "renewed",
    "renew_throttled", "renew_none")}
STATE_PAGES = {"used": (409, "used"), "stale": (409, "stale"), "not_waiting": (409, "not_waiting")}


def _open(call: PageCall, token: str):
    """(view, None) for a genuine, live link; (None, the page to answer) for a damaged, gone or expired one."""
    from chalicelib.core.clock import utcnow

    try:
        claims, expired = _read(token, utcnow())
    except action_tokens.TamperedLink:
        return None, _outcome(call, 400, "tampered")
    view = _inspect(claims)
    if view is None:
        return None, _outcome(call, 404, "gone")
    _speak_to(call, view.approver)
    if expired:
        return None, _outcome(call, 410, "expired", view, token)
    return view, None


def _show(call: PageCall, token: str) -> Response:
    view, refusal = _open(call, token)
    if refusal is not None:
        return refusal
    if view.state in STATE_PAGES:
        status, kind = STATE_PAGES[view.state]
        return _outcome(call, status, kind, view, token)
    return _form_page(call, view, token)


def _act(call: PageCall, token: str) -> Response:
    from chalicelib.core.errors import Forbidden, ValidationFailed
    from chalicelib.core.http.forms import parse_body

    view, refusal = _open(call, token)
    if refusal is not None:
        return refusal
    claims = view.claims
    try:
        form = parse_body(call.request)
    except DomainError:
        form = {}
    if not same_site(call.request):
        return _outcome(call, 403, "cross_site", view, token)
    values = {"decision": form.get("decision", ""), "comment": form.get("comment", "")}
    if not confirm_ok(token, form.get(CONFIRM_FIELD)):
        if view.state == "open":
            return _form_page(call, view, token, 400, i18n.translate("action.confirm_again", call.language), values)
        return _outcome(call, STATE_PAGES.get(view.state, (409, "not_waiting"))[0],
                        STATE_PAGES.get(view.state, (409, "not_waiting"))[1], view, token)
    decision = claims.action if claims.action != "open" else values["decision"]
    if decision not in DECISION_KEYS:
        if view.state != "open":
            status, kind = STATE_PAGES[view.state]
            return _outcome(call, status, kind, view, token)
        return _form_page(call, view, token, 422, i18n.translate("action.choose", call.language), values)
    try:
        post = approval_actions.act(claims, decision, values["comment"], via="email", request_id=call.request_id)
    except approval_actions.AlreadyDecided:
        return _outcome(call, 409, "used", approval_actions.inspect(claims), token)
    except approval_actions.StaleVersion:
        return _outcome(call, 409, "stale", approval_actions.inspect(claims), token)
    except approval_actions.NotWaiting:
        return _outcome(call, 409, "not_waiting", approval_actions.inspect(claims), token)
    except ValidationFailed:
        return _form_page(call, view, token, 422, i18n.translate("action.comment_required", call.language), values)
    except Forbidden:
        return _outcome(call, 403, "forbidden", view, token)
    return _outcome(call, 200, "done", view, token, decided=DECISION_KEYS[decision],
                    comment=(values["comment"] or "").strip(), **_next_step(post, claims, view))


def _next_step(post, claims, view) -> dict:
    """What happens now, for the done page: (a key, its parameters)."""
    from chalicelib.content import repo as post_repo

    zone = _zone(view)
    status = str(post.status)
    if status == "in_review":
        state = post_repo.state_of(post)
        if state.stage_index > claims.stage and state.current_stage is not None:
            return {"next_key": "action.next.next_stage", "next_params": {"stage": state.current_stage.name}}
        return {"next_key": "action.next.others", "next_params": {}}
    if status in ("approved", "scheduled"):
        when = _local(post.publish_at, zone) if getattr(post, "publish_at", None) else ""
        if when:
            return {"next_key": "action.next.scheduled", "next_params": {"time": when}}
        return {"next_key": "action.next.approved", "next_params": {}}
    if status == "changes_requested":
        author = getattr(view.asked_by, "name", "") if view.asked_by is not None else ""
        return {"next_key": "action.next.changes", "next_params": {"author": author or "—"}}
    if status == "rejected":
        return {"next_key": "action.next.rejected", "next_params": {}}
    return {"next_key": "action.next.recorded", "next_params": {}}


def _renew(call: PageCall, token: str) -> Response:
    from chalicelib.content import repo as post_repo
    from chalicelib.content.rules import workflow as wf
    from chalicelib.core.clock import utcnow
    from chalicelib.core.http.forms import parse_body

    try:
        claims, _expired = _read(token, utcnow())
    except action_tokens.TamperedLink:
        return _outcome(call, 400, "tampered")
    view = _inspect(claims)
    if view is None:
        return _outcome(call, 404, "gone")
    _speak_to(call, view.approver)
    try:
        form = parse_body(call.request)
    except DomainError:
        form = {}
    if not same_site(call.request) or not confirm_ok(token, form.get(CONFIRM_FIELD)):
        return _outcome(call, 403, "cross_site", view, token)
    state = post_repo.state_of(view.post)
    waiting = state.status is wf.Status.in_review and claims.user_id in state.waiting_for()
    if approval_actions.request_new_link(claims):
        return _outcome(call, 200, "renewed", view, token, email=getattr(view.approver, "email", ""))
    return _outcome(call, 200, "renew_throttled" if waiting else "renew_none", view, token)


# --- routes ---------------------------------------------------------------------------------------

@bp.route(PATH, methods=["GET", "HEAD"], content_types=["*/*"])
def show(token):
    call = _call(token, PATH.format(token=quote(token, safe="")))
    return _answer(call, lambda: _show(call, token))


@bp.route(PATH, methods=["POST"], content_types=["*/*"])
def act(token):
    call = _call(token, PATH.format(token=quote(token, safe="")))
    return _answer(call, lambda: _act(call, token))


@bp.route(PATH + "/renew", methods=["POST"], content_types=["*/*"])
def renew(token):
    call = _call(token, PATH.format(token=quote(token, safe="")) + "/renew")
    return _answer(call, lambda: _renew(call, token))

