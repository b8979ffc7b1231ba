"""The agenda PDF and the vergaderstukken PDF: content, order, need-to-know, audit, queries."""

from __future__ import annotations

import io
import re
from datetime import date, time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from overleg.models import AuditEvent
from overleg.timeutil import today_local
from tests.conftest import assert_audit, login
from tests.doc_samples import CASUS_DOC, CASUS_TEXT, CASUS_TITLE, build_tvo, make_docx, make_pdf
from tests.test_documents import client_for, upload


@pytest.fixture
def tvo(seeded, people):
    return build_tvo(people)


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def get_pdf(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    return resp.data


def test_agenda_pdf_holds_items_in_order_with_times(app, tvo, as_role):
    upload(as_role("secretaris"), tvo["open_item"], make_pdf(["Evaluatie"]), "evaluatie-camera.pdf")
    data = get_pdf(client_for(app, tvo["member"]), f"/overleggen/{tvo['meeting'].id}/agenda.pdf")
    reader, text = pdf_text(data)
    text = flat(text)
    assert "Agenda Tactisch Veiligheidsoverleg" in text
    assert "dinsdag 12 maart 2019" in text
    assert "10:00 – 12:00 uur" in text
    assert "Gemeentehuis Hoogezand, kamer 2.14" in text
    # Participants with their part
    assert "Dirk Deelnemer" in text and "Gerda Gast" in text and "Gast" in text
    # Items numbered, in order, with their computed start times
    titles = [i.title for i in tvo["meeting"].agenda_items if i.on_agenda]
    from overleg.domain.agenda import start_times
    from overleg.timeutil import nl_time

    items = [i for i in tvo["meeting"].agenda_items if i.on_agenda]
    times = start_times(tvo["meeting"], items)
    positions = []
    for number, item in enumerate(items, start=1):
        needle = f"{number}. {nl_time(times[item.id])} {item.title}"
        assert needle in text, needle
        positions.append(text.index(needle))
    assert positions == sorted(positions)
    assert titles[0].startswith("Opening")
    assert "Wijkagent Noord" in text  # presenter
    assert "evaluatie-camera.pdf" in text  # documents listed per item
    # Confidentiality marking in the header, page x of y in the footer, on every page
    first = flat(reader.pages[0].extract_text())
    assert "BEVAT PERSOONSGEGEVENS (CASUS)" in first
    assert f"pagina 1 van {len(reader.pages)}" in first
    assert reader.trailer["/Root"].get("/Lang") == "nl"


def test_agenda_pdf_for_guest_shows_casus_reference_only(app, db, tvo, as_role):
    upload(as_role("secretaris"), tvo["casus_item"], make_pdf(["Rapport"]), CASUS_DOC)
    data = get_pdf(client_for(app, tvo["guest"]), f"/overleggen/{tvo['meeting'].id}/agenda.pdf")
    _, text = pdf_text(data)
    text = flat(text)
    assert tvo["topic"].reference in text
    assert "Jansen" not in text and "Dorpsstraat" not in text
    assert CASUS_TEXT[:30] not in text
    assert CASUS_DOC not in text
    assert "Wijkagent Noord" not in text
    assert "Cameratoezicht Gorecht-Oost" in text  # the item the guest is invited for
    # The member sees the casus in full
    _, member_text = pdf_text(
        get_pdf(client_for(app, tvo["member"]), f"/overleggen/{tvo['meeting'].id}/agenda.pdf")
    )
    assert CASUS_TITLE in flat(member_text)


def test_agenda_export_with_casus_is_audited(app, db, tvo):
    get_pdf(client_for(app, tvo["member"]), f"/overleggen/{tvo['meeting'].id}/agenda.pdf")
    rows = assert_audit(
        "agenda_exported",
        object_type="meeting",
        object_id=tvo["meeting"].id,
        person_id=tvo["member"].id,
    )
    assert len(rows) == 1
    assert rows[0].ip_address


def test_agenda_without_casus_is_not_audited(app, db, seeded, people):
    from tests.factories import make_meeting, publish

    meeting = publish(make_meeting("ovo", participants=[(people["deelnemer"], "member")]))
    get_pdf(client_for(app, people["deelnemer"]), f"/overleggen/{meeting.id}/agenda.pdf")
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.event == "agenda_exported")
        )
        == 0
    )


