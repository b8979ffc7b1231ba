"""The read policy: every decision about who may read what, in one place.

DESIGN.md "Who may see what"; README "Topics, agendas and escalation" and "Who does what".
For a person and a meeting, agenda item, document, topic, decision, action or minutes this
module answers FULL, REFERENCE (the reference only: ``TVO-2019-014``, "Besloten agendapunt")
or NONE, in batch for lists, filtered in SQL with a constant number of queries. Outputs (pages,
PDFs, the stukken list, downloads, registers, search, mail, .ics) are built from its answers,
so they cannot disagree. Anything it does not know is denied.

Rules:
- secretaries and beheerders (``is_staff``) read everything;
- anyone else sees only the meetings they take part in (roster participant or guest), and
  the items of a meeting only once its agenda is released (published, or the meeting held);
  an agenda still being prepared entitles no one;
- on a released agenda a participant reads every item in full, except
  * a besloten item: only for the participants named on it (a ``besloten`` access row);
  * a guest invited for particular items (named guest) reads those items and the standard
    items; everything else by reference only, and not the carried actions (action list);
  * a guest invited without items reads the open items; casus items by reference only;
- a casus topic (personal data) is read in full only by those entitled to an agenda item it
  was on; that entitlement carries to the open casus items of the same topic in other
  meetings the person sees, never to a besloten item;
- minutes reach participants once sent for approval, and with them their decisions and
  actions; an action's text follows its item (its owner included);
- a topic's plan van aanpak (its measures, their progress notes, its versions) is part of
  the topic: read by who reads the topic in full, a casus's plan only by those entitled to
  the casus; under an agenda item only with the item read in full. Being the measure's
  contact person, or of its organisation, entitles no one by itself.

It imports models only (the bottom of the domain): no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import NamedTuple, Protocol

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    exists,
    false,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    AgendaItemAccess,
    Decision,
    Document,
    Measure,
    Meeting,
    MeetingType,
    Minutes,
    Participant,
    Topic,
)
from ..models.sql import columns, in_list
from ..timeutil import nl_date, nl_time, utcnow

FULL = "full"
REFERENCE = "reference"
NONE = "none"

BESLOTEN_HEADING = "Besloten agendapunt"
SENT_MINUTES = ("ter_vaststelling", "vastgesteld")

# The policy's SQL clauses are kept per person (`_clauses`): built once, they cost nothing to
# reuse, and they hold nothing but the person's id. At most this many people are kept.
CLAUSE_CACHE_SIZE = 64


def _now() -> datetime:
    return utcnow()


# "Now" in a kept clause: a parameter read from the clock each time a statement runs (never a
# value fixed when the clause was built), so a kept clause follows the clock.
_NOW = bindparam("policy_now", callable_=_now, type_=Meeting.__table__.c.starts_at.type)

# The tables the clauses alias, made once (an alias made per call costs more to build than
# the query it serves costs to run). Each has one place in the clauses (see its use): two
# uses of one alias are never nested in each other, so none is correlated by mistake.
_release_meeting = aliased(Meeting)  # `_seen_item`: the item's meeting, released
_casus_topic = aliased(Topic)  # `_is_casus`: the item's topic, a casus
_guest_here = aliased(AgendaItemAccess)  # `_direct`: named as guest on this item
_guest_any = aliased(AgendaItemAccess)  # `_direct`: named as guest on some item ...
_guest_sibling = aliased(AgendaItem)  # ... of the same meeting
_closed_here = aliased(AgendaItemAccess)  # `_direct`: named on this besloten item
_topic_item = aliased(AgendaItem)  # `_topic_entitled_clause`: an item of the topic ...
_topic_part = aliased(Participant)  # ... and the person's part in its meeting
_decision_topic = aliased(Topic)  # `decision_text_clause`: the decision's topic, a casus
_visible_closed = aliased(AgendaItemAccess)  # `topic_visibility_clause`: named, besloten
_sent_minutes = aliased(Minutes)  # `released_minutes_clause`
_action_part = aliased(Participant)  # `action_text_clause`: takes part in its meeting
_action_guest = aliased(Participant)  # `action_text_clause`: a guest ...
_action_named = aliased(AgendaItemAccess)  # ... named on an item ...
_action_named_item = aliased(AgendaItem)  # ... of the action's meeting
_level_part = aliased(Participant)  # `item_levels`: the person's part in the item's meeting
_level_meeting = aliased(Meeting)  # `item_levels`: the item's meeting, released

# The ids a kept statement is asked about, given when it runs.
_IDS = "policy_ids"  # `models.sql.in_list`: one SQL text for any number of ids
# ... and the meetings those are of, where a statement reads their participants: the join
# says the same, but without these the planner reads every participant ever (at ten years
# the verslag's owner picker on PostgreSQL read 3,920 participants for 45).
_MEETING_IDS = "policy_meeting_ids"


# --- who ----------------------------------------------------------------------------------


def is_person(person) -> bool:
    """A logged-in, active person (not anonymous, not a deactivated account)."""
    return (
        person is not None
        and bool(getattr(person, "is_authenticated", True))
        and getattr(person, "id", None) is not None
        and bool(getattr(person, "active", True))
    )


def is_staff(person) -> bool:
    """Secretaries and beheerders: they plan and read every meeting."""
    return is_person(person) and bool(getattr(person, "is_secretary", False))


# --- meetings -----------------------------------------------------------------------------


def meeting_visibility_clause(person):
    """A WHERE clause on Meeting that keeps what this person may see."""
    if not is_person(person):
        return false()
    if is_staff(person):
        return true()
    return _clauses(person.id).meeting_visible


def visible_meetings(person) -> Select:
    """select(Meeting) limited to what the person may see; add filters and order as needed."""
    return select(Meeting).where(meeting_visibility_clause(person))


def visible_meeting_ids(person, meeting_ids) -> set[int]:
    """Which of these meetings the person may see, in one query."""
    ids = set(meeting_ids)
    if not ids or not is_person(person):
        return set()
    if is_staff(person):
        return ids
    return set(db.session.scalars(_clauses(person.id).meeting_ids_stmt, {"policy_ids": list(ids)}))


def _own_rows(person, meeting: Meeting) -> list[Participant] | None:
    """The person's rows among the meeting's participants when the page has loaded them
    anyway (a page of one meeting loads its participants), else None: ask the database."""
    if "participants" not in meeting.__dict__:
        return None
    return [p for p in meeting.participants if p.person_id == person.id]


def can_see_meeting(person, meeting: Meeting | None) -> bool:
    if meeting is None:
        return False
    if is_person(person) and not is_staff(person):
        rows = _own_rows(person, meeting)
        if rows is not None:  # `meeting_visible`: a participant row of the person
            return bool(rows)
    return meeting.id in visible_meeting_ids(person, {meeting.id})


def sits_in_body(person, meeting_type: MeetingType) -> bool:
    """Registers, backlogs and pages of a body: staff, or who takes part in one of its
    meetings. Others get 404."""
    if is_staff(person):
        return True
    if not is_person(person):
        return False
    params = {"policy_person": person.id, "policy_body": meeting_type.id}
    return db.session.scalar(_sits_in_body_stmt(), params) or False


def body_sat_in(person, code: str) -> MeetingType | None:
    """The body with this code when the person sits in it (`sits_in_body`), else None (a
    body one does not sit in is not revealed): one query."""
    if is_staff(person):
        return db.session.scalar(_body_by_code_stmt(False), {"body_code": code})
    if not is_person(person):
        return None
    params = {"body_code": code, "policy_person": person.id}
    row = db.session.execute(_body_by_code_stmt(True), params).first()
    return row[0] if row is not None and row[1] else None


@lru_cache(maxsize=2)
def _body_by_code_stmt(with_seat: bool):
    """The body with the code ``body_code``, and (`with_seat`) whether ``policy_person``
    takes part in one of its meetings; made once (a statement keeps its cache key)."""
    stmt = select(MeetingType).where(MeetingType.code == bindparam("body_code"))
    return stmt.add_columns(_seat(MeetingType.id)) if with_seat else stmt


def _seat(body_id):
    """EXISTS: ``policy_person`` takes part in a meeting of the body `body_id` (its column
    in the enclosing query, or a parameter)."""
    return exists().where(
        Participant.person_id == bindparam("policy_person"),
        Participant.meeting_id == Meeting.id,
        Meeting.meeting_type_id == body_id,
    )


@lru_cache(maxsize=1)
def _sits_in_body_stmt():
    """`sits_in_body` for a person and a body given when it runs, made once (a statement
    keeps its cache key)."""
    return select(_seat(bindparam("policy_body")))


# --- agenda release -----------------------------------------------------------------------


def agenda_released(meeting: Meeting, now: datetime | None = None) -> bool:
    """Is the agenda out for its participants? Once published, or once the meeting has been
    held (an agenda never formally published); a draft of a cancelled meeting never is."""
    return meeting.agenda_status == "gepubliceerd" or (
        meeting.has_started(now) and not meeting.is_cancelled
    )


def agenda_released_clause(now: datetime | None = None):
    """`agenda_released` as a WHERE clause on Meeting."""
    return _released(Meeting, now)


def agenda_visible_to(person, meeting: Meeting, now: datetime | None = None) -> bool:
    """May this person see the agenda (items, PDFs, documents) of a meeting they may see?
    Staff always; participants once it is released. Meeting visibility is checked apart."""
    if not is_person(person):
        return False
    if is_staff(person):
        return True
    return agenda_released(meeting, now)


# --- agenda items -------------------------------------------------------------------------


def _released(meeting, now: datetime | None = None):
    """`agenda_released` in SQL; without `now`, at the moment the statement runs."""
    moment = _NOW if now is None else now
    return or_(
        meeting.agenda_status == "gepubliceerd",
        and_(meeting.starts_at <= moment, meeting.status != "geannuleerd"),
    )


def on_agenda_clause(item=AgendaItem):
    """`AgendaItem.on_agenda` in SQL: not a pending or declined proposal."""
    return item.proposal_status.is_(None) | (item.proposal_status == "geaccepteerd")


def _seen_item(person_id, item=AgendaItem, part=Participant, *, per_row: bool = False):
    """Condition on an agenda item and a participant row: the row is the person's in the
    item's meeting, and the item is on that meeting's released agenda. Who passes reads at
    least the item's reference. The release is asked of the participant row's meeting (the
    item's, by the first condition), so that a database that tests each item in turn looks
    for the person's row first and reads the meeting only for the items of their meetings:
    the topics a search matches are mostly on meetings the person did not sit in.

    `per_row`: the release asked of the participant row's meeting by its key (OFFSET 0 keeps
    PostgreSQL from making it a join), for a walk that tests one topic after another: as a
    join, the plan it chose for a small database read every released meeting for each topic
    (the participant's topic list at one year, 221 topics: 2 ms, four times ten years')."""
    meeting = _release_meeting
    if per_row:
        released = (
            select(meeting.id)
            .where(meeting.id == part.meeting_id, _released(meeting))
            .correlate_except(meeting)
            .offset(0)
            .exists()
        )
    else:
        released = (
            exists()
            .where(meeting.id == part.meeting_id, _released(meeting))
            .correlate_except(meeting)
        )
    return and_(
        part.meeting_id == item.meeting_id,
        part.person_id == person_id,
        on_agenda_clause(item),
        released,
    )


@lru_cache(maxsize=8)
def _is_casus(item=AgendaItem):
    """The item's topic is a casus (the same for everyone: made once per item table)."""
    topic = _casus_topic
    return (
        exists()
        .where(topic.id == item.topic_id, topic.confidentiality == "casus")
        .correlate_except(topic)
    )


