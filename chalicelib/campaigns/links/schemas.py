"""Tracked links and promo codes: request and response models (the wire shapes of routes.py). The service
checks the target, the label and the code itself (with sentences in the caller's language); these models
bound the sizes and the id shapes."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import Id, Input, Output

Text = Annotated[str, StringConstraints(max_length=4000)]


class LinkCreate(Input):
    target_url: Text = Field(description="Where the link leads: a public http(s) page (ports 80, 443, 8443); "
                                         "its query is kept, the campaign's UTM tags are added")
    label: Annotated[str, StringConstraints(max_length=1000)] = Field(description="A name people know it by")
    post_id: Id | None = Field(default=None, description="The campaign's post it is for (utm_source: its network)")
    deal_id: Id | None = Field(default=None, description="The campaign's deal it is for (utm_source: the blogger)")
    deliverable_id: Id | None = Field(default=None, description="A deliverable of the campaign's deal (utm_source: "
                                                                "the blogger; the erid for a `ru` deal)")


class LinkOut(Output):
    code: str
    short_url: str = Field(description="PUBLIC_BASE_URL/r/<code>: counts the click and sends on to tagged_url")
    tagged_url: str = Field(description="The target with utm_source, utm_medium, utm_campaign, utm_content (and erid)")
    target_url: str
    label: str
    campaign_id: str
    post_id: str | None = None
    deal_id: str | None = None
    deliverable_id: str | None = None
    created_at: str
    created_by: str
    clicks: int = Field(default=0, description="Clicks by people (bots, link previewers and HEAD not counted)")
    uniques: int = Field(default=0, description="Unique visitors, each counted once a day (UTC), summed over days")


class LinkList(Output):
    items: list[LinkOut]


class PromoCreate(Input):
    code: Annotated[str, StringConstraints(max_length=100)] = Field(
        description="3–32 of A–Z, 0–9, _ and - (upper-cased); unique within the brand")
    deal_id: Id | None = None
    deliverable_id: Id | None = None
    post_id: Id | None = None


class PromoDelete(Input):
    code: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class PromoOut(Output):
    code: str
    campaign_id: str
    deal_id: str | None = None
    deliverable_id: str | None = None
    post_id: str | None = None
    created_at: str
    created_by: str


class PromoSuggestion(Output):
    deal_id: str
    title: str
    code: str = Field(description="The promo code in the deal's terms, not registered yet")


class PromoList(Output):
    items: list[PromoOut]
    suggested: list[PromoSuggestion] = Field(default=[], description="The campaign's deals whose terms carry a "
                                                                     "promo code nobody registered: offered")
