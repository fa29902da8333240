"""Channel adapters (issue 5) against real fake servers on loopback: what goes out, the public link,
and every failure kind classified as Refused or Ambiguous."""
from __future__ import annotations

import json
import socket
import time

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from chalicelib.core.net import guard as safe_http
from chalicelib.core.net.outcomes import Ambiguous, Refused
from chalicelib.core.settings import reset_settings
from chalicelib.publishing.channels import dispatch as publishing
from chalicelib.publishing.channels import webhook
from chalicelib.publishing.channels.contract import Outgoing, Sent
from tests.support.fake_api import Fault, allow_outbound, forbid_outbound, outbound_allowed
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_vk import FakeVK
from tests.support.fake_webhook import FakeWebhook

TG_TOKEN = "123456:TEST-token"
VK_TOKEN = "vk1.a.test-token"


def outgoing(**overrides) -> Outgoing:
    values = dict(target_id="tgt-1", post_id="post-1", version=3, platform="telegram", channel_name="Acme",
                  external_id="@acme_news", handle=None, credentials_ref="env:GL_BRAND_TEST_TG_TOKEN",
                  title="Launch", text="Hello <b>world</b> & friends", media=(), links=(),
                  publish_at="2026-03-29T00:30:00Z", brand_id="brand-1")
    values.update(overrides)
    return Outgoing(**values)


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(safe_http, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setattr(safe_http, "READ_TIMEOUT", 0.5)


@pytest.fixture
def tg(monkeypatch):
    fake = FakeTelegram(tokens={TG_TOKEN}).start()
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.url)
    monkeypatch.setenv("GL_BRAND_TEST_TG_TOKEN", TG_TOKEN)
    reset_settings()
    yield fake
    fake.stop()
    reset_settings()


@pytest.fixture
def vk(monkeypatch):
    fake = FakeVK(tokens={VK_TOKEN}).start()
    monkeypatch.setenv("VK_API_BASE_URL", fake.base_url)
    monkeypatch.setenv("GL_BRAND_TEST_VK_TOKEN", VK_TOKEN)
    reset_settings()
    yield fake
    fake.stop()
    reset_settings()


@pytest.fixture
def hook(monkeypatch):
    fake = FakeWebhook(secret="hook-secret").start()
    monkeypatch.setenv("GL_BRAND_TEST_HOOK_SECRET", "hook-secret")
    yield fake
    fake.stop()


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# --- dispatch -------------------------------------------------------------------------------------
def test_dispatch_and_manual_platforms():
    assert publishing.is_automatic("telegram") and publishing.is_automatic("vk") and publishing.is_automatic("webhook")
    assert not publishing.is_automatic("instagram")
    with pytest.raises(ValueError, match="manual"):
        publishing.send(outgoing(platform="instagram"))


# --- Telegram -----------------------------------------------------------------------------------
def test_telegram_text_is_escaped_html_and_link_is_public(tg):
    sent = publishing.send(outgoing(links=("https://acme.test/launch?a=1&b=2",)))
    [call] = tg.sent("sendMessage")
    assert call.path == f"/bot{TG_TOKEN}/sendMessage"
    assert call.body["parse_mode"] == "HTML"
    assert call.body["chat_id"] == "@acme_news"
    assert call.body["text"] == ("Hello &lt;b&gt;world&lt;/b&gt; &amp; friends\n\n"
                                 "https://acme.test/launch?a=1&amp;b=2")
    assert call.header("X-Greenlight-Target") == "tgt-1"
    assert sent == Sent(external_id=sent.external_id, url=f"https://t.me/acme_news/{sent.external_id}")
    assert sent.external_id.isdigit()


def test_telegram_chat_from_handle_and_private_channel_link(tg):
    sent = publishing.send(outgoing(external_id=None, handle="https://t.me/acme_news"))
    assert tg.sent("sendMessage")[-1].body["chat_id"] == "@acme_news"
    assert sent.url.startswith("https://t.me/acme_news/")
    sent = publishing.send(outgoing(external_id="-1001234567890"))
    assert sent.url == f"https://t.me/c/1234567890/{sent.external_id}"


