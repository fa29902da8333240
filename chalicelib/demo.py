"""Demo data for `make run`: one brand, a user per role, two channels. Seeding twice changes nothing."""
from __future__ import annotations

from chalicelib.brands import repo as brand_repo
from chalicelib.brands.channels import repo as channel_repo
from chalicelib.brands.members import repo as member_repo
from chalicelib.core.db.writes import Actor
from chalicelib.identity import repo as user_repo
from chalicelib.identity.rules import BRAND_ROLES

DEMO_SLUG = "demo-coffee"
DEMO_DOMAIN = "demo.greenlight.example.com"
ACTOR = Actor(None, "seed-demo", "cli")


def demo_email(role: str) -> str:
    return f"{role.replace('_', '-')}@{DEMO_DOMAIN}"


def seed() -> dict:
    """Create what is missing; return the demo brand id and the emails to sign in with."""
    admin = user_repo.get_by_email(demo_email("admin")) or user_repo.create(
        ACTOR, email=demo_email("admin"), name="Demo Admin", is_admin=True)
    brand = brand_repo.get_by_slug(DEMO_SLUG)
    created = brand is None
    if created:
        brand = brand_repo.create(ACTOR, name="Demo Coffee Roasters", slug=DEMO_SLUG, timezone="Europe/Moscow",
                                  settings={"approve_without_chain": False, "authors_may_approve": False,
                                            "default_language": "ru", "advertiser_name": "ООО «Демо Кофе»",
                                            "advertiser_inn": "7707083893"})
    people = {"admin": admin.email}
    for role in BRAND_ROLES:
        email = demo_email(role)
        user = user_repo.get_by_email(email) or user_repo.create(
            ACTOR, email=email, name=f"Demo {role.replace('_', ' ').title()}",
            language="ru" if role == "client_approver" else "en")
        if role not in (member_repo.get(brand.id, user.id).roles if member_repo.get(brand.id, user.id) else []):
            member_repo.set_roles(ACTOR, brand.id, user_repo.get(user.id), [role])
        people[role] = email
    if created:
        channel_repo.create(ACTOR, brand.id, {"platform": "telegram", "name": "Demo Coffee — Telegram",
                                              "handle": "@demo_coffee", "external_id": "@demo_coffee",
                                              "timezone": "Europe/Moscow",
                                              "credentials_ref": "env:GL_BRAND_DEMO_TELEGRAM_BOT_TOKEN"})
        channel_repo.create(ACTOR, brand.id, {"platform": "vk", "name": "Demo Coffee — VK",
                                              "handle": "https://vk.com/democoffee", "external_id": "-1",
                                              "timezone": "Europe/Moscow", "credentials_ref": "env:GL_BRAND_DEMO_VK_TOKEN"})
    _renamed_demo_references(brand)
    _seed_workflow(brand, people)
    _seed_influencers(brand, people)
    _seed_deal(brand, people)
    _seed_campaign(brand, people)
    webhook_post = _seed_publishing(brand, people)
    return {"brand_id": brand.id, "brand_slug": DEMO_SLUG, "created": created, "people": people,
            "webhook_post": webhook_post}


def webhook_url() -> str:
    import os

    return f"http://127.0.0.1:{os.environ.get('WEBHOOK_PORT') or 8002}/hook"


