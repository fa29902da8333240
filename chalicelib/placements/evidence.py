"""A check's evidence in the artifact store (core/files.py): the page or API answer exactly as fetched, or
the screenshot / export a person uploaded — never overwritten, with its SHA-256, size, URL, time and HTTP
status recorded on the check, so anyone can later show what was seen and prove it was not changed.

Keys: `placements/<brand>/<deliverable>/<check id>-a<attempt>.<ext>` (ids only; core/file_names.check_key).
Downloads are short-lived signed links (core/files.download_url) served as attachments under a CSP that
runs nothing (core/http/files_route.py): a stored HTML page never runs as a page of ours.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.core import files
from chalicelib.core.clock import iso

EXTENSIONS = {"text/html": "html", "application/json": "json", "image/png": "png", "image/jpeg": "jpg",
              "application/pdf": "pdf", "text/plain": "txt"}
UPLOAD_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff", "application/pdf": b"%PDF-"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def bare_type(content_type: str | None) -> str:
    return (content_type or "application/octet-stream").split(";", 1)[0].strip().lower() or "application/octet-stream"


def key_for(check, attempt: int, content_type: str) -> str:
    extension = EXTENSIONS.get(bare_type(content_type), "bin")
    return f"placements/{check.brand_id}/{check.deliverable_id}/{check.id}-a{attempt}.{extension}"


def store(check, attempt: int, raw: bytes, *, content_type: str, url: str | None, http_status: int | None,
          fetched_at: datetime) -> dict:
    """Store the bytes; the evidence map the check records."""
    kind = bare_type(content_type)
    if kind not in EXTENSIONS:
        kind = "application/octet-stream"
    key = key_for(check, attempt, kind)
    stored = files.put(key, raw, content_type=kind)  # each attempt has a key of its own: never overwritten
    return {"key": stored.key, "sha256": stored.sha256, "size": stored.size, "url": url,
            "fetched_at": iso(fetched_at), "http_status": http_status, "content_type": kind}


def sniffed_type(data: bytes) -> str | None:
    """The upload's type by its first bytes (PNG, JPEG, PDF), None for anything else."""
    for kind, magic in UPLOAD_TYPES.items():
        if data[:len(magic)] == magic:
            return kind
    return None


def link(evidence: dict | None, *, check_id: str) -> str | None:
    if not evidence or not evidence.get("key"):
        return None
    extension = evidence["key"].rsplit(".", 1)[-1]
    return files.download_url(evidence["key"], filename=f"evidence-{check_id}.{extension}")
