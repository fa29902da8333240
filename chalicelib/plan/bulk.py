"""Bulk actions on posts: submit, approve, move by N days, archive — each post its own audited transition
through the service that does it one at a time (approvals.submit / approvals.decide, content.update /
content.archive), so every rule, conditional write, hook and audit entry is the same as on the post's page.
A post that fails does not stop the others; each failure is reported with a reason code and a translated
message. Export is one CSV of just the named posts (plan.service.export with post_ids).

Only posts of the brand named count: a post of another brand, a post the person may not see and an unknown
id are all "not found" (ids do not leak across brands). The batch is capped (rules/bulk.MAX_POSTS) and
its ids are de-duplicated.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from chalicelib.core import i18n
from chalicelib.core.errors import BadRequest, DomainError, ValidationFailed
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.plan.rules import bulk as rules

log = logging.getLogger("greenlight.bulk")


@dataclass
class Result:
    """What happened to one post. `title` and `publish_at` (the wall time after a move) are only known
    for a post the person may see."""

    post_id: str
    ok: bool
    status: str | None = None
    version: int | None = None
    title: str | None = None
    publish_at: str | None = None
    timezone: str | None = None
    code: str | None = None
    message: str | None = None
    detail: str | None = None  # the service's own words (English), for engineers reading the API answer


@dataclass
class Report:
    action: str
    results: list[Result] = field(default_factory=list)

    @property
    def ok_count(self) -> int:
        return rules.counts([r.ok for r in self.results])[0]

    @property
    def failed_count(self) -> int:
        return rules.counts([r.ok for r in self.results])[1]


def request_problem(language: str, action: str | None, seen: list, days: int | None) -> str | None:
    """The translated reason the whole request cannot run, or None."""
    problem = rules.problem_with_request(action, len(seen), days,
                                         versions_missing=any(s.version is None for s in seen))
    if problem is None:
        return None
    return i18n.translate(f"bulk.request.{problem}", language, max=rules.MAX_POSTS, days=rules.MAX_DAYS)


def _brand(principal: Principal, brand_id: str):
    """The brand, for someone who may see posts in it (the team, or a client approver: the posts put
    to them); 404 outside the brand."""
    from chalicelib.brands.service import get as get_brand

    brand = get_brand(principal, brand_id)
    if not principal.can(brand_id, Permission.view_asked_posts):
        principal.require(brand_id, Permission.view_posts, what="brand")
    return brand


def run(principal: Principal, brand_id: str, action: str, seen: list[rules.Seen], days: int | None = None,
        *, language: str | None = None) -> Report:
    """Do `action` to each post named (in order); never raises for one post's failure."""
    language = language or principal.language
    brand = _brand(principal, brand_id)
    problem = request_problem(language, action, seen, days)
    if problem is not None or action not in rules.PER_POST:
        raise ValidationFailed(problem or "Export is a file: use the export action.",
                               details=[{"field": "action" if action not in rules.PER_POST else "post_ids",
                                         "message": problem or "export"}])
    report = Report(action)
    for item in seen:
        report.results.append(_one(principal, brand, action, item, days, language))
    return report


def _failed(item: rules.Seen, code: str, language: str, post=None, detail: str | None = None) -> Result:
    params = {"status": "", "version": ""}
    if post is not None:
        params = {"status": i18n.translate(f"post.status.{post.status}", language), "version": int(post.version)}
    return Result(post_id=item.post_id, ok=False, code=code,
                  message=i18n.translate(f"bulk.error.{code}", language, **params), detail=detail,
                  status=post.status if post is not None else None,
                  version=int(post.version) if post is not None else None,
                  title=(post.title or "") if post is not None else None)


def _done(item: rules.Seen, post) -> Result:
    return Result(post_id=item.post_id, ok=True, status=post.status, version=int(post.version), title=post.title or "",
                  publish_at=post.publish_wall, timezone=post.timezone)


def _one(principal: Principal, brand, action: str, item: rules.Seen, days: int | None, language: str) -> Result:
    from chalicelib.brands.service import brand_settings
    from chalicelib.content import repo
    from chalicelib.content import service as posts

    if not rules.valid_id(item.post_id):
        return _failed(item, rules.NOT_FOUND, language)
    post = None
    try:
        post = repo.get(item.post_id, consistent=True)
        if post is None or post.brand_id != brand.id or not posts.sees(principal, post):
            return _failed(item, rules.NOT_FOUND, language)
        reason = rules.precheck(action, repo.state_of(post), user_id=principal.user_id, seen_version=item.version,
                                has_publish_time=bool(post.publish_wall),
                                authors_may_approve=bool(brand_settings(brand).get("authors_may_approve")))
        if reason is not None:
            return _failed(item, reason, language, post)
        return _done(item, _act(principal, action, post, item, days))
    except DomainError as exc:
        return _failed(item, rules.reason_of(action, exc), language, _fresh(item.post_id, post), exc.message)
    except Exception:  # noqa: BLE001 - one post's crash must not stop the others; it is logged
        log.exception("bulk %s failed on a post", action, extra={"post_id": item.post_id})
        return _failed(item, rules.ERROR, language, post)


def _fresh(post_id: str, fallback):
    """The post as it is now (after a refusal it may have changed), for its status in the report."""
    if fallback is None:
        return None
    from chalicelib.content import repo

    try:
        return repo.get(post_id, consistent=True) or fallback
    except Exception:  # noqa: BLE001 - only for the report
        return fallback


def _act(principal: Principal, action: str, post, item: rules.Seen, days: int | None):
    from chalicelib.approvals import service as approvals
    from chalicelib.content import service as posts
    from chalicelib.content.rules.workflow import Decision
    from chalicelib.content.schemas import DecisionIn, PostPatch

    version = item.version if item.version is not None else int(post.version)
    if action == "submit":
        return approvals.submit(principal, post.id)
    if action == "approve":  # on the version the person saw (run refuses a request without one)
        return approvals.decide(principal, post.id, DecisionIn(version=item.version, decision=Decision.approve))
    if action == "archive":
        return posts.archive(principal, post.id)
    if action == "move":
        patch = PostPatch(version=version, publish_at=rules.shift_wall(post.publish_wall, days),
                          **({"timezone": post.timezone} if post.timezone else {}))
        return posts.update(principal, post.id, patch, None)[0]
    raise BadRequest(f"Unknown action {action!r}.")


# --- export --------------------------------------------------------------------------------------

def export(principal: Principal, brand_id: str, seen: list[rules.Seen], *, language: str | None = None) -> bytes:
    """One CSV (the content plan's columns) of just the posts named that are in the brand; the others are
    left out (a post of another brand does not exist here)."""
    from chalicelib.plan import service as plan

    language = language or principal.language
    principal.require(brand_id, Permission.view_posts)
    problem = request_problem(language, "export", seen, None)
    if problem is not None:
        raise ValidationFailed(problem, details=[{"field": "post_ids", "message": problem}])
    ids = [s.post_id for s in seen if rules.valid_id(s.post_id)]
    return plan.export(principal, brand_id, None, None, post_ids=ids)
