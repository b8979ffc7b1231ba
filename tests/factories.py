"""Small builders for tests that need meetings without going through the planning screens."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

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


# --- rows with chosen moments, for counting (the progress report's tests) ------------------


def make_topic(
    code: str,
    theme=None,
    created=None,
    confidentiality: str = "vertrouwelijk",
    title: str = "Onderwerp",
):
    """A topic of a body created at a moment (naive UTC), with its 'aangemaakt' event."""
    from overleg.domain.topics import create_topic

    topic = create_topic(
        title=title,
        meeting_type=meeting_type(code),
        confidentiality=confidentiality,
        theme=theme,
        year=(created.year if created else None),
    )
    if created is not None:
        topic.created_at = created
        for event in topic.events:
            event.at = created
    db.session.flush()
    return topic


def close_topic(topic, at, reopen_at=None):
    """Move the topic to afgerond at a moment (and back to in behandeling, if asked)."""
    from overleg.models import TopicEvent

    db.session.add(
        TopicEvent(
            topic=topic, kind="status", from_status=topic.status, to_status="afgerond", at=at
        )
    )
    topic.status = "afgerond"
    if reopen_at is not None:
        db.session.add(
            TopicEvent(
                topic=topic,
                kind="status",
                from_status="afgerond",
                to_status="in_behandeling",
                at=reopen_at,
            )
        )
        topic.status = "in_behandeling"
    db.session.flush()


def topic_item(meeting: Meeting, topic, title: str = "Onderwerp"):
    """An agenda item about a topic on a meeting."""
    from overleg.models import AgendaItem

    item = AgendaItem(
        meeting=meeting, title=title, topic=topic, position=len(meeting.agenda_items) + 1
    )
    db.session.add(item)
    db.session.flush()
    return item


def make_escalation(topic, from_code, to_code, direction, created, target=None, status=None):
    """An escalation made at a moment; placed on the target meeting when one is given."""
    from overleg.models import Escalation

    esc = Escalation(
        topic=topic,
        from_type=meeting_type(from_code),
        to_type=meeting_type(to_code),
        direction=direction,
        question="Vraag",
        reason="Reden",
        status=status or ("geagendeerd" if target is not None else "te_agenderen"),
        target_item=topic_item(target, topic) if target is not None else None,
    )
    db.session.add(esc)
    db.session.flush()
    esc.created_at = created
    db.session.flush()
    return esc


def make_decision(meeting: Meeting, item=None, theme=None, text: str = "Besluit"):
    """A decision at a meeting (numbered by hand), under an item and/or with a theme."""
    from overleg.models import Decision

    year = meeting.starts_at.year
    number = (
        db.session.scalar(
            select(func.max(Decision.number)).where(
                Decision.meeting_type_id == meeting.meeting_type_id, Decision.year == year
            )
        )
        or 0
    ) + 1
    decision = Decision(
        meeting_type_id=meeting.meeting_type_id,
        year=year,
        number=number,
        code=f"{meeting.meeting_type.code.upper()}-{year}-{number:02d}",
        text=text,
        meeting=meeting,
        agenda_item=item,
        topic=item.topic if item is not None else None,
        theme=theme,
    )
    db.session.add(decision)
    db.session.flush()
    return decision


def make_action(meeting: Meeting, item=None, due=None, closed_at=None, owner=None):
    """An action agreed at a meeting, open or closed at a moment; owned by the person given,
    else by the first organisation."""
    from overleg.models import ActionItem, Organisation

    action = ActionItem(
        meeting_type_id=meeting.meeting_type_id,
        meeting=meeting,
        agenda_item=item,
        what="Actie",
        owner_person=owner,
        owner_organisation=None
        if owner is not None
        else db.session.scalars(select(Organisation).order_by(Organisation.id)).first(),
        due_date=due,
        status="afgerond" if closed_at is not None else "open",
        closed_at=closed_at,
    )
    db.session.add(action)
    db.session.flush()
    return action


def make_signal(theme=None, received=None, status: str = "nieuw", closed_at=None, topic=None):
    """A resident's signal received at a moment, handled (status) at another."""
    from overleg.models import Signal

    signal = Signal(
        received_at=received,
        what="Signaal",
        location="Hoogezand",
        theme=theme,
        status=status,
        closed_at=closed_at if status != "nieuw" else None,
        topic=topic,
    )
    db.session.add(signal)
    db.session.flush()
    return signal


def make_measure(topic, created, due=None, status: str = "gepland", notes=()):
    """A measure of a topic's plan van aanpak made at a moment, with dated progress notes
    (``(day, status)`` pairs) that set its status; the last one's status is its own."""
    from overleg.models import Measure, MeasureNote, Organisation

    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    measure = Measure(topic_id=topic.id, title="Maatregel", organisation=org, due_on=due)
    measure.status = notes[-1][1] if notes else status
    db.session.add(measure)
    db.session.flush()
    measure.created_at = created
    for day, note_status in notes:
        db.session.add(
            MeasureNote(measure_id=measure.id, noted_on=day, text="Voortgang", status=note_status)
        )
    db.session.flush()
    return measure


def index_names(table: str) -> set[str]:
    """The names of a table's indexes in the test database (SQLite or PostgreSQL)."""
    from sqlalchemy import text

    stmt = (
        text("SELECT indexname FROM pg_indexes WHERE tablename = :t")
        if db.engine.dialect.name == "postgresql"
        else text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t")
    )
    return set(db.session.scalars(stmt, {"t": table}))
