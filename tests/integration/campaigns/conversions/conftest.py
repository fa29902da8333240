"""Conversions tests: the deal crew (one person per role, a Russian-speaking manager, another brand's
manager), a RUB campaign of the crew's brand, and the clock at 2027-01-05 12:00 UTC (ticking), so the
December campaign's conversions are in the past and the 30-day window is fixed."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.integration.deals.conftest import crew  # noqa: F401 - the same people as the deal tests
from tests.support.campaigns import add_campaign

NOW = dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def campaign(crew):  # noqa: F811 - the fixture imported above
    return add_campaign(crew["brand"].id)
