"""The influencer directory as CSV and Telegram subscriber counts, on DynamoDB Local: export → import
round trip (another brand, and the same brand as an update), all-or-nothing with row-numbered errors,
dry runs, roles and the legal columns, an account's measurements in and out, and the t.me fetch
against a fake of Telegram's public pages (a public channel, a person, an unknown name, Telegram down)."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from chalicelib.core.clock import utcnow
from chalicelib.core.settings import reset_settings
from chalicelib.influencers.rules.csv_influencers import COLUMNS, LEGAL_COLUMNS
from tests.support.fake_telegram_web import FakeTelegramWeb, Fault
from tests.support.influencers import VALID_INN_COMPANY, VALID_OGRN, add, add_account
from tests.support.posts import body, call


@pytest.fixture
def telegram_web(monkeypatch):
    fake = FakeTelegramWeb(channels={"acme_news": 12345, "big_channel": 1_250_000},
                           groups={"acme_chat": 900}, people={"anna_person": "Anna"}).start()
    fake.contact_pages.add("free_name")
    monkeypatch.setenv("TELEGRAM_WEB_BASE_URL", fake.url)
    reset_settings()
    yield fake
    fake.stop()
    monkeypatch.undo()
    reset_settings()






def export(client, crew, who="influencer_manager", brand=None):
    r = client.get(f"/v1/brands/{(brand or crew['brand']).id}/influencers.csv", headers=crew[who].headers)
    assert r.status_code == 200, r.body
    assert r.headers["Content-Type"].startswith("text/csv")
    text = r.body.decode("utf-8") if isinstance(r.body, bytes) else r.body
    assert text.startswith("\ufeff")
    return text.lstrip("\ufeff")


def rows_of(text: str) -> list[dict]:
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def to_csv(rows: list[dict], columns=None, delimiter=",") -> bytes:
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client, crew, data: bytes, who="influencer_manager", query="", brand=None):
    headers = {**crew[who].headers, "Content-Type": "text/csv"}
    return client.post(f"/v1/brands/{(brand or crew['brand']).id}/influencers/import{query}", headers=headers,
                       body=data)


def directory(client, crew, who="influencer_manager", brand=None):
    r = call(client, "get", f"/v1/brands/{(brand or crew['brand']).id}/influencers?limit=100", crew[who])
    assert r.status_code == 200, r.body
    return body(r)["items"]


def accounts_of(client, crew, influencer_id, who="influencer_manager"):
    return body(call(client, "get", f"/v1/influencers/{influencer_id}/accounts", crew[who]))["items"]


def seed(client, crew):
    anna = add(client, crew, legal_type="legal_entity", legal_name="ООО «Анна»", inn=VALID_INN_COMPANY,
               ogrn=VALID_OGRN, contacts={"email": "anna@example.com", "telegram": "@anna"}, tags=["food", "еда"],
               notes="=cmd|' /C calc'!A0\nsecond line", agent={"name": "Ivan", "contact": "+7 900 000-00-00"})
    add_account(client, crew, anna["id"], top_countries=[{"country": "RU", "pct": "61.5"}, {"country": "KZ", "pct": "10.5"}],
                audience_credibility_pct="88.25", rkn_registry_number="4912345678")
    add_account(client, crew, anna["id"], platform="telegram", handle="acme_news", followers=12000, avg_views=3000)
    boris = add(client, crew, display_name="Boris", country=None)
    return anna, boris


IMPORTANT = ("display_name", "legal_type", "legal_name", "inn", "ogrn", "country", "tags", "notes", "contacts",
             "agent", "platforms", "top_followers", "top_er", "verdict", "status")
ACCOUNT_KEYS = ("platform", "handle", "followers", "avg_views", "avg_likes", "avg_comments", "top_countries",
                "audience_credibility_pct", "rkn_registry_number", "er")


def view(client, crew, who="influencer_manager", brand=None):
    shown = []
    for item in sorted(directory(client, crew, who, brand), key=lambda i: i["display_name"]):
        accounts = sorted(accounts_of(client, crew, item["id"], who), key=lambda a: a["handle"])
        shown.append(({k: item[k] for k in IMPORTANT}, [{k: a[k] for k in ACCOUNT_KEYS} for a in accounts]))
    return shown


def test_export_then_import_into_another_brand_gives_the_same_directory(client, crew):
    seed(client, crew)
    text = export(client, crew)
    rows = rows_of(text)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 3  # Anna's two accounts, Boris without any
    anna_rows = [r for r in rows if r["display_name"] == "Anna Cooks"]
    assert anna_rows[0]["notes"].startswith("'=cmd")  # the formula guard
    assert {r["handle"] for r in anna_rows} == {"'@anna_cooks", "acme_news"}  # "@…" is guarded too
    assert "RU:61.5, KZ:10.5" in {r["top_countries"] for r in anna_rows}
    before = view(client, crew)
    for row in rows:
        row["influencer_id"] = ""  # new influencers in the other brand
    r = upload(client, crew, to_csv(rows, list(COLUMNS)), who="other_manager", brand=crew["other"])
    assert r.status_code == 200, r.body
    result = body(r)
    assert (result["created"], result["updated"], result["accounts"]) == (2, 0, 2)
    assert len(result["influencer_ids"]) == 2
    after = view(client, crew, "other_manager", crew["other"])
    assert after == before
    audit = body(call(client, "get", f"/v1/audit?brand_id={crew['other'].id}&entity=influencer"
                                     f"&id={result['influencer_ids'][0]}", crew["admin"]))["items"]
    assert [e["action"] for e in audit] == ["create"]
    assert VALID_INN_COMPANY not in str(audit) and audit[0]["after"]["accounts"]


def test_import_in_the_same_brand_updates_by_id_and_adds_accounts(client, crew):
    anna, boris = seed(client, crew)
    rows = rows_of(export(client, crew))
    telegram_row = next(r for r in rows if r["handle"] == "acme_news")
    telegram_row["followers"] = "15 000"  # grouped digits are read
    boris_row = next(r for r in rows if r["display_name"] == "Boris")
    boris_row["notes"] = "Video blogger"
    boris_video = {**boris_row, "notes": "", "platform": "youtube", "handle": "boris_tube", "followers": "2000",
                   "avg_views": "900", "avg_likes": "40", "avg_comments": "5"}  # a second row of Boris: an account
    vera = {c: "" for c in COLUMNS} | {"display_name": "Vera", "platform": "tiktok", "handle": "@vera",
                                       "followers": "50000"}
    data = to_csv([*rows, boris_video, vera], list(COLUMNS), delimiter=";")
    dry = upload(client, crew, data, query="?dry_run=true")
    assert dry.status_code == 200, dry.body
    assert body(dry) == {"dry_run": True, "created": 1, "updated": 2, "accounts": 3, "influencer_ids": []}
    assert len(directory(client, crew)) == 2  # a dry run writes nothing
    r = upload(client, crew, data)
    assert r.status_code == 200, r.body
    assert (body(r)["created"], body(r)["updated"], body(r)["accounts"]) == (1, 2, 3)
    telegram = next(a for a in accounts_of(client, crew, anna["id"]) if a["platform"] == "telegram")
    assert telegram["followers"] == 15000 and telegram["measured_on"] == utcnow().date().isoformat()
    boris_now = body(call(client, "get", f"/v1/influencers/{boris['id']}", crew["influencer_manager"]))
    assert boris_now["notes"] == "Video blogger" and boris_now["platforms"] == ["youtube"]
    assert boris_now["top_followers"] == 2000 and boris_now["verdict"]  # refreshed after the write
    assert [i["display_name"] for i in directory(client, crew)] == ["Anna Cooks", "Vera", "Boris"]
    audit = body(call(client, "get", f"/v1/audit?brand_id={crew['brand'].id}&entity=influencer&id={boris['id']}",
                      crew["admin"]))["items"]
    assert audit[0]["action"] == "refresh" and "import" in [e["action"] for e in audit]
    again = upload(client, crew, to_csv(rows_of(export(client, crew)), list(COLUMNS)))
    assert (body(again)["updated"], body(again)["created"]) == (0, 0)  # nothing changed: nothing written


def test_rows_of_one_influencer_must_agree(client, crew):
    rows = [{"display_name": "Anna", "country": "RU", "platform": "vk", "handle": "anna"},
            {"display_name": "anna ", "country": "KZ", "platform": "ok", "handle": "anna"}]
    r = upload(client, crew, to_csv(rows))
    assert r.status_code == 422
    assert [(d["row"], d["field"]) for d in body(r)["error"]["details"]] == [(3, "country")]
    rows[1]["country"] = ""
    assert body(upload(client, crew, to_csv(rows)))["accounts"] == 2


def test_one_bad_row_imports_nothing_and_names_every_bad_row(client, crew):
    seed(client, crew)
    header = ["display_name", "legal_type", "inn", "platform", "handle", "followers", "top_countries", "email"]
    rows = [
        {"display_name": "Good One", "platform": "instagram", "handle": "good_one", "followers": "1000"},
        {"display_name": "Bad INN", "legal_type": "legal_entity", "inn": "7707083894"},
        {"display_name": "Taken", "platform": "instagram", "handle": "ANNA_COOKS"},
        {"display_name": "Twice", "platform": "tiktok", "handle": "good_one"},
        {"display_name": "Twice", "platform": "tiktok", "handle": "@Good_One"},
        {"display_name": "Numbers", "platform": "vk", "handle": "numbers", "followers": "12k",
         "top_countries": "RU 50"},
        {"display_name": "Mail", "email": "not-an-email"},
    ]
    r = upload(client, crew, to_csv(rows, header, delimiter=";"))
    assert r.status_code == 422, r.body
    details = body(r)["error"]["details"]
    found = {(d["row"], d["field"]) for d in details}
    assert {(3, "inn"), (4, "handle"), (6, "handle"), (7, "followers"), (7, "top_countries"), (8, "email")} <= found
    assert all(d["message"] and "influencers_csv" not in d["message"] for d in details)
    assert (2, None) not in found and not any(d["row"] == 2 for d in details)
    assert [i["display_name"] for i in directory(client, crew)] == ["Anna Cooks", "Boris"]  # nothing written
    russian = upload(client, crew, to_csv(rows, header), who="russian_manager")
    assert "Ничего не импортировано" in body(russian)["error"]["message"]
    assert any("ИНН" in d["message"] for d in body(russian)["error"]["details"])


@pytest.mark.parametrize("data, expected", [
    ("display_name,platform\nИван,instagram\n".encode("cp1251"), "Windows-1251"),
    (b"PK\x03\x04rest-of-a-workbook", "workbook"),
    (b"name,platform\nX,vk\n", "display_name"),
    (b"", "empty"),
])
def test_a_file_that_is_not_a_readable_csv_is_refused_with_its_reason(client, crew, data, expected):
    r = upload(client, crew, data)
    assert r.status_code == 422, r.body
    assert expected in body(r)["error"]["details"][0]["message"]


def test_import_needs_csv_and_a_manager(client, crew):
    data = to_csv([{"display_name": "X"}])
    r = client.post(f"/v1/brands/{crew['brand'].id}/influencers/import",
                    headers={**crew["influencer_manager"].headers, "Content-Type": "application/json"}, body=data)
    assert r.status_code == 415
    assert upload(client, crew, data, who="copywriter").status_code == 403
    assert upload(client, crew, data, who="client_approver").status_code == 403
    assert upload(client, crew, data, who="other_manager").status_code == 404
    assert upload(client, crew, data, who="smm_manager").status_code == 200
    assert upload(client, crew, b"x" * 2_000_001).status_code == 422


def test_legal_columns_only_for_managers(client, crew):
    seed(client, crew)
    mine = rows_of(export(client, crew, who="smm_manager"))
    assert mine[0]["inn"] == VALID_INN_COMPANY and mine[0]["email"] == "anna@example.com"
    theirs = rows_of(export(client, crew, who="copywriter"))
    assert not set(LEGAL_COLUMNS) & set(theirs[0])
    assert VALID_INN_COMPANY not in str(theirs)
    assert client.get(f"/v1/brands/{crew['brand'].id}/influencers.csv",
                      headers=crew["client_approver"].headers).status_code == 403
    assert client.get(f"/v1/brands/{crew['brand'].id}/influencers.csv",
                      headers=crew["other_manager"].headers).status_code == 404
    # a file without the legal columns leaves the legal data as it is
    r = upload(client, crew, to_csv(theirs))
    assert r.status_code == 200, r.body
    anna = next(i for i in directory(client, crew) if i["display_name"] == "Anna Cooks")
    assert anna["inn"] == VALID_INN_COMPANY and anna["contacts"]["email"] == "anna@example.com"


def test_a_handle_taken_between_the_check_and_the_write_stops_only_its_influencer(client, crew, monkeypatch):
    from chalicelib.influencers import influencer_import_plan

    add_account(client, crew, add(client, crew)["id"])  # @anna_cooks on instagram
    monkeypatch.setattr(influencer_import_plan, "_taken_handles", lambda brand_id, groups: {})  # as if taken just after the check
    rows = [{"display_name": "Late", "platform": "instagram", "handle": "anna_cooks"},
            {"display_name": "Fine", "platform": "instagram", "handle": "fine_one"}]
    r = upload(client, crew, to_csv(rows))
    assert r.status_code == 409, r.body
    error = body(r)["error"]
    assert [d["row"] for d in error["details"]] == [2]
    assert error["written"]["created"] == 1 and len(error["written"]["influencer_ids"]) == 1
    assert sorted(i["display_name"] for i in directory(client, crew)) == ["Anna Cooks", "Fine"]


def test_an_unknown_influencer_id_is_an_error(client, crew):
    r = upload(client, crew, to_csv([{"influencer_id": "01hzzzzzzzzzzzzzzzzzzzzzzz", "display_name": "Ghost"}]))
    assert r.status_code == 422
    assert body(r)["error"]["details"][0]["field"] == "influencer_id"


def test_snapshots_export_and_import(client, crew):
    anna = add(client, crew)
    account = add_account(client, crew, anna["id"])
    today = utcnow().date()
    days = [today - timedelta(days=n) for n in (3, 2, 1)]
    data = "taken_on;followers;avg_likes\n" + "".join(
        f"{d.strftime('%d.%m.%Y')};{80000 + 1000 * i};{400 + i}\n" for i, d in enumerate(days))
    path = f"/v1/accounts/{account['id']}/snapshots"
    headers = {**crew["influencer_manager"].headers, "Content-Type": "text/csv"}
    r = client.post(path + "/import", headers=headers, body=data.encode())
    assert r.status_code == 200, r.body
    assert body(r) == {"dry_run": False, "imported": 3, "first": days[0].isoformat(), "last": days[-1].isoformat()}
    listed = body(call(client, "get", path, crew["copywriter"]))["items"]
    assert [(s["taken_on"], s["followers"], s["source"]) for s in listed] == [
        (d.isoformat(), 80000 + 1000 * i, "csv") for i, d in enumerate(days)]
    exported = client.get(path + ".csv", headers=crew["copywriter"].headers)
    assert exported.status_code == 200
    text = exported.body.decode() if isinstance(exported.body, bytes) else exported.body
    assert rows_of(text.lstrip("\ufeff"))[0]["taken_on"] == days[0].isoformat()
    # duplicates and future days: nothing written, both rows named
    bad = (f"taken_on,followers\n{days[0]},1\n{days[0]},2\n{(today + timedelta(days=1)).isoformat()},3\n"
           f"yesterday,4\n")
    r = client.post(path + "/import", headers=headers, body=bad.encode())
    assert r.status_code == 422
    assert [(d["row"], d["field"]) for d in body(r)["error"]["details"]] == [(3, "taken_on"), (4, "taken_on"),
                                                                             (5, "taken_on")]
    assert body(call(client, "get", path, crew["copywriter"]))["items"] == listed
    r = client.post(path + "/import?dry_run=true", headers=headers, body=f"taken_on\n{today}\n".encode())
    assert body(r)["dry_run"] is True and len(body(call(client, "get", path, crew["copywriter"]))["items"]) == 3
    assert client.post(path + "/import", headers={**crew["copywriter"].headers, "Content-Type": "text/csv"},
                       body=data.encode()).status_code == 403
    assert client.post(path + "/import", headers={**crew["other_manager"].headers, "Content-Type": "text/csv"},
                       body=data.encode()).status_code == 404


def test_telegram_fetch_stores_todays_count(client, crew, telegram_web):
    anna = add(client, crew)
    account = add_account(client, crew, anna["id"], platform="telegram", handle="@acme_news", followers=10000,
                          avg_views=2000)
    r = call(client, "post", f"/v1/accounts/{account['id']}/telegram-fetch", crew["influencer_manager"])
    assert r.status_code == 201, r.body
    snapshot = body(r)
    assert (snapshot["followers"], snapshot["source"], snapshot["taken_on"]) == (12345, "telegram",
                                                                                  utcnow().date().isoformat())
    assert telegram_web.calls[-1].path == "/acme_news" and telegram_web.calls[-1].method == "GET"
    shown = next(a for a in accounts_of(client, crew, anna["id"]) if a["id"] == account["id"])
    assert shown["followers"] == 12345 and shown["er"] is not None
    influencer = body(call(client, "get", f"/v1/influencers/{anna['id']}", crew["copywriter"]))
    assert influencer["top_followers"] == 12345
    history = body(call(client, "get", f"/v1/accounts/{account['id']}/snapshots", crew["copywriter"]))["items"]
    assert [s["followers"] for s in history] == [12345]
    assert call(client, "post", f"/v1/accounts/{account['id']}/telegram-fetch", crew["copywriter"]).status_code == 403


@pytest.mark.parametrize("handle", ["anna_person", "unknown_channel", "free_name"])
def test_telegram_fetch_of_what_is_not_a_public_channel_is_a_422_naming_the_handle(client, crew, telegram_web,
                                                                                  handle):
    anna = add(client, crew)
    account = add_account(client, crew, anna["id"], platform="telegram", handle=handle)
    r = call(client, "post", f"/v1/accounts/{account['id']}/telegram-fetch", crew["influencer_manager"])
    assert r.status_code == 422, r.body
    error = body(r)["error"]
    assert handle in error["message"] and error["details"][0]["field"] == "handle"
    assert body(call(client, "get", f"/v1/accounts/{account['id']}/snapshots", crew["copywriter"]))["items"] == []


def test_telegram_fetch_refuses_other_platforms_and_bad_names_without_asking(client, crew, telegram_web):
    anna = add(client, crew)
    insta = add_account(client, crew, anna["id"])
    short = add_account(client, crew, anna["id"], platform="telegram", handle="abc")
    for account, field in ((insta, "platform"), (short, "handle")):
        r = call(client, "post", f"/v1/accounts/{account['id']}/telegram-fetch", crew["influencer_manager"])
        assert r.status_code == 422 and body(r)["error"]["details"][0]["field"] == field
    assert telegram_web.calls == []


def test_telegram_down_is_a_503(client, crew, telegram_web):
    anna = add(client, crew)
    account = add_account(client, crew, anna["id"], platform="telegram", handle="acme_news")
    path = f"/v1/accounts/{account['id']}/telegram-fetch"
    telegram_web.fail_next(Fault.of_status(502, b"<html>Bad Gateway</html>"))
    r = call(client, "post", path, crew["influencer_manager"])
    assert r.status_code == 503 and body(r)["error"]["message"] == "Telegram did not answer; try again in a few minutes."
    telegram_web.fail_next(Fault.drop())
    assert call(client, "post", path, crew["influencer_manager"]).status_code == 503
    telegram_web.stop()  # nothing listens any more
    r = call(client, "post", path, crew["russian_manager"])
    assert r.status_code == 503 and "Telegram не ответил" in body(r)["error"]["message"]
    assert body(call(client, "get", f"/v1/accounts/{account['id']}/snapshots", crew["copywriter"]))["items"] == []


def test_every_route_is_in_openapi(client):
    spec = body(client.get("/openapi.json"))
    paths = spec["paths"]
    assert "text/csv" in paths["/v1/brands/{brand_id}/influencers/import"]["post"]["requestBody"]["content"]
    for path, method in (("/v1/brands/{brand_id}/influencers.csv", "get"),
                         ("/v1/brands/{brand_id}/influencers/import", "post"),
                         ("/v1/accounts/{account_id}/snapshots.csv", "get"),
                         ("/v1/accounts/{account_id}/snapshots/import", "post"),
                         ("/v1/accounts/{account_id}/telegram-fetch", "post")):
        assert paths[path][method]["tags"] == ["influencers"]
