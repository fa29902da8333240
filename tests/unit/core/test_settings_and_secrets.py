"""Settings validation, stage environment precedence and secret references."""
from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from pydantic import ValidationError

from chalicelib.core import secrets
from chalicelib.core.errors import Upstream
from chalicelib.core.settings import Settings, reset_settings
from chalicelib.core.stage_env import apply_stage_environment, stage_environment


def test_every_stage_is_valid_settings():
    for stage in ("local", "dev", "prod"):
        values = stage_environment(stage)
        settings = Settings(**{k: v for k, v in values.items() if k in Settings.model_fields})
        assert settings.STAGE == stage


def test_prod_refuses_literal_and_env_secrets():
    base = {"STAGE": "prod", "PUBLIC_BASE_URL": "https://x.example.com"}
    with pytest.raises(ValidationError, match="reference"):
        Settings(**base, SIGNING_KEYS="a-literal-key-that-should-not-be-here-000")
    with pytest.raises(ValidationError, match="env:"):
        Settings(**base, SIGNING_KEYS="env:KEYS")
    with pytest.raises(ValidationError, match="https"):
        Settings(STAGE="prod", PUBLIC_BASE_URL="http://x.example.com", SIGNING_KEYS="ssm:/k")
    assert Settings(**base, SIGNING_KEYS="ssm:/greenlight/prod/keys").SIGNING_KEYS.startswith("ssm:")


def test_bad_values_are_clear():
    with pytest.raises(ValidationError, match="EMAIL_BACKEND"):
        Settings(EMAIL_BACKEND="pigeon")
    with pytest.raises(ValidationError, match="PUBLIC_BASE_URL"):
        Settings(PUBLIC_BASE_URL="ftp://x")


def test_shell_wins_over_stage_config(monkeypatch):
    monkeypatch.delenv("TABLE_PREFIX", raising=False)
    monkeypatch.setenv("DYNAMODB_ENDPOINT", "http://127.0.0.1:9999")
    monkeypatch.delenv("STAGE", raising=False)
    apply_stage_environment("local")
    import os

    assert os.environ["DYNAMODB_ENDPOINT"] == "http://127.0.0.1:9999"
    assert os.environ["TABLE_PREFIX"] == "greenlight-local-"


def test_unknown_stage_is_named():
    with pytest.raises(KeyError, match="staging"):
        stage_environment("staging")


def test_env_reference(monkeypatch):
    secrets.clear_cache()
    monkeypatch.setenv("MY_SECRET", "s3cret")
    assert secrets.resolve("env:MY_SECRET") == "s3cret"
    assert secrets.resolve("plain-literal") == "plain-literal"
    with pytest.raises(Upstream, match="MISSING_ONE"):
        secrets.resolve("env:MISSING_ONE")


@mock_aws
def test_ssm_and_secrets_manager_references(monkeypatch):
    # moto stands in for SSM and Secrets Manager, which cannot run here.
    from chalicelib.core import deps

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    deps.aws_client.cache_clear()
    secrets.clear_cache()
    try:
        boto3.client("ssm", region_name="eu-central-1").put_parameter(
            Name="/greenlight/dev/signing-keys", Value="k1,k2", Type="SecureString")
        boto3.client("secretsmanager", region_name="eu-central-1").create_secret(
            Name="greenlight/prod/slack", SecretString=json.dumps({"token": "xoxb"}))
        assert secrets.resolve("ssm:/greenlight/dev/signing-keys") == "k1,k2"
        assert json.loads(secrets.resolve("secretsmanager:greenlight/prod/slack")) == {"token": "xoxb"}
        with pytest.raises(Upstream) as info:
            secrets.resolve("ssm:/greenlight/dev/missing")
        assert "ParameterNotFound" in str(info.value) or "ClientError" in str(info.value)
    finally:
        deps.aws_client.cache_clear()
        secrets.clear_cache()


# --- signing keys of 32 characters or more -------------------------------------------------------------

LONG_KEY = "k" * 31 + "L"  # 32 characters
SHORT_KEY = "short-but-secret-key-9f3a"  # 25 characters


@pytest.mark.parametrize("keys, place", [
    (SHORT_KEY, "key 1 is shorter than 32 characters (of 1,"),
    # an older key too: it would still verify what someone forged with it
    (f"{LONG_KEY},{SHORT_KEY}", "key 2 is shorter than 32 characters (of 2,"),
    (f"{SHORT_KEY}, {LONG_KEY} ,another-short-one-77", "keys 1, 3 are shorter than 32 characters (of 3,"),
    ("k" * 31, "key 1 is shorter"),
])
def test_short_literal_signing_keys_are_refused_at_start_up(keys, place):
    with pytest.raises(ValidationError) as info:
        Settings(STAGE="local", SIGNING_KEYS=keys)
    message = str(info.value)
    assert "SIGNING_KEYS" in message and place in message
    for key in keys.split(","):
        assert key.strip() not in message  # never the key itself, not even in pydantic's input echo