def _direct(person_id, item=AgendaItem, part=Participant, *, per_row: bool = False):
    """Condition (see `_seen_item`, also for `per_row`): the person is entitled to this very
    item by their part in its meeting, without anything carried from elsewhere."""
    return and_(
        _seen_item(person_id, item, part, per_row=per_row),
        _direct_if_seen(person_id, item, part),
    )


def _direct_if_seen(person_id, item=AgendaItem, part=Participant):
    """`_direct` of a participant row that passes `_seen_item` already (the condition it
    was joined on): what it adds, that the person's part reads this item in full."""
    gast = _guest_here
    named_any = _guest_any
    sibling = _guest_sibling
    closed = _closed_here
    named_here = (
        exists()
        .where(gast.agenda_item_id == item.id, gast.person_id == person_id, gast.kind == "gast")
        .correlate_except(gast)
    )
    named_in_meeting = (
        exists()
        .where(
            named_any.agenda_item_id == sibling.id,
            sibling.meeting_id == item.meeting_id,
            named_any.person_id == person_id,
            named_any.kind == "gast",
        )
        .correlate_except(named_any, sibling)
    )
    guest_ok = or_(
        named_here,
        item.kind == "standard",
        and_(not_(named_in_meeting), not_(_is_casus(item))),
    )
    return and_(
        or_(part.part != "guest", guest_ok),
        or_(
            item.besloten.is_(False),
            exists()
            .where(
                closed.agenda_item_id == item.id,
                closed.person_id == person_id,
                closed.kind == "besloten",
            )
            .correlate_except(closed),
        ),
    )


def _topic_entitled_clause(person_id, topic_id_col, direct=None):
    """The person is directly entitled to some agenda item of this topic (correlated on
    `topic_id_col`). `direct`: `_direct` on that item, when already made (`_Clauses`)."""
    item = _topic_item
    part = _topic_part
    if direct is None:
        direct = _direct(person_id, item, part)
    return exists().where(item.topic_id == topic_id_col, direct).correlate_except(item, part)


