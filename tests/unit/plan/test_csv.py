"""Content-plan CSV: export → import round trips (hypothesis), then every kind of error with its line."""
from __future__ import annotations

import codecs
import csv
import io
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.content.rules.fields import CONTENT_TYPES
from chalicelib.core.errors import ValidationFailed
from chalicelib.plan.rules import csv_format, csv_import
from chalicelib.plan.rules.csv_format import COLUMNS, PlanRow, RowError

CHANNELS = {"tg1", "vk2", "ig3", "x4"}
HEADER = ",".join(COLUMNS)


def post(**kw) -> dict:
    base = {"id": None, "title": "Title", "body": "Body", "channels": ["tg1"], "content_type": "engaging",
            "publish_at": None, "timezone": None, "tags": [], "assignees": [], "campaign_id": None,
            "due_at": None, "status": "draft", "version": None}
    return {**base, **kw}


def as_row(p: dict) -> PlanRow:
    return PlanRow(id=p["id"], title=p["title"], body=p["body"], channels=tuple(p["channels"]),
                   content_type=p["content_type"], publish_at=p["publish_at"], timezone=p["timezone"],
                   tags=tuple(p["tags"]), assignees=tuple(p["assignees"]), campaign_id=p["campaign_id"],
                   due_at=p["due_at"], version=p["version"] if p["id"] else None)


def parse(data, **kw) -> csv_format.ParseResult:
    return csv_import.parse(data, known_channel_ids=CHANNELS, **kw)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def line(**cells) -> str:
    """One data record from column=value pairs (written with the csv module, so quoting is right)."""
    values = {"title": "T", "channels": "tg1", **cells}
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([values.get(c, "") for c in COLUMNS])
    return out.getvalue().removesuffix("\r\n")


def errors_of(result: csv_format.ParseResult) -> list[tuple[int, str | None]]:
    assert result.rows == [] and not result.ok
    return [(e.line, e.column) for e in result.errors]


# ─── round trip ───────────────────────────────────────────────────────────────────────────────────

SPECIALS = list("=+-@'\"\t\r\n,;| ") + ["\r\n", "''=", "'-", "ж", "Привет", "ё", "«»", "😀", "=SUM(A1)", "\ufeff"]
SPECIALS += ["\x00", "\x0b", "\u3000", "\u200b", "\u00a0", "＝", "＋", "－", "＠", "﹦", "\n=", "\x00+"]
CHUNK = st.one_of(st.sampled_from(SPECIALS), st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))


def texts(max_chunks: int):
    return st.lists(CHUNK, min_size=1, max_size=max_chunks).map("".join).filter(bool)


TEXT = texts(10).map(lambda s: s[:300])
ITEM = st.lists(st.one_of(st.sampled_from(list("=+-@'\",;жЖ ") + ["тег", "\t="]),
                          st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))),
                max_size=20).map(lambda cs: "".join(cs).strip()).filter(lambda s: s and "|" not in s)
IDS = st.text("0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
EMAIL = st.builds(lambda a, b: f"{a}@{b}", st.sampled_from(["anna", "ivan.petrov", "=cmd", "-x", "пётр", "o'neil"]),
                  st.sampled_from(["example.com", "пример.рф", "a.b"]))
WALL = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M"))
DUE = st.one_of(WALL, st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)).map(date.isoformat))


def _post(fields: dict) -> dict:
    if not (fields["title"] or "").strip() and not (fields["body"] or "").strip():
        fields["title"] = (fields["title"] or "") + "x"
    if not fields["id"]:
        fields["version"] = None
    return fields


