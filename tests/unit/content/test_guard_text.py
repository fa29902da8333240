"""content/guard_text.detail_message: the one translation of a service's problem the pages share (the post
form, the calendar's move) — a limit by its key, any guardrail by `guard.<code>`, else the service's words."""
from __future__ import annotations

from chalicelib.content import guard_text


def test_a_limit_problem_is_said_by_its_key_with_the_channel_first():
    detail = {"field": "body", "code": "too_long", "key": "too_long", "params": {"network": "Telegram", "limit": 4096,
                                                                              "actual": 5000},
              "channel": "TG", "message": "TG: Telegram allows 4,096 characters; this text has 5,000."}
    assert guard_text.detail_message(detail, "ru").startswith("TG: ")
    assert "4\u00a0096" in guard_text.detail_message(detail, "ru")


def test_every_guardrail_code_is_looked_up_not_only_a_fixed_few():
    for code, params in (("past", {"wall": "2026-01-01 10:00", "zone": "Europe/Berlin"}),
                         ("submit_past", {"wall": "2026-01-01 10:00", "zone": "Europe/Berlin"}),
                         ("no_channel", {}), ("now_and_time", {}),
                         ("clash_hint", {})):
        detail = {"field": "publish_at", "code": code, "params": params, "message": "English words"}
        text = guard_text.detail_message(detail, "ru")
        assert text and text != "English words", code
        assert text == guard_text.guard_message(code, params, "ru")


def test_anything_else_keeps_the_services_message():
    assert guard_text.detail_message({"field": "x", "code": "mystery", "message": "As the API said"}, "ru") == \
        "As the API said"
    assert guard_text.detail_message({"field": "x"}, "en") == ""
    # a limit whose params do not fit its text falls back to the message instead of failing the page
    assert guard_text.detail_message({"key": "too_long", "params": {"limit": 1}, "message": "Long"}, "en") == "Long"
