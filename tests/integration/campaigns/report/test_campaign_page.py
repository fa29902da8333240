"""The campaign's page (GET /campaigns/{id}) on the seeded campaign: header and links, totals against targets,
accessible SVG charts each followed by its data table, the blogger table, downloads; in English and Russian;
who may see it. Every key the report's code uses exists in both languages."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from chalicelib.core import i18n
from tests.support.web import as_user, html, text_of


@pytest.fixture(autouse=True)
def tenth_of_december(monkeypatch):
    from chalicelib.campaigns.report import service

    monkeypatch.setattr(service, "today_in", lambda zone: date(2026, 12, 10))


def page(client, user, campaign_id, **headers):
    return as_user(client, user).get(f"/campaigns/{campaign_id}", **headers)


def test_the_page_shows_the_report(client, crew, seeded):
    campaign = seeded["campaign"]
    r = page(client, crew["smm_manager"], campaign.id)
    assert r.status_code == 200, r.body
    body, text = html(r), text_of(r)
    assert "<h1>Зимняя коллекция</h1>" in body
    for tail in ("edit", "costs", "links", "metrics", "conversions"):
        assert f'href="/campaigns/{campaign.id}/{tail}"' in body
    assert f'href="/v1/campaigns/{campaign.id}/report.csv"' in body
    assert f'href="/v1/campaigns/{campaign.id}/report.pdf"' in body
    assert f'href="/v1/campaigns/{campaign.id}/evidence.pdf?lang=ru"' in body
    assert re.search(r'id="kpi-cpc">RUB\xa0304\.15<', body)
    assert 'id="kpi-cpm">— (not every paid publication reports impressions)<' in body
    assert "1.94\xa0% (of reach, or followers where reach is unknown)" in text
    assert re.search(r'id="target-clicks">.*?Behind.*?1,013 behind', body, re.S)
    assert re.search(r'id="target-cpm_max">.*?Not all data in', body, re.S)
    assert "Sales" in text and "Dec 1, 2026 – Dec 31, 2026" in text
    # every chart: an image with a title and a description, then its numbers as a table
    charts = re.findall(r'<svg [^>]*role="img" aria-labelledby="(chart-[a-z]+)-title \1-desc"', body)
    assert charts == ["chart-budget", "chart-views", "chart-clicks", "chart-conversions", "chart-revenue", "chart-spend"]
    for chart in charts:
        assert f'<title id="{chart}-title">' in body and f'<desc id="{chart}-desc">' in body
        assert body.index(f'id="{chart}-data"') > body.index(f'<desc id="{chart}-desc">')
    assert "2026-W49" in text and "RUB\xa0162,490.00" in text
    assert 'id="bloggers-table"' in body and "Анна готовит" in text and "Passed with warnings" in text
    assert "not in the totals" in text  # the cancelled deal's line


def test_the_page_in_russian(client, crew, seeded):
    r = page(client, crew["russian_manager"], seeded["campaign"].id)
    assert r.status_code == 200
    text = text_of(r)
    assert "Итоги и цели" in text and "Отстаёт" in text
    assert "304,15\xa0₽" in text and "Данные неполные" in text
    assert "Расходы нарастающим итогом по неделям и бюджет" in text


def test_the_edit_link_is_for_those_who_manage(client, crew, seeded):
    campaign = seeded["campaign"]
    r = page(client, crew["finance"], campaign.id)
    assert r.status_code == 200
    assert f'href="/campaigns/{campaign.id}/edit"' not in html(r)


@pytest.mark.parametrize("who, status", [("client_approver", 403), ("outsider", 404)])
def test_who_may_not_see_the_page(client, crew, seeded, who, status):
    assert page(client, crew[who], seeded["campaign"].id).status_code == status


def test_an_empty_campaign_shows_dashes_not_zeros(client, crew):
    from tests.support.campaigns import add_campaign

    campaign = add_campaign(crew["brand"].id, targets={}, budget_minor=None)
    r = page(client, crew["smm_manager"], campaign.id)
    assert r.status_code == 200, r.body
    body = html(r)
    for name in ("er", "err", "ctr", "cpm", "cpv", "cpc", "cpe", "cpa", "roas", "roi"):
        assert f'id="kpi-{name}">—<' in body, name
    assert "No budget set" in text_of(r) and "The campaign has no targets." in text_of(r)


def test_every_report_key_exists_in_both_languages():
    from chalicelib.campaigns.report import display

    root = Path(__file__).resolve().parents[4]
    used = set(display.translation_keys())
    for path in (root / "chalicelib" / "campaigns" / "report").glob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["'](campaign_report\.[a-z_.]+)["']""", path.read_text()))
    for path in (root / "templates" / "campaigns").glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*'(campaign_report\.[a-z_.]+)'""", path.read_text()))
    used |= {f"campaign_report.csv.{c}" for c in ("section", "id", "name", "metric", "label", "value", "currency")}
    used |= {f"campaign_report.col.{c}" for c in ("fee", "check", "er_base", "spent", "cumulative", "budget_left",
                                                  "target", "expected", "actual", "status", "gap", "value")}
    assert len(used) > 100
    assert sorted(used - set(i18n.catalog("en"))) == []
    assert sorted(used - set(i18n.catalog("ru"))) == []


def test_the_evidence_export_is_offered_only_to_who_may_have_it(client, crew, seeded):
    campaign = seeded["campaign"]
    r = page(client, crew["finance"], campaign.id)
    assert r.status_code == 200 and "/evidence.pdf" not in html(r)  # finance sees no posts: no evidence
