"""PDF rendering through WeasyPrint, with a url fetcher that only serves this app's static files.

WeasyPrint is imported lazily (it costs about half a second at start-up), so importing this
module is cheap. Every resource a template refers to (stylesheets, images, fonts) is resolved
against a fixed virtual origin and read from the ``static/`` folder on disk; ``file:`` URLs,
``data:`` URLs and every other host are refused. Fonts come from the system (fontconfig:
Liberation and DejaVu, installed with the Debian packages), so rendering never needs the network.

Usage::

    from overleg.pdf import render_pdf
    pdf_bytes = render_pdf(render_template("print/agenda.html", ...))
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from config import BASE_DIR

# Templates refer to static files as /static/...; the HTML is rendered with this base URL,
# so relative and root-relative URLs resolve to it. No request to this host ever leaves the process.
PDF_BASE_URL = "https://overleg.pdf.invalid/"
_ORIGIN = urlsplit(PDF_BASE_URL)
STATIC_DIR = BASE_DIR / "static"


class RefusedURL(ValueError):
    """A resource outside this app's static files was asked for."""


def static_path_for(url: str, static_dir: Path = STATIC_DIR) -> Path:
    """Map a URL to a file under ``static/``, or raise RefusedURL.

    Only ``https://overleg.pdf.invalid/static/...`` (what ``/static/...`` resolves to against
    PDF_BASE_URL) is accepted. Path traversal (``..``) and anything outside the folder are refused.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != _ORIGIN.scheme or parts.netloc.lower() != _ORIGIN.netloc:
        raise RefusedURL(f"refused URL (not this app's static files): {url[:200]}")
    path = unquote(parts.path)
    if not path.startswith("/static/"):
        raise RefusedURL(f"refused URL (not under /static/): {url[:200]}")
    relative = path[len("/static/") :]
    root = static_dir.resolve()
    target = (root / relative).resolve()
    if root not in target.parents or not target.is_file():
        raise RefusedURL(f"refused URL (no such static file): {url[:200]}")
    return target


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves /static/ files from disk; refuses file:, data:, http(s) to other hosts."""

        def __init__(self, static_dir: Path = STATIC_DIR, **kwargs: Any) -> None:
            super().__init__(allowed_protocols=("https",), allow_redirects=False, **kwargs)
            self.static_dir = static_dir

        def fetch(self, url, headers=None):
            target = static_path_for(url, self.static_dir)
            mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            head = {"Content-Type": mime}
            if mime.startswith("text/"):
                head["Content-Type"] = f"{mime}; charset=utf-8"
            return URLFetcherResponse(url, target.read_bytes(), head)

    return StaticOnlyFetcher


_FETCHER_CLASS = None


def url_fetcher(static_dir: Path = STATIC_DIR):
    """A WeasyPrint url fetcher instance limited to this app's static files."""
    global _FETCHER_CLASS
    if _FETCHER_CLASS is None:
        _FETCHER_CLASS = _fetcher_class()
    return _FETCHER_CLASS(static_dir=static_dir)


def fetch(url: str) -> bytes:
    """Fetch one URL as the PDF renderer would (for tests and diagnostics)."""
    response = url_fetcher()(url)
    try:
        return response.read()
    finally:
        response.close()


def render_pdf(html: str, base_url: str = PDF_BASE_URL, **options: Any) -> bytes:
    """Render an HTML string to PDF bytes.

    ``base_url`` defaults to the virtual origin the url fetcher serves. Extra ``options`` go to
    ``HTML.write_pdf`` (e.g. ``pdf_variant="pdf/a-2u"``, ``pdf_tags=True``, ``stylesheets=[...]``).
    """
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher())
    out = io.BytesIO()
    document.write_pdf(out, **options)
    return out.getvalue()


def merge_pdfs(parts: list[bytes]) -> bytes:
    """Join PDFs (bytes) in order into one PDF. Unreadable parts raise pypdf's errors."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
