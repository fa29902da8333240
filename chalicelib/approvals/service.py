"""The approval workflow on a post: send it into review (`submit`) and decide on the version an
approver saw (`decide`) — from the post page, the API, a signed email link or a Slack button alike.

The stages come from the brand's approval chain for the post's content type (approvals/chains/),
resolved to people when review starts. Each step goes through content's one write
(content/service.apply_change): the rules of content/rules/workflow.py decide on the post as read,
the write is conditional on its revision, and the follow-ups and publication targets are written in
the same transaction (content/hooks.py).
"""
from __future__ import annotations

from chalicelib.approvals.chains import repo as chain_repo
from chalicelib.approvals.models import LinkUseItem
from chalicelib.brands.members import repo as member_repo
from chalicelib.brands.service import brand_settings
from chalicelib.brands.service import get as get_brand
from chalicelib.content import guards, repo
from chalicelib.content.models import DecisionItem, PostItem
from chalicelib.content.rules import workflow as wf
from chalicelib.content.service import Step, apply_change
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change
from chalicelib.core.errors import NotFound
from chalicelib.core.ids import new_id
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def link_use_sk(version: int, stage: int, user_id: str) -> str:
    return f"ACTED#v{int(version)}#s{int(stage)}#{user_id}"


def _approvers(brand_id: str, stage: dict) -> frozenset[str]:
    users = set(stage.get("approver_user_ids") or [])
    roles = set(stage.get("approver_roles") or [])
    if roles:
        users.update(member_repo.user_ids_with_roles(brand_id, roles))
    return frozenset(users)


def chain_for(brand_id: str, content_type: str):
    chains = chain_repo.all_for_brand(brand_id)
    for chain in chains:
        if content_type in (chain.content_types or []):
            return chain
    return next((c for c in chains if c.is_default), None)


def submit(principal: Principal, post_id: str, *, needs_channel: bool = True) -> PostItem:
    """Send a post into its brand's chain. `needs_channel=False` is for posts the brand does not publish
    itself (a blogger's draft of a deal: it goes out on the blogger's own account)."""
    def step(post):
        principal.require(post.brand_id, Permission.edit_posts, what="post")
        brand = get_brand(principal, post.brand_id)
        chain = chain_for(post.brand_id, post.content_type)
        stages = ()
        if chain is not None:
            stages = tuple(wf.Stage(name=s["name"], rule=wf.Rule(s.get("rule", "any")),
                                    approvers=_approvers(post.brand_id, s), lead_hours=int(s.get("lead_hours") or 0))
                           for s in (plain(chain.stages) or []))
        outcome = wf.submit(repo.state_of(post), stages,
                            approve_without_chain=bool(brand_settings(brand).get("approve_without_chain")))
        guards.check_submit(post, principal.language, needs_channel=needs_channel)  # guardrails
        state = outcome.state
        approval = repo.approval_map(state, chain.id if chain else None, repo.approval_of(post))
        approval["on_miss"] = (chain.on_miss or "notify") if chain else "notify"
        values = {"status": state.status.value, "approval": approval, "updated_at": iso(utcnow())}
        restamped = guards.now_on_approval(post, brand, utcnow()) if "approved" in outcome.events else {}
        values.update(restamped)  # approved at once (no chain needed): "publish now" is this minute
        change = Change(post.brand_id, "post", post.id, "submit", {"status": post.status},
                        {"status": state.status.value, "chain": chain.name if chain else None,
                         **({"publish_at": restamped["publish_wall"]} if restamped else {})}, state.version)
        return Step(values, change, state=state, events=outcome.events, brand=brand)

    return apply_change(principal, post_id, step)


def decide(principal: Principal, post_id: str, data, *, via: str | None = None,
           stage: int | None = None, link_use: bool = False) -> PostItem:
    """Approve, request changes or reject the version the approver saw.
    stage: the stage the approver was asked about (links, Slack): a decision never lands on another.
    link_use: also put the LinkUseItem that makes a signed link single-use (same transaction)."""
    def step(post):
        if principal.brands.get(post.brand_id) is None and not principal.is_admin:
            raise NotFound("No such post.")
        brand = get_brand(principal, post.brand_id)
        state = repo.state_of(post)
        if stage is not None and state.status is wf.Status.in_review and state.stage_index != stage \
                and data.version == state.version:
            raise wf.StageMoved(state)
        outcome = wf.decide(state, principal.user_id, data.version, data.decision,
                            authors_may_approve=bool(brand_settings(brand).get("authors_may_approve")))
        new = outcome.state
        stage_name = state.current_stage.name if state.current_stage else ""
        decision = DecisionItem(f"POST#{post.id}", f"DECISION#{new_id()}", id="", post_id=post.id,
                                version=data.version, stage=state.stage_index, stage_name=stage_name,
                                user_id=principal.user_id, user_label=principal.email, decision=data.decision.value,
                                comment=data.comment, via=via or principal.via, at=iso(utcnow()))
        decision.id = decision.sk.split("#", 1)[1]
        previous = repo.approval_of(post)
        approval = repo.approval_map(new, previous.get("chain_id"), previous)
        values = {"status": new.status.value, "approval": approval, "updated_at": iso(utcnow())}
        # the final approval of a "publish now" post whose stamped minute passed in review: now is now
        restamped = guards.now_on_approval(post, brand, utcnow()) if "approved" in outcome.events else {}
        values.update(restamped)
        before = {"status": post.status, "stage": state.stage_index}
        after = {"status": new.status.value, "stage": new.stage_index, "comment": data.comment}
        if restamped:
            before["publish_at"], after["publish_at"] = post.publish_wall, restamped["publish_wall"]
        change = Change(post.brand_id, "post", post.id, f"decision:{data.decision.value}", before, after,
                        data.version)
        items = [decision]
        if link_use:
            items.append(LinkUseItem(f"POST#{post.id}", link_use_sk(data.version, state.stage_index, principal.user_id),
                                     post_id=post.id, version=data.version, stage=state.stage_index,
                                     user_id=principal.user_id, decision=data.decision.value,
                                     via=via or principal.via, at=iso(utcnow())))
        return Step(values, change, items, new, outcome.events, brand)

    return apply_change(principal, post_id, step)


