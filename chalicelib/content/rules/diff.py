"""What changed between two versions of a post's content, and a fingerprint of one version. Pure.

    content_hash({"text": "Hi", "tags": ["a"]})   → "e18db9b4…" (64 hex digits)
    diff_versions({"text": "Hi"}, {"text": "Hello", "title": "T"})
      → [FieldChange("text", "changed", "Hi", "Hello", ["--- before", "+++ after", "@@ -1 +1 @@", "-Hi", "+Hello"]),
         FieldChange("title", "added", None, "T", ["--- before", "+++ after", "@@ -0,0 +1 @@", "+T"])]
    inline_word_diff("the red car", "the blue car")
      → [("equal", "the "), ("delete", "red"), ("insert", "blue"), ("equal", " car")]

Values are compared and hashed in one canonical JSON form: keys sorted, no spaces, non-ASCII kept
as is (ensure_ascii=False), sets as sorted lists, tuples as lists, integral Decimals (what DynamoDB
returns for numbers) as ints and other Decimals as floats. Strings are hashed exactly as given — no
Unicode normalisation — so the hash names exactly the bytes that were approved.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs. A value of None counts as absent: None → "x" is added, "x" → None removed."""

    field: str
    kind: Literal["added", "removed", "changed"]
    before: Any
    after: Any
    text_diff: list[str] | None  # unified line diff when the value is text on both sides that has one


def canonical_json(value: Any) -> str:
    """The canonical JSON text of `value` (see the module docstring); TypeError for non-JSON values."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def content_hash(fields: dict) -> str:
    """sha256 (hex) of the canonical JSON of `fields`: equal content, equal hash, whatever the key order."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def diff_versions(old: dict, new: dict) -> list[FieldChange]:
    """The fields that differ, in `old`'s key order followed by fields only `new` has.

    Text fields (a string, or None, on each side) carry a unified line diff (difflib, lineterm="",
    headers "--- before" / "+++ after"); other values carry only before and after.
    """
    changes: list[FieldChange] = []
    for field in [*old, *(key for key in new if key not in old)]:
        before, after = old.get(field), new.get(field)
        if before is None and after is None:
            continue
        if before is not None and after is not None and canonical_json(before) == canonical_json(after):
            continue
        kind = ADDED if before is None else REMOVED if after is None else CHANGED
        changes.append(FieldChange(field, kind, before, after, _text_diff(before, after)))
    return changes


def inline_word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level changes for highlighting: ('equal'|'insert'|'delete', text) runs, in reading order.

    The 'equal' and 'delete' runs join back into `before`; the 'equal' and 'insert' runs into `after`.
    Words, runs of whitespace and single punctuation marks are the units; a replaced run comes out as
    its delete followed by its insert. Adjacent runs of the same kind are merged.
    """
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    runs: list[tuple[str, str]] = []

    def emit(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + text)
        else:
            runs.append((op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            emit("equal", a[i1:i2])
        else:  # replace, delete or insert
            emit("delete", a[i1:i2])
            emit("insert", b[j1:j2])
    return runs


def _text_diff(before: Any, after: Any) -> list[str] | None:
    if not all(value is None or isinstance(value, str) for value in (before, after)):
        return None
    old_lines = before.split("\n") if before else []
    new_lines = after.split("\n") if after else []
    return list(difflib.unified_diff(old_lines, new_lines, "before", "after", lineterm=""))


def _plain(value: Any) -> Any:
    """Turn the non-JSON containers and numbers we meet (sets, tuples, Decimal) into JSON ones."""
    if isinstance(value, dict):
        return {_key(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number.")
        return int(value) if value == value.to_integral_value() else float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} is not a JSON value; content fields must be JSON "
                    "(str, number, bool, None, list, dict).")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"Content field names must be strings; got {type(key).__name__} {key!r}.")
    return key
