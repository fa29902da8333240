"""Campaigns and what they brought: the campaign, its cost lines and members (posts, deals), tracked links
and their clicks, promo codes, conversions and metric snapshots. Keys (core/db/schema.py):

  entity          pk                        sk                       gsi1pk / gsi1sk
  campaign        CAMPAIGN#<id>             CAMPAIGN                 BRAND#<b>#CAMPAIGNS  <starts_on>#<id>
  cost line       CAMPAIGN#<id>             COST#<id>
  member          CAMPAIGN#<id>             MEMBER#<post|deal>#<id>
  promo code      CAMPAIGN#<id>             PROMO#<CODE>
  conversion      CAMPAIGN#<id>             CONVERSION#<order id>
  promo owner     PROMOCODE#<b>#<CODE>      PROMOCODE                (unique: one promo code per brand)
  tracked link    LINK#<code>               LINK                     CAMPAIGN#<c>#LINKS   <created_at>#<code>
  clicks of a day LINK#<code>               DAY#<yyyy-mm-dd>         CAMPAIGN#<c>#CLICKS  <yyyy-mm-dd>#<code>
  visitor mark    LINK#<code>#DAY#<day>     V#<visitor hash>         (no gsi; `ttl` ≈ 2 days: DynamoDB deletes it)
  visitor salt    VISITORSALT#<yyyy-mm-dd>  SALT                     (no gsi; `ttl` ≈ 2 days: DynamoDB deletes it)
  metric snapshot METRICS#<subject>         <taken_at>#<source>#<hash of the values> (subject: target:<target id> |
                                                                     deliverable:<id>; a retry writes nothing)

  campaign by id                              GetItem
  a brand's campaigns, latest start first     Query gsi1 BRAND#<b>#CAMPAIGNS (backwards)
  everything a campaign owns                  Query pk CAMPAIGN#<id> (cost lines, members, promo codes,
                                              conversions: one partition; sk begins_with narrows to one kind)
  is this order already counted               the ConversionItem's conditional put (the same order id counts once)
  is a promo code taken (brand)               the PromoOwnerItem's conditional put (in the promo code's transaction)
  a link by its code (the redirect)           GetItem LINK#<code> / LINK
  a campaign's links                          Query gsi1 CAMPAIGN#<c>#LINKS
  count a click                               PutItem of the visitor mark if it does not exist (the day's
                                              first click of that visitor), then one UpdateItem ADD on LINK#<code> /
                                              DAY#<day>: clicks 1 (+ uniques 1 when the mark was new); the day item
                                              lists itself in gsi1 as it is created
  the day's visitor salt                      GetItem VISITORSALT#<day> / SALT; the first of the day: conditional put
  a campaign's clicks by day                  Query gsi1 CAMPAIGN#<c>#CLICKS (a day range)
  a link's clicks in a day range              Query pk LINK#<code>, sk BETWEEN DAY#<from> AND DAY#<to>
  an item's metric snapshots, oldest first    Query pk METRICS#<subject>, every page (what counts is, per metric,
                                              the newest value: metrics/read.py, so the whole history is read)

Money is integer minor units in the campaign's currency (`currency`); percents and ROI as decimal text.
A campaign's members are written beside the post or deal change that attaches them (the post's and the
deal's `campaign_id` stay the source of truth; the member items are the campaign's index of them).
"""
from __future__ import annotations

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)

from chalicelib.campaigns.rules.fields import (  # noqa: F401 - the names of campaigns, kept with the models
    COUNT_TARGETS,
    GOALS,
    METRIC_FIELDS,
    MONEY_TARGETS,
    RATIO_TARGETS,
)
from chalicelib.core.db.base import Item, ListedItem, meta


def campaign_pk(campaign_id: str) -> str:
    return f"CAMPAIGN#{campaign_id}"


class CampaignItem(ListedItem):
    """A brand's campaign: goal, dates, budget, targets and the UTM defaults of its links.

    `costs_minor` and `cost_lines` are the running total and count of its cost lines: one UpdateItem ADD in
    the transaction that adds or deletes a line, on the condition that the campaign is active and the total
    stays within core.money.MAX_MINOR and the count within costs.MAX_LINES (written without the version:
    a cost line is not an edit of the campaign). Absent = no line yet."""

    Meta = meta()
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    name = UnicodeAttribute()
    goal = UnicodeAttribute()  # one of GOALS
    starts_on = UnicodeAttribute()  # YYYY-MM-DD (the brand's zone)
    ends_on = UnicodeAttribute()
    currency = UnicodeAttribute()  # of the budget, costs, targets and revenue
    budget_minor = NumberAttribute(null=True)
    targets = MapAttribute(default=dict)  # COUNT_TARGETS/MONEY_TARGETS: int; RATIO_TARGETS: decimal text
    utm_source = UnicodeAttribute(null=True)  # for links of no post/deal (theirs carry the network / the handle)
    utm_medium = UnicodeAttribute(null=True)
    utm_campaign = UnicodeAttribute(null=True)
    webhook_secret = UnicodeAttribute(null=True)  # HMAC key of the conversions webhook; shown to managers only
    status = UnicodeAttribute(default="active")  # active | archived
    costs_minor = NumberAttribute(null=True)  # the sum of its cost lines (minor units), ≤ MAX_MINOR
    cost_lines = NumberAttribute(null=True)  # how many cost lines it has
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    class CostCounters(Item):
        """The same campaign item (CAMPAIGN#<id> / CAMPAIGN) seen as its cost counters only: PynamoDB adds
        the version to every update of a CampaignItem, and counting a cost line must not make an editor's
        form stale. Only written (an UpdateItem ADD), never read."""

        Meta = meta()
        status = UnicodeAttribute(null=True)
        costs_minor = NumberAttribute(null=True)
        cost_lines = NumberAttribute(null=True)