class _Clauses:
    """The policy's clauses for one person (or, with ``Participant.person_id`` for the
    person, for every participant at once: `entitled_people`), each built on first use and
    then kept. They hold the person's id only, and read "now" when a statement runs (`_NOW`),
    so a kept clause stays true however long it is kept."""

    def __init__(self, person_id):
        self.person_id = person_id

    @cached_property
    def meeting_visible(self):
        """`meeting_visibility_clause`."""
        return exists().where(
            Participant.meeting_id == Meeting.id, Participant.person_id == self.person_id
        )

    @cached_property
    def seen_item(self):
        """`_seen_item` on AgendaItem and Participant."""
        return _seen_item(self.person_id)

    @cached_property
    def topic_direct(self):
        """`_direct` on an item of a topic (`_topic_entitled_clause`), made once for all
        the topic columns it is correlated on."""
        return _direct(self.person_id, _topic_item, _topic_part)

    @cached_property
    def topic_direct_per_row(self):
        """`topic_direct` for a walk that tests one topic after another (`_seen_item`)."""
        return _direct(self.person_id, _topic_item, _topic_part, per_row=True)

    def topic_entitled(self, topic_id_col):
        return _topic_entitled_clause(self.person_id, topic_id_col, self.topic_direct)

    @cached_property
    def casus_carried(self):
        """On AgendaItem: an open (not besloten) casus item whose topic the person is
        entitled to elsewhere."""
        return and_(
            AgendaItem.besloten.is_(False),
            _is_casus(),
            self.topic_entitled(AgendaItem.topic_id),
        )

    @cached_property
    def full_item(self):
        """Condition on AgendaItem + a Participant passing `_seen_item` (every use joins
        them on `seen_item`): read in full. Directly (`_direct_if_seen`: the join's
        condition is not asked a second time), or, for an open (not besloten) casus item,
        by entitlement to its topic elsewhere."""
        return or_(_direct_if_seen(self.person_id), self.casus_carried)

    @cached_property
    def topic_full(self):
        """`topic_full_clause`."""
        return self.topic_entitled(Topic.id)

    @cached_property
    def topic_full_per_row(self):
        """`topic_full_clause(…, per_row=True)`: the same test, asked of each row in turn.
        An EXISTS PostgreSQL may not turn into a hashed set of every topic the person reads
        in full (an OFFSET keeps it from doing so): for a walk that stops after a page, where
        making that set costs more the longer the person takes part."""
        item = _topic_item
        part = _topic_part
        return (
            select(item.id)
            .where(item.topic_id == Topic.id, self.topic_direct_per_row)
            .correlate_except(item, part)
            .offset(0)
            .exists()
        )

    @cached_property
    def measure_visible(self):
        """`measure_visibility_clause`."""
        return self.topic_entitled(Measure.topic_id)

    @cached_property
    def topic_visible(self):
        """`topic_visibility_clause`."""
        return _topic_visible(self.person_id, self.seen_item)

    @cached_property
    def topic_visible_per_row(self):
        """`topic_visibility_clause(…, per_row=True)`: as `topic_full_per_row`, the same
        test asked of each topic in turn (OFFSET 0 keeps PostgreSQL from making it a join).
        For the topic list's walk newest first: as a semi-join, PostgreSQL's generic plan
        (``plan_cache_mode``) gathered every item the person sees (6,000 at ten years) and
        compared each topic with all of them, 2.9 million times for a page of 50 (330 ms)."""
        return _topic_visible(
            self.person_id, _seen_item(self.person_id, per_row=True), per_row=True
        )

    @cached_property
    def named_guest(self):
        """On Participant: the person's row as a guest invited for particular items
        (`named_guest_meetings`)."""
        named = (
            select(AgendaItemAccess.id)
            .join(AgendaItem, AgendaItem.id == AgendaItemAccess.agenda_item_id)
            .where(
                AgendaItem.meeting_id == Participant.meeting_id,
                AgendaItemAccess.person_id == self.person_id,
                AgendaItemAccess.kind == "gast",
            )
            .exists()
        )
        return and_(Participant.person_id == self.person_id, Participant.part == "guest", named)

    # Whole statements, kept with their clauses: SQLAlchemy keeps a statement's cache key
    # with the statement, so a kept one is not walked again each time it runs. They take the
    # ids they are asked about as ``policy_ids``.

    @cached_property
    def topic_level_stmt(self):
        """`topic_level`: (id, read in full) of the topics among ``policy_ids`` the person
        may find."""
        return select(Topic.id, self.topic_full).where(self.topic_visible, in_list(Topic.id, _IDS))

    @cached_property
    def meeting_ids_stmt(self):
        """`visible_meeting_ids`: the person's meetings among ``policy_ids``."""
        return select(Participant.meeting_id).where(
            Participant.person_id == self.person_id, in_list(Participant.meeting_id, _IDS)
        )

    @cached_property
    def levels_stmt(self):
        """`item_levels`: (id, read in full) of the items among ``policy_ids`` the person
        sees: `_seen_item`, and in full `full_item`, the same conditions said once per item.
        Their part in the item's meeting (one row at most: a person takes part once) is
        asked per item, so the ids lead the plan, not the person's many meetings (written as
        a join, SQLite walked every meeting of the person: 1.1 -> 7 ms at ten years). The
        release is asked of the item's meeting, joined by its key, not inside each EXISTS
        (there PostgreSQL's plan at one year scanned the meeting table for every item: the
        statement took 2.0-2.4 ms, now 0.9-1.3). Checked against the nested form for every
        person and item of the bench's databases, at one and ten years, on both."""
        part = _level_part
        meeting = _level_meeting
        own_row = and_(part.meeting_id == AgendaItem.meeting_id, part.person_id == self.person_id)
        seen = exists().where(own_row).correlate_except(part)
        direct = exists().where(own_row, _direct_if_seen(self.person_id, AgendaItem, part))
        full = or_(direct.correlate_except(part), self.casus_carried)
        return (
            select(AgendaItem.id, full)
            .join(meeting, meeting.id == AgendaItem.meeting_id)
            .where(
                in_list(AgendaItem.id, _IDS),
                on_agenda_clause(AgendaItem),
                _released(meeting),
                seen,
            )
        )

    @cached_property
    def named_guest_stmt(self):
        """`named_guest_meetings` among ``policy_ids``."""
        return select(Participant.meeting_id).where(
            self.named_guest, in_list(Participant.meeting_id, _IDS)
        )

    @cached_property
    def topic_ids_stmt(self):
        """`entitled_topic_ids` among ``policy_ids``."""
        return select(Topic.id).where(in_list(Topic.id, _IDS), self.topic_full)

    @cached_property
    def decision_text(self):
        """`decision_text_clause`."""
        via_item = (
            select(AgendaItem.id)
            .join(Participant, self.seen_item)
            .where(AgendaItem.id == Decision.agenda_item_id, self.full_item)
            .correlate(Decision)
            .exists()
        )
        topic = _decision_topic
        casus = exists().where(topic.id == Decision.topic_id, topic.confidentiality == "casus")
        without_item = and_(
            Decision.agenda_item_id.is_(None),
            or_(
                Decision.topic_id.is_(None),
                not_(casus),
                self.topic_entitled(Decision.topic_id),
            ),
        )
        return or_(and_(Decision.agenda_item_id.is_not(None), via_item), without_item)

    @cached_property
    def action_text(self):
        """`action_text_clause`."""
        person_id = self.person_id
        via_item = (
            select(AgendaItem.id)
            .join(Participant, self.seen_item)
            .where(AgendaItem.id == ActionItem.agenda_item_id, self.full_item)
            .correlate(ActionItem)
            .exists()
        )
        part = _action_part
        takes_part = exists().where(
            part.meeting_id == ActionItem.meeting_id, part.person_id == person_id
        )
        guest = _action_guest
        named = _action_named
        named_item = _action_named_item
        named_guest = exists().where(
            guest.meeting_id == ActionItem.meeting_id,
            guest.person_id == person_id,
            guest.part == "guest",
            named.person_id == person_id,
            named.kind == "gast",
            named.agenda_item_id == named_item.id,
            named_item.meeting_id == ActionItem.meeting_id,
        )
        return and_(
            _released_minutes(ActionItem.meeting_id),
            or_(
                and_(ActionItem.agenda_item_id.is_not(None), via_item),
                and_(ActionItem.agenda_item_id.is_(None), takes_part, not_(named_guest)),
            ),
        )

    @cached_property
    def item_full(self):
        """`item_full_clause`."""
        # Uncorrelated: the items the person reads in full (as `item_levels`), their own
        # AgendaItem in FROM, so that the policy's nested clauses correlate to it.
        full = (
            select(AgendaItem.id)
            .join(Participant, self.seen_item)
            .where(self.full_item)
            .correlate(None)
        )
        return AgendaItem.id.in_(full)


