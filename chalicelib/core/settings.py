"""One typed settings object, read from the environment.

Per-stage values live in `.chalice/config.json`; see `stage_env.py` for how the shell overrides
them locally. Secret settings hold either a literal (local/dev only) or a reference
(`env:NAME`, `ssm:/path`, `secretsmanager:name`) resolved lazily by `secrets.py`.
"""
from __future__ import annotations

import ipaddress
import os
import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Stage = Literal["local", "dev", "prod", "test"]
SECRET_SETTINGS = ("SMTP_PASSWORD", "SIGNING_KEYS", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "VK_SERVICE_TOKEN")
REFERENCE_PREFIXES = ("env:", "ssm:", "secretsmanager:")
MIN_SIGNING_KEY_LENGTH = 32


def signing_key_problem(raw: str) -> str | None:
    """What is wrong with a list of signing keys (comma-separated, newest first), naming a key by
    its place in the list, never by its value; None when every key is long enough."""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    short = [number for number, key in enumerate(keys, start=1) if len(key) < MIN_SIGNING_KEY_LENGTH]
    if not short:
        return None
    which = f"key {short[0]} is" if len(short) == 1 else f"keys {', '.join(map(str, short))} are"
    return (f"SIGNING_KEYS: {which} shorter than {MIN_SIGNING_KEY_LENGTH} characters (of {len(keys)}, "
            f"counted newest first); every key must be random and at least {MIN_SIGNING_KEY_LENGTH} "
            "characters long (openssl rand -hex 32)")


ALLOW_LIST_EXAMPLE = "127.0.0.1:8002,[::1]:8002,receiver.internal:443"
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*")  # a name or a dotted IPv4 address


