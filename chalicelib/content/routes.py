"""Posts, the approval workflow, comments, versions and history."""
from __future__ import annotations

import json

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib.core.http.api import JSON_HEADERS, json_route
from chalicelib.core.db.reads import plain
from chalicelib.core.errors import BadRequest, Conflict, NotFound, UnsupportedMediaType, ValidationFailed
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Input, Output, PageQuery
from chalicelib.content.schemas import CommentIn, CommentList, CommentOut, DecisionIn, DecisionOut, HistoryOut, PostCreate, PostList, PostOut, PostPatch, PostQuery, RangeBound, VersionOut

posts = lazy_import("chalicelib.content.service")
bp = Blueprint(__name__)


class DiffQuery(Input):
    from_: int = Field(alias="from", ge=1, description="older version")
    to: int = Field(ge=1, description="newer version")


def post_out(item, notices: list[str] = ()) -> PostOut:
    from chalicelib.content import repo

    state = repo.state_of(item)
    approval = repo.approval_of(item)
    stage = state.current_stage
    return PostOut(
        id=item.id, brand_id=item.brand_id, author_id=item.author_id, title=item.title or "", body=item.body or "",
        channel_ids=list(item.channel_ids or []), content_type=item.content_type, publish_at=item.publish_wall,
        timezone=item.timezone, publish_at_utc=item.publish_at, variants=plain(item.variants) or {},
        media=plain(item.media) or [], links=list(item.links or []), tags=list(item.tags or []),
        assignee_ids=list(item.assignee_ids or []), campaign_id=item.campaign_id, due_at=item.due_at,
        status=item.status, hold=bool(item.hold), version=int(item.version), content_hash=item.content_hash,
        approval={"chain_id": approval.get("chain_id"), "stage_index": state.stage_index if stage else None,
                  "current_stage": stage.name if stage else None, "waiting_for": sorted(state.waiting_for()),
                  "stages": approval.get("stages") or [], "approved_by": sorted(
                      {v.user_id for v in state.votes if v.decision.value == "approve"}),
                  "deadline": approval.get("deadline") if stage else None,
                  "on_miss": approval.get("on_miss")},
        notices=list(notices), created_at=item.created_at, updated_at=item.updated_at)


def _if_match(headers) -> int | None:
    raw = (headers.get("if-match") or "").strip()
    if not raw:
        return None
    raw = raw.removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise BadRequest("If-Match must be the post's version number.")
    return int(raw)


