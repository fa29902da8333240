"""A person's API tokens: shown once, stored hashed, revocable."""
from __future__ import annotations

from chalicelib.identity import credentials
from chalicelib.core.errors import NotFound
from chalicelib.identity.principal import Principal


def create(principal: Principal, name: str):
    return credentials.create_token(principal.actor, principal.user_id, name)


def list_tokens(principal: Principal):
    return credentials.list_tokens(principal.user_id)


def revoke(principal: Principal, token_id: str) -> None:
    if not credentials.revoke_token(principal.actor, principal.user_id, token_id):
        raise NotFound("No such token.")
