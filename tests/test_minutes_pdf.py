"""The minutes PDF: archival PDF/A-2u with structure tags, metadata, decisions and actions,
CONCEPT on every page of a concept, byte-identical downloads of an approved version, and an
audit row for every export."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from overleg.extensions import db
from overleg.models import AuditEvent
from tests.conftest import login
from tests.minutes_support import (
    item_of,
    minutes_of,
    page_state,
    past_meeting,
    pdf_text,
    save_notes,
)


@pytest.fixture
def approved(seeded, people, as_role):
    """A TVO meeting with notes, a decision and actions, approved at the next TVO meeting."""
    sec = as_role("secretaris")
    reader = people["deelnemer"]
    first = past_meeting("tvo", 28, [(reader, "member"), (people["secretaris"], "secretary")])
    second = past_meeting("tvo", 7, [(reader, "member"), (people["secretaris"], "secretary")])
    item = item_of(first, "mededelingen")
    version, base = page_state(sec, first, item)
    assert (
        save_notes(
            sec, first, item, "De wijkagent meldt overlast bij het winkelcentrum.", version, base
        ).status_code
        == 302
    )
    sec.post(
        f"/overleggen/{first.id}/verslag/punten/{item.id}/besluiten",
        data={"text": "Het TVO stelt een integrale aanpak winkelcentrum op."},
    )
    sec.post(
        f"/overleggen/{first.id}/verslag/punten/{item.id}/actiepunten",
        data={
            "what": "Cameratoezicht onderzoeken",
            "owner": f"p-{reader.id}",
            "due_date": "2019-04-30",
        },
    )
    ps = {p.person_id: p.id for p in first.participants}
    sec.post(
        f"/overleggen/{first.id}/verslag/aanwezigheid",
        data={
            f"aanwezigheid-{ps[reader.id]}": "afwezig_met_bericht",
            f"aanwezigheid-{ps[people['secretaris'].id]}": "aanwezig",
        },
    )
    assert sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    m = minutes_of(first)
    assert sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302
    return {"sec": sec, "first": first, "second": second, "minutes": minutes_of(first)}


def _pdf(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/pdf"
    return resp.data


def test_approved_pdf_is_pdfa2u_tagged_and_complete(approved, people, year=None):
    data = _pdf(approved["sec"], f"/overleggen/{approved['first'].id}/verslag.pdf")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="2"' in xmp  # WeasyPrint writes the PDF/A id as attributes
    assert 'pdfaid:conformance="U"' in xmp
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("nl")
    assert root["/MarkInfo"]["/Marked"]
    info = reader.metadata
    assert info.title.startswith("Verslag Tactisch Veiligheidsoverleg")
    assert info.author == people["secretaris"].name
    assert "Tactisch Veiligheidsoverleg" in info.subject
    text = "\n".join(pdf_text(data))
    for expected in (
        "Tactisch Veiligheidsoverleg",
        "Voorzitter",
        "Notulist",
        "Aanwezig",
        "Afwezig met bericht",
        people["deelnemer"].name,
        "De wijkagent meldt overlast bij het winkelcentrum.",
        "Het TVO stelt een integrale aanpak winkelcentrum op.",
        "Cameratoezicht onderzoeken",
        "Rubricering Intern",
        "Vastgesteld in de vergadering van",
    ):
        assert expected.replace(" ", "") in text.replace(" ", "").replace("\n", ""), expected
    code = db.session.scalar(
        select(__import__("overleg.models", fromlist=["Decision"]).Decision.code)
    )
    assert code in text
    pages = pdf_text(data)
    assert all(f"pagina {n} van {len(pages)}" in p for n, p in enumerate(pages, 1))
    assert not any("CONCEPT" in p for p in pages)


def test_approved_version_downloads_byte_identical(approved, people, app):
    first = approved["first"]
    one = _pdf(approved["sec"], f"/overleggen/{first.id}/verslag.pdf")
    two = _pdf(approved["sec"], f"/overleggen/{first.id}/verslag.pdf")
    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    three = _pdf(reader, f"/overleggen/{first.id}/verslag/versies/1.pdf")
    assert one == two == three
    v = approved["minutes"].versions[0]
    assert hashlib.sha256(one).hexdigest() == v.pdf_sha256
    resp = reader.get(f"/overleggen/{first.id}/verslag.pdf")
    assert resp.headers["ETag"] == f'"{v.pdf_sha256}"'


def test_every_export_is_logged_with_who(approved, people, app):
    first, m = approved["first"], approved["minutes"]
    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    _pdf(approved["sec"], f"/overleggen/{first.id}/verslag.pdf")
    _pdf(reader, f"/overleggen/{first.id}/verslag.pdf")
    rows = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.event == "minutes_exported", AuditEvent.object_id == m.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [r.person_id for r in rows] == [people["secretaris"].id, people["deelnemer"].id]
    assert all(r.object_type == "minutes" and r.object_ref.startswith("TVO-verslag-") for r in rows)


def test_concept_has_concept_on_every_page(seeded, people, as_role):
    sec = as_role("secretaris")
    meeting = past_meeting("tvo", 3, [(people["secretaris"], "secretary")])
    long_text = "\n".join(f"Regel {n}: bespreking van de aanpak in de wijk." for n in range(40))
    for item in meeting.agenda_items:
        version, base = page_state(sec, meeting, item)
        assert save_notes(sec, meeting, item, long_text, version, base).status_code == 302
    data = _pdf(sec, f"/overleggen/{meeting.id}/verslag.pdf")
    pages = pdf_text(data)
    assert len(pages) >= 3
    assert all("CONCEPT" in p for p in pages)
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root


def test_marking_is_the_most_confidential_topic_item_not_the_body_default(seeded, people, as_role):
    """A TVO (body default: casus) without any casus on its agenda is marked "Intern"; a
    vertrouwelijk topic makes it "Vertrouwelijk", a besloten item at least that, a casus topic
    "Bevat persoonsgegevens (casus)"; on the minutes page and in the minutes PDF alike."""
    from overleg.domain.agenda import add_item, meeting_marking
    from overleg.domain.topics import create_topic
    from tests.factories import meeting_type

    sec = as_role("secretaris")
    meeting = past_meeting(
        "tvo", 10, [(people["deelnemer"], "member"), (people["secretaris"], "secretary")]
    )
    assert meeting.meeting_type.default_confidentiality == "casus"

    def marking():
        db.session.expire_all()
        items = [i for i in meeting.agenda_items if i.on_agenda]
        return meeting_marking(meeting, items)

    assert marking() == "intern"
    item = item_of(meeting, "mededelingen")
    version, base = page_state(sec, meeting, item)
    assert save_notes(sec, meeting, item, "Geen bijzonderheden.", version, base).status_code == 302
    text = "".join(pdf_text(_pdf(sec, f"/overleggen/{meeting.id}/verslag.pdf")))
    assert "INTERN" in text and "PERSOONSGEGEVENS" not in text
    agenda = sec.get(f"/overleggen/{meeting.id}/agenda.pdf")
    assert b"%PDF" in agenda.data[:8]

    tvo = meeting_type("tvo")
    intern = create_topic(
        title="Openbare verlichting", meeting_type=tvo, confidentiality="intern", year=2019
    )
    add_item(meeting, title="Openbare verlichting", topic=intern)
    db.session.commit()
    assert marking() == "intern"
    besloten = add_item(meeting, title="Besloten punt")
    besloten.besloten = True
    db.session.commit()
    assert marking() == "vertrouwelijk"
    besloten.besloten = False
    vertrouwelijk = create_topic(
        title="Signalen ondermijning", meeting_type=tvo, confidentiality="vertrouwelijk", year=2019
    )
    add_item(meeting, title="Signalen ondermijning", topic=vertrouwelijk)
    db.session.commit()
    assert marking() == "vertrouwelijk"
    text = "".join(pdf_text(_pdf(sec, f"/overleggen/{meeting.id}/verslag.pdf")))
    assert "VERTROUWELIJK" in text and "PERSOONSGEGEVENS" not in text
    casus = create_topic(
        title="Casus Dorpsstraat", meeting_type=tvo, confidentiality="casus", year=2019
    )
    add_item(meeting, title="Casus Dorpsstraat", topic=casus)
    db.session.commit()
    assert marking() == "casus"
    assert sec.post(f"/overleggen/{meeting.id}/verslag/ter-vaststelling").status_code == 302
    page = as_role("deelnemer").get(f"/overleggen/{meeting.id}/verslag").get_data(as_text=True)
    assert "Rubricering</th><td>Bevat persoonsgegevens (casus)" in page
    text = "".join(pdf_text(_pdf(sec, f"/overleggen/{meeting.id}/verslag.pdf")))
    assert "PERSOONSGEGEVENS" in text.replace(" ", "")


def test_demo_decisions_and_actions_belong_to_their_topic(app, demo):
    """A decision or action on a topic item is about that topic: the demo never files the
    same text under two topics (except its one generic text), nor a text of a meeting's own
    business under a topic."""
    from overleg.models import ActionItem, AgendaItem, Decision

    generic = {
        "Het overleg stemt in met de voorgestelde aanpak van dit onderwerp.",
        "Stand van zaken van dit onderwerp terugkoppelen",
    }

    def texts_by_topic(rows, text_of):
        on_topic: dict[str, set[int]] = {}
        off_topic: set[str] = set()
        for row in rows:
            item_id = row.agenda_item_id
            item = None if item_id is None else db.session.get(AgendaItem, item_id)
            text = text_of(row)
            if item is None or item.topic is None:
                off_topic.add(text)
            elif text not in (item.outcome or ""):  # an escalation concluded on that item
                on_topic.setdefault(text, set()).add(item.topic_id)
        return on_topic, off_topic

    decisions, general = texts_by_topic(db.session.scalars(select(Decision)), lambda d: d.text)
    assert decisions and general
    shared = {t for t, topics in decisions.items() if len(topics) > 1}
    assert shared <= generic, shared
    assert not set(decisions) & general
    actions, _ = texts_by_topic(db.session.scalars(select(ActionItem)), lambda a: a.what)
    assert actions
    shared = {t for t, topics in actions.items() if len(topics) > 1}
    assert shared <= generic, shared
