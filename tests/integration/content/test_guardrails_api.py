"""Guardrails on planning a post, through the API on DynamoDB Local (docs/post-form.md): a past publish
time is refused unless "publish now"; submit needs a channel; a clash on a channel warns; zones are
IANA names; network-limit problems carry a code, params and the user's language."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from chalicelib.core import schedule
from chalicelib.core.clock import utcnow
from tests.support.posts import body, call, new_post

ZONE = "Europe/Berlin"


def wall_in(delta: timedelta, zone: str = ZONE) -> str:
    """A local wall time `delta` from now (the tests' times follow the clock, never a fixed date)."""
    return schedule.to_wall(utcnow() + delta, zone)


def create(client, team, **fields):
    data = {"brand_id": team["brand"].id, "title": "Guarded", "body": "Text", "channel_ids": [team["tg"]],
            "content_type": "advertising", **fields}
    return call(client, "post", "/v1/posts", team["copywriter"], data)


def error_of(r) -> tuple[str, dict]:
    err = body(r)["error"]
    return err["message"], {d.get("field"): d for d in err["details"]}


# --- a publish time in the past ------------------------------------------------------------------

def test_a_past_publish_time_is_refused_on_create(client, team):
    r = create(client, team, publish_at=wall_in(-timedelta(hours=2)), timezone=ZONE)
    assert r.status_code == 422, r.body
    message, details = error_of(r)
    assert details["publish_at"]["code"] == "past" and "Publish now" in message
    assert details["publish_at"]["params"]["zone"] == ZONE


def test_the_current_minute_is_not_past(client, team):
    with time_machine.travel(utcnow().replace(second=59, microsecond=0), tick=False):  # the minute cannot roll over
        r = create(client, team, publish_at=wall_in(timedelta(0)), timezone=ZONE)
    assert r.status_code == 201, r.body


def test_publish_now_sets_the_current_minute(client, team):
    with time_machine.travel(datetime(2031, 5, 4, 9, 17, 42, tzinfo=UTC), tick=False):
        r = create(client, team, publish_now=True, timezone=ZONE)
    assert r.status_code == 201, r.body
    post = body(r)
    assert post["publish_now"] is True
    assert post["publish_at"] == "2031-05-04T11:17" and post["publish_at_utc"] == "2031-05-04T09:17:00.000000Z"


def test_publish_now_with_a_time_is_refused(client, team):
    r = create(client, team, publish_now=True, publish_at=wall_in(timedelta(days=2)))
    assert r.status_code == 422
    assert error_of(r)[1]["publish_at"]["code"] == "now_and_time"


def test_an_edit_to_a_past_time_is_refused_but_publish_now_is_taken(client, team):
    post = new_post(client, team, publish_at=wall_in(timedelta(days=3)), timezone=ZONE)
    r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
             {"version": 1, "publish_at": wall_in(-timedelta(days=1))})
    assert r.status_code == 422 and error_of(r)[1]["publish_at"]["code"] == "past"
    with time_machine.travel(utcnow().replace(second=59, microsecond=0), tick=False):  # the minute stays
        r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"], {"version": 1, "publish_now": True})
        assert r.status_code == 200, r.body
        assert body(r)["publish_now"] is True and body(r)["publish_at"] == wall_in(timedelta(0))


def test_a_post_whose_time_passed_stays_editable_when_the_time_is_kept(client, team):
    when = wall_in(timedelta(days=1))
    post = new_post(client, team, publish_at=when, timezone=ZONE)
    with time_machine.travel(utcnow() + timedelta(days=2), tick=False):
        r = call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
                 {"version": 1, "title": "New title", "publish_at": when})
    assert r.status_code == 200, r.body
    assert body(r)["title"] == "New title" and body(r)["publish_at"] == when


def test_submit_after_the_time_passed_is_refused_unless_publish_now(client, team):
    post = new_post(client, team, publish_at=wall_in(timedelta(hours=1)), timezone=ZONE)
    now_post = body(create(client, team, publish_now=True))
    later = utcnow() + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
        assert r.status_code == 422, r.body
        assert error_of(r)[1]["publish_at"]["code"] == "submit_past"
        r = call(client, "post", f"/v1/posts/{now_post['id']}/submit", team["copywriter"])
        assert r.status_code == 200, r.body
        assert body(r)["status"] == "in_review"


def test_review_and_approval_still_work_when_the_time_passes_during_review(client, team):
    post = new_post(client, team, publish_at=wall_in(timedelta(hours=1)), timezone=ZONE)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    with time_machine.travel(utcnow() + timedelta(hours=2), tick=False):
        for who in ("content_manager", "smm_manager"):
            r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who],
                     {"version": 1, "decision": "approve"})
            assert r.status_code == 200, r.body
    assert body(r)["status"] == "scheduled"


