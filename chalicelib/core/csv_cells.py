"""What every CSV file Greenlight reads or writes has in common (the content plan, the influencer
directory, account snapshots). Pure: strings and bytes in and out, standard library only, no I/O.

    guard_cell(text) / unguard_cell(text)   the formula guard and its exact inverse
    decode(data, max_bytes)                 -> Decoded(text, problem): UTF-8 or refused, with why
    sniff_delimiter(text)                   "," or ";" (Excel in a ru/de/… locale writes ";")
    records(text, delimiter)                -> Record(row, text_line, cells) per CSV record; BrokenQuoting
    write_rows(header, rows, delimiter, numeric_columns)
                                            CSV text, "\\r\\n" line ends, RFC 4180 quoting, every cell guarded
                                            (but a plain decimal number in one of `numeric_columns`)
    with_bom(text)                          UTF-8 bytes with a BOM (so Excel shows Cyrillic correctly)

Formula injection (OWASP "CSV injection"): on export, a cell a spreadsheet could run as a formula gets
one leading apostrophe, so it shows as text; the import removes exactly that one apostrophe again.
Nothing is stripped: export → import returns every text byte for byte. After any leading apostrophes,
a cell is dangerous when it starts with tab, CR or NUL, or when its first character past leading
whitespace and control characters (NUL, tab, CR, LF, Unicode spaces, zero-width characters …) is
= + - @ or a compatibility form of one (full-width ＝ ＋ － ＠, small ﹦ …: compared after NFKC).

A plain decimal number (`-0.956162`, `-7500.00`: an optional minus, ASCII digits, an optional fraction,
nothing else) cannot run as a formula, yet starts with "-". By default it is guarded like any other cell; a
writer whose column holds numbers may name it in `numeric_columns`, and such cells are then written as they
are (a spreadsheet reads them as numbers). Anything else in that column ("-1+1", "=SUM()") is still guarded.

Problems are codes with parameters, not sentences: each feature words them (in its own language files).
Rows are numbered as a spreadsheet shows them: the header is row 1 and every CSV record (blank ones
too) is one row, however many text lines its quoted cells span; `text_line` is the line in a text
editor where the record starts.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

DELIMITERS = (",", ";")
FORMULA_STARTS = ("=", "+", "-", "@")  # the first character past leading blanks, compared in NFKC (＝ is =)
DANGEROUS_FIRST = ("\t", "\r", "\0")  # dangerous as the very first character
FORMULA_TRIGGERS = FORMULA_STARTS + DANGEROUS_FIRST  # no guarded cell starts with one of these
_SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})  # controls, zero-width/format, spaces
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # matched in full: nothing before or after


# --- the formula guard ---------------------------------------------------------------------------

def _blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _SKIPPED_CATEGORIES


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could run the text (its leading apostrophes aside) as a formula. The
    decision depends only on text.lstrip("'"), so adding or removing an apostrophe never changes it:
    that is what makes `unguard_cell` the exact inverse of `guard_cell`."""
    core = text.lstrip("'")
    if core.startswith(DANGEROUS_FIRST):
        return True
    first = next((c for c in core if not _blank(c)), "")
    return bool(first) and unicodedata.normalize("NFKC", first).startswith(FORMULA_STARTS)


def guard_cell(text: str) -> str:
    """One leading apostrophe before text a spreadsheet would run as a formula (OWASP). Strips nothing."""
    return "'" + text if looks_like_formula(text) else text


def unguard_cell(text: str) -> str:
    """The inverse of `guard_cell`: unguard_cell(guard_cell(x)) == x for every string."""
    return text[1:] if text.startswith("'") and looks_like_formula(text) else text


# --- reading ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """Why a whole file is refused. code: too_large (size, limit) | workbook | utf16 | cp1251 | not_utf8;
    `line` is the text line of the first bad byte (0: the file as a whole)."""

    code: str
    line: int = 0
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Decoded:
    text: str | None
    problem: Problem | None = None


def looks_cp1251(raw: bytes) -> bool:
    """Russian text in Windows-1251: decoded as cp1251, the words with Cyrillic letters are all
    Cyrillic. (Latin-1 text decoded as cp1251 gives words like "GrьЯe": Latin and Cyrillic mixed.)"""
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    words = [w for w in _WORD.findall(text) if _CYRILLIC.search(w)]
    if not words:
        return False
    pure = sum(1 for w in words if all(_CYRILLIC.match(c) for c in w))
    return pure >= 0.8 * len(words)


def decode(data: bytes | str, max_bytes: int) -> Decoded:
    """The file's text (a BOM dropped), or why it is refused: larger than `max_bytes`, a spreadsheet
    workbook, UTF-16, Windows-1251, or any other bytes that are not UTF-8. Never guesses an encoding."""
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        return Decoded(None, Problem("too_large", 0, {"size": size, "limit": max_bytes}))
    if isinstance(data, str):
        return Decoded(data.lstrip("\ufeff"))
    data = bytes(data)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return Decoded(None, Problem("workbook"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(None, Problem("utf16"))
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return Decoded(data.decode("utf-8").lstrip("\ufeff"))
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return Decoded(None, Problem("cp1251" if looks_cp1251(data) else "not_utf8", line, {"line": line}))


def sniff_delimiter(text: str) -> str:
    """Comma, unless the header line has semicolons and no comma (Excel in a ru/de/… locale)."""
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


@dataclass(frozen=True)
class Record:
    row: int  # spreadsheet row: the header is 1
    text_line: int  # where the record starts in a text editor
    cells: list[str]

    @property
    def blank(self) -> bool:
        """Excel writes ",,,,," for rows that were once used."""
        return not any(c.strip() for c in self.cells)


class BrokenQuoting(ValueError):
    """A quoted cell that does not end: the rest of the file cannot be read."""

    def __init__(self, row: int, text_line: int, detail: str):
        super().__init__(detail)
        self.row, self.text_line, self.detail = row, text_line, detail


def records(text: str, delimiter: str) -> Iterator[Record]:
    """Every CSV record of the text, the header first, blank ones included (they count as rows).
    Raises BrokenQuoting where the quoting breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=False, strict=True)
    row = 0
    rows = iter(reader)
    while True:
        text_line = reader.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BrokenQuoting(row + 1, text_line, str(exc)) from None
        row += 1
        yield Record(row, text_line, cells)


# --- writing ---------------------------------------------------------------------------------------

def plain_number(text: str) -> bool:
    """Whether the text is a plain decimal number: ^-?[0-9]+(\\.[0-9]+)?$ (ASCII digits, no blanks, no exponent)."""
    return _PLAIN_NUMBER.fullmatch(text) is not None


def write_rows(header: Iterable[str], rows: Iterable[Iterable[str]], *, delimiter: str = ",",
               numeric_columns: Collection[int] = ()) -> str:
    """CSV text: the header, then each row, every cell through `guard_cell` — except, in the columns whose
    0-based index is in `numeric_columns`, a plain decimal number (`plain_number`), written as it is."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {DELIMITERS}")
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quotechar='"', lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL, doublequote=True)
    writer.writerow(list(header))
    for cells in rows:
        writer.writerow([c if n in numeric_columns and plain_number(c) else guard_cell(c)
                         for n, c in enumerate(cells)])
    return out.getvalue()


def with_bom(text: str) -> bytes:
    """UTF-8 with a byte order mark: without it Excel reads the file as the local ANSI code page and
    shows Cyrillic as mojibake."""
    return codecs.BOM_UTF8 + text.encode("utf-8")
