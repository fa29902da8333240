"""Content fingerprints and version diffs: examples, then hypothesis."""
from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.content.rules.diff import FieldChange, canonical_json, content_hash, diff_versions, inline_word_diff

# ---- content_hash ----------------------------------------------------------------------------

def test_hash_is_sha256_of_compact_sorted_json_with_unicode_kept():
    expected = hashlib.sha256('{"a":1,"b":"é"}'.encode()).hexdigest()
    assert content_hash({"b": "é", "a": 1}) == expected
    assert len(expected) == 64


def test_hash_ignores_key_order_at_every_level():
    assert content_hash({"x": {"b": 1, "a": 2}, "y": [1, 2]}) == content_hash({"y": [1, 2], "x": {"a": 2, "b": 1}})


def test_hash_sees_every_change():
    base = {"text": "Hello", "channels": ["vk", "x"], "media": 2}
    assert content_hash(base) != content_hash({**base, "text": "Hello "})
    assert content_hash(base) != content_hash({**base, "channels": ["x", "vk"]})  # list order matters
    assert content_hash(base) != content_hash({**base, "media": "2"})
    assert content_hash({"a": 1}) != content_hash({"a": True})
    assert content_hash({"a": None}) != content_hash({})


def test_hash_does_not_normalise_unicode():
    assert content_hash({"t": "é"}) != content_hash({"t": "e\u0301"})


def test_canonical_forms_of_dynamodb_and_python_types():
    assert content_hash({"n": Decimal("3")}) == content_hash({"n": 3})
    assert content_hash({"n": Decimal("1.5")}) == content_hash({"n": 1.5})
    assert content_hash({"tags": {"b", "a"}}) == content_hash({"tags": ["a", "b"]})
    assert content_hash({"pair": (1, 2)}) == content_hash({"pair": [1, 2]})
    assert canonical_json({"b": [1, {"d": None, "c": "ё"}], "a": True}) == '{"a":true,"b":[1,{"c":"ё","d":null}]}'


def test_non_json_values_are_refused():
    with pytest.raises(TypeError, match="not a JSON value"):
        content_hash({"when": object()})
    with pytest.raises(TypeError, match="field names must be strings"):
        content_hash({1: "x"})
    with pytest.raises(ValueError):
        content_hash({"x": float("nan")})
    with pytest.raises(ValueError):
        content_hash({"x": Decimal("Infinity")})


# ---- diff_versions ---------------------------------------------------------------------------

def test_changed_added_removed_and_unchanged():
    old = {"text": "Hi", "tags": ["a"], "link": "https://a.example", "media": 1}
    new = {"text": "Hello", "tags": ["a"], "media": 2, "title": "T"}
    assert diff_versions(old, new) == [
        FieldChange("text", "changed", "Hi", "Hello", ["--- before", "+++ after", "@@ -1 +1 @@", "-Hi", "+Hello"]),
        FieldChange("link", "removed", "https://a.example", None,
                    ["--- before", "+++ after", "@@ -1 +0,0 @@", "-https://a.example"]),
        FieldChange("media", "changed", 1, 2, None),
        FieldChange("title", "added", None, "T", ["--- before", "+++ after", "@@ -0,0 +1 @@", "+T"]),
    ]


def test_identical_versions_have_no_changes():
    version = {"text": "Hi\nthere", "tags": ["a", "b"], "n": 1}
    assert diff_versions(version, dict(version)) == []
    assert diff_versions({}, {}) == []


def test_none_counts_as_absent():
    assert diff_versions({"title": None}, {}) == []
    assert diff_versions({"title": None}, {"title": "T"})[0].kind == "added"
    assert diff_versions({"title": "T"}, {"title": None})[0].kind == "removed"


def test_values_compare_canonically():
    assert diff_versions({"tags": {"a", "b"}}, {"tags": ["a", "b"]}) == []
    assert diff_versions({"n": Decimal("2")}, {"n": 2}) == []
    assert diff_versions({"k": {"a": 1, "b": 2}}, {"k": {"b": 2, "a": 1}}) == []
    [change] = diff_versions({"flag": 1}, {"flag": True})  # equal in Python, not as content
    assert change.kind == "changed" and change.text_diff is None


