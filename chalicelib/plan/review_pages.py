"""The review board: `/review` (and `/review?brand_id=`) — the posts waiting for the signed-in person's
decision, across their brands, soonest stage deadline first, each with what the approval link page
shows (each chosen channel's text as the network shows it, media, links, the external comments) and
the same actions: comment (external), approve, request changes (with a comment), reject.

Who sees what (tenant isolation): a post is on a person's board only when its brand is one of theirs,
they may see it (a client approver: only posts put to them, content/service.sees) and its current
stage waits for their decision. Client approvers (view_asked_posts) land here when they sign in; team
members with approve rights may use it for the posts waiting for them.

  GET  /review                       the board (?done=decided|commented announces what just happened)
  POST /review/{post_id}/decide      the decision, through approvals/links/service.act — the link page's
                                     service: bound to the version and stage shown; a changed post is a 409
                                     page (the board with the new version), never a decision on another one
  POST /review/{post_id}/comments    an external comment (content/service.add_comment)

Reads: one Query of each brand's review index (gsi2 BRAND#<id>#REVIEW, deadline order), then a consistent
GetItem of each post waiting for the person (the index is eventually consistent), the brand's channels
(one Query per brand), each shown post's external comments and decisions (one Query each) and the names
of the people on a card (one BatchGetItem per card, each person read once per request).
"""
from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.plan import reader
from chalicelib.plan.rules import review as rules

posts = lazy_import("chalicelib.content.service")
approval_actions = lazy_import("chalicelib.approvals.links.service")

bp = Blueprint(__name__)

BOARD = "/review"
BOARD_NOTICES = ("decided", "commented")
DECISIONS = ("approve", "request_changes", "reject")
DECISION_KEYS = {"approve": "post.decision.approve", "request_changes": "post.decision.request_changes",
                 "reject": "post.decision.reject"}
MAX_SHOWN = 100  # posts on one board
MAX_COMMENT = 5000  # content/schemas.DecisionIn.comment, CommentIn.text


def _may_review(principal, brand_id: str) -> bool:
    return principal.can(brand_id, Permission.view_asked_posts) or principal.can(brand_id, Permission.view_posts)


def _brand_ids(call: PageCall) -> list[str]:
    """The brands whose posts the board looks at: the person's (those where they may review), or the
    one asked for — a brand that is not theirs does not exist for them (404)."""
    principal = call.principal
    mine = sorted(b for b in principal.brands if _may_review(principal, b))
    wanted = _brand_filter(call)
    if wanted:
        if wanted not in mine:
            raise NotFound("No such brand.")
        return [wanted]
    return mine


def _brand_filter(call: PageCall) -> str:
    """The board's brand filter: `?brand_id=` of the board, or the form's `brand_filter` on a POST (so
    a refused decision or comment shows the board as the person had it)."""
    wanted = call.query.get("brand_id")
    if not wanted and call.request.method == "POST":
        wanted = (call.form or {}).get("brand_filter")
    return (wanted or "").strip()


def _media(items: list) -> list[dict]:
    """The post's media in order: uploaded files as thumbnails the browser may load under our CSP (the
    media feature's display helper: signed, expiring links, so a client approver without the team's
    rights sees them too); an item given only by a web address, or any item when that helper is missing
    or refuses it, as its name (a link when it is a web address)."""
    try:
        from chalicelib.media.display import shown
    except ImportError:  # the media feature is not there: names and links only
        shown = None
    out = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        thumb = None
        if shown is not None and item.get("key"):
            try:
                thumb = next(iter(shown([item])), None)
            except Exception:  # never lose the board over a thumbnail
                thumb = None
        url = item.get("url")
        href = url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None
        out.append({"src": thumb.get("src") if thumb else None, "alt": item.get("alt") or "",
                    "kind": (thumb or {}).get("kind") or item.get("kind") or "image", "href": href,
                    "name": item.get("name") or item.get("alt") or href or ""})
    return out


class _Names:
    """People's names (their profile name, else the stored label): `load` reads every user id of the shown
    posts in one BatchGetItem (identity/repo.batch_get); one not loaded is read on its own, once."""

    def __init__(self):
        self.cache: dict[str, str] = {}

    def load(self, user_ids) -> None:
        from chalicelib.identity import repo as user_repo

        wanted = [u for u in dict.fromkeys(user_ids) if u and u not in self.cache]
        found = user_repo.batch_get(wanted) if wanted else {}
        for user_id in wanted:
            user = found.get(user_id)
            self.cache[user_id] = (user.name if user is not None else "") or ""

    def __call__(self, user_id: str | None, label: str | None = None) -> str:
        if user_id and user_id not in self.cache:
            self.load([user_id])
        return reader.name_of(self.cache, user_id, label)


