"""Brand report tests: the report blueprints on the app (see evidence/routes_fixture.py) and a seeded week."""
from __future__ import annotations

from tests.integration.campaigns.evidence.routes_fixture import client  # noqa: F401 - the app with our blueprints