def test_telegram_one_photo_with_caption(tg):
    sent = publishing.send(outgoing(media=({"url": "https://cdn.test/a.jpg", "alt": "A"},)))
    [call] = tg.sent("sendPhoto")
    assert call.body["photo"] == "https://cdn.test/a.jpg"
    assert call.body["caption"].startswith("Hello &lt;b&gt;")
    assert sent.url.endswith("/" + sent.external_id)


def test_telegram_one_photo_long_text_is_one_message_with_preview(tg):
    publishing.send(outgoing(text="x" * 1500, media=({"url": "https://cdn.test/a.jpg"},)))
    assert not tg.sent("sendPhoto")
    [call] = tg.sent("sendMessage")
    assert call.body["link_preview_options"] == {"url": "https://cdn.test/a.jpg", "prefer_large_media": True,
                                                 "show_above_text": True}


def test_telegram_several_media_go_as_album_with_caption_on_first(tg):
    media = tuple({"url": f"https://cdn.test/{i}.jpg"} for i in range(3))
    sent = publishing.send(outgoing(media=media))
    [call] = tg.sent("sendMediaGroup")
    assert [m["media"] for m in call.body["media"]] == [m["url"] for m in media]
    assert call.body["media"][0]["caption"].startswith("Hello &lt;b&gt;")
    assert "caption" not in call.body["media"][1]
    assert sent.external_id


def test_telegram_album_with_long_text_sends_text_after(tg):
    media = tuple({"url": f"https://cdn.test/{i}.jpg"} for i in range(2))
    publishing.send(outgoing(text="y" * 2000, media=media))
    assert "caption" not in tg.sent("sendMediaGroup")[0].body["media"][0]
    assert tg.sent("sendMessage")[0].body["text"] == "y" * 2000


def test_telegram_limits_refused_before_sending(tg):
    with pytest.raises(Refused) as info:
        publishing.send(outgoing(text="z" * 5000))
    assert info.value.permanent and not tg.calls
    with pytest.raises(Refused) as info:
        publishing.send(outgoing(media=tuple({"url": f"https://cdn.test/{i}.jpg"} for i in range(11))))
    assert info.value.permanent and not tg.calls


def test_telegram_429_gives_retry_after(tg):
    tg.rate_limit(7)
    with pytest.raises(Refused) as info:
        publishing.send(outgoing())
    assert info.value.retry_after == 7 and not info.value.permanent
    assert publishing.send(outgoing()).external_id  # the next call goes through


@pytest.mark.parametrize("code,description", [(400, "Bad Request: chat not found"), (403, "Forbidden: bot is not a member")])
def test_telegram_4xx_is_permanent_refusal(tg, code, description):
    tg.error(code, description)
    with pytest.raises(Refused) as info:
        publishing.send(outgoing())
    assert info.value.permanent and description in info.value.reason


def test_telegram_bad_token_is_permanent_and_token_not_in_reason(tg, monkeypatch):
    monkeypatch.setenv("GL_BRAND_TEST_TG_TOKEN", "999:wrong-token")
    from chalicelib.core import secrets
    secrets.clear_cache()
    with pytest.raises(Refused) as info:
        publishing.send(outgoing())
    secrets.clear_cache()
    assert info.value.permanent and "401" in info.value.reason and "wrong-token" not in info.value.reason


def test_telegram_missing_token_env_is_permanent_refusal(tg):
    with pytest.raises(Refused) as info:
        publishing.send(outgoing(credentials_ref="env:GL_BRAND_TEST_NOT_SET_ANYWHERE"))
    assert info.value.permanent and not tg.calls


@pytest.mark.parametrize("status", [500, 502])
def test_telegram_5xx_is_ambiguous(tg, status):
    tg.fail_next(Fault.of_status(status, {"ok": False, "error_code": status, "description": "Internal Server Error"}
                                 if status == 500 else b"<html>502 Bad Gateway</html>"))
    with pytest.raises(Ambiguous):
        publishing.send(outgoing())
    assert len(tg.calls) == 1


def test_telegram_read_timeout_after_receipt_is_ambiguous(tg, short_timeouts):
    tg.fail_next(Fault.delay(1.5))
    with pytest.raises(Ambiguous) as info:
        publishing.send(outgoing())
    assert "no answer" in info.value.reason
    assert len(tg.sent("sendMessage")) == 1  # the server DID receive it


def test_telegram_connection_drop_after_receipt_is_ambiguous(tg):
    tg.fail_next(Fault.drop())
    with pytest.raises(Ambiguous):
        publishing.send(outgoing())
    assert len(tg.sent("sendMessage")) == 1


