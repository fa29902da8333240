"""Publication targets (one per post and channel) and their attempts.

  target of (post, channel)         pk POST#<post id>, sk TARGET#<channel id>; id = <post id><channel id>
  a post's targets                  Query pk POST#<post id>, sk begins_with TARGET#
  targets due now (job publish-due) Query gsi2 DUE#PUBLISH, gsi2sk <= "<now>#~"
  a target's attempts               Query pk POST#<post id>, sk begins_with ATTEMPT#<channel id>#

Every change of a target is conditional on the state (and queue key) read, so two workers can never
both move it.
"""
from __future__ import annotations

from collections.abc import Iterator

from chalicelib.core.db import connection as db_connection
from chalicelib.publishing.models import AttemptItem, TargetItem
from chalicelib.core.db.reads import get_item

QUEUE = "DUE#PUBLISH"
ID_LENGTH = 26  # ULIDs


def target_id(post_id: str, channel_id: str) -> str:
    return f"{post_id}{channel_id}"


def key_of(target_id_: str) -> tuple[str, str] | None:
    if len(target_id_) != 2 * ID_LENGTH:
        return None
    return f"POST#{target_id_[:ID_LENGTH]}", f"TARGET#{target_id_[ID_LENGTH:]}"


def queue_sk(due: str, target_id_: str) -> str:
    return f"{due}#{target_id_}"


def get(target_id_: str, *, consistent: bool = True) -> TargetItem | None:
    key = key_of(target_id_)
    return get_item(TargetItem, *key, consistent=consistent) if key else None


def for_post(post_id: str) -> list[TargetItem]:
    db_connection.bind_models()
    return list(TargetItem.query(f"POST#{post_id}", TargetItem.sk.startswith("TARGET#"), consistent_read=True))


def due_pages(now_iso: str, page_size: int) -> Iterator[list[TargetItem]]:
    """Every target due at `now_iso`, oldest first, a page (one Query call) at a time; the next page is
    read only when asked for, from where the last one ended (targets claimed meanwhile have moved
    to their lease's time, past the end of the range, and are not met again)."""
    db_connection.bind_models()
    page: list[TargetItem] = []
    for item in TargetItem.gsi2.query(QUEUE, TargetItem.gsi2sk <= f"{now_iso}#~", page_size=page_size):
        page.append(item)
        if len(page) == page_size:
            yield page
            page = []
    if page:
        yield page


def attempts(post_id: str, channel_id: str | None = None) -> list[AttemptItem]:
    db_connection.bind_models()
    prefix = f"ATTEMPT#{channel_id}#" if channel_id else "ATTEMPT#"
    return list(AttemptItem.query(f"POST#{post_id}", AttemptItem.sk.startswith(prefix), consistent_read=True))


def attempt_sk(channel_id: str, number: int) -> str:
    return f"ATTEMPT#{channel_id}#{number:03d}"
