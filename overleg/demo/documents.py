"""Demo vergaderstukken: a short PDF note on topic items of the demo meetings, so the
vergaderstukken PDF and the need-to-know on documents can be tried out. Fictional content."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AgendaItem, Meeting
from ..timeutil import nl_date
from .documents import add_document

MAX_DEMO_DOCUMENTS = 40


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


def seed_documents() -> int:
    """A note (PDF) on each topic item of the demo meetings that has none yet; returns the
    number added. Idempotent."""
    items = db.session.scalars(
        select(AgendaItem)
        .join(Meeting)
        .where(AgendaItem.topic_id.is_not(None))
        .options(
            selectinload(AgendaItem.topic),
            selectinload(AgendaItem.documents),
            selectinload(AgendaItem.meeting).selectinload(Meeting.meeting_type),
        )
        .order_by(Meeting.starts_at, AgendaItem.position)
    ).all()
    added = 0
    for item in items:
        if added >= MAX_DEMO_DOCUMENTS:
            break
        if item.documents or not item.on_agenda:
            continue
        topic, meeting = item.topic, item.meeting
        pages = [
            [
                f"Notitie {topic.reference}",
                f"{meeting.meeting_type.name}, {nl_date(meeting.starts_at)}",
                f"Agendapunt: {item.title}",
                f"Rubricering: {topic.confidentiality_label}",
                "",
                "Fictieve demonstratietekst: aanleiding, stand van zaken en voorstel.",
                "Dit stuk hoort bij de vergaderstukken van het overleg.",
            ]
        ]
        if topic.is_casus:
            pages.append(
                [
                    f"Bijlage bij {topic.reference}",
                    "Overzicht van signalen en betrokken ketenpartners (fictief).",
                ]
            )
        add_document(
            item, f"notitie-{topic.reference}.pdf", simple_pdf(pages), None, mark_changed=False
        )
        added += 1
    db.session.commit()
    return added
