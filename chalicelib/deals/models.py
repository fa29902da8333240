"""Deals with an influencer, their deliverables (placements), payments, adjustments and deadline tasks.
Keys (core/db/schema.py):

  entity        pk                          sk                      gsi1pk / gsi1sk                             gsi2pk / gsi2sk
  deal          DEAL#<id>                   DEAL                    BRAND#<b>#DEALS                             INFLUENCER#<i>#DEALS
                                                                    <created_at>#<id>                           <created_at>#<id>
  deliverable   DELIVERABLE#<id>            DELIVERABLE             BRAND#<b>#DELIVERABLES                      DRAFT#<post id> (creative approval)
                                                                    <publish_at UTC>#<id>                       DELIVERABLE
  payment       PAYMENT#<id>                PAYMENT                 BRAND#<b>#PAYMENTS#<status>
                                                                    <day it is filed under>#<id>
  adjustment    DEAL#<deal id>              ADJUSTMENT#<id>
  deal task     DEAL#<deal id>              TASK#<kind>#<subject>#<round>                                       DUE#DEALS <due>#<tail>
  number        CONTRACTNO#<b>#<number>     CONTRACTNO              (unique: one deal per contract number in a brand)
  counter       COUNTER#<b>#DEALS#<year>    COUNTER                 (the brand's contract number sequence)

  deal by id                                   GetItem
  a brand's deals, newest first                Query gsi1 BRAND#<b>#DEALS (backwards); status and campaign
                                               narrow it with a filter on that Query
  an influencer's deals, newest first         Query gsi2 INFLUENCER#<i>#DEALS (backwards; the list filtered by influencer)
  a deal's deliverables                        BatchGetItem of the deal's `deliverable_ids` (consistent)
  deliverable by id                            GetItem
  a brand's placements by publish time         Query gsi1 BRAND#<b>#DELIVERABLES (a time range)
  the deliverable of a creative-approval post  Query gsi2 DRAFT#<post id> (one item)
  a deal's payments                            BatchGetItem of the deal's `payment_ids` (consistent)
  payment by id                                GetItem
  a brand's payments in one status             Query gsi1 BRAND#<b>#PAYMENTS#<status>, a day range:
                                               due/approved by due day, on_hold by due day, paid by the
                                               day paid, planned by date (or "~" when it has none)
  a deal's adjustments                         Query pk DEAL#<id>, sk begins_with ADJUSTMENT#
  deadline tasks and payment reminders due     Query gsi2 DUE#DEALS, gsi2sk <= "<now>#~" (core/db/queue.py)
  is a contract number taken (brand)           the NumberItem's conditional put
  the next contract number                     UpdateItem ADD 1 on the counter (returns the new value)

Money is stored as integer minor units beside its currency code; percents and ER as decimal text.
Terms, overrides and milestones are maps of plain JSON values (schemas.py shapes them; rules/ check
them); what a deal's contract versions and signed copies are lives on the deal (`contracts`,
`signed_copies`), the files themselves in the artifact store (core/files.py).
"""
from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)

from chalicelib.core.db.base import Item, ListedItem, QueuedItem, TwiceListedItem, meta


