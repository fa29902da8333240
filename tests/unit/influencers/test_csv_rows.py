"""The influencer and snapshot CSV files without a database: reading (UTF-8 or refused, `,` or `;`,
the formula guard undone), grouping rows into influencers, every error with its spreadsheet row and
column, the export, the shared cell helpers (core/csv_cells.py), the translations of every message,
and reading a subscriber count off Telegram's public pages."""
from __future__ import annotations

import codecs
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from string import Formatter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core import csv_cells, i18n
from chalicelib.influencers import telegram_web
from chalicelib.influencers.rules import csv_influencers, csv_legal, csv_snapshots, csv_values, legal
from chalicelib.influencers.rules.csv_influencers import COLUMNS, LEGAL_COLUMNS, parse_influencers
from chalicelib.influencers.rules.csv_snapshots import parse_snapshots
from chalicelib.influencers.schemas import InfluencerCreate
from tests.support.fake_telegram_web import channel_page

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 5, 20)
VALID_INN_COMPANY = "7707083893"
VALID_OGRN = "1027700132195"


def text(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


def errors_of(parsed) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column, e.key.removeprefix("influencers_csv.")) for e in parsed.errors]


def one(**cells) -> csv_influencers.InfluencerRows:
    header = list(cells)
    parsed = parse_influencers(text(",".join(header), ",".join(cells.values())))
    assert parsed.ok, errors_of(parsed)
    return parsed.influencers[0]


# --- reading and grouping ----------------------------------------------------------------------------

def test_one_row_per_account_grouped_by_name_without_ids():
    parsed = parse_influencers(text(
        "display_name,country,tags,platform,handle,followers,top_countries,audience_credibility_pct",
        "Anna,ru,\"food, travel, food\",Instagram,@anna,12 345,\"RU:61,5, kz:10%\",\"88,25\"",
        "  ANNA ,,,telegram,anna_tg,5000,,",
        "Boris,,,,,,,",
        ",,,,,,,"))  # a blank row: skipped
    assert parsed.ok, errors_of(parsed)
    anna, boris = parsed.influencers
    assert anna.row == 2 and anna.influencer_id is None
    assert anna.values == {"display_name": "Anna", "country": "RU", "tags": ["food", "travel"]}
    assert [(a.row, a.platform, a.handle) for a in anna.accounts] == [(2, "instagram", "@anna"), (3, "telegram", "anna_tg")]
    assert anna.accounts[0].values == {"followers": 12345, "audience_credibility_pct": "88.25",
                                       "top_countries": [{"country": "RU", "pct": "61.5"}, {"country": "KZ", "pct": "10"}]}
    assert boris.accounts == [] and boris.values["display_name"] == "Boris"


def test_rows_with_an_id_are_that_influencer_and_may_leave_its_cells_empty():
    parsed = parse_influencers(text(
        "influencer_id,display_name,notes,platform,handle",
        "01habc,Anna,Notes,vk,anna",
        "01habc,,,ok,anna",
        ",Anna,,tiktok,anna"))  # no id: a new influencer with the same name
    assert parsed.ok, errors_of(parsed)
    known, new = parsed.influencers
    assert (known.influencer_id, [a.platform for a in known.accounts]) == ("01habc", ["vk", "ok"])
    assert (new.influencer_id, [a.platform for a in new.accounts]) == (None, ["tiktok"])


def test_a_different_value_on_a_later_row_names_the_first_row():
    parsed = parse_influencers(text("influencer_id,display_name,country", "01habc,Anna,RU", "01habc,Ann,KZ"))
    assert errors_of(parsed) == [(3, "display_name", "row.differs"), (3, "country", "row.differs")]
    assert parsed.errors[0].params == {"row": 2}


def test_semicolons_and_a_bom_are_read():
    data = codecs.BOM_UTF8 + "display_name;platform;handle;followers\nАнна;vk;anna;1 000\n".encode()
    parsed = parse_influencers(data)
    assert parsed.ok and parsed.delimiter == ";"
    assert parsed.influencers[0].accounts[0].values == {"followers": 1000}


def test_status_is_ignored_and_absent_columns_are_not_set():
    group = one(display_name="Anna", status="blacklisted")
    assert group.values == {"display_name": "Anna"}  # nothing of status, nothing of absent columns


