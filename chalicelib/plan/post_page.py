"""The post page: the post as it will go out, its approval timeline, versions, comments and
publication targets, with the buttons that act on it (submit, hold, archive, decide, comment, and
what people do with targets that need them). A post of a campaign names it under the title, for who may see
campaigns, with a link to where its numbers are entered by hand for who may manage them.

Thin like every page: parse (pages.page does authentication, CSRF and errors) → one service call →
render; a refused form comes back as this page with the message where it belongs (422 / 409), a
successful POST answers 303 back here (post/redirect/get).
"""
from __future__ import annotations

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.content.rules import workflow as wf
from chalicelib.content.rules.diff import inline_word_diff
from chalicelib.content.schemas import CommentIn, DecisionIn, PostOut
from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.http.forms import FormState, errors_from_validation
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.core.plain import plain
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.plan import reader
from chalicelib.plan.page_kit import (
    PAGE,
    STATUS_KEYS,
    channel_list,
    is_web_link,
    notice_of,
    people_names,
    post_path,
    post_prefetch,
    status_labels,
    wall_in,
)

posts = lazy_import("chalicelib.content.service")
approvals = lazy_import("chalicelib.approvals.service")
brands = lazy_import("chalicelib.brands.service")
publishing = lazy_import("chalicelib.publishing.service")

bp = Blueprint(__name__)

TARGET_STATES = ("scheduled", "publishing", "published", "failed", "unconfirmed", "missed", "skipped", "cancelled",
                 "superseded")
# Statuses a post reaches only once its approval is done (approved, then what publishing makes of it).
PAST_APPROVAL = ("approved", "scheduled", "publishing", "published", "partially_published", "failed", "unconfirmed",
                 "missed")
# The post's audit trail as the page tells it: each action and field has a label (keys history.*).
HISTORY_ACTIONS = ("create", "update", "submit", "decision:approve", "decision:request_changes", "decision:reject",
                   "hold", "release", "archive", "comment", "followup:ask", "followup:remind", "followup:escalate",
                   "publish:status", "publish:published", "publish:failed", "publish:unconfirmed", "publish:missed",
                   "publish:refused", "publish:released", "publish:park", "publish:retry", "publish:resolved",
                   "publish:resend", "publish:marked_published")
HISTORY_FIELDS = ("title", "body", "channel_ids", "variants", "media", "links", "tags", "assignee_ids",
                  "content_type", "campaign_id", "due_at", "publish_at", "timezone", "status", "hold", "stage",
                  "comment", "channel", "url", "error")
HISTORY_SHOWN = 50
ATTEMPT_OUTCOMES = ("sending", "published", "refused", "failed", "unconfirmed", "manual")


def _targets_view(principal, post, zone: str, channel_by_id: dict, can_act: bool, language: str) -> list[dict]:
    """The post's publication targets as the page shows them, with the actions each one allows."""
    if not principal.can(post.brand_id, Permission.view_posts):
        return []
    _, targets, attempts = publishing.list_targets(principal, post.id)
    shown = []
    for target in sorted(targets, key=lambda t: t.sk):
        channel = channel_by_id.get(target.channel_id)
        state = target.state if target.state in TARGET_STATES else "scheduled"
        current = publishing.is_current(target, post)
        if state == "scheduled" and not current:
            # waiting on a version the post has left (stored before edits cancelled them): it will not go out
            state = "superseded"
        tries = sorted(attempts.get(target.channel_id, []), key=lambda a: a.sk)
        shown.append({
            "id": target.id, "state": state, "platform": target.platform, "manual": bool(target.manual),
            "label": i18n.translate(f"targets.state.{state}", language), "version": int(target.version),
            "stale": int(target.version) != int(post.version),
            "channel": channel.name if channel else target.channel_id,
            "url": target.url if is_web_link(target.url) else None,
            "published": reader.when(target.published_at, zone), "error": target.last_error,
            "attempts": [{"number": int(a.number), "at": reader.when(a.started_at, zone), "error": a.error,
                          "outcome": i18n.translate(f"targets.outcome.{a.outcome}", language)
                          if a.outcome in ATTEMPT_OUTCOMES else a.outcome} for a in tries],
            "can_retry": can_act and current and state in ("failed", "missed"),
            "can_resolve": can_act and state == "unconfirmed",
            "can_resend": can_act and current and state == "unconfirmed",
            "can_mark": can_act and state == "publishing" and bool(target.manual)})
    return shown


