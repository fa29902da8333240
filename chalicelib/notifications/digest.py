"""The daily digest: what a person gets once a day at their local hour (email and/or Slack).

  pending   posts in review of my brands where I am one of the approvers still to decide
  schedule  posts of my brands planned for today and tomorrow (local dates in my time zone)
  overdue   posts in review of my brands whose stage deadline has passed

The queue (DUE#DIGEST on core/db/queue.py) is in notifications/repo.py; the hourly job in notifications/jobs.py.
A day with nothing to say sends nothing but still moves the digest to the next day.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.brands import repo as brand_repo
from chalicelib.content import repo as post_repo
from chalicelib.content import service as post_service
from chalicelib.core import i18n, schedule
from chalicelib.core.clock import iso, parse_utc, utcnow
from chalicelib.core.db.pages import drain
from chalicelib.core.db.writes import Actor
from chalicelib.core.plain import plain
from chalicelib.identity import repo as user_repo
from chalicelib.identity.principal import Principal
from chalicelib.notifications import repo as digest_repo
from chalicelib.notifications import rules as preferences

log = logging.getLogger("greenlight.digest")

JOB_ACTOR = Actor(None, "daily-digest", "job")
LEASE_MINUTES = 10
BATCH = 100
MAX_RUN_ITEMS = 1000
HIDDEN_FROM_SCHEDULE = {"archived", "rejected"}
FALLBACK_ZONE = "UTC"


# --- when: pure ----------------------------------------------------------------------------------

def next_send_at(now: datetime, hour: int, zone: str, *, not_on_or_before: date | None = None) -> datetime:
    """The first instant after `now` when the local clock in `zone` shows `hour`:00, on a local date
    after `not_on_or_before` (the day of the last digest). DST-correct: a 02:00 that the clock skips
    becomes 03:00 that day (schedule.to_utc), and the hour is local on every date."""
    tz = schedule.zone_info(zone)
    day = now.astimezone(tz).date()
    for _ in range(4):
        if not_on_or_before is None or day > not_on_or_before:
            at = schedule.to_utc(datetime.combine(day, time(hour)), zone)
            if at > now:
                return at
        day += timedelta(days=1)
    raise AssertionError("unreachable: a local hour happens at least once in four days")


def local_date(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def zone_for(user) -> str:
    """The person's zone, else the zone of their first brand, else UTC."""
    if getattr(user, "timezone", None):
        return user.timezone
    brand_ids = sorted(plain(user.brands) or {})
    if brand_ids:
        brand = brand_repo.get(brand_ids[0])
        if brand is not None and brand.timezone:
            return brand.timezone
    return FALLBACK_ZONE


def planned_item(user, previous, now: datetime | None = None):
    """The DigestItem the person's preferences ask for, or None when the digest is off."""
    prefs = preferences.of(user)
    if prefs.digest == "off":
        return None
    now = now or utcnow()
    zone = zone_for(user)
    last = date.fromisoformat(previous.last_sent_on) if previous is not None and previous.last_sent_on else None
    at = next_send_at(now, prefs.hour, zone, not_on_or_before=last)
    return digest_repo.planned(user.id, via=prefs.digest, hour=prefs.hour, timezone=zone, next_at=iso(at),
                               previous=previous)


def queue_ops(user_after, previous):
    """The conditional operation that (re)queues or dequeues the digest after a profile change, or None."""
    item = planned_item(user_after, previous)
    if item is None:
        return digest_repo.delete_op(previous) if previous is not None else None
    if previous is not None and (previous.via, int(previous.hour), previous.timezone) == (item.via, item.hour,
                                                                                       item.timezone):
        return None  # nothing that matters changed: keep the queued time
    return digest_repo.put_op(item, previous)


# --- what: the content ---------------------------------------------------------------------------

@dataclass
class Line:
    brand: str
    title: str
    when: str  # local wall time in the reader's zone, "" when none
    url: str
    status: str = ""


@dataclass
class Digest:
    language: str
    zone: str
    today: date
    pending: list[Line] = field(default_factory=list)
    today_items: list[Line] = field(default_factory=list)
    tomorrow_items: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.pending or self.today_items or self.tomorrow_items or self.overdue)


def _post_url(post_id: str) -> str:
    from chalicelib.core.settings import get_settings

    return f"{get_settings().PUBLIC_BASE_URL}/posts/{post_id}"


def _wall(instant: str | None, zone: str) -> str:
    at = parse_utc(instant)
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _title(post) -> str:
    text = (post.title or post.body or "").strip()
    return text.splitlines()[0][:120] if text else "—"


def _calendar_posts(brand_id: str, start: str, end: str) -> list:
    # at most 2,000 posts in two days: enough for any brand
    return list(drain(lambda cursor: post_repo.list_calendar(brand_id, start, end, cursor, 100), max_items=2000))


