"""Post media with FILES_BUCKET set (AWS), against moto: the upload is a presigned POST bound to the key,
the type and a size range; confirm reads the object's size and first bytes; a file that lies about its
type is deleted; previews are presigned GETs whose origin the pages' CSP allows."""
from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import boto3
import pytest
from moto import mock_aws

from chalicelib.core import deps
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.settings import reset_settings
from chalicelib.media import display, service
from tests.support import media_files

BUCKET = "greenlight-test-media-123456789012"
REGION = "eu-central-1"


@pytest.fixture
def s3(monkeypatch, tmp_path):
    monkeypatch.setenv("FILES_BUCKET", BUCKET)
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    reset_settings()
    deps.reset()
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield client
    deps.reset()
    monkeypatch.undo()
    reset_settings()


class Editor:
    user_id = "u1"
    is_admin = False

    def require(self, brand_id, permission, what="brand"):
        if brand_id != "brand1":
            raise NotFound("No such brand.")


def test_presigned_post_confirm_and_preview(s3):
    data = media_files.png()
    target = service.start_upload(Editor(), "brand1", "cup.png", "image/png", len(data))
    assert target["method"] == "POST" and target["key"].startswith("media/brand1/")
    fields = target["fields"]
    assert fields["key"] == target["key"] and fields["Content-Type"] == "image/png"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 20 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]
    # what the browser's POST does, as S3 stores it
    s3.put_object(Bucket=BUCKET, Key=target["key"], Body=data, ContentType="image/png")
    item = service.confirm(Editor(), "brand1", target["key"], "cup.png", "A cup")
    assert item == {"key": target["key"], "kind": "image", "type": "image/png", "size": len(data), "alt": "A cup",
                    "name": "cup.png"}
    [shown] = display.shown([item])
    parts = urlsplit(shown["src"])
    origin = f"{parts.scheme}://{parts.netloc}"
    from chalicelib.core.http.pages import page_csp

    csp = page_csp()
    assert "img-src 'self' data: " in csp and origin in csp.split("img-src", 1)[1].split(";", 1)[0]
    assert origin in csp.split("connect-src", 1)[1].split(";", 1)[0]
    assert urlsplit(target["url"]).netloc in csp  # the POST goes to an allowed origin too


def test_a_file_that_lies_about_its_type_is_deleted(s3):
    target = service.start_upload(Editor(), "brand1", "x.png", "image/png", 100)
    s3.put_object(Bucket=BUCKET, Key=target["key"], Body=b"<svg onload=alert(1)>".ljust(100), ContentType="image/png")
    with pytest.raises(ValidationFailed):
        service.confirm(Editor(), "brand1", target["key"], "x.png")
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    with pytest.raises(NotFound):
        service.confirm(Editor(), "brand1", target["key"], "x.png")  # nothing there any more
