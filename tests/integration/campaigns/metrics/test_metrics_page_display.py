"""What the metrics page shows: times in the brand's zone (named in the column's head) written for the reader,
networks by their names, the import's notice whatever its query holds, and the hand-entry form reading the
brand's local time."""
from __future__ import annotations

import pytest

from chalicelib.campaigns.metrics import read
from tests.integration.campaigns.metrics.conftest import add_check
from tests.integration.campaigns.metrics.test_metrics_page import page_path
from tests.support.web import as_user, html, text_of


def test_times_in_the_brands_zone_and_networks_by_name(client, setup, make_user):
    s = setup
    add_check(s["item"], "metrics_24h", "2026-11-21T23:30:00.000000Z", {"found": True, "views": 12})
    r = as_user(client, s["smm_manager"]).get(page_path(s))
    assert r.status_code == 200, r.body
    shown = text_of(r)
    assert "Taken at (Europe/Berlin)" in shown  # the team's brand
    assert "Nov 22, 2026" in shown and "12:30" in shown  # 23:30 UTC is 00:30 the next day in Berlin
    assert "2026-11-21 23:30" not in shown
    assert "<td>Telegram</td>" in html(r) and "<td>X</td>" in html(r) and "<td>telegram</td>" not in html(r)
    assert 'type="datetime-local"' in html(r)
    assert "The brand's local time (Europe/Berlin); empty: now." in shown
    russian = as_user(client, make_user("smm_manager", brand=s["brand"], language="ru"))
    shown = text_of(russian.get(page_path(s)))
    assert "Время снимка (Europe/Berlin)" in shown and "22 нояб. 2026" in shown and "0:30" in shown


@pytest.mark.parametrize("query", [
    "done=imported&created=%C2%B2",  # "²" is a digit to str.isdigit, not to int()
    "done=imported&created=" + "9" * 5000,  # int() refuses texts this long
    "done=imported&created=%D9%A3&unchanged=-1&skipped=1e3",
    "done=imported&created=",
])
def test_odd_counts_in_the_notice_are_zero(client, setup, query):
    s = setup
    r = as_user(client, s["copywriter"]).get(f"{page_path(s)}?{query}")
    assert r.status_code == 200, r.body
    assert "Imported — new snapshots: 0, unchanged: 0, skipped: 0." in text_of(r)


def test_the_notice_shows_real_counts(client, setup):
    s = setup
    r = as_user(client, s["copywriter"]).get(f"{page_path(s)}?done=imported&created=12&unchanged=3&skipped=99999999")
    assert "Imported — new snapshots: 12, unchanged: 3, skipped: 99999999." in text_of(r)


def test_an_empty_time_on_the_form_is_now(client, setup):
    s = setup
    manager = as_user(client, s["smm_manager"])
    r = manager.submit(page_path(s), page_path(s), {"subject": s["x_target"], "taken_at": "", "views": "3"})
    assert r.status_code == 303, r.body
    assert read.latest([s["x_target"]])[s["x_target"]].values == {"views": 3}
