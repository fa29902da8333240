"""The footer language switch saves the profile's language only for a navigation of our own
(Sec-Fetch-Site same-origin or none, or a browser that sends no such header); a link from another site
with ?lang= only shows that page in the language (core/http/pages.remember_language)."""
from __future__ import annotations

import pytest

from chalicelib.identity import repo as user_repo
from tests.support.web import html, sign_in


@pytest.mark.parametrize("site", ["cross-site", "same-site", "CROSS-SITE"])
def test_a_link_from_another_site_shows_the_language_but_leaves_the_profile(client, outbox, brand, make_user, site):
    user = make_user("smm_manager", brand=brand)
    browser = sign_in(client, outbox, user.email)
    r = browser.get("/me?lang=ru", **{"Sec-Fetch-Site": site})
    assert r.status_code == 200 and '<html lang="ru">' in html(r)
    assert user_repo.get(user.id).language == "en"
    browser.cookies.pop("gl_lang", None)
    assert '<html lang="en">' in html(browser.get("/me"))  # the next page is in the profile's language


@pytest.mark.parametrize("site", ["same-origin", "none", None])
def test_our_own_switch_saves_the_profile_language(client, outbox, brand, make_user, site):
    user = make_user("smm_manager", brand=brand)
    browser = sign_in(client, outbox, user.email)
    r = browser.get("/me?lang=ru", **({"Sec-Fetch-Site": site} if site else {}))
    assert r.status_code == 200 and '<html lang="ru">' in html(r)
    assert user_repo.get(user.id).language == "ru"
