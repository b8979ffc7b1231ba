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
import re
import threading
import zlib
from functools import lru_cache
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


# A template's own print stylesheets: <link rel="stylesheet" href="/static/css/....css">.
_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="(/static/css/[\w.-]+\.css)">')
_stylesheets: dict[tuple[str, int], Any] = {}
_fonts = threading.local()


def _parsed_stylesheet(href: str):
    """The parsed ``weasyprint.CSS`` of a static stylesheet, kept for the process (re-read
    when the file changes); None for a file that does not exist (the link then stays)."""
    from weasyprint import CSS

    try:
        path = static_path_for(PDF_BASE_URL + href.lstrip("/"))
    except RefusedURL:
        return None
    key = (href, path.stat().st_mtime_ns)
    css = _stylesheets.get(key)
    if css is None:
        css = CSS(
            string=path.read_text("utf-8"),
            base_url=PDF_BASE_URL + href.lstrip("/"),
            url_fetcher=url_fetcher(),
            media_type="print",
        )
        _stylesheets[key] = css
    return css


def font_configuration():
    """This thread's WeasyPrint FontConfiguration (it loads the system font list once, and
    is not shared between threads)."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def _take_stylesheets(html: str) -> tuple[str, list]:
    """The HTML without its links to static print stylesheets, and those stylesheets parsed
    (once per process), in document order. They then apply with the user origin instead of
    the author one, which changes nothing here: the print stylesheets have no !important, the
    only author styles left (a template's <style>, style attributes) came after them or beat
    them on specificity anyway."""
    sheets = []

    def take(match: re.Match) -> str:
        css = _parsed_stylesheet(match.group(1))
        if css is None:
            return match.group(0)
        sheets.append(css)
        return ""

    return _STYLESHEET_LINK.sub(take, html), sheets


def render_pdf(
    html: str, base_url: str = PDF_BASE_URL, declare_pdfua: bool = False, **options: Any
) -> bytes:
    """Render an HTML string to PDF bytes.

    ``base_url`` defaults to the virtual origin the url fetcher serves. Extra ``options`` go to
    ``HTML.write_pdf`` (e.g. ``pdf_variant="pdf/a-2u"``, ``pdf_tags=True``, ``stylesheets=[...]``).
    The static print stylesheets the HTML links to are parsed once per process, the system
    fonts listed once per thread (``_take_stylesheets``, ``font_configuration``).
    A tagged PDF gets ``/Scope`` on its table header cells (``scope_table_headers``);
    ``declare_pdfua`` adds the PDF/UA-1 claim to a PDF/A file's XMP (``declare_pdfua_part``).
    """
    from weasyprint import HTML

    def finish(document, pdf) -> None:
        scope_table_headers(pdf)
        if declare_pdfua:
            declare_pdfua_part(pdf)

    html, sheets = _take_stylesheets(html)
    options["stylesheets"] = sheets + list(options.get("stylesheets") or [])
    options.setdefault("font_config", font_configuration())
    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher())
    out = io.BytesIO()
    document.write_pdf(out, finisher=finish, **options)
    return out.getvalue()


def _deref(pdf, value):
    """The pydyf object a reference (b"12 0 R") names, or None for an MCID or other value."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return None


def _kids(pdf, element) -> list:
    kids = element.get("K")
    if not isinstance(kids, list):
        kids = [kids]
    found = (_deref(pdf, kid) for kid in kids)
    return [kid for kid in found if isinstance(kid, dict)]


def scope_table_headers(pdf) -> int:
    """Give every table header cell (/TH) of a tagged WeasyPrint PDF its /Scope; returns how
    many. WeasyPrint (70) links the data cells to their headers with /Headers and /ID, which
    PDF/UA-1 accepts, but writes no /Scope. A header cell is a row header when a data cell of
    its own row names it (``<th scope="row">`` in the template), a column header otherwise."""
    import pydyf

    def key(value) -> bytes:
        return value.data if isinstance(value, pydyf.Object) else str(value).encode()

    scoped = 0
    for obj in pdf.objects:
        if not isinstance(obj, dict) or obj.get("S") != "/TR":
            continue
        cells = _kids(pdf, obj)
        named = {
            key(header)
            for cell in cells
            if cell.get("S") == "/TD" and isinstance(cell.get("A"), dict)
            for header in cell["A"].get("Headers") or []
        }
        for cell in cells:
            if cell.get("S") != "/TH":
                continue
            attributes = cell.get("A")
            if not isinstance(attributes, dict):
                attributes = cell["A"] = pydyf.Dictionary({"O": "/Table"})
            attributes["Scope"] = "/Row" if key(cell.get("ID")) in named else "/Column"
            scoped += 1
    return scoped


# PDF/A-2 accepts XMP properties outside its own schemas only with an extension schema that
# describes them: the PDF/UA identification (ISO 14289-1, 6.7.11), as other producers write it.
_PDFUA_XMP = b"""<rdf:Description rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag>\
<rdf:li rdf:parseType="Resource">\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\
<pdfaProperty:name>part</pdfaProperty:name>\
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>\
</rdf:Description>\
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
pdfuaid:part="1" />"""


def declare_pdfua_part(pdf) -> None:
    """Add ``pdfuaid:part="1"`` (with its PDF/A extension schema) to the XMP WeasyPrint wrote
    for a PDF/A variant: WeasyPrint makes one variant at a time, the minutes are PDF/A-2u."""
    metadata = _deref(pdf, pdf.catalog.get("Metadata"))
    if metadata is None:
        raise ValueError("no XMP metadata to add the PDF/UA claim to (use a pdf_variant)")
    xmp = b"".join(
        part if isinstance(part, bytes) else str(part).encode() for part in metadata.stream
    )
    if b"pdfuaid:part" not in xmp:
        xmp = xmp.replace(b"</rdf:RDF>", _PDFUA_XMP + b"</rdf:RDF>", 1)
    metadata.stream = [xmp]


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def join_pdfs(
    cover: bytes,
    parts: list[bytes],
    bookmarks: list[tuple[str, int, list[tuple[str, int]]]] | tuple = (),
) -> bytes:
    """The cover PDF (WeasyPrint's, tagged) followed by ``parts`` in order, with bookmarks.

    The cover is kept whole: its structure tree, language, title shown, XMP and its own
    bookmarks (its headings); ``bookmarks`` (title, 0-based page, children as (title, page))
    follow them. The parts' pages are joined as they are, without their bookmarks and without
    their links into a structure tree of their own (pypdf joins pages, not structure trees).
    So with parts the whole is no PDF/UA document: its XMP drops the cover's
    ``pdfuaid:part``, keeping the title. Unreadable parts raise pypdf's errors."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(cover)))
    producer = writer.metadata.get("/Producer") if writer.metadata else None
    start = len(writer.pages)
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
    for page in writer.pages[start:]:
        # their keys into their own parent tree would name the cover's structure elements
        if "/StructParents" in page:
            del page[NameObject("/StructParents")]
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if "/StructParent" in annot:
                del annot[NameObject("/StructParent")]
    for title, page_index, children in bookmarks:
        parent = writer.add_outline_item(title=title, page_number=page_index)
        for child, child_page in children:
            writer.add_outline_item(title=child, page_number=child_page, parent=parent)
    if producer:
        writer.add_metadata({"/Producer": producer})
    metadata = writer.root_object.get("/Metadata")
    if parts and metadata is not None:
        stream = metadata.get_object()
        assert isinstance(stream, StreamObject)
        xmp = re.sub(rb'\s*pdfuaid:part="\d"', b"", stream.get_data())
        stream.set_data(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# The font of simple_pdf, embedded (a PDF whose fonts are not embedded looks different on
# every reader and fails PDF/A and PDF/UA): Liberation Sans from Debian's fonts-liberation2,
# DejaVu Sans as fallback, subset to the WinAnsi characters.
SIMPLE_FONTS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
_WIN_ANSI = range(32, 256)


@lru_cache(maxsize=1)
def _simple_font() -> tuple[str, str, bytes]:
    """The font dictionary's entries, the descriptor's and the subset font file (flate)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path = next((p for p in SIMPLE_FONTS if p.is_file()), None)
    if path is None:
        raise FileNotFoundError("geen lettertype gevonden: " + ", ".join(map(str, SIMPLE_FONTS)))
    chars = {code: bytes([code]).decode("cp1252", "replace") for code in _WIN_ANSI}
    font = TTFont(path)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []  # no shaping here: one glyph per character (and fast)
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "DSIG"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars.values() if c != "\ufffd"})
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = [round(hmtx[cmap[ord(c)]][0] * scale) if ord(c) in cmap else 0 for c in chars.values()]
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
    name = font["name"].getDebugName(6) or "LiberationSans"
    out = io.BytesIO()
    font.save(out)
    descriptor = (
        f"/FontName /OVLGFT+{name} /Flags 32 /FontBBox [{' '.join(map(str, bbox))}] "
        f"/ItalicAngle 0 /Ascent {round(hhea.ascent * scale)} "
        f"/Descent {round(hhea.descent * scale)} "
        f"/CapHeight {round(getattr(os2, 'sCapHeight', 700) * scale)} /StemV 80"
    )
    entries = (
        f"/BaseFont /OVLGFT+{name} /FirstChar {_WIN_ANSI[0]} /LastChar {_WIN_ANSI[-1]} "
        f"/Widths [{' '.join(map(str, widths))}] /Encoding /WinAnsiEncoding"
    )
    data = out.getvalue()
    stream = zlib.compress(data, 9)
    font_file = b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n" % (
        len(stream),
        len(data),
    )
    return entries, descriptor, font_file + stream + b"\nendstream"


