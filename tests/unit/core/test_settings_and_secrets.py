"""Settings validation, stage environment precedence and secret references."""
from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from pydantic import ValidationError

from chalicelib.core import secrets
from chalicelib.core.errors import Upstream
from chalicelib.core.settings import Settings
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