def _seed_publishing(brand, people: dict) -> dict | None:
    """A webhook channel whose receiver `make run` starts on WEBHOOK_PORT, and — unless one is still
    waiting — an approved post scheduled on it two minutes from now, so the first `make run` shows a
    post going out at its time. Returns {"id", "publish_at"} of the waiting post."""
    from datetime import timedelta

    from chalicelib.content import repo as post_repo
    from chalicelib.content.models import PostItem, PostVersionItem
    from chalicelib.content.rules import diff
    from chalicelib.core import schedule
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.core.db.writes import Change, transact
    from chalicelib.core.ids import new_id
    from chalicelib.publishing import repo as target_repo
    from chalicelib.publishing import service as publishing

    url = webhook_url()
    channels = channel_repo.list_for_brand(brand.id, None, 100).items
    channel = next((c for c in channels if c.platform == "webhook"), None)
    if channel is None:
        channel = channel_repo.create(ACTOR, brand.id, {"platform": "webhook", "name": "Demo webhook (local receiver)",
                                                        "handle": url, "timezone": brand.timezone,
                                                        "credentials_ref": "env:GL_BRAND_DEMO_WEBHOOK_SECRET"})
    elif channel.handle != url:
        channel = channel_repo.update(ACTOR, channel, {"handle": url})
    now = utcnow()
    for target in _waiting_targets(channel.id, brand.id, now):
        return {"id": target.post_id, "publish_at": target.publish_at}
    when = (now + timedelta(minutes=2)).replace(second=0, microsecond=0)
    publish_at = iso(when)
    author = user_repo.get_by_email(people["copywriter"])
    content = {"title": "Webhook demo / Демо вебхука", "body": "Свежая обжарка уже в кофейнях! Fresh roast is in.",
               "channel_ids": [channel.id], "variants": {}, "media": [], "links": []}
    post_id, stamp = new_id(), iso(now)
    content_hash = diff.content_hash(content)
    post = PostItem(*post_repo.post_key(post_id), gsi1pk=post_repo.calendar_pk(brand.id),
                    gsi1sk=post_repo.calendar_sk(publish_at, post_id), id=post_id, brand_id=brand.id,
                    author_id=author.id, status="scheduled", hold=False, version=1, content_hash=content_hash,
                    approval={}, created_at=stamp, updated_at=stamp, content_type="branded", tags=["demo"],
                    assignee_ids=[], publish_wall=schedule.to_wall(when, brand.timezone), timezone=brand.timezone,
                    publish_at=publish_at, **content)
    version = PostVersionItem(f"POST#{post_id}", post_repo.version_sk(1), post_id=post_id, version=1, content=content,
                              content_hash=content_hash, author_id=author.id, created_at=stamp)
    ops = publishing.schedule_ops(post, {})

    def build(tx):
        tx.save(post, condition=PostItem.pk.does_not_exist())
        tx.save(version, condition=PostVersionItem.pk.does_not_exist())
        for op in ops:
            op(tx)

    transact(ACTOR, Change(brand.id, "post", post_id, "create", after={"title": post.title, "status": "scheduled"},
                           version=1), build)
    assert target_repo.for_post(post_id)
    return {"id": post_id, "publish_at": publish_at}


def _waiting_targets(channel_id: str, brand_id: str, now):
    """Targets on the channel still waiting to go out (a Query of the brand's calendar from now on)."""
    from chalicelib.content import repo as post_repo
    from chalicelib.core.clock import iso
    from chalicelib.publishing import repo as target_repo

    page = post_repo.list_calendar(brand_id, iso(now), None, None, 50)
    for post in page.items:
        if channel_id in (post.channel_ids or []) and post.status == "scheduled":
            yield from (t for t in target_repo.for_post(post.id) if t.state == "scheduled")


