"""Evidence export tests: the evidence blueprint on the app (registered here until app.py names it; once it
does, nothing is registered twice), and a campaign with an approved, published post and a checked deal."""
from __future__ import annotations

from tests.integration.campaigns.evidence.routes_fixture import client  # noqa: F401 - the app with our blueprints