def test_publish_now_means_as_soon_as_approved(client, team):
    """Saved at 09:17 with "publish now", approved through the two-stage chain three hours later: the post
    is scheduled at the approval minute (not at 09:17, which publishing would mark missed) and goes out."""
    from chalicelib.content import repo as post_repo
    from chalicelib.publishing import repo as target_repo
    from chalicelib.publishing import sweep as publish_sweep

    saved_at = datetime(2031, 5, 4, 9, 17, 42, tzinfo=UTC)
    with time_machine.travel(saved_at, tick=False):
        post = body(create(client, team, publish_now=True, channel_ids=[team["x"]], timezone=ZONE))
        assert post["publish_at"] == "2031-05-04T11:17"
        assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    approved_at = saved_at + timedelta(hours=3, minutes=5)  # 12:22:42 UTC, 14:22 in Berlin
    with time_machine.travel(approved_at, tick=False):
        r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["content_manager"],
                 {"version": 1, "decision": "approve"})
        assert r.status_code == 200 and body(r)["status"] == "in_review"
        assert body(r)["publish_at"] == "2031-05-04T11:17"  # not approved yet: the time is kept
        r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team["smm_manager"],
                 {"version": 1, "decision": "approve"})
    assert r.status_code == 200, r.body
    got = body(r)
    assert got["status"] == "scheduled" and got["publish_now"] is True
    assert got["publish_at"] == "2031-05-04T14:22" and got["publish_at_utc"] == "2031-05-04T12:22:00.000000Z"
    stored = post_repo.get(post["id"], consistent=True)
    assert stored.gsi1sk.startswith("2031-05-04T12:22:00")  # the calendar shows it at the approval minute
    [target] = target_repo.for_post(post["id"])
    assert target.state == "scheduled" and target.publish_at.startswith("2031-05-04T12:22:00")
    history = body(call(client, "get", f"/v1/posts/{post['id']}/history", team["smm_manager"]))["audit"]
    final = next(e for e in history if e["action"] == "decision:approve" and e["after"].get("status") == "scheduled")
    assert (final["before"]["publish_at"], final["after"]["publish_at"]) == ("2031-05-04T11:17", "2031-05-04T14:22")

    with time_machine.travel(approved_at + timedelta(seconds=30), tick=False):
        publish_sweep.run(utcnow(), rate_limits=False)  # the publish job, right after the approval
    [target] = target_repo.for_post(post["id"])
    assert target.state == "publishing" and target.manual  # X is by hand: the task went out, nothing missed
    assert post_repo.get(post["id"], consistent=True).status == "publishing"


def test_a_held_publish_now_post_goes_out_when_released(client, team):
    saved_at = datetime(2031, 6, 1, 8, 0, 10, tzinfo=UTC)
    with time_machine.travel(saved_at, tick=False):
        post = body(create(client, team, publish_now=True, channel_ids=[team["x"]], timezone=ZONE))
        assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
        assert call(client, "post", f"/v1/posts/{post['id']}/hold", team["smm_manager"]).status_code == 200
        for who in ("content_manager", "smm_manager"):
            r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who],
                     {"version": 1, "decision": "approve"})
            assert r.status_code == 200, r.body
    with time_machine.travel(saved_at + timedelta(hours=5), tick=False):  # released five hours later
        r = call(client, "post", f"/v1/posts/{post['id']}/release", team["smm_manager"])
    assert r.status_code == 200, r.body
    assert body(r)["status"] == "scheduled" and body(r)["publish_at"] == "2031-06-01T15:00"


def test_a_post_with_a_planned_time_keeps_it_when_approved_late(client, team):
    """Only "publish now" moves: a post approved after its planned time keeps that time (and is missed)."""
    post = new_post(client, team, publish_at=wall_in(timedelta(hours=1)), timezone=ZONE)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    with time_machine.travel(utcnow() + timedelta(hours=3), tick=False):
        for who in ("content_manager", "smm_manager"):
            r = call(client, "post", f"/v1/posts/{post['id']}/decisions", team[who],
                     {"version": 1, "decision": "approve"})
    assert body(r)["status"] == "scheduled" and body(r)["publish_at"] == post["publish_at"]


# --- submit needs a channel ----------------------------------------------------------------------

def test_submit_without_a_channel_is_refused(client, team):
    post = new_post(client, team, channel_ids=[], publish_at=wall_in(timedelta(days=2)))
    r = call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    assert r.status_code == 422, r.body
    message, details = error_of(r)
    assert details["channel_ids"]["code"] == "no_channel" and "channel" in message
    assert body(call(client, "get", f"/v1/posts/{post['id']}", team["copywriter"]))["status"] == "draft"


def test_submit_without_a_channel_in_russian(client, team, make_user):
    writer = make_user("copywriter", brand=team["brand"], language="ru")
    r = call(client, "post", "/v1/posts", writer, {"brand_id": team["brand"].id, "title": "Без канала"})
    assert r.status_code == 201, r.body
    r = call(client, "post", f"/v1/posts/{body(r)['id']}/submit", writer)
    assert r.status_code == 422 and "Выберите хотя бы один канал" in body(r)["error"]["message"]


# --- a clash on a channel warns ------------------------------------------------------------------

