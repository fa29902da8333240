"""A deal's contract from its page: "Make the contract" (a new immutable PDF version from the current
terms, contract_service.make_contract) and the upload of the signed copy (a PDF ≤ 10 MB in a
multipart/form-data form, contract_service.upload_signed_copy: the deal becomes signed). The versions
download through the API (`GET /v1/deals/{id}/contract.pdf?version=N`), which a browser may GET with
its session.

The upload is a multipart form, so it goes through identity/upload_door.upload_page (the pages' door for
multipart bodies). A refused file comes back as the deal's page with the sentence by the upload field.
"""
from __future__ import annotations

from chalicelib.core.errors import (
    Conflict,
    PayloadTooLarge,
    ValidationFailed,
)
from chalicelib.core.file_names import MAX_BYTES
from chalicelib.core.http.forms import FormState
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.deals.deal_page import deal_page_view
from chalicelib.deals.page_kit import bp, deal_path
from chalicelib.identity.doors import page
from chalicelib.identity.upload_door import upload_page

contracts = lazy_import("chalicelib.deals.contract_service")

FILE_FIELD = "file"


@page(bp, "/deals/{deal_id}/contract", ("POST",), back="/deals/{deal_id}")
def make_contract_form(call: PageCall, deal_id):
    try:
        contracts.make_contract(call.principal, deal_id)
    except (ValidationFailed, Conflict) as exc:  # not printable as it is; a closed deal; a change meanwhile
        return deal_page_view(call, deal_id, status=exc.status, contract_form=FormState({}, {"__all__": exc.message}))
    return call.redirect(deal_path(deal_id), fragment="contract", done="contract_made")


# --- the signed copy ---------------------------------------------------------------------------------------

def _too_large(call: PageCall, size: int):
    return contracts.too_large(call.principal, size)


@upload_page(bp, "/deals/{deal_id}/signed-copy", back="/deals/{deal_id}", limit=MAX_BYTES, too_large=_too_large)
def signed_copy_form(call: PageCall, fields: dict, files: dict, deal_id):
    part = files.get(FILE_FIELD)
    try:
        if part is None or not part.data:
            from chalicelib.core import i18n

            raise ValidationFailed(i18n.translate("deals.error.no_file", call.language))
        contracts.upload_signed_copy(call.principal, deal_id, part.data, part.content_type)
    except (ValidationFailed, Conflict, PayloadTooLarge) as exc:
        return deal_page_view(call, deal_id, status=exc.status, contract_form=FormState({}, {FILE_FIELD: exc.message}))
    return call.redirect(deal_path(deal_id), fragment="contract", done="signed_copy_uploaded")
