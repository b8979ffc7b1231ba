"""A participant sees an agenda once the secretary has published it (or once the meeting has
started): before that the agenda page shows only the header, a notice, their own proposals
and the proposal form; the agenda PDF, the vergaderstukken PDF and the item documents answer
404. Secretaries always see it; the minutes are not affected."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from overleg.domain.agenda import add_item
from overleg.domain.policy import agenda_visible_to
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.doc_samples import make_pdf
from tests.factories import make_meeting, meeting_type, publish
from tests.test_documents import upload

PENDING = "De agenda is nog in voorbereiding; u krijgt bericht zodra hij is gepubliceerd."
CASUS_TITLE = "Escalatie gezin Zuidbroek"
OPEN_TITLE = "Evaluatie cameratoezicht Sappemeer"


def _client(app, person):
    c = app.test_client()
    assert login(c, person.email).status_code == 302
    return c


@pytest.fixture
def setup(seeded, people):
    """A TVO next week (concept agenda) with the deelnemer as member, a casus item just
    escalated there and an open item with a document."""
    member = people["deelnemer"]
    meeting = make_meeting(
        "tvo", today_local() + timedelta(days=7), time(10, 0), participants=[(member, "member")]
    )
    casus = create_topic(
        title=CASUS_TITLE,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        description="Zorgen om de kinderen",
        year=2019,
    )
    casus_item = add_item(meeting, title="", topic=casus)
    open_item = add_item(meeting, title=OPEN_TITLE, description="Na een halfjaar.")
    db.session.commit()
    return dict(
        meeting=meeting, member=member, casus=casus, casus_item=casus_item, open_item=open_item
    )


def _doc_id(open_item):
    from sqlalchemy import select

    from overleg.models import Document

    return db.session.scalar(select(Document.id).where(Document.agenda_item_id == open_item.id))


def test_rule_in_one_domain_function(setup, people):
    meeting, member = setup["meeting"], setup["member"]
    assert agenda_visible_to(people["secretaris"], meeting)
    assert agenda_visible_to(people["beheerder"], meeting)
    assert not agenda_visible_to(member, meeting)
    assert not agenda_visible_to(None, meeting)
    # once the meeting has started it is visible, published or not
    assert agenda_visible_to(member, meeting, now=meeting.starts_at + timedelta(minutes=1))
    publish(meeting)
    assert agenda_visible_to(member, meeting)


def test_participant_before_publication(app, setup, as_role):
    s = setup
    mid = s["meeting"].id
    sec = as_role("secretaris")
    assert upload(sec, s["open_item"], make_pdf(["Evaluatie"]), "evaluatie.pdf").status_code == 302
    doc_id = _doc_id(s["open_item"])
    c = _client(app, s["member"])
    resp = c.get(f"/overleggen/{mid}/agenda")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    # the header, the notice, the proposal form; no items, no casus, no PDF link
    assert "Agenda Tactisch Veiligheidsoverleg" in html
    assert PENDING in html
    assert "Een agendapunt voorstellen" in html
    assert OPEN_TITLE not in html and CASUS_TITLE not in html
    assert s["casus"].reference not in html
    assert "Opening en vaststelling agenda" not in html
    assert "Agenda als PDF" not in html
    # the PDFs and the document answer 404
    assert c.get(f"/overleggen/{mid}/agenda.pdf").status_code == 404
    assert c.get(f"/overleggen/{mid}/vergaderstukken.pdf").status_code == 404
    assert c.get(f"/stukken/{doc_id}").status_code == 404
    # the stukken page sends them to the agenda page with the notice
    resp = c.get(f"/overleggen/{mid}/stukken")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/overleggen/{mid}/agenda"
    )
    # the secretary sees all of it
    html = sec.get(f"/overleggen/{mid}/agenda").get_data(as_text=True)
    assert PENDING not in html and OPEN_TITLE in html and CASUS_TITLE in html
    assert sec.get(f"/overleggen/{mid}/agenda.pdf").status_code == 200
    assert sec.get(f"/stukken/{doc_id}").status_code == 200


def test_participant_still_proposes_and_sees_own_proposals(app, setup):
    s = setup
    c = _client(app, s["member"])
    resp = c.post(
        f"/overleggen/{s['meeting'].id}/agenda/voorstellen",
        data={
            "title": "Overlast scooters Kiel-Windeweer",
            "purpose": "bespreking",
            "duration_minutes": "10",
        },
    )
    assert resp.status_code == 302
    html = c.get(f"/overleggen/{s['meeting'].id}/agenda").get_data(as_text=True)
    assert PENDING in html
    assert "Overlast scooters Kiel-Windeweer" in html and "Wacht op de secretaris" in html
    assert OPEN_TITLE not in html


def test_participant_after_publication_sees_full_agenda(app, setup, as_role):
    s = setup
    mid = s["meeting"].id
    sec = as_role("secretaris")
    assert upload(sec, s["open_item"], make_pdf(["Evaluatie"]), "evaluatie.pdf").status_code == 302
    doc_id = _doc_id(s["open_item"])
    assert sec.post(f"/overleggen/{mid}/agenda/publiceren").status_code == 302
    c = _client(app, s["member"])
    html = c.get(f"/overleggen/{mid}/agenda").get_data(as_text=True)
    assert PENDING not in html
    assert "Opening en vaststelling agenda" in html and OPEN_TITLE in html
    assert CASUS_TITLE in html  # a member is entitled to the casus item
    assert "Agenda als PDF" in html
    assert c.get(f"/overleggen/{mid}/agenda.pdf").status_code == 200
    assert c.get(f"/overleggen/{mid}/vergaderstukken.pdf").status_code == 200
    assert c.get(f"/stukken/{doc_id}").status_code == 200
    assert c.get(f"/overleggen/{mid}/stukken").status_code == 200


def test_held_meeting_agenda_visible_without_publication(app, seeded, people):
    member = people["deelnemer"]
    held = make_meeting(
        "tvo", today_local() - timedelta(days=3), time(10, 0), participants=[(member, "member")]
    )
    add_item(held, title=OPEN_TITLE)
    db.session.commit()
    assert held.agenda_status != "gepubliceerd"
    c = _client(app, member)
    html = c.get(f"/overleggen/{held.id}/agenda").get_data(as_text=True)
    assert PENDING not in html and OPEN_TITLE in html
    assert c.get(f"/overleggen/{held.id}/agenda.pdf").status_code == 200


def test_non_participant_still_404(app, setup):
    from tests.conftest import make_person

    outsider = make_person("buiten@test.example.org", "deelnemer", "Otto Buiten")
    publish(setup["meeting"])
    c = _client(app, outsider)
    assert c.get(f"/overleggen/{setup['meeting'].id}/agenda").status_code == 404
    assert c.get(f"/overleggen/{setup['meeting'].id}/agenda.pdf").status_code == 404


def test_meeting_page_offers_agenda_pdf_only_once_published(app, seeded):
    from datetime import timedelta

    from overleg.domain.agenda import publish_agenda
    from overleg.extensions import db
    from tests.conftest import login
    from tests.factories import make_meeting, person

    member = person("sociaalteam@example.org")
    meeting = make_meeting(
        "tvo", today_local() + timedelta(days=9), participants=[(member, "member")]
    )
    c = app.test_client()
    login(c, member.email, "Veilig-Overleg-2019")
    html = c.get(f"/overleggen/{meeting.id}").get_data(as_text=True)
    assert "Agenda (PDF)" not in html and "Vergaderstukken" not in html
    publish_agenda(meeting)
    db.session.commit()
    html = c.get(f"/overleggen/{meeting.id}").get_data(as_text=True)
    assert "Agenda (PDF)" in html and "Vergaderstukken" in html