def test_telegram_connection_refused_is_refused(monkeypatch):
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("GL_BRAND_TEST_TG_TOKEN", TG_TOKEN)
    reset_settings()
    try:
        with pytest.raises(Refused) as info:
            publishing.send(outgoing())
        assert not info.value.permanent and "could not connect" in info.value.reason
    finally:
        reset_settings()


def test_telegram_dns_failure_is_refused(monkeypatch):
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://api.telegram.invalid")
    monkeypatch.setenv("GL_BRAND_TEST_TG_TOKEN", TG_TOKEN)
    reset_settings()
    try:
        with pytest.raises(Refused) as info:
            publishing.send(outgoing())
        assert not info.value.permanent
    finally:
        reset_settings()


def test_fake_counts_sends_per_target_and_latency(tg):
    tg.latency = 0.05
    started = time.monotonic()
    for i in range(3):
        publishing.send(outgoing(target_id=f"t-{i}"))
    publishing.send(outgoing(target_id="t-0"))
    assert time.monotonic() - started >= 0.2
    assert tg.sends_by_target() == {"t-0": 2, "t-1": 1, "t-2": 1}


# --- transport classification (kinds a loopback server cannot produce) -----------------------------
def test_classify_transport_kinds():
    assert isinstance(safe_http.classify_transport(requests.exceptions.ConnectTimeout("x"), "t"), Refused)
    assert isinstance(safe_http.classify_transport(requests.exceptions.SSLError("handshake"), "t"), Refused)
    assert isinstance(safe_http.classify_transport(requests.exceptions.ReadTimeout("x"), "t"), Ambiguous)
    refused = requests.exceptions.ConnectionError(MaxRetryError(None, "/", NewConnectionError(None, "refused")))
    assert isinstance(safe_http.classify_transport(refused, "t"), Refused)
    reset = requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError()))
    assert isinstance(safe_http.classify_transport(reset, "t"), Ambiguous)


# --- VK -----------------------------------------------------------------------------------------
def vk_out(**overrides) -> Outgoing:
    values = dict(platform="vk", external_id="-123", credentials_ref="env:GL_BRAND_TEST_VK_TOKEN",
                  text="Привет <мир>", links=("https://acme.test/a", "https://acme.test/b"),
                  media=({"url": "https://cdn.test/p.jpg"},))
    values.update(overrides)
    return outgoing(**values)


def test_vk_wall_post_params_and_link(vk):
    sent = publishing.send(vk_out())
    [call] = vk.posts()
    assert call.body["owner_id"] == "-123" and call.body["from_group"] == "1"
    assert call.body["v"] == "5.199" and call.body["access_token"] == VK_TOKEN
    assert call.body["guid"] == "tgt-1"
    assert call.body["attachments"] == "https://acme.test/a"
    assert call.body["message"] == "Привет <мир>\n\nhttps://acme.test/b\nhttps://cdn.test/p.jpg"
    assert "access_token" not in call.path
    assert sent == Sent(external_id="1", url="https://vk.com/wall-123_1")


def test_vk_owner_from_handle(vk):
    sent = publishing.send(vk_out(external_id=None, handle="https://vk.com/club777"))
    assert vk.posts()[0].body["owner_id"] == "-777" and sent.url == "https://vk.com/wall-777_1"


@pytest.mark.parametrize("code,retry_after", [(6, 1.0), (9, 60.0)])
def test_vk_rate_errors_are_retryable(vk, code, retry_after):
    vk.vk_error(code, "Too many requests per second")
    with pytest.raises(Refused) as info:
        publishing.send(vk_out())
    assert info.value.retry_after == retry_after and not info.value.permanent


@pytest.mark.parametrize("code", [5, 14, 15, 214, 100])
def test_vk_permanent_errors(vk, code):
    vk.vk_error(code, "nope")
    with pytest.raises(Refused) as info:
        publishing.send(vk_out())
    assert info.value.permanent and f"error {code}" in info.value.reason


def test_vk_bad_token_is_permanent_and_not_leaked(vk, monkeypatch):
    from chalicelib.core import secrets
    monkeypatch.setenv("GL_BRAND_TEST_VK_TOKEN", "vk1.a.WRONG")
    secrets.clear_cache()
    with pytest.raises(Refused) as info:
        publishing.send(vk_out())
    secrets.clear_cache()
    assert info.value.permanent and "WRONG" not in info.value.reason


