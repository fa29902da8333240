"""A deal's contract PDFs and signed copy: the JSON API (the use cases: contract_service.py).

  POST /v1/deals/{id}/contract        a new contract version → 201 {version, sha256, size, url, …}
  GET  /v1/deals/{id}/contract.pdf    the latest version's PDF (?version=N an earlier one), as an
                                      attachment; checked against its recorded SHA-256 first. A browser
                                      (Accept not starting with a binary type) gets 303 to a download
                                      link instead: presigned S3 in AWS, /files/<token> locally
  POST /v1/deals/{id}/signed-copy     the signed PDF (≤ 10 MB), as the body with Content-Type
                                      application/pdf or as the field `file` of a multipart/form-data
                                      form (the page's upload) → the deal, now signed

The PDF answer and the uploads are binary: app.py lists application/pdf and multipart/form-data in
`app.api.binary_types`, so API Gateway hands them over base64-encoded and Chalice decodes them. API
Gateway turns a binary answer back into bytes only for a request whose first Accept type is binary,
hence the redirect for browsers (`wants_the_bytes`).
"""
from __future__ import annotations

import json

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib.core import i18n
from chalicelib.core.errors import BadRequest, UnsupportedMediaType, ValidationFailed
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Input
from chalicelib.deals.schemas import ContractOut, DealOut
from chalicelib.identity.doors import json_route

contracts = lazy_import("chalicelib.deals.contract_service")
out = lazy_import("chalicelib.deals.out")

bp = Blueprint(__name__)
TAG = "deals"
PDF_TYPE = "application/pdf"
FORM_FIELD = "file"
FORM_OVERHEAD = 64 * 1024  # a multipart form's boundaries, headers and other fields on top of the file
PDF_HEADERS = {"Content-Type": PDF_TYPE, "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'none'; sandbox"}


class ContractFileQuery(Input):
    version: int | None = Field(default=None, ge=1, le=100_000,
                                description="A contract version (1, 2, …); the latest when left out")


def pdf_response(data: bytes, filename: str) -> Response:
    from chalicelib.core.file_names import content_disposition

    return Response(body=data, status_code=200,
                    headers={**PDF_HEADERS, "Content-Disposition": content_disposition(filename)})


@json_route(bp, "/v1/deals/{deal_id}/contract", "POST", tag=TAG,
            summary="Make a new contract version (PDF from the deal's terms; immutable, its SHA-256 stored)",
            response=ContractOut, status=201, errors=(401, 403, 404, 409, 422, 503))
def make_contract(call, deal_id):
    return ContractOut(**contracts.make_contract(call.principal, deal_id))


def wants_the_bytes(accept: str | None) -> bool:
    """Does this request take a binary answer through API Gateway? It converts the function's base64 answer
    back to bytes only when the *first* media type of Accept is a binary one (Chalice checks the same
    locally). Scripts send `Accept: application/pdf` (or `*/*`, curl's); a browser's navigation starts
    with text/html and gets the redirect instead."""
    first = (accept or "").split(",", 1)[0].split(";", 1)[0].strip().lower()
    return first in (PDF_TYPE, "application/*", "*/*")


@json_route(bp, "/v1/deals/{deal_id}/contract.pdf", "GET", tag=TAG,
            summary="The contract PDF: the latest version, or ?version=N. Checked against its stored SHA-256. "
                    "With `Accept: application/pdf` (or */*) the PDF itself; otherwise (a browser) 303 See Other "
                    "to a download link that expires in minutes", query=ContractFileQuery,
            raw_response=PDF_TYPE, errors=(401, 403, 404, 409, 422, 503))
def contract_pdf(call, deal_id):
    if not wants_the_bytes(call.headers.get("accept")):
        url = contracts.contract_link(call.principal, deal_id, call.query.version)
        return Response(body=json.dumps({"url": url}), status_code=303, headers={
            "Location": url, "Content-Type": "application/json", "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer"})
    data, filename = contracts.contract_file(call.principal, deal_id, call.query.version)
    return pdf_response(data, filename)


def _upload(call) -> tuple[bytes, str]:
    """(the file's bytes, the type its sender declared) from a raw PDF body or a multipart form."""
    from chalicelib.core.file_names import MAX_BYTES
    from chalicelib.core.http import multipart

    language = call.principal.language
    header = call.headers.get("content-type") or ""
    kind = multipart.media_type(header)
    raw = call.request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if kind == PDF_TYPE:
        return raw, kind
    if kind != multipart.MULTIPART:
        raise UnsupportedMediaType(i18n.translate("deal_files.signed.media_type", language))
    if len(raw) > MAX_BYTES + FORM_OVERHEAD:
        raise contracts.too_large(call.principal, len(raw))
    try:
        part = multipart.file_field(multipart.parse(raw, header), FORM_FIELD)
    except multipart.FormError as exc:
        raise BadRequest(i18n.translate("deal_files.signed.form", language, reason=str(exc))) from None
    if part is None:
        raise ValidationFailed(i18n.translate("deal_files.signed.no_file", language),
                               details=[{"field": FORM_FIELD, "message": "missing"}])
    return part.data, part.content_type or PDF_TYPE


@json_route(bp, "/v1/deals/{deal_id}/signed-copy", "POST", tag=TAG,
            summary="Upload the signed contract (PDF ≤ 10 MB: the body as application/pdf, or the field `file` "
                    "of a multipart/form-data form); the deal becomes signed", raw_body=PDF_TYPE,
            response=DealOut, errors=(401, 403, 404, 409, 413, 415, 422, 503))
def upload_signed_copy(call, deal_id):
    data, declared = _upload(call)
    deal = contracts.upload_signed_copy(call.principal, deal_id, data, declared)
    return out.deal_out(deal, locale=call.principal.language)