def test_agenda_pdf_is_404_for_non_participant(app, tvo):
    c = client_for(app, tvo["outsider"])
    assert c.get(f"/overleggen/{tvo['meeting'].id}/agenda.pdf").status_code == 404
    assert c.get(f"/overleggen/{tvo['meeting'].id}/vergaderstukken.pdf").status_code == 404
    assert c.get("/overleggen/99999/agenda.pdf").status_code == 404


def test_vergaderstukken_pdf_joins_agenda_and_pdfs_in_agenda_order(app, db, tvo, as_role):
    sec = as_role("secretaris")
    # Upload the open item's files first, the casus file last: order follows the agenda.
    upload(
        sec,
        tvo["open_item"],
        make_pdf(["Camera bijlage 1 blad 1", "Camera bijlage 1 blad 2"]),
        "camera-1.pdf",
    )
    upload(sec, tvo["open_item"], make_docx(), "camera-brief.docx")
    upload(sec, tvo["open_item"], make_pdf(["Camera bijlage 2"]), "camera-2.pdf")
    upload(
        sec,
        tvo["casus_item"],
        make_pdf(["Casusrapport blad 1", "Casusrapport blad 2", "Casusrapport blad 3"]),
        CASUS_DOC,
    )
    agenda_pages = len(
        PdfReader(
            io.BytesIO(
                get_pdf(
                    client_for(app, tvo["member"]), f"/overleggen/{tvo['meeting'].id}/agenda.pdf"
                )
            )
        ).pages
    )

    data = get_pdf(
        client_for(app, tvo["member"]), f"/overleggen/{tvo['meeting'].id}/vergaderstukken.pdf"
    )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) in (agenda_pages + 6, agenda_pages + 7)  # contents may add a page
    tail = [p.extract_text().strip() for p in reader.pages[-6:]]
    # The casus item comes before the camera item on the agenda
    assert tail == [
        "Casusrapport blad 1",
        "Casusrapport blad 2",
        "Casusrapport blad 3",
        "Camera bijlage 1 blad 1",
        "Camera bijlage 1 blad 2",
        "Camera bijlage 2",
    ]
    head = flat("\n".join(p.extract_text() for p in reader.pages[:-6]))
    assert "Inhoud vergaderstukken" in head
    assert "camera-brief.docx" in head and "apart te downloaden" in head
    assert_audit("casus_document_downloaded", person_id=tvo["member"].id)
    assert_audit("agenda_exported", person_id=tvo["member"].id)


def test_vergaderstukken_pdf_for_guest_leaves_out_casus_documents(app, db, tvo, as_role):
    sec = as_role("secretaris")
    upload(
        sec, tvo["casus_item"], make_pdf(["Casusrapport blad 1", "Casusrapport blad 2"]), CASUS_DOC
    )
    upload(sec, tvo["open_item"], make_pdf(["Camera bijlage"]), "camera.pdf")
    data = get_pdf(
        client_for(app, tvo["guest"]), f"/overleggen/{tvo['meeting'].id}/vergaderstukken.pdf"
    )
    reader, text = pdf_text(data)
    text = flat(text)
    assert reader.pages[-1].extract_text().strip() == "Camera bijlage"
    assert "Casusrapport" not in text
    assert CASUS_DOC not in text and "Jansen" not in text
    assert "niet beschikbaar" in text
    assert tvo["topic"].reference in text
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.event == "casus_document_downloaded")
        )
        == 0
    )


def _meeting_with_items(n: int, participants):
    from overleg.domain.agenda import add_item
    from overleg.domain.topics import create_topic
    from overleg.extensions import db
    from tests.factories import make_meeting, meeting_type

    meeting = make_meeting(
        "tvo", date(2019, 4, 9), time(9, 0), minutes=600, participants=participants
    )
    for i in range(n):
        topic = None
        if i % 2 == 0:
            topic = create_topic(
                title=f"Casus {i}",
                meeting_type=meeting_type("tvo"),
                confidentiality="casus",
                year=2019,
            )
        add_item(meeting, title=f"Punt {i}", topic=topic, duration_minutes=5)
    db.session.commit()
    return meeting