def test_vk_internal_error_and_5xx_and_drop_are_ambiguous(vk, short_timeouts):
    vk.vk_error(10, "Internal server error")
    vk.fail_next(Fault.of_status(502, b"Bad Gateway"))
    vk.fail_next(Fault.drop())
    vk.fail_next(Fault.delay(1.5))
    for _ in range(4):
        with pytest.raises(Ambiguous):
            publishing.send(vk_out())
    assert len(vk.posts()) == 4


def test_vk_http_429_uses_retry_after_header(vk):
    vk.fail_next(Fault.of_status(429, b"slow down", {"Retry-After": "3"}))
    with pytest.raises(Refused) as info:
        publishing.send(vk_out())
    assert info.value.retry_after == 3.0


# --- webhook ------------------------------------------------------------------------------------
def hook_out(fake: FakeWebhook, **overrides) -> Outgoing:
    values = dict(platform="webhook", external_id=None, handle=fake.url + "/hook?x=1",
                  credentials_ref="env:GL_BRAND_TEST_HOOK_SECRET", media=({"url": "https://cdn.test/p.jpg", "alt": "P"},),
                  links=("https://acme.test",))
    values.update(overrides)
    return outgoing(**values)


def test_webhook_delivery_is_signed_with_idempotency_key(hook):
    sent = publishing.send(hook_out(hook))
    [call] = hook.deliveries()
    assert call.path == "/hook" and call.verified is True
    assert call.header("Idempotency-Key") == "tgt-1"
    assert call.header("Content-Type") == "application/json"
    body = json.loads(call.raw)
    assert body["event"] == "post.publish" and body["target_id"] == "tgt-1" and body["version"] == 3
    assert body["text"] == "Hello <b>world</b> & friends"
    assert body["media"] == [{"url": "https://cdn.test/p.jpg", "alt": "P"}] and body["links"] == ["https://acme.test"]
    assert body["sent_at"].endswith("Z") and body["channel"] == "Acme"
    ts = call.header("X-Greenlight-Timestamp")
    assert webhook.verify_signature("hook-secret", ts, call.raw, call.header("X-Greenlight-Signature"))
    assert not webhook.verify_signature("other", ts, call.raw, call.header("X-Greenlight-Signature"))
    assert not webhook.verify_signature("hook-secret", ts, call.raw + b" ", call.header("X-Greenlight-Signature"))
    assert not webhook.verify_signature("hook-secret", int(ts) - 600, call.raw,
                                        webhook.sign("hook-secret", int(ts) - 600, call.raw))
    assert sent.external_id == "rcv-1" and sent.url is None


def test_webhook_reply_id_and_url(hook):
    hook.reply = {"id": 42, "url": "https://example.org/p/42"}
    assert publishing.send(hook_out(hook)) == Sent(external_id="42", url="https://example.org/p/42")
    hook.reply = {"url": "javascript:alert(1)"}
    assert publishing.send(hook_out(hook)).url is None


def test_webhook_without_secret_is_unsigned(hook):
    with pytest.raises(Refused) as info:  # this receiver insists on a signature: 401
        publishing.send(hook_out(hook, credentials_ref=None))
    assert info.value.permanent
    assert hook.deliveries()[0].header("X-Greenlight-Signature") is None
    assert hook.deliveries()[0].verified is False
    hook.secret = None
    assert publishing.send(hook_out(hook, credentials_ref=None)).external_id


def test_webhook_failures(hook, short_timeouts):
    hook.fail_next(Fault.of_status(500, {"error": "boom"}))
    with pytest.raises(Ambiguous):
        publishing.send(hook_out(hook))
    hook.fail_next(Fault.of_status(429, {"error": "slow"}, {"Retry-After": "12"}))
    with pytest.raises(Refused) as info:
        publishing.send(hook_out(hook))
    assert info.value.retry_after == 12 and not info.value.permanent
    hook.fail_next(Fault.of_status(404, {"error": "no"}))
    with pytest.raises(Refused) as info:
        publishing.send(hook_out(hook))
    assert info.value.permanent
    hook.fail_next(Fault.of_status(302, b"", {"Location": "http://169.254.169.254/"}))
    with pytest.raises(Refused) as info:
        publishing.send(hook_out(hook))
    assert info.value.permanent and len(hook.deliveries()) == 4  # the redirect was not followed
    hook.fail_next(Fault.delay(1.5))
    with pytest.raises(Ambiguous):
        publishing.send(hook_out(hook))
    hook.fail_next(Fault.drop())
    with pytest.raises(Ambiguous):
        publishing.send(hook_out(hook))
    assert len(hook.deliveries()) == 6


