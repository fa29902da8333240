"""The brand page's channel form takes a VK channel's second token — the community admin's user token for
media uploads (issue 16 review) — write-only, like the first: stored by Greenlight, never shown again."""
from __future__ import annotations

import pytest

from chalicelib.brands.channels import repo as channel_repo
from tests.support.factories import make_brand
from tests.support.web import Browser, html, location


@pytest.fixture
def brand(dynamodb):
    return make_brand()


def test_a_vk_channel_is_added_with_the_admins_user_token(client, brand, make_user):
    as_manager = Browser(client, Authorization=f"Bearer {make_user('smm_manager', brand=brand).token}")
    page = f"/brands/{brand.id}"
    form = html(as_manager.get(page))
    assert 'name="user_credentials" type="password"' in form and "VK: admin&#39;s user token" in form
    r = as_manager.submit(page, f"{page}/channels", {"platform": "vk", "name": "VK main", "external_id": "-123",
                                                     "credentials": "vk1.a.community",
                                                     "user_credentials": "vk1.a.user-secret"})
    assert r.status_code == 303, html(r)
    shown = html(as_manager.get(location(r).split("#")[0]))
    assert "user token for media: set" in shown and "vk1.a.user-secret" not in shown
    [channel] = channel_repo.list_for_brand(brand.id, None, 10).items
    assert channel.user_credentials_ref and channel.user_credentials_set_at

    from chalicelib.core.secrets import resolve_for_brand

    assert resolve_for_brand(channel.user_credentials_ref, brand.id) == "vk1.a.user-secret"


def test_a_telegram_channel_refuses_a_user_token_and_never_echoes_it(client, brand, make_user):
    as_manager = Browser(client, Authorization=f"Bearer {make_user('smm_manager', brand=brand).token}")
    page = f"/brands/{brand.id}"
    r = as_manager.submit(page, f"{page}/channels", {"platform": "telegram", "name": "TG",
                                                     "user_credentials": "secret-user-token"})
    assert r.status_code == 422
    body = html(r)
    assert 'id="channel-user_credentials-error"' in body and "secret-user-token" not in body
    assert channel_repo.list_for_brand(brand.id, None, 10).items == []
