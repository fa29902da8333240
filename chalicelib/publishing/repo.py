"""Publication targets (one per post and channel) and their attempts.

  target of (post, channel)         pk POST#<post id>, sk TARGET#<channel id>; id = <post id><channel id>
  a post's targets                  Query pk POST#<post id>, sk begins_with TARGET#
  targets due now (job publish-due) the DUE#PUBLISH lease queue (core/db/queue.py): the publish
                                    time, a retry time or a lease's end, then the target id
  a target's attempts               Query pk POST#<post id>, sk begins_with ATTEMPT#<channel id>#

Every change of a target is conditional on the state (and queue key) read, so two workers can never
both move it.
"""
from __future__ import annotations

from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.queue import Queue
from chalicelib.core.db.reads import get_item
from chalicelib.publishing.models import AttemptItem, TargetItem

TARGETS = Queue("DUE#PUBLISH", TargetItem)
ID_LENGTH = 26  # ULIDs


def target_id(post_id: str, channel_id: str) -> str:
    return f"{post_id}{channel_id}"


def key_of(target_id_: str) -> tuple[str, str] | None:
    if len(target_id_) != 2 * ID_LENGTH:
        return None
    return f"POST#{target_id_[:ID_LENGTH]}", f"TARGET#{target_id_[ID_LENGTH:]}"


def get(target_id_: str, *, consistent: bool = True) -> TargetItem | None:
    key = key_of(target_id_)
    return get_item(TargetItem, *key, consistent=consistent) if key else None


def for_post(post_id: str) -> list[TargetItem]:
    db_connection.bind_models()
    return list(TargetItem.query(f"POST#{post_id}", TargetItem.sk.startswith("TARGET#"), consistent_read=True))


def attempts(post_id: str, channel_id: str | None = None) -> list[AttemptItem]:
    db_connection.bind_models()
    prefix = f"ATTEMPT#{channel_id}#" if channel_id else "ATTEMPT#"
    return list(AttemptItem.query(f"POST#{post_id}", AttemptItem.sk.startswith(prefix), consistent_read=True))


def attempt_sk(channel_id: str, number: int) -> str:
    return f"ATTEMPT#{channel_id}#{number:03d}"