def test_webhook_connection_refused_and_dns_failure():
    port = closed_port()
    out = outgoing(platform="webhook", handle=f"http://127.0.0.1:{port}/hook", credentials_ref=None)
    with outbound_allowed(f"127.0.0.1:{port}"), pytest.raises(Refused) as info:
        publishing.send(out)
    assert not info.value.permanent
    with pytest.raises(Refused) as info:
        publishing.send(outgoing(platform="webhook", handle="https://receiver.invalid/hook", credentials_ref=None))
    assert not info.value.permanent and "resolved" in info.value.reason


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::ffff:127.0.0.1]/hook", "http://localhost/hook"])
def test_the_webhook_adapter_sends_through_the_ssrf_guard(url):
    """The corpus itself is in tests/unit/core/test_guard.py; here: the adapter uses the guard."""
    with pytest.raises(Refused) as info:
        publishing.send(outgoing(platform="webhook", handle=url, credentials_ref=None))
    assert info.value.permanent and "private or reserved" in info.value.reason


def test_the_webhook_adapter_refuses_other_schemes_and_ports_in_every_stage():
    """The allow-list lifts the address and port rules for its exact host:port, never the scheme rule."""
    with outbound_allowed("127.0.0.1:70", "127.0.0.1:80"):
        for url in ("file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://127.0.0.1:80/",
                    "https://example.org:6379/hook"):
            with pytest.raises(Refused) as info:
                publishing.send(outgoing(platform="webhook", handle=url, credentials_ref=None))
            assert info.value.permanent


def test_the_allow_list_names_hosts_as_written(hook):
    """A fake is on the allow-list as 127.0.0.1:<port>; `localhost:<port>` is another entry."""
    url = hook.url.replace("127.0.0.1", "localhost") + "/hook"
    with pytest.raises(Refused) as info:
        publishing.send(hook_out(hook, handle=url))
    assert info.value.permanent and "is not allowed" in info.value.reason and hook.deliveries() == []
    port = url.split(":")[2].split("/")[0]
    with outbound_allowed(f"LocalHost:{port}"):  # hosts are case-insensitive
        publishing.send(hook_out(hook, handle=url))
    [call] = hook.deliveries()
    assert call.header("Host") == "localhost:" + port
    with pytest.raises(Refused):  # off the list again
        publishing.send(hook_out(hook, handle=url))
    assert len(hook.deliveries()) == 1


# --- the local demo receiver --------------------------------------------------------------------
def test_local_receiver_verifies_stores_and_shows_escaped(tmp_path):
    import threading

    from chalicelib.local import webhook_receiver

    log = tmp_path / "received.jsonl"
    server = webhook_receiver.serve("127.0.0.1", 0, log, "hook-secret")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    allow_outbound(base)  # a local server the guard may reach, as `make run` allows the demo receiver
    try:
        out = outgoing(platform="webhook", handle=base + "/hook", credentials_ref="env:GL_BRAND_TEST_HOOK_SECRET",
                       title="<script>x</script>")
        import os
        os.environ["GL_BRAND_TEST_HOOK_SECRET"] = "hook-secret"
        try:
            assert publishing.send(out).external_id == "1"
            with pytest.raises(Refused):  # unsigned: 401
                publishing.send(outgoing(platform="webhook", handle=base + "/hook", credentials_ref=None))
        finally:
            del os.environ["GL_BRAND_TEST_HOOK_SECRET"]
        page = requests.get(base + "/", timeout=5).text
        assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
        items = requests.get(base + "/received.json", timeout=5).json()
        assert len(items) == 1 and items[0]["signature_verified"] is True and items[0]["idempotency_key"] == "tgt-1"
        assert json.loads(log.read_text().splitlines()[0])["payload"]["target_id"] == "tgt-1"
    finally:
        forbid_outbound(base)
        server.shutdown()
        server.server_close()
