"""Users, their unique emails, and their brand roles (copied onto the user item)."""
from __future__ import annotations

from chalicelib.core.db import connection as db_connection
from chalicelib.core.clock import iso, utcnow
from chalicelib.identity.models import UserEmailItem, UserItem
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import new_id


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
        tx.save(link, condition=UserEmailItem.pk.does_not_exist())
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