POST = st.fixed_dictionaries({
    "id": st.none() | IDS,
    "title": st.none() | TEXT,
    "body": st.none() | texts(20),
    "channels": st.lists(st.sampled_from(sorted(CHANNELS)), min_size=1, max_size=4, unique=True),
    "content_type": st.none() | st.sampled_from(CONTENT_TYPES),
    "publish_at": st.none() | WALL,
    "timezone": st.none() | st.sampled_from(["Europe/Moscow", "UTC", "America/Argentina/Buenos_Aires",
                                             "Asia/Yekaterinburg"]),
    "tags": st.lists(ITEM, max_size=5, unique=True),
    "assignees": st.lists(EMAIL, max_size=3, unique=True),
    "campaign_id": st.none() | IDS,
    "due_at": st.none() | DUE,
    "status": st.sampled_from(["draft", "in_review", "=evil", ""]),
    "version": st.none() | st.integers(1, 10**6),
}).map(_post)


def unique_ids(ps: list[dict]) -> list[dict]:
    seen, out = set(), []
    for p in ps:
        if p["id"] in seen:
            p = {**p, "id": None, "version": None}
        seen.add(p["id"]) if p["id"] else None
        out.append(p)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(POST, max_size=8).map(unique_ids), st.sampled_from([",", ";"]), st.booleans())
def test_export_then_parse_gives_the_posts_back(ps, delimiter, as_bytes):
    data = csv_format.export_bytes(ps, delimiter=delimiter) if as_bytes else csv_format.export_rows(ps, delimiter=delimiter)
    result = parse(data)
    assert result.errors == []
    assert result.rows == [as_row(p) for p in ps]
    assert result.delimiter == delimiter


