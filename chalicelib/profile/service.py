"""A person's own profile: display name, language, time zone, notification preferences, Slack link.

Changing the digest, its hour or the time zone (re)queues or dequeues the person's DigestItem in the
same transaction as the profile change (notifications/digest.queue_ops)."""
from __future__ import annotations

from types import SimpleNamespace

from chalicelib.core.errors import NotFound
from chalicelib.core.plain import plain
from chalicelib.identity import repo as user_repo
from chalicelib.identity.principal import Principal
from chalicelib.notifications import repo as digest_repo
from chalicelib.notifications import rules as preferences

UNSET = user_repo.UNSET


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
    current = {"email": prefs.email, "slack": prefs.slack, "digest": prefs.digest, "hour": prefs.hour}
    return {**current, **{k: v for k, v in patch.items() if v is not None}}


def update_profile(principal: Principal, *, name: str | None = None, language: str | None = None,
                   timezone=UNSET, notify: dict | None = None, slack_user_id=UNSET):
    """slack_user_id / timezone: UNSET leaves them, None unlinks / clears."""
    user = get_me(principal)
    actor = principal.actor
    if slack_user_id is not UNSET:
        if slack_user_id is None:
            user_repo.unlink_slack(actor, user)
        else:
            user_repo.link_slack(actor, user, slack_user_id, via="manual")
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
    return {"email": prefs.email, "slack": prefs.slack, "digest": prefs.digest, "hour": prefs.hour}
