"""What the conversions page shows, as plain values for the template: each conversion's time in the reader's
zone, its amount written the reader's way (Babel, core/money), what it is attributed to and how, the totals,
and for managers the webhook's URL, its secret (only when asked for) and copy-paste examples that sign a
request (curl with openssl, and Python's standard library) — the examples read the secret from an
environment variable, so the page never puts it in a snippet.
"""
from __future__ import annotations

import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.campaigns.conversions import amounts
from chalicelib.campaigns.models import CampaignItem, ConversionItem
from chalicelib.campaigns.rules import webhook_signature as signature
from chalicelib.core import i18n
from chalicelib.core.clock import parse_utc
from chalicelib.core.money import Money
from chalicelib.identity.principal import Principal

SECRET_VARIABLE = "GREENLIGHT_WEBHOOK_SECRET"


def reader_zone(principal: Principal, brand_id: str) -> str:
    """The reader's profile zone, else the brand's, else UTC."""
    from chalicelib.brands import repo as brands
    from chalicelib.identity import repo as users

    user = users.get(principal.user_id)
    if user is not None and user.timezone:
        return user.timezone
    brand = brands.get(brand_id)
    return getattr(brand, "timezone", None) or "UTC"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when_text(stored: str, zone: ZoneInfo, language: str) -> str:
    """"Dec 20, 2026, 12:00 PM" / "20 дек. 2026 г., 12:00" (the zone is named once, in the page's lead)."""
    from babel.dates import format_date, format_time

    instant = parse_utc(stored)
    if instant is None:
        return stored
    local = instant.astimezone(zone)
    return f"{format_date(local, 'medium', locale=language)}, {format_time(local, 'short', locale=language)}"


def _how(item: ConversionItem, language: str) -> dict:
    """How the conversion is attributed: a sentence, and links to what it counts for."""
    if item.attributed_by == "promo":
        how = i18n.translate("campaign_conversions.page.by_promo", language, code=item.promo_code or "")
    elif item.attributed_by == "link":
        how = i18n.translate("campaign_conversions.page.by_link", language, code=item.link_code or "")
    else:
        how = i18n.translate("campaign_conversions.page.by_none", language)
    targets = []
    if item.deal_id:
        targets.append({"text": i18n.translate("campaign_conversions.page.deal", language),
                        "href": f"/deals/{item.deal_id}"})
    if item.post_id:
        targets.append({"text": i18n.translate("campaign_conversions.page.post", language),
                        "href": f"/posts/{item.post_id}"})
    return {"how": how, "targets": targets}


def rows(items: list[ConversionItem], zone: ZoneInfo, language: str) -> list[dict]:
    return [{"order_id": i.order_id, "when": when_text(i.occurred_at, zone, language),
             "amount": amounts.text(i.amount_minor, i.currency, language),
             "source": i18n.translate(f"campaign_conversions.source.{i.source}", language)
             if i.source in ("webhook", "csv") else i.source,
             "by": i.attributed_by, **_how(i, language)} for i in items]


def totals(items: list[ConversionItem], currency: str, language: str) -> dict:
    from babel.numbers import format_decimal

    revenue = sum(int(i.amount_minor) for i in items if i.currency == currency)
    by = [i.attributed_by for i in items]

    def number(n: int) -> str:
        return format_decimal(n, locale=language)

    return {"count": number(len(items)), "revenue": amounts.text(revenue, currency, language),  # past Money's cap too
            "by_promo": number(by.count("promo")), "by_link": number(by.count("link")),
            "unattributed": number(by.count("none"))}


def example_body(currency: str) -> str:
    amount = str(Money(1990 * 10 ** _digits(currency), currency).amount)
    return json.dumps({"order_id": "A-1001", "occurred_at": "2026-12-05T14:30:00+03:00",
                       "amount": {"amount": amount, "currency": currency}, "promo_code": "WINTER10"},
                      ensure_ascii=False, separators=(",", ":"))


def _digits(currency: str) -> int:
    from chalicelib.core.money import digits

    return digits(currency)


def curl_example(url: str, body: str) -> str:
    return "\n".join([
        f"BODY='{body}'",
        "T=$(date +%s)",
        f'SIG=$(printf \'%s.%s\' "$T" "$BODY" | openssl dgst -sha256 -hmac "${SECRET_VARIABLE}" | sed \'s/^.* //\')',
        f'curl -X POST "{url}" \\',
        '  -H "Content-Type: application/json" \\',
        f'  -H "{signature.HEADER}: t=$T,v1=$SIG" \\',
        '  --data-binary "$BODY"',
    ])


def python_example(url: str, body: str) -> str:
    return "\n".join([
        "import hashlib, hmac, os, time, urllib.request",
        "",
        f'secret = os.environ["{SECRET_VARIABLE}"]',
        f"body = {body!r}.encode()",
        "t = str(int(time.time()))",
        'sig = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()',
        f'request = urllib.request.Request("{url}", data=body, method="POST", headers={{',
        f'    "Content-Type": "application/json", "{signature.HEADER}": f"t={{t}},v1={{sig}}"}})',
        "print(urllib.request.urlopen(request).read().decode())",
    ])


def page_view(principal: Principal, campaign: CampaignItem, items: list[ConversionItem], language: str, *,
              reveal: bool) -> dict:
    """The template's values (`webhook` only for those who manage the campaign)."""
    from chalicelib.campaigns.conversions.service import webhook_url
    from chalicelib.identity.rules import Permission

    language = i18n.normalize(language)
    zone_name = reader_zone(principal, campaign.brand_id)
    view = {"rows": rows(items, _zone(zone_name), language), "totals": totals(items, campaign.currency, language),
            "zone": zone_name, "webhook": None}
    if principal.can(campaign.brand_id, Permission.manage_campaigns):
        url = webhook_url(campaign.id)
        body = example_body(campaign.currency)
        view["webhook"] = {"url": url, "header": signature.HEADER, "has_secret": bool(campaign.webhook_secret),
                           "secret": campaign.webhook_secret if reveal else None, "variable": SECRET_VARIABLE,
                           "curl": curl_example(url, body), "python": python_example(url, body),
                           "minutes": signature.TOLERANCE_SECONDS // 60}
    return view
