"""The page /campaigns/{id}/links: links with their short URL, target, owner and clicks; promo codes; the forms
for managers only (readers see no form and are refused a POST); refusals by their field, in the page's
language; the deals' codes offered with a one-click form."""
from __future__ import annotations

from tests.integration.campaigns.links.conftest import click, link_of
from tests.support.web import as_user, field_error, html, text_of


def path(shop) -> str:
    return f"/campaigns/{shop['campaign'].id}/links"


def test_a_reader_sees_the_links_and_codes_without_forms(client, shop):
    link = link_of(client, shop["smm_manager"], shop["campaign"].id, deliverable_id=shop["deliverable"].id,
                   label="Anna's story")
    click(client, link["code"])
    r = as_user(client, shop["finance"]).get(path(shop))
    assert r.status_code == 200, r.body
    page = html(r)
    assert f'value="{link["short_url"]}"' in page
    assert "Anna&#39;s story" in page and shop["deliverable"].handle in text_of(r)
    assert '<td class="num link-clicks">1</td>' in page and '<td class="num link-uniques">1</td>' in page
    assert 'class="link-form"' not in page and 'class="promo-form"' not in page
    assert "ANNA20" in text_of(r)  # the deal's code, offered (the reader gets no button)
    assert "Register ANNA20" not in text_of(r)


def test_a_manager_creates_a_link_through_the_form(client, shop):
    browser = as_user(client, shop["smm_manager"])
    r = browser.submit(path(shop), path(shop), {"label": "Post link", "target_url": "https://shop.example/p?x=1",
                                                "subject": f"post:{shop['post']['id']}"})
    assert r.status_code == 303, r.body
    assert r.headers["Location"].endswith(f"{path(shop)}?done=link_created#links")
    page = browser.get(path(shop) + "?done=link_created")
    assert "The tracked link is ready" in text_of(page) and "Post link" in text_of(page)
    assert "utm_source=telegram" in html(page)


def test_a_refused_target_is_shown_by_its_field_in_the_pages_language(client, shop):
    browser = as_user(client, shop["smm_manager"])
    r = browser.submit(path(shop) + "?lang=ru", path(shop), {"label": "X", "target_url": "javascript:alert(1)",
                                                             "subject": ""})
    assert r.status_code == 422
    assert field_error(r, "link", "target_url") == "Адрес должен начинаться с http:// или https://."
    assert 'value="javascript:alert(1)"' in html(r)  # kept for correcting, escaped by the template
    r = browser.submit(path(shop), path(shop), {"label": "X", "target_url": "https://shop.example/",
                                                "subject": "deal:01nosuchdeal"})
    assert r.status_code == 422  # the language chosen stays (the gl_lang cookie)
    assert field_error(r, "link", "subject") == "Эта сделка не входит в кампанию."


def test_promo_codes_through_the_forms(client, shop):
    browser = as_user(client, shop["influencer_manager"])
    r = browser.submit(path(shop), f"/campaigns/{shop['campaign'].id}/promo-codes",
                       {"code": "anna20", "subject": f"deal:{shop['deal'].id}"})
    assert r.status_code == 303, r.body
    page = browser.get(path(shop) + "?done=promo_created")
    assert "The promo code is registered." in text_of(page) and "<code>ANNA20</code>" in html(page)
    assert "Register ANNA20" not in text_of(page)
    r = browser.submit(path(shop), f"/campaigns/{shop['campaign'].id}/promo-codes", {"code": "ANNA20", "subject": ""})
    assert r.status_code == 409
    assert field_error(r, "promo", "code") == "The promo code ANNA20 is already registered in a campaign of this brand."
    r = browser.submit(path(shop), f"/campaigns/{shop['campaign'].id}/promo-codes", {"code": "a b", "subject": ""})
    assert r.status_code == 422 and field_error(r, "promo", "code")
    r = browser.submit(path(shop), f"/campaigns/{shop['campaign'].id}/promo-codes/delete", {"code": "ANNA20"})
    assert r.status_code == 303
    assert "The promo code is removed." in text_of(browser.get(path(shop) + "?done=promo_removed"))


def test_readers_may_not_post_and_outsiders_see_nothing(client, shop):
    reader = as_user(client, shop["copywriter"])
    r = reader.submit(path(shop), path(shop), {"label": "X", "target_url": "https://shop.example/", "subject": ""})
    assert r.status_code == 403
    r = reader.submit(path(shop), f"/campaigns/{shop['campaign'].id}/promo-codes", {"code": "NOPE", "subject": ""})
    assert r.status_code == 403
    assert as_user(client, shop["outsider"]).get(path(shop)).status_code == 404
    assert as_user(client, shop["client_approver"]).get(path(shop)).status_code == 403


def test_the_page_in_russian(client, shop):
    r = as_user(client, shop["russian"]).get(path(shop))
    assert r.status_code == 200
    assert "Отслеживаемые ссылки" in text_of(r) and "Новый промокод" in text_of(r)


def test_a_post_without_the_csrf_token_is_refused(client, shop):
    r = as_user(client, shop["smm_manager"]).post(path(shop), {"label": "X", "target_url": "https://shop.example/"})
    assert r.status_code == 403
