"""The stored deal as its contract prints it (contract_data.view_for and its helpers), and the contract
view as JSON for the PDF function (contract_payload): exact round trip, allow-listed types only."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from chalicelib.core.money import Money
from chalicelib.deals import contract_data, contract_payload
from chalicelib.deals.rules.payments import Milestone
from chalicelib.deals.rules.terms import Penalties, Terms, UsageRights
from tests.support.contracts import contract_view
from tests.support.deals import LEGAL, MILESTONES, TERMS

TODAY = dt.date(2026, 7, 1)


def deal(**changes):
    values = dict(language="ru", disclosure="ru", contract_number="GL-2026-0042", title="Летняя коллекция",
                  fee_minor=15_000_000, currency="RUB", vat="none", agency_fee_pct="10", product_value_minor=499_000,
                  terms=TERMS, milestones=MILESTONES, advertiser={"name": "ООО Ромашка", "inn": "7701234560"},
                  blogger_legal=None)
    values.update(changes)
    return SimpleNamespace(**values)


def influencer(**changes):
    return SimpleNamespace(**{**LEGAL, **changes})


def deliverable(**changes):
    values = dict(account_id="a1", platform="telegram", handle="@anna", format="tg_post", wall="2026-07-10T18:00",
                  timezone="Europe/Moscow", publish_at="2026-07-10T15:00:00.000000Z", erid="2VtzqxKf7Hb",
                  status="planned")
    values.update(changes)
    return SimpleNamespace(**values)


def test_a_stored_deal_becomes_its_contract_view():
    view = contract_data.view_for(deal(), [deliverable()], influencer(), [], 3, TODAY)
    assert (view.version, view.date, view.language, view.disclosure) == (3, TODAY, "ru", "ru")
    assert view.fee == Money(15_000_000, "RUB") and view.product_value == Money(499_000, "RUB")
    assert view.agency_fee_pct == Decimal(10)
    assert view.advertiser.inn == "7701234560"
    assert view.blogger.legal_name == LEGAL["legal_name"] and view.blogger.ogrn == LEGAL["ogrn"]
    assert view.terms.promo_code == "ANNA20" and view.terms.required_hashtags == ("#ромашка", "#летнийсезон")
    assert view.terms.penalties.late_pct_per_hour == Decimal("0.5") and view.terms.penalties.no_show == "full"
    assert view.terms.usage_rights == UsageRights("репост в аккаунты бренда", 90)
    assert [(p.label, p.amount.minor) for p in view.payments] == [("Аванс", 4_500_000), ("После выхода", 10_500_000)]
    (line,) = view.deliverables
    assert (line.platform, line.handle, line.publish_at, line.zone, line.erid) == (
        "telegram", "@anna", dt.datetime(2026, 7, 10, 18, 0), "Europe/Moscow", "2VtzqxKf7Hb")


def test_a_new_version_prints_the_directory_now_and_the_snapshot_only_without_the_influencer():
    snapshot = {**LEGAL, "legal_name": "ИП Петрова", "inn": "500100732259"}
    view = contract_data.view_for(deal(blogger_legal=snapshot), [], influencer(), [], 1, TODAY)
    assert view.blogger.legal_name == influencer().legal_name  # an amendment prints what is true today
    view = contract_data.view_for(deal(blogger_legal=snapshot), [], None, [], 1, TODAY)
    assert (view.blogger.legal_name, view.blogger.inn) == ("ИП Петрова", "500100732259")


def test_missing_legal_name_falls_back_to_the_display_name_and_missing_blogger_is_an_error():
    view = contract_data.view_for(deal(), [], influencer(legal_type="individual", legal_name=None, inn=None,
                                                        ogrn=None), [], 1, TODAY)
    assert (view.blogger.legal_name, view.blogger.inn, view.blogger.ogrn) == (LEGAL["display_name"], None, None)
    with pytest.raises(contract_data.ContractDataError, match="legal data"):
        contract_data.view_for(deal(), [], None, [], 1, TODAY)


def test_cancelled_deliverables_are_left_out_and_accounts_fill_gaps():
    account = SimpleNamespace(id="a1", platform="vk", handle="anna.cooks")
    lines = contract_data.deliverable_lines(
        [deliverable(status="cancelled"), deliverable(platform="", handle=None, wall=None, erid="")], [account])
    assert len(lines) == 1
    assert (lines[0].platform, lines[0].handle, lines[0].erid) == ("vk", "anna.cooks", None)
    assert lines[0].publish_at == dt.datetime(2026, 7, 10, 18, 0)  # from the UTC instant, in its zone


def test_no_milestones_means_the_default_schedule_and_a_broken_one_is_an_error():
    view = contract_data.view_for(deal(milestones=[]), [], influencer(), [], 1, TODAY)
    assert [p.amount for p in view.payments] == [view.fee]
    with pytest.raises(contract_data.ContractDataError, match="schedule"):
        contract_data.view_for(deal(milestones=[{"label": "A", "percent": "30", "trigger": "on_signing"}]), [],
                               influencer(), [], 1, TODAY)


def test_terms_and_milestones_tolerate_missing_keys_and_none():
    assert contract_data.terms_from_map(None) == Terms()
    assert contract_data.terms_from_map({}) == Terms()
    assert contract_data.terms_from_map({"penalties": None, "usage_rights": None, "promo_code": None}) == Terms()
    assert contract_data.terms_from_map({"penalties": {"late_cap_pct": 10}}).penalties == Penalties(
        late_cap_pct=Decimal(10))
    assert contract_data.milestones_from_list(None) == []
    assert contract_data.milestones_from_list([{}, None]) == [Milestone("", Decimal(0), "", 0, None)] * 2
    assert contract_data.milestones_from_list([{"label": "X", "percent": "33.34", "trigger": "on_date",
                                                "due_days": None, "date": "2026-08-31"}]) == [
        Milestone("X", Decimal("33.34"), "on_date", 0, dt.date(2026, 8, 31))]
    assert contract_data.milestones_from_list([{"percent": "abc", "due_days": "x", "date": "soon"}]) == [
        Milestone("", Decimal(0), "", 0, None)]


@pytest.mark.parametrize("language, disclosure", [("ru", "ru"), ("en", "ftc")])
def test_the_payload_round_trips_exactly_through_json(language, disclosure):
    view = contract_view(language, disclosure)
    data = json.loads(json.dumps(contract_payload.dump(view)))
    assert contract_payload.load(data) == view


@pytest.mark.parametrize("payload", [
    None, [], "x", {"$type": "Path", "x": 1}, {"$type": "ContractView", "nope": 1}, {"$money": [1.5, "RUB"]},
    {"$money": [1, "XXX"]}, {"$decimal": "abc"}, {"$date": "soon"}, {"$eval": "1"}, {"$date": "2026-01-01", "x": 1},
    {"$type": "Advertiser", "name": "x", "inn": "1"},
])
def test_the_payload_refuses_what_dump_would_not_make(payload):
    with pytest.raises(contract_payload.PayloadError):
        contract_payload.load(payload)


def test_a_payload_whose_view_breaks_its_own_checks_is_refused():
    data = contract_payload.dump(contract_view())
    data["version"] = 0
    with pytest.raises(contract_payload.PayloadError, match="version"):
        contract_payload.load(data)
