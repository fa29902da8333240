"""Where contract PDFs are made (deals/render.py) and the PDF function itself (deals/render_lambda.py).

In-process locally; in AWS a synchronous Lambda invoke (botocore's Stubber: Lambda cannot run here)
of a function that renders and writes to the files bucket (moto's S3). The PDF function's imports stay
pure Python from the API's zip (plus the layer's WeasyPrint), so it runs on python3.12."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import sys

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber
from moto import mock_aws

from chalicelib.core import deps, files
from chalicelib.core.errors import Upstream
from chalicelib.core.settings import reset_settings
from chalicelib.deals import contract_payload, render, render_lambda
from tests.conftest import PROJECT_DIR
from tests.support.contracts import contract_view

KEY = "deals/01jdeal00000000000000000000/contract-v2-0a1b2c3d.pdf"
BUCKET = "greenlight-test-files-123456789012"
REGION = "eu-central-1"
FUNCTION = "greenlight-dev-render-contract"


@pytest.fixture
def local_store(tmp_path, monkeypatch):
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("FILES_BUCKET", "")
    monkeypatch.setenv("RENDER_FUNCTION_NAME", "")
    reset_settings()
    yield tmp_path / "files"
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def function(monkeypatch):
    monkeypatch.setenv("RENDER_FUNCTION_NAME", FUNCTION)
    reset_settings()
    deps.reset()
    client = deps.aws_client("lambda")
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()
    monkeypatch.undo()
    reset_settings()
    deps.reset()


@pytest.fixture
def bucket(monkeypatch):
    monkeypatch.setenv("FILES_BUCKET", BUCKET)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        render_lambda._s3_client.cache_clear()
        yield client
    render_lambda._s3_client.cache_clear()


def answer(payload: dict | bytes, error: str | None = None) -> dict:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    out = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(body), len(body))}
    if error:
        out["FunctionError"] = error
    return out


def test_locally_the_pdf_is_rendered_in_process_and_stored(local_store):
    view = contract_view()
    rendered = render.store_contract(view, KEY, {"deal-id": "01jdeal"})
    data, meta = files.get(KEY)
    assert data.startswith(b"%PDF-") and meta.content_type == "application/pdf"
    assert (rendered.key, rendered.sha256, rendered.size) == (KEY, hashlib.sha256(data).hexdigest(), len(data))
    assert meta.metadata == {"deal-id": "01jdeal"}


def test_outside_local_without_a_function_it_says_what_is_missing(monkeypatch):
    monkeypatch.setenv("STAGE", "dev")
    monkeypatch.setenv("RENDER_FUNCTION_NAME", "")
    monkeypatch.setenv("SIGNING_KEYS", "ssm:/greenlight/dev/signing-keys")
    reset_settings()
    try:
        with pytest.raises(Upstream, match="RENDER_FUNCTION_NAME"):
            render.store_contract(contract_view(), KEY)
    finally:
        monkeypatch.undo()
        reset_settings()


def test_in_aws_the_function_is_invoked_with_the_view_and_the_key(function):
    view = contract_view("en", "ftc")
    digest = "ab" * 32
    function.add_response("invoke", answer({"key": KEY, "sha256": digest, "size": 1234}),
                          {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": ANY})
    sent = []
    deps.aws_client("lambda").meta.events.register(
        "before-parameter-build.lambda.Invoke", lambda params, **_: sent.append(json.loads(params["Payload"])))
    rendered = render.store_contract(view, KEY, {"deal-id": "01jdeal"})
    assert rendered == render.Rendered(KEY, digest, 1234)
    (event,) = sent
    assert event["key"] == KEY and event["metadata"] == {"deal-id": "01jdeal"}
    assert contract_payload.load(event["view"]) == view


@pytest.mark.parametrize("reply, error", [
    (answer({"errorType": "ContractRenderError", "errorMessage": "secret details"}, "Unhandled"), None),
    (answer(b"not json"), None),
    (answer({"key": "deals/other.pdf", "sha256": "ab" * 32, "size": 1}), None),
    (answer({"key": KEY, "sha256": "xyz", "size": 1}), None),
    (answer({"key": KEY, "sha256": "ab" * 32, "size": True}), None),
    (None, "ResourceNotFoundException"),
    (None, "TooManyRequestsException"),
])
def test_a_failing_or_confused_function_is_a_503(function, reply, error):
    if error:
        function.add_client_error("invoke", service_error_code=error, http_status_code=404)
    else:
        function.add_response("invoke", reply)
    with pytest.raises(Upstream) as refused:
        render.store_contract(contract_view(), KEY)
    assert refused.value.status == 503 and "secret" not in refused.value.message


def test_the_function_renders_and_writes_to_the_bucket(bucket):
    view = contract_view("ru", "ru")
    event = json.loads(json.dumps({"view": contract_payload.dump(view), "key": KEY, "metadata": {"deal-id": "x"}}))
    result = render_lambda.render_contract(event, None)
    stored = bucket.get_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    data = stored["Body"].read()
    assert data.startswith(b"%PDF-") and stored["ContentType"] == "application/pdf"
    assert stored["ServerSideEncryption"] == "AES256" and stored["Metadata"] == {"deal-id": "x"}
    assert stored["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert result == {"key": KEY, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    with pytest.raises(files.FileAlreadyStored):  # never over an existing file
        render_lambda.render_contract(event, None)


@pytest.mark.parametrize("change", [
    {"key": "other/x.pdf"}, {"key": "deals/x.html"}, {"key": "deals/../etc/x.pdf"}, {"key": None},
    {"view": {"$type": "Terms"}}, {"metadata": {"Bad Name": "x"}},
])
def test_the_function_refuses_what_the_api_never_sends(bucket, change):
    event = {"view": contract_payload.dump(contract_view()), "key": KEY, "metadata": {}, **change}
    with pytest.raises((ValueError, TypeError)):
        render_lambda.handle(event)
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_the_whole_aws_path_invoke_then_render_then_store(bucket, monkeypatch):
    """The API's invoke answered by the real handler (as Lambda would run it), then read back with the
    files store in S3 mode."""
    monkeypatch.setenv("RENDER_FUNCTION_NAME", FUNCTION)
    reset_settings()
    deps.reset()
    client = deps.aws_client("lambda")

    def run_the_function(params, **_):
        result = render_lambda.render_contract(json.loads(params["body"]), None)
        body = json.dumps(result).encode()
        return _Reply({"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(body), len(body))})

    client.meta.events.register("before-call.lambda.Invoke", run_the_function)
    try:
        rendered = render.store_contract(contract_view("en", "ru"), KEY)
        data, meta = files.get(KEY)
        assert (rendered.sha256, rendered.size) == (hashlib.sha256(data).hexdigest(), len(data))
        assert meta.content_type == "application/pdf"
    finally:
        monkeypatch.undo()
        reset_settings()
        deps.reset()


class _Reply(tuple):
    """What a before-call handler returns to short-circuit the HTTP request: (http response, parsed)."""

    def __new__(cls, parsed):
        return super().__new__(cls, (_FakeHTTP(), parsed))


class _FakeHTTP:
    status_code = 200
    headers: dict = {}


def test_the_pdf_function_loads_nothing_compiled_from_the_api_zip():
    """The function runs on python3.12 from a zip built for python3.11: apart from the layer's WeasyPrint
    stack it must load only pure Python (markupsafe falls back to its pure version by itself), never
    app.py, pydantic, PynamoDB or the settings."""
    code = """
import json, sys
from chalicelib.deals import contract_payload, render_lambda
from tests.support.contracts import contract_view
class Store:
    name = "fake"
    def put(self, key, data, content_type, metadata, digest, overwrite):
        from chalicelib.core.files import StoredFile
        return StoredFile(key, digest.hex(), len(data), None)
render_lambda.handle({"key": "deals/x/contract-v1-ab.pdf", "view": contract_payload.dump(contract_view())},
                     store=Store())
compiled = sorted({m.__name__.split(".")[0] for m in list(sys.modules.values())
                   if (getattr(m, "__file__", None) or "").endswith(".so") and "site-packages" in m.__file__})
loaded = sorted(m for m in ("app", "pydantic", "pydantic_core", "pynamodb", "chalicelib.core.settings") if m in sys.modules)
print(json.dumps([compiled, loaded]))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    compiled, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    layer = {"PIL", "_brotli", "brotli", "_cffi_backend", "cffi", "fontTools", "zopfli"}  # WeasyPrint's, in the layer
    assert set(compiled) - layer - {"markupsafe"} == set()
    assert loaded == []
