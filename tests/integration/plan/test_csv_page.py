"""The /calendar/csv page: export with a date range (days in the brand's zone) and import with a
per-row report, through the pages' door (sign-in, CSRF, the same permissions as the API)."""
from __future__ import annotations

import csv
import io

from chalicelib.core.http import csrf
from tests.support.posts import body, call, new_post
from tests.support.web import as_user, csrf_token_in, html, text_of

BOUNDARY = "----greenlight-plan-csv"


def page_path(team) -> str:
    return f"/calendar/csv?brand_id={team['brand'].id}"


def multipart(fields: list[tuple[str, str]], file: tuple[str, bytes] | None) -> tuple[bytes, str]:
    out = b""
    for name, value in fields:
        out += f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode()
    if file:
        filename, data = file
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                "Content-Type: text/csv\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    return out, f"multipart/form-data; boundary={BOUNDARY}"


def upload(who, team, data: bytes | None, *, token: str | None = None):
    page = who.get(page_path(team))
    fields = [(csrf.FIELD, token if token is not None else csrf_token_in(page)), ("brand_id", team["brand"].id)]
    payload, kind = multipart(fields, ("plan.csv", data) if data is not None else None)
    return who._remember(who.http.request("POST", "/calendar/csv/import",
                                          headers=who._headers({"Content-Type": kind}, "POST"), body=payload))


def download(who, team, **query):
    from urllib.parse import urlencode

    return who.get("/calendar/csv/export?" + urlencode({"brand_id": team["brand"].id, **query}))


def titles(data) -> list[str]:
    text = data if isinstance(data, str) else data.decode("utf-8")
    return [r["title"] for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))]


def test_the_page_exports_with_a_range_and_imports_with_a_report(client, team):
    new_post(client, team, title="Early", publish_at="2026-12-01T00:30")  # Berlin: 30 Nov 23:30 UTC
    new_post(client, team, title="Late", publish_at="2026-12-20T23:30")
    new_post(client, team, title="Undated", publish_at=None)
    manager = as_user(client, team["smm_manager"])
    r = manager.get(page_path(team))
    assert r.status_code == 200, r.body
    assert 'id="plan-export"' in html(r) and 'id="plan-import"' in html(r)
    assert 'enctype="multipart/form-data"' in html(r) and "plan_csv.css" in html(r)

    r = download(manager, team)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    everything = r.body
    assert sorted(titles(everything)) == ["Early", "Late", "Undated"]
    r = download(manager, team, **{"from": "2026-12-01", "to": "2026-12-20"})  # both days whole, Berlin time
    assert titles(r.body) == ["Early", "Late"]
    r = download(manager, team, **{"from": "2026-12-02", "to": ""})
    assert titles(r.body) == ["Late"]
    r = download(manager, team, **{"from": "2026-12-20", "to": "2026-12-01"})
    assert r.status_code == 422 and "first not after the last" in text_of(r)
    r = download(manager, team, **{"from": "yesterday"})
    assert r.status_code == 422

    data = everything.encode("utf-8") if isinstance(everything, str) else everything
    r = upload(manager, team, data)
    assert r.status_code == 200, r.body
    shown = text_of(r)
    assert "Imported: 0 created, 0 updated, 3 unchanged, 0 errors." in shown
    assert shown.count("unchanged") >= 3 and 'id="import-rows"' in html(r)

    changed = data.replace(b"Pumpkin latte is back!", b"Pumpkin latte returns!", 1)
    r = upload(manager, team, changed + b",New one,Text,,,,,,,,,,\r\n")
    assert r.status_code == 200, r.body
    assert "Imported: 1 created, 1 updated, 2 unchanged, 0 errors." in text_of(r)


def test_a_refused_file_lists_every_problem_with_row_and_column(client, team):
    new_post(client, team, title="Keep")
    manager = as_user(client, team["smm_manager"])
    data = download(manager, team).body
    data = data.encode("utf-8") if isinstance(data, str) else data
    bad = data + f",Bad zone,Text,,,,Mars/Base,,,,,,\r\n,Too long,{'x' * 300},{team['x']},,,,,,,,,\r\n".encode()
    r = upload(manager, team, bad)
    assert r.status_code == 422
    shown = text_of(r)
    assert "Nothing was imported: 2 problem(s) in 2 row(s)" in shown
    assert "'Mars/Base' is not a time zone" in shown and "allows 280" in shown
    assert 'id="import-errors"' in html(r)
    assert len(body(call(client, "get", f"/v1/posts?brand_id={team['brand'].id}", team["smm_manager"]))["items"]) == 1


def test_the_page_in_russian(client, team, make_user):
    russian = make_user("smm_manager", brand=team["brand"], language="ru")
    reader = as_user(client, russian)
    r = reader.get(page_path(team))
    assert r.status_code == 200 and "Контент-план в CSV" in text_of(r)
    r = upload(reader, team, b"id,title\r\n")
    assert r.status_code == 422 and "Нет столбцов" in text_of(r)
    data = download(reader, team).body
    data = (data.encode("utf-8") if isinstance(data, str) else data) + (
        f",Длинный,{'x' * 300},{team['x']},,,,,,,,,\r\n,Зона,Текст,,,,Mars/Base,,,,,,\r\n".encode())
    r = upload(reader, team, data)
    shown = text_of(r)
    assert r.status_code == 422 and "Ничего не импортировано: проблем — 2" in shown
    assert "допускает 280 символов" in shown and "не часовой пояс" in shown  # the network limit in Russian too


def test_permissions_csrf_and_no_file(client, team, make_user):
    designer = as_user(client, team["designer"])  # sees posts, may not edit them? then no import form
    r = designer.get(page_path(team))
    from chalicelib.identity.principal import Principal
    from chalicelib.identity.repo import get as get_user
    from chalicelib.identity.rules import Permission

    can_edit = Principal.from_user(get_user(team["designer"].id)).can(team["brand"].id, Permission.edit_posts)
    assert r.status_code == 200 and (('id="plan-import"' in html(r)) == can_edit)
    client_approver = as_user(client, team["client_approver"])
    assert client_approver.get(page_path(team)).status_code in (403, 404)
    outsider = as_user(client, make_user())
    assert outsider.get(page_path(team)).status_code in (403, 404)
    assert outsider.get(f"/calendar/csv/export?brand_id={team['brand'].id}").status_code in (403, 404)
    manager = as_user(client, team["smm_manager"])
    assert upload(manager, team, None).status_code == 422
    assert upload(manager, team, b"x", token="forged").status_code == 403
    anonymous = client.get(page_path(team))
    assert anonymous.status_code in (302, 303)
