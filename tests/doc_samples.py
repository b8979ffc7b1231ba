"""Small, real files of each accepted type (and disguised ones) for the document tests."""

from __future__ import annotations

import io
import zipfile

from overleg.pdf import simple_pdf


def make_pdf(pages: list[str]) -> bytes:
    """A valid PDF with one line of text per page, readable by pypdf."""
    return simple_pdf([[text] for text in pages])


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="{part}" ContentType="{ct}"/></Types>'
)


def make_docx(macros: bool = False) -> bytes:
    ct = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macros
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    files = {
        "[Content_Types].xml": _CT.format(part="/word/document.xml", ct=ct),
        "word/document.xml": "<w:document/>",
    }
    if macros:
        files["word/vbaProject.bin"] = "macro"
    return _zip(files)


def make_xlsx() -> bytes:
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return _zip(
        {
            "[Content_Types].xml": _CT.format(part="/xl/workbook.xml", ct=ct),
            "xl/workbook.xml": "<workbook/>",
        }
    )


def make_plain_zip() -> bytes:
    return _zip({"readme.txt": "geen office-document"})


def make_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (160, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def make_jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 160)).save(buf, "JPEG")
    return buf.getvalue()


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode."
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


# --- a TVO meeting with a casus item and a guest invited for another item ----------------

CASUS_TITLE = "Overlast familie Jansen, Dorpsstraat 12"
CASUS_TEXT = "Buren melden dagelijks geschreeuw; politie is drie keer ter plaatse geweest."
CASUS_DOC = "rapport-familie-jansen.pdf"


def build_tvo(people):
    """A TVO meeting: deelnemer as member, a guest invited for the camera item only, an
    outsider; a casus item (with a PDF) and an open item (with a PDF and a DOCX)."""
    from datetime import date, time

    from overleg.domain.agenda import add_item, set_item_access
    from overleg.domain.topics import create_topic
    from overleg.extensions import db
    from tests.conftest import make_person
    from tests.factories import make_meeting, meeting_type

    guest = make_person("gast@test.example.org", "deelnemer", "Gerda Gast")
    outsider = make_person("buiten@test.example.org", "deelnemer", "Otto Buiten")
    member = people["deelnemer"]
    meeting = make_meeting(
        "tvo",
        date(2019, 3, 12),
        time(10, 0),
        minutes=120,
        participants=[(member, "member"), (guest, "guest")],
        location="Gemeentehuis Hoogezand, kamer 2.14",
    )
    topic = create_topic(
        title=CASUS_TITLE,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        description=CASUS_TEXT,
        year=2019,
    )
    casus_item = add_item(
        meeting,
        title=CASUS_TITLE,
        topic=topic,
        description=CASUS_TEXT,
        duration_minutes=20,
        presenter="Wijkagent Noord",
    )
    open_item = add_item(
        meeting,
        title="Cameratoezicht Gorecht-Oost",
        duration_minutes=25,
        presenter="Ambtenaar OOV",
        description="Evaluatie na een halfjaar.",
    )
    set_item_access(open_item, "gast", {guest.id})
    db.session.commit()
    return {
        "meeting": meeting,
        "topic": topic,
        "casus_item": casus_item,
        "open_item": open_item,
        "member": member,
        "guest": guest,
        "outsider": outsider,
    }
