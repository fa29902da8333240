"""Deals for tests, written straight through the models and deals/repo.py (valid items with their index
keys, one audited transaction each), so tests of contracts and files need not go through the deal
service: `add_influencer`, `add_account`, `add_deal`, `add_deliverable`, `reload`."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change
from chalicelib.core.ids import new_id
from chalicelib.deals import repo
from chalicelib.deals.models import DealItem, DeliverableItem
from chalicelib.influencers import repo as influencer_repo
from chalicelib.influencers.models import AccountItem, InfluencerItem
from tests.support.factories import ACTOR, unique

ADVERTISER = {"name": "ООО Ромашка", "inn": "7701234560"}
LEGAL = {"legal_type": "sole_proprietor", "legal_name": "ИП Иванова Анна Сергеевна", "inn": "771234567859",
         "ogrn": "304770000123453", "display_name": "Анна готовит"}
TERMS = {
    "publish_window_before_minutes": 30, "publish_window_after_minutes": 90, "min_live_hours": 72,
    "top_hours": 2, "pin_hours": 24,
    "required_texts": ["Скидка 20% на первый заказ"], "promo_code": "ANNA20",
    "required_links": ["https://romashka.example/summer"], "required_mentions": ["@romashka_shop"],
    "required_hashtags": ["#ромашка", "#летнийсезон"], "forbidden_terms": ["бесплатно"],
    "creative_approval": True, "exclusivity_days": 30,
    "usage_rights": {"text": "репост в аккаунты бренда", "days": 90},
    "penalties": {"late_pct_per_hour": "0.5", "late_cap_pct": "10", "missing_element_pct": "5",
                  "early_deletion": "pro_rata", "no_show": "full"},
}
MILESTONES = [
    {"label": "Аванс", "percent": "30", "trigger": "on_signing", "due_days": 5},
    {"label": "После выхода", "percent": "70", "trigger": "on_publication_verified", "due_days": 10},
]


def add_influencer(brand_id: str, **fields) -> InfluencerItem:
    now = iso(utcnow())
    influencer_id = new_id()
    values = {"display_name": LEGAL["display_name"], "legal_type": LEGAL["legal_type"],
              "legal_name": LEGAL["legal_name"], "inn": LEGAL["inn"], "ogrn": LEGAL["ogrn"], "country": "RU", **fields}
    item = InfluencerItem(*influencer_repo.influencer_key(influencer_id), id=influencer_id, brand_id=brand_id,
                          status="approved", account_ids=[], platforms=[], top_followers=0, search="",
                          created_at=now, updated_at=now, **values)
    for name, value in influencer_repo.influencer_index_keys(item).items():
        setattr(item, name, value)
    influencer_repo.create(ACTOR, item, {"display_name": item.display_name})
    return influencer_repo.get(influencer_id, consistent=True)


def add_account(influencer: InfluencerItem, platform: str = "telegram", handle: str | None = None,
                followers: int = 5000) -> AccountItem:
    now = iso(utcnow())
    account_id = new_id()
    account = AccountItem(*influencer_repo.account_key(account_id), id=account_id, brand_id=influencer.brand_id,
                          influencer_id=influencer.id, platform=platform, handle=handle or f"@{unique('acc')}",
                          followers=followers, created_at=now, updated_at=now)
    for name, value in influencer_repo.account_index_keys(influencer.brand_id, account_id, platform, followers,
                                                          None).items():
        setattr(account, name, value)
    influencer_repo.add_account(ACTOR, influencer, account, {"platform": platform})
    return influencer_repo.get_account(account_id, consistent=True)


def add_deal(crew, influencer: InfluencerItem | None = None, **overrides) -> DealItem:
    """A deal of crew["brand"] (a fresh influencer unless one is given), status draft unless overridden."""
    brand_id = crew["brand"].id
    influencer = influencer or add_influencer(brand_id)
    now = iso(utcnow())
    deal_id = new_id()
    values = {"title": "Летняя коллекция Ромашки", "contract_number": f"GL-2026-{unique('')[:6]}",
              "advertiser": dict(ADVERTISER), "disclosure": "ru", "language": "ru", "currency": "RUB",
              "fee_minor": 15_000_000, "vat": "none", "agency_fee_pct": "10", "product_value_minor": 499_000,
              "terms": dict(TERMS), "milestones": [dict(m) for m in MILESTONES], "status": "draft", "amendment": 0,
              "deliverable_ids": [], "payment_ids": [], "contracts": [], "signed_copies": [], "published_count": 0,
              **overrides}
    deal = DealItem(*repo.deal_key(deal_id), id=deal_id, brand_id=brand_id, influencer_id=influencer.id,
                    created_at=now, updated_at=now, **values)
    for name, value in repo.deal_index_keys(deal).items():
        setattr(deal, name, value)
    repo.commit(ACTOR, Change(brand_id, "deal", deal_id, "create", after={"title": deal.title}, version=1),
                [repo.put_new(deal)], "the deal exists")
    return reload(deal)


def add_deliverable(deal: DealItem, account: AccountItem | None = None, *, wall: str = "2026-07-10T18:00",
                    timezone: str = "Europe/Moscow", format: str = "tg_post", erid: str | None = "2VtzqxKf7Hb",
                    **overrides) -> DeliverableItem:
    """A planned deliverable of `deal` on `account` (a new Telegram account of the deal's influencer unless
    given), appended to the deal's deliverable_ids."""
    if account is None:
        account = add_account(influencer_repo.get(deal.influencer_id, consistent=True))
    now = iso(utcnow())
    local = dt.datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(timezone))
    item_id = new_id()
    values = {"platform": account.platform, "handle": account.handle, "format": format,
              "publish_at": iso(local.astimezone(dt.timezone.utc)), "wall": wall, "timezone": timezone,
              "erid": erid, "status": "planned", **overrides}
    item = DeliverableItem(*repo.deliverable_key(item_id), id=item_id, deal_id=deal.id, brand_id=deal.brand_id,
                           influencer_id=deal.influencer_id, account_id=account.id, created_at=now, updated_at=now,
                           **values)
    for name, value in repo.deliverable_index_keys(item).items():
        setattr(item, name, value)
    def append(tx):  # whatever the deal's status (a test may set up any), without its version
        tx.update(deal, [DealItem.deliverable_ids.set(DealItem.deliverable_ids.append([item_id]))],
                  add_version_condition=False)

    repo.commit(ACTOR, Change(deal.brand_id, "deliverable", item_id, "create", after={"deal_id": deal.id}, version=1),
                [repo.put_new(item), append], "the deliverable exists")
    return repo.get_deliverable(item_id, consistent=True)


def reload(deal: DealItem) -> DealItem:
    return repo.get(deal.id, consistent=True)
