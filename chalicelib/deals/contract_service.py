"""A deal's contract PDFs and signed copies: make a version, download one, upload the signed copy.

Who: managing deals (influencer and SMM managers, admins) makes contracts and uploads signed copies;
reading deals (also content managers and finance) downloads them; nobody else (403 for other members
of the brand, 404 for outsiders).

Each contract version is immutable: rendered from our templates only (contract_data → contract_view →
render), stored under a key of its own that is never overwritten, and its SHA-256 and size recorded on
the deal (`contracts`) in one conditional write with the audit entry — a deal changed meanwhile is a
409 and the file is removed again. A download checks the bytes against that record. Keys carry a
random suffix (`deals/<id>/contract-v3-<suffix>.pdf`), so an attempt that stored its file and then
failed (a concurrent change, a timeout) never blocks the next one; such a leftover is unreferenced.

A signed copy (a PDF ≤ 10 MB, checked by its `%PDF-` header) is stored the same way under
`deals/<id>/signed-v<contract version>-<n>-<suffix>.pdf` and recorded by service.sign, in the same
transaction that moves the deal to `signed`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from zoneinfo import ZoneInfo

from chalicelib.core import files, i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change
from chalicelib.core.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from chalicelib.core.file_names import MAX_BYTES, looks_like_pdf
from chalicelib.core.plain import plain
from chalicelib.deals import contract_data, render, repo
from chalicelib.deals.models import DealItem
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

PDF_TYPE = "application/pdf"
FINAL = ("cancelled", "closed")  # no new contract version for these
MB = 1024 * 1024


def _t(principal: Principal, key: str, **params) -> str:
    return i18n.translate(key, principal.language, **params)


def _deal(principal: Principal, deal_id: str, permission: Permission) -> DealItem:
    deal = repo.get(deal_id, consistent=True)
    if deal is None:
        raise NotFound(_t(principal, "deal_files.no_deal"))
    principal.require(deal.brand_id, Permission.view_deals, what="deal")
    if permission is not Permission.view_deals:
        principal.require(deal.brand_id, permission, what="deal")
    return deal


def _suffix() -> str:
    return secrets.token_hex(4)


def contract_key(deal_id: str, version: int, suffix: str) -> str:
    return f"deals/{deal_id}/contract-v{version}-{suffix}.pdf"


def signed_key(deal_id: str, contract_version: int, n: int, suffix: str) -> str:
    return f"deals/{deal_id}/signed-v{contract_version}-{n}-{suffix}.pdf"


def filename(deal: DealItem, version: int) -> str:
    return f"{deal.contract_number}-v{version}.pdf"


def contracts_of(deal: DealItem) -> list[dict]:
    return [c for c in plain(deal.contracts) or [] if isinstance(c, dict)]


def _today(brand_id: str) -> dt.date:
    """Today where the brand is (its time zone), the contract's date."""
    from chalicelib.brands import repo as brand_repo

    brand = brand_repo.get(brand_id)
    try:
        zone = ZoneInfo(brand.timezone) if brand is not None and brand.timezone else dt.timezone.utc
    except (KeyError, ValueError):
        zone = dt.timezone.utc
    return utcnow().astimezone(zone).date()


# --- make a version -----------------------------------------------------------------------------------

def make_contract(principal: Principal, deal_id: str) -> dict:
    """Render and store the deal's next contract version; {version, sha256, size, url, …the record}."""
    from chalicelib.influencers import repo as influencer_repo

    deal = _deal(principal, deal_id, Permission.manage_deals)
    if deal.status in FINAL:
        raise Conflict(_t(principal, "deal_files.closed", status=deal.status))
    existing = contracts_of(deal)
    version = len(existing) + 1
    influencer = influencer_repo.get(deal.influencer_id, consistent=True)
    accounts = influencer_repo.accounts_of(influencer) if influencer is not None else []
    try:
        view = contract_data.view_for(deal, repo.deliverables_of(deal), influencer, accounts, version,
                                      _today(deal.brand_id))
    except contract_data.ContractDataError as exc:
        raise ValidationFailed(_t(principal, "deal_files.not_printable", reason=str(exc))) from None
    key = contract_key(deal.id, version, _suffix())
    rendered = render.store_contract(view, key, {"deal-id": deal.id, "contract-version": str(version)})
    now = iso(utcnow())
    entry = {"version": version, "amendment": int(deal.amendment or 0), "sha256": rendered.sha256,
             "size": rendered.size, "key": key, "created_at": now, "created_by": principal.user_id,
             "blogger_legal": {k: v for k, v in dataclasses.asdict(view.blogger).items() if v}}
    change = Change(deal.brand_id, "deal", deal.id, "contract", after={"version": version, "sha256": rendered.sha256},
                    version=deal.version + 1)
    try:
        repo.commit(principal.actor, change, [repo.update(deal, {"contracts": [*existing, entry]})],
                    _t(principal, "deal_files.changed"))
    except BaseException:
        files.delete(key)  # best effort: unreferenced either way
        raise
    url = files.download_url(key, filename=filename(deal, version))
    return {**entry, "url": url}


