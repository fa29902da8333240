"""The daily digest job on DynamoDB Local with a fixed clock: one email per person per day, even when
the job runs twice or concurrently; next send time at the local hour (DST-correct); nothing to say →
no email but still moved to the next day; turned off → out of the queue."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import time_machine

from chalicelib.notifications import digest as digest_service
from chalicelib.notifications import jobs as daily_digest
from chalicelib.notifications import repo as digest_repo
from tests.support.mail import html_of, messages, text_of
from tests.support.posts import body, call, new_post

UTC = timezone.utc


def mails_to(outbox, address):
    """Digest emails only (submitting a post also mails its approvers)."""
    return [m for m in messages(outbox)
            if address.lower() in str(m["To"]).lower() and m["X-Greenlight-Kind"] == "digest"]


def turn_on(client, user, hour=8, zone="Europe/Berlin", via="email"):
    r = call(client, "patch", "/v1/me", user, {"timezone": zone, "notify": {"digest": via, "hour": hour}})
    assert r.status_code == 200, r.body
    return digest_repo.get(user.id)


def test_digest_sent_once_with_pending_schedule_and_overdue(client, team, outbox):
    cm, writer = team["content_manager"], team["copywriter"]
    with time_machine.travel(datetime(2026, 12, 1, 5, 0, tzinfo=UTC), tick=False):
        item = turn_on(client, cm)
        assert item.next_at.startswith("2026-12-01T07:00:00")  # 08:00 in Berlin (winter, +1)
        today = new_post(client, team, title="Today's post", publish_at="2026-12-01T18:00")
        pending = new_post(client, team, title="Needs you", publish_at="2026-12-02T10:00")
        assert call(client, "post", f"/v1/posts/{pending['id']}/submit", writer).status_code == 200
        late = new_post(client, team, title="Late one", publish_at="2026-12-01T12:00")
        assert call(client, "post", f"/v1/posts/{late['id']}/submit", writer).status_code == 200
        summary = daily_digest.daily_digest()
        assert mails_to(outbox, cm.email) == []  # not yet 08:00 in Berlin
    with time_machine.travel(datetime(2026, 12, 1, 7, 0, 30, tzinfo=UTC), tick=False):
        summary = daily_digest.daily_digest()
        assert summary["sent"] >= 1
        daily_digest.daily_digest()  # a second run finds nothing due for this person
    mails = mails_to(outbox, cm.email)
    assert len(mails) == 1
    text = text_of(mails[0])
    assert "2026-12-01" in str(mails[0]["Subject"])
    assert "Waiting for your approval" in text and "Needs you" in text
    assert "Planned for today" in text and "Today's post" in text and "18:00" in text
    assert "Planned for tomorrow" in text
    assert "Overdue approvals" in text and "Late one" in text  # its stage deadline (publish − 24 h) passed
    assert f"/posts/{pending['id']}" in text and "Needs you" in html_of(mails[0])
    item = digest_repo.get(cm.id)
    assert item.last_sent_on == "2026-12-01"
    assert item.next_at.startswith("2026-12-02T07:00:00") and item.gsi2sk == f"{item.next_at}#{cm.id}"
    assert today["id"]


def test_concurrent_runs_send_one_email_per_person(client, team, outbox, make_user):
    brand = team["brand"]
    people = [make_user("content_manager", brand=brand) for _ in range(4)]
    with time_machine.travel(datetime(2027, 1, 10, 5, 0, tzinfo=UTC), tick=False):
        for person in people:
            turn_on(client, person, hour=9)
        post = new_post(client, team, title="Shared", publish_at="2027-01-11T10:00")
        assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    with time_machine.travel(datetime(2027, 1, 10, 8, 0, 5, tzinfo=UTC), tick=False):
        results, errors = [], []

        def worker():
            try:
                results.append(daily_digest.daily_digest())
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        daily_digest.daily_digest()
    for person in people:
        assert len(mails_to(outbox, person.email)) == 1, person.email
        assert digest_repo.get(person.id).next_at.startswith("2027-01-11T08:00:00")


def test_nothing_to_say_sends_nothing_but_moves_on_and_dst(client, make_user, outbox):
    lonely = make_user()  # no brands: never anything to say
    with time_machine.travel(datetime(2027, 3, 27, 6, 0, tzinfo=UTC), tick=False):
        item = turn_on(client, lonely, hour=8)
        assert item.next_at.startswith("2027-03-27T07:00:00")  # 08:00 CET
    with time_machine.travel(datetime(2027, 3, 27, 7, 0, 1, tzinfo=UTC), tick=False):
        daily_digest.daily_digest()
    assert mails_to(outbox, lonely.email) == []
    item = digest_repo.get(lonely.id)
    assert item.next_at.startswith("2027-03-28T06:00:00")  # 08:00 CEST: summer time began that night
    assert item.last_sent_on is None


def test_turning_off_dequeues_and_a_stale_item_is_dropped(client, make_user, outbox):
    person = make_user()
    with time_machine.travel(datetime(2027, 2, 1, 5, 0, tzinfo=UTC), tick=False):
        turn_on(client, person, hour=8)
        assert digest_repo.get(person.id) is not None
        r = call(client, "patch", "/v1/me", person, {"notify": {"digest": "off"}})
        assert body(r)["notify"]["digest"] == "off"
        assert digest_repo.get(person.id) is None


def test_changing_the_hour_the_same_day_does_not_send_twice(client, team, outbox):
    cm = team["content_manager"]
    with time_machine.travel(datetime(2027, 4, 5, 4, 0, tzinfo=UTC), tick=False):
        turn_on(client, cm, hour=7)
        post = new_post(client, team, title="Spring", publish_at="2027-04-06T10:00")
        call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    with time_machine.travel(datetime(2027, 4, 5, 5, 0, 10, tzinfo=UTC), tick=False):  # 07:00 CEST
        daily_digest.daily_digest()
        turn_on(client, cm, hour=9)  # later the same day: today's digest is already out
        item = digest_repo.get(cm.id)
        assert item.next_at.startswith("2027-04-06T07:00:00")
    with time_machine.travel(datetime(2027, 4, 5, 7, 0, 10, tzinfo=UTC), tick=False):
        daily_digest.daily_digest()
    assert len(mails_to(outbox, cm.email)) == 1


def test_russian_digest(client, make_user, team, outbox):
    ru = make_user("content_manager", brand=team["brand"], language="ru")
    with time_machine.travel(datetime(2027, 5, 3, 4, 0, tzinfo=UTC), tick=False):
        turn_on(client, ru, hour=8)
        post = new_post(client, team, title="Весна", publish_at="2027-05-04T10:00")
        call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
    with time_machine.travel(datetime(2027, 5, 3, 6, 0, 10, tzinfo=UTC), tick=False):
        daily_digest.daily_digest()
    mails = mails_to(outbox, ru.email)
    assert len(mails) == 1
    assert "сводка" in str(mails[0]["Subject"]) and "Ждут вашего согласования" in text_of(mails[0])


def test_compose_is_empty_for_someone_without_brands(make_user):
    from chalicelib.identity import repo as user_repo

    person = user_repo.get(make_user().id)
    assert digest_service.compose(person, datetime(2027, 1, 1, 8, 0, tzinfo=UTC)).empty


def test_slack_digest_goes_as_a_dm(client, team, outbox, monkeypatch):
    from chalicelib.core.settings import get_settings, reset_settings
    from tests.support.fake_slack import FakeSlack

    cm = team["content_manager"]
    with FakeSlack(tokens={"xoxb-digest"}) as fake:
        fake.emails[cm.email] = "U0DIGEST1"  # the link is proven by Slack's lookup of the address
        monkeypatch.setenv("SLACK_API_BASE_URL", fake.base_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-digest")
        reset_settings()
        try:
            with time_machine.travel(datetime(2027, 6, 7, 4, 0, tzinfo=UTC), tick=False):
                r = call(client, "patch", "/v1/me", cm,
                         {"timezone": "Europe/Berlin", "slack_user_id": "U0DIGEST1",
                          "notify": {"digest": "slack", "hour": 8}})
                assert r.status_code == 200, r.body
                post = new_post(client, team, title="Summer <sale> & more", publish_at="2027-06-08T10:00")
                call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"])
                fake.clear()
            with time_machine.travel(datetime(2027, 6, 7, 6, 0, 10, tzinfo=UTC), tick=False):
                daily_digest.daily_digest()
                daily_digest.daily_digest()
            posts = [c for c in fake.of("chat.postMessage") if "digest" in json.dumps(c.body)]
            assert len(posts) == 1
            text = json.dumps(posts[0].body)
            assert "Waiting for your approval" in text and "Summer &lt;sale&gt; &amp; more" in text
            sent = posts[0].body["text"]  # each post is our own link, its title escaped as the label
            assert f"<{get_settings().PUBLIC_BASE_URL}/posts/{post['id']}|Summer &lt;sale&gt; &amp; more>" in sent
            assert "<sale>" not in sent and " & " not in sent
            assert mails_to(outbox, cm.email) == []  # Slack only
        finally:
            monkeypatch.undo()
            reset_settings()
