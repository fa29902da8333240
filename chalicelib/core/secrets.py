"""Resolve secret settings given as references.

  env:NAME               another environment variable (local and dev only; enforced in settings)
  ssm:/path/to/param     SSM Parameter Store, SecureString decrypted
  secretsmanager:name    Secrets Manager SecretString
  file:brands/<id>/name  local/test only: a file Greenlight wrote under the secrets folder
  anything else          the literal value (refused in prod by settings)

`resolve` is for platform settings. A reference a person set (a channel's token, a brand's own Slack
app) is read only through `resolve_for_brand`, which checks it belongs to that brand first
(core/secret_refs.py) and fails with one generic message ("credentials could not be read") that never
names the path or the provider's error. `store_for_brand` writes a secret a manager typed in (SSM
SecureString in AWS, a 0600 file locally) and returns only its reference; nothing reads it back out.

Values are cached per process for `CACHE_SECONDS` so a rotated secret is picked up without a deploy.
Never log a resolved value.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from chalicelib.core import secret_refs
from chalicelib.core.errors import Upstream, ValidationFailed

log = logging.getLogger(__name__)

CACHE_SECONDS = 300
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


class CredentialsUnreadable(Upstream):
    """A brand's secret could not be read: the same words whatever the cause, so nobody can probe paths."""

    code = "credentials_unreadable"

    def __init__(self, *, permanent: bool = False):
        super().__init__("The credentials could not be read.")
        self.permanent = permanent  # no retry can help: a refused reference, a local one that is not there


def resolve(reference: str) -> str:
    if not reference or not reference.startswith(("env:", "ssm:", "secretsmanager:", "file:")):
        return reference
    now = time.monotonic()
    with _lock:
        hit = _cache.get(reference)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = _fetch(reference)
    with _lock:
        _cache[reference] = (now, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _fetch(reference: str) -> str:
    kind, _, name = reference.partition(":")
    if kind == "file":
        return _read_file(name)
    if kind == "env":
        value = os.environ.get(name)
        if value is None:
            raise Upstream(f"secret reference {reference!r}: environment variable {name} is not set")
        return value
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.core import deps

    try:
        if kind == "ssm":
            answer = deps.aws_client("ssm").get_parameter(Name=name, WithDecryption=True)
            return answer["Parameter"]["Value"]
        answer = deps.aws_client("secretsmanager").get_secret_value(SecretId=name)
        return answer["SecretString"]
    except (BotoCoreError, ClientError) as exc:
        # The reference names where the secret lives, not the secret: safe to say.
        raise Upstream(f"secret reference {reference!r} could not be read ({type(exc).__name__})") from exc


# --- the references people set ---------------------------------------------------------------------

def _stage() -> str:
    from chalicelib.core.settings import get_settings

    return get_settings().STAGE


def check_for_brand(reference: str | None, brand_id: str, *, field: str, purpose: str = "channels") -> None:
    """ValidationFailed (422, naming `field`) unless `brand_id` may name `reference` for `purpose` here."""
    if not reference:
        return
    problem = secret_refs.problem(reference, stage=_stage(), brand_id=brand_id, purpose=purpose)
    if problem is None and _is_platform_secret(reference):
        problem = "This reference names one of Greenlight's own secrets."
    if problem:
        raise ValidationFailed(problem, details=[{"field": field, "message": problem}])


def resolve_for_brand(reference: str, brand_id: str, purpose: str = "channels") -> str:
    """The secret behind a reference set for `brand_id` and `purpose`, checked again against them; any
    failure is CredentialsUnreadable (the cause is logged for the operator, never the value)."""
    problem = secret_refs.problem(reference, stage=_stage(), brand_id=brand_id, purpose=purpose)
    if problem is None and _is_platform_secret(reference):
        problem = "names a platform secret"
    if problem:
        log.warning("secret reference refused for brand %s: %s", brand_id, problem)
        raise CredentialsUnreadable(permanent=True)
    try:
        value = resolve(reference)
    except Upstream as exc:
        log.warning("secret reference of brand %s could not be read: %s", brand_id, exc.message)
        raise CredentialsUnreadable(permanent=reference.startswith(("env:", "file:"))) from None
    if not value:
        log.warning("secret reference of brand %s is empty", brand_id)
        raise CredentialsUnreadable(permanent=True)
    return value


def _is_platform_secret(reference: str) -> bool:
    from chalicelib.core.settings import SECRET_SETTINGS, get_settings

    settings = get_settings()
    return any(getattr(settings, name) == reference for name in SECRET_SETTINGS)


def secrets_dir() -> Path:
    """Local secrets folder: beside FILES_DIR (.data/files -> .data/secrets)."""
    from chalicelib.core.settings import get_settings
    from chalicelib.core.stage_env import PROJECT_DIR

    files = Path(get_settings().FILES_DIR)
    return (files if files.is_absolute() else PROJECT_DIR / files).parent / "secrets"


def _file_path(name: str) -> Path:
    root = secrets_dir().resolve()
    path = (root / name).resolve()
    if root not in path.parents:
        raise Upstream("secret file reference outside the secrets folder")
    return path


def _read_file(name: str) -> str:
    if _stage() not in secret_refs.LOCAL_STAGES:
        raise Upstream("file: secret references exist only locally")
    try:
        return _file_path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise Upstream(f"secret file could not be read ({type(exc).__name__})") from None


def store_for_brand(brand_id: str, name: str, value: str) -> str:
    """Keep a secret a manager gave (a channel's token) under the brand's prefix; return its reference.
    AWS: an SSM SecureString (overwritten if it exists). Locally: a file readable by its owner only."""
    stage = _stage()
    local = stage in secret_refs.LOCAL_STAGES
    reference = secret_refs.managed_reference("file" if local else "ssm", stage, brand_id, name)
    kind, _, where = reference.partition(":")
    try:
        if kind == "file":
            path = _file_path(where)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(value)
        else:
            from botocore.exceptions import BotoCoreError, ClientError

            from chalicelib.core import deps

            try:
                deps.aws_client("ssm").put_parameter(Name=where, Value=value, Type="SecureString", Overwrite=True)
            except (BotoCoreError, ClientError) as exc:
                log.warning("storing a secret of brand %s failed: %s", brand_id, type(exc).__name__)
                raise Upstream("The credentials could not be stored; try again.") from None
    except OSError as exc:
        log.warning("storing a secret of brand %s failed: %s", brand_id, type(exc).__name__)
        raise Upstream("The credentials could not be stored; try again.") from None
    with _lock:
        _cache.pop(reference, None)
    return reference


def forget_for_brand(brand_id: str, reference: str | None, name: str) -> None:
    """Delete a secret Greenlight stored (only one it manages, at `name`); best effort."""
    if not reference:
        return
    stage = _stage()
    if reference not in (secret_refs.managed_reference("file", stage, brand_id, name),
                         secret_refs.managed_reference("ssm", stage, brand_id, name)):
        return
    with _lock:
        _cache.pop(reference, None)
    kind, _, where = reference.partition(":")
    try:
        if kind == "file":
            _file_path(where).unlink(missing_ok=True)
        else:
            from chalicelib.core import deps

            deps.aws_client("ssm").delete_parameter(Name=where)
    except Exception as exc:  # noqa: BLE001 - the channel is gone either way; an orphan is only a cost
        log.warning("deleting a stored secret of brand %s failed: %s", brand_id, type(exc).__name__)