def spreadsheet_could_run(cell: str) -> bool:
    """A model of a careless spreadsheet: a cell not starting with an apostrophe runs as a formula when
    it starts with tab, CR or NUL, or when its first character past blanks and controls is = + - @ in
    any compatibility form (full-width, small …)."""
    import unicodedata

    if cell.startswith("'"):
        return False
    if cell[:1] in ("\t", "\r", "\0"):
        return True
    rest = "".join(c for c in cell if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")))
    return unicodedata.normalize("NFKC", rest[:1])[:1] in ("=", "+", "-", "@")


GUARD_TEXT = st.one_of(st.text(), texts(6))


@given(GUARD_TEXT)
def test_guard_is_undone_by_unguard(text):
    guarded = csv_format.guard_cell(text)
    assert csv_format.unguard_cell(guarded) == text
    assert guarded in (text, "'" + text)  # nothing is stripped or changed, at most one apostrophe added
    assert not guarded.startswith(csv_format.FORMULA_TRIGGERS)
    assert not spreadsheet_could_run(guarded)


DANGEROUS_CELLS = [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t", "\t=1", "\r", "\r=1", "\x00", "\x00=1", "\x00+cmd",
    "\n=1+1", "\r\n@x", " =1", "   -2", "\u00a0=1", "\u3000=1", "\u200b=1", "\ufeff=1", "\x0b+1", "\x1f-1",
    "＝1+1", "＋1", "－1", "＠SUM(A1)", " ＝HYPERLINK(\"http://x\")", "\n\u3000＝1", "﹦1", "⁼1", "﹢1", "﹣1", "﹫x",
    "'=1", "''+1", "' =1", "'\x00", "'＝1",
]
SAFE_CELLS = ["", "plain", "a=b", "1-2", "mail@example.com", "\nhello", "  text", "'", "''", "'plain", "ж=1",
              "−5 °C", "#tag", "(=1)", "\u200bword"]


@pytest.mark.parametrize("cell", DANGEROUS_CELLS)
def test_formula_guard_corpus_dangerous_cells_get_one_apostrophe_and_come_back(cell):
    assert csv_format.looks_like_formula(cell)
    guarded = csv_format.guard_cell(cell)
    assert guarded == "'" + cell and not spreadsheet_could_run(guarded)
    assert csv_format.unguard_cell(guarded) == cell
    tag = cell.strip() or "t"
    exported = csv_format.export_rows([post(title=cell, body="b", tags=[tag]), post(title="t", body=cell)])
    records = list(csv.reader(io.StringIO(exported, newline="")))
    assert records[1][COLUMNS.index("title")] == guarded and records[2][COLUMNS.index("body")] == guarded
    first, second = parse(exported).rows
    assert (first.title, first.tags, second.body) == (cell, (tag,), cell)


@pytest.mark.parametrize("cell", SAFE_CELLS)
def test_formula_guard_corpus_safe_cells_are_left_alone(cell):
    assert not csv_format.looks_like_formula(cell)
    assert csv_format.guard_cell(cell) == cell and csv_format.unguard_cell(cell) == cell
    title = cell if cell.strip() else "x"
    row = parse(csv_format.export_rows([post(title=title, body=cell or None)])).rows[0]
    assert (row.title, row.body) == (title, cell or None)


def test_export_format_header_crlf_quoting_and_formula_guard():
    text = csv_format.export_rows([post(id="p1", title='=HYPERLINK("http://x")', body="строка 1\nстрока, 2",
                                channels=["tg1", "vk2"], tags=["-minus", "@at"], assignees=["a@b.c"],
                                publish_at="2025-03-01T09:30", timezone="Europe/Moscow", status="scheduled",
                                version=3)])
    head, row, end = text.split("\r\n", 2)
    assert head == HEADER
    assert row == ('p1,"\'=HYPERLINK(""http://x"")","строка 1\nстрока, 2",tg1|vk2,engaging,2025-03-01T09:30,'
                   "Europe/Moscow,'-minus|@at,a@b.c,,,scheduled,3")
    assert end == ""


def test_export_bytes_has_a_bom_and_is_utf8():
    data = csv_format.export_bytes([post(title="Привет")])
    assert data.startswith(codecs.BOM_UTF8)
    assert "Привет" in data[3:].decode("utf-8")


def test_export_accepts_channel_ids_plan_rows_datetimes_and_enums():
    from enum import Enum

    class Kind(str, Enum):
        ugc = "ugc"

    text = csv_format.export_rows([{"title": "a", "channel_ids": ["tg1"], "content_type": Kind.ugc,
                            "publish_at": datetime(2025, 1, 2, 3, 4), "due_at": date(2025, 1, 1), "version": 2}])
    row = parse(text).rows[0]
    assert (row.channels, row.content_type, row.publish_at, row.due_at) == (("tg1",), "ugc", "2025-01-02T03:04",
                                                                           "2025-01-01")
    again = csv_format.export_rows([row])
    assert parse(again).rows == [row]


def test_export_refuses_a_list_value_with_the_separator():
    with pytest.raises(ValidationFailed, match="contains '\\|'"):
        csv_format.export_rows([post(tags=["a|b"])])
    with pytest.raises(TypeError):
        csv_format.export_rows([post(tags="ab")])


def test_import_of_hand_written_guarded_and_unguarded_cells():
    result = parse(csv_text(line(title="'=1+1", body="'plain", tags="'+a|b")))
    row = result.rows[0]
    assert (row.title, row.body, row.tags) == ("=1+1", "'plain", ("+a", "b"))


# ─── parsing details ──────────────────────────────────────────────────────────────────────────────

def test_values_are_normalised():
    result = parse(csv_text(line(id=" p1 ", channels=" tg1 | vk2 |tg1|", content_type="Educational",
                                 timezone="europe/moscow", tags="a| a |b", publish_at="01.03.2025 9:30",
                                 due_at="2025-03-01 18:00", version="4")))
    row = result.rows[0]
    assert row == PlanRow(id="p1", title="T", body=None, channels=("tg1", "vk2"), content_type="educational",
                          publish_at="2025-03-01T09:30", timezone="Europe/Moscow", tags=("a", "b"), assignees=(),
                          campaign_id=None, due_at="2025-03-01T18:00", version=4)
    assert row.line == 2


def test_status_is_ignored_and_version_of_a_new_row_too():
    row = parse(csv_text(line(status="published", version="not a number"))).rows[0]
    assert row.version is None and not hasattr(row, "status")


def test_blank_rows_are_skipped_but_counted_as_rows():
    text = csv_text(line(title="a"), "", ",,,,,,,,,,,,", line(title="b", content_type="nope"))
    result = parse(text)
    assert errors_of(result) == [(5, "content_type")]
    assert [r.title for r in parse(csv_text(line(title="a"), "", line(title="b"))).rows] == ["a", "b"]


def test_columns_in_another_order_are_fine():
    order = list(reversed(COLUMNS))
    values = {"title": "Hi", "channels": "tg1", "tags": "a|b"}
    record = ",".join(values.get(c, "") for c in order)
    row = parse(csv_text(record, header=",".join(order))).rows[0]
    assert (row.title, row.channels, row.tags) == ("Hi", ("tg1",), ("a", "b"))


# ─── delimiter, BOM, encodings ────────────────────────────────────────────────────────────────────

def test_semicolon_file_from_excel_ru():
    text = ";".join(COLUMNS) + "\r\n" + ';"Пост; с точкой с запятой";Текст, с запятой;tg1|vk2;;;;;;;;;\r\n'
    result = parse(text.encode("utf-8"))
    assert result.delimiter == ";" and result.errors == []
    assert result.rows[0].title == "Пост; с точкой с запятой" and result.rows[0].body == "Текст, с запятой"


def test_header_with_both_separators_is_read_as_comma():
    result = parse(HEADER.replace(",", ";", 3) + "\r\n")
    assert result.delimiter == "," and errors_of(result) == [(1, None)]
    assert "Missing column(s): id, title, body, channels" in result.errors[0].message


def test_bom_is_tolerated_in_bytes_and_in_text():
    body = csv_text(line(title="Ёлка"))
    assert parse(codecs.BOM_UTF8 + body.encode()).rows[0].title == "Ёлка"
    assert parse("\ufeff" + body).rows[0].title == "Ёлка"


def test_windows_1251_file_is_recognised():
    text = csv_text(line(title="Новогодняя акция", body="Скидки до 50% на всё"), line(title="Второй пост"))
    result = parse(text.encode("cp1251"))
    assert errors_of(result) == [(2, None)]
    assert "Windows-1251" in result.errors[0].message and "UTF-8" in result.errors[0].message


def test_other_non_utf8_file_gets_the_generic_message():
    result = parse(csv_text(line(title="Grüße aus Köln")).encode("latin-1"))
    assert errors_of(result) == [(2, None)]
    assert "not UTF-8" in result.errors[0].message and "Windows-1251" not in result.errors[0].message


@pytest.mark.parametrize("data, words", [
    (b"PK\x03\x04rest-of-a-zip", "workbook"),
    (codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"), "UTF-16"),
])
def test_workbooks_and_utf16_are_explained(data, words):
    result = parse(data)
    assert errors_of(result) == [(0, None)] and words in result.errors[0].message


# ─── header ───────────────────────────────────────────────────────────────────────────────────────

def test_empty_file():
    for data in (b"", codecs.BOM_UTF8, ""):
        result = parse(data)
        assert errors_of(result) == [(1, None)] and "empty" in result.errors[0].message


def test_header_missing_unknown_and_repeated_columns_are_named():
    header = "id,Title,body,channels,content_type,publish_at,timezone,tags,assignees,campaign_id,due_at,due_at,colour"
    result = parse(csv_text(line(), header=header))
    assert errors_of(result) == [(1, None)]
    message = result.errors[0].message
    assert "Missing column(s): title, status, version." in message
    assert "'Title' (did you mean 'title'?)" in message and "'colour'" in message
    assert "given twice: due_at" in message
    assert HEADER in message


def test_no_header_at_all():
    result = parse(line() + "\r\n")
    assert errors_of(result) == [(1, None)] and "Missing column(s)" in result.errors[0].message


# ─── row errors and their lines ───────────────────────────────────────────────────────────────────

MULTILINE = line(title="Многострочный", body="первая строка\r\nвторая, с запятой\r\n\"третья\"\nчетвёртая")


@pytest.mark.parametrize("cells, column, words", [
    ({"title": "", "body": "  \n "}, "title", "title or a body"),
    ({"title": "x" * 301}, "title", "limit is 300"),
    ({"body": "ж" * 20001}, "body", "limit is 20000"),
    ({"channels": "tg1|fb9"}, "channels", "Unknown channel(s): fb9. This brand's channels: ig3, tg1, vk2, x4."),
    ({"channels": "|".join(f"c{i}" for i in range(21))}, "channels", "limit is 20"),
    ({"content_type": "memes"}, "content_type", "use one of engaging, branded"),
    ({"publish_at": "2025-03-01"}, "publish_at", "YYYY-MM-DDTHH:MM"),
    ({"publish_at": "2025-02-30T10:00"}, "publish_at", "not a local date"),
    ({"publish_at": "2025-03-01T24:00"}, "publish_at", "not a local date"),
    ({"publish_at": "03/01/2025 10:00"}, "publish_at", "not a local date"),
    ({"timezone": "MSK"}, "timezone", "IANA"),
    ({"timezone": "Europe/Moskva"}, "timezone", "IANA"),
    ({"tags": "x" * 65}, "tags", "at most 64"),
    ({"tags": "|".join(f"t{i}" for i in range(31))}, "tags", "limit is 30"),
    ({"assignees": "anna@x.ru|not an email"}, "assignees", "'not an email'"),
    ({"campaign_id": "Camp-1"}, "campaign_id", "not a campaign id"),
    ({"due_at": "tomorrow"}, "due_at", "YYYY-MM-DD"),
    ({"due_at": "2025-13-01"}, "due_at", "not a date"),
    ({"id": "p1", "version": "v3"}, "version", "not a version number"),
    ({"id": "p1", "version": "0"}, "version", "not a version number"),
    ({"id": "P 1"}, "id", "not a post id"),
])
def test_each_error_kind_has_its_row_and_column_after_a_multiline_cell(cells, column, words):
    text = csv_text(line(title="ok"), MULTILINE, line(**cells), line(title="ok too"))
    result = parse(text)
    assert set(errors_of(result)) == {(4, column)}  # 21 channels: also unknown ones
    error = next(e for e in result.errors if words in e.message)
    assert error.text_line == 7  # header 1, ok 2, the multi-line record 3–6


def test_several_errors_in_one_row_and_in_several_rows_come_in_file_order():
    text = csv_text(line(channels="nope", content_type="x"), MULTILINE, line(due_at="x", timezone="y"))
    result = parse(text)
    assert errors_of(result) == [(2, "channels"), (2, "content_type"), (4, "timezone"), (4, "due_at")]


def test_duplicate_ids_name_the_first_row():
    text = csv_text(line(id="p1"), MULTILINE, line(id="p2"), line(id="p1"))
    result = parse(text)
    assert errors_of(result) == [(5, "id")]
    assert "already on row 2" in result.errors[0].message


def test_wrong_number_of_cells():
    result = parse(csv_text(line(), "a,b,c", line() + ",extra"))
    assert errors_of(result) == [(3, None), (4, None)]
    assert "has 3 cells; the header has 13" in result.errors[0].message


def test_broken_quoting_reports_where_the_record_starts():
    text = csv_text(line(), MULTILINE, ',"unterminated,tg1,,,,,,,,,,', line())
    result = parse(text)
    assert errors_of(result) == [(4, None)]
    assert result.errors[0].text_line == 7 and "quoting" in result.errors[0].message
    bad_close = parse(csv_text(',"closed"then,tg1,,,,,,,,,,'))
    assert errors_of(bad_close) == [(2, None)]


def test_unknown_channel_message_when_the_brand_has_none():
    result = csv_import.parse(csv_text(line()), known_channel_ids=set())
    assert "none yet" in result.errors[0].message


def test_all_or_nothing_valid_rows_are_not_returned_when_another_fails():
    result = parse(csv_text(line(title="good"), line(title="bad", channels="nope")))
    assert result.rows == [] and len(result.errors) == 1


def test_error_list_is_capped():
    text = csv_text(*[line(channels="nope") for _ in range(10)])
    result = parse(text, max_errors=3)
    assert [e.line for e in result.errors] == [2, 3, 4, 0]
    assert "Stopped after 3 errors" in result.errors[-1].message


# ─── size limits ──────────────────────────────────────────────────────────────────────────────────

def test_too_many_rows_names_the_first_row_over_the_limit():
    text = csv_text(*[line(title=f"p{i}") for i in range(4)])
    assert len(parse(text, max_rows=4).rows) == 4
    result = parse(csv_text(line(), "", MULTILINE, line(), line(), line()), max_rows=3)
    assert errors_of(result) == [(6, None)] and "at most 3 posts" in result.errors[0].message


def test_too_many_bytes_bytes_and_text():
    text = csv_text(line(title="ж" * 100))
    size = len(text.encode())
    assert parse(text.encode(), max_bytes=size).ok and parse(text, max_bytes=size).ok
    for data in (text.encode(), text):
        result = parse(data, max_bytes=size - 1)
        assert errors_of(result) == [(0, None)] and f"limit is {size - 1:,}" in result.errors[0].message


def test_default_limits_allow_a_full_plan_of_2000_rows():
    ps = [post(title=f"Пост {i}", body="Текст, «кавычки» и \"quotes\"\n" * 5) for i in range(2000)]
    data = csv_format.export_bytes(ps)
    assert len(data) < csv_import.MAX_BYTES
    result = parse(data)
    assert result.ok and len(result.rows) == 2000 and result.rows[-1].line == 2001
    assert errors_of(parse(csv_format.export_bytes(ps + [post()]))) == [(2002, None)]


def test_row_error_is_a_plain_value():
    assert RowError(2, "title", "x") == RowError(2, "title", "x", text_line=9)


# ─── one source of limits: the file may hold exactly what the API accepts ────────────────────────

LIMIT_CASES = [  # (CSV column, the API's field, the value at the limit, the limit name)
    ("title", "title", lambda n: "t" * n, "MAX_TITLE"),
    ("body", "body", lambda n: "b" * n, "MAX_BODY"),
    ("tags", "tags", lambda n: [f"tag{i}" for i in range(n)], "MAX_TAGS"),
    ("tags", "tags", lambda n: ["t" * n], "MAX_TAG"),
    ("assignees", None, lambda n: [f"p{i}@example.com" for i in range(n)], "MAX_ASSIGNEES"),
    ("channels", "channel_ids", lambda n: [f"c{i:02d}" for i in range(n)], "MAX_CHANNELS"),
]


@pytest.mark.parametrize("column, api_field, value_of, limit_name", LIMIT_CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in LIMIT_CASES])
def test_the_csv_import_and_the_api_share_each_field_limit(column, api_field, value_of, limit_name):
    from pydantic import ValidationError

    from chalicelib.content.rules import fields
    from chalicelib.content.schemas import PostCreate

    limit = getattr(fields, limit_name)
    channels = {f"c{i:02d}" for i in range(fields.MAX_CHANNELS + 1)}

    def cell(value) -> str:
        return "|".join(value) if isinstance(value, list) else value

    def csv_accepts(value) -> bool:
        cells = {"channels": "c00", column: cell(value)}
        return csv_import.parse(csv_text(line(**cells)), known_channel_ids=channels).ok

    def api_accepts(value) -> bool:
        if api_field is None:  # the API takes assignee ids, not emails; the same count limit
            value = [f"{i:026d}" for i in range(len(value))]
        data = {"brand_id": "b" * 26, "title": "T", "channel_ids": ["c" * 26],
                (api_field or "assignee_ids"): value}
        try:
            PostCreate.model_validate(data)
        except ValidationError:
            return False
        return True

    assert csv_accepts(value_of(limit)) and api_accepts(value_of(limit))
    assert not csv_accepts(value_of(limit + 1)) and not api_accepts(value_of(limit + 1))
