"""Posts, their immutable versions, decisions and comments; approval chains live in chains.py.

Every change to a post is an update conditional on its `revision` (optimistic lock), in one
transaction with whatever it adds (a version snapshot, a decision) and the audit entry.
"""
from __future__ import annotations

from chalicelib.content.models import CommentItem, DecisionItem, PostItem, PostVersionItem
from chalicelib.content.rules.workflow import Decision, PostState, Rule, Stage, Status, Vote
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.pages import Page, query_page
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, transact
from chalicelib.core.plain import plain

UNSCHEDULED = "~"  # sorts after every ISO instant: undated posts come last in the calendar index


def post_key(post_id: str) -> tuple[str, str]:
    return f"POST#{post_id}", "POST"


def calendar_pk(brand_id: str) -> str:
    return f"BRAND#{brand_id}#POSTS"


def calendar_sk(publish_at: str | None, post_id: str) -> str:
    return f"{publish_at or UNSCHEDULED}#{post_id}"


def get(post_id: str, *, consistent: bool = False) -> PostItem | None:
    return get_item(PostItem, *post_key(post_id), consistent=consistent)


def batch_get(post_ids: list[str], *, consistent: bool = False) -> dict[str, PostItem]:
    """The posts of these ids that exist, by id (BatchGetItem, 100 keys a call; repeated ids read once)."""
    db_connection.bind_models()
    keys = [post_key(post_id) for post_id in dict.fromkeys(post_ids)]
    return {item.id: item for item in PostItem.batch_get(keys, consistent_read=consistent)} if keys else {}


def approval_of(post: PostItem) -> dict:
    return plain(post.approval) or {}


def state_of(post: PostItem) -> PostState:
    approval = approval_of(post)
    stages = tuple(Stage(name=s["name"], rule=Rule(s["rule"]), approvers=frozenset(s.get("approvers") or []),
                         lead_hours=int(s.get("lead_hours") or 0)) for s in approval.get("stages") or [])
    votes = tuple(Vote(user_id=v["user_id"], decision=Decision(v["decision"]), version=int(v["version"]),
                       stage=int(v["stage"])) for v in approval.get("votes") or [])
    return PostState(status=Status(post.status), version=int(post.version), author_id=post.author_id,
                     has_publish_time=bool(post.publish_at), hold=bool(post.hold), stages=stages,
                     stage_index=int(approval.get("stage_index") or 0), votes=votes,
                     version_author=approval.get("version_author") or None,
                     round_authors=frozenset(approval.get("round_authors") or ()))


# Kept from one approval map to the next unless a change sets them (see approvals/followups.py).
FOLLOW_UP_KEYS = ("on_miss", "deadline", "stage_round", "deadline_round", "stage_started_at")


def approval_map(state: PostState, chain_id: str | None, previous: dict | None = None) -> dict:
    kept = {key: (previous or {}).get(key) for key in FOLLOW_UP_KEYS}
    return {
        **kept,
        "chain_id": chain_id,
        "stage_index": state.stage_index,
        "stages": [{"name": s.name, "rule": s.rule.value, "approvers": sorted(s.approvers), "lead_hours": s.lead_hours}
                   for s in state.stages],
        "votes": [{"user_id": v.user_id, "decision": v.decision.value, "version": v.version, "stage": v.stage}
                  for v in state.votes],
        "version_author": state.version_author,
        "round_authors": sorted(state.round_authors),
        # everyone asked so far to approve this post: what a client approver may see (asked_of). A stage's
        # approvers are asked when the post reaches that stage, not before.
        "asked": sorted(set((previous or {}).get("asked") or ()) | _reached(
            [sorted(s.approvers) for s in state.stages], state.stage_index)),
    }


def _reached(approvers_by_stage: list, stage_index: int) -> set[str]:
    """The approvers of every stage the post has reached (all of them once it went through)."""
    return {u for approvers in approvers_by_stage[:stage_index + 1] for u in approvers}


def asked_of(post: PostItem) -> set[str]:
    """Everyone who is or was asked to approve the post (a stage it reached, any round)."""
    approval = approval_of(post)
    stages = [s.get("approvers") or [] for s in approval.get("stages") or ()]
    return set(approval.get("asked") or ()) | _reached(stages, int(approval.get("stage_index") or 0))


