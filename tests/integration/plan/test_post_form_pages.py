"""The post form (plan/post_form_pages.py) through the real app on DynamoDB Local: per-channel variants
and previews, limit errors in the page's language, the guardrails (past time, publish now, clash) and
time zones picked from a list (docs/post-form.md)."""
from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from chalicelib.core import schedule
from chalicelib.core.clock import utcnow
from chalicelib.core.http import csrf
from tests.support.posts import body, call, new_post
from tests.support.web import Browser, csrf_token_in, html

ZONE = "Europe/Berlin"


def as_user(client, user) -> Browser:
    return Browser(client, Authorization=f"Bearer {user.token}")


def soon(days: float = 3) -> str:
    return schedule.to_wall(utcnow() + timedelta(days=days), ZONE)


def fields(team, channels=("tg",), **extra) -> list[tuple[str, str]]:
    data = {"brand_id": team["brand"].id, "title": "Winter menu", "body": "Mulled wine is here!",
            "content_type": "advertising", "publish_at": soon(), "timezone": ZONE, "tags": "", **extra}
    return [*data.items(), *[("channel_ids", team[c]) for c in channels]]


def open_new(writer, team):
    page = writer.get(f"/posts/new?brand_id={team['brand'].id}")
    assert page.status_code == 200
    return page


def create(writer, team, channels=("tg",), **extra):
    page = open_new(writer, team)
    return writer.post("/posts/new", [(csrf.FIELD, csrf_token_in(page)), *fields(team, channels, **extra)])


def created_id(r) -> str:
    match = re.search(r"/posts/([0-9a-z]+)(/edit)?\?done=post_created$", r.headers["Location"])
    assert match, r.headers["Location"]
    return match.group(1)


def preview_of(text: str, channel_id: str) -> str:
    match = re.search(rf'<section class="preview[^"]*" id="preview-{channel_id}".*?</section>', text, re.S)
    assert match, channel_id
    return match.group(0)


# --- variants and previews -----------------------------------------------------------------------

def test_variants_are_saved_per_chosen_channel_and_shown_again(client, team):
    writer = as_user(client, team["copywriter"])
    r = create(writer, team, channels=("tg", "x"), **{f"variant_{team['x']}": "Short for X",
                                                      f"variant_{team['tg']}": "  "})
    assert r.status_code == 303, r.body
    post_id = created_id(r)
    got = body(call(client, "get", f"/v1/posts/{post_id}", team["copywriter"]))
    assert got["variants"] == {team["x"]: {"body": "Short for X"}}  # empty → the main text, no variant
    edit = html(writer.get(f"/posts/{post_id}/edit"))
    x_box = preview_of(edit, team["x"])
    assert f'name="variant_{team["x"]}"' in x_box and ">Short for X</textarea>" in x_box
    assert '<span class="mock-visible">Short for X</span>' in x_box
    assert '<span class="mock-visible">Mulled wine is here!</span>' in preview_of(edit, team["tg"])
    assert 'role="tablist"' in edit  # the tabs post_form.js shows
    shown = html(writer.get(f"/posts/{post_id}"))
    texts = re.search(r'<div class="channel-texts">.*?</div>\s*</div>\s*</div>', shown, re.S)
    assert texts and "Short for X" in texts.group(0) and f'data-channel="{team["tg"]}"' not in texts.group(0)


def test_a_variant_like_the_main_text_or_for_an_unchosen_channel_is_not_kept(client, team):
    writer = as_user(client, team["copywriter"])
    r = create(writer, team, channels=("tg",), **{f"variant_{team['tg']}": "Mulled wine is here!",
                                                  f"variant_{team['x']}": "Not chosen"})
    assert r.status_code == 303, r.body
    assert body(call(client, "get", f"/v1/posts/{created_id(r)}", team["copywriter"]))["variants"] == {}


def test_only_chosen_channels_preview_and_the_text_is_cut_where_the_network_cuts(client, team):
    writer = as_user(client, team["copywriter"])
    page = html(open_new(writer, team))
    assert 'class="preview preview-off"' in page  # nothing chosen yet: no preview shown
    r = create(writer, team, channels=("x",), body="a" * 300)
    assert r.status_code == 422
    box = preview_of(html(r), team["x"])
    assert 'class="counter over"' in box and "300 / 280" in box
    assert f'<del class="mock-over" title="cut off: over the limit">{"a" * 20}</del>' in box
    assert 'class="preview preview-off' in preview_of(html(r), team["tg"])


