"""Greenlight: composition root only. For each feature, its blueprints (JSON routes, pages) and its
scheduled jobs are wired here, and the two features that keep items in step with every post change
are plugged into content; nothing else.

Importing this module builds no client and imports nothing heavy (a benchmark watches it): route
modules load their services on first use.
"""
from chalice import Chalice, Rate

from chalicelib.approvals import hooks as approvals_hooks
from chalicelib.approvals import jobs as approvals_jobs
from chalicelib.approvals import routes as approvals_routes
from chalicelib.approvals.chains import routes as chains_routes
from chalicelib.approvals.links import pages as approval_link_pages
from chalicelib.approvals.slack import routes as slack_routes
from chalicelib.audit import routes as audit_routes
from chalicelib.brands import pages as brands_pages
from chalicelib.brands import routes as brands_routes
from chalicelib.brands.channels import routes as channels_routes
from chalicelib.brands.members import routes as members_routes
from chalicelib.campaigns import deal_hooks as campaigns_deal_hooks
from chalicelib.campaigns import hooks as campaigns_hooks
from chalicelib.campaigns import pages as campaigns_pages
from chalicelib.campaigns import routes as campaigns_routes
from chalicelib.campaigns.conversions import pages as conversions_pages
from chalicelib.campaigns.conversions import routes as conversions_routes
from chalicelib.campaigns.links import pages as links_pages
from chalicelib.campaigns.links import redirect as links_redirect
from chalicelib.campaigns.links import routes as links_routes
from chalicelib.campaigns.metrics import pages as metrics_pages
from chalicelib.campaigns.metrics import routes as metrics_routes
from chalicelib.campaigns.report import brand_pages as brand_report_pages
from chalicelib.campaigns.report import brand_routes as brand_report_routes
from chalicelib.campaigns.report import evidence_routes
from chalicelib.campaigns.report import pages as report_pages
from chalicelib.campaigns.report import routes as report_routes
from chalicelib.content import hooks as content_hooks
from chalicelib.content import routes as content_routes
from chalicelib.core.http import files_route, system
from chalicelib.core.http import pages as page_pipeline
from chalicelib.core.jobs import JOBS
from chalicelib.core.logs import configure_logging
from chalicelib.deals import campaign_hooks as deal_campaign_hooks
from chalicelib.deals import contract_routes as deals_contract_routes
from chalicelib.deals import draft_pages, payment_pages, payment_routes, placement_hooks
from chalicelib.deals import hooks as deals_hooks
from chalicelib.deals import jobs as deals_jobs
from chalicelib.deals import page_hooks as deal_page_hooks
from chalicelib.deals import pages as deals_pages
from chalicelib.deals import render_lambda as deals_render_lambda
from chalicelib.deals import routes as deals_routes
from chalicelib.identity import pages as identity_pages
from chalicelib.influencers import jobs as influencers_jobs
from chalicelib.influencers import pages as influencers_pages
from chalicelib.influencers import routes as influencers_routes
from chalicelib.influencers import transfer_routes as influencers_transfer_routes
from chalicelib.media import routes as media_routes
from chalicelib.notifications import jobs as notifications_jobs
from chalicelib.notifications import pages as notifications_pages
from chalicelib.notifications import post_events as notification_events
from chalicelib.notifications import routes as notifications_routes
from chalicelib.placements import hooks as placements_hooks
from chalicelib.placements import jobs as placements_jobs
from chalicelib.placements import pages as placements_pages
from chalicelib.placements import routes as placements_routes
from chalicelib.placements import timeline as placements_timeline
from chalicelib.plan import (
    bulk_pages,
    bulk_routes,
    calendar_pages,
    move_pages,
    post_form_pages,
    post_page,
    review_pages,
)
from chalicelib.plan import csv_pages as plan_csv_pages
from chalicelib.plan import routes as plan_routes
from chalicelib.profile import pages as profile_pages
from chalicelib.profile import routes as profile_routes
from chalicelib.publishing import hooks as publishing_hooks
from chalicelib.publishing import jobs as publishing_jobs
from chalicelib.publishing import routes as publishing_routes
from chalicelib.shell import pages as shell_pages

app = Chalice(app_name="greenlight")
app.debug = False  # never show stack traces to clients; local errors carry a short "debug" field instead
configure_logging()