def _seed_workflow(brand, people: dict) -> None:
    """A default two-stage chain and a draft post to take through it (only when the brand has no chain)."""
    from datetime import timedelta

    from chalicelib.approvals.chains import repo as chain_repo
    from chalicelib.content import repo as post_repo
    from chalicelib.content.models import PostItem, PostVersionItem
    from chalicelib.content.rules import diff
    from chalicelib.core import schedule
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.core.ids import new_id

    if chain_repo.all_for_brand(brand.id):
        return
    chain_repo.create(ACTOR, brand.id, {"name": "Standard", "content_types": [], "is_default": True, "stages": [
        {"name": "Content review", "approver_roles": ["content_manager"], "approver_user_ids": [], "rule": "any",
         "lead_hours": 24},
        {"name": "SMM sign-off", "approver_roles": ["smm_manager"], "approver_user_ids": [], "rule": "any",
         "lead_hours": 4}]})
    channel = channel_repo.list_for_brand(brand.id, None, 1).items
    author = user_repo.get_by_email(people["copywriter"])
    when = (utcnow() + timedelta(days=3)).astimezone(schedule.zone_info(brand.timezone))
    wall = when.strftime("%Y-%m-%dT10:00")
    resolved = schedule.resolve(wall, brand.timezone)
    content = {"title": "Осеннее меню / Autumn menu", "body": "Тыквенный латте вернулся! Pumpkin latte is back ☕",
               "channel_ids": [channel[0].id] if channel else [], "variants": {}, "media": [], "links": []}
    post_id, now = new_id(), iso(utcnow())
    content_hash = diff.content_hash(content)
    post = PostItem(*post_repo.post_key(post_id), gsi1pk=post_repo.calendar_pk(brand.id),
                    gsi1sk=post_repo.calendar_sk(iso(resolved.utc), post_id), id=post_id,
                    brand_id=brand.id, author_id=author.id, status="draft", hold=False, version=1,
                    content_hash=content_hash, approval={}, created_at=now, updated_at=now, content_type="advertising",
                    tags=["demo"], assignee_ids=[], publish_wall=resolved.wall, timezone=brand.timezone,
                    publish_at=iso(resolved.utc), **content)
    post_repo.create(ACTOR, post, PostVersionItem(f"POST#{post_id}", post_repo.version_sk(1), post_id=post_id,
                                                  version=1, content=content, content_hash=content_hash,
                                                  author_id=author.id, created_at=now))


DEMO_INFLUENCERS = (
    # name, country, (platform, handle, followers, avg views, avg likes, avg comments, credibility %, RKN number)
    ("Anna Cooks", "RU", ("instagram", "@anna_cooks_demo", 82_000, None, 2_900, 140, "88.5", "4-1234-567")),
    ("Boris Brews", "RU", ("telegram", "@boris_brews_demo", 24_000, 1_100, None, None, None, None)),
    ("Clara Latte", "DE", ("instagram", "@clara_latte_demo", 410_000, None, 1_200, 60, "71", None)),
)


def _seed_influencers(brand, people: dict) -> None:
    """Three bloggers with a month of measurements, so the directory and the vetting flags have
    something to show: one who passes, a Telegram channel without a register number, and one whose
    ER is low and whose audience looks bought."""
    from datetime import timedelta

    from chalicelib.core.clock import utcnow
    from chalicelib.identity.principal import Principal
    from chalicelib.influencers import service as influencers
    from chalicelib.influencers.schemas import (
        AccountCreate,
        InfluencerCreate,
        InfluencerQuery,
        SnapshotIn,
    )

    manager = Principal.from_user(user_repo.get_by_email(people["influencer_manager"]), via="cli")
    if influencers.directory(manager, brand.id, InfluencerQuery(limit=1)).items:
        return
    today = utcnow().date()
    for name, country, (platform, handle, followers, views, likes, comments, credibility, rkn) in DEMO_INFLUENCERS:
        item = influencers.create(manager, brand.id, InfluencerCreate(display_name=name, country=country,
                                                                       tags=["coffee"]))
        account = influencers.add_account(manager, item.id, AccountCreate(
            platform=platform, handle=handle, followers=followers, avg_views=views, avg_likes=likes,
            avg_comments=comments, audience_credibility_pct=credibility, rkn_registry_number=rkn))
        for days in range(30, 0, -1):
            grown = followers - days * followers // 300 + (followers // 10 if name == "Clara Latte" and days < 12 else 0)
            influencers.add_snapshot(manager, account.id, SnapshotIn(taken_on=today - timedelta(days=days),
                                                                     followers=grown))