def create(actor: Actor, post: PostItem, first_version: PostVersionItem, *, new_items: list = ()) -> None:
    """Put the new post and its first version, and `new_items` as in `save` (what the hooks add)."""
    def build(tx):
        tx.save(post, condition=PostItem.pk.does_not_exist())
        tx.save(first_version, condition=PostVersionItem.pk.does_not_exist())
        for item in new_items:
            if callable(item):
                item(tx)
            else:
                tx.save(item, condition=type(item).pk.does_not_exist())

    transact(actor, Change(post.brand_id, "post", post.id, "create",
                           after={"title": post.title, "status": post.status}, version=1), build)


def save(actor: Actor, post: PostItem, values: dict, change: Change, *, new_items: list = ()) -> None:
    """Set `values` on the post if its revision is still the one read; put `new_items` (new, never
    overwritten) in the same transaction — or, for an item given as a callable, let it add its own
    conditional operation (`op(tx)`). A concurrent change raises WriteConflict."""
    actions = []
    for name, value in values.items():
        attribute = getattr(PostItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))

    def build(tx):
        tx.update(post, actions)
        for item in new_items:
            if callable(item):
                item(tx)
            else:
                tx.save(item, condition=type(item).pk.does_not_exist())

    transact(actor, change, build)


def list_calendar(brand_id: str, start: str | None, end: str | None, cursor: str | None, limit: int | None,
                  filter_condition=None) -> Page[PostItem]:
    """Posts of a brand ordered by publish time; [start, end) bounds in UTC ISO (undated last)."""
    db_connection.bind_models()
    if start and end:
        key_condition = PostItem.gsi1sk.between(start, end)
    elif start:
        key_condition = PostItem.gsi1sk >= start
    elif end:
        key_condition = PostItem.gsi1sk < end
    else:
        key_condition = None
    scope = f"posts:{brand_id}:{start}:{end}:{filter_condition is not None}"
    return query_page(PostItem.gsi1.query, scope, cursor, limit, hash_key=calendar_pk(brand_id),
                      range_key_condition=key_condition, filter_condition=filter_condition)


def versions(post_id: str) -> list[PostVersionItem]:
    db_connection.bind_models()
    return list(PostVersionItem.query(f"POST#{post_id}", PostVersionItem.sk.startswith("VERSION#")))


def get_version(post_id: str, number: int) -> PostVersionItem | None:
    return get_item(PostVersionItem, f"POST#{post_id}", version_sk(number))


def version_sk(number: int) -> str:
    return f"VERSION#{number:06d}"


def decisions(post_id: str) -> list[DecisionItem]:
    db_connection.bind_models()
    return list(DecisionItem.query(f"POST#{post_id}", DecisionItem.sk.startswith("DECISION#")))


def comments(post_id: str, cursor: str | None, limit: int | None) -> Page[CommentItem]:
    db_connection.bind_models()
    return query_page(CommentItem.query, f"comments:{post_id}", cursor, limit, hash_key=f"POST#{post_id}",
                      range_key_condition=CommentItem.sk.startswith("COMMENT#"))


def add_comment(actor: Actor, brand_id: str, comment: CommentItem) -> None:
    transact(actor, Change(brand_id, "post", comment.post_id, "comment", after={"visibility": comment.visibility},
                           version=comment.version),
             lambda tx: tx.save(comment, condition=CommentItem.pk.does_not_exist()))


# --- the review index (gsi2): posts waiting for approval, by the current stage's deadline -----------

def review_pk(brand_id: str) -> str:
    return f"BRAND#{brand_id}#REVIEW"


def review_sk(deadline: str | None, post_id: str) -> str:
    return f"{deadline or UNSCHEDULED}#{post_id}"


def list_in_review(brand_id: str, *, deadline_before: str | None = None, limit: int = 500) -> list[PostItem]:
    """Posts of a brand now in review, soonest stage deadline first (no deadline last).
    deadline_before (UTC ISO): only those whose deadline is before it (overdue, due soon)."""
    db_connection.bind_models()
    condition = PostItem.gsi2sk < deadline_before if deadline_before else None
    return list(PostItem.gsi2.query(review_pk(brand_id), range_key_condition=condition, limit=limit))
