"""A person's own profile: display name, language, time zone, notification preferences, Slack link.

Changing the digest, its hour or the time zone (re)queues or dequeues the person's DigestItem in the
same transaction as the profile change (notifications/digest.queue_ops)."""
from __future__ import annotations

import logging
from types import SimpleNamespace

from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.plain import plain
from chalicelib.identity import repo as user_repo
from chalicelib.identity.principal import Principal
from chalicelib.notifications import repo as digest_repo
from chalicelib.notifications import rules as preferences

UNSET = user_repo.UNSET
log = logging.getLogger(__name__)


def get_me(principal: Principal):
    user = user_repo.get(principal.user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def merged_notify(user, patch: dict | None) -> dict | None:
    """The full preferences map after a partial change (None when nothing was asked)."""
    if not patch:
        return None
    prefs = preferences.of(user)
    current = {"email": prefs.email, "slack": prefs.slack, "digest": prefs.digest, "hour": prefs.hour,
               "events": prefs.events}
    merged = {**current, **{k: v for k, v in patch.items() if v is not None and k != "events"}}
    merged["events"] = preferences.merge_events(prefs.events, patch.get("events"))
    return merged


def update_profile(principal: Principal, *, name: str | None = None, language: str | None = None,
                   timezone=UNSET, notify: dict | None = None, slack_user_id=UNSET):
    """slack_user_id / timezone: UNSET leaves them, None unlinks / clears."""
    user = get_me(principal)
    actor = principal.actor
    if slack_user_id is not UNSET and slack_user_id != user.slack_user_id:
        if slack_user_id is None:
            user_repo.unlink_slack(actor, user)
        else:
            link_slack_by_email(principal, claimed=slack_user_id)
        user = get_me(principal)
    new_notify = merged_notify(user, notify)
    if new_notify is not None and new_notify == (plain(user.notify) or None):
        new_notify = None
    if new_notify is None and timezone is UNSET:
        return user_repo.update_profile(actor, user, name=name, language=language)
    # what the user will look like, to plan the digest in the same transaction
    after = SimpleNamespace(id=user.id, brands=user.brands, language=user.language,
                            timezone=user.timezone if timezone is UNSET else timezone,
                            notify=new_notify if new_notify is not None else plain(user.notify))
    from chalicelib.notifications import digest

    previous = digest_repo.get(user.id)
    op = digest.queue_ops(after, previous)
    return user_repo.update_profile(actor, user, name=name, language=language, timezone=timezone,
                                    notify=new_notify, also=op)


def notify_of(user) -> dict:
    prefs = preferences.of(user)
    return {"email": prefs.email, "slack": prefs.slack, "digest": prefs.digest, "hour": prefs.hour,
            "events": prefs.events}


# --- the Slack link: proven by Slack, never claimed --------------------------------------------------

def _slack_tokens(user) -> list:
    """The workspace app's token, then the own apps' of the person's brands (each once)."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.notifications import slack

    tokens = [slack.bot_token(None)]
    brand_ids = sorted(plain(user.brands) or {})
    for brand in brand_repo.batch_get(brand_ids) if brand_ids else []:
        if slack.own_app(brand):
            tokens.append(slack.bot_token(brand))
    return list(dict.fromkeys(t for t in tokens if t))


def link_slack_by_email(principal: Principal, *, claimed: str | None = None):
    """Link the Slack member Slack itself finds for the person's Greenlight email (users.lookupByEmail:
    a confirmed address in the app's workspace), with its workspace id. A member id the person typed
    (`claimed`) must be that member: nobody can take over an unlinked Slack account by naming it."""
    from chalicelib.notifications import slack

    user = get_me(principal)
    tokens = _slack_tokens(user)
    if not tokens:
        raise _slack_problem("Slack is not set up for Greenlight or your brands.", "not_set_up")
    found = None
    for token in tokens:
        try:
            found = slack.lookup_by_email(token, user.email)
        except slack.SlackError as exc:
            log.warning("Slack %s failed while linking user %s: %s", exc.method, user.id, exc.code)
            continue
        if found:
            break
    if not found:
        raise _slack_problem("Slack knows no member with your email address; use the same address in Slack.",
                             "not_found")
    member, team = found
    if claimed and claimed != member:
        raise _slack_problem("This Slack member id is not the one Slack has for your email address.", "not_yours")
    user_repo.link_slack(principal.actor, user, member, via="lookup", team_id=team)
    return get_me(principal)


class SlackLinkRefused(ValidationFailed):
    """422 naming slack_user_id; `reason` (not_set_up | not_found | not_yours) picks the page's words."""

    def __init__(self, message: str, reason: str):
        super().__init__(message, details=[{"field": "slack_user_id", "message": message}])
        self.reason = reason


def _slack_problem(message: str, reason: str) -> SlackLinkRefused:
    return SlackLinkRefused(message, reason)
