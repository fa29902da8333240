"""A public Telegram channel's subscriber count, fetched from its t.me page (telegram_web.py, the one module
that talks to t.me) and stored as today's measurement (source "telegram"; the day's other figures kept)
and as the account's followers, in one transaction."""
from __future__ import annotations

from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Change, WriteConflict, transact
from chalicelib.core.errors import Conflict, Upstream, ValidationFailed
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.influencers import repo, service, telegram_web
from chalicelib.influencers.models import AccountItem, SnapshotItem
from chalicelib.influencers.rules.csv_snapshots import SNAPSHOT_COUNTS


def fetch_telegram(principal: Principal, account_id: str) -> SnapshotItem:
    """Today's subscriber count of a public Telegram channel, from its t.me page: stored as today's
    measurement (source "telegram"; the day's other figures kept) and as the account's followers."""
    account, influencer = service.get_account(principal, account_id)
    principal.require(influencer.brand_id, Permission.manage_influencers, what="account")
    language = principal.language
    if account.platform != "telegram":
        message = i18n.translate("influencers_csv.telegram.not_telegram", language, platform=account.platform)
        raise ValidationFailed(message, details=[{"field": "platform", "message": message}])
    name = telegram_web.channel_name(account.handle)
    if name is None:
        message = i18n.translate("influencers_csv.telegram.bad_name", language, handle=account.handle)
        raise ValidationFailed(message, details=[{"field": "handle", "message": message}])
    try:
        page = telegram_web.fetch(name)
    except telegram_web.Unreachable:
        raise Upstream(i18n.translate("influencers_csv.telegram.unreachable", language)) from None
    except telegram_web.NotPublic:
        message = i18n.translate("influencers_csv.telegram.not_public", language, handle=account.handle)
        raise ValidationFailed(message, details=[{"field": "handle", "message": message}]) from None
    return _store_count(principal, account, page.count)


def _store_count(principal: Principal, account: AccountItem, count: int) -> SnapshotItem:
    today = utcnow().date().isoformat()
    pk, sk = repo.account_key(account.id)[0], repo.snapshot_sk(today)
    earlier = get_item(SnapshotItem, pk, sk, consistent=True)
    kept = {c: getattr(earlier, c) for c in SNAPSHOT_COUNTS if earlier is not None and c != "followers"
            and getattr(earlier, c) is not None}
    snapshot = SnapshotItem(pk, sk, account_id=account.id, taken_on=today, followers=count, source="telegram",
                            created_at=iso(utcnow()), **kept)
    preview = AccountItem(platform=account.platform, followers=count, avg_views=account.avg_views,
                          avg_likes=account.avg_likes, avg_comments=account.avg_comments,
                          avg_shares=account.avg_shares)
    er = service.er_of(preview)
    keys = repo.account_index_keys(account.brand_id, account.id, account.platform, count, er)
    actions = [AccountItem.followers.set(count), AccountItem.measured_on.set(today),
               AccountItem.er.set(er) if er is not None else AccountItem.er.remove(),
               *(getattr(AccountItem, k).set(v) for k, v in keys.items()),
               AccountItem.updated_at.set(iso(utcnow()))]

    def build(tx) -> None:
        tx.update(account, actions, condition=AccountItem.gsi1pk.exists())  # + its version: PynamoDB adds it
        tx.save(snapshot)

    try:
        transact(principal.actor, Change(account.brand_id, "account", account.id, "telegram_fetch",
                                         before={"followers": _int(account.followers)},
                                         after={"followers": count, "taken_on": today, "source": "telegram"},
                                         version=int(account.version) + 1), build)
    except WriteConflict:
        raise Conflict(i18n.translate("influencers_csv.telegram.changed", principal.language)) from None
    service.refresh(principal.actor, account.influencer_id)
    return snapshot


def _int(value) -> int | None:
    return int(value) if value is not None else None
