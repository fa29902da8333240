"""The PDF function: renders one contract with WeasyPrint and stores it in the files bucket.

Registered through a Chalice blueprint, so its Lambda handler is
`chalicelib.deals.render_lambda.render_contract` — the function never imports app.py, and with it
none of the API (nor pydantic). That is what lets it run on the python3.12 runtime (Amazon Linux 2023,
Pango ≥ 1.44 in the WeasyPrint layer: infra/weasyprint-layer/) from the same deployment zip as the
API (built for python3.11): everything this module loads is pure Python from the zip, or from the layer.
A unit test keeps it so.

Event (render.py sends it, synchronously):
    {"view": contract_payload.dump(view), "key": "deals/<deal id>/contract-v<N>-<suffix>.pdf",
     "metadata": {"deal-id": …, "version": …}}
Or, the generic mode (render.store_html: the campaign PDFs of chalicelib/campaigns/pdf.py):
    {"html": <a document made from our templates>, "key": "campaign-pdfs/<campaign id>/<name>.pdf", "metadata": {…}}
laid out by the same allow-list renderer (contract_pdf.pdf_from_html: our fonts, nothing else fetched).
Each mode writes under its own prefix only (deals/ for contracts, campaign-pdfs/ for HTML).
Answer: {"key", "sha256", "size"}. The PDF is put under `key` with SSE and a SHA-256 checksum S3
verifies, and never over an existing file (If-None-Match). Any failure raises: Lambda reports it as a
FunctionError and the API answers 503 — the error's type is logged there, never the contract.

Environment: FILES_BUCKET (SAM Globals), AWS_REGION (Lambda), FONTCONFIG_PATH and XDG_CACHE_HOME
(.chalice/config.json). Permissions: its own role (.chalice/policy-render-<stage>.json): its logs and
s3:PutObject on deals/* and campaign-pdfs/* in the files bucket, nothing else.
"""
from __future__ import annotations

import os
from functools import lru_cache

from chalice import Blueprint

bp = Blueprint(__name__)
KEY_PREFIX = "deals/"
HTML_KEY_PREFIX = "campaign-pdfs/"  # the generic mode's files (render.store_html)
MAX_HTML_CHARS = 6 * 1024 * 1024
PDF_TYPE = "application/pdf"


@lru_cache(maxsize=1)
def _s3_client():
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3", region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        config=Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "max_attempts": 3}))


def _store():
    from chalicelib.core import files

    bucket = (os.environ.get("FILES_BUCKET") or "").strip()
    if not bucket:
        raise RuntimeError("FILES_BUCKET is not set: the PDF function stores what it renders in the files bucket.")
    return files.S3Store(bucket, client=_s3_client())


def handle(event, store=None) -> dict:
    """Render `event["view"]`, store it under `event["key"]`; {"key", "sha256", "size"}."""
    from chalicelib.core import files
    from chalicelib.core.file_names import check_key, check_metadata
    from chalicelib.deals import contract_payload, contract_pdf

    if not isinstance(event, dict):
        raise ValueError("The PDF function takes a JSON object.")
    if "html" in event:
        return _handle_html(event, store)
    key = check_key(event.get("key"))
    if not key.startswith(KEY_PREFIX) or not key.endswith(".pdf"):
        raise ValueError(f"The PDF function writes deals/….pdf only, not {key[:80]!r}.")
    metadata = check_metadata(event.get("metadata"))
    view = contract_payload.load(event.get("view"))
    pdf = contract_pdf.render_pdf(view)
    stored = files.put(key, pdf, content_type=PDF_TYPE, metadata=metadata, store=store or _store())
    return {"key": stored.key, "sha256": stored.sha256, "size": stored.size}


def _handle_html(event: dict, store=None) -> dict:
    """The generic mode: lay out `event["html"]` and store it under `event["key"]` (campaign-pdfs/….pdf)."""
    from chalicelib.core import files
    from chalicelib.core.file_names import check_key, check_metadata
    from chalicelib.deals import contract_pdf

    html = event.get("html")
    if not isinstance(html, str) or not html.strip() or len(html) > MAX_HTML_CHARS:
        raise ValueError("The PDF function takes a non-empty HTML document (at most 6 MB) in `html`.")
    if "view" in event:
        raise ValueError("The PDF function takes either `view` (a contract) or `html`, not both.")
    key = check_key(event.get("key"))
    if not key.startswith(HTML_KEY_PREFIX) or not key.endswith(".pdf"):
        raise ValueError(f"The PDF function writes HTML documents to campaign-pdfs/….pdf only, not {key[:80]!r}.")
    metadata = check_metadata(event.get("metadata"))
    pdf = contract_pdf.pdf_from_html(html)
    stored = files.put(key, pdf, content_type=PDF_TYPE, metadata=metadata, store=store or _store())
    return {"key": stored.key, "sha256": stored.sha256, "size": stored.size}


@bp.lambda_function(name="render_contract")
def render_contract(event, context):
    return handle(event)
