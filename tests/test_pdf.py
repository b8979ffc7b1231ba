"""The PDF module: lazy WeasyPrint import and a url fetcher that serves only /static/."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from pypdf import PdfReader

from overleg.pdf import PDF_BASE_URL, RefusedURL, fetch, join_pdfs, render_pdf
from tests.doc_samples import make_pdf


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "http://example.org/logo.png",
        "https://example.org/static/css/print.css",
        "http://overleg.pdf.invalid/static/css/print.css",  # other scheme
        PDF_BASE_URL + "static/../config.py",  # out of static/
        PDF_BASE_URL + "static/%2e%2e/config.py",
        PDF_BASE_URL + "config.py",  # not under /static/
        PDF_BASE_URL + "static/css/bestaat-niet.css",
        "data:text/css,body{color:red}",
        "ftp://example.org/x",
    ],
)
def test_fetcher_refuses_file_and_outside_urls(url):
    with pytest.raises(RefusedURL):
        fetch(url)


def test_fetcher_serves_static_files():
    css = fetch(PDF_BASE_URL + "static/css/print.css")
    assert b"@page" in css


def test_render_ignores_refused_resources_and_reads_static():
    html = (
        '<html lang="nl"><head><link rel="stylesheet" href="/static/css/print.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<p>Agenda</p><img src="file:///etc/passwd" alt=""><img src="http://example.org/x.png" alt="">'
        '<iframe src="http://example.org/"></iframe></body></html>'
    )
    pdf = render_pdf(html)
    reader = PdfReader(io.BytesIO(pdf))
    assert "Agenda" in reader.pages[0].extract_text()
    assert b"root:" not in pdf


def test_weasyprint_is_imported_lazily():
    code = (
        "import sys; import overleg.pdf; from overleg import create_app; create_app(); "
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_merge_keeps_order_and_pages():
    joined = join_pdfs(make_pdf(["A1", "A2"]), [make_pdf(["B1"])])
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(joined)).pages]
    assert texts == ["A1", "A2", "B1"]


def test_render_passes_options_for_pdf_a():
    pdf = render_pdf(
        '<html lang="nl"><head><title>Verslag</title></head><body><h1>Verslag</h1></body></html>',
        pdf_variant="pdf/a-2u",
        pdf_tags=True,
        uncompressed_pdf=True,
    )
    assert b"pdfaid:part" in pdf and b"StructTreeRoot" in pdf


def test_fonts_are_embedded_system_fonts():
    pdf = render_pdf(
        '<html lang="nl"><head><link rel="stylesheet" href="/static/css/print.css">'
        "</head><body><p>Agenda <b>vet</b></p></body></html>"
    )
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert fonts and all("Liberation-Sans" in f for f in fonts), fonts