# --- limit errors in the page's language ---------------------------------------------------------

def test_a_limit_error_is_russian_on_a_russian_page(client, team, make_user):
    writer = as_user(client, make_user("copywriter", brand=team["brand"], language="ru"))
    r = create(writer, team, channels=("x",), body="a" * 300)
    assert r.status_code == 422
    text = html(r)
    assert "X допускает 280 символов; в этом тексте 300." in text and "allows" not in text
    r = create(writer, team, channels=("x", "tg"), **{f"variant_{team['x']}": "б" * 290})
    assert r.status_code == 422
    error = re.search(rf'id="variant-{team["x"]}-error">([^<]*)<', html(r))
    assert error and "X допускает 280 символов; в этом тексте 290." in error.group(1)


def test_an_english_page_keeps_the_english_words(client, team):
    r = create(as_user(client, team["copywriter"]), team, channels=("x",), body="a" * 300)
    assert "X allows 280 characters; this text has 300." in html(r)


# --- guardrails in the form -----------------------------------------------------------------------

def test_a_past_time_is_refused_and_publish_now_is_offered(client, team, make_user):
    writer = as_user(client, make_user("copywriter", brand=team["brand"], language="ru"))
    r = create(writer, team, publish_at=soon(-1))
    assert r.status_code == 422
    error = re.search(r'id="post-publish_at-error">([^<]*)<', html(r))
    assert error and "уже прошло" in error.group(1)
    assert 'name="publish_now"' in html(r)
    with time_machine.travel(utcnow().replace(second=59, microsecond=0), tick=False):  # the minute cannot roll over
        r = create(writer, team, publish_at=soon(-1), publish_now="1")
        assert r.status_code == 303, r.body
        got = body(call(client, "get", f"/v1/posts/{created_id(r)}", team["copywriter"]))
        assert got["publish_now"] is True and got["publish_at"] == schedule.to_wall(utcnow(), ZONE)
    edit = html(writer.get(f"/posts/{created_id(r)}/edit"))
    assert re.search(r'name="publish_now" value="1"[^>]*checked', edit)


def test_a_clash_saves_and_warns_on_the_form_naming_the_other_post(client, team):
    first = new_post(client, team, title="Morning latte", publish_at=soon(4), timezone=ZONE)
    writer = as_user(client, team["copywriter"])
    r = create(writer, team, title="Close call",
               publish_at=schedule.to_wall(utcnow() + timedelta(days=4, minutes=15), ZONE))
    assert r.status_code == 303 and "/edit?done=post_created" in r.headers["Location"]
    page = html(writer.get(r.headers["Location"]))
    warning = re.search(r'<div class="alert alert-warning clash-warning".*?</div>', page, re.S)
    assert warning and "Morning latte" in warning.group(0) and first["id"] in warning.group(0)
    assert "The post is created." in page
    r = create(writer, team, title="Far away", publish_at=soon(9))
    assert re.search(r"/posts/[0-9a-z]+\?done=post_created$", r.headers["Location"])  # no clash: the post page


def test_the_clash_is_decided_from_the_saves_notices_without_a_second_query(client, team, monkeypatch):
    from chalicelib.content import guards

    new_post(client, team, title="Morning latte", publish_at=soon(4), timezone=ZONE)
    real, asked = guards.clashes, []

    def counted(post, brand):
        asked.append(post.id)
        return real(post, brand)

    monkeypatch.setattr(guards, "clashes", counted)
    writer = as_user(client, team["copywriter"])
    r = create(writer, team, title="Close call", publish_at=schedule.to_wall(utcnow() + timedelta(days=4, minutes=15),
                                                                             ZONE))
    assert r.status_code == 303 and "/edit?done=post_created" in r.headers["Location"]
    assert len(asked) == 1  # the service's own look; the page reads its notices
    post_id = created_id(r)
    edit = writer.get(f"/posts/{post_id}/edit")  # the form shows the clash (its own look, a GET)
    asked.clear()
    r = writer.post(f"/posts/{post_id}/edit", [(csrf.FIELD, csrf_token_in(edit)), ("version", "1"),
                                                *fields(team, title="Still close",
                                                        publish_at=schedule.to_wall(
                                                            utcnow() + timedelta(days=4, minutes=10), ZONE))])
    assert r.status_code == 303 and f"/posts/{post_id}/edit?done=post_saved" in r.headers["Location"]
    assert len(asked) == 1


