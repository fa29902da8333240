"""The `client` fixture of the evidence and brand-report tests: the app with the report blueprints registered
(evidence_routes, brand_routes, brand_pages), unless app.py registers them already — then nothing is added."""
from __future__ import annotations

import pytest

BLUEPRINTS = ("chalicelib.campaigns.report.evidence_routes", "chalicelib.campaigns.report.brand_routes",
              "chalicelib.campaigns.report.brand_pages")
PATHS = {"chalicelib.campaigns.report.evidence_routes": "/v1/campaigns/{campaign_id}/evidence.pdf",
         "chalicelib.campaigns.report.brand_routes": "/v1/brands/{brand_id}/report",
         "chalicelib.campaigns.report.brand_pages": "/brands/{brand_id}/report"}


def with_report_routes(app):
    import importlib
    import importlib.util

    for name in BLUEPRINTS:
        if PATHS[name] not in app.routes and importlib.util.find_spec(name) is not None:
            app.register_blueprint(importlib.import_module(name).bp)
    return app


@pytest.fixture
def client(app):
    from chalice.test import Client

    with Client(with_report_routes(app), stage_name="local") as test_client:
        yield test_client.http
