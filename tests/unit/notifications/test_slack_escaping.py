"""Every Slack text escapes what people typed: a title `<https://evil|Open in Greenlight>` or a name
`<!channel>` arrives as literal text (&lt; … &gt;), never as a link or a mention, while our own links
(the post's page) still render as links. One escape (core/slack_text.py) for every builder: the
notice DMs (publishing alerts, approval escalations), the digest, the request message's fallback."""
from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from chalicelib.core import slack_text
from chalicelib.core.clock import iso
from chalicelib.core.settings import get_settings

EVIL_TITLE = "<https://evil|Open in Greenlight> a & b"
EVIL_NAME = "Eve <!channel> <@U0BOSS>"
EVIL_BRAND = "Acme <b>&</b> Co"
EVIL_ERROR = "bad token <https://phish|retry here>"


def base() -> str:
    return get_settings().PUBLIC_BASE_URL


def assert_escaped(text: str, *our_links: str) -> None:
    """Our links are there as links; besides them (and our "> " quotes) no < > survives, and every &
    starts an entity."""
    for ours in our_links:
        assert ours in text, f"{ours!r} not in {text!r}"
        text = text.replace(ours, "")
    text = re.sub(r"(?m)^> ", "", text)  # our own block quotes (previews, comments)
    assert "<" not in text and ">" not in text, text
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    assert all(text[m.start() - 4:m.start()] == "&lt;" for m in re.finditer("https://(evil|phish)", text)), text


# --- the helper ------------------------------------------------------------------------------------

def test_escape_turns_the_three_control_characters_into_entities_once():
    assert slack_text.escape(EVIL_TITLE) == "&lt;https://evil|Open in Greenlight&gt; a &amp; b"
    assert slack_text.escape(slack_text.escape("a & <b>")) == "a &amp; &lt;b&gt;"  # never twice
    assert slack_text.escape(None) == "" and slack_text.escape(0) == "0"
    assert slack_text.escape("&amp;") == "&amp;amp;"  # a typed entity shows as typed


def test_link_escapes_the_label_and_makes_the_url_harmless():
    assert slack_text.link("https://gl.example/posts/p1") == "<https://gl.example/posts/p1>"
    assert slack_text.link("https://gl.example/posts/p1", EVIL_TITLE) == \
        "<https://gl.example/posts/p1|&lt;https://evil|Open in Greenlight&gt; a &amp; b>"
    assert slack_text.link("https://gl.example/x?a=1&b=<2>|3 4") == "<https://gl.example/x?a=1&amp;b=%3C2%3E%7C3%204>"
    assert slack_text.link("https://gl.example/p", "two\nlines") == "<https://gl.example/p|two lines>"
    for not_a_link in ("javascript:alert(1)", "<https://evil>", "", None, "//evil.example"):
        made = slack_text.link(not_a_link, "Open <me>")
        assert made == "Open &lt;me&gt;"  # shown as text, never a link
    assert slack_text.link("data:text/html,x") == "data:text/html,x"


def test_translate_escapes_the_values_and_keeps_the_templates_mrkdwn():
    text = slack_text.translate("slack.request.brand", "en", brand=EVIL_BRAND)
    assert text == "*Brand:* Acme &lt;b&gt;&amp;&lt;/b&gt; Co"
    assert slack_text.translate("slack.request.stage", "en", stage="<!here>", number=1, count=2) == \
        "*Stage:* &lt;!here&gt; (1 of 2)"
    ours = slack_text.link("https://gl.example/me", "profile")
    assert slack_text.translate("slack.refused.not_linked", "en", url=ours).count("<https://gl.example/me|profile>") == 1


# --- notices ---------------------------------------------------------------------------------------