def test_agenda_pdf_queries_do_not_grow_with_items(app, db, seeded, people, count_queries, as_role):
    member = people["deelnemer"]
    small = _meeting_with_items(5, [(member, "member")])
    large = _meeting_with_items(50, [(member, "member")])
    # Documents on every item of both meetings
    sec = as_role("secretaris")
    for m in (small, large):
        for item in m.agenda_items[:5] + m.agenda_items[-5:]:
            upload(sec, item, make_pdf(["x"]), "stuk.pdf")
    meetings = [(small.id, len(small.agenda_items)), (large.id, len(large.agenda_items))]
    assert meetings[1][1] - meetings[0][1] == 45
    member_client = client_for(app, member)
    counts = {}
    for role, client in (("member", member_client), ("secretaris", sec)):
        for meeting_id, n in meetings:
            db.session.expunge_all()
            with count_queries() as q:
                get_pdf(client, f"/overleggen/{meeting_id}/agenda.pdf")
            counts[(role, n)] = q.count
    (_, n_small), (_, n_large) = meetings
    assert counts[("member", n_small)] == counts[("member", n_large)], counts
    assert counts[("secretaris", n_small)] == counts[("secretaris", n_large)], counts
    print("agenda PDF queries:", counts)
    # The documents page (same data) does not grow either
    page = {}
    for meeting_id, n in meetings:
        db.session.expunge_all()
        with count_queries() as q:
            assert member_client.get(f"/overleggen/{meeting_id}/stukken").status_code == 200
        page[n] = q.count
    assert page[n_small] == page[n_large], page


def test_demo_guest_gets_references_only_in_both_pdfs(app, db, demo):
    """The demo: the guest invited for one TVO item sees only the reference of every other
    casus on that agenda, in the agenda PDF and in the vergaderstukken PDF."""
    from overleg.models import Document, Meeting, Participant, Topic
    from overleg.timeutil import utcnow

    assert demo["documents"] > 0
    guest_part = db.session.scalar(
        select(Participant)
        .join(Meeting)
        .where(Participant.part == "guest", Meeting.starts_at > utcnow())
    )
    meeting_id = guest_part.meeting_id
    from tests.factories import publish

    publish(guest_part.meeting)  # participants see the agenda once it is published
    c = app.test_client()
    assert login(c, guest_part.person.email, "Veilig-Overleg-2019").status_code == 302
    hidden = ("Aanhoudende burenruzie Kerkstraat", "Verward gedrag rond station Kropswolde")
    refs = [
        db.session.scalar(select(Topic.reference).where(Topic.title.startswith(t))) for t in hidden
    ]
    withheld_docs = db.session.scalars(
        select(Document.filename)
        .join(Document.agenda_item)
        .join(Topic)
        .where(Topic.reference.in_(refs))
    ).all()
    assert withheld_docs
    for path in ("agenda.pdf", "vergaderstukken.pdf"):
        _, text = pdf_text(get_pdf(c, f"/overleggen/{meeting_id}/{path}"))
        text = flat(text)
        assert "Gezin met zorgen om de kinderen, Martenshoek" in text
        for title, ref in zip(hidden, refs, strict=True):
            assert title not in text and ref in text
        for name in withheld_docs:
            assert name not in text
    assert "niet beschikbaar" in text
    assert "Notitie" in text  # the note of the item the guest is invited for is joined


def test_agenda_pdf_long_action_list_breaks_across_pages_and_marks_intern(
    app, db, seeded, people, as_role
):
    """A TVO (body default: casus) with no casus on its agenda is marked "Intern". The open
    actions under "Actielijst" start on page 1 right under their item and run on to the next
    page row by row; the actions table is wide enough for a date on one line."""
    from datetime import timedelta

    from overleg.domain import actions as da
    from overleg.timeutil import nl_date
    from tests.factories import make_meeting

    today = today_local()
    earlier = make_meeting(
        "tvo", today - timedelta(days=30), participants=[(people["deelnemer"], "member")]
    )
    item = next(i for i in earlier.agenda_items if i.standard_kind == "mededelingen")
    due = today - timedelta(days=3)
    for n in range(1, 41):
        da.add_action(
            earlier,
            item,
            f"Actiepunt nummer {n:02d} uitwerken",
            owner_person=people["deelnemer"],
            due_date=due,
        )
    meeting = make_meeting(
        "tvo", today + timedelta(days=5), participants=[(people["deelnemer"], "member")]
    )
    db.session.commit()
    reader, _ = pdf_text(get_pdf(as_role("secretaris"), f"/overleggen/{meeting.id}/agenda.pdf"))
    pages = [page.extract_text() for page in reader.pages]
    first = flat(pages[0])
    assert "INTERN" in first and "PERSOONSGEGEVENS" not in flat(" ".join(pages))
    assert "Actielijst" in first and "Actiepunt nummer 01 uitwerken" in first
    assert "Actiepunt nummer 40 uitwerken" not in first
    assert any("Actiepunt nummer 40 uitwerken" in flat(p) for p in pages[1:])
    due_label = nl_date(due, "long")
    assert any(due_label in line for p in pages for line in p.splitlines()), due_label


