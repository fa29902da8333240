"""core/http/multipart.py: browsers' multipart/form-data bodies read byte for byte, malformed ones refused."""
from __future__ import annotations

import pytest

from chalicelib.core.http import multipart

BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
PDF = b"%PDF-1.7\r\n" + bytes(range(256)) * 8 + b"\r\n--not-the-boundary\r\n%%EOF\n"


def form(*parts: tuple[bytes, bytes], boundary: str = BOUNDARY, preamble: bytes = b"") -> bytes:
    dash = f"--{boundary}".encode()
    body = preamble
    for headers, data in parts:
        body += dash + b"\r\n" + headers + b"\r\n\r\n" + data + b"\r\n"
    return body + dash + b"--\r\n"


FILE = (b'Content-Disposition: form-data; name="file"; filename="\xd0\x94\xd0\xbe\xd0\xb3\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x80.pdf"'
        b"\r\nContent-Type: application/pdf", PDF)
TOKEN = (b'Content-Disposition: form-data; name="csrf_token"', b"abc")


def test_a_browser_form_is_read_byte_for_byte():
    parts = multipart.parse(form(TOKEN, FILE), CONTENT_TYPE)
    assert [p.name for p in parts] == ["csrf_token", "file"]
    assert parts[0].data == b"abc" and parts[0].filename is None
    upload = multipart.file_field(parts, "file")
    assert upload.data == PDF and upload.filename == "Договор.pdf" and upload.content_type == "application/pdf"
    assert multipart.file_field(parts, "other") is None


def test_quoted_boundaries_preambles_and_empty_parts_are_fine():
    body = form((b'Content-Disposition: form-data; name="note"', b""), preamble=b"ignored\r\n")
    parts = multipart.parse(body, f'multipart/form-data; boundary="{BOUNDARY}"')
    assert parts[0].data == b""


@pytest.mark.parametrize("body, content_type", [
    (form(FILE), "multipart/form-data"),  # no boundary
    (form(FILE), "multipart/form-data; boundary=" + "x" * 71),
    (form(FILE), "application/pdf"),
    (b"no boundary here", CONTENT_TYPE),
    (form(FILE)[:-10], CONTENT_TYPE),  # cut off before the closing boundary
    (form((b"Content-Type: text/plain", b"x")), CONTENT_TYPE),  # no Content-Disposition
    (form((b'Content-Disposition: attachment; name="file"', b"x")), CONTENT_TYPE),
    (form((b"Content-Disposition: form-data", b"x")), CONTENT_TYPE),  # no name
    (form((b'Content-Disposition: form-data; name="f"\r\nContent-Transfer-Encoding: base64', b"eA==")), CONTENT_TYPE),
    (form((b"X" * 5000, b"x")), CONTENT_TYPE),
    (form(*[TOKEN] * 21), CONTENT_TYPE),
])
def test_malformed_forms_are_refused(body, content_type):
    with pytest.raises(multipart.FormError):
        multipart.parse(body, content_type)