def test_a_failing_clash_check_never_fails_a_saved_post(client, team, monkeypatch):
    from chalicelib.content import guards

    def broken(post, brand):
        raise RuntimeError("the calendar index is unavailable")

    monkeypatch.setattr(guards, "clashes", broken)
    r = create(as_user(client, team["copywriter"]), team, title="Saved anyway")
    assert r.status_code == 303, r.body  # the post is written: its page, not a 500
    assert re.search(r"/posts/[0-9a-z]+\?done=post_created$", r.headers["Location"])
    assert body(call(client, "get", f"/v1/posts/{created_id(r)}", team["copywriter"]))["title"] == "Saved anyway"
    assert as_user(client, team["copywriter"]).get(f"/posts/{created_id(r)}/edit").status_code == 200


def test_a_form_with_more_than_100_fields_is_read(client, team):
    """The form pipeline takes up to MAX_FORM_FIELDS (250) fields; the repeated-field reader must too."""
    writer = as_user(client, team["copywriter"])
    page = open_new(writer, team)
    padding = [(f"extra_{n}", "x") for n in range(150)]  # unknown fields are ignored
    r = writer.post("/posts/new", [(csrf.FIELD, csrf_token_in(page)), *fields(team), *padding])
    assert r.status_code == 303, r.body
    assert re.search(r"/posts/[0-9a-z]+\?done=post_created$", r.headers["Location"])


# --- time zones from a list -------------------------------------------------------------------------

def test_the_post_form_picks_the_zone_from_a_list_with_the_brands_preselected(client, team):
    page = html(open_new(as_user(client, team["copywriter"]), team))
    select = re.search(r'<select id="post-timezone" name="timezone".*?</select>', page, re.S)
    assert select and '<option value="Europe/Berlin" selected>Europe/Berlin</option>' in select.group(0)
    assert '<optgroup label="Common">' in select.group(0) and '<optgroup label="America">' in select.group(0)
    assert not re.search(r'<input[^>]*name="timezone"', page)


def test_a_zone_not_in_the_list_is_refused_and_kept(client, team):
    r = create(as_user(client, team["copywriter"]), team, timezone="Mars/Olympus")
    assert r.status_code == 422 and 'id="post-timezone-error"' in html(r)
    assert '<option value="Mars/Olympus" selected>' in html(r)


def test_brand_settings_set_the_zone_and_the_clash_window(client, team):
    manager = as_user(client, team["smm_manager"])
    path = f"/brands/{team['brand'].id}"
    page = html(manager.get(path))
    assert 'id="brand-clash_minutes"' in page and 'value="30"' in page
    assert re.search(r'<select id="channel-timezone" name="timezone"', page)  # the channel form too
    r = manager.submit(path, f"{path}/settings", {"timezone": "Asia/Tokyo", "clash_minutes": "45"})
    assert r.status_code == 303 and r.headers["Location"].endswith("done=brand_settings_saved#settings")
    brand = body(call(client, "get", f"/v1/brands/{team['brand'].id}", team["smm_manager"]))
    assert brand["timezone"] == "Asia/Tokyo" and brand["settings"]["clash_minutes"] == 45
    r = manager.submit(path, f"{path}/settings", {"timezone": "Nowhere/City", "clash_minutes": "-5"})
    assert r.status_code == 422
    assert 'id="brand-timezone-error"' in html(r) and 'id="brand-clash_minutes-error"' in html(r)
    copywriter = html(as_user(client, team["copywriter"]).get(path))
    assert 'id="brand-clash_minutes"' not in copywriter  # only who may edit the brand
