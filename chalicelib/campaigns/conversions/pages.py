"""Conversions in the browser (templates/campaigns/conversions.html): the campaign's conversions with what
each is attributed to, the totals, the CSV upload, and — for managers — the webhook's URL, its secret
(shown on demand) with a rotate button, and a ready-to-run example.

  GET  /campaigns/{id}/conversions                 the page (view_campaigns); ?secret=show reveals the secret
                                                   (manage_campaigns)
  POST /campaigns/{id}/conversions/import          multipart: `file` (CSV ≤ 2 MB) or the pasted `text` → 303 back
                                                   with the counts, or the page again listing every problem with its
                                                   line (422; nothing imported)
  POST /campaigns/{id}/conversions/webhook-secret  rotate the secret → 303 back, the new secret shown

Times are shown in the reader's zone (their profile's, else the brand's), amounts with Babel (core/money).
Thin like every page: the door (sign-in, CSRF, errors as pages) → service.py.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from chalice import Blueprint

from chalicelib.core import i18n
from chalicelib.core.errors import PayloadTooLarge, ValidationFailed
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import page
from chalicelib.identity.rules import Permission
from chalicelib.identity.upload_door import upload_page

service = lazy_import("chalicelib.campaigns.conversions.service")
display = lazy_import("chalicelib.campaigns.conversions.display")

bp = Blueprint(__name__)

PATH = "/campaigns/{campaign_id}/conversions"
MAX_CSV_BYTES = 2 * 1024 * 1024  # csv_rows.MAX_BYTES (not imported here: the page module stays light)
NOTICES = ("imported", "rotated")
_COUNT = re.compile(r"[0-9]{1,8}")  # the whole value (fullmatch): ASCII digits, at most 8


def _t(call: PageCall, key: str, **params) -> str:
    return i18n.translate(key, call.language, **params)


def _path(campaign_id: str) -> str:
    return f"/campaigns/{quote(campaign_id, safe='')}/conversions"


def _count(call: PageCall, name: str) -> int:
    """A count of the notice's query (ASCII digits only: "²" is a digit to str.isdigit, not to int)."""
    value = call.query.get(name) or "0"
    return int(value) if _COUNT.fullmatch(value) else 0


def _notice(call: PageCall) -> str | None:
    done = call.query.get("done") if call.request.method == "GET" else None
    if done == "imported":
        return _t(call, "campaign_conversions.notice.imported", created=_count(call, "created"),
                  duplicates=_count(call, "duplicates"))
    if done == "rotated":
        return _t(call, "campaign_conversions.notice.rotated")
    return None


def _conversions_page(call: PageCall, campaign_id: str, *, status: int = 200, csv_message: str | None = None,
                      csv_errors: list[dict] | None = None, pasted: str = ""):
    campaign, items = service.of_campaign(call.principal, campaign_id)
    can_manage = call.principal.can(campaign.brand_id, Permission.manage_campaigns)
    asked = call.query.get("secret") == "show" or call.query.get("done") == "rotated"
    reveal = can_manage and asked and call.request.method == "GET"
    view = display.page_view(call.principal, campaign, items, call.language, reveal=reveal)
    return call.render("campaigns/conversions.html", status=status, campaign=campaign, can_manage=can_manage,
                       active=campaign.status != "archived", notice=_notice(call), csv_message=csv_message,
                       csv_errors=csv_errors or [], pasted=pasted, page_url=_path(campaign.id),
                       import_url=_path(campaign.id) + "/import", rotate_url=_path(campaign.id) + "/webhook-secret",
                       csv_url=f"/v1{_path(campaign.id)}.csv", **view)


@page(bp, PATH)
def conversions_page(call: PageCall, campaign_id):
    return _conversions_page(call, campaign_id)


def _too_large(call: PageCall, _size: int) -> Exception:
    return PayloadTooLarge(_t(call, "campaign_conversions.page.too_large", limit=MAX_CSV_BYTES // (1024 * 1024)))


@upload_page(bp, PATH + "/import", back=PATH, limit=MAX_CSV_BYTES, too_large=_too_large)
def import_csv(call: PageCall, fields, files, campaign_id):
    from chalicelib.campaigns import service as campaigns

    campaigns.require(call.principal, campaign_id, Permission.manage_campaigns)  # 403 before the file is read
    part = files.get("file")
    pasted = (fields.get("text") or [""])[-1]
    data = part.data if part is not None and part.data else pasted.strip().encode("utf-8")
    if not data:
        return _conversions_page(call, campaign_id, status=422,
                                 csv_message=_t(call, "campaign_conversions.page.no_file"))
    try:
        result = service.import_csv(call.principal, campaign_id, data)
    except ValidationFailed as exc:
        return _conversions_page(call, campaign_id, status=422, csv_message=exc.message, csv_errors=exc.details,
                                 pasted=pasted)
    return call.redirect(_path(campaign_id), fragment="import", done="imported", created=result.created,
                         duplicates=len(result.duplicates))


@page(bp, PATH + "/webhook-secret", ("POST",), back=PATH)
def rotate_secret(call: PageCall, campaign_id):
    service.rotate_secret(call.principal, campaign_id)
    return call.redirect(_path(campaign_id), fragment="webhook", done="rotated")
