"""The one module that talks to Slack: the Web API through slack_sdk's WebClient (base URL from
SLACK_API_BASE_URL, so tests run a fake Slack on loopback), response_url posts, and the v0 request
signature check.

Token and signing secret: the brand's own (`slack_bot_token_ref`, `slack_signing_secret_ref` in its
settings, always secret references) else the workspace's (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET:
references, or literals in local/test). A secret is never logged; errors carry Slack's error code only.
"""
from __future__ import annotations

import logging

from chalicelib.core.settings import get_settings

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3


class SlackError(Exception):
    """A Slack API call failed: `code` is Slack's error string ("users_not_found") or a transport name."""

    def __init__(self, method: str, code: str):
        super().__init__(f"Slack {method} failed: {code}")
        self.method = method
        self.code = code


def _resolve(reference: str | None, what: str, brand=None) -> str | None:
    """A workspace secret (platform setting), or a brand's own (checked against that brand: a reference
    outside the brand's prefix reads nothing). None when unset or unreadable (logged, never the value)."""
    from chalicelib.core.errors import Upstream
    from chalicelib.core.secrets import resolve, resolve_for_brand

    if not reference:
        return None
    try:
        if brand is not None:
            return resolve_for_brand(reference, brand.id, "slack")
        return resolve(reference) or None
    except Upstream as exc:  # the reference names where the secret lives, not the secret
        log.warning("Slack %s unavailable: %s", what, exc.message)
        return None


def _brand_settings(brand) -> dict:
    if brand is None:
        return {}
    from chalicelib.core.plain import plain

    return plain(getattr(brand, "settings", None)) or {}


def own_app(brand) -> bool:
    """True when the brand has its own Slack app (its own token or signing secret)."""
    settings = _brand_settings(brand)
    return bool(settings.get("slack_bot_token_ref") or settings.get("slack_signing_secret_ref"))


def bot_token(brand=None) -> str | None:
    """The bot token of the brand's own app, else (a brand without one) the workspace app's; None when
    none can be read. A brand with its own app never falls back to the workspace's token: its requests
    are answered through its own app, whose signing secret is its own."""
    if own_app(brand):
        return _resolve(_brand_settings(brand).get("slack_bot_token_ref"), "bot token", brand)
    return _resolve(get_settings().SLACK_BOT_TOKEN, "bot token")


def signing_secret(brand=None) -> str | None:
    """The signing secret of the brand's own app, else the workspace app's (the same rule as bot_token)."""
    if own_app(brand):
        return _resolve(_brand_settings(brand).get("slack_signing_secret_ref"), "signing secret", brand)
    return _resolve(get_settings().SLACK_SIGNING_SECRET, "signing secret")


def team_id(brand=None) -> str | None:
    """The Slack workspace an app's payloads must come from: the brand's own app's `slack_team_id`,
    else the workspace app's SLACK_TEAM_ID (None: not configured; each person's link then decides)."""
    if own_app(brand):
        return _brand_settings(brand).get("slack_team_id") or None
    return get_settings().SLACK_TEAM_ID or None


def mode(brand) -> str:
    """dm | channel | off (brand setting, default dm)."""
    value = _brand_settings(brand).get("slack_mode") or "dm"
    return value if value in ("dm", "channel", "off") else "dm"


def verify(secret: str | None, raw_body: bytes | str | None, headers) -> bool:
    """Slack's v0 signature over the raw body, timestamp within 5 minutes. False on anything odd."""
    from slack_sdk.signature import SignatureVerifier

    if not secret or headers is None:
        return False
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not timestamp or not signature or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    try:
        return SignatureVerifier(secret).is_valid(body=raw_body or b"", timestamp=timestamp, signature=signature)
    except (UnicodeDecodeError, ValueError):
        return False


def client(token: str, timeout: int = TIMEOUT_SECONDS):
    from slack_sdk import WebClient

    return WebClient(token=token, base_url=get_settings().SLACK_API_BASE_URL, timeout=timeout)


def call(token: str, method: str, *, timeout: int = TIMEOUT_SECONDS, **arguments) -> dict:
    """One Web API method (dotted name, e.g. "chat.postMessage"); the response data, or SlackError."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    web = client(token, timeout)
    try:
        if method == "users.lookupByEmail":
            response = web.api_call(method, http_verb="GET", params=arguments)
        else:
            response = web.api_call(method, json=arguments)
    except SlackApiError as exc:
        code = str((exc.response.data or {}).get("error") if isinstance(exc.response.data, dict) else "error")
        raise SlackError(method, code) from None
    except SlackClientError as exc:
        raise SlackError(method, type(exc).__name__) from None
    except OSError as exc:  # timeouts, refused connections (urllib)
        raise SlackError(method, type(exc).__name__) from None
    return dict(response.data) if isinstance(response.data, dict) else {}


def open_dm(token: str, slack_user_id: str) -> str:
    data = call(token, "conversations.open", users=slack_user_id)
    return (data.get("channel") or {}).get("id") or slack_user_id


def post_message(token: str, channel: str, text: str, blocks: list | None = None) -> dict:
    arguments = {"channel": channel, "text": text, "unfurl_links": False, "unfurl_media": False}
    if blocks:
        arguments["blocks"] = blocks
    return call(token, "chat.postMessage", **arguments)


def post_ephemeral(token: str, channel: str, user: str, text: str, blocks: list | None = None) -> dict:
    """A message in `channel` only `user` sees (chat.postEphemeral)."""
    arguments = {"channel": channel, "user": user, "text": text}
    if blocks:
        arguments["blocks"] = blocks
    return call(token, "chat.postEphemeral", **arguments)


def lookup_by_email(token: str, email: str) -> tuple[str, str | None] | None:
    """(Slack member id, its workspace's team id) for an email, or None when Slack knows nobody with
    it. Slack answers only for a confirmed address of a member of the token's workspace, so this is
    how a Greenlight user proves a Slack account is theirs."""
    try:
        data = call(token, "users.lookupByEmail", email=email)
    except SlackError as exc:
        if exc.code == "users_not_found":
            return None
        raise
    member = data.get("user") or {}
    if not member.get("id"):
        return None
    return member["id"], member.get("team_id") or None


def open_view(token: str, trigger_id: str, view: dict) -> dict:
    return call(token, "views.open", trigger_id=trigger_id, view=view)


def response_url_allowed(url: str) -> bool:
    """Slack's response_url (from a signed payload); outside local/test only Slack's own host."""
    if not isinstance(url, str) or len(url) > 2000:
        return False
    if get_settings().is_local:
        return url.startswith(("https://", "http://"))
    return url.startswith("https://hooks.slack.com/")


def respond(url: str, payload: dict) -> bool:
    """Post to an interaction's response_url (ephemeral text or replace_original). True when Slack took it."""
    from slack_sdk.webhook import WebhookClient

    if not response_url_allowed(url):
        log.warning("Slack response_url refused (not Slack's host)")
        return False
    try:
        answer = WebhookClient(url, timeout=TIMEOUT_SECONDS).send_dict(payload)
    except OSError as exc:
        log.warning("Slack response_url failed: %s", type(exc).__name__)
        return False
    if answer.status_code != 200:
        log.warning("Slack response_url answered %s", answer.status_code)
        return False
    return True