def test_notice_text_escapes_every_value_and_keeps_the_post_link():
    from chalicelib.notifications import notices

    user = SimpleNamespace(language="en")
    post = SimpleNamespace(id="p0123")
    lines = [("publish_notice.failed", {"title": EVIL_TITLE, "channel": "<#C0GENERAL>", "error": EVIL_ERROR}),
             ("approval_notice.waiting_for", {"names": EVIL_NAME}),
             ("slack.request.stage", {"stage": "x", "number": 2, "count": 3})]
    text = notices.notice_text(user, lines, post)
    assert_escaped(text, f"<{base()}/posts/p0123>")
    assert "“&lt;https://evil|Open in Greenlight&gt; a &amp; b” could not be published on &lt;#C0GENERAL&gt;" in text
    assert "Eve &lt;!channel&gt; &lt;@U0BOSS&gt;" in text and "(2 of 3)" in text
    ru = notices.notice_text(SimpleNamespace(language="ru"), lines[:2])
    assert_escaped(ru)
    assert "&lt;!channel&gt;" in ru


def _capture_slack(monkeypatch) -> list[str]:
    from chalicelib.notifications import notices

    texts: list[str] = []

    def slack_notice(brand, users, text_for, *, already):
        texts.extend(text_for(user) for user in users)
        return {notices.marker(user) for user in users}

    monkeypatch.setattr(notices, "slack_notice", slack_notice)
    monkeypatch.setattr(notices, "email_notice", lambda *a, **kw: False)
    return texts


def test_publishing_alert_slack_text_is_escaped(monkeypatch):
    from chalicelib.publishing import alerts

    texts = _capture_slack(monkeypatch)
    post = SimpleNamespace(id="p0alert", title=EVIL_TITLE, brand_id="b1", assignee_ids=["u1"], author_id="u1")
    people = [SimpleNamespace(id="u1", language="en", name=EVIL_NAME), SimpleNamespace(id="u2", language="ru",
                                                                                        name="Иван")]
    monkeypatch.setattr(alerts.post_repo, "get", lambda post_id, **kw: post)
    monkeypatch.setattr(alerts.brand_repo, "get", lambda brand_id, **kw: SimpleNamespace(id="b1", name=EVIL_BRAND))
    monkeypatch.setattr(alerts.channel_repo, "get", lambda channel_id, **kw: SimpleNamespace(name="TG <!everyone>"))
    monkeypatch.setattr(alerts, "_recipients", lambda p, **kw: people)
    target = SimpleNamespace(id="p0alert#c1", post_id="p0alert", channel_id="c1")
    for state in ("failed", "unconfirmed", "missed"):
        alerts.alert(target, state, EVIL_ERROR)
    assert len(texts) == 6
    for text in texts:
        assert_escaped(text, f"<{base()}/posts/p0alert>")
        assert "&lt;https://evil|Open in Greenlight&gt; a &amp; b" in text and "TG &lt;!everyone&gt;" in text
    assert "&lt;https://phish|retry here&gt;" in texts[0]


def test_approval_escalation_slack_text_is_escaped(monkeypatch):
    from chalicelib.approvals import reminders

    texts = _capture_slack(monkeypatch)
    brand = SimpleNamespace(id="b1", name=EVIL_BRAND, timezone="Europe/Berlin")
    post = SimpleNamespace(id="p0late", title=EVIL_TITLE, brand_id="b1", author_id="u9")
    state = SimpleNamespace(current_stage=SimpleNamespace(name="Legal <!here>"))
    waiting = [SimpleNamespace(id="u3", name=EVIL_NAME), SimpleNamespace(id="u4", name="a & b")]
    manager = SimpleNamespace(id="m1", language="en", timezone=None, name="Max")
    task = SimpleNamespace(sent=[], deadline=iso(datetime(2027, 1, 4, 9, 0, tzinfo=UTC)), sk="TASK#x")
    monkeypatch.setattr(reminders.post_repo, "state_of", lambda p: state)
    monkeypatch.setattr(reminders.post_repo, "approval_of", lambda p: {"on_miss": "notify"})
    monkeypatch.setattr(reminders, "_waiting_users", lambda p, s, b: waiting)
    monkeypatch.setattr(reminders.task_repo, "mark_sent", lambda task, marker: task.sent.append(marker))
    monkeypatch.setattr(reminders.members, "managers", lambda brand_id: [manager])
    assert reminders._escalate(task, post, brand, datetime(2027, 1, 4, 10, 0, tzinfo=UTC)) == []
    assert len(texts) == 1
    text = texts[0]
    assert_escaped(text, f"<{base()}/posts/p0late>")
    assert "&lt;https://evil|Open in Greenlight&gt; a &amp; b" in text and "Acme &lt;b&gt;&amp;&lt;/b&gt; Co" in text
    assert "Legal &lt;!here&gt;" in text and "Eve &lt;!channel&gt; &lt;@U0BOSS&gt;, a &amp; b" in text
    assert "2027-01-04 10:00 (Europe/Berlin)" in text


