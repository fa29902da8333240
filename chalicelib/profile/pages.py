"""My profile page (/me): name, language, time zone, notifications, Slack link and my calendar feed.

The forms go through the same services as PATCH /v1/me and /v1/me/calendar-feed; a form with errors
comes back as 422 with the values kept, a successful POST answers 303 back to /me (post/redirect/get).
"""
from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.core.errors import Conflict, ValidationFailed
from chalicelib.core.http.forms import FormState, errors_from_domain, validate
from chalicelib.core.http.pages import PageCall
from chalicelib.core.i18n import translate
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Input, Name, TimeZoneName
from chalicelib.identity.doors import page
from chalicelib.notifications.rules import EVENT_KINDS
from chalicelib.profile.schemas import SLACK_MEMBER_ID, DigestVia

people = lazy_import("chalicelib.profile.service")
feeds = lazy_import("chalicelib.plan.feeds")

bp = Blueprint(__name__)

PROFILE_PATH = "/me"
PROFILE_FIELDS = ("name", "language", "timezone", "digest", "hour", "slack_user_id")
DIGEST_CHOICES = ("off", "email", "slack", "both")
PROFILE_NOTICES = {"saved": "profile.notice.saved", "feed_created": "profile.notice.feed_created",
                   "feed_revoked": "profile.notice.feed_revoked", "slack_linked": "profile.notice.slack_linked"}
ZONES = ("UTC", "Europe/Moscow", "Europe/Kaliningrad", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Novosibirsk",
         "Asia/Vladivostok", "Asia/Almaty", "Asia/Tashkent", "Asia/Dubai", "Europe/Minsk", "Europe/Istanbul",
         "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles")


class ProfileForm(Input):
    """The profile form: PATCH /v1/me's fields, flat (the two switches are checkboxes, read apart)."""

    name: Name
    language: str = Field(pattern="^(en|ru)$")
    timezone: TimeZoneName | None = None
    digest: DigestVia = "off"
    hour: int = Field(default=8, ge=0, le=23)
    slack_user_id: str | None = Field(default=None, pattern=SLACK_MEMBER_ID)


EVENT_WAYS = ("email", "slack")
EVENT_LABELS = {"approved": "profile.event.approved", "changes_requested": "profile.event.changes_requested",
                "rejected": "profile.event.rejected", "scheduled": "profile.event.scheduled",
                "published": "profile.event.published", "failed": "profile.event.failed"}
WAY_LABELS = {"email": "profile.event_email", "slack": "profile.event_slack"}


def _event_field(kind: str, way: str) -> str:
    return f"event_{kind}_{way}"


def _events_from(form) -> dict:
    """The per-event switches of the form (checkboxes: absent means off)."""
    return {kind: {way: bool(form.get(_event_field(kind, way))) for way in EVENT_WAYS} for kind in EVENT_KINDS}


def _values_of(user) -> dict[str, str]:
    notify = people.notify_of(user)
    values = {"name": user.name, "language": user.language, "timezone": user.timezone or "",
              "digest": notify["digest"], "hour": str(notify["hour"]), "slack_user_id": user.slack_user_id or "",
              "notify_email": "on" if notify["email"] else "", "notify_slack": "on" if notify["slack"] else ""}
    for kind in EVENT_KINDS:
        for way in EVENT_WAYS:
            values[_event_field(kind, way)] = "on" if notify["events"][kind][way] else ""
    return values


def _profile_page(call: PageCall, *, form: FormState | None = None, status: int = 200):
    user = people.get_me(call.principal)
    notice = call.query.get("done") if call.request.method == "GET" else None
    return call.render("profile.html", status=status, user=user, form=form or FormState(_values_of(user)),
                       feed=feeds.status(call.principal), digest_choices=DIGEST_CHOICES, hours=range(24),
                       zones=ZONES, event_ways=[translate(WAY_LABELS[w], call.language) for w in EVENT_WAYS],
                       event_rows=[(translate(EVENT_LABELS[kind], call.language),
                                    [(_event_field(kind, way), translate(WAY_LABELS[way], call.language))
                                     for way in EVENT_WAYS]) for kind in EVENT_KINDS],
                       notice=translate(PROFILE_NOTICES[notice], call.language) if notice in PROFILE_NOTICES else None)


@page(bp, PROFILE_PATH)
def profile(call: PageCall):
    return _profile_page(call)


@page(bp, PROFILE_PATH, ("POST",))
def save_profile(call: PageCall):
    data, form = validate(ProfileForm, call.form, call.language, fields=PROFILE_FIELDS, required=("name",))
    form.values["notify_email"] = "on" if call.form.get("notify_email") else ""
    form.values["notify_slack"] = "on" if call.form.get("notify_slack") else ""
    events = _events_from(call.form) if call.form.get("event_switches") else None  # a form without them keeps them
    shown = people.notify_of(people.get_me(call.principal))["events"] if events is None else events
    for kind in EVENT_KINDS:
        for way in EVENT_WAYS:
            form.values[_event_field(kind, way)] = "on" if shown[kind][way] else ""
    if data is not None:
        try:
            people.update_profile(
                call.principal, name=data.name, language=data.language, timezone=data.timezone,
                notify={"email": bool(call.form.get("notify_email")), "slack": bool(call.form.get("notify_slack")),
                        "digest": data.digest, "hour": data.hour, "events": events},
                slack_user_id=data.slack_user_id)
        except people.SlackLinkRefused as exc:
            form.errors = {"slack_user_id": translate(f"profile.slack_error.{exc.reason}", call.language)}
        except ValidationFailed as exc:
            form.errors = errors_from_domain(exc, call.language)
        except Conflict as exc:  # the Slack id belongs to someone else, or a change at the same time
            field = "slack_user_id" if any(d.get("field") == "slack_user_id" for d in exc.details or []) else "__all__"
            form.errors = {field: translate("profile.slack_taken" if field == "slack_user_id" else "profile.conflict",
                                            call.language)}
    if form.errors:
        return _profile_page(call, form=form, status=422)
    return call.redirect(PROFILE_PATH, done="saved")


@page(bp, "/me/slack-link", ("POST",), back=PROFILE_PATH)
def link_slack(call: PageCall):
    """"Find me in Slack": link the member Slack has for my email (no id to type, nobody else's to claim)."""
    try:
        people.link_slack_by_email(call.principal)
    except people.SlackLinkRefused as exc:
        form = FormState(_values_of(people.get_me(call.principal)))
        form.errors = {"slack_user_id": translate(f"profile.slack_error.{exc.reason}", call.language)}
        return _profile_page(call, form=form, status=422)
    except Conflict:
        form = FormState(_values_of(people.get_me(call.principal)))
        form.errors = {"slack_user_id": translate("profile.slack_taken", call.language)}
        return _profile_page(call, form=form, status=409)
    return call.redirect(PROFILE_PATH, done="slack_linked")


@page(bp, "/me/calendar-feed", ("POST",), back=PROFILE_PATH)
def rotate_feed(call: PageCall):
    feeds.create_or_rotate(call.principal)
    return call.redirect(PROFILE_PATH, fragment="calendar-feed", done="feed_created")


@page(bp, "/me/calendar-feed/revoke", ("POST",), back=PROFILE_PATH)
def revoke_feed(call: PageCall):
    feeds.revoke(call.principal)
    return call.redirect(PROFILE_PATH, fragment="calendar-feed", done="feed_revoked")
