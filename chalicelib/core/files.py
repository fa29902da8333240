"""Files: the one artifact store (contracts, signed copies, placement evidence). Two backends, chosen
by settings:

  s3     FILES_BUCKET set (in AWS the infra template sets it): the files bucket — SSE, public access
         blocked, versioned. Objects are put with SSE-S3 (AES256) and a SHA-256 checksum S3 verifies,
         never with an ACL; downloads are presigned GET links that expire in minutes.
  local  otherwise: a folder, FILES_DIR (default .data/files). Each file is written atomically (a
         temp file, then a link or os.replace), mode 0600, with a `<name>.meta.json` sidecar
         (content type, sha256, size, metadata). Downloads are links to our own app,
         `{PUBLIC_BASE_URL}/files/<token>`: an itsdangerous timed signature (salt "file-download")
         over the key, the download name and the link's lifetime; `read_download_token` checks it.

Keys are built by callers from ids only (`deals/<deal id>/contract-v3-<suffix>.pdf`) and checked
strictly; the checks of keys, types, metadata, sizes and download names (and `content_disposition`)
are pure and live in core/file_names.py. A file is never served from a guessable URL: every link is
signed and expires (`GET /files/<token>`, core/http/files_route.py, serves the local ones).
Immutable versions are the caller's choice of key; `put` refuses to replace a stored file unless
asked to (`overwrite=True`). Nothing here logs a link, a token or a file's name or content.

boto3, itsdangerous and the settings are imported on first use, so importing this module costs
nothing; the PDF function passes its own `S3Store` and never loads the settings (nor pydantic).
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.core.errors import BadRequest, Conflict, Gone, NotFound, Upstream
from chalicelib.core.file_names import (
    MAX_BYTES,
    SIDECAR_SUFFIX,
    check_content_type,
    check_data,
    check_key,
    check_metadata,
    clean_filename,
    content_disposition,
)

log = logging.getLogger(__name__)

MAX_LINK_SECONDS = 15 * 60  # download links expire in minutes
DEFAULT_LINK_SECONDS = 5 * 60
MAX_TOKEN_LENGTH = 4096
DOWNLOAD_SALT = "file-download"


# The errors keep their parents' codes (not_found, conflict, bad_request, gone), whose page texts exist
# in every language; the message says what happened.
class FileMissing(NotFound):
    def __init__(self, key: str):
        super().__init__(f"No file is stored under {key}.")
        self.key = key


class FileAlreadyStored(Conflict):
    def __init__(self, key: str):
        super().__init__(f"A file is already stored under {key}; stored files are not replaced "
                         "unless overwrite=True is given.")
        self.key = key


class DownloadLinkInvalid(BadRequest):
    def __init__(self):
        super().__init__("This download link is damaged or was not made by Greenlight. "
                         "Open the file again from its page to get a new link.")


class DownloadLinkExpired(Gone):
    def __init__(self):
        super().__init__("This download link has expired: links work for a few minutes. "
                         "Open the file again from its page to get a new link.")


@dataclass(frozen=True)
class StoredFile:
    key: str
    sha256: str  # hex
    size: int
    version_id: str | None  # S3 object version; None locally


@dataclass(frozen=True)
class FileMeta(StoredFile):
    content_type: str
    metadata: dict[str, str] = field(default_factory=dict)


def _check_expiry(expires_seconds: int) -> int:
    if isinstance(expires_seconds, bool) or not isinstance(expires_seconds, int) \
            or not 1 <= expires_seconds <= MAX_LINK_SECONDS:
        raise ValueError(f"A download link must expire within 1 to {MAX_LINK_SECONDS} seconds.")
    return expires_seconds


# --- the store -------------------------------------------------------------------------------

def put(key: str, data: bytes, *, content_type: str, metadata: dict[str, str] | None = None,
        overwrite: bool = False, store: "S3Store | None" = None, max_bytes: int = MAX_BYTES) -> StoredFile:
    """Store `data` under `key`. ValueError for a bad key, type, metadata or a file over `max_bytes`
    (default MAX_BYTES, 10 MB; post media raise it for video);
    FileAlreadyStored when the key is taken and overwrite is False; Upstream when the store fails.
    `store`: an explicit S3Store (the PDF function, which reads no settings); default: by settings."""
    check_key(key)
    data = check_data(data, max_bytes)
    content_type = check_content_type(content_type)
    metadata = check_metadata(metadata)
    digest = hashlib.sha256(data).digest()
    backend = store or _backend()
    stored = backend.put(key, data, content_type, metadata, digest, overwrite)
    log.info("file stored", extra={"file_key": key, "size": stored.size, "backend": backend.name})
    return stored


def get(key: str) -> tuple[bytes, FileMeta]:
    """The bytes and what was stored with them; FileMissing when nothing is stored under the key."""
    return _backend().get(check_key(key))


def exists(key: str) -> bool:
    return _backend().exists(check_key(key))


def delete(key: str) -> None:
    """Best effort (cleanup after a failed write): a missing file is fine, a store failure is logged,
    never raised. In S3 this leaves a delete marker; the bucket's lifecycle expires old versions."""
    check_key(key)
    try:
        _backend().delete(key)
    except Exception as exc:  # noqa: BLE001 - cleanup must not hide the error that caused it
        log.warning("file not deleted", extra={"file_key": key, "error": type(exc).__name__})


