"""Who hears of a deal's events: its owner, else the brand's managers — active people only."""
from __future__ import annotations


def active(users) -> list:
    return [u for u in users if u is not None and getattr(u, "status", "active") == "active"]


def owner_or_managers(deal) -> list:
    """The deal's owner when set and active, else the brand's active managers."""
    from chalicelib.brands.members import service as members
    from chalicelib.identity import repo as user_repo

    owner = active([user_repo.get(deal.owner_id)]) if deal.owner_id else []
    return owner or active(members.managers(deal.brand_id))