@lru_cache(maxsize=CLAUSE_CACHE_SIZE)
def _clauses(person_id: int) -> _Clauses:
    """The kept clauses of a (non-staff) person: the last `CLAUSE_CACHE_SIZE` people. Only
    the id keys them: staff never get here (their clauses are ``true()``), and what a clause
    says depends on nothing else of the person."""
    return _Clauses(person_id)


_PARTICIPANTS = _Clauses(Participant.person_id)


def _topic_visible(person_id, seen_item, per_row: bool = False):
    """`topic_visibility_clause` for a person (built once per person, see `_clauses`);
    `seen_item` is `_seen_item` for them."""
    closed_row = _visible_closed
    stmt = (
        select(AgendaItem.id)
        .join(Participant, Participant.meeting_id == AgendaItem.meeting_id)
        .where(
            AgendaItem.topic_id == Topic.id,
            seen_item,
            or_(
                AgendaItem.besloten.is_(False),
                exists().where(
                    closed_row.agenda_item_id == AgendaItem.id,
                    closed_row.person_id == person_id,
                    closed_row.kind == "besloten",
                ),
            ),
        )
    )
    return (stmt.offset(0) if per_row else stmt).exists()


def item_levels(person, items: Iterable[AgendaItem]) -> dict[int, str]:
    """For each of these agenda items (of any meetings): FULL, REFERENCE or NONE for this
    person. Staff: FULL. Others: NONE unless the item is on a released agenda of a meeting
    they take part in. One query, whatever the number of items."""
    return item_levels_by_id(person, (i.id for i in items))


def item_levels_by_id(person, item_ids: Iterable[int | None]) -> dict[int, str]:
    """`item_levels` of the items with these ids (for a list that read their ids only)."""
    ids = {i for i in item_ids if i is not None}
    if is_staff(person):
        return dict.fromkeys(ids, FULL)
    levels = dict.fromkeys(ids, NONE)
    if not ids or not is_person(person):
        return levels
    rows = columns(_clauses(person.id).levels_stmt, {"policy_ids": list(ids)}).all()
    for item_id, full in rows:
        levels[item_id] = FULL if full else REFERENCE
    return levels


def entitled_among(person, items: Iterable[AgendaItem]) -> set[int]:
    """Ids of these agenda items the person reads in full (one query)."""
    return {i for i, level in item_levels(person, items).items() if level == FULL}


def entitled_items(person, meeting: Meeting, items: list[AgendaItem] | None = None) -> set[int]:
    """Ids of the meeting's agenda items the person reads in full."""
    if items is None:
        items = list(meeting.agenda_items)
    return entitled_among(person, items)


def can_see_casus(person, item_or_topic) -> bool:
    """May this person read this agenda item or topic in full?"""
    if item_or_topic is None:
        return False
    if isinstance(item_or_topic, AgendaItem):
        return item_or_topic.id in entitled_among(person, [item_or_topic])
    return item_or_topic.id in entitled_topic_ids(person, [item_or_topic.id])


def named_guest_meetings(person, meeting_ids) -> set[int]:
    """Of these meetings, those where the person is a guest invited for particular items:
    there they read only those items (and the standard ones), not the action list. One query."""
    ids = set(meeting_ids)
    if not ids or is_staff(person) or not is_person(person):
        return set()
    return set(db.session.scalars(_clauses(person.id).named_guest_stmt, {"policy_ids": list(ids)}))


def _named_guest_at(person, meeting: Meeting) -> bool:
    """`named_guest_meetings` for one meeting: without a query when the meeting's
    participants are loaded and the person's row is no guest's."""
    if is_staff(person) or not is_person(person):
        return False
    rows = _own_rows(person, meeting)
    if rows is not None and not any(p.part == "guest" for p in rows):
        return False
    return meeting.id in named_guest_meetings(person, {meeting.id})


def item_heading(item: AgendaItem, person, entitled: set[int] | None = None) -> str:
    """The item's title, or only its topic's reference ("Besloten agendapunt" without topic)
    when the person does not read it in full. Pass `entitled` to avoid a query per item."""
    visible = (item.id in entitled) if entitled is not None else can_see_casus(person, item)
    if visible:
        return item.title
    if item.topic is not None:
        return item.topic.reference
    return BESLOTEN_HEADING


