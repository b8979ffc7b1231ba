"""Security review (second pass): a participant sees an agenda only once it is published.

overleg/domain/agenda.py ``agenda_visible_to`` is honoured by the agenda page, both PDFs and
the document downloads, but the topic pages decide with need_to_know.visible_topics_stmt /
entitled_topic_ids / can_see_casus, which count every accepted item on any agenda of a
meeting the person takes part in, published or not. So the moment the secretary (or an
automatic escalation) puts a topic on a concept agenda, each participant of that meeting
finds it under /onderwerpen and reads its title, description and the item (title, question)
on the timeline; for a casus they even become "entitled" to it in full (and a casus_viewed
audit event is written for a view they should never have had)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.agenda import add_item
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import make_meeting, meeting_type, person

pytestmark = pytest.mark.usefixtures("seeded")

PASSWORD = "Veilig-Overleg-2019"
OPEN_TITLE = "Sluiting coffeeshop De Kroon overwogen"
OPEN_DESCRIPTION = "Signalen van handel vanuit het pand aan de Hoofdstraat"
ITEM_TITLE = "Voorbereiding bestuurlijke sluiting De Kroon"
CASUS_TITLE = "Gezin Van Dijk, Zuidbroek: zorgen om veiligheid kinderen"
CASUS_DESCRIPTION = "Vader recent vrijgekomen, meldingen huiselijk geweld"


def _client(email):
    from flask import current_app

    c = current_app.test_client()
    assert login(c, email, PASSWORD).status_code == 302
    return c


@pytest.fixture
def concept_tvo():
    """Next week's TVO, agenda still a concept, with the specialist as member."""
    member = person("specialist@example.org")
    sec = person("oov@example.org")
    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=7),
        participants=[(member, "member"), (sec, "secretary")],
    )
    assert meeting.agenda_status != "gepubliceerd"
    return meeting


def test_topic_on_concept_agenda_is_not_listed_or_readable(app, concept_tvo):
    topic = create_topic(
        title=OPEN_TITLE,
        description=OPEN_DESCRIPTION,
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    add_item(concept_tvo, title=ITEM_TITLE, topic=topic)
    db.session.commit()
    c = _client("specialist@example.org")
    # the agenda page keeps the item back (passes today) ...
    agenda = c.get(f"/overleggen/{concept_tvo.id}/agenda").get_data(as_text=True)
    assert ITEM_TITLE not in agenda and OPEN_TITLE not in agenda
    # ... but the topic list and the topic page show it in full
    listing = c.get("/onderwerpen").get_data(as_text=True)
    assert OPEN_TITLE not in listing
    assert topic.reference not in listing
    page = c.get(f"/onderwerpen/{topic.id}")
    html = page.get_data(as_text=True)
    assert OPEN_TITLE not in html
    assert OPEN_DESCRIPTION not in html
    assert ITEM_TITLE not in html


def test_casus_on_concept_agenda_is_not_opened_in_full(app, concept_tvo):
    topic = create_topic(
        title=CASUS_TITLE,
        description=CASUS_DESCRIPTION,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    add_item(concept_tvo, title="", topic=topic)
    db.session.commit()
    c = _client("specialist@example.org")
    html = c.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert CASUS_TITLE not in html
    assert CASUS_DESCRIPTION not in html
    listing = c.get("/onderwerpen?q=Van+Dijk").get_data(as_text=True)
    assert CASUS_TITLE not in listing


def test_concept_agenda_item_hidden_from_timeline_of_a_topic_the_reader_knows(app, concept_tvo):
    """The reader legitimately knows the topic from a held meeting; the concept agenda of the
    next meeting must not appear on its timeline (date, item title) before publication."""
    member = person("specialist@example.org")
    held = make_meeting(
        "tvo", today_local() - timedelta(days=21), participants=[(member, "member")]
    )
    topic = create_topic(
        title=OPEN_TITLE,
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    add_item(held, title="", topic=topic)
    add_item(concept_tvo, title=ITEM_TITLE, topic=topic)
    db.session.commit()
    c = _client("specialist@example.org")
    html = c.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert OPEN_TITLE in html  # the held meeting is fine
    assert ITEM_TITLE not in html  # the concept agenda's item is not
    assert f"/overleggen/{concept_tvo.id}/agenda" not in html


def test_cancelled_meeting_never_published_keeps_its_concept_agenda_closed(app):
    """agenda_visible_to opens an unpublished agenda once the meeting "has started"
    (starts_at <= now) - also for a meeting that was cancelled before it was held. Its
    concept agenda (frozen: a cancelled meeting's agenda can no longer be edited) then
    becomes readable to every participant the moment the cancelled start time passes."""
    from overleg.domain.meetings import cancel_meeting

    member = person("specialist@example.org")
    meeting = make_meeting(
        "tvo", today_local() - timedelta(days=1), participants=[(member, "member")]
    )
    topic = create_topic(
        title=OPEN_TITLE,
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    add_item(meeting, title=ITEM_TITLE, topic=topic, description=OPEN_DESCRIPTION)
    cancel_meeting(meeting, "Agenda nog niet rijp", send=False)
    db.session.commit()
    assert meeting.agenda_status != "gepubliceerd"
    c = _client("specialist@example.org")
    html = c.get(f"/overleggen/{meeting.id}/agenda").get_data(as_text=True)
    assert ITEM_TITLE not in html
    assert OPEN_DESCRIPTION not in html
    assert c.get(f"/overleggen/{meeting.id}/agenda.pdf").status_code == 404


def test_concept_agenda_does_not_open_a_casus_in_other_meetings_minutes(app, concept_tvo):
    """Entitlement to a casus travels from other meetings (need_to_know._casus_entitled), and
    that query counts items on concept agendas too: a guest who saw only the reference in the
    minutes of a held meeting reads the casus notes in full as soon as the secretary puts the
    casus on the concept agenda of a meeting that guest is a member of."""
    from overleg.domain.minutes import ensure_minutes, send_for_approval

    sec = person("oov@example.org")
    member = person("specialist@example.org")
    notes = "Moeder heeft contactverbod overtreden; kinderen tijdelijk bij oma ondergebracht"
    held = make_meeting(
        "tvo",
        today_local() - timedelta(days=14),
        participants=[(member, "guest"), (sec, "secretary")],
    )
    topic = create_topic(
        title=CASUS_TITLE, meeting_type=meeting_type("tvo"), confidentiality="casus", year=2019
    )
    item = add_item(held, title="", topic=topic)
    minutes = ensure_minutes(held, sec)
    item.notes = notes
    db.session.flush()
    send_for_approval(minutes, sec)
    db.session.commit()
    c = _client("specialist@example.org")
    before = c.get(f"/overleggen/{held.id}/verslag").get_data(as_text=True)
    assert notes not in before  # a guest not named: reference only
    add_item(concept_tvo, title="", topic=topic)  # secretary prepares next week's agenda
    db.session.commit()
    after = c.get(f"/overleggen/{held.id}/verslag").get_data(as_text=True)
    assert notes not in after
    assert CASUS_TITLE not in after
