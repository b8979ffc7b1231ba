"""Who may see which meeting: decided here, once, for every page, list, search, feed and export.

- secretaries and administrators see every meeting;
- anyone else sees only the meetings they take part in (as roster participant or guest);
- nobody else, and nothing for an anonymous or inactive person.
A meeting one may not see answers 404, so its existence (and title) is not revealed.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort
from sqlalchemy import Select, exists, false, select

from ..extensions import db
from ..models import Meeting, Participant


def _is_person(person) -> bool:
    return (
        person is not None
        and getattr(person, "is_authenticated", True)
        and getattr(person, "id", None) is not None
        and getattr(person, "active", True)
    )


def sees_all_meetings(person) -> bool:
    return _is_person(person) and person.is_secretary


def meeting_visibility_clause(person):
    """A WHERE clause on Meeting that keeps what this person may see."""
    if not _is_person(person):
        return false()
    if person.is_secretary:
        return Meeting.id.is_not(None)
    return exists().where(Participant.meeting_id == Meeting.id, Participant.person_id == person.id)


def visible_meetings(person) -> Select:
    """select(Meeting) limited to what the person may see; add filters and order as needed."""
    return select(Meeting).where(meeting_visibility_clause(person))


def visible_meeting_ids(person, meeting_ids) -> set[int]:
    """Which of these meetings the person may see, in one query."""
    ids = set(meeting_ids)
    if not ids or not _is_person(person):
        return set()
    if person.is_secretary:
        return ids
    return set(
        db.session.scalars(
            select(Participant.meeting_id).where(
                Participant.person_id == person.id, Participant.meeting_id.in_(ids)
            )
        )
    )


def can_see_meeting(person, meeting: Meeting) -> bool:
    if not _is_person(person) or meeting is None:
        return False
    if person.is_secretary:
        return True
    return (
        db.session.scalar(
            select(
                exists().where(
                    Participant.meeting_id == meeting.id, Participant.person_id == person.id
                )
            )
        )
        or False
    )


def get_visible_meeting_or_404(meeting_id: int, person, options: Sequence = ()) -> Meeting:
    """The meeting if this person may see it, else 404 (also when it does not exist)."""
    meeting: Meeting | None = db.session.scalar(
        visible_meetings(person).where(Meeting.id == meeting_id).options(*options)
    )
    if meeting is None:
        abort(404)
    return meeting
