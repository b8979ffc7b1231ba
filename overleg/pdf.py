"""PDF rendering through WeasyPrint, with a url fetcher that only serves this app's static files.

WeasyPrint is imported lazily (it costs about half a second at start-up), so importing this
module is cheap. Every resource a template refers to (stylesheets, images, fonts) is resolved
against a fixed virtual origin and read from the ``static/`` folder on disk; ``file:`` URLs,
``data:`` URLs and every other host are refused. Fonts come from the system (fontconfig:
Liberation and DejaVu, installed with the Debian packages), so rendering never needs the network.

Usage::

    from overleg.pdf import render_pdf
    pdf_bytes = render_pdf(render_template("print/agenda.html", ...))

``simple_pdf`` writes a small PDF of plain text lines without WeasyPrint (demo documents and
the tests' sample files).
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
    """Join PDFs (bytes) in order into one PDF. Unreadable parts raise pypdf's errors.

    The whole takes the first part's language and title, with the title shown (its tags and
    PDF/UA claim do not carry over: pypdf joins pages, not structure trees)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(data)) for data in parts]
    for reader in readers:
        writer.append(reader)
    if readers:
        first = readers[0]
        lang = first.root_object.get("/Lang")
        if lang:
            writer.root_object[NameObject("/Lang")] = TextStringObject(str(lang))
        title = first.metadata.title if first.metadata else None
        if title:
            writer.add_metadata({"/Title": title})
            writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
                {NameObject("/DisplayDocTitle"): BooleanObject(True)}
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def simple_pdf(pages: list[list[str]]) -> bytes:
    """A small valid PDF: lines of text (Helvetica, WinAnsi) per page. No WeasyPrint needed."""
    n = len(pages)
    kids = [4 + 2 * i for i in range(n)]
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 16 Tf", "72 760 Td", "20 TL"]
        for j, line in enumerate(lines):
            if j == 1:
                ops.append("/F1 11 Tf")
            if j:
                ops.append("T*")  # next line
            safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({safe}) Tj")
        ops.append("ET")
        content = "\n".join(ops).encode("cp1252", "replace")
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {kids[i] + 1} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out
