"""PDF/UA-1 of what Overleg makes (tests/pdfua_support.py: qpdf, pdffonts, the pdfua package
and the rules it leaves out): the agenda, the vergaderstukken (its cover; the documents as
they came), the minutes (PDF/A-2u that also claims PDF/UA-1) and an attached document, for a
member and for a guest. The demo crawl (tests/test_demo_crawl.py) runs the same check on the
PDFs every demo account downloads. And the check can fail."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest

from overleg.pdf import render_pdf, simple_pdf
from tests import pdfua_support
from tests.doc_samples import CASUS_DOC, build_tvo, make_pdf
from tests.minutes_support import item_of, page_state, past_meeting, save_notes
from tests.test_documents import client_for, upload
from tests.test_pdf_agenda import get_pdf

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TABLE = """<!DOCTYPE html><html lang="nl"><head><title>Proef</title></head><body><h1>Proef</h1>
<table><tr><th scope="row">Datum</th><td>1 mei</td></tr></table>
<table><thead><tr><th scope="col">Naam</th><th scope="col">Rol</th></tr></thead>
<tbody><tr><td>Anna</td><td>Lid</td></tr></tbody></table></body></html>"""


@pytest.fixture
def tvo(seeded, people):
    return build_tvo(people)


def test_the_pdfs_of_a_meeting_pass_the_pdf_ua_check(app, tvo, people, as_role):
    sec = as_role("secretaris")
    upload(sec, tvo["open_item"], make_pdf(["Camera blad 1", "Camera blad 2"]), "camera.pdf")
    upload(sec, tvo["casus_item"], make_pdf(["Casusrapport"]), CASUS_DOC)
    # a tagged document too: joined without its structure tree, which no longer fits
    upload(sec, tvo["open_item"], render_pdf(TABLE, pdf_variant="pdf/ua-1"), "tabel.pdf")
    meeting = tvo["meeting"].id
    results = []
    agenda = get_pdf(client_for(app, tvo["member"]), f"/overleggen/{meeting}/agenda.pdf")
    results.append(pdfua_support.check_pdf("agenda (member)", agenda, "ua"))
    for who in ("member", "guest"):  # the guest's cover names the casus by reference only
        client = client_for(app, tvo[who])
        bundle = get_pdf(client, f"/overleggen/{meeting}/vergaderstukken.pdf")
        results.append(
            pdfua_support.check_pdf(
                f"vergaderstukken ({who})",
                bundle,
                "bundle",
                pdfua_support.bundle_cover_pages(bundle),
            )
        )
    # the minutes of a held meeting, with a decision (tables of decisions and actions)
    held = past_meeting("tvo", 14, [(people["deelnemer"], "member")])
    item = item_of(held, "mededelingen")
    version, base = page_state(sec, held, item)
    save_notes(sec, held, item, "Overlast bij het winkelcentrum besproken.", version, base)
    sec.post(
        f"/overleggen/{held.id}/verslag/punten/{item.id}/besluiten",
        data={"text": "Het TVO stelt een aanpak op."},
    )
    minutes = get_pdf(sec, f"/overleggen/{held.id}/verslag.pdf")
    results.append(pdfua_support.check_pdf("verslag (concept)", minutes, "ua"))
    results.append(pdfua_support.check_pdf("stuk", make_pdf(["Een stuk"]), "plain"))
    print("\n" + "\n".join(r.summary for r in results))
    errors = [e for r in results for e in r.errors]
    assert not errors, "\n".join(errors)
    # what was checked, as the summaries list it
    assert all("qpdf schoon" in r.summary for r in results)
    assert "pdfuaid:part 1" in results[0].summary and "TH met /Scope" in results[0].summary
    assert "pdfuaid:part -" in results[1].summary  # the bundle claims no PDF/UA
    with (
        pikepdf.open(io.BytesIO(minutes)) as pdf,
        pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp,
    ):
        assert xmp.get("pdfaid:part") == "2" and xmp.get("pdfaid:conformance") == "U"
        assert xmp.get("pdfuaid:part") == "1"


def test_table_headers_are_scoped_as_the_template_says(app):
    with pikepdf.open(io.BytesIO(render_pdf(TABLE, pdf_variant="pdf/ua-1"))) as pdf:
        scopes = {
            str(o.get("/ID")): str(o.A.Scope)
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/TH"
        }
    assert sorted(scopes.values()) == ["/Column", "/Column", "/Row"], scopes


def test_weasyprint_itself_writes_no_scope(app):
    """A finding about WeasyPrint (70): it links data cells to their header cells with
    /Headers and /ID (which PDF/UA-1 accepts) but writes no /Scope, whatever the <th scope>.
    overleg/pdf.py's scope_table_headers adds it. Should this fail after an upgrade,
    WeasyPrint writes /Scope itself and that function can go."""
    from weasyprint import HTML

    with pikepdf.open(io.BytesIO(HTML(string=TABLE).write_pdf(pdf_variant="pdf/ua-1"))) as pdf:
        headers = [
            o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/TH"
        ]
        assert len(headers) == 3
        assert all("/Scope" not in (h.get("/A") or {}) for h in headers)
        assert any(
            "/Headers" in (o.get("/A") or {})
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/TD"
        )


def test_every_table_header_in_the_templates_has_a_scope():
    unscoped = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in re.findall(r"<th\b[^>]*>", path.read_text(encoding="utf-8"))
        if not re.search(r'\bscope="(col|row|colgroup|rowgroup)"', tag)
    ]
    assert not unscoped, unscoped


def test_the_check_fails_on_what_pdf_ua_forbids(app):
    # an untagged document offered as PDF/UA, whose font is not embedded
    bare = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]"
        b"/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>endobj\n"
        b"4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"5 0 obj<</Length 34>>stream\nBT /F1 12 Tf 20 100 Td (Hoi) Tj ET\nendstream endobj\n"
    )
    with pikepdf.open(io.BytesIO(bare)) as pdf:  # qpdf repairs the missing xref
        out = io.BytesIO()
        pdf.save(out)
    errors = "\n".join(pdfua_support.check_pdf("kaal", out.getvalue(), "ua").errors)
    for expected in (
        "lettertype niet ingebed: Helvetica",
        "/Lang is ‘’",
        "DisplayDocTitle",
        "pdfuaid:part is None",
        "geen /StructTreeRoot",
        "pdfua UA-01-005",
    ):
        assert expected in errors, (expected, errors)
    # a broken file
    broken = pdfua_support.check_pdf("stuk", bare.replace(b"/Count 1", b"/Count 1 /Kids"), "plain")
    assert any("qpdf --check geeft exit" in e for e in broken.errors), broken.errors
    # header cells without /Scope: WeasyPrint's own output
    from weasyprint import HTML

    raw = pdfua_support.check_pdf("tabel", HTML(string=TABLE).write_pdf(pdf_variant="pdf/ua-1"))
    assert "tabel: 3 van 3 kopcellen (TH) zonder /Scope" in raw.errors, raw.errors
    # the attached documents the demo makes are plain: valid, fonts embedded, not PDF/UA
    plain = pdfua_support.check_pdf("notitie", simple_pdf([["Notitie", "tekst"]]), "plain")
    assert plain.errors == [] and "1 van 1 lettertypen ingebed" in plain.summary
    assert pdfua_support.check_pdf("notitie", simple_pdf([["Notitie"]]), "ua").errors
