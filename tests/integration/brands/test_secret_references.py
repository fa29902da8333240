"""Secret references are scoped to their brand, as an attacker would try them: brand B's manager
names brand A's secret, a platform secret, an environment variable; the write-only token field; the
same rule again when a stored reference is read (a hand-edited item cannot borrow A's secret)."""
from __future__ import annotations

import json
import os
import stat

import pytest

from chalicelib.brands.channels.models import ChannelItem
from chalicelib.core import secrets
from chalicelib.core.settings import get_settings
from chalicelib.publishing import repo as target_repo
from chalicelib.publishing import sweep as publish_sweep
from tests.support.factories import make_brand
from tests.support.posts import approve_post as approve
from tests.support.posts import body, call
from tests.support.sweep import TG_TOKEN, at, states


def _create(client, user, brand_id, **fields):
    data = {"platform": "telegram", "name": "TG", "external_id": "@acme", **fields}
    return call(client, "post", f"/v1/brands/{brand_id}/channels", user, data)


def _field(response):
    return [d["field"] for d in body(response)["error"]["details"]]


@pytest.fixture
def two_brands(dynamodb, make_user):
    a, b = make_brand(), make_brand()
    return {"a": a, "b": b, "manager_b": make_user("smm_manager", brand=b)}


@pytest.mark.parametrize("reference", [
    "ssm:/greenlight/local/brands/{a}/channels/telegram",  # brand A's token
    "secretsmanager:greenlight/local/brands/{a}/channels/hook",  # brand A's webhook secret
    "ssm:/greenlight/local/brands/{b}/slack/signing",     # B's own Slack app secret: not for a channel
    "ssm:/greenlight/local/brands/{b}/telegram",           # outside B's channels/ prefix
    "ssm:/greenlight/local/signing-keys",                  # the platform's own secrets
    "secretsmanager:greenlight/local/signing-keys",
    "secretsmanager:greenlight/prod/signing-keys",
    "ssm:/greenlight/local/brands/{b}/channels/../../{a}/channels/telegram",  # a way out of B's prefix
    "ssm:/greenlight/local/brands/{b}/channels/",          # the prefix alone names nothing
    "ssm:/greenlight/local/brands/{b}",
    "secretsmanager:arn:aws:secretsmanager:eu-central-1:1:secret:greenlight/local/brands/{b}/x",
    "env:STAGE",                                           # env: only for GL_BRAND_ names, locally
    "env:SIGNING_KEYS",
    "env:AWS_SECRET_ACCESS_KEY",
    "file:brands/{a}/channels/x",                          # A's stored token file
    "file:../outbox/x",
])
def test_brand_b_cannot_name_anything_outside_its_own_prefix(client, two_brands, reference):
    ref = reference.format(a=two_brands["a"].id, b=two_brands["b"].id)
    r = _create(client, two_brands["manager_b"], two_brands["b"].id, credentials_ref=ref)
    assert r.status_code == 422, (ref, r.body)
    assert _field(r) == ["credentials_ref"]
    listed = body(call(client, "get", f"/v1/brands/{two_brands['b'].id}/channels", two_brands["manager_b"]))
    assert listed["items"] == []


def test_the_same_rule_holds_on_update(client, two_brands):
    b = two_brands["b"]
    r = _create(client, two_brands["manager_b"], b.id, credentials_ref=f"ssm:/greenlight/local/brands/{b.id}/channels/tg")
    assert r.status_code == 201, r.body
    channel_id = body(r)["id"]
    r = call(client, "patch", f"/v1/channels/{channel_id}", two_brands["manager_b"],
             {"credentials_ref": f"ssm:/greenlight/local/brands/{two_brands['a'].id}/channels/tg"})
    assert r.status_code == 422 and _field(r) == ["credentials_ref"]
    kept = body(call(client, "get", f"/v1/channels/{channel_id}", two_brands["manager_b"]))
    assert kept["credentials_ref"] == f"ssm:/greenlight/local/brands/{b.id}/channels/tg"


def test_the_error_tells_where_the_brands_secrets_live(client, two_brands):
    b = two_brands["b"]
    r = _create(client, two_brands["manager_b"], b.id, credentials_ref="ssm:/greenlight/prod/telegram-acme")
    assert r.status_code == 422
    assert f"ssm:/greenlight/local/brands/{b.id}/channels/" in body(r)["error"]["message"]


