"""POST /v1/deals/{id}/signed-copy on DynamoDB Local: the signed PDF (raw application/pdf or a
multipart/form-data form's `file`) is checked by its header and size, stored, recorded and the deal is
signed in one go; anything else is a clear 4xx and leaves the deal as it was."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from chalicelib.core import files
from chalicelib.core.errors import Conflict
from chalicelib.core.file_names import MAX_BYTES
from chalicelib.core.plain import plain
from chalicelib.core.settings import get_settings
from tests.support.deals import add_deal, add_deliverable, reload
from tests.support.posts import body, call

SIGNED = b"%PDF-1.7\n" + b"signed by both parties\n" * 200 + b"%%EOF\n"
BOUNDARY = "----greenlightTestBoundary0123"




@pytest.fixture
def sent(client, crew):
    """A sent deal with a deliverable and its contract (version 1)."""
    deal = add_deal(crew, status="sent")
    add_deliverable(deal)
    r = call(client, "post", f"/v1/deals/{deal.id}/contract", crew["influencer_manager"])
    assert r.status_code == 201, r.body
    return reload(deal)


def upload(client, crew, deal, data: bytes, who="influencer_manager", content_type="application/pdf"):
    headers = {**crew[who].headers, "Content-Type": content_type}
    return client.post(f"/v1/deals/{deal.id}/signed-copy", headers=headers, body=data)


def form(data: bytes, field: str = "file") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"Договор.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def assert_unchanged(deal):
    now = reload(deal)
    assert now.status == deal.status and plain(now.signed_copies) == plain(deal.signed_copies)


def test_a_signed_pdf_signs_the_deal(client, crew, sent):
    r = upload(client, crew, sent, SIGNED)
    assert r.status_code == 200, r.body
    answer = body(r)
    assert answer["status"] == "signed"
    (copy,) = answer["signed_copies"]
    assert copy["contract_version"] == 1 and copy["sha256"] == hashlib.sha256(SIGNED).hexdigest()
    assert copy["size"] == len(SIGNED) and copy["uploaded_by"] == crew["influencer_manager"].id
    (record,) = plain(reload(sent).signed_copies)
    assert record["key"].startswith(f"deals/{sent.id}/signed-v1-1-")
    assert files.get(record["key"])[0] == SIGNED


def test_the_pages_multipart_form_works_too(client, crew, sent):
    r = upload(client, crew, sent, form(SIGNED), content_type=MULTIPART)
    assert r.status_code == 200, r.body
    assert body(r)["signed_copies"][0]["sha256"] == hashlib.sha256(SIGNED).hexdigest()


@pytest.mark.parametrize("data, content_type, status, words", [
    (b"<html>not a pdf</html>", "application/pdf", 422, "not a PDF"),
    (b"", "application/pdf", 422, "empty"),
    (b"  %PDF-1.7 late header", "application/pdf", 422, "not a PDF"),
    (SIGNED, "text/plain", 415, "application/pdf"),
    (SIGNED, "application/json", 415, "application/pdf"),
    (form(b"GIF89a"), MULTIPART, 422, "not a PDF"),
    (form(SIGNED, field="other"), MULTIPART, 422, "no file"),
    (b"garbage without boundaries", MULTIPART, 400, "could not be read"),
    (form(SIGNED), "multipart/form-data", 400, "boundary"),
])
def test_bad_uploads_are_clear_4xx_and_change_nothing(client, crew, sent, data, content_type, status, words):
    r = upload(client, crew, sent, data, content_type=content_type)
    assert r.status_code == status, r.body
    assert words in body(r)["error"]["message"]
    assert_unchanged(sent)


@pytest.mark.parametrize("as_form", [False, True])
def test_over_10_mb_is_413(client, crew, sent, as_form):
    big = b"%PDF-1.7\n" + b"0" * MAX_BYTES
    r = upload(client, crew, sent, form(big) if as_form else big, content_type=MULTIPART if as_form else
               "application/pdf")
    assert r.status_code == 413, r.body[:300]
    assert body(r)["error"]["code"] == "payload_too_large" and "10 MB" in body(r)["error"]["message"]
    assert_unchanged(sent)


def test_no_contract_no_signed_copy(client, crew):
    deal = add_deal(crew, status="sent")
    r = upload(client, crew, deal, SIGNED)
    assert r.status_code == 409 and "contract first" in body(r)["error"]["message"]


def signed_files(deal) -> list[str]:
    folder = Path(get_settings().FILES_DIR) / "deals" / deal.id
    return sorted(p.name for p in folder.glob("signed-*")) if folder.exists() else []


def test_only_a_sent_deal_takes_a_signed_copy(client, crew):
    deal = add_deal(crew)  # a draft
    call(client, "post", f"/v1/deals/{deal.id}/contract", crew["influencer_manager"])
    deal = reload(deal)
    r = upload(client, crew, deal, SIGNED)
    assert r.status_code == 409 and "draft" in body(r)["error"]["message"]
    assert_unchanged(deal)
    assert signed_files(deal) == []


def test_a_refused_signature_leaves_no_file_behind(client, crew, sent, monkeypatch):
    from chalicelib.deals import service

    def refuse(*args, **kwargs):
        raise Conflict("someone signed it meanwhile")

    monkeypatch.setattr(service, "sign", refuse)
    r = upload(client, crew, sent, SIGNED)
    assert r.status_code == 409 and "meanwhile" in body(r)["error"]["message"]
    assert_unchanged(sent)
    assert signed_files(sent) == []


def test_who_may_upload(client, crew, sent):
    for who in ("copywriter", "client_approver", "content_manager", "finance"):
        assert upload(client, crew, sent, SIGNED, who).status_code == 403, who
    assert upload(client, crew, sent, SIGNED, "outsider").status_code == 404
    assert_unchanged(sent)


def test_the_upload_is_documented(client):
    doc = json.loads(client.get("/openapi.json").body)
    op = doc["paths"]["/v1/deals/{deal_id}/signed-copy"]["post"]
    assert {"413", "415", "422", "409"} <= set(op["responses"])