def test_legal_data_is_checked_with_the_check_digits():
    group = one(display_name="OOO", legal_type="legal_entity", inn=f"{VALID_INN_COMPANY[:5]} {VALID_INN_COMPANY[5:]}",
                ogrn=VALID_OGRN)
    assert group.values["inn"] == VALID_INN_COMPANY and group.legal_checked
    parsed = parse_influencers(text("display_name,legal_type,inn,ogrn", "A,legal_entity,7707083894,",
                                    "B,individual,,1027700132195", "C,self_employed,12,"))
    assert errors_of(parsed) == [(2, "inn", "legal.inn_checksum"), (3, "ogrn", "legal.ogrn_not_for_type"),
                                 (4, "inn", "legal.inn_12")]


def test_without_a_legal_type_column_the_caller_checks_an_existing_influencers_numbers():
    group = one(influencer_id="01habc", display_name="OOO", inn=VALID_INN_COMPANY)
    assert not group.legal_checked  # the stored type decides (influencer_import_plan.py)
    assert csv_legal.legal_errors({"inn": VALID_INN_COMPANY}, "legal_entity") == []
    assert csv_legal.legal_errors({"inn": VALID_INN_COMPANY}, "individual") == [("inn", "influencers_csv.legal.inn_12")]


@pytest.mark.parametrize("value, legal_type, check", [
    ("7707083893", "bogus", legal.check_inn), ("7707083893", "foreign", legal.check_inn),
    ("77070838x3", "legal_entity", legal.check_inn), ("770708389", "legal_entity", legal.check_inn),
    ("7707083893", "individual", legal.check_inn), ("7707083894", "legal_entity", legal.check_inn),
    ("1027700132195", "individual", legal.check_ogrn), ("10277001x2195", "legal_entity", legal.check_ogrn),
    ("102770013219", "legal_entity", legal.check_ogrn), ("1027700132195", "sole_proprietor", legal.check_ogrn),
    ("1027700132194", "legal_entity", legal.check_ogrn), ("0027700132195", "legal_entity", legal.check_ogrn),
])
def test_every_legal_problem_has_its_own_translated_key(value, legal_type, check):
    problem = check(value, legal_type)
    assert problem in csv_legal.LEGAL_KEYS, problem


def test_each_bad_cell_is_named_with_its_row_and_column():
    parsed = parse_influencers(text(
        "display_name,email,country,legal_type,platform,handle,followers,mass_followers_pct,top_countries,url",
        "Good,a@b.co,RU,,vk,good,1,,,",
        "Cells,,,,,,,,,,",  # 11 cells
        "Mail,not-mail,XX,corp,,,,,,",
        "Acc,,,,vk,,12k,,,",
        "Nums,,,,vk,nums,-1,101,RU 50,ftp://x",
        "Share,,,,ok,share,,,\"RU:80, KZ:30\",",
        "Twice,,,,ok,share2,,,\"RU:10, ru:20\",",
        ",,,,vk,nobody,,,,",
        '"Multi\nline",,,,bad platform,h,,,,'))
    assert errors_of(parsed) == [
        (3, None, "row.cell_count"),
        (4, "legal_type", "cell.choice"), (4, "country", "cell.country"), (4, "email", "cell.email"),
        (5, "handle", "row.account_incomplete"),
        (6, "followers", "cell.whole_number"), (6, "top_countries", "cell.top_countries"),
        (6, "url", "cell.url"), (6, "mass_followers_pct", "cell.percent"),
        (7, "top_countries", "cell.countries_over_100"),
        (8, "top_countries", "cell.country_twice"),
        (9, "display_name", "cell.required"),
        (10, "platform", "cell.choice"),
    ]
    assert parsed.influencers == [] and [g.row for g in parsed.readable] == [2]


def test_a_handle_appears_once_per_platform_in_a_file():
    parsed = parse_influencers(text("display_name,platform,handle", "A,instagram,@Anna", "B,instagram,anna",
                                    "C,tiktok,anna"))
    assert errors_of(parsed) == [(3, "handle", "row.handle_twice")] and parsed.errors[0].params == {"row": 2}


