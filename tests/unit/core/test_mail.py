"""The three email backends: outbox files, a real SMTP server on loopback, SES (moto)."""
from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from moto import mock_aws

from chalicelib.core import mail as mailer
from chalicelib.core.errors import Upstream
from chalicelib.core.settings import reset_settings
from chalicelib.local.dynamodb_local import free_port

MESSAGE = mailer.OutgoingEmail(to="Анна <anna@example.com>", subject="Согласуйте пост «Кофе»",
                               text="Привет!\nhttp://127.0.0.1/a/1", html="<p>Привет!</p>")


@pytest.fixture
def settings_env(monkeypatch):
    def apply(**values):
        for key, value in values.items():
            monkeypatch.setenv(key, str(value))
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()


def test_outbox_writes_one_eml_per_message(settings_env, tmp_path):
    settings_env(EMAIL_BACKEND="outbox", OUTBOX_DIR=tmp_path)
    mailer.send(MESSAGE)
    mailer.send(MESSAGE)
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 2 and not list(tmp_path.glob(".*.tmp"))
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == MESSAGE.subject
    assert parsed.get_body(("plain",)).get_content().startswith("Привет!")
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Привет!</p>"


class _Collect(Message):
    def __init__(self):
        super().__init__()
        self.received = []

    def handle_message(self, message):
        self.received.append(message)


def test_smtp_backend_talks_to_a_real_server(settings_env):
    handler = _Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings_env(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS="false")
        message_id = mailer.send(MESSAGE)
    finally:
        controller.stop()
    assert len(handler.received) == 1
    got = handler.received[0]
    assert got["Message-ID"] == message_id
    assert "anna@example.com" in got["To"]


def test_smtp_refusal_is_upstream_error(settings_env):
    settings_env(EMAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    with pytest.raises(Upstream, match="mail server"):
        mailer.send(MESSAGE)


@mock_aws
def test_ses_backend_sends_raw_mime(settings_env):
    # SES cannot run here; moto answers like it and keeps what was sent.
    import boto3

    from chalicelib.core import deps

    settings_env(EMAIL_BACKEND="ses", EMAIL_FROM="Greenlight <greenlight@example.com>", AWS_DEFAULT_REGION="eu-central-1")
    deps.aws_client.cache_clear()
    try:
        boto3.client("ses", region_name="eu-central-1").verify_email_identity(EmailAddress="greenlight@example.com")
        mailer.send(MESSAGE)
        from moto.backends import get_backend

        backend = get_backend("ses")["123456789012"]["eu-central-1"]
        assert len(backend.sent_messages) == 1
        assert "Согласуйте".encode() in backend.sent_messages[0].raw_data.encode() or \
            "=?utf-8?" in backend.sent_messages[0].raw_data
    finally:
        deps.aws_client.cache_clear()