def test_a_token_typed_in_is_stored_for_the_brand_and_never_shown(client, team, fakes):
    smm, brand_id = team["smm_manager"], team["brand"].id
    r = _create(client, smm, brand_id, name="Stored", credentials=TG_TOKEN)
    assert r.status_code == 201, r.body
    channel_id = body(r)["id"]
    shown = call(client, "get", f"/v1/channels/{channel_id}", smm)
    assert TG_TOKEN not in shown.body.decode()
    channel = body(shown)
    assert channel["credentials_ref"] == f"file:brands/{brand_id}/channels/{channel_id}"
    assert channel["credentials_set_at"]
    stored = secrets.secrets_dir() / "brands" / brand_id / "channels" / channel_id
    assert stored.read_text() == TG_TOKEN and stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    audit = call(client, "get", f"/v1/audit?brand_id={brand_id}&entity=channel&id={channel_id}", smm)
    assert TG_TOKEN not in audit.body.decode()
    listed = call(client, "get", f"/v1/brands/{brand_id}/channels", smm)
    assert TG_TOKEN not in listed.body.decode()

    # …and it is what the channel publishes with
    post = approve(client, team, channel_ids=[channel_id])
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    assert states(post["id"]) == {channel_id: "published"}
    assert fakes["telegram"].sent("sendMessage")

    # replacing it keeps the reference; deleting the channel deletes the stored token
    r = call(client, "patch", f"/v1/channels/{channel_id}", smm, {"credentials": "654321:OTHER"})
    assert r.status_code == 200 and "654321:OTHER" not in r.body.decode()
    assert stored.read_text() == "654321:OTHER"
    assert call(client, "delete", f"/v1/channels/{channel_id}", smm).status_code == 204
    assert not stored.exists()


def test_a_token_and_a_reference_at_once_are_refused(client, team):
    r = _create(client, team["smm_manager"], team["brand"].id, credentials="x",
                credentials_ref=f"ssm:/greenlight/local/brands/{team['brand'].id}/channels/tg")
    assert r.status_code == 422 and "credentials" in _field(r)


def test_a_token_in_a_validation_error_is_not_echoed(client, team):
    r = _create(client, team["smm_manager"], team["brand"].id, platform="myspace", credentials="123456:SECRET-XYZ")
    assert r.status_code == 422 and "SECRET-XYZ" not in r.body.decode()


def test_a_reference_is_checked_again_when_read_and_the_error_says_nothing(client, team, fakes, monkeypatch):
    """A channel item edited behind the API's back to name another brand's token publishes nothing,
    and its error names neither the path nor what the provider said."""
    other = make_brand()
    monkeypatch.setenv("GL_BRAND_OTHER_TOKEN", TG_TOKEN)
    post = approve(client, team, channel_ids=[team["tg"]])
    item = ChannelItem.get(f"CHANNEL#{team['tg']}", "CHANNEL")
    stolen = f"ssm:/greenlight/local/brands/{other.id}/channels/telegram"
    item.update(actions=[ChannelItem.credentials_ref.set(stolen)])
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    assert target.state == "failed"
    assert "credentials could not be read" in target.last_error
    assert other.id not in target.last_error and "ssm" not in target.last_error
    assert fakes["telegram"].calls == []


def test_an_unreadable_reference_of_the_brand_gives_the_same_words(client, team, fakes):
    brand_id = team["brand"].id
    r = call(client, "patch", f"/v1/channels/{team['tg']}", team["smm_manager"],
             {"credentials_ref": f"ssm:/greenlight/local/brands/{brand_id}/channels/not-there"})
    assert r.status_code == 200, r.body
    post = approve(client, team, channel_ids=[team["tg"]])
    publish_sweep.run(at("2026-12-01T09:00:10"), rate_limits=False)
    [target] = target_repo.for_post(post["id"])
    assert "credentials could not be read" in target.last_error and "not-there" not in target.last_error


