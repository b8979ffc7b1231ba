"""A participant sees an agenda once the secretary has published it (or once the meeting has
started): before that the agenda page shows only the header, a notice, their own proposals
and the proposal form; the agenda PDF, the vergaderstukken PDF and the item documents answer
404. Secretaries always see it; the minutes are not affected."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import current_app

from overleg.domain.agenda import add_item
from overleg.domain.policy import agenda_visible_to
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import demo_client, get_page, login
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
    html = get_page(c, f"/overleggen/{meeting.id}")
    assert "Agenda (PDF)" not in html and "Vergaderstukken" not in html
    publish_agenda(meeting)
    db.session.commit()
    html = get_page(c, f"/overleggen/{meeting.id}")
    assert "Agenda (PDF)" in html and "Vergaderstukken" in html


# --- topics on a concept agenda stay unknown to participants until publication ---------------
# The topic list, the topic page and the minutes of other meetings follow the agenda: a topic
# put on a concept agenda is not revealed to that meeting's participants before it is out.

PASSWORD = "Veilig-Overleg-2019"
CONCEPT_TOPIC = "Sluiting coffeeshop De Kroon overwogen"
CONCEPT_DESCRIPTION = "Signalen van handel vanuit het pand aan de Hoofdstraat"
CONCEPT_ITEM = "Voorbereiding bestuurlijke sluiting De Kroon"
CONCEPT_CASUS = "Gezin Van Dijk, Zuidbroek: zorgen om veiligheid kinderen"
CONCEPT_CASUS_DESCRIPTION = "Vader recent vrijgekomen, meldingen huiselijk geweld"


@pytest.fixture
def concept_tvo(seeded):
    """Next week's TVO, agenda still a concept, with the specialist as member."""
    from tests.factories import person

    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=7),
        participants=[
            (person("specialist@example.org"), "member"),
            (person("oov@example.org"), "secretary"),
        ],
    )
    assert meeting.agenda_status != "gepubliceerd"
    return meeting


def _pages(client, topic, meeting, search=""):
    """(topic page, topic list, agenda page) as the client sees them, each checked 200."""
    out = []
    for url in (
        f"/onderwerpen/{topic.id}",
        f"/onderwerpen{search}",
        f"/overleggen/{meeting.id}/agenda",
    ):
        resp = client.get(url)
        assert resp.status_code == 200, url
        out.append(resp.get_data(as_text=True))
    return out