def download_url(key: str, *, filename: str, expires_seconds: int = DEFAULT_LINK_SECONDS) -> str:
    """A link that downloads the file as an attachment named `filename`, valid for `expires_seconds`
    (at most 15 minutes). S3: a presigned GET (the content type stored at put is served); locally:
    `{PUBLIC_BASE_URL}/files/<token>` (see read_download_token). Nothing is read to make it."""
    check_key(key)
    name = clean_filename(filename)
    _check_expiry(expires_seconds)
    return _backend().download_url(key, name, expires_seconds)


def read_download_token(token: str, max_age: int | None = None) -> tuple[str, str]:
    """(key, filename) of a genuine, unexpired local download token. The link's own lifetime applies,
    shortened by `max_age` when given. DownloadLinkInvalid (400) or DownloadLinkExpired (410)."""
    from itsdangerous import BadData, SignatureExpired

    from chalicelib.core.signing import timed_serializer

    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise DownloadLinkInvalid()
    limit = MAX_LINK_SECONDS if max_age is None else min(max(int(max_age), 0), MAX_LINK_SECONDS)
    signer = timed_serializer(DOWNLOAD_SALT)
    try:
        payload = signer.loads(token, max_age=limit)
        key, filename, lifetime = payload["k"], payload["f"], payload["e"]
        if not isinstance(key, str) or not isinstance(filename, str) or not isinstance(lifetime, int):
            raise DownloadLinkInvalid()
        signer.loads(token, max_age=min(lifetime, limit))  # the lifetime the link was made with
        check_key(key)
        return key, clean_filename(filename)
    except SignatureExpired:
        raise DownloadLinkExpired() from None
    except (BadData, KeyError, TypeError, ValueError):
        raise DownloadLinkInvalid() from None


def _backend() -> "S3Store | _Local":
    from chalicelib.core.settings import get_settings  # here: the PDF function must not load pydantic

    settings = get_settings()
    bucket = settings.FILES_BUCKET.strip()
    if bucket:
        return S3Store(bucket)
    if not settings.is_local:
        raise Upstream(f"FILES_BUCKET is not set: in the {settings.STAGE} stage files are kept in S3 "
                       "(the infra template sets it).")
    return _Local(Path(settings.FILES_DIR))


class S3Store:
    """The S3 backend. `client`: a boto3 S3 client; default: core/deps' (which reads settings)."""

    name = "s3"

    def __init__(self, bucket: str, client=None):
        if client is None:
            from chalicelib.core import deps

            client = deps.aws_client("s3")
        self.bucket = bucket
        self.client = client

    def put(self, key, data, content_type, metadata, digest, overwrite) -> StoredFile:
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {} if overwrite else {"IfNoneMatch": "*"}  # S3's conditional write: no race
        try:
            answer = self.client.put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, Metadata=metadata,
                ServerSideEncryption="AES256", ChecksumAlgorithm="SHA256",
                ChecksumSHA256=base64.b64encode(digest).decode("ascii"),  # S3 refuses a body that differs
                **extra)
        except ClientError as exc:
            if _error_code(exc) in ("PreconditionFailed", "ConditionalRequestConflict", "412"):
                raise FileAlreadyStored(key) from None
            raise _upstream("store", exc) from exc
        except BotoCoreError as exc:
            raise _upstream("store", exc) from exc
        return StoredFile(key=key, sha256=digest.hex(), size=len(data), version_id=_version(answer))

    def get(self, key) -> tuple[bytes, FileMeta]:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            FlexibleChecksumError,
        )

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
            data = answer["Body"].read()  # botocore checks the stored SHA-256 as it reads
        except FlexibleChecksumError:
            log.warning("files store failed", extra={"doing": "read", "error": "checksum mismatch"})
            raise Upstream(f"The file under {key} does not match its checksum; it was not read.") from None
        except ClientError as exc:
            if _error_code(exc) in ("NoSuchKey", "404", "NotFound"):
                raise FileMissing(key) from None
            raise _upstream("read", exc) from exc
        except BotoCoreError as exc:
            raise _upstream("read", exc) from exc
        digest = hashlib.sha256(data).digest()
        expected = answer.get("ChecksumSHA256")
        if expected and "-" not in expected and expected != base64.b64encode(digest).decode("ascii"):
            raise Upstream(f"The file under {key} does not match its checksum; it was not read.")
        return data, FileMeta(key=key, sha256=digest.hex(), size=len(data), version_id=_version(answer),
                              content_type=answer.get("ContentType") or "application/octet-stream",
                              metadata=dict(answer.get("Metadata") or {}))

    def exists(self, key) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _error_code(exc) in ("NoSuchKey", "404", "NotFound"):
                return False
            raise _upstream("read", exc) from exc
        except BotoCoreError as exc:
            raise _upstream("read", exc) from exc
        return True

    def delete(self, key) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def download_url(self, key, filename, expires_seconds) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.generate_presigned_url(
                "get_object", ExpiresIn=expires_seconds,
                Params={"Bucket": self.bucket, "Key": key,
                        "ResponseContentDisposition": content_disposition(filename)})
        except (BotoCoreError, ClientError) as exc:
            raise _upstream("sign a link for", exc) from exc


