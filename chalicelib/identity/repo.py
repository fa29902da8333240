"""Users, their unique emails, their brand roles (copied onto the user item) and their Slack link."""
from __future__ import annotations

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.put_unique import put_unique, release
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import new_id
from chalicelib.identity.models import SlackUserItem, UserEmailItem, UserItem


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_key(user_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", "PROFILE"


def get(user_id: str) -> UserItem | None:
    return get_item(UserItem, *user_key(user_id))


def get_by_email(email: str) -> UserItem | None:
    link = get_item(UserEmailItem, f"EMAIL#{normalize_email(email)}", "USER")
    return get(link.user_id) if link else None


def batch_get(user_ids: list[str]) -> dict[str, UserItem]:
    db_connection.bind_models()
    keys = [user_key(uid) for uid in dict.fromkeys(user_ids)]
    return {item.id: item for item in UserItem.batch_get(keys)} if keys else {}


def create(actor: Actor, *, email: str, name: str, language: str = "en", is_admin: bool = False) -> UserItem:
    email = normalize_email(email)
    user_id = new_id()
    user = UserItem(
        *user_key(user_id), id=user_id, email=email, name=name, language=language,
        is_admin=is_admin, brands={}, created_at=iso(utcnow()),
    )
    link = UserEmailItem(f"EMAIL#{email}", "USER", user_id=user_id)

    def build(tx):
        put_unique(tx, link)
        tx.save(user, condition=UserItem.pk.does_not_exist())

    try:
        transact(actor, Change(None, "user", user_id, "create",
                               after={"email": email, "name": name, "is_admin": is_admin}, version=1), build)
    except WriteConflict:
        raise Conflict("A user with this email already exists.",
                       details=[{"field": "email", "message": "taken"}]) from None
    return user


UNSET = object()  # "not given" for fields where None means "clear it"


def update_profile(actor: Actor, user: UserItem, *, name: str | None = None, language: str | None = None,
                   timezone=UNSET, notify: dict | None = None, also=None) -> UserItem:
    """Change profile fields (only those that differ), conditional on the user's version, with the
    audit entry. timezone=None clears the zone; notify is the whole new preferences map.
    also(tx): more conditional operations for the same transaction (the digest queue item)."""
    from chalicelib.core.plain import plain

    before, after, actions = {}, {}, []
    if name is not None and name != user.name:
        before["name"], after["name"] = user.name, name
        actions.append(UserItem.name.set(name))
    if language is not None and language != user.language:
        before["language"], after["language"] = user.language, language
        actions.append(UserItem.language.set(language))
    if timezone is not UNSET and timezone != user.timezone:
        before["timezone"], after["timezone"] = user.timezone, timezone
        actions.append(UserItem.timezone.set(timezone) if timezone else UserItem.timezone.remove())
    current_notify = plain(user.notify) or {}
    if notify is not None and notify != current_notify:
        before["notify"], after["notify"] = current_notify, dict(notify)
        actions.append(UserItem.notify.set(dict(notify)))
    if not actions:
        return user

    def build(tx):
        tx.update(user, actions)
        if also is not None:
            also(tx)

    transact(actor, Change(None, "user", user.id, "update", before, after, user.version + 1), build)
    return get(user.id)


# --- Slack member id <-> Greenlight user ----------------------------------------------------------
# The SlackUserItem (pk SLACK#<slack id>) is the unique reverse key read by `/slack/interactions`;
# the user item carries `slack_user_id` for sending. Both change in one transaction; linking an id
# someone else owns is a Conflict.

def slack_key(slack_user_id: str) -> tuple[str, str]:
    return f"SLACK#{slack_user_id}", "USER"


def user_id_for_slack(slack_user_id: str) -> str | None:
    """The Greenlight user linked to a Slack member id (consistent: a fresh link counts at once)."""
    item = slack_link(slack_user_id)
    return item.user_id if item else None


def slack_link(slack_user_id: str) -> SlackUserItem | None:
    """The link of a Slack member id: the user and the Slack workspace (team) it was made in."""
    return get_item(SlackUserItem, *slack_key(slack_user_id), consistent=True)


def link_slack(actor: Actor, user: UserItem, slack_user_id: str, *, via: str, team_id: str | None = None) -> None:
    """Link (or re-link) a user to a Slack member id of workspace `team_id`; the old id of that user
    is released. The same id again with a team now known re-writes the link with it."""
    if user.slack_user_id == slack_user_id:
        current = slack_link(slack_user_id)
        if current is None or current.user_id != user.id or not team_id or current.slack_team_id == team_id:
            return
    new = SlackUserItem(*slack_key(slack_user_id), user_id=user.id, slack_user_id=slack_user_id, linked_via=via,
                        slack_team_id=team_id, created_at=iso(utcnow()))

    def build(tx):
        if user.slack_user_id == slack_user_id:  # the same member, its team learnt: only the link changes
            tx.save(new, condition=SlackUserItem.user_id == user.id)
            return
        put_unique(tx, new)
        if user.slack_user_id:
            old = SlackUserItem(*slack_key(user.slack_user_id))
            release(tx, old, SlackUserItem.user_id == user.id)
        tx.update(user, [UserItem.slack_user_id.set(slack_user_id)])

    try:
        transact(actor, Change(None, "user", user.id, "slack_link", {"slack_user_id": user.slack_user_id},
                               {"slack_user_id": slack_user_id, "team_id": team_id, "via": via}, user.version + 1),
                 build)
    except WriteConflict:
        raise Conflict("This Slack account is already linked to another Greenlight user, or your profile "
                       "changed at the same time.", details=[{"field": "slack_user_id", "message": "taken"}]) from None


def unlink_slack(actor: Actor, user: UserItem) -> None:
    if not user.slack_user_id:
        return

    def build(tx):
        release(tx, SlackUserItem(*slack_key(user.slack_user_id)), SlackUserItem.user_id == user.id)
        tx.update(user, [UserItem.slack_user_id.remove()])

    transact(actor, Change(None, "user", user.id, "slack_unlink", {"slack_user_id": user.slack_user_id}, {},
                           user.version + 1), build)