class CostLineItem(Item):
    """A manual cost line of a campaign (a boost, production …) on a date."""

    Meta = meta()
    id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    kind = UnicodeAttribute(default="other")  # boost | production | other
    label = UnicodeAttribute()
    spent_on = UnicodeAttribute()  # YYYY-MM-DD
    amount_minor = NumberAttribute()  # in the campaign's currency
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()


class MemberItem(Item):
    """A post or deal attached to the campaign (its `campaign_id` names the campaign)."""

    Meta = meta()
    campaign_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # post | deal
    subject_id = UnicodeAttribute()
    added_at = UnicodeAttribute()


class PromoCodeItem(Item):
    """A promo code of the campaign, given to a deal (its blogger) or a post; conversions carrying it count for it."""

    Meta = meta()
    code = UnicodeAttribute()  # upper case, as shown
    campaign_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    deal_id = UnicodeAttribute(null=True)
    deliverable_id = UnicodeAttribute(null=True)
    post_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()


class PromoOwnerItem(Item):
    """The promo code's uniqueness within a brand, and the way from a code to its campaign."""

    Meta = meta()
    code = UnicodeAttribute()
    campaign_id = UnicodeAttribute()


class ConversionItem(Item):
    """An order (or lead) reported by the webhook or a CSV import, and what it is attributed to."""

    Meta = meta()
    campaign_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    occurred_at = UnicodeAttribute()  # UTC ISO
    amount_minor = NumberAttribute()
    currency = UnicodeAttribute()
    promo_code = UnicodeAttribute(null=True)
    link_code = UnicodeAttribute(null=True)
    attributed_by = UnicodeAttribute(default="none")  # promo | link | none
    deal_id = UnicodeAttribute(null=True)  # what it is attributed to (through the code or the link)
    deliverable_id = UnicodeAttribute(null=True)
    post_id = UnicodeAttribute(null=True)
    source = UnicodeAttribute()  # webhook | csv
    received_at = UnicodeAttribute()


class LinkItem(ListedItem):
    """A tracked link: /r/<code> → the target URL with the campaign's UTM tags (and the erid)."""

    Meta = meta()
    code = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    label = UnicodeAttribute()
    target_url = UnicodeAttribute()  # as given
    tagged_url = UnicodeAttribute()  # where /r/<code> sends people
    post_id = UnicodeAttribute(null=True)
    deal_id = UnicodeAttribute(null=True)
    deliverable_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()


class ClickDayItem(ListedItem):
    """A link's clicks of one UTC day: `clicks` counts every human click, `uniques` the day's distinct visitors
    (a VisitorMarkItem each). Two numbers: the item stays about 200 bytes however busy the link is."""

    Meta = meta()
    code = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    day = UnicodeAttribute()
    clicks = NumberAttribute(default=0)
    uniques = NumberAttribute(default=0)


class VisitorMarkItem(Item):
    """One visitor seen on a link's day: the key is all (the salted hash, never an address). Put on the condition
    that it does not exist: the put that succeeds is the visitor's first click of the day. Expires after ~2 days."""

    Meta = meta()
    ttl = NumberAttribute()  # epoch seconds (core/db/schema.TTL_ATTRIBUTE)


class VisitorSaltItem(Item):
    """The random salt of one UTC day's visitor hashes (64 hex digits), made by the day's first click with a
    conditional put; expires after ~2 days, and with it any way to recompute that day's hashes."""

    Meta = meta()
    day = UnicodeAttribute()
    salt = UnicodeAttribute()
    ttl = NumberAttribute()  # epoch seconds (core/db/schema.TTL_ATTRIBUTE)


class MetricSnapshotItem(Item):
    """What an item showed at `taken_at`: any of METRIC_FIELDS (absent = not known, not 0)."""

    Meta = meta()
    subject = UnicodeAttribute()  # target:<target id> | deliverable:<id>
    taken_at = UnicodeAttribute()  # UTC ISO
    source = UnicodeAttribute()  # manual | csv (the placement checks' readings are read from the checks themselves)
    values = MapAttribute(default=dict)  # {metric: int}
    entered_by = UnicodeAttribute(null=True)
    check_id = UnicodeAttribute(null=True)  # unused so far
