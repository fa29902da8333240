"""The authenticated caller and the brand-scoped permission check every service uses."""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.core.db.writes import Actor
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.plain import plain
from chalicelib.identity.rules import Permission, allows


def brand_roles_of(user) -> dict[str, list[str]]:
    return {brand_id: list(roles) for brand_id, roles in (plain(user.brands) or {}).items()}


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str
    name: str
    language: str
    is_admin: bool
    brands: dict[str, list[str]] = field(default_factory=dict)
    via: str = "api"
    request_id: str | None = None
    session_id: str | None = None
    token_id: str | None = None

    @classmethod
    def from_user(cls, user, **kwargs) -> "Principal":
        return cls(user_id=user.id, email=user.email, name=user.name, language=user.language or "en",
                   is_admin=bool(user.is_admin), brands=brand_roles_of(user), **kwargs)

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.email, self.via, self.request_id)

    def roles_in(self, brand_id: str) -> list[str]:
        return self.brands.get(brand_id, [])

    def can(self, brand_id: str, permission: Permission) -> bool:
        return allows(self.is_admin, self.roles_in(brand_id), permission)

    def require(self, brand_id: str, permission: Permission, what: str = "brand") -> None:
        """Outsiders get 404 (ids do not leak); members without the right get 403."""
        if self.is_admin:
            return
        if brand_id not in self.brands:
            raise NotFound(f"No such {what}.")
        if not self.can(brand_id, permission):
            raise Forbidden("Your role in this brand does not allow this.")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("Only an administrator can do this.")