def test_a_clash_on_the_same_channel_warns_and_names_the_other_post(client, team):
    base = utcnow() + timedelta(days=5)
    first = new_post(client, team, title="Morning latte", publish_at=schedule.to_wall(base, ZONE), timezone=ZONE)
    r = create(client, team, title="Second one", publish_at=schedule.to_wall(base + timedelta(minutes=10), ZONE),
               timezone=ZONE)
    assert r.status_code == 201, r.body  # a warning, not a refusal
    notices = body(r)["notices"]
    assert len(notices) == 1 and "Morning latte" in notices[0] and first["id"] in notices[0]
    assert "TG" in notices[0] and "10 min" in notices[0]


def test_no_clash_on_another_channel_or_far_enough_or_archived(client, team):
    base = utcnow() + timedelta(days=6)
    other = new_post(client, team, title="On TG", publish_at=schedule.to_wall(base, ZONE), timezone=ZONE)
    r = create(client, team, channel_ids=[team["x"]], publish_at=schedule.to_wall(base, ZONE), timezone=ZONE)
    assert body(r)["notices"] == []
    r = create(client, team, publish_at=schedule.to_wall(base + timedelta(minutes=30), ZONE), timezone=ZONE)
    assert body(r)["notices"] == []  # 30 minutes apart is not "less than 30"
    assert call(client, "post", f"/v1/posts/{other['id']}/archive", team["smm_manager"]).status_code == 200
    r = create(client, team, publish_at=schedule.to_wall(base - timedelta(minutes=5), ZONE), timezone=ZONE)
    assert body(r)["notices"] == []  # 5 minutes from the archived one, 35 from the other


def test_an_edit_that_moves_a_post_next_to_another_warns(client, team):
    base = utcnow() + timedelta(days=7)
    new_post(client, team, title="Fixed", publish_at=schedule.to_wall(base, ZONE), timezone=ZONE)
    moving = new_post(client, team, title="Moving", publish_at=schedule.to_wall(base + timedelta(hours=3), ZONE),
                      timezone=ZONE)
    assert moving["notices"] == []
    r = call(client, "patch", f"/v1/posts/{moving['id']}", team["copywriter"],
             {"version": 1, "publish_at": schedule.to_wall(base - timedelta(minutes=20), ZONE)})
    assert r.status_code == 200 and len(body(r)["notices"]) == 1 and "Fixed" in body(r)["notices"][0]


def test_the_clash_window_is_a_brand_setting_and_0_turns_it_off(client, team):
    brand_id = team["brand"].id
    r = call(client, "patch", f"/v1/brands/{brand_id}", team["smm_manager"], {"settings": {"clash_minutes": 0}})
    assert r.status_code == 200, r.body
    assert body(r)["settings"]["clash_minutes"] == 0
    base = utcnow() + timedelta(days=8)
    new_post(client, team, publish_at=schedule.to_wall(base, ZONE), timezone=ZONE)
    assert body(create(client, team, publish_at=schedule.to_wall(base, ZONE), timezone=ZONE))["notices"] == []
    call(client, "patch", f"/v1/brands/{brand_id}", team["smm_manager"], {"settings": {"clash_minutes": 90}})
    r = create(client, team, publish_at=schedule.to_wall(base + timedelta(minutes=60), ZONE), timezone=ZONE)
    assert len(body(r)["notices"]) == 2  # both posts at `base` are 60 minutes away, inside 90
    r = call(client, "patch", f"/v1/brands/{brand_id}", team["smm_manager"], {"settings": {"clash_minutes": -1}})
    assert r.status_code == 422


# --- zones are IANA names ------------------------------------------------------------------------

def test_a_zone_must_be_a_real_iana_name(client, team):
    r = create(client, team, publish_at=wall_in(timedelta(days=2)), timezone="Mars/Olympus")
    assert r.status_code == 422 and error_of(r)[1]["timezone"]
    r = call(client, "patch", f"/v1/brands/{team['brand'].id}", team["smm_manager"], {"timezone": "Europe/Atlantis"})
    assert r.status_code == 422
    r = call(client, "post", f"/v1/brands/{team['brand'].id}/channels", team["smm_manager"],
             {"platform": "vk", "name": "VK", "timezone": "GMT+3"})
    assert r.status_code == 422


# --- network limits in the user's language -------------------------------------------------------

def test_limit_problems_carry_code_params_and_the_users_language(client, team, make_user):
    writer = make_user("copywriter", brand=team["brand"], language="ru")
    r = call(client, "post", "/v1/posts", writer, {"brand_id": team["brand"].id, "title": "Длинный",
                                                   "body": "a" * 300, "channel_ids": [team["x"]]})
    assert r.status_code == 422
    detail = body(r)["error"]["details"][0]
    assert detail["code"] == "too_long" and detail["params"]["limit"] == 280 and detail["params"]["actual"] == 300
    assert detail["message"] == "X: X допускает 280 символов; в этом тексте 300."
    assert body(r)["error"]["message"] == "Пост не укладывается в ограничения выбранных соцсетей."
    r = create(client, team, body="a" * 300, channel_ids=[team["x"]])
    assert body(r)["error"]["details"][0]["message"] == "X: X allows 280 characters; this text has 300."

