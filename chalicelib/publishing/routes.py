"""Publication targets: what went out where, and the actions on targets that need a person."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route
from chalicelib.publishing.schemas import AttemptOut, MarkPublishedIn, ResolveIn, TargetList, TargetOut

publishing = lazy_import("chalicelib.publishing.service")
bp = Blueprint(__name__)


def target_out(item, attempts=(), channel_names: dict | None = None) -> TargetOut:
    return TargetOut(
        id=item.id, post_id=item.post_id, channel_id=item.channel_id,
        channel_name=(channel_names or {}).get(item.channel_id), platform=item.platform, state=item.state,
        version=int(item.version), publish_at=item.publish_at, manual=bool(item.manual), url=item.url,
        external_id=item.external_id, last_error=item.last_error, published_at=item.published_at,
        attempts=[AttemptOut(number=int(a.number), started_at=a.started_at, finished_at=a.finished_at,
                             outcome=a.outcome, error=a.error) for a in sorted(attempts, key=lambda a: a.sk)])


def _names(targets) -> dict:
    from chalicelib.brands.channels import repo as channel_repo

    return {t.channel_id: c.name for t in targets if (c := channel_repo.get(t.channel_id)) is not None}


@json_route(bp, "/v1/posts/{post_id}/targets", "GET", tag="publishing",
            summary="Where the post goes out: one target per channel, its state, link and attempts",
            response=TargetList, errors=(401, 403, 404))
def list_targets(call, post_id):
    post, targets, attempts = publishing.list_targets(call.principal, post_id)
    names = _names(targets)
    return TargetList(post_status=post.status,
                      items=[target_out(t, attempts.get(t.channel_id, []), names) for t in targets])


def _one(item) -> TargetOut:
    from chalicelib.publishing import repo

    return target_out(item, repo.attempts(item.post_id, item.channel_id), _names([item]))


@json_route(bp, "/v1/targets/{target_id}/retry", "POST", tag="publishing",
            summary="Send a failed or missed target again now", response=TargetOut, errors=(401, 403, 404, 409))
def retry(call, target_id):
    return _one(publishing.retry(call.principal, target_id))


@json_route(bp, "/v1/targets/{target_id}/resolve", "POST", tag="publishing",
            summary="Settle an unconfirmed target: it went out (url) or send it again", body=ResolveIn,
            response=TargetOut, errors=(401, 403, 404, 409, 415, 422))
def resolve(call, target_id):
    body = call.body
    return _one(publishing.resolve(call.principal, target_id, body.outcome.value,
                                   str(body.url) if body.url else None))


@json_route(bp, "/v1/targets/{target_id}/mark-published", "POST", tag="publishing",
            summary="A target published by hand: record its link", body=MarkPublishedIn, response=TargetOut,
            errors=(401, 403, 404, 409, 415, 422))
def mark_published(call, target_id):
    return _one(publishing.mark_published(call.principal, target_id, str(call.body.url)))