def outbound_host(host: str) -> str:
    """A host as OUTBOUND_ALLOW_PRIVATE compares it: case-folded, an IPv6 address without brackets, an IP
    address in its standard form (so [0:0::1] is [::1]). Names are compared as written, never resolved."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def allow_list_entries(raw: str) -> tuple[tuple[str, int], ...]:
    """OUTBOUND_ALLOW_PRIVATE read: ((host, port), …), hosts as `outbound_host` gives them. Raises
    ValueError naming the first entry that is not an exact host:port."""
    entries: list[tuple[str, int]] = []
    for number, entry in enumerate((part.strip() for part in raw.split(",")), start=1):
        if not entry:
            continue
        problem, host, port = None, "", ""
        if "/" in entry or "@" in entry:
            problem = "is not host:port (no scheme, path, network or user)"
        elif entry.startswith("["):
            address, closed, rest = entry[1:].partition("]")
            host, port = address, rest[1:] if rest.startswith(":") else ""
            try:
                ipaddress.IPv6Address(address)
            except ValueError:
                problem = "has no IPv6 address in its brackets"
            if not closed or not rest.startswith(":"):
                problem = problem or "has no :port after its IPv6 address"
        else:
            host, colon, port = entry.rpartition(":")
            if not colon:
                problem = "has no port"
            elif ":" in host:
                problem = "is an IPv6 address without brackets (write [::1]:8002)"
            elif not _HOST_NAME.fullmatch(host.lower()):
                problem = "has no valid host name or IP address (no wildcards)"
        if problem is None and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
            problem = "has no port between 1 and 65535"
        if problem:
            raise ValueError(f"OUTBOUND_ALLOW_PRIVATE: entry {number} ({entry!r}) {problem}; give exact host:port "
                             f"pairs separated by commas, IPv6 in brackets, like {ALLOW_LIST_EXAMPLE}")
        entries.append((outbound_host(host), int(port)))
    return tuple(entries)


class Settings(BaseModel):
    # Plain pydantic over os.environ (see get_settings): pydantic-settings would add ~50 ms to
    # every cold start for features we do not use.
    # hide_input_in_errors: an error must never print the values (secrets among them) it was given.
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True, defer_build=True,
                              hide_input_in_errors=True)

    STAGE: Stage = "local"
    AWS_REGION: str = Field(default="eu-central-1", validation_alias="AWS_DEFAULT_REGION")
    DYNAMODB_ENDPOINT: str = ""
    TABLE_PREFIX: str = "greenlight-local-"
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"
    EMAIL_BACKEND: Literal["outbox", "smtp", "ses"] = "outbox"
    EMAIL_FROM: str = "Greenlight <greenlight@localhost>"
    OUTBOX_DIR: str = ".data/outbox"
    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: int = 25
    SMTP_USER: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_STARTTLS: bool = False
    SIGNING_KEYS: str = ""
    FILES_DIR: str = ".data/files"
    FILES_BUCKET: str = ""  # S3 bucket for files in AWS (set by the infra template); empty: FILES_DIR
    SESSION_TTL_HOURS: int = Field(default=24 * 14, ge=1, le=24 * 90)
    MAGIC_LINK_TTL_MINUTES: int = Field(default=15, ge=1, le=60)
    DEFAULT_LANGUAGE: Literal["en", "ru"] = "en"
    LOG_LEVEL: str = "INFO"
    # Approvals by email and Slack (a brand can override the Slack token and secret in its settings)
    SLACK_API_BASE_URL: str = "https://slack.com/api/"
    SLACK_BOT_TOKEN: str = ""
    SLACK_SIGNING_SECRET: str = ""
    SLACK_TEAM_ID: str = Field(default="", pattern=r"^([TE][A-Z0-9]{2,20})?$")  # the workspace app's team (T…)
    LINK_TTL_HOURS: int = Field(default=168, ge=1, le=168)  # action links: stage deadline, else this; 7 days at most
    REMINDER_OFFSETS_HOURS: str = "24,2"  # reminders this many hours before a stage deadline
    # Scheduled publishing (issue 5): channel API base URLs (tests point them at fakes on loopback)
    TELEGRAM_API_BASE_URL: str = "https://api.telegram.org"
    VK_API_BASE_URL: str = "https://api.vk.com/method"
    VK_API_VERSION: str = "5.199"
    VK_SERVICE_TOKEN: str = ""  # placement checks: VK app service token for wall.getById (a secret reference)
    # Influencers: public Telegram channel pages (t.me/<name>) read for subscriber counts
    TELEGRAM_WEB_BASE_URL: str = "https://t.me"
    PUBLISH_CONCURRENCY: int = Field(default=8, ge=1, le=64)  # sends in flight in one publish-due run
    MISSED_AFTER_MINUTES: int = Field(default=120, ge=1, le=10080)  # later than this: missed, not sent
    # Contract PDFs (issue 13): the Lambda function that renders them (deals/render_lambda.py) in AWS;
    # empty: rendered in-process (local and tests). In AWS it must be set: WeasyPrint is not in the API.
    RENDER_FUNCTION_NAME: str = Field(default="", pattern=r"^([A-Za-z0-9_:.\-]{1,170})?$")
    # The outbound guard (core/net/guard.py) refuses private, loopback and metadata addresses and ports other
    # than 80/443/8443 in every stage; the only way past it: these exact host:port pairs (make run: the demo
    # webhook receiver). Comma-separated, hosts case-insensitive, IPv6 in brackets: 127.0.0.1:8002,[::1]:8002
    OUTBOUND_ALLOW_PRIVATE: str = ""

    @field_validator("SLACK_API_BASE_URL")
    @classmethod
    def _slack_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("SLACK_API_BASE_URL must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("TELEGRAM_API_BASE_URL", "VK_API_BASE_URL", "TELEGRAM_WEB_BASE_URL")
    @classmethod
    def _api_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("channel API base URLs must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("OUTBOUND_ALLOW_PRIVATE")
    @classmethod
    def _outbound_allow_list(cls, value: str) -> str:
        return ",".join(f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
                        for host, port in dict.fromkeys(allow_list_entries(value)))

    @property
    def outbound_allow_private(self) -> frozenset[tuple[str, int]]:
        """The (host, port) pairs the outbound guard lets through (hosts as `outbound_host` gives them)."""
        return frozenset(allow_list_entries(self.OUTBOUND_ALLOW_PRIVATE))

    @field_validator("REMINDER_OFFSETS_HOURS")
    @classmethod
    def _offsets(cls, value: str) -> str:
        try:
            hours = [int(part) for part in value.replace(" ", "").split(",") if part]
        except ValueError:
            raise ValueError("REMINDER_OFFSETS_HOURS: whole hours separated by commas, like 24,2") from None
        if any(h <= 0 or h > 24 * 14 for h in hours):
            raise ValueError("REMINDER_OFFSETS_HOURS: each offset between 1 and 336 hours")
        return ",".join(str(h) for h in sorted(set(hours), reverse=True))

    @property
    def reminder_offsets(self) -> tuple[int, ...]:
        return tuple(int(h) for h in self.REMINDER_OFFSETS_HOURS.split(",") if h)

    @field_validator("PUBLIC_BASE_URL")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_BASE_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("SIGNING_KEYS")
    @classmethod
    def _signing_keys_long_enough(cls, value: str) -> str:
        """Literal keys are checked here, at start-up; a reference is checked once resolved (signing.py)."""
        if value.strip().startswith((*REFERENCE_PREFIXES, "file:")):  # the references secrets.resolve knows
            return value
        problem = signing_key_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _secret_references_fit_the_stage(self) -> "Settings":
        for name in SECRET_SETTINGS:
            value = getattr(self, name)
            if value.startswith("env:") and self.STAGE == "prod":
                raise ValueError(f"{name}: env: references are allowed only in local and dev")
            if self.STAGE == "prod" and value and not value.startswith(REFERENCE_PREFIXES):
                raise ValueError(f"{name}: in prod give a ssm: or secretsmanager: reference, not the secret")
        if self.STAGE == "prod" and not self.PUBLIC_BASE_URL.startswith("https://"):
            raise ValueError("PUBLIC_BASE_URL must be https in prod")
        return self

    @property
    def table_name(self) -> str:
        return f"{self.TABLE_PREFIX}main"

    @property
    def is_local(self) -> bool:
        return self.STAGE in ("local", "test")

    @property
    def secure_cookies(self) -> bool:
        return not self.is_local


def _environment_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(field.validation_alias if isinstance(field.validation_alias, str) else name)
    return names


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the process environment (names are case-sensitive, unknown ones ignored)."""
    names = _environment_names()
    return Settings.model_validate({key: value for key, value in os.environ.items() if key in names})


def reset_settings() -> None:
    """Forget the cached settings (tests and the CLI change the environment)."""
    get_settings.cache_clear()
