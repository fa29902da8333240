"""The metrics page: the subjects with their latest values and source, the hand-entry form (errors by the
fields), the CSV upload (problems listed per line), and what a reader without manage_campaigns sees."""
from __future__ import annotations

from chalicelib.core.http import csrf
from tests.integration.campaigns.metrics.conftest import add_check
from tests.support.web import as_user, csrf_token_in, field_error, html, text_of


def page_path(s) -> str:
    return f"/campaigns/{s['campaign'].id}/metrics"


def multipart(fields: list[tuple[str, str]], file: tuple[str, bytes, str] | None) -> tuple[bytes, str]:
    boundary = "----greenlight-metrics-boundary"
    out = b""
    for name, value in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode()
    if file:
        filename, data, kind = file
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {kind}\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def upload(who, s, data: bytes):
    page = who.get(page_path(s))
    body, kind = multipart([(csrf.FIELD, csrf_token_in(page))], ("metrics.csv", data, "text/csv"))
    return who._remember(who.http.request("POST", page_path(s) + "/import",
                                          headers=who._headers({"Content-Type": kind}, "POST"), body=body))


def test_the_page_lists_subjects_and_takes_a_snapshot(client, setup):
    s = setup
    add_check(s["item"], "metrics_24h", "2026-11-21T10:00:00.000000Z", {"found": True, "views": 12345})
    manager = as_user(client, s["smm_manager"])
    r = manager.get(page_path(s))
    assert r.status_code == 200, r.body
    shown = text_of(r)
    assert "Зимний латте · TG" in shown and "@anna_tg · tg_post" in shown
    assert "12,345" in shown and "placement check" in shown
    assert "no snapshot yet" in shown
    assert 'id="snapshot"' in html(r) and 'id="metrics-csv"' in html(r)
    assert f"/v1/campaigns/{s['campaign'].id}/metrics.csv" in html(r)

    r = manager.submit(page_path(s), page_path(s), {"subject": s["tg_target"], "taken_at": "", "views": "1 500",
                                                    "likes": "-2", "reach": ""})
    assert r.status_code == 422
    assert "negative" in field_error(r, "snapshot", "likes")
    r = manager.submit(page_path(s), page_path(s), {"subject": s["tg_target"], "taken_at": "2026-11-22T09:00",
                                                    "views": "1 500", "likes": "20"})
    assert r.status_code == 303, r.body
    r = manager.get(r.headers["Location"].split("#")[0])
    assert "The snapshot is saved." in text_of(r)
    assert "1,500" in text_of(r) and "by hand" in text_of(r)
    from chalicelib.campaigns.metrics import read

    # the form takes the brand's clock (Europe/Berlin, UTC+1 in November) and the page shows it so again
    assert read.latest([s["tg_target"]])[s["tg_target"]].taken_at == "2026-11-22T08:00:00.000000Z"
    assert "Nov 22, 2026, 9:00\u202fAM" in text_of(r) or "Nov 22, 2026, 9:00 AM" in text_of(r)


def test_csv_upload_on_the_page(client, setup):
    s = setup
    manager = as_user(client, s["smm_manager"])
    r = upload(manager, s, f"subject,views\n{s['x_target']},-1\n{s['deliverable']},abc\n".encode())
    assert r.status_code == 422
    shown = text_of(r)
    assert "Nothing was imported" in shown and "Line 2" in shown and "Line 3" in shown
    r = upload(manager, s, f"subject,views\n{s['x_target']},77\n".encode())
    assert r.status_code == 303, r.body
    r = manager.get(r.headers["Location"].split("#")[0])
    assert "Imported — new snapshots: 1, unchanged: 0, skipped: 0." in text_of(r)


def test_a_reader_sees_no_forms_and_in_russian(client, setup, make_user):
    s = setup
    reader = as_user(client, s["copywriter"])
    r = reader.get(page_path(s))
    assert r.status_code == 200
    assert 'id="snapshot"' not in html(r) and 'id="metrics-csv"' not in html(r)
    r = reader.post(page_path(s), {"subject": s["tg_target"], "views": "1"})
    assert r.status_code == 403
    russian = as_user(client, make_user("smm_manager", brand=s["brand"], language="ru"))
    assert "Публикации и размещения" in text_of(russian.get(page_path(s)))
    assert as_user(client, s["outsider"]).get(page_path(s)).status_code == 404
