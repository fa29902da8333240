"""The brand and people every deal test works with: one person per role that matters, a finance
person, a Russian-speaking manager, and another brand with its own manager."""
from __future__ import annotations

import pytest

from tests.support.factories import make_brand


@pytest.fixture
def crew(dynamodb, make_user):
    brand = make_brand(timezone="Europe/Moscow")
    people = {role: make_user(role, brand=brand) for role in
              ("influencer_manager", "smm_manager", "copywriter", "client_approver", "content_manager", "finance")}
    people["russian_manager"] = make_user("influencer_manager", brand=brand, language="ru")
    other = make_brand()
    people["outsider"] = people["other_manager"] = make_user("influencer_manager", brand=other)
    people["admin"] = make_user(admin=True)
    return {"brand": brand, "other": other, **people}
