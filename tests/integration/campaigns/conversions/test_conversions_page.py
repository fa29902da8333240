"""The conversions page: the orders with time in the reader's zone, amounts the reader's way and what each
is attributed to; the totals; the CSV upload (every problem listed with its line; pasted rows too); the
webhook section for managers only (secret on demand, rotate, examples); Russian."""
from __future__ import annotations

import re

from chalicelib.core.http import csrf
from tests.support.campaign_conversions import add_promo, conversion, signed_post
from tests.support.web import as_user, csrf_token_in, html, text_of

HEADER = "order_id,occurred_at,amount,currency,promo_code,link_code\n"


def page_path(campaign) -> str:
    return f"/campaigns/{campaign.id}/conversions"


def multipart(fields: list[tuple[str, str]], file: tuple[str, bytes] | None = None) -> tuple[bytes, str]:
    boundary = "----greenlight-conversions-boundary"
    out = b""
    for name, value in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode()
    if file:
        filename, data = file
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                "Content-Type: text/csv\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def upload(who, campaign, *, data: bytes | None = None, text: str = ""):
    page = who.get(page_path(campaign))
    body, kind = multipart([(csrf.FIELD, csrf_token_in(page)), ("text", text)],
                           ("conversions.csv", data) if data is not None else None)
    return who._remember(who.http.request("POST", page_path(campaign) + "/import",
                                          headers=who._headers({"Content-Type": kind}, "POST"), body=body))


def test_the_page_shows_orders_totals_and_the_webhook(client, crew, campaign):
    add_promo(campaign, "WINTER10", deal_id="dealx")
    signed_post(client, campaign.id, conversion("A-1", "2026-12-20T12:00:00+03:00", "1990.00", promo_code="winter10"),
                secret=campaign.webhook_secret)
    manager = as_user(client, crew["smm_manager"])
    r = manager.get(page_path(campaign))
    assert r.status_code == 200, r.body
    shown = text_of(r)
    assert "A-1" in shown and "RUB\xa01,990.00" in shown and "Promo code WINTER10" in shown
    assert "Dec 20, 2026, 12:00\u202fPM" in shown  # the brand's zone, Europe/Moscow
    assert 'href="/deals/dealx"' in html(r)
    assert "Not attributed" in shown  # the totals' row
    assert f"/v1/campaigns/{campaign.id}/conversions" in shown
    assert campaign.webhook_secret not in html(r)  # shown only on demand
    assert "GREENLIGHT_WEBHOOK_SECRET" in shown and "openssl dgst -sha256 -hmac" in shown and "hmac.new" in shown
    r = manager.get(page_path(campaign) + "?secret=show")
    assert re.search(rf'id="webhook-secret">{re.escape(campaign.webhook_secret)}<', html(r))


def test_rotating_on_the_page_shows_the_new_secret(client, crew, campaign):
    manager = as_user(client, crew["smm_manager"])
    r = manager.submit(page_path(campaign), page_path(campaign) + "/webhook-secret", {})
    assert r.status_code == 303, r.body
    r = manager.get(r.headers["Location"].split("#")[0])
    assert "The webhook has a new secret" in text_of(r)
    new = re.search(r'id="webhook-secret">([^<]+)<', html(r)).group(1)
    assert new != campaign.webhook_secret
    assert signed_post(client, campaign.id, conversion("R-1"), secret=new).status_code == 201


def test_a_reader_without_manage_sees_no_webhook_nor_upload(client, crew, campaign):
    reader = as_user(client, crew["finance"])
    r = reader.get(page_path(campaign))
    assert r.status_code == 200
    assert 'id="webhook"' not in html(r) and 'id="conversions-csv"' not in html(r)
    assert campaign.webhook_secret not in html(r)
    assert reader.get(page_path(campaign) + "?secret=show").body.decode().count(campaign.webhook_secret) == 0
    assert as_user(client, crew["outsider"]).get(page_path(campaign)).status_code == 404


def test_the_upload_lists_every_problem_then_imports(client, crew, campaign):
    manager = as_user(client, crew["smm_manager"])
    bad = HEADER + "A-1,2026-12-05T14:30:00Z,10,USD,,\n,2026-12-05T14:30:00Z,10,RUB,,\n"
    r = upload(manager, campaign, data=bad.encode())
    assert r.status_code == 422
    shown = text_of(r)
    assert "The file has 2 problems; nothing was imported." in shown
    assert "Row 2 · currency: The amount is in USD, but this campaign counts in RUB" in shown
    assert "Row 3 · order_id: This field is required." in shown

    row = "A-1,2026-12-05T14:30:00Z,10,RUB,,\n"
    r = upload(manager, campaign, text=HEADER + row + row)
    assert r.status_code == 303, r.body
    r = manager.get(r.headers["Location"].split("#")[0])
    assert "Imported: 1 new, 1 counted already." in text_of(r)
    assert r.status_code == 200 and "A-1" in text_of(r)
    assert upload(manager, campaign).status_code == 422  # nothing chosen, nothing pasted


def test_the_page_in_russian(client, crew, campaign):
    signed_post(client, campaign.id, conversion("A-1", "2026-12-20T12:00:00+03:00", "1990.00"),
                secret=campaign.webhook_secret)
    r = as_user(client, crew["russian_manager"]).get(page_path(campaign))
    assert r.status_code == 200
    shown = text_of(r)
    assert "Конверсии" in shown and "1\xa0990,00\xa0₽" in shown and "Не атрибутирована" in shown
    assert "20 дек. 2026\u202fг., 12:00" in shown
    assert "Вебхук для магазина" in shown