@json_route(bp, "/v1/posts", "POST", tag="posts", summary="Create a post (honours Idempotency-Key)",
            body=PostCreate, response=PostOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def create_post(call):
    def create():
        post, notices = posts.create(call.principal, call.body)
        return post_out(post, notices)

    key = (call.headers.get("idempotency-key") or "").strip()
    if not key:
        return create()
    from chalicelib.core.http import idempotency

    status, body = idempotency.answer_once(
        call.principal.user_id, key, call.request.raw_body,
        lambda: (201, json.dumps(create().model_dump(mode="json"), ensure_ascii=False)))
    return Response(body=body, status_code=status, headers=JSON_HEADERS)


@json_route(bp, "/v1/posts", "GET", tag="posts", summary="Posts of a brand by publish time (calendar range)",
            query=PostQuery, response=PostList, errors=(401, 403, 404, 422))
def list_posts(call):
    page = posts.list_posts(call.principal, call.query)
    return PostList(items=[post_out(p) for p in page.items], cursor=page.cursor)


def _post_key(post_id: str) -> list:
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key

    return [(PostItem, *post_key(post_id))]


@json_route(bp, "/v1/posts/{post_id}", "GET", tag="posts", summary="One post", response=PostOut,
            errors=(401, 404), prefetch=_post_key)
def get_post(call, post_id):
    post = posts.get(call.principal, post_id)
    return Response(body=json.dumps(post_out(post).model_dump(mode="json"), ensure_ascii=False), status_code=200,
                    headers={**JSON_HEADERS, "ETag": f'"{post.version}"'})


@json_route(bp, "/v1/posts/{post_id}", "PATCH", tag="posts",
            summary="Change a post (current version in If-Match or the body)", body=PostPatch, response=PostOut,
            errors=(401, 403, 404, 409, 415, 422))
def patch_post(call, post_id):
    post, notices = posts.update(call.principal, post_id, call.body, _if_match(call.headers))
    return post_out(post, notices)


def _transition(name: str, summary: str, action):
    @json_route(bp, f"/v1/posts/{{post_id}}/{name}", "POST", tag="workflow", summary=summary, response=PostOut,
                errors=(401, 403, 404, 409))
    def view(call, post_id):
        return post_out(action(call.principal, post_id))

    view.__name__ = f"post_{name}"
    return view


submit = _transition("submit", "Send a draft into review", lambda p, i: posts.submit(p, i))
hold = _transition("hold", "Freeze publishing", lambda p, i: posts.set_hold(p, i, True))
release = _transition("release", "Lift the hold", lambda p, i: posts.set_hold(p, i, False))
archive = _transition("archive", "Archive the post", lambda p, i: posts.archive(p, i))


@json_route(bp, "/v1/posts/{post_id}/decisions", "POST", tag="workflow",
            summary="Approve, request changes or reject a version", body=DecisionIn, response=PostOut,
            errors=(401, 403, 404, 409, 415, 422))
def decide(call, post_id):
    return post_out(posts.decide(call.principal, post_id, call.body))


@json_route(bp, "/v1/posts/{post_id}/comments", "GET", tag="posts", summary="Comments", query=PageQuery,
            response=CommentList, errors=(401, 403, 404, 422))
def list_comments(call, post_id):
    page = posts.list_comments(call.principal, post_id, call.query.cursor, call.query.limit)
    return CommentList(items=[CommentOut.model_validate(c) for c in page.items], cursor=page.cursor)


@json_route(bp, "/v1/posts/{post_id}/comments", "POST", tag="posts", summary="Comment (internal or external)",
            body=CommentIn, response=CommentOut, status=201, errors=(401, 403, 404, 415, 422))
def add_comment(call, post_id):
    return CommentOut.model_validate(posts.add_comment(call.principal, post_id, call.body.text, call.body.visibility))


@json_route(bp, "/v1/posts/{post_id}/versions/{number}", "GET", tag="posts", summary="One version of a post",
            response=VersionOut, errors=(401, 404))
def get_version(call, post_id, number):
    if not number.isdigit() or len(number) > 6:
        raise NotFound("No such version.")
    item = posts.version(call.principal, post_id, int(number))
    return VersionOut(version=int(item.version), content=plain(item.content), content_hash=item.content_hash,
                      author_id=item.author_id, created_at=item.created_at)


@json_route(bp, "/v1/posts/{post_id}/diff", "GET", tag="posts", summary="What changed between two versions",
            query=DiffQuery, errors=(401, 404, 422))
def version_diff(call, post_id):
    changes = posts.version_diff(call.principal, post_id, call.query.from_, call.query.to)
    return {"from": call.query.from_, "to": call.query.to, "changes": [c.__dict__ for c in changes]}


@json_route(bp, "/v1/posts/{post_id}/history", "GET", tag="posts", summary="Versions, decisions and audit",
            response=HistoryOut, errors=(401, 404))
def history(call, post_id):
    data = posts.history(call.principal, post_id)
    return HistoryOut(
        versions=[VersionOut(version=int(v.version), content=plain(v.content), content_hash=v.content_hash,
                             author_id=v.author_id, created_at=v.created_at) for v in data["versions"]],
        decisions=[DecisionOut.model_validate(d) for d in data["decisions"]],
        audit=[{"at": a.at, "action": a.action, "actor": a.actor_label, "via": a.via, "version": a.version,
                "before": plain(a.before), "after": plain(a.after)} for a in data["audit"]])



class PlanRange(Input):
    from_: RangeBound | None = Field(default=None, alias="from", description="UTC date (inclusive)")
    to: RangeBound | None = Field(default=None, description="UTC date (exclusive)")


class ImportResult(Output):
    created: list[str]
    updated: list[str]


@json_route(bp, "/v1/brands/{brand_id}/content-plan.csv", "GET", tag="posts",
            summary="The content plan as CSV (UTF-8 with BOM)", query=PlanRange, raw_response="text/csv",
            errors=(401, 403, 404, 422))
def export_plan(call, brand_id):
    from chalicelib.plan import service as content_plan

    data = content_plan.export(call.principal, brand_id, call.query.from_, call.query.to)
    return Response(body=data.decode("utf-8"), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="content-plan-{brand_id}.csv"'})


@json_route(bp, "/v1/brands/{brand_id}/content-plan", "POST", tag="posts",
            summary="Import a content-plan CSV (all rows or none)", raw_body="text/csv", response=ImportResult,
            errors=(401, 403, 404, 415, 422))
def import_plan(call, brand_id):
    from chalicelib.plan import service as content_plan

    content_type = (call.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type not in ("text/csv", "application/csv"):
        raise UnsupportedMediaType("Send the file with 'Content-Type: text/csv'.")
    raw = call.request.raw_body or b""
    return ImportResult(**content_plan.import_plan(call.principal, brand_id, raw))
