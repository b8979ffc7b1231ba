"""Mijn overleggen: the meetings a person takes part in, the coming ones and the earlier ones,
each list paged by keyset ("Volgende" / "Vorige", `keyset.py`), ten a page.

A page walks the meetings in order of start from now (forward for the coming ones, back for
the earlier ones) and keeps those with the person's participant row, so page one costs the
same after ten years as after one: never all of the person's meetings sorted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from ..extensions import db
from ..models import Meeting, MeetingType, Participant, Person
from . import keyset, policy

PAGE_SIZE = 10
UPCOMING_ON_HOME = 5
CURSOR_TYPES = (datetime, int)  # the meeting's start and id

# Aliased once (an alias made per request costs more to build than the page's queries to
# run): the meetings not yet ended in `not_ended`, the person's participant row in `page`.
_live = aliased(Meeting)
_mine = aliased(Participant)
# the person's own row beside each meeting on the home page (the visibility clause
# correlates Participant itself)
_own = aliased(Participant, name="mine")


def not_ended(now: datetime):
    """A WHERE clause on Meeting: not yet ended at `now`. Besides the end, the start is
    bounded by the earliest start among those meetings (read from the end-time index), so
    that a list in order of start begins there instead of at the first meeting ever."""
    live = _live
    # min() of an expression, not of the column: else SQLite walks the start-time index from
    # the first meeting ever to find the minimum, instead of the few from the end-time index
    earliest = (
        select(func.min(func.coalesce(live.starts_at, live.starts_at)))
        .where(live.ends_at >= now)
        .scalar_subquery()
    )
    return and_(Meeting.ends_at >= now, Meeting.starts_at >= earliest)


def page(
    person: Person,
    *,
    upcoming: bool,
    now: datetime,
    body: MeetingType | None = None,
    cursor: keyset.Cursor | None = None,
    size: int = PAGE_SIZE,
) -> keyset.Page:
    """One page of (participant, meeting) rows: the coming meetings (not yet ended) soonest
    first, or the earlier ones latest first. One query."""
    # The participant row shown comes by an outer join and the filter by EXISTS: so the
    # database walks the meetings by start and looks each up in the (meeting, person) index,
    # instead of sorting every meeting the person ever took part in.
    mine = _mine
    stmt = (
        select(mine, Meeting)
        .outerjoin(mine, and_(mine.meeting_id == Meeting.id, mine.person_id == person.id))
        .where(
            exists().where(Participant.meeting_id == Meeting.id, Participant.person_id == person.id)
        )
        .options(
            joinedload(Meeting.meeting_type),
            # the row is the person's own: not its person, organisation and role joined in
            # (Participant's defaults), which made SQLite start from the person and sort all
            # of their meetings (ten years: 1.4x one year's time)
            lazyload(mine.person),
            lazyload(mine.role),
        )
    )
    if body is not None:
        stmt = stmt.where(Meeting.meeting_type_id == body.id)
    if upcoming:
        stmt = stmt.where(not_ended(now))
    else:
        # the start bounds the walk too (a meeting ends after it starts): from now back
        stmt = stmt.where(Meeting.ends_at < now, Meeting.starts_at < now)
    descending = not upcoming
    order = ((Meeting.starts_at, descending), (Meeting.id, descending))
    found = keyset.paginate(stmt, order, lambda row: (row[1].starts_at, row[1].id), cursor, size)
    return keyset.Page([tuple(r) for r in found.rows], found.next, found.previous, found.first)


def upcoming(
    person, now: datetime, limit: int = UPCOMING_ON_HOME
) -> list[tuple[Meeting, Participant | None]]:
    """The home page's next meetings of the person: visible to them (read policy), not
    cancelled, not yet ended at `now`, soonest first, each with the person's own participant
    row (None for a secretary who does not take part). One query, which starts at the
    earliest meeting not yet ended (`not_ended`), not at the first meeting ever."""
    mine = _own
    stmt = (
        select(Meeting, mine)
        .outerjoin(mine, and_(mine.meeting_id == Meeting.id, mine.person_id == person.id))
        .where(
            policy.meeting_visibility_clause(person),
            Meeting.status == "gepland",
            not_ended(now),
        )
        # the person's own row: its answer only, not its person and role (as in `page`)
        .options(joinedload(Meeting.meeting_type), lazyload(mine.person), lazyload(mine.role))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    return [(m, p) for m, p in db.session.execute(stmt).all()]
