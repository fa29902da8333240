"""The post and deal pages name the campaign they belong to, with a link to where its numbers are entered by
hand: "Campaign: <name> · Enter its numbers" — the name for who may see campaigns, the entry link only for who
may manage them (and while the campaign is active), the metrics page's form opening with the post's
publication or the deal's deliverable chosen. Nothing without a campaign."""
from __future__ import annotations

from urllib.parse import quote

from chalicelib.campaigns import repo
from chalicelib.campaigns.models import CampaignItem
from chalicelib.publishing.repo import target_id
from tests.support.campaigns import add_campaign, add_member
from tests.support.deals import add_deal, add_deliverable
from tests.support.posts import new_post
from tests.support.web import as_user, html, text_of


def _selected(page, subject: str) -> bool:
    return f'<option value="{subject}" selected>' in html(page)


def test_the_post_page_names_its_campaign_and_links_managers_to_its_numbers(client, team, make_user):
    campaign = add_campaign(team["brand"].id, name="Зимняя коллекция")
    post = new_post(client, team, title="Зимний латте", campaign_id=campaign.id)
    plain_post = new_post(client, team, title="Без кампании")
    subject = f"target:{target_id(post['id'], team['tg'])}"
    entry = f"/campaigns/{campaign.id}/metrics?subject={quote(subject, safe='')}#enter"

    manager = as_user(client, team["smm_manager"])
    page = manager.get(f"/posts/{post['id']}")
    assert page.status_code == 200
    assert "Campaign: Зимняя коллекция · Enter its numbers" in text_of(page)
    assert f'href="/campaigns/{campaign.id}"' in html(page) and f'href="{entry}"' in html(page)
    metrics = manager.get(entry.split("#")[0])  # the link opens the form with the post's publication chosen
    assert metrics.status_code == 200 and _selected(metrics, subject)
    assert not _selected(manager.get(f"/campaigns/{campaign.id}/metrics?subject=target%3Anope"), "target:nope")

    reader = as_user(client, team["copywriter"])  # sees campaigns, may not enter their numbers
    page = reader.get(f"/posts/{post['id']}")
    assert page.status_code == 200 and "Campaign: Зимняя коллекция" in text_of(page)
    assert "Enter its numbers" not in text_of(page) and "/metrics" not in html(page)

    finance = as_user(client, make_user("finance", brand=team["brand"]))  # no posts for finance at all
    page = finance.get(f"/posts/{post['id']}")
    assert page.status_code != 200 and "Зимняя коллекция" not in text_of(page)

    page = manager.get(f"/posts/{plain_post['id']}")
    assert page.status_code == 200 and 'id="post-campaign"' not in html(page) and "Enter its numbers" not in html(page)


def test_the_deal_page_names_its_campaign_and_links_managers_to_its_numbers(client, crew):
    campaign = add_campaign(crew["brand"].id, name="Зимняя коллекция")
    deal = add_deal(crew, campaign_id=campaign.id)
    add_member(campaign, "deal", deal.id)
    item = add_deliverable(deal)
    plain_deal = add_deal(crew)
    subject = f"deliverable:{item.id}"
    entry = f"/campaigns/{campaign.id}/metrics?subject={quote(subject, safe='')}#enter"

    manager = as_user(client, crew["influencer_manager"])
    page = manager.get(f"/deals/{deal.id}")
    assert page.status_code == 200
    assert "Campaign: Зимняя коллекция · Enter its numbers" in text_of(page)
    assert f'href="/campaigns/{campaign.id}"' in html(page) and f'href="{entry}"' in html(page)
    metrics = manager.get(entry.split("#")[0])
    assert metrics.status_code == 200 and _selected(metrics, subject)
    page = as_user(client, crew["russian_manager"]).get(f"/deals/{deal.id}")
    assert "Кампания: Зимняя коллекция · Внести её показатели" in text_of(page)

    finance = as_user(client, crew["finance"])  # sees the deal and its campaign, may not enter its numbers
    page = finance.get(f"/deals/{deal.id}")
    assert page.status_code == 200 and "Campaign: Зимняя коллекция" in text_of(page)
    assert "Enter its numbers" not in text_of(page) and "/metrics" not in html(page)

    page = manager.get(f"/deals/{plain_deal.id}")
    assert page.status_code == 200 and 'id="deal-campaign"' not in html(page) and "Enter its numbers" not in html(page)

    CampaignItem(*repo.campaign_key(campaign.id)).update(actions=[CampaignItem.status.set(repo.ARCHIVED)],
                                                         add_version_condition=False)
    page = manager.get(f"/deals/{deal.id}")  # archived: read-only, nothing to enter
    assert "Campaign: Зимняя коллекция (archived)" in text_of(page) and "Enter its numbers" not in text_of(page)
