"""The import's pure parts added for re-importing an export: a post's own row (`row_of`), the columns a
row changes (`changed_columns`), drafts without channels, rows with errors still handed on (their bad
cells empty) so every problem can be listed, and errors as translation keys worded in en and ru."""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.plan.rules import csv_format, csv_import
from chalicelib.plan.rules.csv_format import COLUMNS, RowError

CHANNELS = {"tg1", "vk2"}


def post(**kw) -> dict:
    base = {"id": "p1", "title": "Title", "body": "Body", "channels": ["tg1"], "content_type": "engaging",
            "publish_at": "2026-12-01T10:00", "timezone": "Europe/Berlin", "tags": ["a", "b"],
            "assignees": ["Anna@Example.com"], "campaign_id": None, "due_at": "2026-11-30", "status": "published",
            "version": 3}
    return {**base, **kw}


def parsed_rows(*posts: dict):
    result = csv_import.parse(csv_format.export_bytes(posts), known_channel_ids=CHANNELS)
    assert result.errors == []
    return result.rows


def test_an_exported_post_reads_back_as_its_own_row_unchanged():
    for p in (post(), post(channels=[], publish_at=None, timezone=None, status="draft"),
              post(title="=SUM(A1)", body=" spaced \r\nlines, \"quoted\"", content_type=None, tags=[]),
              post(title="", body="Same words"), post(id="p2", title="", body="Same words")):
        row = parsed_rows(p)[0]
        assert csv_import.changed_columns(row, csv_import.row_of(p)) == ()


def test_changed_columns_are_named_in_column_order():
    row = parsed_rows(post(body="New", tags=["a"], timezone="Europe/Moscow"))[0]
    assert csv_import.changed_columns(row, csv_import.row_of(post())) == ("body", "timezone", "tags")


def test_what_does_not_count_as_a_change():
    current = csv_import.row_of(post(content_type=None))
    row = parsed_rows(post(content_type="engaging", assignees=["anna@example.com"], status="draft", version=9))[0]
    assert csv_import.changed_columns(row, current) == ()  # empty type = engaging; email case; status; version


def test_a_post_that_does_not_read_back_counts_as_changed_everywhere():
    assert csv_import.row_of(post(title="x" * 400)) is None
    row = parsed_rows(post())[0]
    assert csv_import.changed_columns(row, None) == csv_import.COMPARED


def test_a_draft_may_have_no_channel():
    result = csv_import.parse(f"{','.join(COLUMNS)}\r\n,Idea,,,,,,,,,,,\r\n", known_channel_ids=CHANNELS)
    assert result.ok and result.rows[0].channels == ()


def test_rows_with_errors_are_handed_on_with_their_bad_cells_empty():
    text = (f"{','.join(COLUMNS)}\r\n"
            ",Good,Body,tg1,,,,,,,,,\r\n"
            ",Bad,Body,tg1|nope,memes,2026-12-01T10:00,Mars/Base,,,,,,\r\n")
    result = csv_import.parse(text, known_channel_ids=CHANNELS)
    assert result.rows == [] and [(e.line, e.column) for e in result.errors] == [
        (3, "channels"), (3, "content_type"), (3, "timezone")]
    good, bad = result.checked
    assert good.bad == frozenset() and good.title == "Good"
    assert bad.bad == {"channels", "content_type", "timezone"}
    assert (bad.channels, bad.content_type, bad.timezone, bad.publish_at) == ((), None, None, "2026-12-01T10:00")
    assert bad.body == "Body"  # what was fine is kept, for the caller's network-limit check


def test_a_repeated_id_marks_the_row():
    text = f"{','.join(COLUMNS)}\r\np1,A,,tg1,,,,,,,,,1\r\np1,B,,tg1,,,,,,,,,1\r\n"
    result = csv_import.parse(text, known_channel_ids=CHANNELS)
    assert [r.bad for r in result.checked] == [frozenset(), {"id"}]


@pytest.mark.parametrize("language, words", [
    ("en", "'Mars/Base' is not a time zone"), ("ru", "'Mars/Base' — не часовой пояс")])
def test_errors_are_keys_worded_in_the_readers_language(language, words):
    text = f"{','.join(COLUMNS)}\r\n,T,,tg1,,,Mars/Base,,,,,,\r\n"
    error = csv_import.parse(text, known_channel_ids=CHANNELS).errors[0]
    assert error.key == "plan_csv.cell.timezone" and error.params == {"value": "'Mars/Base'"}
    assert words in error.words(language)


@pytest.mark.parametrize("language, words", [
    ("en", ["Missing column(s): title", "'Title' (did you mean 'title'?)", "The header row must be"]),
    ("ru", ["Нет столбцов: title", "'Title' (может быть, 'title'?)", "Строка заголовка должна быть"])])
def test_the_header_problems_are_worded_in_both_languages(language, words):
    header = ",".join(c if c != "title" else "Title" for c in COLUMNS)
    error = csv_import.parse(header + "\r\n", known_channel_ids=CHANNELS).errors[0]
    shown = error.words(language)
    assert all(w in shown for w in words), shown


def test_every_error_key_exists_in_both_catalogs():
    from chalicelib.core import i18n

    samples = [
        b"PK\x03\x04zip", "\ufeff".encode("utf-16-le") + b"x\x00", "Кириллица".encode("cp1251"), b"",
        f"{','.join(COLUMNS)}\r\n" + "\r\n".join([
            "P 1,,,,,,,,,,,,", ",x,,tg1,,,,,,,,,", f",{'t' * 301},{'b' * 20001},zz,x,bad,Nowhere/None,"
            f"{'g' * 70},notanemail,Camp-1,someday,,", "p9,t,,tg1,,,,,,,,,v", "p9,t,,tg1,,,,,,,,,1",
            "a,b,c", ',"broken'])]
    seen = set()
    for data in samples:
        for error in csv_import.parse(data, known_channel_ids=set()).errors:
            seen.add(error.key)
            for language in ("en", "ru"):
                assert error.words(language)
    assert len(seen) >= 14
    for language in ("en", "ru"):
        assert seen <= set(i18n.catalog(language))


def test_a_plain_text_error_is_its_own_words():
    assert RowError(2, "title", "x").words("ru") == "x"


@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=40), body=st.text(max_size=80),
       tags=st.lists(st.text(alphabet="abcжё =+-@", min_size=1, max_size=8), max_size=3))
def test_any_exported_post_is_unchanged_against_itself(title, body, tags):
    tags = [t for t in tags if t.strip()]
    p = post(title=title, body=body or ("B" if not title.strip() else body), tags=tags)
    if not (p["title"].strip() or p["body"].strip()):
        p["body"] = "B"
    data = csv_format.export_bytes([p])
    result = csv_import.parse(data, known_channel_ids=CHANNELS)
    assert result.ok, [e.message for e in result.errors]
    assert csv_import.changed_columns(result.rows[0], csv_import.row_of(p)) == ()
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[0] == list(COLUMNS)
