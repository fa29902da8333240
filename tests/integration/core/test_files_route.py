"""GET /files/{token}: the local artifact store's signed, expiring download links, through the app."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
import time_machine

from chalicelib.core import file_names, files

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def stored(dynamodb):
    from chalicelib.core.ids import new_id

    key = f"deals/{new_id()}/contract-v1-0a1b2c3d.pdf"
    files.put(key, PDF, content_type="application/pdf")
    return key


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_a_fresh_link_downloads_the_file_as_an_attachment(client, stored):
    r = client.get(path_of(files.download_url(stored, filename="Договор GL-1/2026-v1.pdf")), headers=BROWSER)
    assert r.status_code == 200 and r.body == PDF
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"] == file_names.content_disposition("Договор GL-1_2026-v1.pdf")
    assert r.headers["Cache-Control"] == "private, no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r.headers["Content-Security-Policy"]


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
    lambda t: "x" + t,
    lambda t: "garbage",
    lambda t: t.split(".")[0],
])
def test_a_tampered_link_is_400(client, stored, mangle):
    token = path_of(files.download_url(stored, filename="a.pdf")).rsplit("/", 1)[1]
    r = client.get(f"/files/{mangle(token)}", headers=BROWSER)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/html") and b"does not work" in r.body
    assert PDF[:20] not in r.body


def test_an_expired_link_is_410(client, stored):
    url = files.download_url(stored, filename="a.pdf", expires_seconds=60)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=90)):
        r = client.get(path_of(url), headers={**BROWSER, "Accept-Language": "ru"})
    assert r.status_code == 410 and "истёк".encode() in r.body


def test_a_link_to_a_file_that_is_gone_is_404(client, stored):
    url = files.download_url(stored, filename="a.pdf")
    files.delete(stored)
    r = client.get(path_of(url), headers=BROWSER)
    assert r.status_code == 404 and r.headers["Cache-Control"] == "no-store"


def test_the_download_route_is_not_in_the_api_description(client):
    import json

    assert not [p for p in json.loads(client.get("/openapi.json").body)["paths"] if p.startswith("/files")]
