"""The approval workflow on a post: send it into review, decide on a version."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.content.schemas import DecisionIn, PostOut
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route

approvals = lazy_import("chalicelib.approvals.service")
bp = Blueprint(__name__)


@json_route(bp, "/v1/posts/{post_id}/submit", "POST", tag="workflow", summary="Send a draft into review",
            response=PostOut, errors=(401, 403, 404, 409))
def post_submit(call, post_id):
    return PostOut.of(approvals.submit(call.principal, post_id))


@json_route(bp, "/v1/posts/{post_id}/decisions", "POST", tag="workflow",
            summary="Approve, request changes or reject a version", body=DecisionIn, response=PostOut,
            errors=(401, 403, 404, 409, 415, 422))
def decide(call, post_id):
    return PostOut.of(approvals.decide(call.principal, post_id, call.body))