class DealItem(TwiceListedItem):
    Meta = meta()
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    influencer_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    contract_number = UnicodeAttribute()
    advertiser = MapAttribute(default=dict)  # name, inn
    blogger_legal = MapAttribute(null=True)  # legal_type, legal_name, inn, ogrn, display_name: snapshot at signing
    disclosure = UnicodeAttribute(default="ru")  # ru | ftc | none
    language = UnicodeAttribute(default="ru")  # of the contract: ru | en
    currency = UnicodeAttribute()
    fee_minor = NumberAttribute()
    vat = UnicodeAttribute(default="none")  # none | included | on_top
    agency_fee_pct = UnicodeAttribute(null=True)  # Decimal as text
    product_value_minor = NumberAttribute(null=True)
    terms = MapAttribute(default=dict)
    milestones = ListAttribute(default=list)  # [{label, percent (text), trigger, due_days, date}]
    status = UnicodeAttribute(default="draft")
    amendment = NumberAttribute(default=0)
    owner_id = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    deliverable_ids = ListAttribute(of=UnicodeAttribute, default=list)
    payment_ids = ListAttribute(of=UnicodeAttribute, default=list)
    published_count = NumberAttribute(default=0)  # deliverables that went live: a cancel is conditional on 0
    terms_changed_at = UnicodeAttribute(null=True)  # the contract is out of date when older than this
    contracts = ListAttribute(default=list)  # [{version, amendment, sha256, size, key, created_at, created_by}]
    signed_copies = ListAttribute(default=list)  # [{contract_version, sha256, size, key, uploaded_at, uploaded_by}]
    status_reason = UnicodeAttribute(null=True)  # why it was cancelled or disputed
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class DeliverableItem(TwiceListedItem):
    Meta = meta()
    id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    influencer_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    platform = UnicodeAttribute()  # the account's, when the deliverable was planned
    handle = UnicodeAttribute()
    format = UnicodeAttribute()
    publish_at = UnicodeAttribute()  # UTC instant (core/clock.iso)
    wall = UnicodeAttribute()  # the agreed local wall time, YYYY-MM-DDTHH:MM
    timezone = UnicodeAttribute()
    overrides = MapAttribute(default=dict)  # terms this deliverable changes
    erid = UnicodeAttribute(null=True)  # case-sensitive
    url = UnicodeAttribute(null=True)  # the live placement
    published_at = UnicodeAttribute(null=True)
    # the placement checks (chalicelib/placements): which URL round the checks belong to, who gave the URL,
    # when the post was first and last seen, its text's hash at the first sighting, the latest result
    placement_round = NumberAttribute(default=0)
    url_source = UnicodeAttribute(null=True)  # blogger | manager | publication
    found_at = UnicodeAttribute(null=True)
    last_seen_at = UnicodeAttribute(null=True)
    text_hash = UnicodeAttribute(null=True)
    check_result = UnicodeAttribute(null=True)  # pass | warn | fail | inconclusive (the latest that decided)
    waived = ListAttribute(of=UnicodeAttribute, default=list)  # check rules a manager's override accepted
    status = UnicodeAttribute(default="planned")
    post_id = UnicodeAttribute(null=True)  # the creative-approval post of the blogger's drafts
    draft_due_at = UnicodeAttribute(null=True)  # UTC instant: when the blogger's draft is due
    drafts = NumberAttribute(default=0)  # drafts the blogger submitted
    notes = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class PaymentRecord(ListedItem):
    """One payment to the influencer (rules/payments.PaymentItem persisted); its reminder before the
    due day is a DealTaskItem (kind payment_due)."""

    Meta = meta()
    id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    influencer_id = UnicodeAttribute()
    position = NumberAttribute()  # in the schedule, from 0
    label = UnicodeAttribute()
    percent = UnicodeAttribute()  # Decimal as text
    currency = UnicodeAttribute()
    amount_minor = NumberAttribute()
    trigger = UnicodeAttribute()
    due_days = NumberAttribute(default=0)
    date = UnicodeAttribute(null=True)  # YYYY-MM-DD, on_date only
    status = UnicodeAttribute(default="planned")
    due_on = UnicodeAttribute(null=True)
    holds = ListAttribute(of=UnicodeAttribute, default=list)
    held_from = UnicodeAttribute(null=True)
    paid_on = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    approved_by = UnicodeAttribute(null=True)
    paid_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class AdjustmentRecord(Item):
    """A penalty or refund line on a deal (rules/penalties.Adjustment persisted): the rule and its
    inputs, so anyone can recompute the signed amount (negative: taken off what the influencer is paid)."""

    Meta = meta()
    id = UnicodeAttribute()
    deal_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    deliverable_id = UnicodeAttribute(null=True)
    rule = UnicodeAttribute()
    inputs = MapAttribute(default=dict)
    currency = UnicodeAttribute()
    amount_minor = NumberAttribute()
    note = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class DealTaskItem(QueuedItem):
    """A deadline follow-up of a deal (draft due, approval due, publication due, payment due): when it
    comes due the job checks the subject is still where it was (`expect`), and reminds or escalates."""

    Meta = meta()
    deal_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # draft_due | approval_due | publication_due | payment_due
    step = UnicodeAttribute()  # remind | escalate
    subject_id = UnicodeAttribute()  # a deliverable or a payment
    expect = ListAttribute(of=UnicodeAttribute, default=list)  # the subject's statuses in which it still applies
    due_at = UnicodeAttribute()
    deadline = UnicodeAttribute()
    state = UnicodeAttribute(default="pending")  # pending | done | dropped
    attempts = NumberAttribute(default=0)
    sent = ListAttribute(of=UnicodeAttribute, default=list)  # who was told ("email:<user>", "slack:<user>")
    outcome = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute(null=True)


class NumberItem(Item):
    """Keeps a contract number unique within a brand."""

    Meta = meta()
    deal_id = UnicodeAttribute()


class CounterItem(Item):
    Meta = meta()
    value = NumberAttribute(default=0)
