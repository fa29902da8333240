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

TARGET_STATES = ("scheduled", "publishing", "published", "failed", "unconfirmed", "missed", "skipped")
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
        tries = sorted(attempts.get(target.channel_id, []), key=lambda a: a.sk)
        shown.append({
            "id": target.id, "state": state, "platform": target.platform, "manual": bool(target.manual),
            "label": i18n.translate(f"targets.state.{state}", language),
            "channel": channel.name if channel else target.channel_id,
            "url": target.url if is_web_link(target.url) else None,
            "published": wall_in(target.published_at, zone), "error": target.last_error,
            "attempts": [{"number": int(a.number), "at": wall_in(a.started_at, zone), "error": a.error,
                          "outcome": i18n.translate(f"targets.outcome.{a.outcome}", language)
                          if a.outcome in ATTEMPT_OUTCOMES else a.outcome} for a in tries],
            "can_retry": can_act and state in ("failed", "missed"),
            "can_resolve": can_act and state == "unconfirmed",
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
    stages = []
    status_ = wf.Status(post.status)
    for index, stage in enumerate(out.approval.stages):
        approved = [d for d in decisions if int(d.stage) == index and d.decision == "approve"
                    and int(d.version) == int(post.version)]
        if status_ in (wf.Status.approved, wf.Status.scheduled) or (status_ is wf.Status.in_review
                                                                     and index < state.stage_index):
            where = "done"
        elif status_ is wf.Status.in_review and index == state.stage_index:
            where = "current"
        else:
            where = "pending"
        deadline = None
        if where == "current" and out.approval.deadline:
            deadline = wall_in(out.approval.deadline, post.timezone or brand.timezone)
        stages.append({"name": stage.name, "rule": stage.rule.value, "where": where, "approved": approved,
                       "approvers": stage.approvers, "deadline": deadline,
                       "overdue": bool(deadline) and out.approval.deadline <= iso(utcnow()),
                       "waiting": out.approval.waiting_for if where == "current" else []})
    is_author = post.author_id == principal.user_id
    can_edit = principal.can(brand.id, Permission.edit_posts)
    may_decide = wf.may_decide(state, principal.user_id,
                               authors_may_approve=bool(brand_settings(brand).get("authors_may_approve")))
    comments = posts.list_comments(principal, post_id, None, PAGE).items
    wall = wall_in(post.publish_at, post.timezone or brand.timezone)
    targets = _targets_view(principal, post, post.timezone or brand.timezone, channel_by_id, can_edit,
                            call.language)
    reader_zone = post.timezone or brand.timezone
    audit = _history_view(history["audit"], people, channel_by_id, reader_zone, call.language)
    return call.render(
        "post.html", status=status, post=post, brand=brand, out=out, people=people, channel_by_id=channel_by_id,
        history=audit, history_zone=reader_zone,
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
        if now in TARGET_STATES:  # it moved on meanwhile (or the button was stale)
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
