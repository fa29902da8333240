"""The file store's S3 backend, against moto (S3 cannot run here): a bucket made like infra/template.json's
files bucket (versioned, default encryption, public access blocked)."""
from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto import mock_aws

from chalicelib.core import deps, file_names, files
from chalicelib.core.settings import reset_settings

BUCKET = "greenlight-test-files-123456789012"
REGION = "eu-central-1"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
KEY = "deals/01JDEAL0000000000000000000/contract/v3.pdf"


@pytest.fixture
def s3(monkeypatch, tmp_path):
    local_dir = tmp_path / "files"
    monkeypatch.setenv("FILES_BUCKET", BUCKET)
    monkeypatch.setenv("FILES_DIR", str(local_dir))
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    reset_settings()
    deps.reset()
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        client.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]})
        client.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        yield client
    assert not local_dir.exists(), "with FILES_BUCKET set nothing is written to FILES_DIR"
    deps.reset()
    monkeypatch.undo()
    reset_settings()


def test_put_encrypts_checksums_and_returns_the_version(s3):
    stored = files.put(KEY, PDF, content_type="application/pdf", metadata={"deal-id": "01JDEAL"})
    digest = hashlib.sha256(PDF).digest()
    assert (stored.key, stored.sha256, stored.size) == (KEY, digest.hex(), len(PDF))
    assert stored.version_id

    head = s3.head_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ChecksumSHA256"] == base64.b64encode(digest).decode()
    assert head["ContentType"] == "application/pdf"
    assert head["VersionId"] == stored.version_id
    assert head["Metadata"] == {"deal-id": "01JDEAL"}
    grants = s3.get_object_acl(Bucket=BUCKET, Key=KEY)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")
                or "AuthenticatedUsers" in g["Grantee"].get("URI", "")]


def test_get_round_trip(s3):
    stored = files.put(KEY, PDF, content_type="application/pdf", metadata={"deal-id": "01JDEAL", "version": "3"})
    data, meta = files.get(KEY)
    assert data == PDF
    assert (meta.key, meta.sha256, meta.size, meta.version_id) == (KEY, stored.sha256, len(PDF), stored.version_id)
    assert meta.content_type == "application/pdf"
    assert meta.metadata == {"deal-id": "01JDEAL", "version": "3"}
    assert files.exists(KEY)


def test_an_object_that_does_not_match_its_checksum_is_not_served(s3):
    from chalicelib.core.errors import Upstream

    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=PDF, ChecksumAlgorithm="SHA256", ChecksumSHA256=wrong)  # moto keeps it
    with pytest.raises(Upstream, match="does not match its checksum"):
        files.get(KEY)


def test_a_stored_object_is_not_replaced_unless_asked(s3):
    first = files.put(KEY, PDF, content_type="application/pdf")
    with pytest.raises(files.FileAlreadyStored):
        files.put(KEY, b"something else", content_type="application/pdf")
    assert files.get(KEY)[0] == PDF

    second = files.put(KEY, b"replaced", content_type="application/pdf", overwrite=True)
    assert second.version_id and second.version_id != first.version_id
    assert files.get(KEY)[0] == b"replaced"
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix=KEY)["Versions"]
    assert {v["VersionId"] for v in versions} == {first.version_id, second.version_id}


def test_missing_objects(s3):
    assert not files.exists(KEY)
    with pytest.raises(files.FileMissing):
        files.get(KEY)
    files.delete(KEY)  # nothing there: fine


def test_delete_leaves_a_delete_marker(s3):
    stored = files.put(KEY, PDF, content_type="application/pdf")
    files.delete(KEY)
    assert not files.exists(KEY)
    with pytest.raises(files.FileMissing):
        files.get(KEY)
    listing = s3.list_object_versions(Bucket=BUCKET, Prefix=KEY)
    assert [m["IsLatest"] for m in listing["DeleteMarkers"]] == [True]
    assert [v["VersionId"] for v in listing["Versions"]] == [stored.version_id]  # the lifecycle expires it
    files.put(KEY, b"again", content_type="application/pdf")  # a deleted key can be stored again


def test_delete_is_best_effort(s3, monkeypatch, caplog):
    from botocore.exceptions import EndpointConnectionError

    files.put(KEY, PDF, content_type="application/pdf")

    def unreachable(**kwargs):
        raise EndpointConnectionError(endpoint_url="https://s3.eu-central-1.amazonaws.com")

    monkeypatch.setattr(deps.aws_client("s3"), "delete_object", unreachable)
    files.delete(KEY)  # logged, not raised: cleanup must not hide the error that caused it
    assert "file not deleted" in caplog.text
    assert files.exists(KEY)


def test_presigned_download_link(s3):
    files.put(KEY, PDF, content_type="application/pdf")
    url = files.download_url(KEY, filename="Договор.pdf")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.scheme == "https" and BUCKET in parts.netloc + parts.path and parts.path.endswith(KEY)
    assert "X-Amz-Expires=300" in url
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"] == [
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%D0%94%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80.pdf"]
    assert "Договор" not in url and url.isascii()

    shorter = files.download_url(KEY, filename="contract v3.pdf", expires_seconds=120)
    assert "X-Amz-Expires=120" in shorter
    assert parse_qs(urlsplit(shorter).query)["response-content-disposition"] == [
        'attachment; filename="contract v3.pdf"']


def test_the_presigned_link_downloads_the_file_as_an_attachment(s3):
    import requests

    files.put(KEY, PDF, content_type="application/pdf")
    answer = requests.get(files.download_url(KEY, filename="Договор.pdf"), timeout=5)
    assert answer.status_code == 200
    assert answer.content == PDF
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == file_names.content_disposition("Договор.pdf")


def test_links_and_keys_are_checked_before_s3_is_asked(s3):
    with pytest.raises(ValueError):
        files.download_url("../x", filename="a.pdf")
    with pytest.raises(ValueError):
        files.download_url(KEY, filename="a.pdf", expires_seconds=3600)
    with pytest.raises(ValueError):
        files.put(KEY, b"\0" * (file_names.MAX_BYTES + 1), content_type="application/pdf")
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)