def test_limits_on_accounts_influencers_rows_and_errors():
    rows = [f"A,vk,h{n}" for n in range(csv_influencers.MAX_ACCOUNTS + 1)]
    assert errors_of(parse_influencers(text("display_name,platform,handle", *rows)))[-1][2] == "row.too_many_accounts"
    many = parse_influencers(text("display_name", *[f"N{n}" for n in range(4)]), max_influencers=3)
    assert errors_of(many) == [(5, None, "file.too_many_influencers")]
    rows = parse_influencers(text("display_name", *["N"] * 4), max_rows=3)
    assert errors_of(rows) == [(5, None, "file.too_many_rows")]
    bad = parse_influencers(text("display_name,country", *[f"N{n},XX" for n in range(10)]), max_errors=3)
    assert [e[2] for e in errors_of(bad)] == ["cell.country"] * 3 + ["file.too_many_errors"]


@pytest.mark.parametrize("data, key", [
    ("display_name\nИван Петров\n".encode("cp1251"), "file.cp1251"),
    ("display_name\nJosé\n".encode("latin-1"), "file.not_utf8"),
    ("display_name\nX\n".encode("utf-16"), "file.utf16"),
    (b"PK\x03\x04....", "file.workbook"),
    (b"", "file.empty"),
    (b"display_name,nickname,display_name\nX,y,z\n", "header.unknown"),
    (b"platform,handle\nvk,x\n", "header.missing"),
    (b'display_name\n"open quote\n', "file.broken_quoting"),
])
def test_unreadable_files_are_refused_with_their_reason(data, key):
    parsed = parse_influencers(data)
    assert key in [e[2] for e in errors_of(parsed)] and parsed.influencers == []


def test_a_file_over_the_size_limit_is_refused():
    parsed = parse_influencers(b"display_name\n" + b"x\n" * 10, max_bytes=10)
    assert errors_of(parsed) == [(0, None, "file.too_large")]
    assert parsed.errors[0].params == {"size": 33, "limit": 10}


# --- export, and export → import -----------------------------------------------------------------------

INFLUENCER = {"id": "01habc", "display_name": "=HYPERLINK(\"http://evil\")", "legal_type": "legal_entity",
              "legal_name": "ООО «Анна», Москва", "inn": VALID_INN_COMPANY, "ogrn": VALID_OGRN, "country": "RU",
              "contacts": {"email": "anna@example.com", "telegram": "@anna"}, "agent": {"name": "Ivan"},
              "tags": ["-spicy", "food"], "notes": "line 1\r\nline; 2, \"quoted\"", "status": "approved"}
ACCOUNT = {"platform": "instagram", "handle": "@anna", "url": "https://instagram.com/anna", "followers": 82000,
           "avg_likes": 410, "avg_comments": 20, "audience_credibility_pct": "88.5", "top_countries": [
               {"country": "RU", "pct": "61.5"}, {"country": "KZ", "pct": "10"}], "rkn_registry_number": "4912-34"}


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_export_guards_formulas_and_import_reads_back_every_value(delimiter):
    exported = csv_influencers.export_influencers([(INFLUENCER, [ACCOUNT, {**ACCOUNT, "platform": "vk"}]),
                                            ({"id": "01hdef", "display_name": "Boris"}, [])],
                                           legal=True, delimiter=delimiter)
    lines = exported.split("\r\n")
    assert lines[0] == delimiter.join(COLUMNS)
    assert not any(cell.startswith(csv_cells.FORMULA_TRIGGERS) for line in lines for cell in line.split(delimiter))
    assert "'=HYPERLINK" in exported and "'@anna" in exported and "'-spicy" in exported
    parsed = parse_influencers(csv_cells.with_bom(exported))
    assert parsed.ok, errors_of(parsed)
    anna, boris = parsed.influencers
    assert anna.influencer_id == "01habc" and anna.values["display_name"] == INFLUENCER["display_name"]
    assert anna.values["notes"] == INFLUENCER["notes"] and anna.values["tags"] == ["-spicy", "food"]
    assert (anna.values["email"], anna.values["telegram"], anna.values["phone"]) == ("anna@example.com", "@anna", None)
    assert [a.platform for a in anna.accounts] == ["instagram", "vk"] and anna.accounts[0].handle == "@anna"
    account = anna.accounts[0].values
    assert account["top_countries"] == ACCOUNT["top_countries"] and account["rkn_registry_number"] == "4912-34"
    assert (account["followers"], account["audience_credibility_pct"]) == (82000, "88.5")
    assert boris.accounts == [] and boris.influencer_id == "01hdef"


