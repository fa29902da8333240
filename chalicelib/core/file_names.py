"""What the artifact store (core/files.py) accepts, checked without touching it: keys, content types,
metadata, sizes, download names, and the `Content-Disposition` header for a download. Pure: no I/O,
no settings, nothing imported that a small function (the PDF renderer) would not have.

Keys are built by callers from ids only (`deals/<deal id>/contract-v3-<suffix>.pdf`) and checked
strictly by `check_key`: relative, ASCII letters, digits, '.', '_', '-' between '/', no part starting
with '.', no `..`, no store-internal names.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_BYTES = 10 * 1024 * 1024
MAX_KEY_LENGTH = 512
MAX_SEGMENT_LENGTH = 200  # file systems allow 255 bytes a name; the store adds up to 14 to it
MAX_FILENAME_LENGTH = 200
MAX_METADATA_BYTES = 2048  # S3's limit for user-defined metadata, kept locally too
SIDECAR_SUFFIX = ".meta.json"
PDF_MAGIC = b"%PDF-"

# A segment: letters, digits, dot, underscore, hyphen; never starting with a dot (so no `.`, `..`,
# hidden files, or the store's own temp files).
_SEGMENT = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9._\-]*")
_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*"
                           r"(?:; ?[A-Za-z0-9!#$&^_.+\-]+=[A-Za-z0-9!#$&^_.+\-]+)*")
_METADATA_NAME = re.compile(r"[a-z0-9][a-z0-9\-]{0,63}")
_METADATA_VALUE = re.compile(r"[\x20-\x7e]*")
# RFC 5987 attr-char: what filename*= may carry unencoded.
_ATTR_CHARS = "!#$&+-.^_`|~"


def check_key(key: str) -> str:
    """The key itself when it is safe, else ValueError saying what is wrong with it."""
    if not isinstance(key, str) or not key:
        raise ValueError("A file key must be a non-empty string.")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"A file key must be at most {MAX_KEY_LENGTH} characters; this one has {len(key)}.")
    if key.startswith("/"):
        raise ValueError(f"A file key must be relative, not start with '/': {key[:80]!r}.")
    for segment in key.split("/"):
        if not segment:
            raise ValueError(f"A file key must not have empty parts ('//' or a trailing '/'): {key[:80]!r}.")
        if segment in (".", ".."):
            raise ValueError(f"A file key must not contain '.' or '..' parts: {key[:80]!r}.")
        if not _SEGMENT.fullmatch(segment):
            raise ValueError("A file key may hold only ASCII letters, digits, '.', '_', '-' and '/' "
                             f"between parts, and no part may start with '.': {key[:80]!r}.")
        if len(segment) > MAX_SEGMENT_LENGTH:
            raise ValueError(f"No part of a file key may be longer than {MAX_SEGMENT_LENGTH} characters "
                             f"(between two '/'): {key[:80]!r}.")
        if segment.endswith(SIDECAR_SUFFIX):
            raise ValueError(f"No part of a file key may end with {SIDECAR_SUFFIX!r} (the store keeps "
                             f"its metadata under such names): {key[:80]!r}.")
    return key


def check_content_type(content_type: str) -> str:
    if not isinstance(content_type, str) or not _CONTENT_TYPE.fullmatch(content_type):
        raise ValueError(f"The content type must look like 'application/pdf': {str(content_type)[:80]!r}.")
    return content_type


def check_metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    metadata = dict(metadata or {})
    for name, value in metadata.items():
        if not isinstance(name, str) or not _METADATA_NAME.fullmatch(name):
            raise ValueError("File metadata names must be lowercase ASCII letters, digits and '-' "
                             f"(at most 64): {str(name)[:80]!r}.")
        if not isinstance(value, str) or not _METADATA_VALUE.fullmatch(value):
            raise ValueError(f"File metadata values must be printable ASCII text: the value of {name!r} is not.")
    if sum(len(name) + len(value) for name, value in metadata.items()) > MAX_METADATA_BYTES:
        raise ValueError(f"File metadata must be at most {MAX_METADATA_BYTES} bytes in all.")
    return metadata


def check_data(data: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("A file's data must be bytes.")
    if len(data) > max_bytes:
        raise ValueError(f"A file may be at most {max_bytes // (1024 * 1024)} MB; this one is "
                         f"{len(data)} bytes.")
    return bytes(data)


def looks_like_pdf(data: bytes) -> bool:
    """Does the data start with the PDF header `%PDF-`? A header check, not a parse: strict (some
    readers tolerate junk before the header; we do not, so an HTML page with a PDF tail is refused)."""
    return isinstance(data, (bytes, bytearray)) and bytes(data[:len(PDF_MAGIC)]) == PDF_MAGIC


def clean_filename(filename: str) -> str:
    """The download name as shown to the person: control characters dropped, path separators
    turned into '_' (a contract number like 12/2026 is common), at most 200 characters."""
    if not isinstance(filename, str):
        raise ValueError("A download file name must be a string.")
    text = unicodedata.normalize("NFC", filename)
    text = "".join("_" if ch in "/\\" else ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = " ".join(text.split())
    if not text.strip(". "):
        raise ValueError("A download file name must not be empty.")
    if len(text) > MAX_FILENAME_LENGTH:
        raise ValueError(f"A download file name must be at most {MAX_FILENAME_LENGTH} characters.")
    return text


def content_disposition(filename: str) -> str:
    """`attachment` with the name (RFC 6266): an ASCII `filename=` for old clients and, when the name
    is not plain ASCII, `filename*=UTF-8''…` (RFC 5987) that every current browser prefers."""
    name = clean_filename(filename)
    fallback = _ascii_fallback(name)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += "; filename*=UTF-8''" + quote(name, safe=_ATTR_CHARS, encoding="utf-8")
    return header


def _ascii_fallback(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join("_" if ch in '"\\%' else ch for ch in ascii_name if 0x20 <= ord(ch) < 0x7f)
    ascii_name = " ".join(ascii_name.split())
    stem, dot, suffix = ascii_name.rpartition(".")
    if not dot:
        stem, suffix = ascii_name, ""
    if not stem.strip(" ._-"):
        stem = "download"
    return f"{stem.strip()}{dot}{suffix}" if suffix else stem.strip()
