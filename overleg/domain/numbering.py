"""Numbers handed out once per body and year (topic references, decision numbers)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import MeetingType
from ..models.numbering import NumberCounter


def next_number(kind: str, meeting_type: MeetingType, year: int, *, floor: int = 0) -> int:
    """Raise the counter of ``kind`` for the body and year and return the new number, in the
    caller's transaction (on PostgreSQL the UPDATE locks the row until the commit, so two
    transactions never get the same number). ``floor`` is the highest number already in use
    when no counter exists yet (data imported without one)."""
    bump = (
        update(NumberCounter)
        .where(
            NumberCounter.kind == kind,
            NumberCounter.meeting_type_id == meeting_type.id,
            NumberCounter.year == year,
        )
        .values(last_number=NumberCounter.last_number + 1)
        .returning(NumberCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(bump).scalar()
    if number is not None:
        return number
    try:
        with db.session.begin_nested():
            db.session.add(
                NumberCounter(
                    kind=kind, meeting_type_id=meeting_type.id, year=year, last_number=floor + 1
                )
            )
        return floor + 1
    except IntegrityError:  # another transaction created the counter first
        return db.session.execute(bump).scalar_one()