@lru_cache(maxsize=1)
def _entitled_people_stmt():
    """`entitled_people`: (item, person) of the participants who read the items among
    ``policy_ids`` in full. Made once: a statement keeps its cache key, and this one's (the
    read policy's clauses) took longer to make than the query to run."""
    return (
        select(AgendaItem.id, Participant.person_id)
        .join(AgendaItem, _PARTICIPANTS.seen_item)
        .where(
            in_list(AgendaItem.id, _IDS),
            in_list(Participant.meeting_id, _MEETING_IDS),
            _PARTICIPANTS.full_item,
        )
    )


def entitled_people(items: Iterable[AgendaItem]) -> dict[int, set[int]]:
    """Per agenda item: ids of the participants of its meeting who read it in full (the owner
    picker for actions). One query; staff participants included."""
    items = list(items)
    result: dict[int, set[int]] = {i.id: set() for i in items}
    if not items:
        return result
    rows = columns(
        _entitled_people_stmt(),
        {"policy_ids": list(result), "policy_meeting_ids": sorted({i.meeting_id for i in items})},
    ).all()
    for item_id, person_id in rows:
        result[item_id].add(person_id)
    staff: dict[int, set[int]] = {}  # per meeting: its staff participants
    for i in items:
        if i.meeting_id not in staff:
            staff[i.meeting_id] = {
                p.person_id for p in i.meeting.participants if is_staff(p.person)
            }
        result[i.id] |= staff[i.meeting_id]
    return result


def visible_proposals(person, items: Iterable[AgendaItem]):
    """(pending, declined) proposals among a meeting's items this person sees: all for staff,
    otherwise their own."""
    items = list(items)
    if not is_staff(person):
        me = person.id if is_person(person) else None
        items = [i for i in items if me is not None and i.proposed_by_id == me]
    return (
        [i for i in items if i.proposal_status == "voorgesteld"],
        [i for i in items if i.proposal_status == "afgewezen"],
    )


# --- documents ----------------------------------------------------------------------------


def may_download(person, doc: Document) -> bool:
    """A document is read by whoever reads its agenda item in full."""
    return doc.agenda_item_id in entitled_among(person, [doc.agenda_item])


# --- topics -------------------------------------------------------------------------------


def entitled_topic_ids(person, topic_ids: Iterable[int]) -> set[int]:
    """Of these topics, the ones the person reads in full: entitled to an agenda item it was
    on (released agenda). One query."""
    ids = {t for t in topic_ids if t is not None}
    if not ids:
        return set()
    if is_staff(person):
        return ids
    if not is_person(person):
        return set()
    return set(db.session.scalars(_clauses(person.id).topic_ids_stmt, {"policy_ids": list(ids)}))


def topic_full_clause(person, *, per_row: bool = False):
    """WHERE clause on Topic: the person reads it in full. `per_row`: in a form the database
    asks of each row it reads (for a page that stops early, as the topic list's search),
    never by first gathering every topic the person reads in full."""
    if is_staff(person):
        return true()
    if not is_person(person):
        return false()
    clauses = _clauses(person.id)
    return clauses.topic_full_per_row if per_row else clauses.topic_full


def topic_found_in_full_clause(person):
    """WHERE clause on Topic: the person finds the topic and reads it in full (what a search
    through titles and descriptions may match). Reading in full implies finding: the item
    that entitles (`_direct`) passes `_seen_item` and the besloten test that finding asks of
    an item too, so this is `topic_full_clause` alone, without a second correlated test of
    every match (tests/test_read_policy_property.py holds the implication)."""
    return topic_full_clause(person)


