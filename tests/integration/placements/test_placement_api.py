"""The placement API's edges: who may, what a URL may be (the outbound guard refuses it when it is set —
and nothing ever connects to a refused address), overlapping job runs (each check claimed once), manual
evidence, a VK wall post read through wall.getById."""
from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
import time_machine

from tests.support.placements import (
    CHANNEL,
    GOOD_TEXT,
    checked_deal,
    checks_of,
    deliverable,
    run_job,
    set_placement,
    utc,
)
from tests.support.posts import body, call

T0 = utc(2030, 3, 1, 9, 0)
DUE = T0 + timedelta(days=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def listener():
    """A real socket on loopback that counts every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                accepted.append(1)
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join(1)
    server.close()


def _deal(client, crew):
    with time_machine.travel(T0, tick=False):
        return checked_deal(client, crew, DUE)


@pytest.mark.parametrize("template", [
    "http://127.0.0.1:{port}/post", "http://localhost:{port}/post", "http://[::1]:{port}/post",
    "http://127.0.0.1/post", "http://10.0.0.8/post", "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/post", "http://[::ffff:127.0.0.1]/post", "http://2130706433/post", "http://0x7f.1/post",
    "http://example.com:{port}/post", "ftp://example.com/post", "http://[fd00::1]/post",
])
def test_a_url_the_guard_refuses_is_a_422_and_nothing_connects(client, crew, listener, template):
    port, accepted = listener
    deal, item = _deal(client, crew)
    r = set_placement(client, crew, item["id"], template.format(port=port))
    assert r.status_code == 422, r.body
    assert body(r)["error"]["details"][0]["field"] == "url"
    assert deliverable(item["id"]).url is None and not checks_of(client, crew, item["id"])
    run_job(DUE + timedelta(hours=2))
    assert accepted == []


def test_only_deal_managers_set_urls_and_outsiders_see_nothing(client, crew, preview):
    deal, item = _deal(client, crew)
    url = f"https://t.me/{CHANNEL}/42"
    assert set_placement(client, crew, item["id"], url, who="copywriter").status_code == 403
    assert set_placement(client, crew, item["id"], url, who="outsider").status_code == 404
    assert call(client, "get", f"/v1/deliverables/{item['id']}/checks", crew["outsider"]).status_code == 404
    assert call(client, "get", f"/v1/deliverables/{item['id']}/checks", crew["finance"]).status_code == 200


def test_a_url_before_signing_is_refused(client, crew, preview):
    from tests.support.deals_api import blogger, new_deal, new_deliverable

    influencer, account = blogger(client, crew)
    deal = new_deal(client, crew, influencer["id"])
    item = new_deliverable(client, crew, deal["id"], account["id"])
    r = set_placement(client, crew, item["id"], f"https://t.me/{CHANNEL}/42")
    assert r.status_code == 409 and "sign" in body(r)["error"]["message"]


def test_overlapping_job_runs_claim_each_check_once(client, crew, preview):
    from tests.support.deals_api import act, fake_contract, new_deal, new_deliverable
    from tests.support.placements import TERMS, wall

    with time_machine.travel(T0, tick=False):
        _deal, first = checked_deal(client, crew, DUE)
        items = [first]
        for _ in range(5):  # five more deals of the same blogger's channel
            deal = new_deal(client, crew, first["influencer_id"], terms=TERMS)
            items.append(new_deliverable(client, crew, deal["id"], first["account_id"], publish_at=wall(DUE)))
            fake_contract(deal["id"])
            for action in ("send", "sign"):
                assert act(client, crew, deal["id"], action).status_code == 200
    for n, item in enumerate(items):
        preview.post(CHANNEL, 100 + n, GOOD_TEXT, at=DUE)
        with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
            assert set_placement(client, crew, item["id"], f"https://t.me/{CHANNEL}/{100 + n}").status_code == 200
    results = []
    threads = [threading.Thread(target=lambda: results.append(run_job(DUE + timedelta(minutes=2))))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ran = sum(summary.get("pass", 0) + summary.get("fail", 0) + summary.get("warn", 0) for summary in results)
    assert ran == len(items), results
    widget_hits = sum(count for path, count in preview.hits().items() if not path.startswith("/s/"))
    assert widget_hits == len(items)
    for item in items:
        assert [c["kind"] for c in checks_of(client, crew, item["id"]) if c["state"] == "done"] == ["initial"]


def test_manual_evidence_for_an_instagram_story(client, crew, preview):
    from tests.support.deals_api import act, fake_contract, new_deal, new_deliverable
    from tests.support.influencers import add_account
    from tests.support.placements import wall

    with time_machine.travel(T0, tick=False):
        _deal_unused, first = checked_deal(client, crew, DUE, disclosure="ftc")
        account = add_account(client, crew, first["influencer_id"], platform="youtube", handle="@anna_video",
                              followers=9000)
        deal = new_deal(client, crew, first["influencer_id"], disclosure="ftc",
                        terms={"promo_code": "ANNA10", "min_live_hours": 24})
        item = new_deliverable(client, crew, deal["id"], account["id"], format="video", publish_at=wall(DUE))
        fake_contract(deal["id"])
        for action in ("send", "sign"):
            assert act(client, crew, deal["id"], action).status_code == 200
    boundary = "----gl"

    def form(fields, file=PNG):
        parts = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        if file is not None:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="shot.png"\r\n'
                         f"Content-Type: image/png\r\n\r\n".encode() + file + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts)

    headers = {**crew["influencer_manager"].headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    path = f"/v1/deliverables/{item['id']}/evidence"
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        r = client.post(path, headers=headers, body=form([("rules", "found")], file=b"GIF89a not an image we take"))
        assert r.status_code == 422, r.body
        r = client.post(path, headers=headers, body=form([("rules", "teleport")]))
        assert r.status_code == 422, r.body
        r = client.post(path, headers=headers, body=form([("rules", "found"), ("rules", "promo_code"),
                                                          ("note", "Story, frame at 0:07"),
                                                          ("published_at", "2030-03-02T09:03Z")]))
    assert r.status_code == 201, r.body
    check = body(r)
    assert check["kind"] == "manual" and check["confirmed"] == ["found", "promo_code"]
    assert check["result"] == "warn" and {f["rule"] for f in check["findings"]} == {"too_late", "disclosure_missing"}
    assert check["evidence"]["content_type"] == "image/png" and check["evidence"]["download"]
    got = deliverable(item["id"])
    assert got.status == "monitoring" and got.published_at.startswith("2030-03-02T09:03")


def test_a_vk_wall_post_is_read_through_the_api(client, crew, monkeypatch):
    from chalicelib.core.settings import reset_settings
    from tests.support.deals_api import act, blogger, fake_contract, new_deal, new_deliverable
    from tests.support.fake_vk import FakeVK
    from tests.support.placements import ERID, TERMS, wall

    fake = FakeVK(tokens={"vk-service-token"}).start()
    try:
        monkeypatch.setenv("VK_API_BASE_URL", fake.base_url)
        monkeypatch.setenv("VK_SERVICE_TOKEN", "vk-service-token")
        reset_settings()
        with time_machine.travel(T0, tick=False):
            influencer, account = blogger(client, crew, platform="vk", handle="club777")
            deal = new_deal(client, crew, influencer["id"], terms=TERMS)
            item = new_deliverable(client, crew, deal["id"], account["id"], format="post", publish_at=wall(DUE),
                                   erid=ERID)
            fake_contract(deal["id"])
            for action in ("send", "sign"):
                assert act(client, crew, deal["id"], action).status_code == 200
        fake.put_post("-777", 45, GOOD_TEXT, date=DUE, marked_as_ads=False, views=1500, likes=20, reposts=3)
        with time_machine.travel(DUE + timedelta(minutes=3), tick=False):
            assert set_placement(client, crew, item["id"], "https://vk.com/wall-777_45").status_code == 200
        run_job(DUE + timedelta(minutes=4))
        done = [c for c in checks_of(client, crew, item["id"]) if c["state"] == "done"]
        assert done[0]["result"] == "warn", done[0]
        assert {f["rule"] for f in done[0]["findings"]} == {"marked_as_ads"}
        assert done[0]["observed"]["views"] == 1500 and done[0]["evidence"]["content_type"] == "application/json"
        assert deliverable(item["id"]).status == "monitoring"
        assert "vk-service-token" not in str(done[0])
    finally:
        fake.stop()
        reset_settings()
