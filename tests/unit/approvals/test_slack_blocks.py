"""Block Kit builders (pure): escaping, Slack's size limits, languages, the decision line, the modal."""
from __future__ import annotations

import json

from chalicelib.approvals.slack import blocks as sb


def message(**overrides) -> sb.RequestMessage:
    fields = dict(language="en", kind="ask", brand="Acme <Coffee> & Co", title="Autumn *menu*", stage="Content review",
                  stage_number=1, stage_count=2, version=3, author="Ann",
                  channels=[("TG", "telegram", "Pumpkin latte <b>is</b> back!\nSecond line"), ("X", "x", "Short")],
                  publish_time="2026-12-01 10:00 (Europe/Berlin)", deadline="2026-11-30 10:00 (Europe/Berlin)",
                  approve_value="tok-a", changes_value="tok-c", open_url="http://127.0.0.1/a/tok-o")
    fields.update(overrides)
    return sb.RequestMessage(**fields)


def test_request_blocks_have_the_facts_and_three_buttons():
    text, blocks = sb.request_blocks(message())
    assert text == "Acme &lt;Coffee&gt; &amp; Co: please review “Autumn *menu*”"  # the fallback is mrkdwn too
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "Acme &lt;Coffee&gt; &amp; Co" in dumped and "<b>" not in dumped
    assert "2026-12-01 10:00 (Europe/Berlin)" in dumped and "Version:* 3" in dumped and "Stage:* Content review (1 of 2)" in dumped
    assert "> Pumpkin latte &lt;b&gt;is&lt;/b&gt; back!\\n> Second line" in dumped
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 1
    buttons = {e["action_id"]: e for e in actions[0]["elements"]}
    assert buttons[sb.ACTION_APPROVE]["value"] == "tok-a" and buttons[sb.ACTION_APPROVE]["style"] == "primary"
    assert buttons[sb.ACTION_CHANGES]["value"] == "tok-c"
    assert buttons[sb.ACTION_OPEN]["url"] == "http://127.0.0.1/a/tok-o"


def test_russian_and_reminder_texts():
    _, blocks = sb.request_blocks(message(language="ru", kind="remind"))
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "Напоминание" in dumped and "Согласовать" in dumped and "Нужны правки" in dumped


def test_limits_are_respected():
    long = "x" * 10000
    _, blocks = sb.request_blocks(message(title=long, channels=[("TG", "telegram", long)] * 8))
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
    assert len(blocks) <= 50


def test_channel_message_says_anyone_may_answer():
    _, blocks = sb.request_blocks(message(anyone=True))
    assert any(b["type"] == "context" for b in blocks)


def test_outcome_removes_the_buttons():
    _, blocks = sb.request_blocks(message())
    line = sb.outcome_line("en", "approve", "Ann <admin>", 3)
    assert line.endswith("Ann &lt;admin&gt; approved (version 3)")
    done = sb.with_outcome(blocks, line)
    assert not [b for b in done if b["type"] == "actions"] and done[-1]["text"]["text"] == line
    bare = sb.with_outcome(None, sb.outcome_line("ru", "request_changes", "Ann", 2, "fix <it>"),
                           fallback_title="Title")
    assert "попросил(а) правки (версия 2)" in bare[-1]["text"]["text"] and "> fix &lt;it&gt;" in bare[-1]["text"]["text"]


def test_changes_modal_has_a_required_multiline_comment():
    view = sb.changes_modal("en", '{"t":"x"}', "Autumn")
    assert view["type"] == "modal" and view["callback_id"] == sb.MODAL_CALLBACK and view["private_metadata"] == '{"t":"x"}'
    field = view["blocks"][-1]
    assert field["type"] == "input" and field["block_id"] == sb.COMMENT_BLOCK and "optional" not in field
    assert field["element"]["multiline"] is True and field["element"]["action_id"] == sb.COMMENT_ACTION
    assert all(len(view[k]["text"]) <= 24 for k in ("title", "submit", "close"))


def test_every_value_is_escaped_with_the_one_helper():
    from chalicelib.core import slack_text

    assert sb.esc is slack_text.escape  # one escape for every Slack text
    evil = "<https://evil|Open in Greenlight> a & b"
    text, blocks = sb.request_blocks(message(title=evil, brand="<!channel>", author="<@U1>", stage="<!here>"))
    assert "<" not in text and ">" not in text and "&lt;https://evil|Open in Greenlight&gt; a &amp; b" in text
    sections = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "<" not in sections.replace("\n> ", "\n") and "&lt;!channel&gt;" in sections and "&lt;@U1&gt;" in sections
    assert "&lt;!here&gt;" in sections
