"""The metrics CSV: export → import round trip (unchanged, nothing written), new rows imported, and a file with
several bad rows refused as a whole with every problem and its line."""
from __future__ import annotations

import csv
import io

from chalicelib.campaigns.metrics import repo
from tests.integration.campaigns.metrics.conftest import add_check
from tests.support.posts import body, call


def export(client, s, who="smm_manager") -> bytes:
    r = client.get(f"/v1/campaigns/{s['campaign'].id}/metrics.csv", headers={**s[who].headers})
    assert r.status_code == 200, r.body
    assert {k.lower(): v for k, v in r.headers.items()}["content-type"].startswith("text/csv")
    return r.body


def upload(client, s, data: bytes, who="smm_manager", content_type="text/csv"):
    return client.post(f"/v1/campaigns/{s['campaign'].id}/metrics.csv",
                       headers={**s[who].headers, "Content-Type": content_type}, body=data)


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def stored(s) -> int:
    return sum(len(repo.snapshots_of(k)) for k in (s["tg_target"], s["x_target"], s["deliverable"]))


def test_round_trip_writes_nothing(client, setup):
    s = setup
    r = call(client, "post", f"/v1/campaigns/{s['campaign'].id}/metrics", s["smm_manager"],
             {"subject": s["tg_target"], "taken_at": "2026-11-20T10:00Z", "values": {"views": 1200, "likes": 0}})
    assert r.status_code == 201
    add_check(s["item"], "metrics_24h", "2026-11-21T10:00:00.000000Z", {"found": True, "views": 800})
    data = export(client, s)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = rows_of(data)
    assert [r["subject"] for r in rows] == [s["tg_target"], s["x_target"], s["deliverable"]]
    assert rows[0]["label"] == "Зимний латте · TG" and rows[0]["views"] == "1200" and rows[0]["likes"] == "0"
    assert rows[0]["reach"] == ""  # not known stays empty
    assert rows[1]["taken_at"] == "" and rows[2]["views"] == "800"
    before = stored(s)
    r = upload(client, s, data)
    assert r.status_code == 200, r.body
    assert body(r) == {"created": 0, "unchanged": 2, "skipped": 1}
    assert stored(s) == before


def test_import_new_values_then_again(client, setup):
    s = setup
    text = ("subject;taken_at;views;shares\r\n"
            f"{s['x_target']};2026-11-22T08:00:00Z;1 500;4\r\n"
            f"{s['deliverable']};;900;\r\n")
    r = upload(client, s, text.encode("utf-8"))
    assert r.status_code == 200, r.body
    assert body(r) == {"created": 2, "unchanged": 0, "skipped": 0}
    latest = {i["subject"]: i["latest"] for i in body(call(client, "get", f"/v1/campaigns/{s['campaign'].id}/metrics",
                                                           s["content_manager"]))["items"]}
    assert latest[s["x_target"]]["values"] == {"views": 1500, "shares": 4}
    assert latest[s["x_target"]]["source"] == "csv"
    assert latest[s["deliverable"]]["values"] == {"views": 900}
    again = upload(client, s, text.encode("utf-8"))
    assert body(again) == {"created": 0, "unchanged": 2, "skipped": 0}  # the same file twice: nothing new


def test_several_bad_rows_are_all_listed_and_nothing_is_written(client, setup):
    s = setup
    text = "\n".join([
        "subject,taken_at,views,likes",
        f"{s['tg_target']},2026-11-20T10:00Z,100,5",  # fine, but the file is refused as a whole
        f"{s['x_target']},2026-11-20T10:00Z,-1,2.5",
        f"{s['stray_target']},,10,",
        "deliverable:nope,2099-01-01T00:00Z,1,",
    ])
    r = upload(client, s, text.encode("utf-8"))
    assert r.status_code == 422, r.body
    error = body(r)["error"]
    assert "Nothing was imported" in error["message"]
    found = [(d["line"], d["field"]) for d in error["details"]]
    assert found == [(3, "views"), (3, "likes"), (4, "subject"), (5, "subject"), (5, "taken_at")]
    assert "not a publication" in error["details"][2]["message"]
    assert stored(s) == 0
    r = upload(client, s, "subject,views\ndeliverable:nope,1\n".encode())
    assert [(d["line"], d["field"]) for d in body(r)["error"]["details"]] == [(2, "subject")]


def test_csv_refusals(client, setup):
    s = setup
    assert upload(client, s, b"subject,views\n", content_type="application/json").status_code == 415
    assert upload(client, s, b"subject,views\n", who="copywriter").status_code == 403
    r = upload(client, s, b"subject,stars\n")
    assert r.status_code == 422 and "stars" in body(r)["error"]["details"][0]["message"]


def test_the_refusal_counts_problems_and_lines_in_plural_forms(client, setup, make_user):
    s = setup
    r = upload(client, s, f"subject,views\n{s['x_target']},-1\n".encode())
    assert body(r)["error"]["message"].startswith("Nothing was imported: 1 problem in 1 line of the file. Fix it")
    text = f"subject,views,likes\n{s['x_target']},-1,x\n{s['deliverable']},abc,\n"
    r = upload(client, s, text.encode())
    assert body(r)["error"]["message"].startswith("Nothing was imported: 3 problems in 2 lines of the file.")
    s["russian"] = make_user("smm_manager", brand=s["brand"], language="ru")
    r = upload(client, s, text.encode(), who="russian")
    assert body(r)["error"]["message"].startswith("Ничего не импортировано: 3 проблемы в 2 строках файла.")
    r = upload(client, s, b"subject,stars\n", who="russian")  # the header is line 1
    assert body(r)["error"]["message"].startswith("Ничего не импортировано: 2 проблемы в 1 строке файла.")
    r = upload(client, s, b"", who="russian")  # a problem of the file as a whole: no lines
    assert body(r)["error"]["message"].startswith("Ничего не импортировано: в файле 1 проблема.")


def test_more_problems_than_listed_are_said_so(client, setup):
    s = setup
    text = "subject,views\n" + "".join(f"deliverable:nope{n},1\n" for n in range(250))
    r = upload(client, s, text.encode())
    assert r.status_code == 422
    error = body(r)["error"]
    assert error["message"].startswith("Nothing was imported: 250 problems in 250 lines of the file.")
    assert error["message"].endswith("Only the first 200 are listed.")
    assert len(error["details"]) == 200
    r = upload(client, s, "subject,views\n".encode() + b"".join(f"{s['x_target']},-{n}\n".encode()
                                                                  for n in range(1, 205)))
    error = body(r)["error"]  # the reading stopped after 200: the marker is listed, not counted
    assert error["message"].startswith("Nothing was imported: 200 problems in 200 lines of the file.")
    assert error["message"].endswith("Only the first 200 are listed.")
    assert "Stopped after 200 problems" in error["details"][0]["message"]
