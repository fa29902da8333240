"""Roles and what each may do. Pure rules, no I/O.

A user holds roles per brand; `admin` is global (a flag on the user, not a brand role).
A client approver (someone outside the team) sees only the posts they are or were asked to approve:
the team's `view_posts` is not theirs, and every permission they hold on a post (hold, external
comments) applies only to those posts (content/service.py `require_on_post`).
"""
from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    admin = "admin"
    smm_manager = "smm_manager"
    content_manager = "content_manager"
    copywriter = "copywriter"
    designer = "designer"
    influencer_manager = "influencer_manager"
    client_approver = "client_approver"
    finance = "finance"  # pays the influencers; sees deals and payments, nothing of the content


BRAND_ROLES = tuple(r.value for r in Role if r is not Role.admin)


class Permission(str, Enum):
    view_brand = "view_brand"
    edit_brand = "edit_brand"
    view_members = "view_members"
    manage_members = "manage_members"
    view_channels = "view_channels"
    manage_channels = "manage_channels"
    view_audit = "view_audit"
    view_posts = "view_posts"
    edit_posts = "edit_posts"
    view_asked_posts = "view_asked_posts"  # only the posts the person is (or was) asked to approve
    hold_posts = "hold_posts"
    release_posts = "release_posts"  # lift a hold someone else set
    archive_posts = "archive_posts"
    manage_chains = "manage_chains"
    comment_internal = "comment_internal"
    comment_external = "comment_external"
    view_influencers = "view_influencers"
    manage_influencers = "manage_influencers"
    view_influencer_legal = "view_influencer_legal"  # INN, OGRN, legal name, contacts
    view_deals = "view_deals"  # deals, their contracts, deliverables and payments
    manage_deals = "manage_deals"  # create and change deals, deliverables, contracts; hold payments
    approve_payments = "approve_payments"  # a due payment may be paid (the work is accepted)
    pay_payments = "pay_payments"  # record that an approved payment was made
    view_campaigns = "view_campaigns"  # campaigns, their costs, links, conversions, metrics and reports
    manage_campaigns = "manage_campaigns"  # create and change campaigns, cost lines, links, promo codes, metrics


_TEAM = {Role.smm_manager, Role.content_manager, Role.copywriter, Role.designer, Role.influencer_manager}

GRANTS: dict[Permission, set[Role]] = {
    Permission.view_brand: _TEAM | {Role.client_approver, Role.finance},
    Permission.edit_brand: {Role.smm_manager},
    Permission.view_members: _TEAM,
    Permission.manage_members: {Role.smm_manager},
    Permission.view_channels: _TEAM,
    Permission.manage_channels: {Role.smm_manager, Role.content_manager},
    Permission.view_audit: {Role.smm_manager},
    Permission.view_posts: _TEAM,
    Permission.edit_posts: {Role.smm_manager, Role.content_manager, Role.copywriter, Role.designer},
    Permission.view_asked_posts: {Role.client_approver},
    Permission.hold_posts: {Role.smm_manager, Role.content_manager, Role.client_approver},
    Permission.release_posts: {Role.smm_manager, Role.content_manager},
    Permission.archive_posts: {Role.smm_manager, Role.content_manager},
    Permission.manage_chains: {Role.smm_manager},
    Permission.comment_internal: _TEAM,
    Permission.comment_external: _TEAM | {Role.client_approver},
    Permission.view_influencers: _TEAM | {Role.finance},
    Permission.manage_influencers: {Role.influencer_manager, Role.smm_manager},
    Permission.view_influencer_legal: {Role.influencer_manager, Role.smm_manager, Role.finance},
    Permission.view_deals: {Role.influencer_manager, Role.smm_manager, Role.content_manager, Role.finance},
    Permission.manage_deals: {Role.influencer_manager, Role.smm_manager},
    Permission.approve_payments: {Role.smm_manager},
    Permission.pay_payments: {Role.finance},
    Permission.view_campaigns: _TEAM | {Role.finance},
    Permission.manage_campaigns: {Role.smm_manager, Role.content_manager, Role.influencer_manager},
}


def allows(is_admin: bool, brand_roles: list[str] | tuple[str, ...], permission: Permission) -> bool:
    if is_admin:
        return True
    granted = GRANTS[permission]
    return any(Role(role) in granted for role in brand_roles if role in Role.__members__)