# --- the digest ------------------------------------------------------------------------------------

def test_digest_slack_text_is_escaped_and_each_post_is_our_link():
    from chalicelib.notifications import digest as digests

    url = f"{base()}/posts/p0dig"
    line = digests.Line(brand=EVIL_BRAND, title=EVIL_TITLE, when="due <!channel> 10:00", url=url)
    plain = digests.Line(brand="Acme", title="<!channel>", when="", url=f"{base()}/posts/p0two")
    digest = digests.Digest(language="en", zone="UTC", today=date(2027, 1, 4), pending=[line], overdue=[line],
                            today_items=[plain])
    text = digests.slack_text(SimpleNamespace(name=EVIL_NAME), digest)
    ours = f"<{url}|&lt;https://evil|Open in Greenlight&gt; a &amp; b>"
    assert text.count(ours) == 2
    assert_escaped(text, ours, f"<{base()}/posts/p0two|&lt;!channel&gt;>")
    assert "*Your Greenlight digest for 2027-01-04*" in text and "*Waiting for your approval*" in text
    assert "• due &lt;!channel&gt; 10:00 [Acme &lt;b&gt;&amp;&lt;/b&gt; Co]" in text
    assert "• [Acme] <" in text  # no time: no double space


# --- the approval request (Block Kit and its notification text) -----------------------------------

@pytest.mark.parametrize("language", ["en", "ru"])
def test_request_fallback_text_and_blocks_are_escaped(language):
    from chalicelib.approvals.slack import blocks as sb

    message = sb.RequestMessage(language=language, kind="ask", brand=EVIL_BRAND, title=EVIL_TITLE,
                                stage="Legal <!here>", stage_number=1, stage_count=1, version=2, author=EVIL_NAME,
                                channels=[("TG <!everyone>", "telegram", "Body <https://evil|click> & more")],
                                publish_time="", deadline="", approve_value="a", changes_value="c",
                                open_url="http://127.0.0.1/a/tok")
    fallback, blocks = sb.request_blocks(message)
    assert_escaped(fallback)
    assert "&lt;https://evil|Open in Greenlight&gt; a &amp; b" in fallback and "Acme &lt;b&gt;&amp;&lt;/b&gt; Co" in fallback
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    for text in texts:
        assert_escaped(text)
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "Eve &lt;!channel&gt; &lt;@U0BOSS&gt;" in dumped and "Body &lt;https://evil|click&gt; &amp; more" in dumped
    line = sb.outcome_line(language, "request_changes", EVIL_NAME, 2, "see <https://evil|here> & fix")
    assert_escaped(line)
    modal = sb.changes_modal(language, "{}", EVIL_TITLE)
    assert_escaped(modal["blocks"][0]["text"]["text"])


@pytest.mark.parametrize("kind", ["approved", "changes_requested", "rejected", "scheduled", "published", "failed"])
def test_post_notice_slack_text_is_escaped(kind):
    from chalicelib.notifications import notices, post_events

    reader = SimpleNamespace(id="u1", language="en", name="Ann")
    post = SimpleNamespace(id="p0note")
    what = {"title": EVIL_TITLE, "actor_name": EVIL_NAME, "channel": "TG <!everyone>", "error": EVIL_ERROR,
            "publish_at": "2026-12-01T09:00:00.000000Z", "target_state": "failed"}
    text = notices.notice_text(reader, post_events.lines_for(reader, kind, what, "Europe/Berlin"), post)
    assert_escaped(text, f"<{base()}/posts/p0note>")
    assert "&lt;https://evil|Open in Greenlight&gt; a &amp; b" in text
    if kind in ("changes_requested", "rejected", "approved"):
        assert "Eve &lt;!channel&gt; &lt;@U0BOSS&gt;" in text
    if kind == "scheduled":
        assert "2026-12-01 10:00 (Europe/Berlin)" in text
