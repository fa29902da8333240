"""The campaign core's tests: the deal crew (a brand with one person per role, a Russian-speaking
manager, another brand with its own manager, an admin) and helpers to make campaigns through the API."""
from __future__ import annotations

import pytest

from tests.integration.deals.conftest import crew  # noqa: F401 - the same people as the deal tests


@pytest.fixture
def other_crew(dynamodb, make_user):
    """Another brand's campaign manager (the deal crew's `outsider` is an influencer manager there too)."""
    from tests.support.factories import make_brand

    brand = make_brand()
    return {"brand": brand, "smm_manager": make_user("smm_manager", brand=brand)}