def compose(user, now: datetime) -> Digest:
    language = i18n.normalize(user.language)
    zone = zone_for(user)
    today = local_date(now, zone)
    digest = Digest(language=language, zone=zone, today=today)
    brand_ids = sorted(plain(user.brands) or {})
    brands = {b.id: b for b in brand_repo.batch_get(brand_ids)} if brand_ids else {}
    day_starts = [schedule.to_utc(datetime.combine(today + timedelta(days=n), time(0)), zone) for n in range(3)]
    reader = Principal.from_user(user)  # a client approver's digest holds only the posts put to them
    for brand_id in brand_ids:
        brand = brands.get(brand_id)
        if brand is None:
            continue
        for post in post_repo.list_in_review(brand_id):
            if not post_service.sees(reader, post):
                continue
            deadline = plain(post.approval).get("deadline") if post.approval else None
            due = _wall(deadline, zone)
            line = Line(brand.name, _title(post), i18n.translate("digest.due_at", language, at=due) if due else "",
                        _post_url(post.id), post.status)
            if user.id in post_repo.state_of(post).waiting_for():
                digest.pending.append(line)
            if parse_utc(deadline) is not None and parse_utc(deadline) < now:
                digest.overdue.append(line)
        for post in _calendar_posts(brand_id, iso(day_starts[0]), iso(day_starts[2])):
            publish = parse_utc(post.publish_at)
            if post.status in HIDDEN_FROM_SCHEDULE or publish is None or not day_starts[0] <= publish < day_starts[2] \
                    or not post_service.sees(reader, post):
                continue
            line = Line(brand.name, _title(post), _wall(post.publish_at, zone)[-5:], _post_url(post.id),
                        i18n.translate(f"post.status.{post.status}", language))
            if publish < day_starts[1]:
                digest.today_items.append(line)
            else:
                digest.tomorrow_items.append(line)
    return digest


# --- sending -------------------------------------------------------------------------------------

def _context(user, digest: Digest) -> dict:
    from chalicelib.core.settings import get_settings

    return dict(name=user.name, digest=digest, today=digest.today.isoformat(),
                tomorrow=(digest.today + timedelta(days=1)).isoformat(), zone=digest.zone,
                link=f"{get_settings().PUBLIC_BASE_URL}/", profile_link=f"{get_settings().PUBLIC_BASE_URL}/me")


def send_email(user, digest: Digest) -> None:
    from chalicelib.core import mail as mailer
    from chalicelib.core.rendering import render

    params = _context(user, digest)
    mailer.send(mailer.OutgoingEmail(
        to=user.email,
        subject=i18n.translate("digest.subject", digest.language, date=params["today"]),
        text=render("email/digest.txt", digest.language, **params),
        html=render("email/digest.html", digest.language, **params),
        headers={"Auto-Submitted": "auto-generated", "X-Greenlight-Kind": "digest"},
    ))


def slack_text(user, digest: Digest) -> str:
    """A mrkdwn summary for Slack (the same sections as the email); every value escaped
    (core/slack_text.py), each post a link to its page."""
    from chalicelib.core import slack_text as mrkdwn

    lang = digest.language
    parts = [mrkdwn.translate("digest.slack_title", lang, date=digest.today.isoformat())]
    sections = (("digest.pending", digest.pending), ("digest.overdue", digest.overdue),
                ("digest.today", digest.today_items), ("digest.tomorrow", digest.tomorrow_items))
    for key, lines in sections:
        if lines:
            parts.append(f"*{mrkdwn.translate(key, lang)}*")
            parts.extend(f"• {mrkdwn.escape(line.when)} [{mrkdwn.escape(line.brand)}] "
                         f"{mrkdwn.link(line.url, line.title)}".replace("•  ", "• ") for line in lines)
    return "\n".join(parts)


def send_slack(user, digest: Digest) -> bool:
    """A DM through the Slack helper (workspace token); False when Slack sent nothing."""
    from chalicelib.notifications import notices

    sent = notices.slack_notice(None, [user], lambda person: slack_text(person, digest), already=set())
    return bool(sent)


def deliver(user, digest: Digest, via: str) -> None:
    if via in ("email", "both"):
        send_email(user, digest)
    if via in ("slack", "both") and getattr(user, "slack_user_id", None):
        send_slack(user, digest)


# --- the job -------------------------------------------------------------------------------------

def run_due(now: datetime | None = None) -> dict:
    """Send every digest due now, once each even when runs overlap. Returns a summary."""
    now = now or utcnow()
    summary = {"due": 0, "sent": 0, "nothing_to_say": 0, "claimed_elsewhere": 0, "dropped": 0, "failed": 0}
    for page in digest_repo.DIGESTS.due(now, page_size=BATCH):
        for item in page:
            if summary["due"] >= MAX_RUN_ITEMS:  # the rest waits for the next hourly run
                return summary
            summary["due"] += 1
            summary[_one(item, now)] += 1
    return summary


def _one(item, now: datetime) -> str:
    lease_sk = digest_repo.claim(item, iso(now + timedelta(minutes=LEASE_MINUTES)))
    if lease_sk is None:
        return "claimed_elsewhere"
    user = user_repo.get(item.user_id)
    prefs = preferences.of(user) if user is not None else None
    if user is None or user.status != "active" or prefs.digest == "off":
        digest_repo.drop(JOB_ACTOR, item, lease_sk)
        return "dropped"
    zone = item.timezone or zone_for(user)
    today = local_date(now, zone)
    next_at = iso(next_send_at(now, int(item.hour), zone, not_on_or_before=today))
    if item.last_sent_on == today.isoformat():  # sent already today (a repeated run): just move on
        digest_repo.finish(JOB_ACTOR, item, lease_sk, next_at, today.isoformat(), sent=False)
        return "nothing_to_say"
    try:
        digest = compose(user, now)
        if not digest.empty:
            deliver(user, digest, item.via)
    except Exception:  # noqa: BLE001 - one person's failure must not stop the others; the lease retries
        log.exception("digest failed", extra={"user_id": item.user_id})
        return "failed"
    digest_repo.finish(JOB_ACTOR, item, lease_sk, next_at, today.isoformat(), sent=not digest.empty)
    return "nothing_to_say" if digest.empty else "sent"
