"""Slack member id <-> Greenlight user. The SlackUserItem (pk SLACK#<slack id>) is the unique reverse
key read by `/slack/interactions`; the user item carries `slack_user_id` for sending. Both change in
one transaction; linking an id someone else owns is a Conflict."""
from __future__ import annotations

from chalicelib.core.clock import iso, utcnow
from chalicelib.identity.models import SlackUserItem, UserItem
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict


def slack_key(slack_user_id: str) -> tuple[str, str]:
    return f"SLACK#{slack_user_id}", "USER"


def user_id_for(slack_user_id: str) -> str | None:
    """The Greenlight user linked to a Slack member id (consistent: a fresh link counts at once)."""
    item = get_item(SlackUserItem, *slack_key(slack_user_id), consistent=True)
    return item.user_id if item else None


def link(actor: Actor, user: UserItem, slack_user_id: str, *, via: str) -> None:
    """Link (or re-link) a user to a Slack member id; the old id of that user is released."""
    if user.slack_user_id == slack_user_id:
        return
    new = SlackUserItem(*slack_key(slack_user_id), user_id=user.id, slack_user_id=slack_user_id, linked_via=via,
                        created_at=iso(utcnow()))

    def build(tx):
        tx.save(new, condition=SlackUserItem.pk.does_not_exist())
        if user.slack_user_id:
            old = SlackUserItem(*slack_key(user.slack_user_id))
            tx.delete(old, condition=SlackUserItem.user_id == user.id)
        tx.update(user, [UserItem.slack_user_id.set(slack_user_id)])

    try:
        transact(actor, Change(None, "user", user.id, "slack_link", {"slack_user_id": user.slack_user_id},
                               {"slack_user_id": slack_user_id, "via": via}, user.version + 1), build)
    except WriteConflict:
        raise Conflict("This Slack account is already linked to another Greenlight user, or your profile "
                       "changed at the same time.", details=[{"field": "slack_user_id", "message": "taken"}]) from None


def unlink(actor: Actor, user: UserItem) -> None:
    if not user.slack_user_id:
        return

    def build(tx):
        tx.delete(SlackUserItem(*slack_key(user.slack_user_id)), condition=SlackUserItem.user_id == user.id)
        tx.update(user, [UserItem.slack_user_id.remove()])

    transact(actor, Change(None, "user", user.id, "slack_unlink", {"slack_user_id": user.slack_user_id}, {},
                           user.version + 1), build)
