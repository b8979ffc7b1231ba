"""Rosters: which roles a body invites, and who holds them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import MeetingType, Person, RoleHolding, RosterEntry


def holdings_of(person: Person, day: date) -> list[RoleHolding]:
    """The roles a person holds on a day (as holder, not as deputy)."""
    stmt = (
        select(RoleHolding)
        .where(
            RoleHolding.person_id == person.id,
            RoleHolding.start_date <= day,
            or_(RoleHolding.end_date.is_(None), RoleHolding.end_date >= day),
        )
        .options(selectinload(RoleHolding.role))
    )
    return list(db.session.scalars(stmt))


def bodies_of(person: Person, day: date) -> list[tuple[MeetingType, list[RosterEntry]]]:
    """The bodies whose roster includes a role the person holds on a day, with those entries."""
    role_ids = [h.role_id for h in holdings_of(person, day)]
    if not role_ids:
        return []
    entries = db.session.scalars(
        select(RosterEntry)
        .where(RosterEntry.role_id.in_(role_ids))
        .options(selectinload(RosterEntry.meeting_type), selectinload(RosterEntry.role))
    ).all()
    by_type: dict[int, tuple[MeetingType, list[RosterEntry]]] = {}
    for entry in entries:
        by_type.setdefault(entry.meeting_type_id, (entry.meeting_type, []))[1].append(entry)
    order = {"strategisch": 0, "tactisch": 1, "operationeel": 2}
    return sorted(by_type.values(), key=lambda t: (order.get(t[0].level, 9), t[0].name))
