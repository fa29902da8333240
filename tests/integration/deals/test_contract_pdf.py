"""The contract PDF for real (WeasyPrint on the machine's Pango), read back with pypdf: every clause
and value present, Cyrillic intact, our fonts embedded, a hostile title printed as text with nothing
fetched, the URL fetcher an allow-list, and `import app` still free of WeasyPrint."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest

from chalicelib.core import i18n
from chalicelib.deals import contract_pdf
from chalicelib.deals import contract_view as cv
from tests.conftest import PROJECT_DIR
from tests.support.contracts import ADVERTISER, BLOGGER, DELIVERABLES, contract_view

HOSTILE = '<img src="file:///etc/passwd">'
FONTS = ["greenlight-static:fonts/DejaVuSans.ttf", "greenlight-static:fonts/DejaVuSans-Bold.ttf"]


def squeeze(text: str) -> str:
    """Text without any whitespace: line breaks, justified spaces and no-break spaces fall out alike."""
    return "".join(text.split())


def read(pdf: bytes, view) -> tuple[list[str], str, int]:
    """(fonts, text of every page without the page's header and footer, page count)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    header = i18n.translate("contract.heading", view.language, number=view.contract_number)
    pages, fonts = [], set()
    for n, page in enumerate(reader.pages, 1):
        body = page.extract_text()
        for margin in (f"{n} / {len(reader.pages)}", header):  # drawn after the page's content
            at = body.rfind(margin)
            assert at >= 0, f"page {n} has no {margin!r} in its margins"
            body = body[:at] + body[at + len(margin):]
        pages.append(body)
        fonts |= {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    return sorted(fonts), "\n".join(pages), len(reader.pages)


@pytest.fixture(scope="module", params=[("ru", "ru"), ("en", "ru"), ("en", "ftc")], ids=lambda p: "-".join(p))
def rendered(request):
    language, disclosure = request.param
    view = contract_view(language, disclosure)
    fetcher = contract_pdf.fetcher()
    pdf = contract_pdf.render_pdf(view, fetcher)
    fonts, text, pages = read(pdf, view)
    return view, pdf, fetcher, fonts, text, pages


def test_a_realistic_contract_is_a_pdf_of_several_a4_pages(rendered):
    """Every page carries the contract number and "n / pages" in its margins (checked by `read`)."""
    view, pdf, fetcher, fonts, text, pages = rendered
    assert pdf.startswith(b"%PDF-") and pages >= 2
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)


def test_every_clause_is_in_the_pdf_word_for_word(rendered):
    view, pdf, fetcher, fonts, text, pages = rendered
    flat = squeeze(text)
    missing = [c.number for c in cv.clauses(view) if squeeze(f"{c.number}. {c.text}") not in flat]
    assert missing == []


def test_the_key_values_are_in_the_pdf(rendered):
    view, pdf, fetcher, fonts, text, pages = rendered
    lang = view.language
    flat = squeeze(text)
    values = [view.contract_number, view.title, ADVERTISER.name, ADVERTISER.inn, BLOGGER.legal_name, BLOGGER.inn,
              BLOGGER.ogrn, BLOGGER.display_name, cv.money_text(view.fee, lang), cv.fee_in_words(view.fee, lang),
              cv.date_text(view.date, lang)]
    for d in DELIVERABLES:
        values += [d.handle, d.zone, cv.wall_text(d.publish_at, lang), cv.platform_name(d.platform, lang),
                   cv.format_name(d.format, lang)] + ([d.erid] if d.erid else [])
    for item in view.payments:
        values += [item.label, cv.money_text(item.amount, lang), cv.when_text(item, lang)]
    assert [v for v in values if squeeze(v) not in flat] == []


def test_cyrillic_is_intact(rendered):
    view, pdf, fetcher, fonts, text, pages = rendered
    text = " ".join(text.split())  # a line break is a space
    assert "ООО Ромашка" in text and "ИП Иванова Анна Сергеевна" in text and "Летняя коллекция Ромашки" in text
    if view.disclosure == "ru":
        assert ("«Реклама»" if view.language == "ru" else "“Реклама”") in text
        assert "?erid=" in text
    else:
        assert "Реклама" not in text
    if view.language == "ru":
        assert "Договор возмездного оказания рекламных услуг" in text and "сто пятьдесят тысяч рублей" in text


def test_only_our_fonts_are_fetched_and_embedded(rendered):
    view, pdf, fetcher, fonts, text, pages = rendered
    assert sorted(set(fetcher.fetched)) == sorted(FONTS) and fetcher.refused == []
    assert fonts and all(font.split("+", 1)[-1] in ("Greenlight-Sans", "Greenlight-Sans-Bold") for font in fonts)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_hostile_title_prints_as_text_and_nothing_is_fetched(language):
    view = contract_view(language, title=HOSTILE, contract_number='GL-<b>1</b>"')
    html = contract_pdf.render_html(view)
    assert "<img" not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<b>1" not in html
    fetcher = contract_pdf.fetcher()
    fonts, text, _ = read(contract_pdf.render_pdf(view, fetcher), view)
    assert squeeze(HOSTILE) in squeeze(text)
    assert fetcher.refused == [] and sorted(set(fetcher.fetched)) == sorted(FONTS)
    assert "root:" not in text


@pytest.mark.parametrize("markup, url", [
    ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
    ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">', "http://127.0.0.1:9/x.css"),
    ('<img src="https://example.com/pixel.png">', "https://example.com/pixel.png"),
    ('<img src="data:image/png;base64,iVBORw0KGgo=">', "data:image/png;base64,iVBORw0KGgo="),
    ("<style>@font-face{font-family:x;src:url(greenlight-static:fonts/../../../../etc/passwd)}"
     "p{font-family:x}</style>", None),
    ("<style>@font-face{font-family:x;src:url(file:///usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf)}"
     "p{font-family:x}</style>", "file:///usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
])
def test_the_fetcher_refuses_everything_but_our_fonts(markup, url):
    fetcher = contract_pdf.fetcher()
    with pytest.raises(contract_pdf.ContractRenderError):
        contract_pdf.pdf_from_html(f"<!DOCTYPE html><html><body>{markup}<p>x</p></body></html>", fetcher)
    assert len(fetcher.refused) == 1 and fetcher.fetched == []
    if url:
        assert fetcher.refused == [url]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.com/DejaVuSans.ttf", "data:font/ttf;base64,AAAA",
    "greenlight-static:fonts/../../app.py", "greenlight-static:fonts/LICENSE-DejaVu.txt",
    "greenlight-static:app.css", "greenlight-static:/etc/passwd", "greenlight-static:fonts/missing.ttf",
    "greenlight-static:fonts/sub/DejaVuSans.ttf", "GREENLIGHT-STATIC:fonts/DejaVuSans.ttf",
])
def test_font_file_maps_only_our_font_files(url):
    with pytest.raises(contract_pdf.FetchRefused):
        contract_pdf.font_file(url)


def test_font_file_finds_our_fonts():
    for url in FONTS:
        path = contract_pdf.font_file(url)
        assert path.parent == contract_pdf.FONTS_DIR.resolve() and path.read_bytes()[:4] == b"\x00\x01\x00\x00"


def test_import_app_does_not_load_weasyprint():
    code = ("import app, sys, chalicelib.deals.contract_pdf, chalicelib.deals.contract_view; "
            "print(sorted(m for m in ('weasyprint', 'pypdf', 'num2words', 'fontTools', 'pydyf') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
    plain = subprocess.run([sys.executable, "-c", "import app, sys; print('weasyprint' in sys.modules)"],
                           cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False)
    assert plain.returncode == 0 and plain.stdout.strip().splitlines()[-1] == "False"
