"""The contract as HTML and as a PDF (WeasyPrint), from templates/contracts/contract.html only.

`render_html(view)` fills the one template (autoescape on: a deal title like `<img src="file:///etc/passwd">`
prints as those characters). `render_pdf(view)` lays that HTML out with WeasyPrint, which is imported
inside the function only, so `import app` never loads it (nor Pango, nor fontTools); in AWS it runs in
the PDF function with the WeasyPrint layer (infra/weasyprint-layer/), locally in-process.

Every resource WeasyPrint asks for goes through `StaticOnlyFetcher`, an allow-list: only our own font
files, named `greenlight-static:fonts/<name>.ttf` in the template's @font-face rules and read from
templates/static/fonts/. Anything else — a `file://` path, http(s), `data:`, a font outside that folder, a
path that climbs out of it — is refused by raising, and the fetcher runs with fail_on_errors, so a
refused resource stops the rendering (`ContractRenderError`) instead of being skipped. Nothing is ever
fetched from the network or the file system outside that folder. The fonts (DejaVu Sans, Latin and
Cyrillic) are embedded in the PDF, so the output does not depend on the fonts of the machine.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from chalicelib.core.i18n import catalog, translate
from chalicelib.core.rendering import TEMPLATES_DIR, render
from chalicelib.deals.contract_view import (
    ContractView,
    date_text,
    format_name,
    money_text,
    number_text,
    platform_name,
    sections,
    wall_text,
    when_text,
)

TEMPLATE = "contracts/contract.html"
FONTS_DIR = TEMPLATES_DIR / "static" / "fonts"
STATIC_SCHEME = "greenlight-static:"
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


class FetchRefused(ValueError):
    """WeasyPrint asked for something outside the allow-list."""


class ContractRenderError(RuntimeError):
    """The PDF could not be made (a resource was refused)."""


def font_file(url: str) -> Path:
    """The file behind an allowed URL (`greenlight-static:fonts/DejaVuSans.ttf`), or FetchRefused."""
    if not isinstance(url, str) or not url.startswith(STATIC_SCHEME):
        raise FetchRefused(f"not one of our static files: {url!r}")
    relative = PurePosixPath(url[len(STATIC_SCHEME):].split("?", 1)[0].split("#", 1)[0])
    parts = relative.parts
    if (len(parts) != 2 or parts[0] != "fonts" or relative.is_absolute() or ".." in parts
            or relative.suffix.lower() not in FONT_TYPES):
        raise FetchRefused(f"only our font files may be loaded: {url!r}")
    path = (FONTS_DIR / parts[1]).resolve()
    if path.parent != FONTS_DIR.resolve() or not path.is_file():
        raise FetchRefused(f"no such font of ours: {url!r}")
    return path


def fetcher():
    """A fresh StaticOnlyFetcher (WeasyPrint's URLFetcher, so it is imported here, not at module level).
    `.fetched` and `.refused` list the URLs it served and refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False, fail_on_errors=True)
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            try:
                path = font_file(url)
            except FetchRefused:
                self.refused.append(url)
                raise
            self.fetched.append(url)
            return URLFetcherResponse(url, body=path.read_bytes(),
                                      headers={"Content-Type": FONT_TYPES[path.suffix.lower()]})

    return StaticOnlyFetcher()


def _parties(view: ContractView) -> dict:
    blogger = view.blogger
    ogrn_key = "contract.party.ogrnip" if blogger.legal_type == "sole_proprietor" else "contract.party.ogrn"
    legal_type_key = f"influencer.legal_type.{blogger.legal_type}"
    legal_type = translate(legal_type_key, view.language) if legal_type_key in catalog(view.language) \
        else blogger.legal_type
    return {"ogrn_key": ogrn_key, "legal_type": legal_type}


def _schedule(view: ContractView) -> list[dict]:
    lang = view.language
    return [{"label": item.label, "percent": f"{number_text(item.percent, lang)} %",
             "amount": money_text(item.amount, lang), "when": when_text(item, lang)} for item in view.payments]


def _deliverables(view: ContractView) -> list[dict]:
    lang = view.language
    return [{"platform": platform_name(d.platform, lang), "handle": d.handle, "format": format_name(d.format, lang),
             "publish_at": wall_text(d.publish_at, lang), "zone": d.zone, "erid": d.erid} for d in view.deliverables]


def render_html(view: ContractView) -> str:
    """The contract as one HTML document, in the view's language."""
    return render(TEMPLATE, view.language, view=view, sections=sections(view), parties=_parties(view),
                  date=date_text(view.date, view.language), schedule=_schedule(view),
                  fee=money_text(view.fee, view.language), deliverables=_deliverables(view))


def pdf_from_html(html: str, url_fetcher=None) -> bytes:
    """Lay out HTML made from our templates into PDF bytes; every resource through the allow-list."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    url_fetcher = url_fetcher or fetcher()
    try:
        return HTML(string=html, url_fetcher=url_fetcher, base_url=None).write_pdf()
    except FatalURLFetchingError as refused:  # a BaseException in WeasyPrint: turn it into an ordinary error
        raise ContractRenderError(str(refused)) from refused.__cause__


def render_pdf(view: ContractView, url_fetcher=None) -> bytes:
    """The contract as PDF bytes (A4, fonts embedded)."""
    return pdf_from_html(render_html(view), url_fetcher)
