"""Sign-in nonces, browser sessions and API tokens."""
from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.core import deps
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db import prefetch as prefetch_store
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, transact
from chalicelib.core.errors import Conflict, Upstream
from chalicelib.core.ids import new_id, new_secret
from chalicelib.core.settings import get_settings
from chalicelib.identity.models import SessionItem, SignInItem, TokenItem, UserItem
from chalicelib.identity.repo import user_key


def _epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


# --- sign-in links -------------------------------------------------------------------------------

def create_sign_in(user_id: str, ttl: timedelta, next_path: str | None) -> str:
    db_connection.bind_models()
    nonce, expires = new_secret(24), utcnow() + ttl
    SignInItem(f"SIGNIN#{nonce}", "SIGNIN", user_id=user_id, expires_at=iso(expires),
               next_path=next_path, ttl=_epoch(expires) + 86400).save(condition=SignInItem.pk.does_not_exist())
    return nonce


def get_sign_in(nonce: str) -> SignInItem | None:
    return get_item(SignInItem, f"SIGNIN#{nonce}", "SIGNIN", consistent=True)


def consume_sign_in(item: SignInItem) -> bool:
    """Mark used; False if it was used or expired in the meantime (single use, race-free)."""
    now = iso(utcnow())
    try:
        item.update([SignInItem.used_at.set(now)],
                    condition=SignInItem.used_at.does_not_exist() & (SignInItem.expires_at > now))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# --- sessions ------------------------------------------------------------------------------------

def create_session(user_id: str, ttl: timedelta) -> str:
    db_connection.bind_models()
    session_id, now = new_secret(18), utcnow()
    expires = now + ttl
    SessionItem(f"USER#{user_id}", f"SESSION#{session_id}", created_at=iso(now), expires_at=iso(expires),
                ttl=_epoch(expires)).save(condition=SessionItem.pk.does_not_exist())
    return session_id


def delete_session(user_id: str, session_id: str) -> None:
    db_connection.bind_models()
    SessionItem(f"USER#{user_id}", f"SESSION#{session_id}").delete()


def load_with_user(credential_cls, sk: str, user_id: str, prefetch: list[prefetch_store.Key] = ()):
    """One round trip: the credential item, its user and any keys the route reads next (stashed
    for the request) — a strongly consistent BatchGetItem, so a revoked token or ended session
    is refused on the very next request."""
    credential_key = (credential_cls, f"USER#{user_id}", sk)
    user_key_ = (UserItem, *user_key(user_id))
    found = batch_read([credential_key, user_key_, *prefetch])
    for key in prefetch:
        prefetch_store.stash(key, found.get(key))
    return found.get(credential_key), found.get(user_key_)


def batch_read(keys: list[prefetch_store.Key]) -> dict:
    """Items of any models by key from the one table (missing keys are absent from the answer)."""
    db_connection.bind_models()
    by_key = {(pk, sk): model for model, pk, sk in keys}
    pending = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in by_key]
    found: dict = {}
    table = get_settings().table_name
    for attempt in range(5):
        answer = deps.aws_client("dynamodb").batch_get_item(
            RequestItems={table: {"Keys": pending, "ConsistentRead": True}})
        for raw in answer.get("Responses", {}).get(table, []):
            pk, sk = raw["pk"]["S"], raw["sk"]["S"]
            model = by_key[(pk, sk)]
            found[(model, pk, sk)] = model.from_raw_data(raw)
        unprocessed = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        if not unprocessed:
            return found
        pending = unprocessed
        time.sleep(0.05 * 2**attempt)
    raise Upstream("The database is busy; try again.")


# --- API tokens ----------------------------------------------------------------------------------

TOKEN_PREFIX = "glt"


def token_string(user_id: str, token_id: str, secret: str) -> str:
    """glt_<user id>_<token id>_<secret>: ids let one read find the token; only the secret's hash is stored."""
    return f"{TOKEN_PREFIX}_{user_id}_{token_id}_{secret}"


def parse_token(raw: str) -> tuple[str, str, str] | None:
    parts = raw.split("_", 3)
    if len(parts) != 4 or parts[0] != TOKEN_PREFIX or not all(parts[1:]):
        return None
    return parts[1], parts[2], parts[3]


def create_token(actor: Actor, user_id: str, name: str) -> tuple[TokenItem, str]:
    token_id, secret = new_id(), new_secret(32)
    item = TokenItem(f"USER#{user_id}", f"TOKEN#{token_id}", id=token_id, name=name,
                     secret_hash=hash_secret(secret), prefix=secret[:4], created_at=iso(utcnow()))
    transact(actor, Change(None, "api_token", token_id, "create", after={"name": name, "user_id": user_id}),
             lambda tx: tx.save(item, condition=TokenItem.pk.does_not_exist()))
    return item, token_string(user_id, token_id, secret)


def list_tokens(user_id: str) -> list[TokenItem]:
    db_connection.bind_models()
    return [t for t in TokenItem.query(f"USER#{user_id}", TokenItem.sk.startswith("TOKEN#")) if not t.revoked_at]


def revoke_token(actor: Actor, user_id: str, token_id: str) -> bool:
    item = get_item(TokenItem, f"USER#{user_id}", f"TOKEN#{token_id}", consistent=True)
    if item is None or item.revoked_at:
        return False
    try:
        transact(actor, Change(None, "api_token", token_id, "revoke", before={"name": item.name}),
                 lambda tx: tx.update(item, [TokenItem.revoked_at.set(iso(utcnow()))],
                                      condition=TokenItem.revoked_at.does_not_exist()))
    except Conflict:
        return False
    return True
