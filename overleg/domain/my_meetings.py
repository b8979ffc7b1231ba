"""Mijn overleggen: the meetings a person takes part in, the coming ones and the earlier ones,
each list paged by keyset ("Volgende" / "Vorige", `keyset.py`), ten a page.

A page walks the meetings in order of start from now (forward for the coming ones, back for
the earlier ones) and keeps those with the person's participant row, so page one costs the
same after ten years as after one: never all of the person's meetings sorted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from ..extensions import db
from ..models import Meeting, MeetingType, Participant, Person
from . import kept, keyset, policy

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


def not_ended(now):
    """A WHERE clause on Meeting: not yet ended at `now` (a time, or a parameter). Besides the end, the start is
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


# The person and the clock of `page` and `upcoming`, as parameters of their kept statements
_PERSON = bindparam("mine_person", type_=Participant.person_id.type)
_NOW = bindparam("mine_now", type_=Meeting.ends_at.type)
_BODY = bindparam("mine_body", type_=Meeting.meeting_type_id.type)


def _page_stmt(*, upcoming: bool, with_body: bool):
    """`page`'s statement without ORDER BY, the person, the clock and the body as parameters.
    The participant row shown comes by an outer join and the filter by EXISTS: so the
    database walks the meetings by start and looks each up in the (meeting, person) index,
    instead of sorting every meeting the person ever took part in."""
    mine = _mine
    stmt = (
        select(mine, Meeting)
        .outerjoin(mine, and_(mine.meeting_id == Meeting.id, mine.person_id == _PERSON))
        .where(
            exists().where(Participant.meeting_id == Meeting.id, Participant.person_id == _PERSON)
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
    if with_body:
        stmt = stmt.where(Meeting.meeting_type_id == _BODY)
    if upcoming:
        return stmt.where(not_ended(_NOW))
    # the start bounds the walk too (a meeting ends after it starts): from now back
    return stmt.where(Meeting.ends_at < _NOW, Meeting.starts_at < _NOW)


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
    descending = not upcoming
    order = ((Meeting.starts_at, descending), (Meeting.id, descending))
    with_body = body is not None
    params: dict[str, Any] = {"mine_person": person.id, "mine_now": now}
    if body is not None:
        params["mine_body"] = body.id
    # kept per reader and shape (overleg.domain.kept), the person, the clock and the body as
    # parameters: built per request, its walk for a cache key cost more than its query
    found = keyset.kept_page(
        lambda direction, make: kept.statement(
            ("my_meetings", upcoming, with_body, direction), person, make
        ),
        lambda: _page_stmt(upcoming=upcoming, with_body=with_body),
        order,
        lambda row: (row[1].starts_at, row[1].id),
        cursor,
        size,
        params,
    )
    return keyset.Page([tuple(r) for r in found.rows], found.next, found.previous, found.first)


def upcoming(
    person, now: datetime, limit: int = UPCOMING_ON_HOME
) -> list[tuple[Meeting, Participant | None]]:
    """The home page's next meetings of the person: visible to them (read policy), not
    cancelled, not yet ended at `now`, soonest first, each with the person's own participant
    row (None for a secretary who does not take part). One query, which starts at the
    earliest meeting not yet ended (`not_ended`), not at the first meeting ever."""
    stmt = kept.statement(("upcoming_on_home",), person, lambda: _upcoming_stmt(person))
    params = {"mine_person": person.id, "mine_now": now, "mine_limit": limit}
    return [(m, p) for m, p in db.session.execute(stmt, params).all()]


def _upcoming_stmt(person):
    """`upcoming`'s statement for this reader, the person, the clock and the limit as
    parameters (kept: overleg.domain.kept)."""
    mine = _own
    return (
        select(Meeting, mine)
        .outerjoin(mine, and_(mine.meeting_id == Meeting.id, mine.person_id == _PERSON))
        .where(
            policy.meeting_visibility_clause(person),
            Meeting.status == "gepland",
            not_ended(_NOW),
        )
        # the person's own row: its answer only, not its person and role (as in `page`)
        .options(joinedload(Meeting.meeting_type), lazyload(mine.person), lazyload(mine.role))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(bindparam("mine_limit", type_=Integer))
    )
