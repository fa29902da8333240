"""Where a contract PDF is made: in-process (local, tests) or by the PDF function in AWS.

  RENDER_FUNCTION_NAME empty (local, tests):  WeasyPrint in this process (contract_pdf.render_pdf),
                                              then the artifact store (core/files.put).
  RENDER_FUNCTION_NAME set (dev, prod):       a synchronous Lambda invoke of the PDF function
                                              (render_lambda.py, with the WeasyPrint layer). It gets
                                              {"view": contract_payload.dump(view), "key", "metadata"},
                                              writes the PDF to the files bucket under `key` itself and
                                              answers {"key", "sha256", "size"} — the PDF never travels
                                              back through the invoke (6 MB payload limit).

The same function also makes other PDFs from ready HTML (`store_html`, the campaign PDFs of
chalicelib/campaigns/pdf.py): the event is {"html": <the document>, "key": "campaign-pdfs/….pdf", "metadata"},
the answer the same {"key", "sha256", "size"}; locally `contract_pdf.pdf_from_html` runs in-process.

The API function never imports WeasyPrint: outside the local stage a missing RENDER_FUNCTION_NAME is a
503 that says so, not an ImportError. Keys are unique per attempt (contract_service.py), so a render
that timed out after writing leaves an unreferenced file, never a conflict; nothing is retried blindly.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from chalicelib.core.errors import Upstream
from chalicelib.deals.contract_view import ContractView

log = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
MAX_INVOKE_BYTES = 6 * 1024 * 1024  # a synchronous invoke's request and response payload limit
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Rendered:
    key: str
    sha256: str  # hex
    size: int


def render_contract(view: ContractView) -> bytes:
    """The PDF bytes, made in this process (WeasyPrint imported here, on first use)."""
    from chalicelib.deals import contract_pdf

    return contract_pdf.render_pdf(view)


def store_contract(view: ContractView, key: str, metadata: dict[str, str] | None = None) -> Rendered:
    """Render the contract and store it under `key` (never replacing a file): by the PDF function when
    one is configured, else in-process. Upstream (503) when the function or the store fails."""
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    name = settings.RENDER_FUNCTION_NAME.strip()
    if name:
        return _invoke(name, view, key, metadata or {})
    if not settings.is_local:
        raise Upstream(f"RENDER_FUNCTION_NAME is not set: in the {settings.STAGE} stage contract PDFs are made by "
                       "the PDF function (.chalice/config.json sets it).")
    from chalicelib.core import files

    stored = files.put(key, render_contract(view), content_type=PDF_TYPE, metadata=metadata)
    return Rendered(key=stored.key, sha256=stored.sha256, size=stored.size)


def store_html(html: str, key: str, metadata: dict[str, str] | None = None) -> Rendered:
    """Lay out a ready HTML document (made from our templates) as a PDF and store it under `key`
    (`campaign-pdfs/…pdf`, never replacing a file): by the PDF function when one is configured, else
    in-process. Upstream (503) when the function or the store fails, or no function is set outside local."""
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    name = settings.RENDER_FUNCTION_NAME.strip()
    if name:
        return _call(name, {"html": html, "key": key, "metadata": metadata or {}}, key, "document")
    if not settings.is_local:
        raise Upstream(f"RENDER_FUNCTION_NAME is not set: in the {settings.STAGE} stage PDFs are made by "
                       "the PDF function (.chalice/config.json sets it).")
    from chalicelib.core import files
    from chalicelib.deals import contract_pdf

    stored = files.put(key, contract_pdf.pdf_from_html(html), content_type=PDF_TYPE, metadata=metadata)
    return Rendered(key=stored.key, sha256=stored.sha256, size=stored.size)


def _invoke(function: str, view: ContractView, key: str, metadata: dict[str, str]) -> Rendered:
    from chalicelib.deals import contract_payload

    return _call(function, {"view": contract_payload.dump(view), "key": key, "metadata": metadata}, key, "contract")


def _call(function: str, event: dict, key: str, what: str) -> Rendered:
    """Invoke the PDF function with `event` and check its answer names `key`; `what` ("contract",
    "document") names the thing in the errors."""
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.core import deps

    payload = json.dumps(event, ensure_ascii=False).encode("utf-8")
    if len(payload) > MAX_INVOKE_BYTES:
        raise Upstream(f"The {what} is too large to send to the PDF function.")
    try:
        answer = deps.aws_client("lambda").invoke(FunctionName=function, InvocationType="RequestResponse",
                                                  Payload=payload)
        body = answer["Payload"].read()
    except (BotoCoreError, ClientError) as exc:
        code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else type(exc).__name__
        log.warning("PDF function not reached", extra={"error": code})
        raise Upstream("The PDF function did not answer; try again in a minute.") from None
    if answer.get("FunctionError"):
        log.warning("PDF function failed", extra={"error": _error_type(body)})
        raise Upstream(f"The PDF function could not make the {what}; try again in a minute.")
    try:
        result = json.loads(body)
        rendered = Rendered(key=result["key"], sha256=result["sha256"], size=result["size"])
    except (ValueError, KeyError, TypeError):
        rendered = None
    if (rendered is None or rendered.key != key or not isinstance(rendered.sha256, str)
            or not _SHA256.fullmatch(rendered.sha256) or isinstance(rendered.size, bool)
            or not isinstance(rendered.size, int) or rendered.size <= 0):
        log.warning("PDF function answered nonsense")
        raise Upstream("The PDF function gave an answer that makes no sense; try again in a minute.")
    return rendered


def _error_type(body: bytes) -> str:
    """The error's type from Lambda's error payload ({"errorType", "errorMessage", …}); never its message."""
    try:
        return str(json.loads(body).get("errorType", "unknown"))[:80]
    except (ValueError, AttributeError):
        return "unknown"