def _seed_deal(brand, people: dict) -> None:
    """A draft deal with the Telegram blogger: one post in a month, a promo code, penalties and a
    30/70 schedule — ready for its contract (the send gate asks for the channel's register number)."""
    from datetime import timedelta

    from chalicelib.core.clock import utcnow
    from chalicelib.deals import deliverable_service, service
    from chalicelib.deals.schemas import DealCreate, DealQuery, DeliverableCreate
    from chalicelib.identity.principal import Principal
    from chalicelib.influencers import repo as influencer_repo
    from chalicelib.influencers import service as influencers
    from chalicelib.influencers.schemas import InfluencerQuery

    manager = Principal.from_user(user_repo.get_by_email(people["influencer_manager"]), via="cli")
    if service.directory(manager, brand.id, DealQuery(limit=1)).items:
        return
    boris = next((i for i in influencers.directory(manager, brand.id, InfluencerQuery(limit=50)).items
                  if i.display_name == "Boris Brews"), None)
    if boris is None:
        return
    account = influencer_repo.accounts_of(boris)[0]
    deal = service.create(manager, brand.id, DealCreate.model_validate({
        "influencer_id": boris.id, "title": "Осенний запуск: эспрессо-бленд", "fee": {"amount": "45000.00",
                                                                                   "currency": "RUB"},
        "terms": {"publish_window_before_minutes": 30, "publish_window_after_minutes": 60, "min_live_hours": 72,
                  "top_hours": 2, "promo_code": "BORIS10", "required_links": ["https://coffee.example.com/autumn"],
                  "required_hashtags": ["#democoffee"], "forbidden_terms": ["Starbucks"],
                  "penalties": {"late_pct_per_hour": "2", "late_cap_pct": "20", "missing_element_pct": "10",
                                "early_deletion": "pro_rata", "no_show": "full"}},
        "milestones": [{"label": "Аванс", "percent": "30", "trigger": "on_signing", "due_days": 3},
                       {"label": "После проверки", "percent": "70", "trigger": "on_retention_passed",
                        "due_days": 7}]}))
    wall = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT12:00")
    deliverable_service.create(manager, deal.id, DeliverableCreate(account_id=account.id, format="tg_post",
                                                                   publish_at=wall, timezone="Europe/Moscow"))


