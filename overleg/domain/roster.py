"""Rosters: which roles a body invites, who holds them, and who sits in which seat on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import MeetingType, Person, Role, RoleHolding, RosterEntry, Unavailability
from ..models.bodies import LEVEL_LABELS, LEVEL_RANK, PART_LABELS
from ..models.sql import columns


def held_on(day):
    """The SQL condition of `RoleHolding.covers`: a holding that runs on this day (a date, or
    a parameter of type Date)."""
    return and_(
        RoleHolding.start_date <= day,
        or_(RoleHolding.end_date.is_(None), RoleHolding.end_date >= day),
    )


def holdings_of(person: Person, day: date) -> list[RoleHolding]:
    """The roles a person holds on a day (as holder, not as deputy): one query."""
    stmt = (
        select(RoleHolding)
        .where(RoleHolding.person_id == person.id, held_on(day))
        .order_by(RoleHolding.id)
        .options(joinedload(RoleHolding.role))
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True, slots=True)
class HeldRole:
    """A role a person holds, as the home page names it."""

    id: int  # the holding's
    role_name: str


@dataclass(frozen=True, slots=True)
class BodySeat:
    """A roster entry of a body for one of the person's roles, as the home page shows it."""

    id: int
    role_name: str
    part: str
    position: int

    @property
    def part_label(self) -> str:
        return PART_LABELS[self.part]


@dataclass(frozen=True, slots=True)
class SeatedBody:
    """A body whose roster holds one of the person's roles, as the home page shows it."""

    id: int
    code: str
    name: str
    level: str

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)


@lru_cache(maxsize=1)
def _holdings_and_bodies_stmt():
    """The statement of `holdings_and_bodies`, the person and the day as parameters: made
    once (a statement keeps its cache key; built per request, its walk cost more than its
    query). The columns the home page shows (`columns`: as objects with their roles and
    bodies they cost the ORM more than the query)."""
    return (
        select(
            RoleHolding.id,
            Role.name.label("role_name"),
            RosterEntry.id.label("entry_id"),
            RosterEntry.part,
            RosterEntry.position,
            MeetingType.id.label("body_id"),
            MeetingType.code,
            MeetingType.name.label("body_name"),
            MeetingType.level,
        )
        .join(Role, Role.id == RoleHolding.role_id)
        .outerjoin(RosterEntry, RosterEntry.role_id == RoleHolding.role_id)
        .outerjoin(MeetingType, MeetingType.id == RosterEntry.meeting_type_id)
        .where(
            RoleHolding.person_id == bindparam("roster_person", type_=RoleHolding.person_id.type),
            held_on(bindparam("roster_day", type_=RoleHolding.start_date.type)),
        )
        .order_by(RoleHolding.id)  # each body's entries are put in roster order below
    )


def holdings_and_bodies(
    person: Person, day: date
) -> tuple[list[HeldRole], list[tuple[SeatedBody, list[BodySeat]]]]:
    """The roles a person holds on a day (`holdings_of`, in its order) and the bodies whose
    roster includes one of them, strategic bodies first, each with those entries in roster
    order: one query (each holding with its role's roster entries and their bodies)."""
    params = {"roster_person": person.id, "roster_day": day}
    holdings: dict[int, HeldRole] = {}
    by_type: dict[int, tuple[SeatedBody, list[BodySeat]]] = {}
    seen: set[int] = set()  # an entry once, also for two holdings of its role
    for row in columns(_holdings_and_bodies_stmt(), params):
        holdings.setdefault(row.id, HeldRole(row.id, row.role_name))
        if row.entry_id is not None and row.entry_id not in seen:
            seen.add(row.entry_id)
            body = SeatedBody(row.body_id, row.code, row.body_name, row.level)
            entry = BodySeat(row.entry_id, row.role_name, row.part, row.position)
            by_type.setdefault(row.body_id, (body, []))[1].append(entry)
    for _, entries in by_type.values():
        entries.sort(key=lambda e: (e.position, e.id))
    bodies = sorted(by_type.values(), key=lambda t: (LEVEL_RANK.get(t[0].level, 9), t[0].name))
    return list(holdings.values()), bodies