def test_signing_keys_of_32_characters_or_more_pass():
    assert Settings(SIGNING_KEYS=LONG_KEY).SIGNING_KEYS == LONG_KEY
    assert Settings(SIGNING_KEYS=f" {LONG_KEY} , {'x' * 64} ").SIGNING_KEYS
    assert Settings(SIGNING_KEYS="").SIGNING_KEYS == ""  # none at all: refused when something is signed
    for reference in ("env:KEYS", "ssm:/k", "secretsmanager:k"):  # checked once resolved (signing.py)
        assert Settings(SIGNING_KEYS=reference).SIGNING_KEYS == reference


def test_no_settings_error_echoes_a_secret():
    with pytest.raises(ValidationError) as info:
        Settings(STAGE="prod", PUBLIC_BASE_URL="https://x.example.com", SIGNING_KEYS=LONG_KEY,
                 SLACK_BOT_TOKEN="xoxb-very-secret-token")
    assert LONG_KEY not in str(info.value) and "xoxb-very-secret-token" not in str(info.value)


@pytest.mark.parametrize("resolved", [SHORT_KEY, f"{LONG_KEY},{SHORT_KEY}"])
def test_a_short_key_behind_a_reference_is_refused_when_resolved(monkeypatch, resolved):
    from chalicelib.core import signing
    from chalicelib.core.settings import reset_settings

    monkeypatch.setenv("GL_TEST_SIGNING_KEYS", resolved)
    monkeypatch.setenv("SIGNING_KEYS", "env:GL_TEST_SIGNING_KEYS")
    secrets.clear_cache()
    reset_settings()
    try:
        with pytest.raises(signing.SigningKeysTooShort) as info:
            signing.serializer("test").dumps("x")
        assert "SIGNING_KEYS" in str(info.value) and "32 characters" in str(info.value)
        assert SHORT_KEY not in str(info.value) and LONG_KEY not in str(info.value)
        monkeypatch.setenv("GL_TEST_SIGNING_KEYS", f"{LONG_KEY},{'x' * 40}")
        secrets.clear_cache()
        assert signing.signing_keys() == [LONG_KEY, "x" * 40]
    finally:
        monkeypatch.undo()
        secrets.clear_cache()
        reset_settings()


@pytest.mark.parametrize("stage", ["local", "dev", "prod"])
def test_the_stage_configs_keys_are_long_enough(stage):
    keys = stage_environment(stage)["SIGNING_KEYS"]
    assert keys.startswith(("ssm:", "secretsmanager:")) or all(
        len(key.strip()) >= 32 for key in keys.split(",") if key.strip())


def test_the_test_environment_keys_are_long_enough():
    from tests.support.env import TEST_ENV

    assert all(len(key) >= 32 for key in TEST_ENV["SIGNING_KEYS"].split(","))


# --- a brand's token typed in: stored in SSM under the brand's prefix, read back only by the brand ------

@mock_aws
def test_a_stored_token_goes_to_ssm_under_the_brand_and_only_that_brand_reads_it(monkeypatch):
    # moto stands in for SSM, which cannot run here; stage dev stores in SSM (local stores in a file).
    from chalicelib.core import deps
    from chalicelib.core.secrets import CredentialsUnreadable

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("STAGE", "dev")
    monkeypatch.setenv("SIGNING_KEYS", LONG_KEY)
    reset_settings()
    deps.aws_client.cache_clear()
    secrets.clear_cache()
    try:
        reference = secrets.store_for_brand("B1", "channels/C1", "123456:TOKEN")
        assert reference == "ssm:/greenlight/dev/brands/B1/channels/C1"
        stored = boto3.client("ssm", region_name="eu-central-1").get_parameter(
            Name="/greenlight/dev/brands/B1/channels/C1", WithDecryption=True)["Parameter"]
        assert stored["Type"] == "SecureString" and stored["Value"] == "123456:TOKEN"
        assert secrets.resolve_for_brand(reference, "B1") == "123456:TOKEN"
        with pytest.raises(CredentialsUnreadable) as refused:
            secrets.resolve_for_brand(reference, "B2")  # another brand naming B1's token
        assert refused.value.permanent and "B1" not in refused.value.message
        with pytest.raises(CredentialsUnreadable) as missing:
            secrets.resolve_for_brand("ssm:/greenlight/dev/brands/B1/nothing-here", "B1")
        assert "nothing-here" not in missing.value.message and "ParameterNotFound" not in missing.value.message
        secrets.forget_for_brand("B1", reference, "channels/C1")
        with pytest.raises(Exception):
            boto3.client("ssm", region_name="eu-central-1").get_parameter(Name="/greenlight/dev/brands/B1/channels/C1")
    finally:
        deps.aws_client.cache_clear()
        secrets.clear_cache()
        reset_settings()
