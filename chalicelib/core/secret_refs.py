"""Which secret references a brand may name. Pure rules, no I/O.

Agencies run competing brands in one Greenlight, and the Lambda role can read every secret of the
stage — so a reference a person sets (a channel's `credentials_ref`, a brand's own Slack app) must
name a secret of that brand and of nothing else:

  ssm:/greenlight/<stage>/brands/<brand id>/<purpose>/<name…>          SSM Parameter Store (SecureString)
  secretsmanager:greenlight/<stage>/brands/<brand id>/<purpose>/<name…> Secrets Manager (a name, never an ARN)
  file:brands/<brand id>/<purpose>/<name…>                              stage local/test only: a file
                                                                        Greenlight wrote (.data/secrets)
  env:GL_BRAND_<NAME>                                                   stage local/test only

`purpose` keeps a brand's secrets of one kind apart from another's: `channels` (channel tokens and
webhook secrets, which SMM and content managers set) and `slack` (the brand's own Slack app, which
only administrators set) — so a channel can never be pointed at the brand's Slack signing secret, nor
a Slack app at a token a manager typed into a channel.

Platform secrets (signing keys, SMTP, the workspace Slack app) live outside `brands/`, so no brand can
name them; `resolve_for_brand` (core/secrets.py) also refuses any reference a platform setting uses.
The same rule runs when a reference is saved and again each time it is read, against the brand of
the object that uses it (a copied or hand-edited item cannot borrow another brand's secret).
"""
from __future__ import annotations

import re

LOCAL_STAGES = ("local", "test")
LOCAL_ENV_PREFIX = "GL_BRAND_"
KINDS = ("ssm:", "secretsmanager:", "file:", "env:")
# After the brand's prefix: path segments of letters, digits and - _ . (no empty, "." or ".." segment).
_NAME = re.compile(r"^(?!.*(?:^|/)\.{1,2}(?:/|$))[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*$")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]*$")
MAX_LENGTH = 256
PURPOSES = ("channels", "slack")


def ssm_prefix(stage: str, brand_id: str, purpose: str = "channels") -> str:
    return f"/greenlight/{stage}/brands/{brand_id}/{purpose}/"


def secretsmanager_prefix(stage: str, brand_id: str, purpose: str = "channels") -> str:
    return f"greenlight/{stage}/brands/{brand_id}/{purpose}/"


def file_prefix(brand_id: str, purpose: str = "channels") -> str:
    return f"brands/{brand_id}/{purpose}/"


def problem(reference: str, *, stage: str, brand_id: str, purpose: str = "channels") -> str | None:
    """Why `brand_id` may not name `reference` for `purpose` in `stage` (a sentence for the person), else None."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown secret purpose {purpose!r}")
    if not isinstance(reference, str) or not reference or len(reference) > MAX_LENGTH:
        return f"Give a reference of at most {MAX_LENGTH} characters."
    if not brand_id or "/" in brand_id:
        return "This reference has no brand to belong to."
    kind, _, name = reference.partition(":")
    local = stage in LOCAL_STAGES
    if kind == "env":
        if not local:
            return "env: references are allowed only when Greenlight runs locally; use ssm: or secretsmanager:."
        if not name.startswith(LOCAL_ENV_PREFIX) or not _ENV.match(name) or name == LOCAL_ENV_PREFIX:
            return f"Locally, an env: reference must name a variable starting with {LOCAL_ENV_PREFIX}."
        return None
    if kind == "file":
        if not local:
            return "file: references exist only when Greenlight runs locally."
        return _under(name, file_prefix(brand_id, purpose), f"file:{file_prefix(brand_id, purpose)}")
    if kind == "ssm":
        return _under(name, ssm_prefix(stage, brand_id, purpose), f"ssm:{ssm_prefix(stage, brand_id, purpose)}")
    if kind == "secretsmanager":
        if name.startswith("arn:"):
            return "Name the secret, not its ARN."
        return _under(name, secretsmanager_prefix(stage, brand_id, purpose),
                      f"secretsmanager:{secretsmanager_prefix(stage, brand_id, purpose)}")
    return "A reference starts with ssm: or secretsmanager: (or env:/file: locally) — never the secret itself."


def _under(name: str, prefix: str, shown: str) -> str | None:
    rest = name[len(prefix):] if name.startswith(prefix) else None
    if not rest or not _NAME.match(rest):
        return f"This brand's secrets live under {shown}… — name one there."
    return None


def managed_channel_name(channel_id: str) -> str:
    """Where Greenlight itself stores a channel's token (the write-only `credentials` field), under the
    brand's `channels/` prefix."""
    return f"channels/{channel_id}"


def managed_reference(store: str, stage: str, brand_id: str, name: str) -> str:
    """The reference of a secret Greenlight stored (`name` under the brand's prefix, its purpose first):
    store "ssm" (AWS) or "file" (local)."""
    purpose, _, rest = name.partition("/")
    if store == "file":
        return f"file:{file_prefix(brand_id, purpose)}{rest}"
    return f"ssm:{ssm_prefix(stage, brand_id, purpose)}{rest}"
