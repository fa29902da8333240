"""Content plan CSV: export → import round trip, all-or-nothing import, line-numbered errors."""
from __future__ import annotations

import json

from tests.support.posts import body, call, new_post


def export(client, team, query=""):
    r = client.get(f"/v1/brands/{team['brand'].id}/content-plan.csv{query}", headers=team["smm_manager"].headers)
    assert r.status_code == 200, r.body
    assert r.headers["Content-Type"].startswith("text/csv")
    return r.body


def upload(client, team, data: bytes, user="copywriter"):
    headers = {**team[user].headers, "Content-Type": "text/csv"}
    return client.post(f"/v1/brands/{team['brand'].id}/content-plan", headers=headers, body=data)


def posts_of(client, team):
    r = call(client, "get", f"/v1/posts?brand_id={team['brand'].id}&limit=100", team["smm_manager"])
    return sorted(body(r)["items"], key=lambda p: p["title"])


def plan_view(items):
    keys = ("title", "body", "channel_ids", "content_type", "publish_at", "timezone", "tags", "due_at")
    return [{k: p[k] for k in keys} for p in items]


def test_export_import_round_trip_gives_the_same_plan(client, team, make_user):
    from tests.support.factories import make_brand

    new_post(client, team, title="=SUM(A1)", body="Кофе, \"латте\"\nи круассаны", tags=["осень", "menu"])
    new_post(client, team, title="Second", publish_at="2027-03-28T10:00", timezone="Europe/Moscow", due_at="2027-03-20")
    exported = export(client, team)
    assert exported.startswith("\ufeff".encode() if isinstance(exported, bytes) else "\ufeff")
    before = plan_view(posts_of(client, team))
    # import the same file into a fresh brand whose channel ids we map 1:1
    other = dict(team)
    other["brand"] = make_brand(timezone="Europe/Berlin")
    smm = make_user("smm_manager", brand=other["brand"])
    other["smm_manager"] = smm
    other["copywriter"] = make_user("copywriter", brand=other["brand"])
    tg = body(call(client, "post", f"/v1/brands/{other['brand'].id}/channels", smm,
                   {"platform": "telegram", "name": "TG"}))["id"]
    text = exported.decode("utf-8") if isinstance(exported, bytes) else exported
    lines = text.split("\r\n")
    header, rows = lines[0], lines[1:]
    cleaned = [header] + [",".join([""] + row.split(",")[1:]) if row else row for row in rows]
    data = "\r\n".join(cleaned).replace(team["tg"], tg).encode("utf-8")
    r = upload(client, other, data)
    assert r.status_code == 200, r.body
    assert len(body(r)["created"]) == 2
    after = plan_view(posts_of(client, other))
    for item in before:
        item["channel_ids"] = [tg]
    assert after == before


def test_bad_file_imports_nothing_and_names_lines(client, team):
    from chalicelib.plan.rules.csv_format import COLUMNS

    empty = "," * (len(COLUMNS) - 4)
    good = f'{",".join(COLUMNS)}\r\n,Ok,"multi\r\nline",{team["tg"]}{empty}\r\n'
    bad = good + f",Bad,text,nochannel{empty}\r\n,,,{team['tg']}{empty}\r\n"
    r = upload(client, team, bad.encode())
    assert r.status_code == 422
    details = body(r)["error"]["details"]
    assert sorted({d["line"] for d in details}) == [3, 4]  # spreadsheet rows: header 1, the multi-line cell is row 2
    assert posts_of(client, team) == []


def test_update_rows_need_the_current_version(client, team):
    post = new_post(client, team)
    exported = export(client, team).decode("utf-8")
    changed = exported.replace("Pumpkin latte is back!", "Pumpkin latte returns!")
    stale = changed.replace(",draft,1", ",draft,7")
    assert upload(client, team, stale.encode()).status_code == 422
    unchanged_but_stale = exported.replace(",draft,1", ",draft,7")  # nothing to write: no error
    assert body(upload(client, team, unchanged_but_stale.encode()))["unchanged"] == [post["id"]]
    r = upload(client, team, changed.encode())
    assert r.status_code == 200, r.body
    assert body(r)["updated"] == [post["id"]]
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["smm_manager"]))["body"] == "Pumpkin latte returns!"


def test_csv_needs_csv_content_type(client, team):
    r = client.post(f"/v1/brands/{team['brand'].id}/content-plan", headers=team["copywriter"].headers,
                    body=json.dumps({"a": 1}))
    assert r.status_code == 415
