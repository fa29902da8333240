"""Report tests: the deal crew (an SMM manager, finance, a copywriter, outsiders) and the seeded campaign."""
from __future__ import annotations

import pytest

from tests.integration.deals.conftest import crew  # noqa: F401 - the same people as the deal tests


@pytest.fixture
def seeded(crew):  # noqa: F811
    from tests.support.campaign_reports import seed_report

    return seed_report(crew)