def _seed_campaign(brand, people: dict) -> None:
    """An autumn launch campaign (only when the brand has none) holding the demo deal and the draft post, with
    two cost lines, the blogger's promo code, a tracked link with two weeks of clicks, orders that came in
    through the signed webhook and the blogger's numbers — so the campaign's page has a report to show."""
    import json
    from datetime import timedelta

    from chalicelib.campaigns import costs
    from chalicelib.campaigns import repo as campaign_repo
    from chalicelib.campaigns import service as campaigns
    from chalicelib.campaigns.conversions import service as conversions
    from chalicelib.campaigns.links import promos
    from chalicelib.campaigns.links import repo as link_repo
    from chalicelib.campaigns.metrics import service as metrics
    from chalicelib.campaigns.rules import webhook_signature
    from chalicelib.campaigns.schemas import CampaignCreate, CampaignQuery, CostLineCreate
    from chalicelib.content import repo as post_repo
    from chalicelib.content import service as posts
    from chalicelib.content.schemas import PostPatch
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.deals import repo as deal_repo
    from chalicelib.deals import service as deals
    from chalicelib.deals.schemas import DealPatch, DealQuery
    from chalicelib.identity.principal import Principal

    manager = Principal.from_user(user_repo.get_by_email(people["smm_manager"]), via="cli")
    if campaigns.directory(manager, brand.id, CampaignQuery(limit=1)).items:
        return
    now = utcnow()
    today = now.date()
    money = lambda amount: {"amount": amount, "currency": "RUB"}  # noqa: E731
    campaign = campaigns.create(manager, brand.id, CampaignCreate.model_validate({
        "name": "Осенний запуск / Autumn launch", "goal": "sales", "currency": "RUB",
        "starts_on": (today - timedelta(days=14)).isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(),
        "budget": money("150000.00"), "utm_campaign": "autumn-launch",
        "targets": {"clicks": 1500, "conversions": 60, "revenue": money("180000.00"), "cpa_max": money("1500.00"),
                    "roi_min": "0.2"}}))
    for kind, label, days, amount in (("production", "Съёмка / Photo shoot", 12, "25000.00"),
                                      ("boost", "Продвижение поста VK / VK boost", 5, "12000.00")):
        spent_on = (today - timedelta(days=days)).isoformat()
        costs.add(manager, campaign.id, CostLineCreate.model_validate({
            "kind": kind, "label": label, "spent_on": spent_on, "amount": money(amount)}))
    deal = next(iter(deals.directory(manager, brand.id, DealQuery(limit=1)).items), None)
    if deal is not None and deal.campaign_id is None:
        deal = deals.update(manager, deal.id, DealPatch(campaign_id=campaign.id, version=deal.version))
    for post in post_repo.list_calendar(brand.id, None, None, None, 50).items:
        if post.status == "draft" and post.campaign_id is None:
            posts.update(manager, post.id, PostPatch(campaign_id=campaign.id, version=post.version), None)
    if deal is None:
        return
    promos.create(manager, campaign.id, code="BORIS10", deal_id=deal.id)
    link = _demo_link(campaign, deal)
    for days in range(14, 0, -1):  # two weeks of clicks: 30-90 a day, a third of them returning visitors
        day = (today - timedelta(days=days)).isoformat()
        for n in range(30 + (14 - days) * 4):
            link_repo.count_click(link.code, campaign.id, day, f"demo{days}-{n % 40}")
    orders = [{"order_id": f"DEMO-{n:04d}", "occurred_at": iso(now - timedelta(days=n % 12, hours=n)),
               "amount": money(f"{1490 + 100 * (n % 5)}.00"),
               **({"promo_code": "BORIS10"} if n % 3 else {"link_code": link.code})} for n in range(1, 43)]
    raw = json.dumps({"conversions": orders}).encode()
    secret = campaign_repo.get(campaign.id, consistent=True).webhook_secret
    conversions.receive_webhook(campaign.id, raw, {
        "x-greenlight-signature": webhook_signature.header(secret, raw, int(now.timestamp())),
        "content-type": "application/json"})
    for item in deal_repo.deliverables_of(deal):
        for days, views, likes in ((6, 9_800, 310), (3, 14_200, 480), (1, 16_900, 530)):
            metrics.record(manager, campaign.id, f"deliverable:{item.id}", iso(now - timedelta(days=days)),
                           {"views": views, "likes": likes, "forwards": likes // 4})


def _demo_link(campaign, deal):
    """The blogger's tracked link, written straight through the repo: the links service checks that a target's
    name resolves, and `make run` must work on a machine without DNS (the demo's shop does not exist)."""
    from chalicelib.campaigns.links import repo as link_repo
    from chalicelib.campaigns.links import service as links
    from chalicelib.campaigns.links import subjects
    from chalicelib.campaigns.rules import tagging
    from chalicelib.core.clock import iso, utcnow
    from chalicelib.core.db.put_unique import put_if_absent

    target = "https://coffee.example.com/autumn"
    subject = subjects.resolve("en", campaign, deal_id=deal.id)
    tagged = tagging.tagged(target, tagging.tags_for(links.defaults_of(campaign), subject), tagging.dropped(subject))
    link = link_repo.new_link(code=links.new_code(), campaign_id=campaign.id, brand_id=campaign.brand_id,
                              label="Boris Brews — пост / post", target_url=target, tagged_url=tagged,
                              created_at=iso(utcnow()), created_by="seed-demo", deal_id=deal.id)
    put_if_absent(link)
    return link


def _renamed_demo_references(brand) -> None:
    """Demo data seeded before brand-scoped secrets named env:DEMO_…; locally a brand may name only
    env:GL_BRAND_… — move the demo's own channels over (nothing else is touched)."""
    from chalicelib.core.db.pages import drain

    for channel in drain(lambda cursor: channel_repo.list_for_brand(brand.id, cursor, 100)):
        ref = channel.credentials_ref or ""
        if ref.startswith("env:DEMO_"):
            channel_repo.update(ACTOR, channel, {"credentials_ref": "env:GL_BRAND_" + ref.removeprefix("env:")})
