"""Posts: create, read, edit, hold, release, archive; comments, versions, their diff and history."""
from __future__ import annotations

import json

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib.content.schemas import (
    CommentIn,
    CommentList,
    CommentOut,
    DecisionOut,
    HistoryOut,
    PostCreate,
    PostList,
    PostOut,
    PostPatch,
    PostQuery,
    VersionOut,
)
from chalicelib.core.errors import NotFound
from chalicelib.core.http.api import JSON_HEADERS, if_match
from chalicelib.core.lazy import lazy_import
from chalicelib.core.plain import plain
from chalicelib.core.schemas import Input, PageQuery
from chalicelib.identity.doors import json_route

posts = lazy_import("chalicelib.content.service")
bp = Blueprint(__name__)


class DiffQuery(Input):
    from_: int = Field(alias="from", ge=1, description="older version")
    to: int = Field(ge=1, description="newer version")



@json_route(bp, "/v1/posts", "POST", tag="posts", summary="Create a post (honours Idempotency-Key)",
            body=PostCreate, response=PostOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def create_post(call):
    def create():
        post, notices = posts.create(call.principal, call.body)
        return PostOut.of(post, notices)

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
    return PostList(items=[PostOut.of(p) for p in page.items], cursor=page.cursor)


def _post_key(post_id: str) -> list:
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key

    return [(PostItem, *post_key(post_id))]


@json_route(bp, "/v1/posts/{post_id}", "GET", tag="posts", summary="One post", response=PostOut,
            errors=(401, 404), prefetch=_post_key)
def get_post(call, post_id):
    post = posts.get(call.principal, post_id)
    return Response(body=json.dumps(PostOut.of(post).model_dump(mode="json"), ensure_ascii=False), status_code=200,
                    headers={**JSON_HEADERS, "ETag": f'"{post.version}"'})


@json_route(bp, "/v1/posts/{post_id}", "PATCH", tag="posts",
            summary="Change a post (current version in If-Match or the body)", body=PostPatch, response=PostOut,
            errors=(401, 403, 404, 409, 415, 422))
def patch_post(call, post_id):
    post, notices = posts.update(call.principal, post_id, call.body, if_match(call.headers, "the post's"))
    return PostOut.of(post, notices)


def _transition(name: str, summary: str, action):
    @json_route(bp, f"/v1/posts/{{post_id}}/{name}", "POST", tag="workflow", summary=summary, response=PostOut,
                errors=(401, 403, 404, 409))
    def view(call, post_id):
        return PostOut.of(action(call.principal, post_id))

    view.__name__ = f"post_{name}"
    return view


hold = _transition("hold", "Freeze publishing", lambda p, i: posts.set_hold(p, i, True))
release = _transition("release", "Lift the hold", lambda p, i: posts.set_hold(p, i, False))
archive = _transition("archive", "Archive the post", lambda p, i: posts.archive(p, i))


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
    if not (number.isascii() and number.isdigit()) or len(number) > 6:
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