def test_export_for_readers_without_legal_rights_has_no_legal_columns():
    exported = csv_influencers.export_influencers([(INFLUENCER, [ACCOUNT])], legal=False)
    header = exported.split("\r\n")[0].split(",")
    assert not set(LEGAL_COLUMNS) & set(header) and VALID_INN_COMPANY not in exported
    assert "anna@example.com" not in exported and "ООО" not in exported


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200))
def test_any_notes_survive_export_and_import(notes):
    exported = csv_influencers.export_influencers([({"id": "01habc", "display_name": "A", "notes": notes}, [])], legal=True)
    parsed = parse_influencers(exported.encode("utf-8"))
    assert parsed.ok, errors_of(parsed)
    expected = InfluencerCreate(display_name="A", notes=notes).notes or None  # what the API would store
    assert parsed.influencers[0].values["notes"] == expected


# --- the shared cell helpers --------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["=1+1", "+7 900", "-5", "@anna", "\tx", " =x", "\u200b=x", "＝x", "'=x"])
def test_the_formula_guard_is_exactly_undone(cell):
    guarded = csv_cells.guard_cell(cell)
    assert guarded == "'" + cell and csv_cells.unguard_cell(guarded) == cell


@pytest.mark.parametrize("cell", ["anna", "'quoted", "", "1-2", "a=b"])
def test_harmless_cells_are_left_alone(cell):
    assert csv_cells.guard_cell(cell) == cell == csv_cells.unguard_cell(cell)


def test_the_plan_reexports_the_shared_helpers():
    from chalicelib.plan.rules import csv_format

    assert csv_format.guard_cell is csv_cells.guard_cell and csv_format.unguard_cell is csv_cells.unguard_cell


@pytest.mark.parametrize("value, shown", [("10", "10"), ("10.00", "10"), (Decimal("1E+1"), "10"), ("61.50", "61.5"),
                                          (0.25, "0.25"), (100, "100")])
def test_plain_decimals_never_show_an_exponent(value, shown):
    assert csv_values.plain_decimal(value) == shown


@pytest.mark.parametrize("cell, count", [("12 345", 12345), ("12\u00a0345", 12345), ("0", 0), ("1234", 1234),
                                         ("12,345", None), ("1 23", None), ("12k", None), ("-1", None), ("1.5", None)])
def test_counts(cell, count):
    assert csv_values.read_count(cell) == count


# --- snapshots ----------------------------------------------------------------------------------------------

def test_snapshots_one_row_per_day_none_in_the_future():
    parsed = parse_snapshots(text("taken_on;followers;avg_views;source", "2026-05-01;80 000;900;manual",
                                  "02.05.2026;81000;;", "2026-05-03;;;"), today=TODAY)
    assert parsed.ok, errors_of(parsed)
    assert [r.values for r in parsed.rows] == [
        {"taken_on": "2026-05-01", "followers": 80000, "avg_views": 900},
        {"taken_on": "2026-05-02", "followers": 81000}, {"taken_on": "2026-05-03"}]
    bad = parse_snapshots(text("taken_on,followers", "2026-05-01,1", "01.05.2026,2", "2026-05-21,3", "2026-02-30,4",
                               "2026-05-02,many"), today=TODAY)
    assert errors_of(bad) == [(3, "taken_on", "row.day_twice"), (4, "taken_on", "row.future"),
                              (5, "taken_on", "cell.date"), (6, "followers", "cell.whole_number")]
    assert bad.rows == []
    assert errors_of(parse_snapshots(b"followers\n1\n", today=TODAY)) == [(1, None, "header.missing")]


def test_snapshots_export_reads_back():
    snapshots = [{"taken_on": "2026-05-01", "followers": 80000, "following": None, "source": "telegram"}]
    exported = csv_snapshots.export_snapshots(snapshots)
    assert exported.split("\r\n")[:2] == [",".join(csv_snapshots.SNAPSHOT_COLUMNS), "2026-05-01,80000,,,,,,telegram"]
    assert [r.values for r in parse_snapshots(exported, today=TODAY).rows] == [
        {"taken_on": "2026-05-01", "followers": 80000}]


# --- every message, in both languages ---------------------------------------------------------------------------