def test_topic_on_a_concept_agenda_is_not_listed_or_readable_until_published(concept_tvo):
    topic = create_topic(
        title=CONCEPT_TOPIC,
        description=CONCEPT_DESCRIPTION,
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    add_item(concept_tvo, title=CONCEPT_ITEM, topic=topic)
    db.session.commit()
    member = demo_client(current_app, "specialist@example.org")
    assert member.get(f"/onderwerpen/{topic.id}").status_code == 404
    listing = member.get("/onderwerpen")
    assert listing.status_code == 200
    assert CONCEPT_TOPIC not in listing.get_data(as_text=True)
    assert topic.reference not in listing.get_data(as_text=True)
    agenda = member.get(f"/overleggen/{concept_tvo.id}/agenda")
    assert agenda.status_code == 200
    assert PENDING in agenda.get_data(as_text=True)
    assert CONCEPT_ITEM not in agenda.get_data(as_text=True)
    # the secretary sees all of it now, the member once the agenda is published
    page, listing, agenda = _pages(demo_client(current_app, "oov@example.org"), topic, concept_tvo)
    assert CONCEPT_DESCRIPTION in page and CONCEPT_ITEM in page
    assert CONCEPT_TOPIC in listing and CONCEPT_ITEM in agenda
    publish(concept_tvo)
    page, listing, agenda = _pages(member, topic, concept_tvo)
    assert CONCEPT_DESCRIPTION in page and CONCEPT_ITEM in page
    assert topic.reference in listing and CONCEPT_ITEM in agenda


def test_casus_on_a_concept_agenda_is_not_opened_until_published(concept_tvo):
    topic = create_topic(
        title=CONCEPT_CASUS,
        description=CONCEPT_CASUS_DESCRIPTION,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    add_item(concept_tvo, title="", topic=topic)
    db.session.commit()
    member = demo_client(current_app, "specialist@example.org")
    page = member.get(f"/onderwerpen/{topic.id}")
    assert page.status_code == 404
    listing = member.get("/onderwerpen?q=Van+Dijk")
    assert listing.status_code == 200
    assert CONCEPT_CASUS not in listing.get_data(as_text=True)
    publish(concept_tvo)  # a member of the meeting may now know the casus in full
    page, listing, _ = _pages(member, topic, concept_tvo, search="?q=Van+Dijk")
    assert CONCEPT_CASUS in page and CONCEPT_CASUS_DESCRIPTION in page
    assert CONCEPT_CASUS in listing


def test_concept_agenda_item_not_on_the_timeline_of_a_topic_the_reader_knows(concept_tvo):
    """The reader knows the topic from a held meeting; the next meeting's concept agenda does
    not appear on its timeline (date, item title) before publication."""
    from tests.factories import person

    held = make_meeting(
        "tvo",
        today_local() - timedelta(days=21),
        participants=[(person("specialist@example.org"), "member")],
    )
    topic = create_topic(
        title=CONCEPT_TOPIC,
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    add_item(held, title="", topic=topic)
    add_item(concept_tvo, title=CONCEPT_ITEM, topic=topic)
    db.session.commit()
    member = demo_client(current_app, "specialist@example.org")
    resp = member.get(f"/onderwerpen/{topic.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert CONCEPT_TOPIC in html  # the held meeting is fine
    assert CONCEPT_ITEM not in html  # the concept agenda's item is not
    assert f"/overleggen/{concept_tvo.id}/agenda" not in html
    publish(concept_tvo)
    html = member.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert CONCEPT_ITEM in html
    assert f"/overleggen/{concept_tvo.id}/agenda" in html


def test_cancelled_meeting_never_published_keeps_its_concept_agenda_closed(seeded):
    """A meeting cancelled before its agenda was published: once its start time has passed,
    its frozen concept agenda still stays closed to the participants."""
    from overleg.domain.meetings import cancel_meeting
    from tests.factories import person

    meeting = make_meeting(
        "tvo",
        today_local() - timedelta(days=1),
        participants=[(person("specialist@example.org"), "member")],
    )
    add_item(meeting, title=CONCEPT_ITEM, description=CONCEPT_DESCRIPTION)
    # cancelled in time, before it began; seen now, after its start
    cancel_meeting(
        meeting, "Agenda nog niet rijp", send=False, now=meeting.starts_at - timedelta(days=1)
    )
    db.session.commit()
    assert meeting.agenda_status != "gepubliceerd"
    secretary = demo_client(current_app, "oov@example.org")
    resp = secretary.get(f"/overleggen/{meeting.id}/agenda")
    assert resp.status_code == 200
    assert CONCEPT_ITEM in resp.get_data(as_text=True)
    assert secretary.get(f"/overleggen/{meeting.id}/agenda.pdf").status_code == 200
    member = demo_client(current_app, "specialist@example.org")
    resp = member.get(f"/overleggen/{meeting.id}/agenda")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert CONCEPT_ITEM not in html
    assert CONCEPT_DESCRIPTION not in html
    assert member.get(f"/overleggen/{meeting.id}/agenda.pdf").status_code == 404


def test_concept_agenda_does_not_open_a_casus_in_another_meetings_minutes(concept_tvo):
    """A guest who saw only the casus's reference in a held meeting's minutes does not read
    its notes there once the secretary puts the casus on a concept agenda of a meeting the
    guest is a member of."""
    from overleg.domain.minutes import ensure_minutes, send_for_approval
    from tests.factories import person

    sec = person("oov@example.org")
    notes = "Moeder heeft contactverbod overtreden; kinderen tijdelijk bij oma ondergebracht"
    held = make_meeting(
        "tvo",
        today_local() - timedelta(days=14),
        participants=[(person("specialist@example.org"), "guest"), (sec, "secretary")],
    )
    topic = create_topic(
        title=CONCEPT_CASUS, meeting_type=meeting_type("tvo"), confidentiality="casus", year=2019
    )
    item = add_item(held, title="", topic=topic)
    minutes = ensure_minutes(held, sec)
    item.notes = notes
    db.session.flush()
    send_for_approval(minutes, sec)
    db.session.commit()
    url = f"/overleggen/{held.id}/verslag"
    secretary = demo_client(current_app, "oov@example.org").get(url)
    assert secretary.status_code == 200
    assert notes in secretary.get_data(as_text=True) and CONCEPT_CASUS in secretary.get_data(
        as_text=True
    )
    guest = demo_client(current_app, "specialist@example.org")
    before = guest.get(url)
    assert before.status_code == 200
    assert topic.reference in before.get_data(as_text=True)  # the reference only
    assert notes not in before.get_data(as_text=True)
    add_item(concept_tvo, title="", topic=topic)  # secretary prepares next week's agenda
    db.session.commit()
    after = guest.get(url)
    assert after.status_code == 200
    assert notes not in after.get_data(as_text=True)
    assert CONCEPT_CASUS not in after.get_data(as_text=True)


def test_a_kept_policy_clause_follows_the_clock(app, seeded, people, clock):
    """The read policy keeps its SQL per person (`policy._clauses`) and reads "now" when a
    query runs, not when the clause was made: for the same participant, in the same process,
    an agenda never published is closed until the meeting starts and open once it has."""
    from overleg.domain import policy
    from overleg.timeutil import utcnow

    member = people["deelnemer"]
    meeting = make_meeting("tvo", participants=[(member, "member")], commit=False)
    meeting.starts_at = utcnow() + timedelta(hours=1)
    meeting.ends_at = meeting.starts_at + timedelta(minutes=90)
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
    items = [open_item, casus_item]

    before = _client(app, member)
    html = before.get(f"/overleggen/{meeting.id}/agenda").get_data(as_text=True)
    assert PENDING in html
    assert OPEN_TITLE not in html and CASUS_TITLE not in html
    assert before.get(f"/onderwerpen/{casus.id}").status_code == 404
    assert policy.item_levels(member, items) == dict.fromkeys([i.id for i in items], "none")
    kept = policy._clauses(member.id)

    clock.shift(timedelta(hours=1, minutes=5))  # the meeting has started
    assert policy._clauses(member.id) is kept  # the very clauses made before
    assert policy.item_levels(member, items) == dict.fromkeys([i.id for i in items], "full")
    after = _client(app, member)  # (the first login has been idle too long by now)
    html = after.get(f"/overleggen/{meeting.id}/agenda").get_data(as_text=True)
    assert PENDING not in html
    assert OPEN_TITLE in html and CASUS_TITLE in html
    page = after.get(f"/onderwerpen/{casus.id}")
    assert page.status_code == 200 and CASUS_TITLE in page.get_data(as_text=True)
