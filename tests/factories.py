"""Small builders for tests that need meetings without going through the planning screens."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from overleg.domain.agenda import create_standard_items
from overleg.extensions import db
from overleg.models import Meeting, MeetingType, Participant, Person
from overleg.timeutil import local_to_utc, today_local


def meeting_type(code: str) -> MeetingType:
    """A seeded body ('driehoek', 'po', 'tvo', 'ovo'); use with the `seeded` fixture."""
    mt = db.session.scalar(select(MeetingType).where(MeetingType.code == code))
    assert mt is not None, f"meeting type {code} not seeded"
    return mt


def make_meeting(
    code: str = "tvo",
    day: date | None = None,
    at: time = time(10, 0),
    minutes: int = 90,
    participants: list[tuple[Person, str]] = (),
    location: str = "Gemeentehuis",
    standard_items: bool = True,
    commit: bool = True,
) -> Meeting:
    """A meeting of a seeded body at a local (Amsterdam) date and time, with participants
    given as (person, part) pairs."""
    day = day or (today_local() + timedelta(days=7))
    starts = local_to_utc(day, at)
    meeting = Meeting(
        meeting_type=meeting_type(code),
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        location=location,
    )
    db.session.add(meeting)
    for person, part in participants:
        db.session.add(
            Participant(meeting=meeting, person=person, part=part, from_roster=part != "guest")
        )
    if standard_items:
        db.session.flush()
        create_standard_items(meeting)
    if commit:
        db.session.commit()
    return meeting


def person(email: str) -> Person:
    p = db.session.scalar(select(Person).where(Person.email == email))
    assert p is not None, email
    return p


def publish(meeting: Meeting, commit: bool = True) -> Meeting:
    """Mark the meeting's agenda as published (what the secretary does when it is final):
    from then on its participants see the agenda, its PDFs and documents."""
    from overleg.timeutil import utcnow

    meeting.agenda_status = "gepubliceerd"
    meeting.agenda_published_at = utcnow()
    if commit:
        db.session.commit()
    return meeting
