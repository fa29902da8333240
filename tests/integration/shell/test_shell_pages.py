"""The shell through chalice's test client on DynamoDB Local (issue 16): unknown paths (HTML 404 for a
browser, JSON for the API), /favicon.ico, the footer switch reaching the profile, the menu button, and
the platform badges in Russian."""
from __future__ import annotations

import json

import pytest

from chalicelib.identity import repo as user_repo
from chalicelib.local.server import NOT_FOUND_BODY
from tests.support.web import Browser, as_user, html, sign_in, text_of

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/nope", "/no/such/page", "/brands/01jabc/not-a-page", "/posts/x/y/z",
                                  "/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82"])
def test_a_browser_gets_the_html_404_page_in_its_language(client, path):
    r = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "ru-RU,ru;q=0.9"})
    assert r.status_code == 404
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    page = html(r)
    assert '<html lang="ru">' in page and "Страница не найдена" in page and "404" in page
    assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert r.headers["Cache-Control"] == "no-store"
    english = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en-GB"})
    assert english.status_code == 404 and "Page not found" in html(english)
    # the footer's links lead to the same path in the other language
    assert f'href="{path}?lang=en" hreflang="en"' in page


@pytest.mark.parametrize("path,accept", [("/v1/nope", BROWSER), ("/v1/brands/x/y/z", BROWSER), ("/v1", BROWSER),
                                         ("/nope", "application/json"), ("/nope", "*/*"), ("/no/such", None)])
