"""Domain rules for the calendar: feed tokens, reminders, the meetings in a feed."""

from __future__ import annotations

import secrets
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..domain import policy
from ..extensions import db
from ..models import Meeting, Participant, Person
from ..timeutil import utcnow

FEED_MONTHS_BACK = 3
ALARM_MINUTES = (15, 30, 60, 120, 1440)


def can_see_meeting(person: Person, meeting: Meeting) -> bool:
    """The meetings area's rule (overleg.domain.policy), used for downloads."""
    return policy.can_see_meeting(person, meeting)


def feed_meetings(person: Person, now: datetime | None = None) -> list[Meeting]:
    """The person's visible meetings from three months back on, cancelled ones included.
    A fixed number of queries, whatever the number of meetings."""
    since = (now or utcnow()) - relativedelta(months=FEED_MONTHS_BACK)
    stmt = (
        policy.visible_meetings(person)
        .where(Meeting.starts_at >= since)
        .order_by(Meeting.starts_at, Meeting.id)
        .options(
            joinedload(Meeting.meeting_type),
            joinedload(Meeting.organizer),
            selectinload(Meeting.participants).joinedload(Participant.person),
        )
    )
    return list(db.session.scalars(stmt).unique())


def ensure_feed_token(person: Person) -> str:
    if not person.feed_token:
        person.feed_token = secrets.token_urlsafe(32)
    return person.feed_token


def renew_feed_token(person: Person) -> str:
    """A new secret; the old feed URL stops working."""
    old = person.feed_token
    token = secrets.token_urlsafe(32)
    while token == old:  # pragma: no cover - astronomically unlikely
        token = secrets.token_urlsafe(32)
    person.feed_token = token
    return token


def person_by_feed_token(token: str) -> Person | None:
    if not token or len(token) > 64:
        return None
    person = db.session.scalar(select(Person).where(Person.feed_token == token))
    if person is None or not person.active:
        return None
    return person


def set_alarm(person: Person, minutes: int | None) -> None:
    if minutes is not None and minutes not in ALARM_MINUTES:
        raise ValueError("unsupported alarm")
    person.alarm_minutes = minutes
