"""Fixtures for the publishing tests here: fake Telegram, VK and webhook servers on loopback, and
channels of the `team` brand pointed at them."""
from __future__ import annotations

import pytest

from chalicelib.core.settings import reset_settings
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_vk import FakeVK
from tests.support.fake_webhook import FakeWebhook
from tests.support.posts import body, call
from tests.support.sweep import HOOK_SECRET, TG_TOKEN, VK_TOKEN

VK_USER_TOKEN = "vk1.a.test-user-token"  # FakeVK's default user token: VK uploads media only with one


@pytest.fixture
def fakes(monkeypatch):
    telegram, vk, hook = FakeTelegram(tokens={TG_TOKEN}).start(), FakeVK().start(), FakeWebhook(HOOK_SECRET).start()
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", telegram.url)
    monkeypatch.setenv("VK_API_BASE_URL", vk.base_url)
    monkeypatch.setenv("GL_BRAND_SWEEP_TG_TOKEN", TG_TOKEN)
    monkeypatch.setenv("GL_BRAND_SWEEP_VK_TOKEN", VK_TOKEN)
    monkeypatch.setenv("GL_BRAND_SWEEP_VK_USER_TOKEN", VK_USER_TOKEN)  # the VK channel's uploads (media)
    monkeypatch.setenv("GL_BRAND_SWEEP_HOOK_SECRET", HOOK_SECRET)
    reset_settings()
    yield {"telegram": telegram, "vk": vk, "hook": hook}
    for fake in (telegram, vk, hook):
        fake.stop()
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def channels(client, team, fakes):
    smm = team["smm_manager"]
    brand_id = team["brand"].id
    r = call(client, "patch", f"/v1/channels/{team['tg']}", smm, {"credentials_ref": "env:GL_BRAND_SWEEP_TG_TOKEN"})
    assert r.status_code == 200, r.body
    made = {"tg": team["tg"]}
    for key, data in (("vk", {"platform": "vk", "name": "VK", "external_id": "-123", "credentials_ref": "env:GL_BRAND_SWEEP_VK_TOKEN",
                             "user_credentials_ref": "env:GL_BRAND_SWEEP_VK_USER_TOKEN"}),
                      ("hook", {"platform": "webhook", "name": "Hook", "handle": fakes["hook"].url + "/hook",
                                "credentials_ref": "env:GL_BRAND_SWEEP_HOOK_SECRET"})):
        r = call(client, "post", f"/v1/brands/{brand_id}/channels", smm, data)
        assert r.status_code == 201, r.body
        made[key] = body(r)["id"]
    return made
