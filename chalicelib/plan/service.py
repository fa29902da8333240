"""The content plan as CSV: export a brand's posts for a period, import a file of new and changed posts.

Import is all-or-nothing: every row is parsed and checked with the same rules as the API (channels,
network limits, time zones, assignees, the version of a changed post) before anything is written; a
file with any bad row imports nothing and the answer lists every bad row with its line and reason.
Only a concurrent edit of the same post between the check and the write can stop an import part-way;
then the answer says which rows were written.
"""
from __future__ import annotations

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.brands.members import repo as member_repo
from chalicelib.content import service as posts
from chalicelib.content.schemas import PostCreate, PostPatch, PostQuery
from chalicelib.core.db.pages import drain
from chalicelib.core.errors import DomainError, ValidationFailed
from chalicelib.identity import repo as user_repo
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.plan.rules import csv_format, csv_import

MAX_EXPORT = 5000


def export(principal: Principal, brand_id: str, start: str | None, end: str | None) -> bytes:
    principal.require(brand_id, Permission.view_posts)
    rows = list(drain(lambda cursor: posts.list_posts(principal, PostQuery.model_validate(
        {"brand_id": brand_id, "from": start, "to": end, "cursor": cursor, "limit": 100})), max_items=MAX_EXPORT))
    people = user_repo.batch_get([uid for p in rows for uid in (p.assignee_ids or [])])
    return csv_format.export_bytes([{
        "id": p.id, "title": p.title, "body": p.body, "channels": list(p.channel_ids or []),
        "content_type": p.content_type, "publish_at": p.publish_wall, "timezone": p.timezone,
        "tags": list(p.tags or []), "assignees": [people[u].email for u in (p.assignee_ids or []) if u in people],
        "campaign_id": p.campaign_id, "due_at": p.due_at, "status": p.status, "version": int(p.version),
    } for p in rows])


def _all_channel_ids(brand_id: str) -> set[str]:
    return {c.id for c in drain(lambda cursor: channel_repo.list_for_brand(brand_id, cursor, 100))}


def _fields(row: csv_format.PlanRow, assignee_ids: list[str]) -> dict:
    return {"title": row.title or "", "body": row.body or "", "channel_ids": list(row.channels),
            "content_type": row.content_type or "engaging", "publish_at": row.publish_at, "timezone": row.timezone,
            "tags": list(row.tags), "assignee_ids": assignee_ids, "campaign_id": row.campaign_id,
            "due_at": row.due_at}


def _error(row_line: int, column: str | None, message: str) -> dict:
    return {"line": row_line, "field": column, "message": message}


def import_plan(principal: Principal, brand_id: str, data: bytes) -> dict:
    principal.require(brand_id, Permission.edit_posts)
    parsed = csv_import.parse(data, known_channel_ids=_all_channel_ids(brand_id))
    errors = [_error(e.line, e.column, e.message) for e in parsed.errors]
    planned = []
    for row in parsed.rows if not errors else []:
        assignee_ids = []
        for email in row.assignees:
            user = user_repo.get_by_email(email.strip().lower())
            if user is None or member_repo.get(brand_id, user.id) is None:
                errors.append(_error(row.line, "assignees", f"{email} is not a member of this brand"))
            else:
                assignee_ids.append(user.id)
        fields = _fields(row, assignee_ids)
        try:
            if row.id:
                if row.version is None:
                    raise ValidationFailed("give the version of the post you changed (column version)")
                patch = PostPatch.model_validate({**fields, "version": row.version})
                posts.update(principal, row.id, patch, None, dry_run=True)
                planned.append(("update", row, patch))
            else:
                create = PostCreate.model_validate({**fields, "brand_id": brand_id})
                posts.prepare_create(principal, create)
                planned.append(("create", row, create))
        except DomainError as exc:
            details = exc.details or [{"field": None, "message": exc.message}]
            errors.extend(_error(row.line, d.get("field"), f"{exc.message} {d.get('message', '')}".strip())
                          for d in details)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            errors.append(_error(row.line, None, str(exc).splitlines()[0]))
    if errors:
        raise ValidationFailed(f"Nothing was imported: {len(errors)} problem(s) in the file.", details=errors[:200])
    done = {"created": [], "updated": []}
    for kind, row, payload in planned:
        try:
            if kind == "create":
                done["created"].append(posts.create(principal, payload)[0].id)
            else:
                done["updated"].append(posts.update(principal, row.id, payload, None)[0].id)
        except DomainError as exc:
            raise ValidationFailed(f"Line {row.line} changed while importing ({exc.message}); the rows before it "
                                   "were written.", details=[_error(row.line, None, exc.message)],
                                   written=done) from None
    return done
