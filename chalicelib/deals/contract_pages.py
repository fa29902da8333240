"""A deal's contract from its page: "Make the contract" (a new immutable PDF version from the current
terms, contract_service.make_contract) and the upload of the signed copy (a PDF ≤ 10 MB in a
multipart/form-data form, contract_service.upload_signed_copy: the deal becomes signed). The versions
download through the API (`GET /v1/deals/{id}/contract.pdf?version=N`), which a browser may GET with
its session.

The upload is the one form of the pages that is not url-encoded, so core/http/pages.page (which reads
only url-encoded forms) does not take it: `upload_page` below is the same door — sign-in, language,
the CSRF token (a field of the multipart form), errors as pages — for a multipart body. A refused
file comes back as the deal's page with the sentence by the upload field.
"""
from __future__ import annotations

import secrets
from urllib.parse import quote

from chalicelib.core.errors import (
    BadRequest,
    Conflict,
    PayloadTooLarge,
    Unauthenticated,
    UnsupportedMediaType,
    ValidationFailed,
)
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.deals.deal_page import deal_page_view
from chalicelib.deals.page_kit import bp, deal_path
from chalicelib.identity.doors import page

contracts = lazy_import("chalicelib.deals.contract_service")

FILE_FIELD = "file"
FORM_OVERHEAD = 64 * 1024  # boundaries, headers and the CSRF field on top of the file


@page(bp, "/deals/{deal_id}/contract", ("POST",), back="/deals/{deal_id}")
def make_contract_form(call: PageCall, deal_id):
    try:
        contracts.make_contract(call.principal, deal_id)
    except (ValidationFailed, Conflict) as exc:  # not printable as it is; a closed deal; a change meanwhile
        return deal_page_view(call, deal_id, status=exc.status, contract_form=FormState({}, {"__all__": exc.message}))
    return call.redirect(deal_path(deal_id), fragment="contract", done="contract_made")


# --- the signed copy ---------------------------------------------------------------------------------------

def _multipart(call: PageCall) -> tuple[dict[str, str], dict]:
    """(text fields, file parts by name) of the request's multipart form."""
    from chalicelib.core.file_names import MAX_BYTES
    from chalicelib.core.http import multipart

    header = call.request.headers.get("content-type") or ""
    if multipart.media_type(header) != multipart.MULTIPART:
        raise UnsupportedMediaType("Send the form as multipart/form-data.")
    raw = call.request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BYTES + FORM_OVERHEAD:
        raise contracts.too_large(call.principal, len(raw))
    try:
        parts = multipart.parse(raw, header)
    except multipart.FormError:
        raise BadRequest("The form could not be read.") from None
    fields = {p.name: p.data.decode("utf-8", "replace") for p in parts if p.filename is None}
    files = {p.name: p for p in parts if p.filename is not None}
    return fields, files


def upload_page(path: str, back: str):
    """Register a multipart form's target: the `page` door (core/http/pages.py) for a multipart body."""
    from chalicelib.core.db.prefetch import request_scope
    from chalicelib.core.http import csrf
    from chalicelib.core.http.api import check_path_ids, cookies_of, request_id_of
    from chalicelib.core.http.pages import CsrfFailed, answer, page_language
    from chalicelib.identity.doors import authenticate

    def decorator(view):
        def handler(**uri_params):
            request = bp.current_request
            quoted = {name: quote(str(value), safe="") for name, value in uri_params.items()}
            call = PageCall(request=request, request_id=request_id_of(request) or secrets.token_hex(8),
                            path=path.format(**quoted), back=back.format(**quoted),
                            query=dict(request.query_params or {}), cookies=cookies_of(request))

            def build():
                with request_scope():
                    check_path_ids(uri_params)
                    try:
                        call.principal = authenticate(request.headers, call.cookies, via="web",
                                                      request_id=call.request_id)
                    except Unauthenticated:
                        return call.redirect("/sign-in", next=call.back)
                    call.language = page_language(call.query, call.cookies, call.principal,
                                                  request.headers.get("accept-language"))
                    fields, files = _multipart(call)
                    call.form = fields
                    if not csrf.verify(fields.get(csrf.FIELD), call.cookies.get(csrf.COOKIE), call.session_id):
                        raise CsrfFailed("The form's security token is missing or does not match.")
                    return view(call, files, **uri_params)

            return answer(call, build)

        handler.__name__ = view.__name__
        bp.route(path, methods=["POST"], content_types=["*/*"])(handler)
        return view

    return decorator


@upload_page("/deals/{deal_id}/signed-copy", back="/deals/{deal_id}")
def signed_copy_form(call: PageCall, files: dict, deal_id):
    part = files.get(FILE_FIELD)
    try:
        if part is None or not part.data:
            from chalicelib.core import i18n

            raise ValidationFailed(i18n.translate("deals.error.no_file", call.language))
        contracts.upload_signed_copy(call.principal, deal_id, part.data, part.content_type)
    except (ValidationFailed, Conflict, PayloadTooLarge) as exc:
        return deal_page_view(call, deal_id, status=exc.status, contract_form=FormState({}, {FILE_FIELD: exc.message}))
    return call.redirect(deal_path(deal_id), fragment="contract", done="signed_copy_uploaded")
