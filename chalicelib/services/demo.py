"""Demo data for `make run`: one brand, a user per role, two channels. Seeding twice changes nothing."""
from __future__ import annotations

from chalicelib.db import brands as brand_repo
from chalicelib.db import channels as channel_repo
from chalicelib.db import members as member_repo
from chalicelib.db import users as user_repo
from chalicelib.db.writes import Actor
from chalicelib.domain.roles import BRAND_ROLES

DEMO_SLUG = "demo-coffee"
DEMO_DOMAIN = "demo.greenlight.example.com"
ACTOR = Actor(None, "seed-demo", "cli")


def demo_email(role: str) -> str:
    return f"{role.replace('_', '-')}@{DEMO_DOMAIN}"


def seed() -> dict:
    """Create what is missing; return the demo brand id and the emails to sign in with."""
    admin = user_repo.get_by_email(demo_email("admin")) or user_repo.create(
        ACTOR, email=demo_email("admin"), name="Demo Admin", is_admin=True)
    brand = brand_repo.get_by_slug(DEMO_SLUG)
    created = brand is None
    if created:
        brand = brand_repo.create(ACTOR, name="Demo Coffee Roasters", slug=DEMO_SLUG, timezone="Europe/Moscow",
                                  settings={"approve_without_chain": False, "authors_may_approve": False,
                                            "default_language": "ru"})
    people = {"admin": admin.email}
    for role in BRAND_ROLES:
        email = demo_email(role)
        user = user_repo.get_by_email(email) or user_repo.create(
            ACTOR, email=email, name=f"Demo {role.replace('_', ' ').title()}",
            language="ru" if role == "client_approver" else "en")
        if role not in (member_repo.get(brand.id, user.id).roles if member_repo.get(brand.id, user.id) else []):
            member_repo.set_roles(ACTOR, brand.id, user_repo.get(user.id), [role])
        people[role] = email
    if created:
        channel_repo.create(ACTOR, brand.id, {"platform": "telegram", "name": "Demo Coffee — Telegram",
                                              "handle": "@demo_coffee", "external_id": "@demo_coffee",
                                              "timezone": "Europe/Moscow",
                                              "credentials_ref": "env:DEMO_TELEGRAM_BOT_TOKEN"})
        channel_repo.create(ACTOR, brand.id, {"platform": "vk", "name": "Demo Coffee — VK",
                                              "handle": "https://vk.com/democoffee", "external_id": "-1",
                                              "timezone": "Europe/Moscow", "credentials_ref": "env:DEMO_VK_TOKEN"})
    return {"brand_id": brand.id, "brand_slug": DEMO_SLUG, "created": created, "people": people}