def test_non_text_fields_have_no_text_diff():
    [change] = diff_versions({"tags": ["a"]}, {"tags": ["a", "b"]})
    assert change == FieldChange("tags", "changed", ["a"], ["a", "b"], None)
    [change] = diff_versions({"x": "1"}, {"x": 1})  # a type change
    assert change.text_diff is None


def test_multi_line_text_diff_keeps_context():
    before = "line 1\nline 2\nline 3\nline 4\nline 5"
    after = "line 1\nline 2\nline three\nline 4\nline 5"
    [change] = diff_versions({"text": before}, {"text": after})
    assert change.text_diff == ["--- before", "+++ after", "@@ -1,5 +1,5 @@", " line 1", " line 2",
                                "-line 3", "+line three", " line 4", " line 5"]


def test_a_trailing_newline_is_a_visible_change():
    [change] = diff_versions({"text": "a"}, {"text": "a\n"})
    assert change.kind == "changed" and "+" in change.text_diff


def test_empty_string_to_text():
    [change] = diff_versions({"text": ""}, {"text": "x"})
    assert change.kind == "changed" and change.text_diff[-1] == "+x"


def test_order_is_old_keys_then_new_keys():
    changes = diff_versions({"b": 1, "a": 1}, {"c": 1, "a": 2, "b": 2})
    assert [c.field for c in changes] == ["b", "a", "c"]


# ---- inline_word_diff ------------------------------------------------------------------------

def test_word_diff_example():
    assert inline_word_diff("the red car", "the blue car") == [
        ("equal", "the "), ("delete", "red"), ("insert", "blue"), ("equal", " car")]


def test_word_diff_cyrillic_and_punctuation():
    assert inline_word_diff("Привет, мир!", "Привет, новый мир!!") == [
        ("equal", "Привет, "), ("insert", "новый "), ("equal", "мир!"), ("insert", "!")]


def test_word_diff_edges():
    assert inline_word_diff("", "") == []
    assert inline_word_diff("same text", "same text") == [("equal", "same text")]
    assert inline_word_diff("", "new") == [("insert", "new")]
    assert inline_word_diff("old", "") == [("delete", "old")]


def test_word_diff_whitespace_change():
    runs = inline_word_diff("a b", "a  b")
    assert ("equal", "a") in runs and any(op != "equal" for op, _ in runs)


# ---- properties ------------------------------------------------------------------------------

texts = st.lists(st.sampled_from(list("ab cд,.\n!") + ["word", "слово", "😀"]), max_size=20).map("".join)


@given(texts, texts)
def test_word_diff_rebuilds_both_sides(before, after):
    runs = inline_word_diff(before, after)
    assert "".join(text for op, text in runs if op != "insert") == before
    assert "".join(text for op, text in runs if op != "delete") == after
    assert all(op in ("equal", "insert", "delete") and text for op, text in runs)
    assert all(a[0] != b[0] for a, b in zip(runs, runs[1:], strict=False))  # neighbours differ


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
versions = st.dictionaries(st.sampled_from(["text", "title", "tags", "link", "n", "media"]), json_values)


@given(versions, versions)
def test_applying_the_changes_to_old_gives_new(old, new):
    rebuilt = {k: v for k, v in old.items() if v is not None}
    for change in diff_versions(old, new):
        if change.kind == "removed":
            del rebuilt[change.field]
        else:
            rebuilt[change.field] = change.after
    assert canonical_json(rebuilt) == canonical_json({k: v for k, v in new.items() if v is not None})


@given(versions)
def test_no_changes_against_itself_and_hash_is_order_free(version):
    assert diff_versions(version, version) == []
    assert content_hash(version) == content_hash(dict(reversed(list(version.items()))))


@given(st.text(max_size=60), st.text(max_size=60))
def test_text_diff_only_for_changed_text(before, after):
    changes = diff_versions({"text": before}, {"text": after})
    if before == after:
        assert changes == []
    else:
        [change] = changes
        assert change.text_diff[:2] == ["--- before", "+++ after"]
        assert len(change.text_diff) > 2
