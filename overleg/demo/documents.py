"""Demo vergaderstukken: a short PDF note on topic items of the demo meetings, so the
vergaderstukken PDF and the need-to-know on documents can be tried out. Fictional content."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.documents import add_document
from ..extensions import db
from ..models import AgendaItem, Meeting
from ..pdf import simple_pdf
from ..timeutil import nl_date

MAX_DEMO_DOCUMENTS = 40


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
