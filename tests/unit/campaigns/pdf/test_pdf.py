"""Campaign PDFs (campaigns/pdf.py) and the PDF function's generic HTML mode (deals/render*.py).

In-process locally (WeasyPrint on the machine's Pango, read back with pypdf); in AWS a synchronous Lambda
invoke (botocore's Stubber: Lambda cannot run here) of the function, which renders and writes to the
files bucket (moto's S3) — and the whole way once: the invoke answered by the real handler."""
from __future__ import annotations

import base64
import hashlib
import io
import json
from types import SimpleNamespace

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber
from moto import mock_aws

from chalicelib.campaigns import pdf
from chalicelib.core import deps, files
from chalicelib.core.errors import Upstream
from chalicelib.core.rendering import environment
from chalicelib.core.settings import reset_settings
from chalicelib.deals import contract_pdf, render, render_lambda

KEY = "campaign-pdfs/01jcamp0000000000000000000/evidence-20261128T120000Z-0a1b2c3d.pdf"
BUCKET = "greenlight-test-files-123456789012"
REGION = "eu-central-1"
FUNCTION = "greenlight-dev-render-contract"


def document(body: str = "<h1>Отчёт · Report</h1><p>Съешь же ещё этих мягких французских булок</p>") -> str:
    css = environment().get_template(pdf.PRINT_CSS).render()
    return f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><style>{css}</style></head>' \
           f'<body><p class="running-title">Кампания</p>{body}</body></html>'


def text_of(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def call(accept: str) -> SimpleNamespace:
    return SimpleNamespace(headers={"accept": accept})


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
def function(monkeypatch, local_store):
    monkeypatch.setenv("RENDER_FUNCTION_NAME", FUNCTION)
    reset_settings()
    deps.reset()
    client = deps.aws_client("lambda")
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()
    reset_settings()
    deps.reset()


@pytest.fixture
def bucket(monkeypatch):
    monkeypatch.setenv("FILES_BUCKET", BUCKET)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        render_lambda._s3_client.cache_clear()
        yield client
    render_lambda._s3_client.cache_clear()


def answer(payload: dict | bytes, error: str | None = None) -> dict:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    out = {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(body), len(body))}
    if error:
        out["FunctionError"] = error
    return out


def test_render_pdf_lays_out_a4_with_our_fonts_and_keeps_cyrillic():
    from pypdf import PdfReader

    data = pdf.render_pdf(document("<p>Съешь же ещё этих мягких французских булок</p>"
                                   '<p style="page-break-before: always">второй лист</p>'))
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = text_of(data)
    assert "Съешь же ещё этих мягких французских булок" in text and "второй лист" in text
    assert "1 / 2" in text and "2 / 2" in text and "Кампания" in text  # page numbers, running title
    assert all("Greenlight-Sans" in str(f.get_object()["/BaseFont"]) for page in reader.pages
                         for f in page["/Resources"]["/Font"].values())


@pytest.mark.parametrize("resource", ['<img src="file:///etc/passwd">', '<img src="http://127.0.0.1:1/x.png">',
                                      '<link rel="stylesheet" href="https://example.com/x.css">'])
def test_render_pdf_fetches_nothing_but_our_fonts(resource):
    with pytest.raises(contract_pdf.ContractRenderError):
        pdf.render_pdf(document(resource))


def test_render_pdf_is_the_contracts_renderer_with_no_base_url(monkeypatch):
    import inspect

    seen = []
    monkeypatch.setattr(contract_pdf, "pdf_from_html", lambda html, url_fetcher=None: seen.append(html) or b"%PDF-x")
    assert pdf.render_pdf("<p>x</p>") == b"%PDF-x" and seen == ["<p>x</p>"]  # one renderer for every PDF
    assert list(inspect.signature(pdf.render_pdf).parameters) == ["html"]  # nothing to resolve relative URLs from


def test_new_keys_are_unique_and_under_the_campaign_prefix():
    a, b = pdf.new_key("01jcamp", "evidence"), pdf.new_key("01jcamp", "evidence")
    assert a != b and a.startswith("campaign-pdfs/01jcamp/evidence-") and a.endswith(".pdf")
    with pytest.raises(ValueError):
        pdf.new_key("../x", "evidence")
    with pytest.raises(ValueError):
        pdf.store_pdf(document(), "deals/x/contract-v1-ab.pdf")


def test_locally_a_binary_client_gets_the_bytes_rendered_in_process(local_store):
    response = pdf.answer_pdf(call("application/pdf"), document(), owner_id="01jcamp", kind="evidence",
                              filename="Доказательства.pdf")
    assert response.status_code == 200 and response.body.startswith(b"%PDF-")
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert not local_store.exists() or not any(local_store.rglob("*.pdf"))  # nothing stored


def test_locally_a_browser_gets_a_short_lived_link_to_the_stored_pdf(local_store):
    response = pdf.answer_pdf(call("text/html,application/xhtml+xml"), document(), owner_id="01jcamp",
                              kind="evidence", filename="evidence.pdf")
    assert response.status_code == 303 and "/files/" in response.headers["Location"]
    token = response.headers["Location"].rsplit("/files/", 1)[1]
    key, name = files.read_download_token(token)
    assert key.startswith("campaign-pdfs/01jcamp/evidence-") and name == "evidence.pdf"
    assert "булок" in text_of(files.get(key)[0])