def test_agenda_pdf_is_pdf_ua_1_tagged_in_dutch_with_its_title_shown(app, tvo):
    data = get_pdf(client_for(app, tvo["member"]), f"/overleggen/{tvo['meeting'].id}/agenda.pdf")
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", xmp), xmp[:2000]
    assert "Agenda" in (reader.metadata.title or "")


def test_vergaderstukken_pdf_keeps_the_agenda_language_and_title(app, db, tvo, as_role):
    upload(as_role("secretaris"), tvo["open_item"], make_pdf(["Evaluatie"]), "evaluatie-camera.pdf")
    data = get_pdf(
        client_for(app, tvo["member"]), f"/overleggen/{tvo['meeting'].id}/vergaderstukken.pdf"
    )
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "Agenda" in (reader.metadata.title or "")


def _bookmarks(reader: PdfReader, items=None, depth: int = 0) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    out: list[tuple[int, str, int]] = []
    for entry in reader.outline if items is None else items:
        if isinstance(entry, list):
            out += _bookmarks(reader, entry, depth + 1)
        else:
            out.append((depth, entry.title, reader.get_destination_page_number(entry) + 1))
    return out


def test_vergaderstukken_pdf_has_bookmarks_per_item_and_numbers_its_own_pages(
    app, db, tvo, as_role
):
    sec = as_role("secretaris")
    upload(sec, tvo["open_item"], make_pdf(["Camera 1 blad 1", "Camera 1 blad 2"]), "camera-1.pdf")
    upload(sec, tvo["open_item"], make_pdf(["Camera 2"]), "camera-2.pdf")
    upload(sec, tvo["casus_item"], make_pdf(["Casusrapport"]), CASUS_DOC)
    url = f"/overleggen/{tvo['meeting'].id}/vergaderstukken.pdf"
    reader = PdfReader(io.BytesIO(get_pdf(client_for(app, tvo["member"]), url)))
    total = len(reader.pages)
    texts = [flat(p.extract_text()) for p in reader.pages]
    marks = _bookmarks(reader)
    # the agenda's own headings first, then per agenda item its documents, each at its page
    assert marks[0][1].startswith("Agenda Tactisch Veiligheidsoverleg") and marks[0][2] == 1
    items = [m for m in marks if m[0] == 0 and re.match(r"\d+\. ", m[1])]
    assert [m[1].split(". ", 1)[1] for m in items] == [
        CASUS_TITLE,
        "Cameratoezicht Gorecht-Oost",
    ], marks
    docs = {title: page for depth, title, page in marks if depth == 1 and title.endswith(".pdf")}
    assert list(docs) == [CASUS_DOC, "camera-1.pdf", "camera-2.pdf"], marks
    assert texts[docs[CASUS_DOC] - 1] == "Casusrapport"
    assert texts[docs["camera-1.pdf"] - 1] == "Camera 1 blad 1"
    assert texts[docs["camera-2.pdf"] - 1] == "Camera 2" and docs["camera-2.pdf"] == total
    assert items[1][2] == docs["camera-1.pdf"]
    # the cover's pages are numbered in the whole bundle; its contents say where each starts
    cover = docs[CASUS_DOC] - 1
    for n in range(cover):
        assert f"pagina {n + 1} van {total}" in texts[n]
    head = " ".join(texts[:cover])
    assert f"camera-1.pdf bijgevoegd, 2 pagina's, vanaf pagina {docs['camera-1.pdf']}" in head
    assert f"{CASUS_DOC} bijgevoegd, 1 pagina, vanaf pagina {docs[CASUS_DOC]}" in head
    # the guest's bundle names no casus document, not even in a bookmark
    guest = PdfReader(io.BytesIO(get_pdf(client_for(app, tvo["guest"]), url)))
    guest_marks = _bookmarks(guest)
    assert [t for d, t, p in guest_marks if d == 1 and t.endswith(".pdf")] == [
        "camera-1.pdf",
        "camera-2.pdf",
    ], guest_marks
    assert not any(CASUS_TITLE in t or CASUS_DOC in t for _, t, _ in guest_marks)
    assert f"pagina 1 van {len(guest.pages)}" in flat(guest.pages[0].extract_text())
