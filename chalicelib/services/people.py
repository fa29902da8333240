"""A person's own profile: display name and language (emails, pages and Slack follow it)."""
from __future__ import annotations

from chalicelib.db import users as user_repo
from chalicelib.errors import NotFound
from chalicelib.services.principal import Principal


def update_profile(principal: Principal, *, name: str | None = None, language: str | None = None):
    user = user_repo.get(principal.user_id)
    if user is None:
        raise NotFound("No such user.")
    return user_repo.update_profile(principal.actor, user, name=name, language=language)
