"""The metrics API: the campaign's subjects, hand entry (validation, idempotent retry, permissions), and the
placement checks' snapshots of its deliverables."""
from __future__ import annotations

from tests.integration.campaigns.metrics.conftest import add_check
from tests.support.posts import body, call

AT = "2026-11-20T10:00:00Z"


def enter(client, s, data, who="smm_manager"):
    return call(client, "post", f"/v1/campaigns/{s['campaign'].id}/metrics", s[who], data)


def subjects(client, s, who="smm_manager"):
    r = call(client, "get", f"/v1/campaigns/{s['campaign'].id}/metrics", s[who])
    assert r.status_code == 200, r.body
    return {i["subject"]: i for i in body(r)["items"]}


def test_the_campaign_subjects_are_its_post_targets_and_deliverables(client, setup):
    s = setup
    found = subjects(client, s)
    assert list(found) == [s["tg_target"], s["x_target"], s["deliverable"]]
    assert found[s["tg_target"]]["label"] == "Зимний латте · TG"
    assert found[s["tg_target"]]["platform"] == "telegram"
    assert found[s["deliverable"]]["label"] == "@anna_tg · tg_post"
    assert found[s["deliverable"]]["deal_id"] == s["deal"].id
    assert all(i["latest"] is None for i in found.values())


def test_enter_a_snapshot_and_retry_it(client, setup):
    s = setup
    data = {"subject": s["tg_target"], "taken_at": AT, "values": {"views": 1200, "likes": 30}}
    r = enter(client, s, data)
    assert r.status_code == 201, r.body
    assert body(r) == {"subject": s["tg_target"], "taken_at": "2026-11-20T10:00:00.000000Z", "source": "manual",
                       "values": {"views": 1200, "likes": 30}, "check_id": None, "created": True}
    again = enter(client, s, data)
    assert again.status_code == 201 and body(again)["created"] is False
    latest = subjects(client, s)[s["tg_target"]]["latest"]
    assert latest["values"] == {"views": 1200, "likes": 30} and latest["source"] == "manual"
    from chalicelib.campaigns.metrics import repo

    assert len(repo.snapshots_of(s["tg_target"])) == 1  # the retry wrote nothing
    r = enter(client, s, {"subject": s["tg_target"], "values": {"views": 1300}})  # taken_at: now
    assert r.status_code == 201
    assert subjects(client, s)[s["tg_target"]]["latest"]["values"] == {"views": 1300, "likes": 30}  # likes: still known


def test_entry_validation(client, setup):
    s = setup

    def refused(data):
        r = enter(client, s, data)
        assert r.status_code == 422, r.body
        return {d["field"]: d["message"] for d in body(r)["error"]["details"]}

    problems = refused({"subject": s["tg_target"], "values": {"views": 10, "followers": 5, "stars": 1}})
    assert "followers, stars" in problems["values"]
    assert "-3" in refused({"subject": s["tg_target"], "values": {"views": -3}})["values.views"]
    assert "not a whole number" in refused({"subject": s["tg_target"], "values": {"views": 12.5}})["values.views"]
    assert "values.likes" in refused({"subject": s["tg_target"], "values": {"likes": True}})
    assert "at least one metric" in refused({"subject": s["tg_target"], "values": {}})["values"]
    assert "not a publication" in refused({"subject": s["stray_target"], "values": {"views": 1}})["subject"]
    assert "subject" in refused({"subject": "target:nope", "values": {"views": 1}})
    assert "subject" in refused({"subject": "deliverable:01abc", "values": {"views": 1}})
    assert "future" in refused({"subject": s["tg_target"], "taken_at": "2099-01-01T00:00:00Z",
                                "values": {"views": 1}})["taken_at"]
    assert "taken_at" in refused({"subject": s["tg_target"], "taken_at": "yesterday", "values": {"views": 1}})
    several = refused({"subject": "target:x", "taken_at": "2099-01-01T00:00Z", "values": {"views": -1}})
    assert set(several) == {"subject", "taken_at", "values.views"}
    assert subjects(client, s)[s["tg_target"]]["latest"] is None  # nothing was written


def test_entry_in_russian(client, setup, make_user):
    s = setup
    russian = make_user("smm_manager", brand=s["brand"], language="ru")
    r = call(client, "post", f"/v1/campaigns/{s['campaign'].id}/metrics", russian,
             {"subject": s["tg_target"], "values": {"views": -1}})
    assert r.status_code == 422 and "отрицательное" in body(r)["error"]["message"]


def test_permissions(client, setup):
    s = setup
    data = {"subject": s["tg_target"], "values": {"views": 5}}
    assert enter(client, s, data, who="copywriter").status_code == 403  # may read, not change
    assert call(client, "get", f"/v1/campaigns/{s['campaign'].id}/metrics", s["copywriter"]).status_code == 200
    assert enter(client, s, data, who="outsider").status_code == 404
    assert call(client, "get", f"/v1/campaigns/{s['campaign'].id}/metrics", s["outsider"]).status_code == 404
    assert call(client, "get", f"/v1/campaigns/{s['campaign'].id}/metrics.csv", s["outsider"]).status_code == 404
    assert client.get(f"/v1/campaigns/{s['campaign'].id}/metrics").status_code == 401


def test_deliverable_shows_its_placement_checks(client, setup):
    s = setup
    item = s["item"]
    add_check(item, "metrics_24h", "2026-11-21T10:00:00.000000Z", {"found": True, "views": 800, "reposts": 3})
    latest = subjects(client, s)[s["deliverable"]]["latest"]
    assert latest["source"] == "check" and latest["values"] == {"views": 800, "forwards": 3}
    assert latest["check_id"]
    r = enter(client, s, {"subject": s["deliverable"], "taken_at": "2026-11-21T09:00Z", "values": {"views": 700}})
    assert r.status_code == 201
    assert subjects(client, s)[s["deliverable"]]["latest"]["source"] == "check"  # older: the check still counts
    r = enter(client, s, {"subject": s["deliverable"], "taken_at": "2026-11-21T10:00Z", "values": {"views": 810}})
    assert subjects(client, s)[s["deliverable"]]["latest"]["values"] == {"views": 810, "forwards": 3}  # a tie: manual wins


def test_an_archived_campaign_is_read_only(client, setup):
    from chalicelib.campaigns.models import CampaignItem

    s = setup
    CampaignItem(s["campaign"].pk, s["campaign"].sk).update(actions=[CampaignItem.status.set("archived")],
                                                            add_version_condition=False)
    assert enter(client, s, {"subject": s["tg_target"], "values": {"views": 5}}).status_code == 409
    assert s["tg_target"] in subjects(client, s)  # still readable