BLUEPRINTS = (
    system.bp,                                      # core: /health, /openapi.json, /static/…
    files_route.bp,                                 # core: /files/<token> (downloads from the local file store)
    media_routes.bp,                                # media: post media uploads (/v1/brands/…/media…, /media/view)
    identity_pages.bp,                              # identity: /sign-in, /auth/verify, /sign-out
    profile_routes.bp, profile_pages.bp,            # profile: /v1/me, /v1/tokens, /me
    notifications_routes.bp, notifications_pages.bp,  # notifications: /v1/me/activity, /activity
    brands_routes.bp, members_routes.bp, channels_routes.bp, brands_pages.bp,  # brands; /, /brands/…
    approvals_routes.bp, chains_routes.bp,          # approvals: submit, decisions; approval chains
    content_routes.bp,                              # content: /v1/posts…
    publishing_routes.bp,                           # publishing: /v1/…/targets
    audit_routes.bp,                                # audit: /v1/audit
    influencers_routes.bp,                          # influencers: /v1/…/influencers, /v1/accounts/…
    influencers_pages.bp,                           # influencers: /brands/…/influencers, /influencers/…, /accounts/…
    influencers_transfer_routes.bp,                 # influencers: CSV import/export, Telegram subscriber counts
    deals_routes.bp, deals_contract_routes.bp,      # deals: /v1/…/deals, /v1/deals/…, /v1/deliverables/…, contracts
    payment_routes.bp, payment_pages.bp,            # payments: /v1/…/payments(.csv), /v1/payments/…, /brands/…/payments
    deals_pages.bp,                                 # deals: /brands/…/deals, /deals/…: list, forms, the deal's page
    draft_pages.bp,                                 # deals: /v1/deliverables/…/draft-link, the blogger's /d/<token>
    placements_pages.bp,                            # placements: the deal page's forms, /deals/…/deliverables/…/…
    placements_routes.bp,                           # placements: /v1/deliverables/…/placement|checks|evidence, /v1/checks/…
    campaigns_routes.bp, campaigns_pages.bp,        # campaigns: /v1/…/campaigns, cost lines, /brands/…/campaigns
    links_routes.bp, links_pages.bp,                # campaigns: tracked links and promo codes
    links_redirect.bp,                              # campaigns: /r/<code> (no sign-in): redirect, count the click
    metrics_routes.bp, metrics_pages.bp,            # campaigns: metric snapshots (by hand, CSV)
    conversions_routes.bp, conversions_pages.bp,    # campaigns: the signed conversions webhook, CSV import
    report_routes.bp, report_pages.bp,              # campaigns: report JSON/CSV/PDF, the campaign's page
    evidence_routes.bp,                             # campaigns: /v1/campaigns/…/evidence.pdf (the client's evidence)
    brand_report_routes.bp, brand_report_pages.bp,  # campaigns: /v1/brands/…/report(.csv), /brands/…/report
    slack_routes.bp,                                # approvals: /slack/interactions
    plan_routes.bp, calendar_pages.bp,              # plan: CSV, calendar feed, /calendar
    plan_csv_pages.bp,                              # plan: /calendar/csv (export, import with a per-row report)
    move_pages.bp,                                  # plan: /posts/…/move (calendar drag-and-drop)
    post_form_pages.bp, post_page.bp,               # plan: /posts/new, /posts/…/edit, /posts/…
    review_pages.bp,                                # plan: /review (the review board of posts waiting for me)
    bulk_routes.bp, bulk_pages.bp,                  # plan: /v1/brands/…/posts/bulk(-export), /calendar/bulk
    approval_link_pages.bp,                         # approvals: /a/<token>
    shell_pages.bp,                                 # shell: /{proxy+}, every path no route serves (HTML or JSON 404)
)
for blueprint in BLUEPRINTS:
    app.register_blueprint(blueprint)
app.register_blueprint(deals_render_lambda.bp)  # the contract PDF renderer: its own Lambda function (WeasyPrint layer)
app.api.binary_types.extend(["application/pdf", "multipart/form-data"])

# Every post change also writes approvals' follow-ups, publishing's targets, (for a blogger's draft) its
# deliverable's status and (when its campaign changes) the campaigns' member entries, in its transaction.
content_hooks.plug(approvals_hooks, publishing_hooks, deals_hooks, campaigns_hooks, notification_events)
# A deal joining or leaving a campaign is checked by campaigns and moves the campaign's member entries.
deal_campaign_hooks.plug(campaigns_deal_hooks)
# Setting a deliverable's live URL plans its placement checks; the deal's page shows each deliverable's checks.
placement_hooks.plug(placements_hooks)
deal_page_hooks.plug(placements_timeline)
# The footer's language switch, used by a signed-in person, also sets their profile's language.
page_pipeline.keep_language_with(shell_pages.keep_profile_language)

SCHEDULED = (publishing_jobs.PUBLISH_DUE, approvals_jobs.APPROVAL_REMINDERS, notifications_jobs.DAILY_DIGEST,
             notifications_jobs.POST_NOTICES,
             influencers_jobs.INFLUENCER_VERDICTS, deals_jobs.DEAL_DEADLINES,
             placements_jobs.PLACEMENT_CHECKS)
if set(SCHEDULED) != set(JOBS.values()):
    raise RuntimeError("a feature registered a job that app.py does not schedule: add it to SCHEDULED")


def _schedule(job):
    def handler(event):
        return job.run()

    handler.__name__ = job.name.replace("-", "_")
    app.schedule(Rate(job.every_minutes, unit=Rate.MINUTES), name=handler.__name__)(handler)


for _job in SCHEDULED:
    _schedule(_job)