def _keys_in_code() -> set[str]:
    found = set()
    for name in ("influencers/rules/csv_values.py", "influencers/rules/csv_influencers.py",
                 "influencers/rules/csv_legal.py", "influencers/rules/csv_snapshots.py",
                 "influencers/influencer_import_plan.py", "influencers/influencer_transfer.py",
                 "influencers/snapshot_transfer.py", "influencers/telegram_fetch.py", "influencers/transfer_errors.py",
                 "influencers/transfer_routes.py", "influencers/telegram_web.py"):
        source = (ROOT / "chalicelib" / name).read_text(encoding="utf-8")
        found |= {"influencers_csv." + k for k in re.findall(r'K \+ "([a-z0-9_.]+)"', source)}
        found |= set(re.findall(r'"(influencers_csv\.[a-z0-9_.]+)"', source))
    found |= set(csv_legal.LEGAL_KEYS.values()) | {"influencers_csv.legal.inn_invalid", "influencers_csv.legal.ogrn_invalid"}
    return found


def test_every_message_exists_in_english_and_russian():
    keys = _keys_in_code()
    assert len(keys) > 50
    for language in i18n.LANGUAGES:
        assert sorted(keys - set(i18n.catalog(language))) == [], language
    ours = {k for k in i18n.catalog("en") if k.startswith("influencers_csv.")}
    assert sorted(ours - keys) == []  # no text left over


def test_every_error_of_a_file_reads_in_both_languages():
    parsed = parse_influencers(text("display_name,email,platform,handle,followers,top_countries",
                                    "A,x,vk,,1,", "B,,vk,b,x,RU", "C,,vk,b,,"))
    assert len(parsed.errors) >= 4
    for error in parsed.errors:
        en, ru = (i18n.translate(error.key, language, **error.params) for language in ("en", "ru"))
        assert en != ru and "{" not in en + ru
        names = {n for _, n, _, _ in Formatter().parse(i18n.catalog("en")[error.key]) if n}
        assert names <= set(error.params)


# --- Telegram's public pages ------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ("10 612 280 subscribers", (10612280, "subscribers", False)),
    ("12 345 members, 102 online", (12345, "members", False)),
    ("1 subscriber", (1, "subscribers", False)),
    ("1.2K subscribers", (1200, "subscribers", True)),
    ("3.4M subscribers", (3400000, "subscribers", True)),
    ("1,000 subscribers", (1000, "subscribers", False)),
    ("10\u00a0612\u2009280 подписчиков", (10612280, "subscribers", False)),
    ("1,2 тыс. подписчиков", (1200, "subscribers", True)),
    ("900 участников, 12 в сети", (900, "members", False)),
    ("@alice", None), ("", None), ("online", None),
])
def test_counts_on_a_page(extra, expected):
    assert telegram_web.read_count(extra) == expected


def test_pages_with_and_without_a_count():
    page = telegram_web.parse_page(channel_page("acme_news", "Acme <News>", "12 345 subscribers").encode(), "acme_news")
    assert (page.count, page.kind, page.title, page.approximate) == (12345, "subscribers", "Acme <News>", False)
    group = telegram_web.parse_page(channel_page("acme_chat", "Chat", "900 members, 12 online", kind="group"))
    assert (group.count, group.kind) == (900, "members")
    assert telegram_web.parse_page(channel_page("anna_person", "Anna", "@anna_person", kind="person")) is None
    assert telegram_web.parse_page(channel_page("free_name", "free_name", None, kind="contact")) is None
    assert telegram_web.parse_page("<html><title>Telegram: Join Group Chat</title></html>") is None


@pytest.mark.parametrize("handle, name", [("@acme_news", "acme_news"), (" acme_news ", "acme_news"),
                                          ("abcd", None), ("a" * 33, None), ("+AbCdEf123", None),
                                          ("joinchat/abc", None), ("acme.news", None), (None, None)])
def test_channel_names(handle, name):
    assert telegram_web.channel_name(handle) == name


def test_a_count_with_thousands_of_digits_is_a_row_error_not_a_crash():
    huge = "9" * 5000
    parsed = parse_influencers(text("display_name,platform,handle,followers", f"Anna,instagram,@anna,{huge}"))
    assert not parsed.ok and [c for _, c, _ in errors_of(parsed)] == ["followers"]
    snapshots = parse_snapshots(text("taken_on,followers", f"2026-05-01,{huge}"), today=TODAY)
    assert not snapshots.ok and snapshots.errors