def _campaign_line(principal, post, language: str) -> dict | None:
    """The post's campaign — {name (marked when archived), path, entry} — for who may see campaigns; `entry`
    (the campaign's metrics page's hand-entry form, the post's publication chosen when it has one channel)
    only for who may enter them and while the campaign is active; None without a campaign (or a missing one)."""
    if not post.campaign_id or not principal.can(post.brand_id, Permission.view_campaigns):
        return None
    from chalicelib.campaigns import repo as campaigns_repo
    from chalicelib.campaigns.metrics.pages import entry_path
    from chalicelib.campaigns.metrics.read import TARGET
    from chalicelib.campaigns.pages import campaign_path
    from chalicelib.publishing.repo import target_id

    campaign = campaigns_repo.get(post.campaign_id)
    if campaign is None or campaign.brand_id != post.brand_id:
        return None
    if campaign.status != campaigns_repo.ACTIVE:
        name = i18n.translate("campaigns.choice.archived", language, name=campaign.name)
        return {"name": name, "path": campaign_path(campaign.id), "entry": None}
    channels = list(post.channel_ids or [])
    subject = f"{TARGET}{target_id(post.id, channels[0])}" if len(channels) == 1 else None
    entry = entry_path(campaign.id, subject) if principal.can(post.brand_id, Permission.manage_campaigns) else None
    return {"name": campaign.name, "path": campaign_path(campaign.id), "entry": entry}


def history_key(action: str) -> str:
    return "history.action." + action.replace(":", "_")


