"""The campaign core without the database: the schemas' refusals, the page forms' reading of what people
type (amounts, ROI in percent) and of where a refusal belongs, and the plug points with nothing plugged."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from chalicelib.campaigns import hooks, page_forms
from chalicelib.campaigns.schemas import CampaignCreate, CampaignPatch, CostLineCreate
from chalicelib.core import i18n
from chalicelib.deals import campaign_hooks

VALID = {"name": "Winter", "goal": "sales", "starts_on": "2026-12-01", "ends_on": "2026-12-31", "currency": "rub"}


def fields_of(exc: ValidationError) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in exc.errors()}


@pytest.mark.parametrize("change, field", [
    ({"ends_on": "2026-11-30"}, "ends_on"), ({"goal": "fame"}, "goal"), ({"currency": "XXX1"}, "currency"),
    ({"currency": "RUR"}, "currency"), ({"utm_medium": "-lead"}, "utm_medium"), ({"utm_source": "tg/ads"}, "utm_source"),
    ({"targets": {"reach": True}}, "targets.reach"), ({"targets": {"conversions": -1}}, "targets.conversions"),
    ({"targets": {"roi_min": "-2"}}, "targets.roi_min"), ({"budget": {"amount": 1.5, "currency": "RUB"}}, "budget.amount"),
    ({"name": "two\nlines"}, "name"), ({"extra": 1}, "extra"),
])
def test_the_schema_names_the_field_it_refuses(change, field):
    with pytest.raises(ValidationError) as caught:
        CampaignCreate.model_validate({**VALID, **change})
    assert field in fields_of(caught.value)


def test_a_valid_campaign_and_its_normalised_currency():
    made = CampaignCreate.model_validate({**VALID, "targets": {"clicks": 5000, "roi_min": "0.25"}})
    assert made.currency == "RUB" and made.targets.clicks == 5000 and str(made.targets.roi_min) == "0.25"


def test_a_patch_clears_only_what_may_be_cleared_and_checks_dates_given_together():
    assert CampaignPatch.model_validate({"budget": None, "utm_source": None}).budget is None
    for field in ("name", "goal", "targets", "starts_on"):
        with pytest.raises(ValidationError):
            CampaignPatch.model_validate({field: None})
    with pytest.raises(ValidationError) as caught:
        CampaignPatch.model_validate({"starts_on": "2026-12-10", "ends_on": "2026-12-01"})
    assert fields_of(caught.value) == {"ends_on"}


def test_a_cost_line_needs_a_known_kind_a_date_and_money():
    line = CostLineCreate.model_validate({"label": "Boost", "spent_on": "2026-12-01",
                                          "amount": {"amount": "10.00", "currency": "RUB"}})
    assert line.kind.value == "other"
    with pytest.raises(ValidationError) as caught:
        CostLineCreate.model_validate({"kind": "gift", "label": "", "spent_on": "2026-02-30", "amount": {}})
    assert {"kind", "label", "spent_on"} <= fields_of(caught.value)


def test_the_form_reads_amounts_as_typed_and_roi_in_percent():
    values = {"name": "Зима", "goal": "sales", "starts_on": "2026-12-01", "ends_on": "2026-12-31", "currency": "RUB",
              "budget_amount": "500 000,50", "target_reach": "1 000 000", "target_revenue": "2 000 000",
              "target_roi_min": "12,5 %", "utm_source": "", "utm_medium": "influencer", "utm_campaign": ""}
    data = page_forms.campaign_data(values, "ru")
    assert data["budget"] == {"amount": "500000.50", "currency": "RUB"}
    assert data["targets"] == {"reach": 1_000_000, "revenue": {"amount": "2000000", "currency": "RUB"},
                               "roi_min": "0.125"}
    assert data["utm_source"] is None and data["utm_medium"] == "influencer"
    made = CampaignCreate.model_validate(data)
    assert made.budget.money().minor == 50_000_050 and str(made.targets.roi_min) == "0.125"
    english = page_forms.campaign_data({**values, "budget_amount": "500,000.50"}, "en")
    assert english["budget"]["amount"] == "500000.50"
    edit = page_forms.campaign_data({k: v for k, v in values.items() if k != "currency"}, "ru", "USD")
    assert "currency" not in edit and edit["budget"]["currency"] == "USD"


def test_refusals_land_on_their_form_fields():
    assert page_forms.form_field("budget.amount") == "budget_amount"
    assert page_forms.form_field("budget") == "budget_amount"
    assert page_forms.form_field("targets.cpa_max.currency") == "target_cpa_max"
    assert page_forms.form_field("amount.amount") == "amount"
    assert page_forms.form_field(None) == "__all__"
    _, errors = page_forms.check(CampaignCreate, page_forms.campaign_data(
        {**VALID, "currency": "RUB", "ends_on": "2026-11-01", "target_clicks": "x", "utm_campaign": "a b"}, "en"), "en")
    assert errors["ends_on"] == "The campaign cannot end before it starts."
    assert errors["target_clicks"] == "Enter a whole number, 0 or more."
    assert errors["utm_campaign"].startswith("Use only Latin letters")
    _, errors = page_forms.check(CampaignCreate, page_forms.campaign_data({**VALID, "name": ""}, "ru"), "ru")
    assert errors["name"] == "Заполните это поле."


def test_the_edit_form_shows_the_stored_values_back():
    campaign = SimpleNamespace(name="Winter", goal="sales", starts_on="2026-12-01", ends_on="2026-12-31",
                               currency="RUB", budget_minor=50_000_000, utm_source=None, utm_medium="influencer",
                               utm_campaign="w", targets={"clicks": 5000, "cpa_max": 150_050, "roi_min": "0.5"})
    values = page_forms.values_of(campaign)
    assert values["budget_amount"] == "500000.00" and values["target_cpa_max"] == "1500.50"
    assert values["target_roi_min"] == "50" and values["target_clicks"] == "5000" and values["target_reach"] == ""
    data = page_forms.campaign_data({**values}, "en")
    assert CampaignCreate.model_validate(data).targets.roi_min == CampaignCreate.model_validate(
        {**VALID, "targets": {"roi_min": "0.5"}}).targets.roi_min


def test_a_post_change_that_keeps_its_campaign_adds_nothing():
    post = SimpleNamespace(id="p1", brand_id="b1", campaign_id="c1")
    change = SimpleNamespace(post=post, values={"title": "x"}, events=(), value=lambda n: {"title": "x"}.get(n, getattr(post, n)))
    assert hooks.in_transaction(change) == []


def test_deals_without_a_campaign_need_no_plug_and_with_one_fail_loudly(monkeypatch):
    monkeypatch.setattr(campaign_hooks, "_plugged", None)
    assert campaign_hooks.check("b1", None, "RUB") is None
    assert campaign_hooks.in_transaction("d1", None, None) == []
    with pytest.raises(RuntimeError):
        campaign_hooks.check("b1", "c1", "RUB")
    with pytest.raises(RuntimeError):
        campaign_hooks.in_transaction("d1", None, "c1")


# --- the review's edge cases -------------------------------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"starts_on": 0}, "starts_on"), ({"starts_on": "0"}, "starts_on"), ({"ends_on": 20261231}, "ends_on"),
    ({"starts_on": "2026-12-01T00:00:00"}, "starts_on"), ({"targets": {"clicks": "12"}}, "targets.clicks"),
    ({"targets": {"reach": 1.0}}, "targets.reach"), ({"targets": {"roi_min": "1e9999999"}}, "targets.roi_min"),
    ({"targets": {"roi_min": "NaN"}}, "targets.roi_min"), ({"targets": {"roi_min": "-1e-9999999"}}, "targets.roi_min"),
])
def test_dates_are_text_counts_are_numbers_and_ratios_are_bounded(change, field):
    with pytest.raises(ValidationError) as caught:
        CampaignCreate.model_validate({**VALID, **change})
    assert field in fields_of(caught.value)


def test_a_zero_ratio_written_with_a_huge_exponent_is_plain_zero():
    made = CampaignCreate.model_validate({**VALID, "targets": {"roi_min": "0E-1000026"}})
    assert str(made.targets.roi_min) == "0"


def test_a_patch_refuses_null_on_the_field_itself():
    for field in ("name", "goal", "starts_on", "ends_on", "currency", "targets"):
        with pytest.raises(ValidationError) as caught:
            CampaignPatch.model_validate({field: None})
        assert fields_of(caught.value) == {field}


def test_the_form_reads_roi_no_decimal_holds_as_text_for_the_schema_to_refuse():
    for typed in ("1e9999999", "-1e9999999", "1e-9999999", "abc"):
        assert page_forms._roi(typed) == typed
        _, errors = page_forms.check(CampaignCreate, page_forms.campaign_data(
            {**VALID, "currency": "RUB", "target_roi_min": typed}, "en"), "en")
        assert errors == {"target_roi_min": "Enter a percent such as 50 (it may be negative, down to −100)."}


def test_the_form_turns_typed_counts_into_numbers_and_leaves_the_rest_for_the_schema():
    data = page_forms.campaign_data({**VALID, "target_clicks": "5 000", "target_reach": "1e5",
                                     "target_impressions": "9" * 40}, "en")
    assert data["targets"]["clicks"] == 5000
    assert data["targets"]["reach"] == "1e5" and data["targets"]["impressions"] == "9" * 40
    _, errors = page_forms.check(CampaignCreate, data, "en")
    assert set(errors) == {"target_reach", "target_impressions"}


def test_an_emptied_field_or_a_bad_version_lands_where_a_person_sees_it():
    values = {"name": "", "goal": "sales", "starts_on": "", "ends_on": "2026-12-31"}
    data = {**page_forms.campaign_data(values, "en", "RUB"), "version": "abc"}
    _, errors = page_forms.check(CampaignPatch, data, "en")
    required = i18n.translate("form.error.required", "en")
    assert errors["name"] == errors["starts_on"] == required and "ends_on" not in errors
    assert errors["__all__"].startswith("The form lost track of the campaign's version")
    assert page_forms.form_field("version") == "__all__"


def test_a_cost_lines_refusals_say_what_is_wrong():
    from chalicelib.core.errors import ValidationFailed

    def shown(message):
        exc = ValidationFailed(message, details=[{"field": "amount.amount", "message": message}])
        return page_forms.errors_of(exc, "en", {})["amount"]

    assert "more than zero" in shown("A cost line's amount must be more than zero.")
    assert "split the cost" in shown("A cost line is at most 1,000,000,000.00 RUB; split a larger cost into lines.")
    assert "more than can be counted" in shown("The campaign's cost lines would add up to more than 10 RUB, …")
    assert "at most 1,000 cost lines" in shown("A campaign holds at most 1,000 cost lines; delete some …")


def test_amounts_of_any_size_are_shown_without_money_bounds():
    from chalicelib.campaigns.out import Amount, money_out

    assert Amount(18 * 10**14, "RUB").format("en") == "RUB\u00a018,000,000,000,000.00"
    assert Amount(18 * 10**14, "RUB").format("ru") == "18\u00a0000\u00a0000\u00a0000\u00a0000,00\u00a0₽"
    assert money_out(10**20, "JPY", "en").amount == "100000000000000000000"
    assert money_out(None, "RUB") is None


def test_deals_offer_no_campaigns_with_nothing_plugged(monkeypatch):
    monkeypatch.setattr(campaign_hooks, "_plugged", None)
    assert campaign_hooks.choices("b1") is None
    plugged = SimpleNamespace(choices=lambda brand_id, keep, language: [("c1", f"{brand_id}/{keep}/{language}")])
    monkeypatch.setattr(campaign_hooks, "_plugged", plugged)
    assert campaign_hooks.choices("b1", "c0", "ru") == [("c1", "b1/c0/ru")]
