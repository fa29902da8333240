"""Post media: the upload API (storage.py describes the flow) and the media preview link of the form.

    POST /v1/brands/{brand_id}/media/uploads   where to send a file (S3 presigned POST, or our own PUT)
    PUT  /v1/media/put?token=…                 the local store's upload (no FILES_BUCKET): the raw bytes
    POST /v1/brands/{brand_id}/media           confirm an upload: checked, answered as a media item
    GET  /media/view?brand_id=…&key=…          (page) a signed-in member's redirect to a fresh link of
                                               the file: the form's previews of saved media, without JS
"""
from __future__ import annotations

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib.core.http.api import json_route as open_route
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Id, Input, Output
from chalicelib.identity.doors import json_route, page
from chalicelib.media.schemas import KEY_PATTERN, MediaConfirm, MediaOut, UploadOut, UploadStart

media = lazy_import("chalicelib.media.service")
bp = Blueprint(__name__)
TAG = "media"


class PutQuery(Input):
    token: str = Field(min_length=1, max_length=2048, description="The signed upload token of /media/uploads")


class PutOut(Output):
    key: str


class ViewQuery(Input):
    brand_id: Id
    key: str = Field(max_length=300, pattern=KEY_PATTERN)


@json_route(bp, "/v1/brands/{brand_id}/media/uploads", "POST", tag=TAG,
            summary="Start an upload of an image or video for a post: where the browser sends the file",
            body=UploadStart, response=UploadOut, status=201, errors=(401, 403, 404, 415, 422))
def start_upload(call, brand_id):
    body = call.body
    return UploadOut(**media.start_upload(call.principal, brand_id, body.name, body.type, body.size))


@open_route(bp, "/v1/media/put", "PUT", tag=TAG, auth=False, query=PutQuery, raw_body="application/octet-stream",
            summary="The local file store's upload target (no FILES_BUCKET): the signed token is the permission",
            response=PutOut, status=201, errors=(400, 404, 413, 422))
def put_local(call):
    from chalicelib.core.errors import NotFound
    from chalicelib.core.settings import get_settings

    if get_settings().FILES_BUCKET.strip():
        raise NotFound("Uploads go to S3 in this stage.")
    grant = media.check_put(call.query.token, call.request.headers.get("content-length"))  # before the body
    return PutOut(key=media.receive_put(call.query.token, call.request.raw_body or b"", grant))


@json_route(bp, "/v1/brands/{brand_id}/media", "POST", tag=TAG,
            summary="Confirm an upload: size and type (by the file's first bytes) checked; the media item",
            body=MediaConfirm, response=MediaOut, status=201, errors=(401, 403, 404, 422))
def confirm(call, brand_id):
    body = call.body
    return MediaOut(**media.confirm(call.principal, brand_id, body.key, body.name, body.alt))


@page(bp, "/media/view")
def view(call):
    from pydantic import ValidationError

    from chalicelib.core.errors import NotFound
    from chalicelib.identity.rules import Permission
    from chalicelib.media import storage

    try:
        query = ViewQuery(**{k: call.query.get(k) for k in ("brand_id", "key")})
    except (ValidationError, TypeError):
        raise NotFound("No such file.") from None
    if storage.brand_of_key(query.key) != query.brand_id:
        raise NotFound("No such file.")
    if not (call.principal.can(query.brand_id, Permission.view_posts)
            or call.principal.can(query.brand_id, Permission.view_asked_posts)):
        raise NotFound("No such file.")
    return Response(body="", status_code=302, headers={"Location": storage.link(query.key, ""),
                                                      "Cache-Control": "private, max-age=60"})