def _history_view(entries, people: dict, channel_by_id: dict, zone: str, language: str) -> list[dict]:
    """The post's audit entries, newest first: when (in the reader's zone), who, what, and each field
    that changed with its value before and after."""
    def name_of(channel_id) -> str:
        channel = channel_by_id.get(channel_id)
        return channel.name if channel else str(channel_id)

    def shown(field: str, value) -> str:
        if value is None or value == [] or value == "":
            return "—"
        if field == "status":
            return i18n.translate(f"post.status.{value}", language) if value in STATUS_KEYS else str(value)
        if field == "hold":
            return i18n.translate("history.yes" if value else "history.no", language)
        if field in ("channel_ids", "channel"):
            return ", ".join(name_of(c) for c in (value if isinstance(value, list) else [value]))
        if field == "assignee_ids":
            return ", ".join(people.get(u, u) for u in value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return i18n.translate("history.field.variants", language) if field == "variants" else str(value)
        return str(value)

    view = []
    for entry in entries[:HISTORY_SHOWN]:
        before, after = plain(entry.before) or {}, plain(entry.after) or {}
        changes = [{"field": i18n.translate(f"history.field.{f}", language),
                    "before": shown(f, before[f]) if f in before else None, "after": shown(f, after[f])}
                   for f in after if f in HISTORY_FIELDS and (f not in before or before[f] != after[f])]
        action = i18n.translate(history_key(entry.action), language) if entry.action in HISTORY_ACTIONS \
            else entry.action
        view.append({"at": wall_in(entry.at, zone), "who": people.get(entry.actor_id) or entry.actor_label or "—",
                     "action": action, "changes": changes})
    return view


def _stages_view(out, state, decisions: list, people: dict, zone: str) -> list[dict]:
    """The chain's stages as the card shows them: done (every stage before the post's stage, so all of
    them once it is approved — and still after it is published), current (in review), stopped (where
    changes were requested or it was rejected or archived) or not reached."""
    status = state.status
    stages = []
    for index, stage in enumerate(out.approval.stages):
        approved = [reader.name_of(people, d.user_id, d.user_label) for d in decisions
                    if int(d.stage) == index and d.decision == "approve" and int(d.version) == int(state.version)]
        if index < state.stage_index:
            where = "done"
        elif index == state.stage_index and status is wf.Status.in_review:
            where = "current"
        elif index == state.stage_index and status in (wf.Status.changes_requested, wf.Status.rejected,
                                                        wf.Status.archived):
            where = "stopped"
        elif status is wf.Status.in_review:
            where = "pending"
        else:
            where = "not_reached"
        deadline = reader.when(out.approval.deadline, zone) if where == "current" else ""
        stages.append({"name": stage.name, "rule": stage.rule.value, "where": where, "approved": approved,
                       "approvers": stage.approvers, "deadline": deadline,
                       "overdue": bool(deadline) and out.approval.deadline <= iso(utcnow()),
                       "waiting": out.approval.waiting_for if where == "current" else []})
    return stages


def _approval_notes(post, state, decisions: list, audit: list, people: dict, zone: str, language: str) -> list[str]:
    """What the approval card says in words, true for every status: not sent yet, approved through the
    chain or without one, scheduled/published with no approval on record (e.g. created as scheduled by
    the demo or an import), stopped, archived; and who last sent it for approval, and when."""
    from chalicelib.content import repo

    def say(key: str, **params) -> str:
        return i18n.translate(f"post_card.note.{key}", language, **params)

    approval = repo.approval_of(post)
    submitted = "stage_index" in approval  # the approvals service wrote it: the post went through submit
    stage = state.stages[state.stage_index].name if state.stage_index < len(state.stages) else ""
    status = post.status
    notes = []
    if state.stages:
        if status in PAST_APPROVAL:
            notes.append(say("approved_chain", count=len(state.stages)))
        elif status == "changes_requested":
            notes.append(say("changes_requested", stage=stage))
        elif status == "rejected":
            notes.append(say("rejected", stage=stage))
        elif status == "archived":
            notes.append(say("archived"))
        elif status == "draft":
            notes.append(say("back_to_draft", version=int(post.version)))
    elif status in PAST_APPROVAL:
        status_label = i18n.translate(STATUS_KEYS.get(status, "post.status.approved"), language)
        notes.append(say("approved_no_chain") if submitted else say("no_approval", status=status_label))
    elif status == "archived":
        notes.append(say("archived") if submitted or decisions else say("archived_unsent"))
    elif decisions:
        notes.append(say("back_to_draft", version=int(post.version)))
    else:
        notes.append(say("not_sent"))
    sent = next((e for e in audit if e.action == "submit"), None)  # newest first
    if sent is not None and (submitted or state.stages):
        notes.append(say("sent_by", who=reader.name_of(people, sent.actor_id, sent.actor_label),
                         at=reader.when(sent.at, zone)))
    return notes


def _decisions_view(decisions: list, people: dict, zone: str, post) -> list[dict]:
    """Every decision, oldest first: the person's name, what and when in the reader's zone."""
    return [{"who": reader.name_of(people, d.user_id, d.user_label), "decision": d.decision,
             "stage_name": d.stage_name, "version": int(d.version), "at": reader.when(d.at, zone),
             "comment": d.comment, "older": int(d.version) != int(post.version)} for d in decisions]


def _post_page(call: PageCall, post_id: str, *, decision_form: FormState | None = None,
               comment_form: FormState | None = None, target_form: FormState | None = None,
               status: int = 200):
    from chalicelib.brands.service import brand_settings
    from chalicelib.content import repo

    principal = call.principal
    post = posts.get(principal, post_id, consistent=True)
    brand = brands.get(principal, post.brand_id)
    out = PostOut.of(post)
    state = repo.state_of(post)
    people = people_names(principal, brand.id)
    channel_by_id = {c.id: c for c in channel_list(principal, brand.id)}
    history = posts.history(principal, post_id)
    decisions = sorted(history["decisions"], key=lambda d: d.at)
    versions = sorted(history["versions"], key=lambda v: int(v.version))
    diff = None
    if len(versions) >= 2:
        old, new = plain(versions[-2].content), plain(versions[-1].content)
        diff = {"from": int(versions[-2].version), "to": int(versions[-1].version),
                "title": inline_word_diff(old.get("title") or "", new.get("title") or ""),
                "body": inline_word_diff(old.get("body") or "", new.get("body") or "")}
    zone = reader.reader_zone(principal, brand.timezone)
    status_ = wf.Status(post.status)
    stages = _stages_view(out, state, decisions, people, zone)
    approval_notes = _approval_notes(post, state, decisions, history["audit"], people, zone, call.language)
    is_author = post.author_id == principal.user_id
    can_edit = principal.can(brand.id, Permission.edit_posts)
    may_decide = wf.may_decide(state, principal.user_id,
                               authors_may_approve=bool(brand_settings(brand).get("authors_may_approve")))
    comments = posts.list_comments(principal, post_id, None, PAGE).items
    wall = wall_in(post.publish_at, post.timezone or brand.timezone)
    targets = _targets_view(principal, post, zone, channel_by_id, can_edit, call.language)
    audit = _history_view(history["audit"], people, channel_by_id, zone, call.language)
    return call.render(
        "post.html", status=status, post=post, brand=brand, out=out, people=people, channel_by_id=channel_by_id,
        history=audit, history_zone=zone, reader_zone=zone, approval_notes=approval_notes,
        decision_rows=_decisions_view(decisions, people, zone, post),
        comment_rows=[{"who": reader.name_of(people, c.author_id, c.author_label), "at": reader.when(c.at, zone),
                       "text": c.text, "visibility": c.visibility or "internal", "version": c.version}
                      for c in comments],
        targets=targets, target_form=target_form or FormState(),
        campaign_line=_campaign_line(principal, post, call.language),
        stages=stages, decisions=decisions, versions=versions, diff=diff, comments=comments,
        wall=wall, status_labels=status_labels(call.language), notice=notice_of(call), post_url=post_path(post.id),
        can_submit=can_edit and status_ in wf.SUBMITTABLE,
        can_edit=can_edit and status_ in wf.EDITABLE,
        can_decide=may_decide,
        can_hold=principal.can(brand.id, Permission.hold_posts) and status_ not in (wf.Status.archived,) and (
            not post.hold or post.held_by == principal.user_id or principal.can(brand.id, Permission.release_posts)),
        can_archive=status_ in wf.ARCHIVABLE and (is_author or principal.can(brand.id, Permission.archive_posts)),
        can_comment_internal=principal.can(brand.id, Permission.comment_internal),
        decision_form=decision_form or FormState(), comment_form=comment_form or FormState(),
        decision_keys={d.value: f"post.decision.{d.value}" for d in wf.Decision},
        content_type_key=f"post.type.{post.content_type}")


@page(bp, "/posts/{post_id}", prefetch=post_prefetch)
def post_page(call: PageCall, post_id):
    return _post_page(call, post_id)


def _action(name: str, notice: str, act):
    @page(bp, f"/posts/{{post_id}}/{name}", ("POST",), back="/posts/{post_id}")
    def view(call: PageCall, post_id):
        act(call.principal, post_id)
        return call.redirect(post_path(post_id), done=notice)

    view.__name__ = f"post_page_{name}"
    return view


submit = _action("submit", "post_submitted", lambda p, i: approvals.submit(p, i))
hold = _action("hold", "post_held", lambda p, i: posts.set_hold(p, i, True))
release = _action("release", "post_released", lambda p, i: posts.set_hold(p, i, False))
archive = _action("archive", "post_archived", lambda p, i: posts.archive(p, i))


@page(bp, "/posts/{post_id}/decide", ("POST",), back="/posts/{post_id}")
def decide(call: PageCall, post_id):
    form = call.form or {}
    state = FormState(values={k: form.get(k, "") for k in ("version", "decision", "comment")})
    try:
        data = DecisionIn.model_validate({k: v for k, v in state.values.items() if v.strip()})
    except ValidationError as exc:
        errors = errors_from_validation(exc, call.language)
        if "__all__" in errors:
            errors = {"comment": i18n.translate("post.error.comment_needed", call.language)}
        state.errors = errors
        return _post_page(call, post_id, decision_form=state, status=422)
    approvals.decide(call.principal, post_id, data)
    return call.redirect(post_path(post_id), done="post_decided")


@page(bp, "/posts/{post_id}/comments", ("POST",), back="/posts/{post_id}")
def comment(call: PageCall, post_id):
    form = call.form or {}
    state = FormState(values={k: form.get(k, "") for k in ("text", "visibility")})
    try:
        data = CommentIn.model_validate({k: v for k, v in state.values.items() if v.strip()})
    except ValidationError as exc:
        state.errors = errors_from_validation(exc, call.language)
        return _post_page(call, post_id, comment_form=state, status=422)
    posts.add_comment(call.principal, post_id, data.text, data.visibility)
    return call.redirect(post_path(post_id), fragment="comments", done="comment_added")


# --- publication targets: what people do with those that need them --------------------------------

def _target_action(call: PageCall, post_id: str, target_id: str, act, notice: str, *, with_url: bool = False):
    """One action on one of the post's targets; a refused one (bad link 422, wrong state or a
    concurrent change 409) comes back as the post page with the message next to that target."""
    from chalicelib.core.errors import InvalidTransition, NotFound
    from chalicelib.publishing.schemas import MarkPublishedIn

    if not target_id.startswith(post_id) or len(target_id) <= len(post_id):
        raise NotFound("No such publication target.")
    form = call.form or {}
    state = FormState(values={"target_id": target_id, "url": (form.get("url") or "").strip()})
    try:
        url = str(MarkPublishedIn.model_validate({"url": state.values["url"]}).url) if with_url else None
        act(call.principal, target_id, url)
    except ValidationError:
        state.errors = {"url": i18n.translate("targets.error.url", call.language)}
        return _post_page(call, post_id, target_form=state, status=422)
    except InvalidTransition as exc:
        now = exc.extra.get("state")
        if exc.extra.get("reason") == "superseded":  # a target of an older version: never sent again
            state.errors = {"__all__": i18n.translate("post_card.target.not_current", call.language,
                                                      version=exc.extra.get("current_version"))}
        elif now in TARGET_STATES:  # it moved on meanwhile (or the button was stale)
            label = i18n.translate(f"targets.state.{now}", call.language)
            state.errors = {"__all__": i18n.translate("targets.error.state", call.language, state=label)}
        else:  # the only other refusal: the post is on hold
            state.errors = {"__all__": i18n.translate("targets.error.on_hold", call.language)}
        return _post_page(call, post_id, target_form=state, status=409)
    except Conflict:
        state.errors = {"__all__": i18n.translate("targets.error.conflict", call.language)}
        return _post_page(call, post_id, target_form=state, status=409)
    return call.redirect(post_path(post_id), fragment="publishing", done=notice)


TARGET_BACK = "/posts/{post_id}"


@page(bp, "/posts/{post_id}/targets/{target_id}/retry", ("POST",), back=TARGET_BACK)
def target_retry(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, _url: publishing.retry(p, t), "target_retried")


@page(bp, "/posts/{post_id}/targets/{target_id}/went-out", ("POST",), back=TARGET_BACK)
def target_went_out(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, url: publishing.resolve(p, t, "published", url),
                          "target_resolved", with_url=True)


@page(bp, "/posts/{post_id}/targets/{target_id}/send-again", ("POST",), back=TARGET_BACK)
def target_send_again(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, _url: publishing.resolve(p, t, "resend", None),
                          "target_resent")


@page(bp, "/posts/{post_id}/targets/{target_id}/mark-published", ("POST",), back=TARGET_BACK)
def target_mark_published(call: PageCall, post_id, target_id):
    return _target_action(call, post_id, target_id, lambda p, t, url: publishing.mark_published(p, t, url),
                          "target_marked_published", with_url=True)
