"""A realistic contract view for the contract tests and the benchmark: every term and penalty agreed,
three placements, three payments — about three A4 pages. Numbers valid by their check digits."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from chalicelib.core.money import Money
from chalicelib.deals.contract_view import (
    Advertiser,
    BloggerLegal,
    ContractView,
    DeliverableLine,
)
from chalicelib.deals.rules.payments import Milestone, plan_items
from chalicelib.deals.rules.terms import Penalties, Terms, UsageRights

ADVERTISER = Advertiser(name="ООО Ромашка", inn="7701234560")
BLOGGER = BloggerLegal(legal_type="sole_proprietor", legal_name="ИП Иванова Анна Сергеевна",
                       inn="771234567859", ogrn="304770000123453", display_name="Анна готовит")
TERMS = Terms(
    publish_window_before_minutes=30,
    publish_window_after_minutes=90,
    min_live_hours=72,
    top_hours=2,
    pin_hours=24,
    required_texts=("Скидка 20% на первый заказ", "Доставка по всей России"),
    promo_code="ANNA20",
    required_links=("https://romashka.example/summer",),
    required_mentions=("@romashka_shop",),
    required_hashtags=("#ромашка", "#летнийсезон"),
    forbidden_terms=("бесплатно", "лучший в мире"),
    creative_approval=True,
    exclusivity_days=30,
    usage_rights=UsageRights(text="репост в аккаунты бренда и цитаты в его рассылках", days=90),
    penalties=Penalties(late_pct_per_hour=Decimal("0.5"), late_cap_pct=Decimal(10),
                        missing_element_pct=Decimal(5), early_deletion="pro_rata", no_show="full"),
)
MILESTONES = (
    Milestone(label="Аванс", percent=Decimal(30), trigger="on_signing", due_days=5),
    Milestone(label="После выхода", percent=Decimal(50), trigger="on_publication_verified", due_days=10),
    Milestone(label="Остаток", percent=Decimal(20), trigger="on_date", date=dt.date(2026, 8, 31)),
)
DELIVERABLES = (
    DeliverableLine(platform="telegram", handle="@anna_cooks", format="tg_post",
                    publish_at=dt.datetime(2026, 7, 10, 18, 0), zone="Europe/Moscow", erid="2VtzqxKf7Hb"),
    DeliverableLine(platform="vk", handle="anna.cooks", format="video",
                    publish_at=dt.datetime(2026, 7, 12, 12, 30), zone="Europe/Moscow", erid="2VtzqwPLm3Q"),
    DeliverableLine(platform="youtube", handle="@AnnaCooksKitchen", format="short",
                    publish_at=dt.datetime(2026, 7, 15, 19, 0), zone="Asia/Yekaterinburg", erid=None),
)
FEE = Money.parse("150000.00", "RUB")


def contract_view(language: str = "ru", disclosure: str = "ru", **changes) -> ContractView:
    fee = changes.pop("fee", FEE)
    view = ContractView(
        language=language, disclosure=disclosure, contract_number="GL-2026-0042", version=2,
        date=dt.date(2026, 7, 1), advertiser=ADVERTISER, blogger=BLOGGER,
        title="Летняя коллекция Ромашки", fee=fee, vat="none", agency_fee_pct=Decimal(10),
        product_value=Money.parse("4990.00", fee.currency), terms=TERMS,
        payments=tuple(plan_items(fee, MILESTONES)), deliverables=DELIVERABLES)
    return replace(view, **changes) if changes else view