# --- seats: who sits where at a meeting on a day --------------------------------------------

# Which seat a person takes when two seats want them (the deputy of an absent chair who is
# also the body's secretary sits as chair); within a kind, the roster order.
SEAT_PRIORITY = {"chair": 0, "secretary": 1, "member": 2, "advisor": 3}


@dataclass
class Seat:
    """One roster entry of a body on a day. ``person`` sits in it (None: vacant);
    ``deputy_for`` is the holder when their deputy sits in for them."""

    role: Role
    part: str
    position: int
    holder: Person
    person: Person | None
    deputy_for: Person | None = None

    @property
    def vacant(self) -> bool:
        return self.person is None


def unavailable_ids(person_ids: set[int], day: date) -> set[int]:
    """Of these people, those registered unavailable on a day."""
    if not person_ids:
        return set()
    return set(
        db.session.scalars(
            select(Unavailability.person_id).where(
                Unavailability.person_id.in_(person_ids),
                Unavailability.start_date <= day,
                Unavailability.end_date >= day,
            )
        )
    )


def resolve_seats(meeting_type: MeetingType, day: date) -> list[Seat]:
    """Every seat of a body's roster on a day (entries whose role somebody holds), in roster
    order. A person sits in one seat only; no seat disappears:

    - the holder sits in their seat; when they are unavailable, their deputy does (if the
      deputy is available; with nobody to stand in, the holder stays invited);
    - a person wanted by two seats takes the first by ``SEAT_PRIORITY`` (then roster order);
    - the seat they leave goes to its own deputy (available and not seated elsewhere), or
      stays vacant for the secretary to fill."""
    entries = db.session.scalars(
        select(RosterEntry)
        .where(RosterEntry.meeting_type_id == meeting_type.id)
        .order_by(RosterEntry.position, RosterEntry.id)
        .options(selectinload(RosterEntry.role))
    ).all()
    if not entries:
        return []
    holdings = db.session.scalars(
        select(RoleHolding)
        .where(
            RoleHolding.role_id.in_([e.role_id for e in entries]),
            held_on(day),
        )
        .order_by(RoleHolding.start_date.desc(), RoleHolding.id.desc())
        # the holder and deputy (and their organisations) come joined (RoleHolding's defaults)
    ).all()
    by_role: dict[int, RoleHolding] = {}
    for h in holdings:
        by_role.setdefault(h.role_id, h)  # the most recently started holding wins
    away = unavailable_ids(
        {h.person_id for h in by_role.values()}
        | {h.deputy_id for h in by_role.values() if h.deputy_id},
        day,
    )
    seats: list[Seat] = []
    options: list[list[tuple[Person, Person | None]]] = []
    for n, entry in enumerate(entries):
        holding = by_role.get(entry.role_id)
        if holding is None:
            continue  # nobody holds the role: no seat to fill (the beheerder's roster)
        deputy = holding.deputy if holding.deputy_id not in away else None
        choice: list[tuple[Person, Person | None]]
        if holding.person_id in away:
            choice = [(deputy, holding.person)] if deputy is not None else [(holding.person, None)]
        else:
            choice = [(holding.person, None)]
            if deputy is not None:
                choice.append((deputy, holding.person))
        seats.append(Seat(entry.role, entry.part, n, holding.person, None))
        options.append(choice)
    seated: set[int] = set()
    order = sorted(range(len(seats)), key=lambda i: (SEAT_PRIORITY.get(seats[i].part, 9), i))
    for i in order:
        for person, deputy_for in options[i]:
            if person.id not in seated:
                seats[i].person, seats[i].deputy_for = person, deputy_for
                seated.add(person.id)
                break
    return seats