class HeadedTopic(Protocol):
    """What naming a topic takes: a `Topic`, or a `TopicRow` of an overview that selected
    only these columns."""

    @property
    def id(self) -> int: ...
    @property
    def reference(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def is_casus(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class TopicRow:
    """A topic as an overview selected it, in columns: what naming it takes (`HeadedTopic`)."""

    id: int
    reference: str
    title: str
    is_casus: bool


def topic_heading(topic: HeadedTopic, person, entitled: set[int] | None = None) -> str:
    visible = (topic.id in entitled) if entitled is not None else can_see_casus(person, topic)
    return topic.title if visible else topic.reference


def topic_visibility_clause(person, *, per_row: bool = False):
    """WHERE clause on Topic: topics a person may find (by heading; REFERENCE may show only
    the reference): all for staff; otherwise those with an agenda item the person sees
    (released agenda of a meeting they take part in; a besloten item only for those named on
    it). Deny by default. `per_row`: as in `topic_full_clause`, for a walk that stops after a
    page (the topic list)."""
    if is_staff(person):
        return true()
    if not is_person(person):
        return false()
    clauses = _clauses(person.id)
    return clauses.topic_visible_per_row if per_row else clauses.topic_visible


def visible_topics_stmt(person):
    """select(Topic) limited to `topic_visibility_clause`."""
    stmt = select(Topic)
    if is_staff(person):
        return stmt
    return stmt.where(topic_visibility_clause(person))


def overview_topic_heading(topic: HeadedTopic, person, entitled: set[int] | None = None) -> str:
    """How an overview that gathers work from many meetings (the werkvoorraad on the home
    page, the open escalations) names a topic: a casus by its reference only, whoever reads
    it (the overview is seen at a glance; the link leads to the full page); any other topic
    as `topic_heading`."""
    if topic.is_casus:
        return topic.reference
    return topic_heading(topic, person, entitled)


def overview_text_shown(topic: HeadedTopic) -> bool:
    """Does an overview of work from many meetings show a topic's case text beside its
    heading (an open escalation's question)? Not for a casus, which it names by its
    reference only (`overview_topic_heading`)."""
    return not topic.is_casus


def overview_topic_label(topic: HeadedTopic, person, entitled: set[int] | None = None) -> str:
    """A topic as a choice in a list of topics from many meetings (the agenda's topic picker,
    a register's filter, a signal's merge list): its reference and, as
    `overview_topic_heading` names it, its title, or for a casus "(casus)", which tells the
    reader why there is no title."""
    if topic.is_casus:
        return f"{topic.reference} (casus)"
    heading = overview_topic_heading(topic, person, entitled)
    return topic.reference if heading == topic.reference else f"{topic.reference} · {heading}"


def worklist_visible(person) -> bool:
    """The werkvoorraad (what waits for the secretary) is for staff only."""
    return is_staff(person)


def search_topics_clause(person, needle: str):
    """WHERE clause on Topic for a text search: the reference always; title and description
    only where the person reads the topic in full."""
    like = f"%{needle}%"
    text_match = or_(Topic.title.ilike(like), Topic.description.ilike(like))
    return or_(Topic.reference.ilike(like), and_(text_match, topic_full_clause(person)))


def topic_level(person, topic: Topic) -> str:
    """FULL, REFERENCE or NONE for the topic's page: whether the person may open it at all
    and whether they read the topic in full (`entitled_topic_ids`). One query."""
    if is_staff(person):
        return FULL
    if not is_person(person):
        return NONE
    stmt = _clauses(person.id).topic_level_stmt
    row = columns(stmt, {"policy_ids": [topic.id]}).first()
    if row is None:
        return NONE
    return FULL if row[1] else REFERENCE


def can_view_topic(person, topic: Topic) -> bool:
    """May the person open the topic's page at all (reference only unless FULL)?"""
    return topic_level(person, topic) != NONE


def escalation_question_visible(person, origin_item_id, shown_items: set[int], entitled: set[int]):
    """An escalation's question belongs to the item it came from: shown with that item only."""
    if is_staff(person):
        return True
    return origin_item_id in shown_items and origin_item_id in entitled


# --- minutes, decisions and actions -------------------------------------------------------


def minutes_readable(person, minutes: Minutes | None) -> bool:
    """Staff always; participants (of a meeting they see) once sent for approval."""
    if is_staff(person):
        return True
    return is_person(person) and minutes is not None and minutes.status in SENT_MINUTES


def released_minutes_clause(person, meeting_id_col):
    """WHERE clause: the minutes of that meeting reach this person (staff: always)."""
    if is_staff(person):
        return true()
    return _released_minutes(meeting_id_col)


@lru_cache(maxsize=16)
def _released_minutes(meeting_id_col):
    """`released_minutes_clause` for a non-staff person, per column (a handful of them)."""
    minutes = _sent_minutes
    return exists().where(minutes.meeting_id == meeting_id_col, minutes.status.in_(SENT_MINUTES))


@lru_cache(maxsize=1)
def _sent_minutes_stmt():
    """`sent_minutes_meeting_ids`, made once (a statement keeps its cache key)."""
    return select(Minutes.meeting_id).where(
        in_list(Minutes.meeting_id, _IDS), Minutes.status.in_(SENT_MINUTES)
    )


def sent_minutes_meeting_ids(meeting_ids: Iterable[int]) -> set[int]:
    """Of these meetings, those whose minutes were sent for approval (or approved). One
    query."""
    ids = list(set(meeting_ids))
    if not ids:
        return set()
    return set(db.session.scalars(_sent_minutes_stmt(), {"policy_ids": ids}))


def visible_action_ids(person, actions: list[ActionItem]) -> set[int]:
    """Of these actions, those whose text the person reads: who reads the action's agenda item
    in full, once its minutes were sent. An action without item follows its meeting. The
    owner is no exception: an owner not entitled to the item reads the reference only."""
    return action_readable_ids(
        person,
        [
            # ON DELETE SET NULL: an id is an item that exists
            ActionFacts(a.id, a.meeting_id, a.agenda_item_id)
            for a in actions
        ],
    )


@dataclass(frozen=True)
class ActionFacts:
    """What `visible_action_ids` reads of an action, for a list that read these columns only."""

    id: int
    meeting_id: int
    agenda_item_id: int | None


def action_readable_ids(person, actions: Iterable[ActionFacts]) -> set[int]:
    """`visible_action_ids` of actions given by their facts: whether their minutes were sent
    (one query), their items read in full (one query), and for actions without an item their
    meetings (two queries, only when the list has such actions)."""
    actions = list(actions)
    if is_staff(person):
        return {a.id for a in actions}
    if not actions or not is_person(person):
        return set()
    meeting_ids = {a.meeting_id for a in actions}
    sent = sent_minutes_meeting_ids(meeting_ids)
    item_ids = [a.agenda_item_id for a in actions if a.agenda_item_id is not None]
    levels = item_levels_by_id(person, item_ids) if item_ids else {}
    entitled = {i for i, level in levels.items() if level == FULL}
    no_item = {a.meeting_id for a in actions if a.agenda_item_id is None}
    seen = visible_meeting_ids(person, no_item) - named_guest_meetings(person, no_item)
    result = set()
    for a in actions:
        if a.meeting_id not in sent:
            continue
        if (
            a.agenda_item_id is not None
            and a.agenda_item_id in entitled
            or a.agenda_item_id is None
            and a.meeting_id in seen
        ):
            result.add(a.id)
    return result


@dataclass(frozen=True)
class CarriedFacts:
    """What `carried_action_ids` reads of an action (`actions.CarriedAction` has these too):
    its meeting, its agenda item, whether that item is besloten and its topic a casus."""

    id: int
    meeting_id: int
    agenda_item_id: int | None
    item_besloten: bool
    topic_id: int | None
    topic_is_casus: bool


# `minutes_entitlement`: the facts of the snapshot's carried actions, in columns (made once,
# the ids given when it runs)
_CARRIED_FACTS = (
    select(
        ActionItem.id,
        ActionItem.meeting_id,
        AgendaItem.id,
        AgendaItem.besloten,
        AgendaItem.topic_id,
        Topic.confidentiality,
    )
    .outerjoin(AgendaItem, AgendaItem.id == ActionItem.agenda_item_id)
    .outerjoin(Topic, Topic.id == AgendaItem.topic_id)
    .where(in_list(ActionItem.id, _IDS))
)


class _CarriedLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def meeting_id(self) -> int: ...
    @property
    def agenda_item_id(self) -> int | None: ...
    @property
    def item_besloten(self) -> bool: ...
    @property
    def topic_id(self) -> int | None: ...
    @property
    def topic_is_casus(self) -> bool: ...


def carried_action_ids(
    person,
    meeting: Meeting,
    actions: Sequence[_CarriedLike],
    levels: dict[int, str] | None = None,
) -> set[int]:
    """Actions of earlier meetings whose text the person reads under this meeting's actielijst
    (the body's action list): none for a guest invited for particular items, none before the
    minutes they were made in were sent; for the others, who reads the actielijst reads an
    action of an open item, and a casus or besloten one only when entitled to its item (a
    casus also through its topic). The actions by their facts (`CarriedFacts`, or the
    actielijst's `actions.CarriedAction`). ``levels``: `item_levels` answers the caller asked
    for these actions' items already (with its own: one query for both)."""
    if is_staff(person):
        return {a.id for a in actions}
    if not actions or not agenda_visible_to(person, meeting):
        return set()
    if not can_see_meeting(person, meeting) or _named_guest_at(person, meeting):
        return set()
    sent = sent_minutes_meeting_ids({a.meeting_id for a in actions})
    with_item = [a for a in actions if a.agenda_item_id is not None]
    item_ids = [a.agenda_item_id for a in actions if a.agenda_item_id is not None]
    if levels is None or not all(i in levels for i in item_ids):
        levels = item_levels_by_id(person, item_ids)
    entitled = {i for i in item_ids if levels[i] == FULL}
    # A casus action's topic is asked about only when the person does not see its item: for
    # an item they see, reading it in full already holds entitlement to its topic elsewhere
    # (`_Clauses.casus_carried`), so its level said it (and the usual actielijst, of meetings
    # the person sat in, needs no query more for its casus).
    casus_topics = {
        a.topic_id
        for a in with_item
        if a.topic_id is not None
        and a.topic_is_casus
        and not a.item_besloten
        and levels.get(a.agenda_item_id or 0) == NONE
    }
    topics = entitled_topic_ids(person, casus_topics) if casus_topics else set()
    result = set()
    for a in actions:
        if a.meeting_id not in sent:
            continue
        if a.agenda_item_id is None:
            result.add(a.id)  # an action without item: the action list is theirs
            continue
        casus = a.topic_id is not None and a.topic_is_casus
        if (
            not (a.item_besloten or casus)
            or a.agenda_item_id in entitled
            or (casus and not a.item_besloten and a.topic_id in topics)
        ):
            result.add(a.id)
    return result


def decision_visible_ids(person, decisions) -> set[int]:
    """Of these decisions (of minutes that reach the person), those whose text they read:
    who reads the decision's agenda item in full; without an item, its casus topic decides."""
    return decision_readable_ids(
        person,
        [
            DecisionFacts(
                d.id,
                d.agenda_item_id,  # ON DELETE SET NULL: an id is an item that exists
                d.topic_id,
                d.topic is not None and d.topic.is_casus,
            )
            for d in decisions
        ],
    )


@dataclass(frozen=True)
class DecisionFacts:
    """What `decision_visible_ids` reads of a decision, for a list that read these only."""

    id: int
    agenda_item_id: int | None
    topic_id: int | None
    casus: bool  # its topic is a casus


def decision_readable_ids(person, decisions: Iterable[DecisionFacts]) -> set[int]:
    """`decision_visible_ids` of decisions given by their facts: their items read in full
    (one query), and for casus decisions without an item their topics (one query, only when
    the list has such decisions)."""
    decisions = list(decisions)
    if is_staff(person):
        return {d.id for d in decisions}
    item_ids = [d.agenda_item_id for d in decisions if d.agenda_item_id is not None]
    levels = item_levels_by_id(person, item_ids) if item_ids else {}
    entitled = {i for i, level in levels.items() if level == FULL}
    topics = {d.topic_id for d in decisions if d.agenda_item_id is None and d.casus and d.topic_id}
    topic_ok = entitled_topic_ids(person, topics) if topics else set()
    result = set()
    for d in decisions:
        if d.agenda_item_id is not None:
            if d.agenda_item_id in entitled:
                result.add(d.id)
        elif d.topic_id is None or not d.casus or d.topic_id in topic_ok:
            result.add(d.id)
    return result


def decision_text_clause(person):
    """WHERE clause on Decision: the person reads its text; `decision_visible_ids` in SQL, so
    a register can filter and search on it before any limit. Whether the decision's minutes
    and meeting reach the person at all are the clauses above (`released_minutes_clause`,
    `meeting_visibility_clause`), applied beside this one."""
    if is_staff(person):
        return true()
    if not is_person(person):
        return false()
    return _clauses(person.id).decision_text


def action_text_clause(person):
    """WHERE clause on ActionItem: the person reads its text; `visible_action_ids` in SQL
    (minutes sent; the action's item read in full; an action without item follows its
    meeting, except for a guest invited for particular items)."""
    if is_staff(person):
        return true()
    if not is_person(person):
        return false()
    return _clauses(person.id).action_text


def item_full_clause(person):
    """WHERE clause on AgendaItem: the person reads the item in full (`item_levels` FULL),
    in SQL, for searches over many meetings."""
    if is_staff(person):
        return true()
    if not is_person(person):
        return false()
    return _clauses(person.id).item_full


def notes_readable_clause(person):
    """WHERE clause on AgendaItem (joined with its Meeting): the person reads the item's
    notes in the minutes. The meeting is theirs, its minutes reach them (sent for approval),
    and they read the item in full: what `minutes_entitlement` leaves unredacted."""
    return and_(
        meeting_visibility_clause(person),
        released_minutes_clause(person, AgendaItem.meeting_id),
        item_full_clause(person),
    )


class MinutesEntitlement(NamedTuple):
    """What a reader reads in full of a minutes snapshot (`minutes_entitlement`), as ids."""

    items: set[int]  # agenda items of the meeting
    carried: set[int]  # carried actions (the actielijst) whose text they read
    decisions: set[int]  # decisions without an agenda item whose text they read
    actions: set[int]  # the meeting's actions without an agenda item likewise


# A snapshot of this schema or later carries an item-less decision's own topic (its id,
# reference and casus flag); earlier frozen versions do not, so their item-less decisions
# and actions are read by staff only.
LOOSE_ENTRIES_SCHEMA = 2


def minutes_entitlement(person, snap: dict) -> MinutesEntitlement | None:
    """For a minutes snapshot: the item ids of the meeting the person reads in full, the ids
    of the carried actions, and of the decisions and actions without an agenda item, whose
    text they read (`decision_readable_ids`, `action_readable_ids`); or None for
    "everything" (staff). Item-less entries of a snapshot older than
    `LOOSE_ENTRIES_SCHEMA` (no topic of their own kept) only for staff."""
    if is_staff(person):
        return None
    meeting = db.session.get(Meeting, snap["meeting_id"])
    if meeting is None or not is_person(person):
        return MinutesEntitlement(set(), set(), set(), set())
    carried_ids = [a["id"] for a in snap.get("carried_actions", [])]
    carried = []
    if carried_ids:
        carried = [
            CarriedFacts(id_, meeting_id, item_id, bool(besloten), topic_id, kind == "casus")
            for id_, meeting_id, item_id, besloten, topic_id, kind in columns(
                _CARRIED_FACTS, {_IDS: carried_ids}
            )
        ]
    # the levels of the meeting's items and of the carried actions' items in one query
    own = [i.id for i in meeting.agenda_items]
    levels = item_levels_by_id(person, own + [a.agenda_item_id for a in carried])
    items = {i for i in own if levels.get(i) == FULL}
    carried_ok = carried_action_ids(person, meeting, carried, levels=levels)
    if snap.get("schema", 1) < LOOSE_ENTRIES_SCHEMA:
        return MinutesEntitlement(set(items), carried_ok, set(), set())
    decisions = decision_readable_ids(
        person,
        [
            DecisionFacts(d["id"], None, d.get("topic_id"), bool(d.get("casus")))
            for d in snap["decisions"]
            if d.get("item_id") is None
        ],
    )
    actions = action_readable_ids(
        person,
        [
            ActionFacts(a["id"], a["meeting_id"], None)
            for a in snap["actions"]
            if a.get("item_id") is None
        ],
    )
    return MinutesEntitlement(set(items), carried_ok, decisions, actions)


# --- mail and .ics ------------------------------------------------------------------------


def mail_item_heading(item: AgendaItem, level: str) -> str | None:
    """How a mail to a recipient with this `level` (from `item_levels`) names an agenda item
    (the "Agenda gewijzigd" mail lists what changed): not at all when they do not see it; a
    casus or besloten item by its reference only, even for who reads it in full (mail leaves
    Overleg); another item by its title when they read it in full, else by its topic's
    reference (an item without topic they do not read in full: not at all)."""
    if level not in (FULL, REFERENCE):
        return None
    topic = item.topic
    if topic is not None and (topic.is_casus or item.besloten):
        return topic.reference
    if item.besloten:
        return BESLOTEN_HEADING
    if level == FULL:
        return item.title
    return topic.reference if topic is not None else None


def mail_removed_heading(entry: dict, person, named_guest: bool) -> str | None:
    """How that mail names an item removed from the agenda, from what the agenda's snapshot
    kept of it (``title``, ``topic``: its reference, ``casus``, ``besloten``, ``kind``): a
    casus or besloten item by its reference; an open item by its title, except for a guest
    invited for particular items (who read other items by reference only, a free item not at
    all). Nothing for who is not a person."""
    if not is_person(person):
        return None
    reference = entry.get("topic")
    if entry.get("casus") or entry.get("besloten"):
        return reference or BESLOTEN_HEADING
    if named_guest and not is_staff(person) and entry.get("kind") != "standard":
        return reference
    return entry.get("title")


@dataclass(frozen=True)
class CalendarText:
    """What a mail and an .ics may say about a meeting: they leave Overleg and reach anyone's
    calendar, so they carry no agenda item, topic or case, only the body and a link."""

    summary: str  # the body's name and "overleg"
    description: str  # date and time, the online link, and the link to the meeting page


def calendar_summary(meeting: Meeting) -> str:
    """The body's name and 'overleg' only (SUMMARY, mail subjects)."""
    name = meeting.meeting_type.name
    return name if "overleg" in name.lower() else f"Overleg {name}"


def calendar_text(meeting: Meeting, link: str) -> CalendarText:
    """SUMMARY and DESCRIPTION of a meeting's .ics (and the facts its mail repeats): the body,
    the time, the online address and ``link`` (the meeting page); never an item or a case."""
    summary = calendar_summary(meeting)
    lines = [
        f"{summary} op {nl_date(meeting.starts_at)}, "
        f"{nl_time(meeting.starts_at)} – {nl_time(meeting.ends_at)} uur.",
    ]
    if meeting.online_url:
        lines.append(f"Online: {meeting.online_url}")
    lines.append(f"Agenda, deelnemers en uw antwoord: {link}")
    return CalendarText(summary=summary, description="\n".join(lines))


# --- the jaarplan and residents' signals ---------------------------------------------------


def can_view_plan_version(person, version) -> bool:
    """A jaarplan version: once adopted (vastgesteld) every logged-in person reads it; a
    concept only staff (the secretary drafts it)."""
    if not is_person(person):
        return False
    return version.status == "vastgesteld" or is_staff(person)


REPORT_LEVEL = "strategisch"


def can_view_report(person, version) -> bool:
    """The progress report on a year's jaarplan (counts only, small numbers shown as "minder
    dan 5", no case content): staff, and who sits in a strategic body (the Driehoek, the
    Politie Overleg: they steer the plan and account for it to the gemeenteraad), once they
    may read the plan version it reports on. Others: 404."""
    if not can_view_plan_version(person, version):
        return False
    if is_staff(person):
        return True
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Participant.person_id == person.id,
                    Participant.meeting_id == Meeting.id,
                    Meeting.meeting_type_id == MeetingType.id,
                    MeetingType.level == REPORT_LEVEL,
                )
            )
        )
    )