def test_pdf_response_with_bytes_or_a_key(local_store):
    data = pdf.render_pdf(document())
    assert pdf.pdf_response(call("*/*"), data, "a.pdf").body == data
    stored = files.put(KEY, data, content_type="application/pdf")
    assert pdf.pdf_response(call("application/pdf"), KEY, "a.pdf").body == data
    browser = pdf.pdf_response(call("text/html"), data, "a.pdf", owner_id="01jcamp")
    assert browser.status_code == 303
    key, _ = files.read_download_token(browser.headers["Location"].rsplit("/files/", 1)[1])
    assert key.startswith("campaign-pdfs/01jcamp/download-") and files.get(key)[0] == data
    forged = render.Rendered(KEY, "ab" * 32, stored.size)  # the store holds something else than was made
    with pytest.raises(Upstream):
        pdf.pdf_response(call("application/pdf"), forged, "a.pdf")


def test_outside_local_without_a_function_it_says_what_is_missing(monkeypatch):
    monkeypatch.setenv("STAGE", "dev")
    monkeypatch.setenv("RENDER_FUNCTION_NAME", "")
    monkeypatch.setenv("SIGNING_KEYS", "ssm:/greenlight/dev/signing-keys")
    reset_settings()
    try:
        with pytest.raises(Upstream, match="RENDER_FUNCTION_NAME"):
            pdf.answer_pdf(call("application/pdf"), document(), owner_id="c", kind="evidence", filename="e.pdf")
    finally:
        monkeypatch.undo()
        reset_settings()


def test_in_aws_the_function_gets_the_html_and_the_key(function):
    digest = "cd" * 32
    function.add_response("invoke", answer({"key": KEY, "sha256": digest, "size": 999}),
                          {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": ANY})
    sent = []
    deps.aws_client("lambda").meta.events.register(
        "before-parameter-build.lambda.Invoke", lambda params, **_: sent.append(json.loads(params["Payload"])))
    html = document()
    assert pdf.store_pdf(html, KEY, {"campaign-id": "01jcamp"}) == render.Rendered(KEY, digest, 999)
    (event,) = sent
    assert event == {"html": html, "key": KEY, "metadata": {"campaign-id": "01jcamp"}}


@pytest.mark.parametrize("reply, error", [
    (answer({"errorType": "ContractRenderError", "errorMessage": "secret details"}, "Unhandled"), None),
    (answer(b"not json"), None),
    (answer({"key": "campaign-pdfs/other.pdf", "sha256": "ab" * 32, "size": 1}), None),
    (answer({"key": KEY, "sha256": "xyz", "size": 1}), None),
    (None, "ResourceNotFoundException"),
])
def test_a_failing_or_confused_function_is_a_503(function, reply, error):
    if error:
        function.add_client_error("invoke", service_error_code=error, http_status_code=404)
    else:
        function.add_response("invoke", reply)
    with pytest.raises(Upstream) as refused:
        pdf.store_pdf(document(), KEY)
    assert refused.value.status == 503 and "secret" not in refused.value.message


def test_the_function_renders_html_and_writes_to_the_bucket(bucket):
    event = {"html": document(), "key": KEY, "metadata": {"campaign-id": "x"}}
    result = render_lambda.render_contract(event, None)
    stored = bucket.get_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    data = stored["Body"].read()
    assert data.startswith(b"%PDF-") and stored["ContentType"] == "application/pdf"
    assert stored["ServerSideEncryption"] == "AES256" and stored["Metadata"] == {"campaign-id": "x"}
    assert stored["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert result == {"key": KEY, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert "булок" in text_of(data)
    with pytest.raises(files.FileAlreadyStored):
        render_lambda.render_contract(event, None)


@pytest.mark.parametrize("change", [
    {"key": "deals/x/contract-v1-ab.pdf"}, {"key": "campaign-pdfs/x.html"}, {"key": "campaign-pdfs/../x.pdf"},
    {"key": None}, {"html": ""}, {"html": 42}, {"view": {}}, {"metadata": {"Bad Name": "x"}},
    {"html": '<img src="file:///etc/passwd">'},
])
def test_the_function_refuses_what_the_api_never_sends(bucket, change):
    event = {"html": document(), "key": KEY, "metadata": {}, **change}
    with pytest.raises((ValueError, TypeError, contract_pdf.ContractRenderError)):
        render_lambda.handle(event)
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_the_whole_aws_path_invoke_then_render_then_store_then_answer(bucket, monkeypatch):
    """The API's invoke answered by the real handler (as Lambda would run it); the answer read back from
    the files store in S3 mode, and a browser sent to a presigned link."""
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
        response = pdf.answer_pdf(call("application/pdf"), document(), owner_id="01jcamp", kind="evidence",
                                  filename="e.pdf")
        assert response.status_code == 200 and "булок" in text_of(response.body)
        browser = pdf.answer_pdf(call("text/html"), document(), owner_id="01jcamp", kind="evidence",
                                 filename="e.pdf")
        assert browser.status_code == 303 and BUCKET in browser.headers["Location"]
        assert "X-Amz-Signature" in browser.headers["Location"]
        listed = bucket.list_objects_v2(Bucket=BUCKET, Prefix="campaign-pdfs/01jcamp/")
        assert listed["KeyCount"] == 2
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