@pytest.mark.parametrize("settings, field", [
    ({"slack_signing_secret_ref": "env:STAGE", "slack_bot_token_ref": "env:GL_BRAND_T", "slack_team_id": "T0001"},
     "settings.slack_signing_secret_ref"),
    ({"slack_bot_token_ref": "secretsmanager:greenlight/local/slack", "slack_signing_secret_ref": "env:GL_BRAND_S",
      "slack_team_id": "T0001"}, "settings.slack_bot_token_ref"),
    # a token a manager typed into a channel is not a Slack app's secret
    ({"slack_signing_secret_ref": "ssm:/greenlight/local/brands/{b}/channels/tg", "slack_bot_token_ref":
      "ssm:/greenlight/local/brands/{b}/slack/token", "slack_team_id": "T0001"}, "settings.slack_signing_secret_ref"),
    ({"slack_signing_secret_ref": "ssm:/greenlight/local/brands/{b}/slack/signing"}, "settings.slack_bot_token_ref"),
    ({"slack_signing_secret_ref": "ssm:/greenlight/local/brands/{b}/slack/signing",
      "slack_bot_token_ref": "ssm:/greenlight/local/brands/{b}/slack/token"}, "settings.slack_team_id"),
])
def test_a_brands_own_slack_app_names_only_its_own_secrets_and_its_team(client, admin, two_brands, settings, field):
    b = two_brands["b"]
    data = {"settings": json.loads(json.dumps(settings).replace("{b}", b.id))}
    r = call(client, "patch", f"/v1/brands/{b.id}", admin, data)
    assert r.status_code == 422, r.body
    assert field in _field(r)


def test_only_an_administrator_connects_a_brands_own_slack_app(client, admin, two_brands, make_user):
    """Its signing secret decides whose clicks are believed: a brand's SMM manager cannot set it."""
    b = two_brands["b"]
    smm = make_user("smm_manager", brand=b)
    own = {"slack_signing_secret_ref": f"ssm:/greenlight/local/brands/{b.id}/slack/signing",
           "slack_bot_token_ref": f"ssm:/greenlight/local/brands/{b.id}/slack/token", "slack_team_id": "T0001"}
    for key, value in own.items():
        assert call(client, "patch", f"/v1/brands/{b.id}", smm, {"settings": {key: value}}).status_code == 403
    assert call(client, "patch", f"/v1/brands/{b.id}", admin, {"settings": own}).status_code == 200
    # other settings stay the manager's; an explicit null removes a setting (the admin takes the app away)
    assert call(client, "patch", f"/v1/brands/{b.id}", smm, {"settings": {"default_language": "ru"}}).status_code == 200
    r = call(client, "patch", f"/v1/brands/{b.id}", admin, {"settings": {k: None for k in own}})
    assert r.status_code == 200, r.body
    assert not any(body(r)["settings"].get(k) for k in own)


def test_prod_refuses_env_references_outright():
    from chalicelib.core import secret_refs

    assert secret_refs.problem("env:GL_BRAND_X", stage="prod", brand_id="B1")
    assert secret_refs.problem("file:brands/B1/channels/x", stage="prod", brand_id="B1")
    assert secret_refs.problem("ssm:/greenlight/prod/brands/B1/channels/x", stage="prod", brand_id="B1") is None
    assert secret_refs.problem("ssm:/greenlight/prod/brands/B1/slack/x", stage="prod", brand_id="B1",
                               purpose="slack") is None
    assert secret_refs.problem("ssm:/greenlight/prod/brands/B1/slack/x", stage="prod", brand_id="B1")
    assert secret_refs.problem("ssm:/greenlight/dev/brands/B1/channels/x", stage="prod", brand_id="B1")
    assert secret_refs.problem("env:GL_BRAND_X", stage="local", brand_id="B1") is None
    assert get_settings().STAGE == "local"


def test_the_operator_lists_references_outside_their_brand_before_upgrading(client, two_brands, capsys):
    """References stored before the rule existed are found (a channel item written directly here)."""
    from chalicelib import cli
    from chalicelib.brands.channels import repo as channel_repo
    from chalicelib.core.db.writes import Actor

    b = two_brands["b"]
    channel = channel_repo.create(Actor(None, "test", "cli"), b.id, {"platform": "telegram", "name": "Old",
                                                                      "credentials_ref": "ssm:/greenlight/local/tg"})
    fine = channel_repo.create(Actor(None, "test", "cli"), b.id, {
        "platform": "telegram", "name": "New", "credentials_ref": f"ssm:/greenlight/local/brands/{b.id}/channels/tg"})
    assert cli.main(["check-secret-refs"]) == 1
    out = capsys.readouterr().out
    assert f"channel 'Old' ({channel.id}) credentials_ref = ssm:/greenlight/local/tg" in out
    assert f"({fine.id})" not in out