# --- download a version -------------------------------------------------------------------------------

def contract_record(principal: Principal, deal: DealItem, version: int | None) -> dict:
    existing = contracts_of(deal)
    if not existing:
        raise NotFound(_t(principal, "deal_files.no_contract"))
    if version is None:
        return existing[-1]
    found = next((c for c in existing if int(c.get("version") or 0) == version), None)
    if found is None:
        raise NotFound(_t(principal, "deal_files.no_version", version=version, latest=len(existing)))
    return found


def _verified(principal: Principal, deal: DealItem, version: int | None) -> tuple[bytes, dict]:
    record = contract_record(principal, deal, version)
    number = int(record.get("version") or 0)
    try:
        data, _meta = files.get(record["key"])
    except files.FileMissing:
        raise Conflict(_t(principal, "deal_files.missing", version=number)) from None
    if hashlib.sha256(data).hexdigest() != record.get("sha256") or len(data) != int(record.get("size") or -1):
        raise Conflict(_t(principal, "deal_files.mismatch", version=number))
    return data, record


def contract_file(principal: Principal, deal_id: str, version: int | None = None) -> tuple[bytes, str]:
    """The bytes of the latest contract version (or of `version`) and its download name, checked
    against the SHA-256 recorded when it was made (a mismatch is a 409, never served)."""
    deal = _deal(principal, deal_id, Permission.view_deals)
    data, record = _verified(principal, deal, version)
    return data, filename(deal, int(record["version"]))


def contract_link(principal: Principal, deal_id: str, version: int | None = None) -> str:
    """A download link (expires in minutes) of the latest contract version or of `version`, once its
    stored bytes are checked against the record: a presigned S3 link in AWS, /files/<token> locally."""
    deal = _deal(principal, deal_id, Permission.view_deals)
    _data, record = _verified(principal, deal, version)
    return files.download_url(record["key"], filename=filename(deal, int(record["version"])))


# --- the signed copy ----------------------------------------------------------------------------------

def too_large(principal: Principal, size: int) -> PayloadTooLarge:
    from babel.numbers import format_decimal

    shown = format_decimal(round(size / MB, 1), locale=i18n.normalize(principal.language))
    return PayloadTooLarge(_t(principal, "deal_files.signed.too_large", size=shown, limit=MAX_BYTES // MB))


def check_signed_copy(principal: Principal, data: bytes) -> bytes:
    """The upload when it is a PDF within the limit: 413 over 10 MB, 422 empty or not a PDF."""
    if not data:
        raise ValidationFailed(_t(principal, "deal_files.signed.empty"),
                               details=[{"field": "file", "message": "empty"}])
    if len(data) > MAX_BYTES:
        raise too_large(principal, len(data))
    if not looks_like_pdf(data):
        raise ValidationFailed(_t(principal, "deal_files.signed.not_pdf"),
                               details=[{"field": "file", "message": "not a PDF"}])
    return bytes(data)


def upload_signed_copy(principal: Principal, deal_id: str, data: bytes, content_type: str | None = None) -> DealItem:
    """Store the signed copy of the current contract version and mark the deal signed (service.sign).
    `content_type` is what the sender declared; the file is judged by its header and stored as PDF."""
    from chalicelib.deals import service

    deal = _deal(principal, deal_id, Permission.manage_deals)
    data = check_signed_copy(principal, data)
    existing = contracts_of(deal)
    if not existing:
        raise Conflict(_t(principal, "deal_files.signed.no_contract"))
    if "sign" not in service.actions(deal):
        raise Conflict(_t(principal, "deal_files.signed.not_now", status=deal.status))
    contract_version = int(existing[-1].get("version") or len(existing))
    n = len(plain(deal.signed_copies) or []) + 1
    key = signed_key(deal.id, contract_version, n, _suffix())
    stored = files.put(key, data, content_type=PDF_TYPE,
                       metadata={"deal-id": deal.id, "contract-version": str(contract_version)})
    entry = {"contract_version": contract_version, "sha256": stored.sha256, "size": stored.size, "key": key,
             "uploaded_at": iso(utcnow()), "uploaded_by": principal.user_id}
    try:
        return service.sign(principal, deal.id, signed_copy=entry, version=deal.version)
    except BaseException:
        files.delete(key)
        raise