def _card(post, brand, channels: dict, names: _Names, zone: str, can_open: bool) -> dict:
    """One post on the board, as the approval link page shows it: the version waiting for the decision."""
    from chalicelib.content import repo as post_repo
    from chalicelib.core.clock import iso, utcnow

    state = post_repo.state_of(post)
    approval = post_repo.approval_of(post)
    content = posts.content_of(post)
    media = content.get("media") or []
    previews = []
    for channel_id in content.get("channel_ids") or []:
        channel = channels.get(channel_id)
        if channel is None:
            continue
        previews.append({"channel": channel.name, "platform": channel.platform,
                         **rules.channel_preview(content, channel_id, channel.platform, len(media))})
    deadline = approval.get("deadline")
    stage = state.current_stage
    comments = [c for c in post_repo.comments(post.id, None, 50).items if c.visibility == "external"]
    decisions = [d for d in post_repo.decisions(post.id)
                 if int(d.version) == int(post.version) and int(d.stage) == state.stage_index]
    names.load([post.author_id, *(c.author_id for c in comments), *(d.user_id for d in decisions)])
    return {
        "id": post.id, "brand": brand.name if brand else "", "brand_id": post.brand_id, "can_open": can_open,
        "title": post.title or "", "version": int(post.version), "stage": state.stage_index,
        "stage_name": stage.name if stage else "", "stage_number": state.stage_index + 1,
        "stage_count": len(state.stages), "deadline": reader.when(deadline, zone),
        "overdue": bool(deadline) and deadline <= iso(utcnow()),
        "publish_time": reader.when(post.publish_at, post.timezone or zone) if post.publish_at else "",
        "author": names(post.author_id), "previews": previews, "media": _media(media),
        "links": [link for link in content.get("links") or [] if str(link).lower().startswith(("https://", "http://"))],
        "comments": [{"who": names(c.author_id, c.author_label), "at": reader.when(c.at, zone), "text": c.text}
                     for c in sorted(comments, key=lambda c: c.at)],
        "decisions": [{"who": names(d.user_id, d.user_label),
                       "decision_key": DECISION_KEYS.get(d.decision, "post.decision.approve"),
                       "at": reader.when(d.at, zone), "comment": d.comment}
                      for d in sorted(decisions, key=lambda d: d.at)],
    }