def can_read_signal(person) -> bool:
    """A resident's safety signal (its text and the resident's contact details): staff only.
    Participants never read it, not even of a topic made from it."""
    return is_staff(person)


# --- the plan van aanpak of a topic ---------------------------------------------------------


def measure_topic_ids(person, topic_ids: Iterable[int]) -> set[int]:
    """Of these topics, those whose plan van aanpak (measures, progress notes, versions) the
    person reads: the topics they read in full (a casus's plan is part of the casus). One
    query."""
    return entitled_topic_ids(person, topic_ids)


def measure_visibility_clause(person):
    """WHERE clause on Measure: the person reads it (`measure_topic_ids` in SQL), for lists
    such as "Maatregelen van mijn organisatie"."""
    if is_staff(person):
        return true()
    if not is_person(person):
        return false()
    return _clauses(person.id).measure_visible


def topic_plan_readable(topic_full: bool) -> bool:
    """`measure_topic_ids` for one topic whose reading in full (`can_see_casus`) the caller
    asked already: its plan van aanpak is part of it (the topic page, one query less)."""
    return topic_full


def agenda_measures_visible(row_full: bool) -> bool:
    """The "Voortgang plan van aanpak" under an agenda item belongs to that item: shown only
    to who reads the item in full (a besloten item keeps its plan closed as well)."""
    return row_full


