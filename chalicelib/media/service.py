"""Post media: uploads into the artifact store and the checks of a post's media (storage.py says how
a file travels). Rules (types, sizes, per-network limits) are pure, in rules.py."""
from __future__ import annotations

from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission
from chalicelib.media import rules, storage


def _refuse(problem: rules.Problem, field: str) -> ValidationFailed:
    return ValidationFailed(rules.english(problem), details=[{
        "field": field, "message": rules.english(problem), "code": problem.key, "key": problem.key,
        "params": problem.params}])


def start_upload(principal: Principal, brand_id: str, name: str, content_type: str, size: int) -> dict:
    """Where the browser sends the file (storage.upload_target), after the caps of rules.check_upload."""
    principal.require(brand_id, Permission.edit_posts)
    problem = rules.check_upload(content_type, size, name)
    if problem:
        raise _refuse(problem, "size" if problem.code == "too_large" else "type")
    key = storage.new_key(brand_id, new_id(), content_type)
    return storage.upload_target(key, content_type, size)


def check_put(token: str, content_length: str | None) -> dict:
    """The local upload's grant, checked before its body is touched: the token genuine, and the request's
    Content-Length (when given) the token's size and under the cap — else 413 / 400."""
    from chalicelib.core.errors import BadRequest, PayloadTooLarge

    try:
        grant = storage.read_put_token(token)
    except ValueError:
        raise BadRequest("This upload link is damaged or has expired; choose the file again.") from None
    if content_length is None or str(content_length).strip() == "":
        return grant
    try:
        length = int(str(content_length).strip())
    except ValueError:
        raise BadRequest("The Content-Length header is not a number.") from None
    if length > rules.MAX_VIDEO_BYTES or length > grant["s"]:
        raise PayloadTooLarge(f"The upload has {length} bytes; {grant['s']} were announced.")
    if length != grant["s"]:
        raise BadRequest(f"The upload has {length} bytes; {grant['s']} were announced.")
    return grant


def receive_put(token: str, data: bytes, grant: dict | None = None) -> str:
    """The local upload (PUT /v1/media/put?token=…): the token is the permission, as a presigned URL is
    in S3. The bytes must be the declared size and type (by their first bytes). Returns the key."""
    from chalicelib.core.errors import BadRequest

    grant = grant or check_put(token, None)
    if len(data) != grant["s"]:
        raise BadRequest(f"The upload has {len(data)} bytes; {grant['s']} were announced.")
    if rules.sniff(data) != grant["t"]:
        raise _refuse(rules.Problem("bad_type", {"name": ""}), "file")
    storage.store_local(grant["k"], data, grant["t"])
    return grant["k"]


def confirm(principal: Principal, brand_id: str, key: str, name: str = "", alt: str = "") -> dict:
    """The uploaded file as a media item of the contract ({key, kind, type, size, alt, name}), after
    checking what is stored: its size under the cap and its type by its first bytes. A file that is not
    what it claimed is deleted and refused."""
    principal.require(brand_id, Permission.edit_posts)
    if storage.brand_of_key(key) != brand_id:
        raise NotFound("No such upload in this brand.")
    found = storage.probe(key)
    if found is None:
        raise NotFound("No file was uploaded under this key (or the upload did not finish); upload it again.")
    sniffed = rules.sniff(found.head)
    label = name or key.rsplit("/", 1)[-1]
    problem = rules.check_upload(sniffed, found.size, label)
    if problem is None and sniffed != found.content_type:
        problem = rules.Problem("bad_type", {"name": label})
    if problem:
        storage.delete(key)
        raise _refuse(problem, "file")
    return {"key": key, "kind": rules.kind_of(sniffed), "type": sniffed, "size": found.size,
            "alt": (alt or "").strip(), "name": name or label}


# --- a post's media ---------------------------------------------------------------------------------

def _detail(field: str, problem: rules.Problem) -> dict:
    return {"field": field, "message": rules.english(problem), "code": problem.key, "key": problem.key,
            "params": problem.params}


def _stored_facts(item: dict, index: int) -> dict | None:
    """A new item's type, size and kind replaced by what is stored (never the client's word): a detail
    when nothing is stored under its key, or the stored bytes are no type we take or over the cap."""
    label = item.get("name") or f"#{index + 1}"
    found = storage.probe(item["key"])
    if found is None:
        return _detail(f"media.{index}", rules.Problem("missing", {"name": label}, index))
    sniffed = rules.sniff(found.head)
    problem = rules.check_upload(sniffed, found.size, label)
    if problem is None and (sniffed != found.content_type
                            or storage.EXTENSIONS.get(sniffed) != item["key"].rsplit(".", 1)[-1]):
        problem = rules.Problem("bad_type", {"name": label})  # stored as, or keyed as, another type (as confirm)
    if problem:
        return _detail(f"media.{index}", problem)
    item.update(type=sniffed, size=found.size, kind=rules.kind_of(sniffed))
    return None


def post_problems(brand_id: str, media: list[dict], channels: list, known_keys=frozenset()) -> list[dict]:
    """The details (ValidationFailed) of what is wrong with a post's media for its brand and channels:
    a key of another brand; for a key not in `known_keys` (the stored post's keys: new in this save) the
    stored object is probed — missing or not an image/video we take is refused, and the item's `type`,
    `size` and `kind` are overwritten (in place) with what is stored; then each network's limits
    (rules.check_for_network), and a VK channel without the admin's user token (VK uploads with it only).
    Each detail has `field`, an English `message` (prefixed with the channel's name), `code` = `key`
    (media_<code>), `params` and `channel`: content/guard_text.detail_message (the form) translates
    `limits.<key>`, as for the text limits."""
    problems = []
    for index, item in enumerate(media or []):
        key = item.get("key") if isinstance(item, dict) else None
        if key and storage.brand_of_key(key) != brand_id:
            problems.append({"field": f"media.{index}", "message": "This file belongs to another brand.",
                             "code": "media_other_brand", "key": "media_other_brand", "params": {}})
        elif key and key not in known_keys:
            detail = _stored_facts(item, index)
            if detail:
                problems.append(detail)
    uploads = any(isinstance(m, dict) and m.get("key") for m in media or [])
    for channel in channels:
        if uploads and channel.platform == "vk" and not getattr(channel, "user_credentials_ref", None):
            problem = rules.Problem("vk_user_token")
            problems.append({**_detail("media", problem), "message": f"{channel.name}: {rules.english(problem)}",
                             "channel": channel.name})
        for problem in rules.check_for_network(media or [], channel.platform):
            field = "media" if problem.index is None else f"media.{problem.index}"
            problems.append({"field": field, "message": f"{channel.name}: {rules.english(problem)}",
                             "code": problem.key, "key": problem.key, "params": problem.params,
                             "channel": channel.name})
    return problems


def translated(detail: dict, language: str | None) -> str:
    """A media detail of post_problems in `language` (the channel's name first when it has one)."""
    from chalicelib.core import i18n

    text = i18n.translate(f"limits.{detail['key']}", language, **(detail.get("params") or {}))
    return f"{detail['channel']}: {text}" if detail.get("channel") else text