def _error_code(exc) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _version(answer: dict) -> str | None:
    version = answer.get("VersionId")
    return version if version and version != "null" else None


def _upstream(doing: str, exc: Exception) -> Upstream:
    code = _error_code(exc) if hasattr(exc, "response") else type(exc).__name__
    log.warning("files store failed", extra={"doing": doing, "error": code})
    return Upstream(f"The file store (S3) could not {doing} the file ({code}); try again in a minute.")


class _Local:
    name = "local"

    def __init__(self, root: Path):
        self.root = root

    def _paths(self, key: str) -> tuple[Path, Path]:
        path = self.root / key
        root = os.path.abspath(self.root)
        if os.path.commonpath([root, os.path.abspath(path)]) != root:  # check_key already makes sure
            raise ValueError(f"A file key must stay inside the store: {key[:80]!r}.")
        return path, path.with_name(path.name + SIDECAR_SUFFIX)

    def put(self, key, data, content_type, metadata, digest, overwrite) -> StoredFile:
        path, sidecar = self._paths(key)
        if path.is_dir():
            raise ValueError(f"Other files are stored under {key}/, so no file can be stored at {key}.")
        try:
            _make_private_folders(path.parent)
        except (FileExistsError, NotADirectoryError):
            raise ValueError(f"A file is stored at a folder of {key}, so {key} cannot be stored.") from None
        meta = {"content_type": content_type, "sha256": digest.hex(), "size": len(data), "metadata": metadata}
        try:
            _write_atomically(path, data, replace=overwrite)
        except FileExistsError:
            raise FileAlreadyStored(key) from None
        _write_atomically(sidecar, json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"),
                          replace=True)
        return StoredFile(key=key, sha256=digest.hex(), size=len(data), version_id=None)

    def get(self, key) -> tuple[bytes, FileMeta]:
        path, sidecar = self._paths(key)
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise FileMissing(key) from None
        except ValueError:
            raise Upstream(f"The metadata of the file under {key} is unreadable; it was not read.") from None
        digest = hashlib.sha256(data).hexdigest()
        if not isinstance(meta, dict) or digest != meta.get("sha256") or len(data) != meta.get("size"):
            raise Upstream(f"The file under {key} does not match its checksum; it was not read.")
        return data, FileMeta(key=key, sha256=digest, size=len(data), version_id=None,
                              content_type=str(meta.get("content_type") or "application/octet-stream"),
                              metadata=dict(meta.get("metadata") or {}))

    def exists(self, key) -> bool:
        path, sidecar = self._paths(key)
        return path.is_file() and sidecar.is_file()

    def delete(self, key) -> None:
        path, sidecar = self._paths(key)
        for each in (path, sidecar):
            if not each.is_dir():
                each.unlink(missing_ok=True)

    def download_url(self, key, filename, expires_seconds) -> str:
        from chalicelib.core.signing import timed_serializer

        token = timed_serializer(DOWNLOAD_SALT).dumps({"k": key, "f": filename, "e": expires_seconds})
        from chalicelib.core.settings import get_settings

        return f"{get_settings().PUBLIC_BASE_URL}/files/{token}"


def _make_private_folders(folder: Path) -> None:
    """Make `folder` and its missing parents, each 0700 (mkdir(parents=True) ignores mode for parents)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(folder)
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)


def _write_atomically(path: Path, data: bytes, *, replace: bool) -> None:
    """Write a temp file beside `path` (mode 0600: mkstemp's), then put it in place in one step: with
    os.replace, or with os.link, which refuses (FileExistsError) when `path` exists. Readers never
    see half a file; a failure leaves no temp file behind."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: check, then replace
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
