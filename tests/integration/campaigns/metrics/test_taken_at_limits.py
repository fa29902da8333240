"""A snapshot's time is held to 2000-01-01 UTC … now (a minute of skew) in the JSON API, the page's form and the
CSV import: a 422 naming taken_at with a sentence, never a 500 (times at the calendar's edges) and never a
snapshot dated "0999-…" that would sort above every real one and stay the latest for good."""
from __future__ import annotations

import pytest

from chalicelib.campaigns.metrics import read, repo
from tests.integration.campaigns.metrics.test_metrics_page import page_path
from tests.integration.campaigns.metrics.test_metrics_page import upload as page_upload
from tests.support.posts import body, call
from tests.support.web import as_user, field_error, text_of

EARLY = ["0999-12-31T10:00:00Z", "1000-01-01T00:30:00+01:00", "0226-12-01T10:00:00Z", "1999-12-31T23:59:59Z"]
EDGES = ["0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-01:00"]


def enter(client, s, taken_at, who="smm_manager"):
    return call(client, "post", f"/v1/campaigns/{s['campaign'].id}/metrics", s[who],
                {"subject": s["tg_target"], "taken_at": taken_at, "values": {"views": 5}})


def csv_upload(client, s, text: str):
    return client.post(f"/v1/campaigns/{s['campaign'].id}/metrics.csv",
                       headers={**s["smm_manager"].headers, "Content-Type": "text/csv"}, body=text.encode())


@pytest.mark.parametrize("taken_at", EARLY)
def test_the_api_refuses_times_before_2000(client, setup, taken_at):
    s = setup
    r = enter(client, s, "2026-11-20T10:00:00Z")
    assert r.status_code == 201
    r = enter(client, s, taken_at)
    assert r.status_code == 422, r.body
    details = body(r)["error"]["details"]
    assert [d["field"] for d in details] == ["taken_at"]
    assert "before 2000" in details[0]["message"] and taken_at in details[0]["message"]
    assert len(repo.snapshots_of(s["tg_target"])) == 1
    assert read.latest([s["tg_target"]])[s["tg_target"]].taken_at == "2026-11-20T10:00:00.000000Z"


@pytest.mark.parametrize("taken_at", EDGES)
def test_the_api_answers_422_at_the_calendars_edges(client, setup, taken_at):
    r = enter(client, setup, taken_at)
    assert r.status_code == 422, r.body
    assert body(r)["error"]["details"][0]["field"] == "taken_at"
    assert "not a time" in body(r)["error"]["details"][0]["message"]


def test_the_api_in_russian(client, setup, make_user):
    s = setup
    russian = make_user("smm_manager", brand=s["brand"], language="ru")
    r = call(client, "post", f"/v1/campaigns/{s['campaign'].id}/metrics", russian,
             {"subject": s["tg_target"], "taken_at": "0999-12-31T10:00:00Z", "values": {"views": 5}})
    assert r.status_code == 422 and "раньше 2000 года" in body(r)["error"]["message"]


def test_the_csv_import_refuses_them_with_their_lines(client, setup):
    s = setup
    rows = [f"{s['tg_target']},{t},1" for t in EARLY + EDGES] + [f"{s['x_target']},2000-01-01T00:00:00Z,1"]
    r = csv_upload(client, s, "\n".join(["subject,taken_at,views", *rows]))
    assert r.status_code == 422, r.body
    details = body(r)["error"]["details"]
    assert [(d["line"], d["field"]) for d in details] == [(n, "taken_at") for n in range(2, 8)]
    assert all("before 2000" in d["message"] for d in details[:4])
    assert all("not a time" in d["message"] for d in details[4:])
    assert repo.snapshots_of(s["tg_target"]) == [] and repo.snapshots_of(s["x_target"]) == []


@pytest.mark.parametrize("wall, problem", [
    ("1999-12-31T23:59", "before 2000"),
    ("0999-12-31T10:00", "before 2000"),
    ("0001-01-01T00:30", "not a date and time"),  # Berlin is ahead of UTC: before the calendar's start
    ("9999-12-31T23:59", "in the future"),
    ("2026-11-22T09:00Z", "not a date and time"),  # the form takes the brand's clock, no offsets
])
def test_the_page_form_refuses_them_by_the_field(client, setup, wall, problem):
    s = setup
    manager = as_user(client, s["smm_manager"])
    r = manager.submit(page_path(s), page_path(s), {"subject": s["tg_target"], "taken_at": wall, "views": "5"})
    assert r.status_code == 422, r.body
    assert problem in field_error(r, "snapshot", "taken_at")
    assert repo.snapshots_of(s["tg_target"]) == []


def test_the_page_upload_refuses_them(client, setup):
    s = setup
    manager = as_user(client, s["smm_manager"])
    text = "\n".join(["subject,taken_at,views", f"{s['tg_target']},{EDGES[0]},1", f"{s['tg_target']},{EARLY[0]},2"])
    r = page_upload(manager, s, text.encode())
    assert r.status_code == 422, r.body
    shown = text_of(r)
    assert "Line 2" in shown and "not a time" in shown and "Line 3" in shown and "before 2000" in shown
