"""Real records in DynamoDB Local for tests (through the same repositories the app uses)."""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

from chalicelib.brands import repo as brand_repo
from chalicelib.brands.members import repo as member_repo
from chalicelib.core.db.writes import Actor
from chalicelib.identity import repo as user_repo
from chalicelib.identity.credentials import create_token

ACTOR = Actor(None, "tests", "cli")
_counter = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}{secrets.token_hex(3)}"


@dataclass
class TestUser:
    id: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}


def make_brand(name: str | None = None, timezone: str = "Europe/Moscow"):
    slug = unique("brand-")
    return brand_repo.create(ACTOR, name=name or slug.title(), slug=slug, timezone=timezone,
                             settings={"approve_without_chain": False, "authors_may_approve": False,
                                       "default_language": "en"})


def make_user(*roles: str, brand=None, admin: bool = False, language: str = "en", email: str | None = None) -> TestUser:
    email = email or f"{unique('user')}@example.com"
    user = user_repo.create(ACTOR, email=email, name=email.split("@")[0], language=language, is_admin=admin)
    if roles:
        member_repo.set_roles(ACTOR, brand.id, user, list(roles))
    _, token = create_token(ACTOR, user.id, "tests")
    return TestUser(id=user.id, email=email, token=token)
