"""Campaign PDFs (the evidence export, the campaign report, …): HTML from our templates → PDF → an answer.

Two paths, like the contracts (chalicelib/deals/render.py):

  RENDER_FUNCTION_NAME empty (local, tests):  WeasyPrint in this process (`render_pdf`, which is the
                                              contracts' contract_pdf.pdf_from_html), imported inside the
                                              function only, so `import app` never loads it.
  RENDER_FUNCTION_NAME set (dev, prod):       the PDF function (deals/render_lambda.py, generic mode
                                              {"html", "key", "metadata"}) lays the HTML out and stores the
                                              PDF in the files bucket under `campaign-pdfs/…` itself; the
                                              API answers with it from the store.

Every resource WeasyPrint asks for goes through the contracts' allow-list fetcher (contract_pdf.fetcher):
our own fonts (`greenlight-static:fonts/…`, declared in templates/campaigns/print.css), nothing else.

Answers (`pdf_response`, `answer_pdf`) follow the contract PDF: a client whose first Accept type is binary
(`application/pdf`, `*/*`) gets the bytes; a browser gets 303 See Other to a short-lived download link
(core/files.py: presigned S3 in AWS, /files/<token> locally), because API Gateway returns binary bodies
only to requests that ask for them first.

Stored campaign PDFs are made on demand and are throwaway: keys `campaign-pdfs/<owner id>/<kind>-<UTC
stamp>-<random>.pdf`, unique per attempt (never a conflict, nothing retried blindly).
"""
from __future__ import annotations

import hashlib
import json
import secrets

from chalicelib.core.clock import utcnow

PDF_TYPE = "application/pdf"
KEY_PREFIX = "campaign-pdfs/"
PRINT_CSS = "campaigns/print.css"  # include it inside <style> in a PDF template: A4, fonts, page numbers


def render_pdf(html: str) -> bytes:
    """The PDF bytes of `html`, laid out in this process by the contracts' renderer
    (deals/contract_pdf.pdf_from_html: WeasyPrint imported there, on first use). Resources: our fonts only
    (anything else stops the rendering with ContractRenderError)."""
    from chalicelib.deals import contract_pdf

    return contract_pdf.pdf_from_html(html)


def new_key(owner_id: str, kind: str) -> str:
    """A fresh key for a campaign PDF: `campaign-pdfs/<owner id>/<kind>-<stamp>-<random>.pdf`."""
    from chalicelib.core.file_names import check_key

    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return check_key(f"{KEY_PREFIX}{owner_id}/{kind}-{stamp}-{secrets.token_hex(4)}.pdf")


def store_pdf(html: str, key: str, metadata: dict[str, str] | None = None):
    """Lay `html` out and store the PDF under `key` (campaign-pdfs/…): by the PDF function when
    RENDER_FUNCTION_NAME is set, else in-process. → deals.render.Rendered(key, sha256, size)."""
    from chalicelib.deals import render

    if not key.startswith(KEY_PREFIX):
        raise ValueError(f"Campaign PDFs are stored under {KEY_PREFIX}, not {key[:80]!r}.")
    return render.store_html(html, key, metadata)


def _wants_the_bytes(call) -> bool:
    from chalicelib.deals.contract_routes import wants_the_bytes

    return wants_the_bytes(call.headers.get("accept"))


def _bytes_response(data: bytes, filename: str):
    from chalice import Response

    from chalicelib.core.file_names import content_disposition
    from chalicelib.deals.contract_routes import PDF_HEADERS

    return Response(body=data, status_code=200,
                    headers={**PDF_HEADERS, "Content-Disposition": content_disposition(filename)})


def _redirect(url: str):
    from chalice import Response

    return Response(body=json.dumps({"url": url}), status_code=303, headers={
        "Location": url, "Content-Type": "application/json", "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer"})


def pdf_response(call, data_or_key, filename: str, owner_id: str = "downloads"):
    """The answer for a PDF: `data_or_key` is the bytes, a stored key, or a deals.render.Rendered.
    `call` is the json_route call (or a Chalice request: anything with `.headers`).
    A binary client gets the bytes (a stored file is read and checked against its SHA-256 first); a browser
    gets 303 to a download link of a few minutes (bytes are stored under campaign-pdfs/<owner id>/ first)."""
    from chalicelib.core import files
    from chalicelib.core.errors import Upstream

    expected = None
    if isinstance(data_or_key, (bytes, bytearray)):
        data = bytes(data_or_key)
        if _wants_the_bytes(call):
            return _bytes_response(data, filename)
        key = files.put(new_key(owner_id, "download"), data, content_type=PDF_TYPE).key
    else:
        key = data_or_key if isinstance(data_or_key, str) else data_or_key.key
        expected = None if isinstance(data_or_key, str) else data_or_key.sha256
    if not _wants_the_bytes(call):
        return _redirect(files.download_url(key, filename=filename))
    data, meta = files.get(key)
    if hashlib.sha256(data).hexdigest() != (expected or meta.sha256):
        raise Upstream("The stored PDF does not match what was made; open it again.")
    return _bytes_response(data, filename)


def answer_pdf(call, html: str, *, owner_id: str, kind: str, filename: str,
               metadata: dict[str, str] | None = None):
    """Make the PDF of `html` and answer with it (the one call a PDF route makes). Locally a binary client
    gets bytes rendered in-process (nothing stored); otherwise the PDF is stored (by the PDF function in
    AWS) and answered through `pdf_response`."""
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    if settings.is_local and not settings.RENDER_FUNCTION_NAME.strip() and _wants_the_bytes(call):
        return _bytes_response(render_pdf(html), filename)
    rendered = store_pdf(html, new_key(owner_id, kind), metadata)
    return pdf_response(call, rendered, filename, owner_id)
