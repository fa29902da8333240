"""Content-plan CSV, the review's findings: a channel deleted since does not fail an unchanged row, every
workflow status round-trips as "unchanged", the export page refuses years out of range with the form
again, the export never writes a file the import would refuse, and the import reads its posts in batches."""
from __future__ import annotations

import pytest

from chalicelib.content.rules import workflow as wf
from tests.integration.plan.test_csv_page import download
from tests.integration.plan.test_csv_round_trip import export, records, set_status, upload, write
from tests.support.posts import approve_post, body, call, new_post
from tests.support.web import as_user, html, text_of


def delete_channel(client, team, channel_id: str) -> None:
    r = call(client, "delete", f"/v1/channels/{channel_id}", team["smm_manager"])
    assert r.status_code == 204, r.body


def test_an_unchanged_row_of_a_post_on_a_deleted_channel_is_unchanged(client, team):
    post = approve_post(client, team, title="Went out on X", channel_ids=[team["x"]], publish_at="2026-12-05T10:00")
    set_status(post["id"], "published")
    delete_channel(client, team, team["x"])
    exported = export(client, team)
    assert team["x"] in exported.decode("utf-8-sig")  # the id stays on the post
    r = upload(client, team, exported)
    assert r.status_code == 200, r.body
    result = body(r)
    assert result["unchanged"] == [post["id"]] and result["created"] == [] and result["updated"] == []


def test_a_deleted_channel_is_unknown_for_new_rows_and_for_rows_that_add_it(client, team):
    kept = new_post(client, team, title="Was on X", channel_ids=[team["x"]], publish_at="2026-12-05T10:00")
    other = new_post(client, team, title="Only on TG", channel_ids=[team["tg"]], publish_at="2026-12-06T10:00")
    delete_channel(client, team, team["x"])
    rows = records(export(client, team))
    by_id = {r["id"]: r for r in rows}
    line_of = {r["id"]: n for n, r in enumerate(rows, start=2)}
    by_id[other["id"]]["channels"] = f"{team['tg']}, {team['x']}"  # adds the deleted channel: refused
    new = {**rows[0], "id": "", "version": "", "status": "", "title": "New on X", "channels": team["x"]}
    r = upload(client, team, write(rows + [new]))
    assert r.status_code == 422, r.body
    details = body(r)["error"]["details"]
    assert [(d["line"], d["field"]) for d in details] == [(line_of[other["id"]], "channels"),
                                                          (len(rows) + 2, "channels")]
    assert all(team["x"] in d["message"] for d in details)
    assert line_of[kept["id"]] not in {d["line"] for d in details}


@pytest.mark.parametrize("status", [s.value for s in wf.Status])
def test_an_unchanged_row_in_every_status_imports_as_unchanged(client, team, status):
    post = approve_post(client, team, title=f"In {status}", publish_at="2026-12-05T10:00", tags=["menu"])
    set_status(post["id"], status)
    exported = export(client, team)
    assert records(exported)[0]["status"] == status
    r = upload(client, team, exported)
    assert r.status_code == 200, (status, r.body)
    result = body(r)
    assert result["unchanged"] == [post["id"]] and result["rows"] == [
        {"line": 2, "id": post["id"], "outcome": "unchanged"}]


def test_every_status_is_covered_by_the_loop():
    assert {s.value for s in wf.Status} >= {"in_review", "changes_requested", "approved", "rejected", "publishing",
                                            "partially_published", "unconfirmed", "missed", "draft", "scheduled",
                                            "archived", "published", "failed"}


@pytest.mark.parametrize("query", [{"to": "9999-12-31"}, {"from": "0001-01-01"},
                                   {"from": "0001-01-01", "to": "9999-12-31"}, {"from": "2101-01-01"},
                                   {"to": "1969-12-31"}])
def test_the_export_page_refuses_years_out_of_range_with_the_form(client, team, query):
    manager = as_user(client, team["smm_manager"])
    r = download(manager, team, **query)
    assert r.status_code == 422, r.body
    shown = text_of(r)
    assert "between 1970 and 2100" in shown and 'id="plan-export"' in html(r)


def test_the_export_page_takes_the_outermost_years(client, team):
    new_post(client, team, title="Dated", publish_at="2026-12-05T10:00")
    new_post(client, team, title="Undated", publish_at=None)
    manager = as_user(client, team["smm_manager"])
    r = download(manager, team, **{"from": "1970-01-01", "to": "2100-12-31"})
    assert r.status_code == 200, r.body
    assert [row["title"] for row in records(r.body.encode("utf-8") if isinstance(r.body, str) else r.body)] == ["Dated"]
    r = download(manager, team, **{"to": "2100-12-31"})
    assert r.status_code == 200 and "Undated" not in (r.body if isinstance(r.body, str) else r.body.decode())


def test_the_export_refuses_more_posts_than_the_import_reads(client, team, monkeypatch):
    from chalicelib.plan import service

    for n in range(3):
        new_post(client, team, title=f"P{n}", publish_at=f"2026-12-0{n + 1}T10:00")
    monkeypatch.setattr(service, "MAX_EXPORT", 2)
    r = client.get(f"/v1/brands/{team['brand'].id}/content-plan.csv", headers=team["smm_manager"].headers)
    assert r.status_code == 422 and "shorter date range" in body(r)["error"]["message"]
    manager = as_user(client, team["smm_manager"])
    r = download(manager, team)
    assert r.status_code == 422 and "shorter date range" in text_of(r) and 'id="plan-export"' in html(r)
    r = download(manager, team, **{"from": "2026-12-02", "to": "2026-12-03"})
    assert r.status_code == 200


def test_the_import_reads_its_posts_in_one_batch(client, team, monkeypatch):
    from chalicelib.content import repo as post_repo

    for n in range(3):
        new_post(client, team, title=f"P{n}")
    exported = export(client, team)
    calls = []
    real = post_repo.batch_get
    monkeypatch.setattr(post_repo, "get", lambda *a, **k: pytest.fail("one GetItem per row"))
    monkeypatch.setattr(post_repo, "batch_get", lambda ids, **k: calls.append((list(ids), k)) or real(ids, **k))
    r = upload(client, team, exported)
    assert r.status_code == 200, r.body
    assert len(body(r)["unchanged"]) == 3
    assert len(calls) == 1 and len(calls[0][0]) == 3 and calls[0][1] == {"consistent": True}


def test_the_page_and_the_limits_agree(client, team):
    from chalicelib.plan import csv_pages, service
    from chalicelib.plan.rules import csv_import

    assert service.MAX_EXPORT == csv_import.MAX_ROWS == csv_pages.MAX_CSV_ROWS
    assert csv_pages.MAX_CSV_BYTES == csv_import.MAX_BYTES
    r = as_user(client, team["smm_manager"]).get(f"/calendar/csv?brand_id={team['brand'].id}")
    assert "at most 2000 posts and 2 MB" in text_of(r) and "one date range at a time" in text_of(r)
