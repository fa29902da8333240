"""Slack's interactivity request URL (not in the OpenAPI document: Slack, not people, calls it).

  POST /slack/interactions              the workspace app (SLACK_SIGNING_SECRET)
  POST /slack/interactions/{brand_id}   a brand's own Slack app (its slack_signing_secret_ref, else the above)

The v0 signature over the raw body is checked first (5-minute window) — 401 before anything is
parsed. Then the form field `payload` (JSON) goes to approvals/slack/service.handle. The answer is
200 (empty, or a modal response) — refusals are told to the person inside Slack; a malformed payload
is 400; nothing here answers 500.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs

from chalice import Blueprint, Response

from chalicelib.core.errors import DomainError
from chalicelib.core.http.api import PATH_ID, crash_response, domain_error_response, error_response, request_id_of
from chalicelib.core.lazy import lazy_import

slack_approvals = lazy_import("chalicelib.approvals.slack.service")
slack = lazy_import("chalicelib.notifications.slack")

bp = Blueprint(__name__)
MAX_BODY_BYTES = 256 * 1024
FORM = "application/x-www-form-urlencoded"


def _raw_body(request) -> bytes:
    raw = request.raw_body or b""
    return raw.encode("utf-8") if isinstance(raw, str) else raw


def _interaction(brand_id: str | None) -> Response:
    request = bp.current_request
    request_id = request_id_of(request, bp)
    try:
        raw = _raw_body(request)
        if len(raw) > MAX_BODY_BYTES:
            return error_response(400, "bad_request", "The body is too large.")
        if brand_id is not None and not PATH_ID.match(brand_id):
            return error_response(404, "not_found", "No such brand.")
        secret = slack_approvals.signing_secret_for(brand_id)
        if not slack.verify(secret, raw, request.headers):
            return error_response(401, "bad_signature",
                                  "The Slack signature is missing, wrong or older than five minutes.")
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != FORM:
            return error_response(415, "unsupported_media_type", f"Slack sends interactions as {FORM}.")
        try:
            form = parse_qs(raw.decode("utf-8"), strict_parsing=False, max_num_fields=20)
            payload = json.loads(form["payload"][0])
        except (UnicodeDecodeError, ValueError, KeyError, IndexError):
            return error_response(400, "bad_request", "Expected a form field 'payload' holding JSON.")
        answer = slack_approvals.handle(payload, brand_id=brand_id, request_id=request_id)
    except DomainError as exc:
        return domain_error_response(exc)
    except Exception as exc:  # noqa: BLE001 - a crash still answers; Slack shows the person an error
        return crash_response(exc, request_id)
    if answer is None:
        return Response(body="", status_code=200, headers={"Cache-Control": "no-store"})
    return Response(body=json.dumps(answer, ensure_ascii=False), status_code=200,
                    headers={"Content-Type": "application/json", "Cache-Control": "no-store"})


# Any Content-Type reaches the view, so a wrong one gets our JSON error (after the signature check).
@bp.route("/slack/interactions", methods=["POST"], content_types=["*/*"])
def interactions():
    return _interaction(None)


@bp.route("/slack/interactions/{brand_id}", methods=["POST"], content_types=["*/*"])
def brand_interactions(brand_id):
    return _interaction(brand_id)
