"""The influencer pages through the real app on DynamoDB Local, as a browser uses them: the directory
and the influencer's page for every role (managers see forms and legal data, the rest of the team
reads without legal data, client approvers are refused, outsiders see nothing), the forms' round
trips (422 with the message next to the field and the values kept, 303 after a success), the
follower-history chart with its table, and the pages in Russian."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.core.clock import utcnow
from tests.support.influencers import VALID_INN_COMPANY, VALID_OGRN, add, add_account
from tests.support.posts import body, call
from tests.support.web import as_user as browser
from tests.support.web import csrf_token_in, field_error, html, location, text_of

BAD_INN_COMPANY = "7707083894"  # the check digit is off by one








def value_of(response, form_id: str, name: str) -> str | None:
    match = re.search(rf'id="{form_id}-{name}" name="{name}" type="[a-z]+" value="([^"]*)"', html(response))
    return unescape(match.group(1)) if match else None


def directory(crew) -> str:
    return f"/brands/{crew['brand'].id}/influencers"


# --- who sees what ------------------------------------------------------------------------------------------

def test_directory_for_each_role(client, crew):
    anna = add(client, crew, legal_type="legal_entity", inn=VALID_INN_COMPANY, tags=["food"])
    add_account(client, crew, anna["id"])
    path = directory(crew)
    for who in ("influencer_manager", "smm_manager"):
        r = browser(client, crew[who]).get(path)
        assert r.status_code == 200, r.body
        page = html(r)
        assert "Anna Cooks" in page and f'href="/influencers/{anna["id"]}"' in page
        assert f'<form method="post" action="{path}"' in page and "Add the influencer" in page
        assert ">82K</data>" in page and 'title="82,000"' in page  # compact, the exact number on hover
        assert 'class="platform platform-instagram">Instagram' in page and '<span class="chip">food</span>' in page
        assert f'<a href="{path}" aria-current="page">Influencers</a>' in page  # the navigation link
    r = browser(client, crew["copywriter"]).get(path)
    assert r.status_code == 200 and "Anna Cooks" in html(r)
    assert f'<form method="post" action="{path}"' not in html(r) and 'name="inn"' not in html(r)
    assert browser(client, crew["client_approver"]).get(path).status_code == 403
    assert "Influencers</a>" not in html(browser(client, crew["client_approver"]).get(f"/brands/{crew['brand'].id}"))
    r = browser(client, crew["outsider"]).get(path)
    assert r.status_code == 404 and "Anna Cooks" not in html(r)


def test_influencer_page_for_each_role(client, crew):
    anna = add(client, crew, legal_type="legal_entity", legal_name="ООО Анна", inn=VALID_INN_COMPANY,
               ogrn=VALID_OGRN, contacts={"email": "anna@example.com", "telegram": "@anna"},
               agent={"name": "Boris Agent"}, notes="Great <b>recipes</b>")
    account = add_account(client, crew, anna["id"])
    path = f"/influencers/{anna['id']}"
    r = browser(client, crew["influencer_manager"]).get(path)
    assert r.status_code == 200, r.body
    page = html(r)
    assert VALID_INN_COMPANY in page and VALID_OGRN in page and "anna@example.com" in page and "ООО Анна" in page
    assert "Great &lt;b&gt;recipes&lt;/b&gt;" in page  # autoescaped
    for action in (f"{path}/status", f"{path}/accounts", f"/accounts/{account['id']}/snapshots",
                   f"/accounts/{account['id']}/delete", f"{path}/delete"):
        assert f'action="{action}"' in page, action
    assert f'href="/accounts/{account["id"]}/edit"' in page and f'href="{path}/edit"' in page
    assert 'id="influencer-status">Prospect' in page and "Boris Agent" in page

    r = browser(client, crew["copywriter"]).get(path)
    assert r.status_code == 200
    page = html(r)
    assert "Anna Cooks" in page and "@anna_cooks" in page and "Boris Agent" in page
    assert VALID_INN_COMPANY not in page and "anna@example.com" not in page and "ООО Анна" not in page
    assert 'method="post" action="/influencers/' not in page and 'action="/accounts/' not in page
    assert browser(client, crew["copywriter"]).get(f"{path}/edit").status_code == 403
    assert browser(client, crew["copywriter"]).get(f"/accounts/{account['id']}/edit").status_code == 403
    r = browser(client, crew["copywriter"]).submit(path, f"{path}/status", {"status": "vetting"})
    assert r.status_code == 403

    assert browser(client, crew["client_approver"]).get(path).status_code == 403
    for where in (path, f"{path}/edit", f"/accounts/{account['id']}/edit", f"/accounts/{account['id']}"):
        r = browser(client, crew["outsider"]).get(where)
        assert r.status_code == 404, where
        assert "Anna Cooks" not in html(r)


def test_vetting_flags_show_their_reasons(client, crew):
    anna = add(client, crew, country="KZ")  # not Russian: no RKN registry rule
    account = add_account(client, crew, anna["id"], avg_likes=200, avg_comments=10)  # 0.26 %: "Low" for 50k–100k
    r = browser(client, crew["copywriter"]).get(f"/influencers/{anna['id']}")
    page = html(r)
    assert 'id="influencer-verdict">Failed' in page
    flag = re.search(r'<li class="flag flag-fail" data-rule="er_low">.*?</li>', page, re.S).group(0)
    assert '<span class="severity-badge severity-fail">Fail</span>' in flag and "Low engagement" in flag
    assert "Instagram @anna_cooks" in flag and "0.26 %" in flag and "&lt; 0.32 %" in flag
    assert "Modash, Instagram 50k–100k" in flag
    info = re.search(r'<li class="flag flag-info" data-rule="credibility_low">.*?</li>', page, re.S).group(0)
    assert "Not measured" in info and "Audience credibility not measured." in info
    assert page.index('data-rule="er_low"') < page.index('data-rule="credibility_low"')  # failures first
    assert account["id"]


def test_an_account_address_leads_to_its_place_on_the_page(client, crew):
    anna = add(client, crew)
    account = add_account(client, crew, anna["id"])
    r = browser(client, crew["copywriter"]).get(f"/accounts/{account['id']}")
    assert r.status_code == 303 and location(r) == f"/influencers/{anna['id']}#account-{account['id']}"


# --- the add-influencer form ------------------------------------------------------------------------------

def test_add_influencer_round_trip_with_a_bad_inn_kept_next_to_the_field(client, crew):
    manager = browser(client, crew["influencer_manager"])
    path = directory(crew)
    form = {"display_name": "Ромашка & Co", "legal_type": "legal_entity", "legal_name": "ООО «Ромашка»",
            "inn": BAD_INN_COMPANY, "ogrn": VALID_OGRN, "country": "RU", "contacts_email": "hello@romashka.ru",
            "contacts_telegram": "@romashka", "contacts_phone": "", "agent_name": "", "agent_contact": "",
            "tags": "food, moscow", "notes": "Found on a podcast", "owner_id": crew["influencer_manager"].id}
    r = manager.submit(path, path, form)
    assert r.status_code == 422, r.body
    assert field_error(r, "influencer", "inn").startswith("Check the INN")
    assert field_error(r, "influencer", "ogrn") is None
    assert value_of(r, "influencer", "inn") == BAD_INN_COMPANY
    assert value_of(r, "influencer", "display_name") == "Ромашка & Co"
    assert value_of(r, "influencer", "contacts_email") == "hello@romashka.ru"
    assert value_of(r, "influencer", "tags") == "food, moscow"
    assert 'aria-invalid="true" aria-describedby="influencer-inn-error"' in html(r)
    assert '<option value="legal_entity" selected>' in html(r) and '<option value="RU" selected>' in html(r)
    assert "Please correct the fields marked below." in html(r)

    r = manager.post(path, {**form, "inn": VALID_INN_COMPANY, "csrf_token": csrf_token_in(r)})
    assert r.status_code == 303, r.body
    where = urlsplit(location(r))
    assert where.path.startswith("/influencers/") and parse_qs(where.query) == {"done": ["influencer_added"]}
    made = body(call(client, "get", f"/v1{where.path}", crew["smm_manager"]))
    assert made["inn"] == VALID_INN_COMPANY and made["contacts"] == {"email": "hello@romashka.ru",
                                                                     "telegram": "@romashka", "phone": None}
    assert made["tags"] == ["food", "moscow"] and made["legal_name"] == "ООО «Ромашка»"
    page = manager.get(location(r))
    assert page.status_code == 200 and "The influencer is added." in html(page)
    assert "Ромашка &amp; Co" in html(page)


@pytest.mark.parametrize("changes, field", [
    ({"display_name": ""}, "display_name"),
    ({"contacts_email": "not-an-email"}, "contacts_email"),     # nested: contacts.email
    ({"contacts_telegram": "@a"}, "contacts_telegram"),
    ({"legal_type": "individual", "ogrn": VALID_OGRN}, "ogrn"),  # a person has no OGRN
    ({"country": "XX"}, "country"),
    ({"legal_type": "martian"}, "legal_type"),
])
def test_add_influencer_refusals_name_their_field(client, crew, changes, field):
    manager = browser(client, crew["influencer_manager"])
    path = directory(crew)
    r = manager.submit(path, path, {"display_name": "Anna", "legal_type": "individual", **changes})
    assert r.status_code == 422, r.body
    assert field_error(r, "influencer", field), html(r)


def test_only_managers_may_post_the_add_form(client, crew):
    writer = browser(client, crew["copywriter"])
    r = writer.submit(directory(crew), directory(crew), {"display_name": "Sneaky"})
    assert r.status_code == 403
    r = browser(client, crew["influencer_manager"]).post(directory(crew), {"display_name": "No token"})
    assert r.status_code == 403  # no CSRF token


# --- accounts, measurements, the chart ----------------------------------------------------------------------

def test_add_account_then_measurements_draw_the_chart_with_a_table(client, crew):
    anna = add(client, crew)
    manager = browser(client, crew["influencer_manager"])
    path = f"/influencers/{anna['id']}"
    r = manager.submit(path, f"{path}/accounts", {
        "platform": "instagram", "handle": "@anna_cooks", "url": "https://instagram.com/anna_cooks",
        "followers": "82 000", "avg_likes": "200", "avg_comments": "10", "audience_credibility_pct": "81,5",
        "top_countries": "RU 61.5, KZ 20", "measured_on": ""})
    assert r.status_code == 303, r.body
    account_id = location(r).split("#account-")[1].split("?")[0] if "#account-" in location(r) else None
    assert account_id and location(r).startswith(f"{path}?done=account_added")
    shown = body(call(client, "get", f"/v1/influencers/{anna['id']}/accounts", crew["copywriter"]))["items"][0]
    assert shown["followers"] == 82000 and shown["audience_credibility_pct"] == "81.5"
    assert [(c["country"], Decimal(c["pct"])) for c in shown["top_countries"]] == [("RU", Decimal("61.5")),
                                                                                 ("KZ", Decimal(20))]

    today = utcnow().date()
    for days, followers in ((20, 79000), (10, 80500), (0, 82000)):
        r = manager.submit(path, f"/accounts/{account_id}/snapshots", {
            "taken_on": (today - timedelta(days=days)).isoformat(), "followers": str(followers), "following": "",
            "avg_views": "", "avg_likes": "200", "avg_comments": "10", "avg_shares": ""})
        assert r.status_code == 303 and location(r) == f"{path}?done=snapshot_added#account-{account_id}", r.body

    page = html(browser(client, crew["copywriter"]).get(path))
    card = page[page.index(f'id="account-{account_id}"'):]
    svg = re.search(r'<svg class="follower-chart-svg"[^>]*>.*?</svg>', card, re.S).group(0)
    assert 'role="img"' in svg and 'aria-label="Followers of @anna_cooks from' in svg
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert len(points) == 3
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] > ys[1] > ys[2]  # more followers: higher up
    assert ">79K<" in svg and ">82K<" in svg  # min and max on the axis
    table = re.search(r'<details class="history-table">.*?</details>', card, re.S).group(0)
    assert "Table: 3 measurements" in table and table.count("<tr>") == 4  # header + three measurements
    assert "80,500" in table and "79,000" in table
    assert "Russia 61.5" in page and "Kazakhstan 20" in page and "81.5" in page  # figures in the reader's locale
    assert 'href="https://instagram.com/anna_cooks"' in page


def test_measurement_and_account_refusals_keep_the_values(client, crew):
    anna = add(client, crew)
    account = add_account(client, crew, anna["id"])
    manager = browser(client, crew["influencer_manager"])
    path = f"/influencers/{anna['id']}"
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    r = manager.submit(path, f"/accounts/{account['id']}/snapshots", {"taken_on": tomorrow, "followers": "90000"})
    assert r.status_code == 422
    form_id = f"snapshot-{account['id']}"
    assert field_error(r, form_id, "taken_on") == "A measurement cannot be from the future."
    assert value_of(r, form_id, "followers") == "90000" and value_of(r, form_id, "taken_on") == tomorrow
    r = manager.submit(path, f"/accounts/{account['id']}/snapshots", {"taken_on": "", "followers": "many"})
    assert r.status_code == 422
    assert field_error(r, form_id, "taken_on") == "Fill this in."
    assert field_error(r, form_id, "followers") == "Enter a whole number, 0 or more."

    r = manager.submit(path, f"{path}/accounts", {"platform": "instagram", "handle": "ANNA_COOKS",
                                                  "followers": "5", "top_countries": "Russia lots"})
    assert r.status_code == 422
    assert field_error(r, "account", "top_countries").startswith("Write two-letter country codes")
    r = manager.submit(path, f"{path}/accounts", {"platform": "instagram", "handle": "ANNA_COOKS", "followers": "5"})
    assert r.status_code == 422  # the handle is taken on this platform in this brand
    assert field_error(r, "account", "handle") == "This handle is already in the brand's directory on this platform."
    assert value_of(r, "account", "handle") == "ANNA_COOKS" and value_of(r, "account", "followers") == "5"
    assert '<details class="add-form" id="add-account" open>' in html(r)


def test_edit_and_remove_an_account(client, crew):
    anna = add(client, crew)
    account = add_account(client, crew, anna["id"], audience_credibility_pct="90", top_countries=[
        {"country": "RU", "pct": 70}])
    manager = browser(client, crew["influencer_manager"])
    edit = f"/accounts/{account['id']}/edit"
    r = manager.get(edit)
    assert r.status_code == 200
    assert value_of(r, "account", "followers") == "82000" and value_of(r, "account", "top_countries") == "RU 70"
    assert 'name="platform"' not in html(r)  # the platform is part of the account's identity
    r = manager.submit(edit, edit, {**{k: value_of(r, "account", k) or "" for k in (
        "handle", "url", "followers", "avg_views", "avg_likes", "avg_comments", "avg_shares", "posts_sampled",
        "audience_credibility_pct", "mass_followers_pct", "sponsored_share_pct", "top_countries",
        "rkn_registry_number", "measured_on")}, "followers": "120000", "top_countries": "",
        "version": str(account["version"])})
    assert r.status_code == 303, r.body
    saved = body(call(client, "get", f"/v1/influencers/{anna['id']}/accounts", crew["copywriter"]))["items"][0]
    assert saved["followers"] == 120000 and saved["top_countries"] == []
    assert Decimal(saved["audience_credibility_pct"]) == 90  # untouched

    r = manager.submit(edit, edit, {"handle": "@anna_cooks", "followers": "1", "version": str(account["version"])})
    assert r.status_code == 409 and "Someone changed this while you were editing." in html(r)

    r = manager.submit(f"/influencers/{anna['id']}", f"/accounts/{account['id']}/delete", {})
    assert r.status_code == 303 and location(r) == f"/influencers/{anna['id']}?done=account_deleted#accounts"
    assert body(call(client, "get", f"/v1/influencers/{anna['id']}/accounts", crew["copywriter"]))["items"] == []


# --- status, editing, removing -------------------------------------------------------------------------------

def test_status_change_needs_a_reason_where_the_rules_say(client, crew):
    anna = add(client, crew)
    manager = browser(client, crew["influencer_manager"])
    path = f"/influencers/{anna['id']}"
    r = manager.submit(path, f"{path}/status", {"status": "vetting", "reason": ""})
    assert r.status_code == 303 and location(r) == f"{path}?done=status_changed#status"
    r = manager.submit(path, f"{path}/status", {"status": "rejected", "reason": ""})
    assert r.status_code == 422
    assert field_error(r, "status", "reason") == "Say why: this change needs a reason."
    assert '<option value="rejected" selected>' in html(r)
    r = manager.submit(path, f"{path}/status", {"status": "approved", "reason": ""})  # vetting → approved
    assert r.status_code == 303
    r = manager.submit(path, f"{path}/status", {"status": "blacklisted", "reason": "Bought followers"})
    assert r.status_code == 303
    page = manager.get(location(r))
    assert 'id="influencer-status">Blacklisted' in html(page) and "Bought followers" in html(page)
    assert "The status is changed." in html(page)
    r = manager.submit(path, f"{path}/status", {"status": "approved", "reason": "x"})  # not a move from blacklisted
    assert r.status_code == 422 and field_error(r, "status", "status")


def test_edit_influencer_sends_only_what_changed_and_catches_stale_edits(client, crew):
    anna = add(client, crew, legal_type="legal_entity", inn=VALID_INN_COMPANY, contacts={"email": "a@example.com"},
               tags=["food"])
    manager = browser(client, crew["smm_manager"])
    edit = f"/influencers/{anna['id']}/edit"
    r = manager.get(edit)
    assert r.status_code == 200
    assert value_of(r, "influencer", "inn") == VALID_INN_COMPANY and value_of(r, "influencer", "tags") == "food"
    values = {name: value_of(r, "influencer", name) or "" for name in (
        "display_name", "legal_name", "inn", "ogrn", "contacts_email", "contacts_telegram", "contacts_phone",
        "agent_name", "agent_contact", "tags")}
    form = {**values, "legal_type": "legal_entity", "country": "RU", "notes": "",
            "owner_id": crew["influencer_manager"].id, "version": str(anna["version"])}
    r = manager.submit(edit, edit, {**form, "inn": BAD_INN_COMPANY})
    assert r.status_code == 422 and field_error(r, "influencer", "inn")
    r = manager.submit(edit, edit, {**form, "notes": "Line one\nLine two", "contacts_email": "", "tags": "food, tv"})
    assert r.status_code == 303 and location(r) == f"/influencers/{anna['id']}?done=influencer_saved"
    saved = body(call(client, "get", f"/v1/influencers/{anna['id']}", crew["smm_manager"]))
    assert saved["notes"] == "Line one\nLine two" and saved["tags"] == ["food", "tv"]
    assert saved["contacts"]["email"] is None and saved["inn"] == VALID_INN_COMPANY
    r = manager.submit(edit, edit, {**form, "notes": "stale"})  # the version it was loaded at is gone
    assert r.status_code == 409 and "Load the current version" in html(r)


def test_remove_an_influencer(client, crew):
    anna = add(client, crew)
    manager = browser(client, crew["influencer_manager"])
    path = f"/influencers/{anna['id']}"
    r = manager.submit(path, f"{path}/delete", {})
    assert r.status_code == 303 and location(r) == f"{directory(crew)}?done=influencer_deleted"
    assert "The influencer is removed from the directory." in html(manager.get(location(r)))
    assert manager.get(path).status_code == 404


# --- the directory: filters, order, paging -------------------------------------------------------------------

def test_directory_filters_search_order_and_more(client, crew, monkeypatch):
    from chalicelib.influencers import pages

    big = add(client, crew, display_name="Big Blogger", tags=["tv"])
    add_account(client, crew, big["id"], handle="big", followers=600000, avg_likes=30000, avg_comments=100)
    mid = add(client, crew, display_name="Mid Blogger")
    add_account(client, crew, mid["id"], handle="mid", followers=82000, avg_likes=200, avg_comments=10)
    small = add(client, crew, display_name="Small Blogger")
    add_account(client, crew, small["id"], platform="telegram", handle="small", followers=4000, avg_views=1500)
    reader = browser(client, crew["copywriter"])
    path = directory(crew)

    def names(r):
        return re.findall(r'class="row-title" href="/influencers/[^"]+">([^<]+)</a>', html(r))

    assert names(reader.get(path)) == ["Big Blogger", "Mid Blogger", "Small Blogger"]
    assert names(reader.get(f"{path}?tier=50k_100k")) == ["Mid Blogger"]
    assert names(reader.get(f"{path}?platform=telegram")) == ["Small Blogger"]
    assert names(reader.get(f"{path}?q=%40big")) == ["Big Blogger"]  # by handle
    assert names(reader.get(f"{path}?tag=tv")) == ["Big Blogger"]
    # Telegram ERR 37.5 %, then Instagram 5 % and 0.26 %
    assert names(reader.get(f"{path}?sort=er")) == ["Small Blogger", "Big Blogger", "Mid Blogger"]
    r = reader.get(f"{path}?tier=nonsense&status=dancing&verdict=maybe")
    assert r.status_code == 200 and len(names(r)) == 3  # hand-edited filters are left out
    assert "No influencer matches these filters." in html(reader.get(f"{path}?q=nobody"))

    monkeypatch.setattr(pages, "PAGE", 2)
    first = reader.get(f"{path}?sort=followers")
    assert names(first) == ["Big Blogger", "Mid Blogger"]
    more = re.search(r'<a class="btn btn-small" rel="next" href="([^"]+)"', html(first)).group(1)
    assert "sort=followers" in unescape(more)
    assert names(reader.get(unescape(more))) == ["Small Blogger"]


# --- languages ----------------------------------------------------------------------------------------------

def test_pages_in_russian(client, crew, make_user):
    russian = make_user("influencer_manager", brand=crew["brand"], language="ru")
    anna = add(client, crew)
    add_account(client, crew, anna["id"])
    reader = browser(client, russian)
    r = reader.get(directory(crew))
    assert r.status_code == 200 and '<html lang="ru">' in html(r)
    text = text_of(r)
    assert "Блогеры" in text and "Добавить блогера" in text and "Кандидат" in text and "Лучший ER" in text
    assert "82\xa0тыс." in text  # Babel's compact form for the reader's locale
    r = reader.get(f"/influencers/{anna['id']}")
    text = text_of(r)
    assert "Проверка" in text and "Аккаунты" in text and "Сменить статус" in text and "82\xa0000" in text
    r = reader.submit(directory(crew), directory(crew), {"display_name": "", "legal_type": "individual"})
    assert r.status_code == 422 and field_error(r, "influencer", "display_name") == "Заполните это поле."


def test_fetch_from_telegram_on_the_page(client, crew, monkeypatch):
    from chalicelib.core.settings import reset_settings
    from tests.support.fake_telegram_web import FakeTelegramWeb

    fake = FakeTelegramWeb(channels={"acme_news": 12345}).start()
    monkeypatch.setenv("TELEGRAM_WEB_BASE_URL", fake.url)
    reset_settings()
    try:
        anna = add(client, crew)
        tg = add_account(client, crew, anna["id"], platform="telegram", handle="@acme_news", followers=10000)
        gone = add_account(client, crew, anna["id"], platform="telegram", handle="@nobody_here", followers=1)
        manager = browser(client, crew["influencer_manager"])
        page = manager.get(f"/influencers/{anna['id']}")
        assert f'action="/accounts/{tg["id"]}/telegram-fetch"' in html(page)
        assert f'/v1/accounts/{tg["id"]}/snapshots.csv' in html(page)
        r = manager.post(f"/accounts/{tg['id']}/telegram-fetch", {"csrf_token": csrf_token_in(page)})
        assert r.status_code == 303 and "done=telegram_fetched" in location(r)
        assert body(call(client, "get", f"/v1/accounts/{tg['id']}/snapshots", crew["copywriter"]))["items"][-1][
            "followers"] == 12345
        r = manager.post(f"/accounts/{gone['id']}/telegram-fetch", {"csrf_token": csrf_token_in(page)})
        assert r.status_code == 422 and "nobody_here" in html(r)
    finally:
        fake.stop()
        monkeypatch.undo()
        reset_settings()