def _pdf_text(value: str) -> str:
    """A PDF text string (UTF-16BE with BOM) as a hex literal."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def simple_pdf(pages: list[list[str]], title: str | None = None, lang: str = "nl") -> bytes:
    """A small valid PDF: lines of text per page (Liberation Sans, embedded, WinAnsi), its
    title (the first line unless given) shown, its language set. Untagged: for the demo's
    documents and the tests' sample files, made without WeasyPrint."""
    font_entries, descriptor, font_file = _simple_font()
    n = len(pages)
    first = 6  # objects 1-5: catalog, pages, font, descriptor, font file; then the pages
    kids = [first + 2 * i for i in range(n)]
    if title is None:
        title = next((line for page in pages for line in page if line.strip()), "")
    objs = [
        (
            f"<< /Type /Catalog /Pages 2 0 R /Lang ({lang}) "
            "/ViewerPreferences << /DisplayDocTitle true >> >>"
        ).encode(),
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {n} >>".encode(),
        f"<< /Type /Font /Subtype /TrueType {font_entries} /FontDescriptor 4 0 R >>".encode(),
        f"<< /Type /FontDescriptor {descriptor} /FontFile2 5 0 R >>".encode(),
        font_file,
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
    objs.append(f"<< /Title {_pdf_text(title)} /Producer (Overleg) >>".encode())
    info = len(objs)
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        info,
        xref,
    )
    return out