def board(principal, brand_ids: list[str], zone_fallback: str | None = None) -> tuple[list[dict], list, str]:
    """(cards, brands, zone): the posts waiting for this person's decision in these brands, soonest
    deadline first."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.brands.channels import repo as channel_repo
    from chalicelib.brands.service import brand_settings
    from chalicelib.content import repo as post_repo

    brands = {b.id: b for b in brand_repo.batch_get(brand_ids)} if brand_ids else {}
    first = brands.get(brand_ids[0]) if brand_ids else None
    zone = reader.reader_zone(principal, zone_fallback or getattr(first, "timezone", None))
    waiting = []
    for brand_id in brand_ids:
        brand = brands.get(brand_id)
        if brand is None:
            continue
        authors_may = bool(brand_settings(brand).get("authors_may_approve"))
        for listed in post_repo.list_in_review(brand_id):
            if listed.brand_id != brand_id or not posts.sees(principal, listed):
                continue
            if not rules.waits_for(post_repo.state_of(listed), principal.user_id, authors_may_approve=authors_may):
                continue
            post = post_repo.get(listed.id, consistent=True)  # the index may lag a decision just made
            if post is None or post.brand_id != brand_id or not posts.sees(principal, post) or not rules.waits_for(
                    post_repo.state_of(post), principal.user_id, authors_may_approve=authors_may):
                continue
            waiting.append((rules.board_order(post_repo.approval_of(post).get("deadline"), post.id), post, brand))
    waiting.sort(key=lambda row: row[0])
    channels: dict[str, dict] = {}
    names = _Names()
    cards = []
    for _, post, brand in waiting[:MAX_SHOWN]:
        if brand.id not in channels:
            channels[brand.id] = {c.id: c for c in channel_repo.list_for_brand(brand.id, None, 100).items}
        cards.append(_card(post, brand, channels[brand.id], names, zone,
                           principal.can(brand.id, Permission.view_posts)))
    return cards, [brands[b] for b in brand_ids if b in brands], zone


def _board_page(call: PageCall, *, status: int = 200, problem: dict | None = None):
    principal = call.principal
    brand_ids = _brand_ids(call)
    cards, brands, zone = board(principal, brand_ids)
    all_brands = sorted(b for b in principal.brands if _may_review(principal, b))
    brand_names = {b.id: b.name for b in brands} if len(all_brands) == len(brand_ids) else None
    if brand_names is None and all_brands:
        from chalicelib.brands import repo as brand_repo

        brand_names = {b.id: b.name for b in brand_repo.batch_get(all_brands)}
    notice = call.query.get("done") if call.request.method == "GET" else None
    return call.render("review_board.html", status=status, cards=cards, zone=zone,
                       brand_filter=_brand_filter(call), brand_names=brand_names or {},
                       notice=i18n.translate(f"review.notice.{notice}", call.language) if notice in BOARD_NOTICES
                       else None, problem=problem or {},
                       decisions=DECISIONS)


def _back(call: PageCall, done: str, fragment: str = ""):
    brand_id = (call.form or {}).get("brand_filter") or ""
    query = {"done": done}
    if brand_id and brand_id in call.principal.brands:
        query["brand_id"] = brand_id
    return call.redirect(BOARD, fragment=fragment, **query)


def _visible_post(call: PageCall, post_id: str):
    """The post if the person may see it; else 404 (posts not put to a client approver do not exist)."""
    from chalicelib.content import repo as post_repo

    post = post_repo.get(post_id, consistent=True)
    principal = call.principal
    if post is None or (not principal.is_admin and post.brand_id not in principal.brands) \
            or not posts.sees(principal, post):
        raise NotFound("No such post.")
    return post


@page(bp, BOARD)
def review_board(call: PageCall):
    return _board_page(call)


@page(bp, BOARD + "/{post_id}/decide", ("POST",), back=BOARD)
def review_decide(call: PageCall, post_id):
    from chalicelib.approvals.tokens import ActionClaims
    from chalicelib.core.errors import ValidationFailed

    form = call.form or {}
    post = _visible_post(call, post_id)
    decision = form.get("decision", "")
    comment = form.get("comment", "")
    values = {"post_id": post.id, "comment": comment, "decision": decision}
    try:
        version, stage = int(form.get("version", "")), int(form.get("stage", ""))
    except ValueError:
        raise BadRequest("The form is missing the version you decided on; reload the board.") from None
    if decision not in DECISIONS:
        return _board_page(call, status=422, problem={**values, "message": i18n.translate(
            "review.error.choose", call.language)})
    claims = ActionClaims(post_id=post.id, version=version, stage=stage, user_id=call.principal.user_id,
                          action="open", expires=0)
    try:
        approval_actions.act(claims, decision, comment, via="web", request_id=call.request_id)
    except approval_actions.StaleVersion as exc:
        return _board_page(call, status=409, problem={**values, "message": i18n.translate(
            "review.error.stale", call.language, seen=version, current=exc.current_version)})
    except approval_actions.AlreadyDecided:
        return _board_page(call, status=409, problem={**values, "message": i18n.translate(
            "review.error.used", call.language)})
    except approval_actions.NotWaiting:
        return _board_page(call, status=409, problem={**values, "message": i18n.translate(
            "review.error.not_waiting", call.language)})
    except ValidationFailed:  # the decision's own check (content/schemas.DecisionIn): say which one failed
        return _board_page(call, status=422, problem={**values, "field": "comment",
                                                      "message": _comment_problem(call, decision, comment)})
    return _back(call, "decided")


def _comment_problem(call: PageCall, decision: str, comment: str) -> str:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        return i18n.translate("review.error.comment_too_long", call.language, length=len(text), limit=MAX_COMMENT)
    if decision != "approve" and not text:
        return i18n.translate("review.error.comment_needed", call.language)
    return i18n.translate("form.error.invalid", call.language)


@page(bp, BOARD + "/{post_id}/comments", ("POST",), back=BOARD)
def review_comment(call: PageCall, post_id):
    form = call.form or {}
    post = _visible_post(call, post_id)
    text = (form.get("text") or "").strip()
    if not text or len(text) > 5000:
        return _board_page(call, status=422, problem={"post_id": post.id, "text": form.get("text", ""),
                                                      "field": "text", "message": i18n.translate(
                                                          "review.error.comment_text", call.language)})
    posts.add_comment(call.principal, post.id, text, "external")
    return _back(call, "commented", fragment=f"review-{quote(post.id, safe='')}")