def test_the_api_and_scripts_keep_the_json_404(client, path, accept):
    r = client.get(path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    assert json.loads(r.body) == NOT_FOUND_BODY


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head"])
def test_other_methods_on_unknown_paths_are_the_json_404(client, method):
    r = getattr(client, method)("/no/such/page", headers={"Accept": BROWSER})
    assert r.status_code == 404
    if method != "head":
        assert json.loads(r.body) == NOT_FOUND_BODY


def test_known_routes_are_untouched_by_the_catch_all(client):
    assert client.get("/health").status_code == 200
    assert client.get("/sign-in", headers={"Accept": BROWSER}).status_code == 200
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/nope.css").status_code == 404  # not whitelisted: the static route's own 404
    assert client.post("/health").status_code == 405  # a known path, another method: still 405


def test_the_favicon_is_the_svg_icon(client):
    r = client.get("/favicon.ico", headers={"Accept": "image/avif,image/webp,image/*,*/*;q=0.8"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/svg+xml"
    body = r.body.decode() if isinstance(r.body, bytes) else r.body
    assert body.lstrip().startswith("<svg")


def test_a_signed_in_reader_gets_the_404_with_the_top_bar_in_their_profile_language(client, brand, make_user):
    user = make_user("smm_manager", brand=brand, language="ru")
    r = as_user(client, user).get("/no/such/page", Accept=BROWSER, **{"Accept-Language": "en"})
    assert r.status_code == 404
    page = html(r)
    assert '<html lang="ru">' in page and "Страница не найдена" in page
    assert 'href="/me"' in page and "Мой профиль" in page  # the top bar for a signed-in person


# --- the footer switch and the profile --------------------------------------------------------------

def test_the_footer_switch_sets_the_profile_language(client, outbox, brand, make_user):
    user = make_user("smm_manager", brand=brand)
    browser = sign_in(client, outbox, user.email)
    assert user_repo.get(user.id).language == "en"
    r = browser.get("/me?lang=ru")
    assert r.status_code == 200 and '<html lang="ru">' in html(r)
    assert user_repo.get(user.id).language == "ru"
    # the profile form shows the new language, so its Save keeps it
    assert '<option value="ru" selected' in html(r)
    # later pages without ?lang= are Russian, whatever the cookie or the browser says
    browser.cookies.pop("gl_lang", None)
    assert '<html lang="ru">' in html(browser.get("/", **{"Accept-Language": "en"}))
    # the profile's own Save changes the language of the pages at once, even with an old cookie
    browser.cookies["gl_lang"] = "ru"
    me = browser.get("/me")
    form = {"csrf_token": _csrf(me), "name": "Anna", "language": "en", "timezone": "", "digest": "off", "hour": "8"}
    saved = browser.post("/me", form)
    assert saved.status_code == 303, saved.body
    assert user_repo.get(user.id).language == "en"
    assert '<html lang="en">' in html(browser.get("/me"))


def test_the_switch_writes_once_and_only_on_a_get(client, outbox, brand, make_user):
    user = make_user("smm_manager", brand=brand)
    browser = sign_in(client, outbox, user.email)
    browser.get("/?lang=ru")
    version = user_repo.get(user.id).version
    browser.get("/?lang=ru")  # already Russian: nothing to write
    assert user_repo.get(user.id).version == version
    me = browser.get("/me")
    browser.post("/me?lang=en", {"csrf_token": _csrf(me), "name": "Anna", "language": "ru", "timezone": "",
                                 "digest": "off", "hour": "8"})
    assert user_repo.get(user.id).language == "ru"  # a POST's ?lang= never changes the profile


def test_the_switch_without_sign_in_only_sets_the_cookie(client):
    browser = Browser(client)
    r = browser.get("/sign-in?lang=ru")
    assert r.status_code == 200 and "Вход в Greenlight" in html(r) and browser.cookies["gl_lang"] == "ru"
    assert "Вход в Greenlight" in html(browser.get("/sign-in"))


def _csrf(response) -> str:
    from tests.support.web import csrf_token_in

    return csrf_token_in(response)


# --- the top bar and the badges ---------------------------------------------------------------------

def test_the_top_bar_has_the_menu_button_and_its_script(client, brand, make_user):
    user = make_user("smm_manager", brand=brand)
    page = html(as_user(client, user).get("/"))
    assert 'class="menu-button' in page and 'aria-controls="main-nav"' in page and 'aria-expanded="false"' in page
    assert 'id="main-nav"' in page and "/static/nav_menu.js?v=" in page
    assert "<script>" not in page  # CSP: no inline script
    assert client.get("/static/nav_menu.js").status_code == 200


def test_platform_badges_are_translated(client, brand, make_user):
    from tests.support.posts import body, call

    smm = make_user("smm_manager", brand=brand)
    for platform, name in (("telegram", "TG"), ("vk", "VK wall"), ("ok", "OK group")):
        data = {"platform": platform, "name": name}
        if platform == "telegram":
            data["external_id"] = "@acme"
        r = call(client, "post", f"/v1/brands/{brand.id}/channels", smm, data)
        assert r.status_code == 201, body(r)
    ru = text_of(as_user(client, smm).get(f"/brands/{brand.id}?lang=ru"))
    assert "Телеграм" in ru and "ВКонтакте" in ru and "Одноклассники" in ru
    en = text_of(as_user(client, smm).get(f"/brands/{brand.id}?lang=en"))
    assert "Telegram" in en and "Телеграм" not in en


# --- what deploys ---------------------------------------------------------------------------------

def test_the_deployed_api_has_the_greedy_resource_and_the_lambda_serves_it(app):
    """The API Gateway definition `chalice package` writes has `/{proxy+}` (GET only, the Lambda proxy
    integration), and the handler answers an API Gateway event for it as the local server does."""
    from chalice.deploy.swagger import CFNSwaggerGenerator

    swagger = CFNSwaggerGenerator().generate_swagger(app)
    assert set(swagger["paths"]["/{proxy+}"]) == {"get"}
    assert swagger["paths"]["/{proxy+}"]["get"]["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
    assert "/favicon.ico" in swagger["paths"]

    def event(path, accept):
        return {"resource": "/{proxy+}", "path": path, "httpMethod": "GET", "headers": {"Accept": accept},
                "multiValueHeaders": {"Accept": [accept]}, "queryStringParameters": None,
                "multiValueQueryStringParameters": None, "pathParameters": {"proxy": path.lstrip("/")},
                "stageVariables": None, "body": None, "isBase64Encoded": False,
                "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": "GET", "path": "/api" + path,
                                   "requestId": "r-1", "identity": {"sourceIp": "203.0.113.9"}}}

    page = app(event("/no/such/page", BROWSER), None)
    assert page["statusCode"] == 404 and page["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert "Page not found" in page["body"]
    api = app(event("/v1/no/such", BROWSER), None)
    assert api["statusCode"] == 404 and json.loads(api["body"]) == NOT_FOUND_BODY
