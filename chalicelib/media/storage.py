"""Post media in the artifact store (core/files.py): where the browser sends a file, and what is stored.

Two ways in, one flow for the browser (static/media_upload.js):
  1. POST /v1/brands/{brand_id}/media/uploads {name, type, size} -> {key, method, url, fields, headers}
  2. the browser sends the file there itself:
       S3 (FILES_BUCKET set)  a presigned POST to the bucket (method POST, `fields` first, then `file`);
                              S3 enforces the key, the declared type and content-length-range 1..cap
       local (.data/files)    PUT to our own /v1/media/put?token=<token> (method PUT, the raw bytes); the token is
                              signed like a presigned URL (key, type, size, expiry) and the handler writes
                              through core/files.put
  3. POST /v1/brands/{brand_id}/media {key, name, alt} -> the media item, after `probe` read the object's
     size, stored type and first bytes (its real type); a file that is not what it said is deleted.

Keys: media/<brand id>/<upload id>/file.<ext> — built from ids only, so a key names its brand and a post
of another brand cannot use it. boto3 and the settings are imported on first use.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.media import rules

UPLOAD_SECONDS = 15 * 60
PUT_SALT = "media-upload"
PUT_PATH = "/v1/media/put"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
              "video/mp4": "mp4", "video/quicktime": "mov"}


@dataclass(frozen=True)
class Probe:
    size: int
    content_type: str  # as stored (what the uploader declared)
    head: bytes  # the first rules.SNIFF_BYTES bytes


def new_key(brand_id: str, upload_id: str, content_type: str) -> str:
    return f"media/{brand_id}/{upload_id}/file.{EXTENSIONS[content_type]}"


def brand_of_key(key: str) -> str | None:
    parts = key.split("/") if isinstance(key, str) else []
    return parts[1] if len(parts) == 4 and parts[0] == "media" else None


def _bucket() -> str:
    from chalicelib.core.settings import get_settings

    return get_settings().FILES_BUCKET.strip()


def _s3():
    from chalicelib.core import deps

    return deps.aws_client("s3")


def upload_target(key: str, content_type: str, size: int) -> dict:
    """Where and how the browser sends the file (see the module docstring)."""
    cap = rules.MAX_IMAGE_BYTES if rules.kind_of(content_type) == "image" else rules.MAX_VIDEO_BYTES
    bucket = _bucket()
    if bucket:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.core.errors import Upstream

        try:
            post = _s3().generate_presigned_post(
                bucket, key, ExpiresIn=UPLOAD_SECONDS,
                Fields={"Content-Type": content_type, "x-amz-server-side-encryption": "AES256"},
                Conditions=[{"Content-Type": content_type}, {"x-amz-server-side-encryption": "AES256"},
                            ["content-length-range", 1, cap]])
        except (BotoCoreError, ClientError) as exc:
            raise Upstream(f"The file store (S3) could not prepare the upload ({type(exc).__name__}).") from None
        return {"key": key, "method": "POST", "url": post["url"], "fields": post["fields"], "headers": {}}
    from chalicelib.core.http.pages import url
    from chalicelib.core.signing import timed_serializer

    token = timed_serializer(PUT_SALT).dumps({"k": key, "t": content_type, "s": size})
    return {"key": key, "method": "PUT", "url": url(PUT_PATH, token=token), "fields": {},
            "headers": {"Content-Type": "application/octet-stream"}}


def read_put_token(token: str) -> dict:
    """{"k": key, "t": type, "s": size} of a genuine, unexpired local upload token; ValueError else."""
    from itsdangerous import BadData

    from chalicelib.core.signing import timed_serializer

    if not isinstance(token, str) or not token or len(token) > 2048:
        raise ValueError("bad token")
    try:
        payload = timed_serializer(PUT_SALT).loads(token, max_age=UPLOAD_SECONDS)
    except BadData:
        raise ValueError("bad token") from None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), t) for k, t in
                                                (("k", str), ("t", str), ("s", int))):
        raise ValueError("bad token")
    return payload


def store_local(key: str, data: bytes, content_type: str) -> None:
    """The local upload: written through core/files (atomic, 0600, never replacing a file)."""
    from chalicelib.core import files

    files.put(key, data, content_type=content_type, max_bytes=rules.MAX_VIDEO_BYTES)


def probe(key: str) -> Probe | None:
    """Size, stored type and first bytes of the object under `key`; None when nothing is stored."""
    bucket = _bucket()
    if bucket:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.core.errors import Upstream

        client = _s3()
        try:
            head = client.head_object(Bucket=bucket, Key=key)
            first = client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{rules.SNIFF_BYTES - 1}")["Body"].read()
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise Upstream("The file store (S3) could not read the upload; try again in a minute.") from None
        except BotoCoreError:
            raise Upstream("The file store (S3) could not read the upload; try again in a minute.") from None
        return Probe(int(head.get("ContentLength") or 0), head.get("ContentType") or "", first)
    from chalicelib.core import files

    try:
        data, meta = files.get(key)
    except files.FileMissing:
        return None
    return Probe(meta.size, meta.content_type, data[:rules.SNIFF_BYTES])


def read(key: str) -> tuple[bytes, str]:
    """The bytes and stored type (publishers send them)."""
    from chalicelib.core import files

    data, meta = files.get(key)
    return data, meta.content_type


def delete(key: str) -> None:
    from chalicelib.core import files

    files.delete(key)


def link(key: str, name: str, seconds: int = 15 * 60) -> str:
    """A URL the browser may load: locally `/files/<token>` (same origin, relative), in S3 a presigned GET."""
    from chalicelib.core import files
    from chalicelib.core.settings import get_settings

    url = files.download_url(key, filename=name or key.rsplit("/", 1)[-1], expires_seconds=seconds)
    base = get_settings().PUBLIC_BASE_URL.rstrip("/")
    if url.startswith(base + "/files/"):
        return url[len(base):]
    return url