def can_edit_aanpak(person) -> bool:
    """Changing a plan van aanpak, recording progress and adopting: staff."""
    return is_staff(person)


__all__ = [
    "agenda_measures_visible",
    "can_edit_aanpak",
    "measure_topic_ids",
    "measure_visibility_clause",
    "topic_plan_readable",
    "CalendarText",
    "BESLOTEN_HEADING",
    "FULL",
    "NONE",
    "REFERENCE",
    "agenda_released",
    "agenda_released_clause",
    "agenda_visible_to",
    "calendar_summary",
    "calendar_text",
    "can_read_signal",
    "can_view_report",
    "can_see_casus",
    "can_see_meeting",
    "can_view_topic",
    "topic_level",
    "can_view_plan_version",
    "CarriedFacts",
    "carried_action_ids",
    "decision_visible_ids",
    "entitled_among",
    "entitled_items",
    "entitled_people",
    "entitled_topic_ids",
    "escalation_question_visible",
    "is_person",
    "is_staff",
    "item_heading",
    "item_full_clause",
    "item_levels",
    "mail_item_heading",
    "mail_removed_heading",
    "may_download",
    "meeting_visibility_clause",
    "LOOSE_ENTRIES_SCHEMA",
    "MinutesEntitlement",
    "minutes_entitlement",
    "minutes_readable",
    "named_guest_meetings",
    "notes_readable_clause",
    "overview_topic_heading",
    "released_minutes_clause",
    "search_topics_clause",
    "sits_in_body",
    "body_sat_in",
    "topic_full_clause",
    "topic_heading",
    "topic_visibility_clause",
    "visible_action_ids",
    "visible_meeting_ids",
    "visible_meetings",
    "visible_proposals",
    "visible_topics_stmt",
    "worklist_visible",
]
