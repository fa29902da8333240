"""A strict reader of `multipart/form-data` bodies (RFC 7578), for uploads from our pages' forms.

Bytes in, bytes out: no part is decoded, re-encoded or line-ending-normalised, so a PDF arrives as it
was sent. Only what browsers send is understood: parts with a `Content-Disposition: form-data; name=…`
header (and `filename=…` for files), CRLF line breaks, no nested multiparts, no transfer encodings.
Anything else raises FormError with a sentence (the caller answers 400/422). Limits: the body size is
the caller's; at most MAX_PARTS parts and MAX_HEADER_BYTES of headers per part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

MULTIPART = "multipart/form-data"
MAX_PARTS = 20
MAX_HEADER_BYTES = 4096
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")  # RFC 2046 bchars


class FormError(ValueError):
    """The body is not a multipart form we can read."""


@dataclass(frozen=True)
class Part:
    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None


def media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def boundary_of(content_type: str) -> str:
    message = Message()
    message["Content-Type"] = content_type
    boundary = message.get_param("boundary")
    if isinstance(boundary, tuple):  # RFC 2231 form: not sent by browsers
        raise FormError("the form's boundary is written in a form browsers do not use")
    if not boundary or not _BOUNDARY.fullmatch(boundary):
        raise FormError("the Content-Type has no valid boundary")
    return boundary


def _headers(raw: bytes) -> dict[str, str]:
    if len(raw) > MAX_HEADER_BYTES:
        raise FormError("a part's headers are too long")
    out: dict[str, str] = {}
    for line in raw.split(b"\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise FormError("a part has a malformed header")
        out[name.decode("latin-1").strip().lower()] = value.decode("utf-8", "replace").strip()
    return out


def _part(raw: bytes) -> Part:
    if raw.startswith(b"\r\n"):  # a part without headers
        head, body = b"", raw[2:]
    else:
        head, sep, body = raw.partition(b"\r\n\r\n")
        if not sep:
            raise FormError("a part has no blank line after its headers")
    headers = _headers(head)
    if "content-transfer-encoding" in headers and headers["content-transfer-encoding"].lower() not in (
            "binary", "8bit", "7bit"):
        raise FormError("a part uses a transfer encoding browsers do not use")
    disposition = headers.get("content-disposition")
    if not disposition:
        raise FormError("a part has no Content-Disposition")
    message = Message()
    message["Content-Disposition"] = disposition
    if message.get_content_disposition() != "form-data":
        raise FormError("a part is not form-data")
    name = message.get_param("name", header="content-disposition")
    filename = message.get_param("filename", header="content-disposition")
    if not isinstance(name, str) or not name:
        raise FormError("a part has no name")
    if isinstance(filename, tuple):
        filename = None
    return Part(name=name, data=body, filename=filename if isinstance(filename, str) else None,
                content_type=media_type(headers.get("content-type")) or None)


def parse(body: bytes, content_type: str) -> list[Part]:
    """The form's parts in order; FormError for anything malformed."""
    if media_type(content_type) != MULTIPART:
        raise FormError("the body is not multipart/form-data")
    if not isinstance(body, (bytes, bytearray)):
        raise FormError("the body is not bytes")
    body = bytes(body)
    dash = b"--" + boundary_of(content_type).encode("ascii")
    if body.startswith(dash):
        pos = len(dash)
    else:
        start = body.find(b"\r\n" + dash)
        if start < 0:
            raise FormError("the body does not contain the form's boundary")
        pos = start + 2 + len(dash)
    parts: list[Part] = []
    while True:
        if body[pos:pos + 2] == b"--":
            return parts
        eol = body.find(b"\r\n", pos)
        if eol < 0 or body[pos:eol].strip(b" \t"):
            raise FormError("a boundary line is malformed")
        start = eol + 2
        end = body.find(b"\r\n" + dash, start)
        if end < 0:
            raise FormError("the form ends without its closing boundary")
        if len(parts) >= MAX_PARTS:
            raise FormError(f"the form has more than {MAX_PARTS} parts")
        parts.append(_part(body[start:end]))
        pos = end + 2 + len(dash)


def file_field(parts: list[Part], name: str) -> Part | None:
    """The first part called `name` (None when there is none)."""
    return next((p for p in parts if p.name == name), None)


FORM_OVERHEAD = 64 * 1024  # boundaries, part headers and the small fields on top of a file


def read_form(request, *, limit: int, too_large) -> tuple[dict[str, list[str]], dict[str, Part]]:
    """(text fields, each with every value sent in order; file parts by name) of a request's
    multipart/form-data body. UnsupportedMediaType for another type, `too_large(size)` (an exception to
    raise) for a body over `limit` + FORM_OVERHEAD bytes, BadRequest for a body that is not a form."""
    from chalicelib.core.errors import BadRequest, UnsupportedMediaType

    header = request.headers.get("content-type") or ""
    if media_type(header) != MULTIPART:
        raise UnsupportedMediaType("Send the form as multipart/form-data.")
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > limit + FORM_OVERHEAD:
        raise too_large(len(raw))
    try:
        parts = parse(raw, header)
    except FormError as exc:
        raise BadRequest(f"The form could not be read: {exc}.") from None
    fields: dict[str, list[str]] = {}
    for part in parts:
        if part.filename is None:
            fields.setdefault(part.name, []).append(part.data.decode("utf-8", "replace"))
    return fields, {p.name: p for p in parts if p.filename is not None}
