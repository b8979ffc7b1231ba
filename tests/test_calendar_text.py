"""What mail and .ics may carry (policy.calendar_text): the body, the time and a link. A casus
on the meeting's agenda never reaches a mail or a calendar, though its readers see it in
Overleg."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from overleg.domain import policy
from overleg.domain.agenda import add_item
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.mail.outbox import queue_meeting_mail
from overleg.timeutil import today_local
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")

CASUS_TITLE = "Zorgmelding gezin Vlinderstraat"
CASUS_TEXT = "Signalen van huiselijk geweld bij de buren"


def _client(app, email):
    c = app.test_client()
    assert login(c, email, DEMO_PASSWORD).status_code == 302
    return c


def test_calendar_text_is_the_body_and_a_link_only(app):
    member = person("specialist@example.org")
    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=5),
        participants=[(member, "member"), (person("oov@example.org"), "secretary")],
    )
    topic = create_topic(
        title=CASUS_TITLE,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        description=CASUS_TEXT,
    )
    add_item(meeting, title="", topic=topic, duration_minutes=15)
    publish(meeting)
    reference = topic.reference

    # Positive control: in Overleg the entitled participant reads the casus on the agenda.
    page = _client(app, "specialist@example.org").get(f"/overleggen/{meeting.id}/agenda")
    assert page.status_code == 200
    assert CASUS_TITLE in page.get_data(as_text=True)

    text = policy.calendar_text(meeting, "https://overleg.example.org/overleggen/1")
    assert meeting.meeting_type.name in text.summary
    assert text.description.endswith("https://overleg.example.org/overleggen/1")

    messages = queue_meeting_mail(meeting, meeting.participants, "REQUEST", "agenda_published")
    db.session.commit()
    assert len(messages) == 2
    ics = _client(app, "specialist@example.org").get(f"/agenda/overleg/{meeting.id}.ics")
    assert ics.status_code == 200
    outputs = [ics.get_data(as_text=True)]
    for m in messages:
        assert m.ics_text and "BEGIN:VEVENT" in m.ics_text
        outputs += [m.subject, m.body_text, m.ics_text]
        assert policy.calendar_summary(meeting) in m.subject
    for out in outputs:
        assert CASUS_TITLE not in out
        assert CASUS_TEXT not in out
        assert reference not in out
    event = icalendar.Calendar.from_ical(outputs[0]).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == policy.calendar_summary(meeting)
    assert str(event["DESCRIPTION"]).endswith(f"/overleggen/{meeting.id}")
