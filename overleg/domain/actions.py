"""Action items (actiepunten): what, owner (a person or an organisation), due date, status.

An open action appears under the actielijst item of every next meeting of the same body
until it is closed there. ``carried_actions(meeting)`` is that list for a meeting, also for a
meeting in the past (what was open at that time), in a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.sql.elements import BindParameter

from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    Measure,
    Meeting,
    MeetingType,
    Organisation,
    Person,
    Topic,
)
from ..models.minutes import ACTION_STATUS_LABELS, action_overdue, action_owner_label
from ..models.sql import columns, in_list
from ..timeutil import local_to_utc, to_local, today_local, utcnow
from . import dialect as sql_dialect
from . import kept, keyset, policy
from .input import date_in_range, has_control_characters


class ActionError(ValueError):
    """Input the domain refuses: errors by field name, in Dutch."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _joined_options():
    """Of the objects ``_load_options`` loads, those not of the actions' own meeting (its
    items and their topics are the caller's), in the one query (LEFT OUTER JOINs; all are
    many-to-one): who owns an action, the owning organisation, who closed it and where."""
    return (
        joinedload(ActionItem.owner_person).joinedload(Person.organisation),
        joinedload(ActionItem.owner_organisation),
        joinedload(ActionItem.closed_in_meeting),
        joinedload(ActionItem.closed_by),
    )


def _load_options():
    return (
        selectinload(ActionItem.owner_person),  # with the organisation (Person's default)
        selectinload(ActionItem.owner_organisation),
        selectinload(ActionItem.meeting),
        selectinload(ActionItem.closed_in_meeting),
        selectinload(ActionItem.closed_by),
        selectinload(ActionItem.agenda_item).selectinload(AgendaItem.topic),
    )


def add_action(
    meeting: Meeting,
    item: AgendaItem | None,
    what: str,
    *,
    owner_person: Person | None = None,
    owner_organisation: Organisation | None = None,
    due_date: date | None = None,
    by: Person | None = None,
    measure: Measure | None = None,
) -> ActionItem:
    """A new open action, made at this meeting (under an agenda item); it may belong to a
    measure of the plan van aanpak of the item's topic."""
    what = check_fields(what, owner_person, owner_organisation, due_date)
    if item is not None and item.meeting_id != meeting.id:
        raise ActionError({"what": "Dit agendapunt hoort niet bij deze vergadering."})
    if measure is not None and (item is None or measure.topic_id != item.topic_id):
        raise ActionError(
            {"measure": "Kies een maatregel uit het plan van aanpak van dit onderwerp."}
        )
    action = ActionItem(
        meeting_type_id=meeting.meeting_type_id,
        meeting=meeting,
        agenda_item=item,
        what=what,
        owner_person=owner_person,
        owner_organisation=owner_organisation if owner_person is None else None,
        due_date=due_date,
        status="open",
        created_by_id=by.id if by is not None else None,
        measure_id=measure.id if measure is not None else None,
    )
    db.session.add(action)
    return action


@dataclass(frozen=True)
class ActionFields:
    """What an edit or a correction sets on an action."""

    what: str | None
    owner_person: Person | None = None
    owner_organisation: Organisation | None = None
    due_date: date | None = None


def check_fields(
    what: str | None,
    owner_person: Person | None,
    owner_organisation: Organisation | None,
    due_date: date | None = None,
) -> str:
    """The action's text as stored, or ActionError (Dutch, by field)."""
    what = (what or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    errors = {}
    if not what:
        errors["what"] = "Beschrijf wat er moet gebeuren."
    elif len(what) > 2000:
        errors["what"] = "Gebruik hoogstens 2000 tekens."
    elif has_control_characters(what, multiline=True):
        errors["what"] = "Deze tekst bevat stuurtekens (zoals een NUL-teken); haal die weg."
    if owner_person is None and owner_organisation is None:
        errors["owner"] = "Kies wie het actiepunt uitvoert: een persoon of een organisatie."
    if due_date is not None and not date_in_range(due_date):
        errors["due_date"] = "Kies een datum tussen 1 januari 2000 en 31 december 2099."
    if errors:
        raise ActionError(errors)
    return what


def differs(action: ActionItem, fields: ActionFields) -> bool:
    """Would these fields (checked, see `check_fields`) change the action?"""
    person = fields.owner_person
    org = fields.owner_organisation if person is None else None
    return (
        fields.what,
        person.id if person is not None else None,
        org.id if org is not None else None,
        fields.due_date,
    ) != (action.what, action.owner_person_id, action.owner_organisation_id, action.due_date)


def revise_action(
    action: ActionItem,
    what: str | None,
    *,
    owner_person: Person | None = None,
    owner_organisation: Organisation | None = None,
    due_date: date | None = None,
) -> bool:
    """Change what an action says, who carries it out and by when. Its status is left alone
    (closing happens at a meeting). False when nothing differs. Whether the minutes allow it
    is decided by ``minutes.edit_action`` (concept) and ``minutes.correct`` (a correction
    after approval)."""
    what = check_fields(what, owner_person, owner_organisation, due_date)
    org = owner_organisation if owner_person is None else None
    if not differs(action, ActionFields(what, owner_person, org, due_date)):
        return False
    action.what = what
    action.owner_person = owner_person
    action.owner_organisation = org
    action.due_date = due_date
    return True


def close_action(
    action: ActionItem, at_meeting: Meeting, note: str | None = None, by: Person | None = None
) -> None:
    """Close an open action at a meeting of the same body (the one it was made at, or later)."""
    if action.status != "open":
        raise ActionError({"action": "Dit actiepunt is al afgerond."})
    if at_meeting.meeting_type_id != action.meeting_type_id:
        raise ActionError(
            {"action": "Een actiepunt wordt afgerond in een vergadering van hetzelfde overleg."}
        )
    if at_meeting.starts_at < action.meeting.starts_at:
        raise ActionError(
            {
                "action": "Een actiepunt kan niet worden afgerond in een eerdere "
                "vergadering dan waarin het is gemaakt."
            }
        )
    action.status = "afgerond"
    action.closed_in_meeting = at_meeting
    action.closed_at = utcnow()
    action.closing_note = (note or "").strip() or None
    action.closed_by = by


def may_close(person, action: ActionItem) -> bool:
    """Who may close an action between meetings: the person named as its owner, or a
    secretary (administrators included). An action owned by an organisation is closed by the
    secretary."""
    if not policy.is_person(person):
        return False
    if policy.is_staff(person):
        return True
    return action.owner_person_id is not None and action.owner_person_id == person.id


def close_between_meetings(
    action: ActionItem, by: Person, note: str | None = None, at: datetime | None = None
) -> None:
    """Close an open action outside a meeting ("Mijn actiepunten"): by its named owner or a
    secretary, at a moment, with an optional short note. Who closed it is written to the
    action (and the audit log, ``action_closed``); the next meeting's actielijst shows it as
    "afgerond door X op <datum>" (see `closed_between_for`)."""
    from ..audit import record

    if not may_close(by, action):
        raise ActionError(
            {"action": "Alleen wie het actiepunt uitvoert of de secretaris kan het afronden."}
        )
    if action.status != "open":
        raise ActionError({"action": "Dit actiepunt is al afgerond."})
    note = (note or "").strip()
    if len(note) > 1000:
        raise ActionError({"note": "Gebruik hoogstens 1000 tekens."})
    action.status = "afgerond"
    action.closed_in_meeting = None
    action.closed_at = at or utcnow()
    action.closing_note = note or None
    action.closed_by = by
    record("action_closed", action, person=by)


def closed_between(action: ActionItem | CarriedAction) -> bool:
    """Closed outside a meeting (by its owner or the secretary between meetings)."""
    return action.status == "afgerond" and action.closed_in_meeting_id is None


def reopen_action(action: ActionItem, at_meeting: Meeting) -> None:
    """Undo closing, only in the meeting where it was closed (while its minutes are a concept)."""
    if action.status != "afgerond" or action.closed_in_meeting_id != at_meeting.id:
        raise ActionError({"action": "Dit actiepunt is niet in deze vergadering afgerond."})
    action.status = "open"
    action.closed_in_meeting = None
    action.closed_at = None
    action.closing_note = None
    action.closed_by = None


def actions_made_at(meeting: Meeting) -> list[ActionItem]:
    """The actions made at this meeting, oldest first, with what the minutes show of them:
    one query. Their meeting is this one and their agenda items are its items, which the
    caller (a page about the meeting) has loaded with their topics: those many-to-ones come
    from the session, without SQL."""
    return list(db.session.scalars(_made_at_stmt(), {"meeting_id": meeting.id}))


@lru_cache(maxsize=1)
def _made_at_stmt():
    """`actions_made_at`'s query, made once (a statement keeps its cache key). The meeting,
    the items and their topics the session holds are not joined: they would come along in
    every row, and SQLAlchemy sets up the loading of each joined object anew for every run
    (a tenth of the verslag page)."""
    return (
        select(ActionItem)
        .where(ActionItem.meeting_id == bindparam("meeting_id"))
        .options(*_joined_options())
        .order_by(ActionItem.id)
    )


@dataclass(frozen=True)
class _ShownJoins:
    """The many-to-ones an action's row shows beside its own columns, as aliases: who owns
    it and their organisation, the owning organisation, who closed it, its agenda item and
    that item's topic. `joined` outer-joins them to a select of actions (the actielijst's
    carried actions and the action register's rows)."""

    owner: Any
    owner_org: Any
    organisation: Any
    closer: Any
    item: Any
    topic: Any

    @classmethod
    def made(cls) -> _ShownJoins:
        return cls(
            aliased(Person, name="owner_person"),
            aliased(Organisation, name="owner_org"),
            aliased(Organisation, name="owner_organisation"),
            aliased(Person, name="closer"),
            aliased(AgendaItem, name="item"),
            aliased(Topic, name="item_topic"),
        )

    def joined(self, statement: Select) -> Select:
        return (
            statement.outerjoin(self.owner, self.owner.id == ActionItem.owner_person_id)
            .outerjoin(self.owner_org, self.owner_org.id == self.owner.organisation_id)
            .outerjoin(self.organisation, self.organisation.id == ActionItem.owner_organisation_id)
            .outerjoin(self.closer, self.closer.id == ActionItem.closed_by_id)
            .outerjoin(self.item, self.item.id == ActionItem.agenda_item_id)
            .outerjoin(self.topic, self.topic.id == self.item.topic_id)
        )


@lru_cache(maxsize=2)
def _carried_statement(dialect: str):
    """The query of `carried_actions`, made once per database with bound parameters
    (``type_id``, ``starts_at``, ``meeting_id``): a statement keeps its cache key, and making
    it took longer than running it. When the body's previous meeting began is a scalar
    subquery in it (asked once, not per row; for a body's first meeting, no bound on when an
    action was closed between meetings), not a query of its own.

    The actions come from four disjoint arms, each read from its own index, so that a
    meeting's actielijst costs what it shows and not what its body ever decided (as one
    condition over the body's actions it read all of them: ten years, 3x one year's time):
    open (ix_action_item_status_due), closed at this meeting and closed at a later one
    (ix_action_item_closed_in_meeting_id, the later meetings from ix_meeting_starts_at), and
    closed between meetings since the previous one (ix_action_item_status_closed). The arms
    are of every body, the body picked from their few rows: with the body in an arm, SQLite
    read all of the body's actions from ix_action_item_meeting_type_id instead."""
    made_at = aliased(Meeting, name="made_at")
    closed_at = aliased(Meeting, name="closed_at")
    type_id: BindParameter[int] = bindparam("type_id")
    starts_at: BindParameter[datetime] = bindparam("starts_at")
    previous_start = (
        select(func.max(Meeting.starts_at))
        .where(
            Meeting.meeting_type_id == type_id,
            Meeting.starts_at < starts_at,
            Meeting.status != "geannuleerd",
        )
        .correlate(None)
        .scalar_subquery()
    )
    # Closed between meetings: shown on the first meeting after the previous one of the body
    # (as "afgerond door …"), and as still open on earlier meetings.
    later = aliased(Meeting, name="later")
    arms = union_all(
        select(ActionItem.id).where(ActionItem.status == literal_column("'open'")),
        select(ActionItem.id).where(ActionItem.closed_in_meeting_id == bindparam("meeting_id")),
        select(ActionItem.id)
        .join(later, later.id == ActionItem.closed_in_meeting_id)
        .where(later.starts_at > starts_at),
        select(ActionItem.id).where(
            ActionItem.status == literal_column("'afgerond'"),
            ActionItem.closed_at > func.coalesce(previous_start, _BEFORE_ALL_MEETINGS),
            ActionItem.closed_in_meeting_id.is_(None),
        ),
    )
    shown = _ShownJoins.made()
    statement = (
        # only the columns the actielijst and the minutes show (`CarriedAction`), not the
        # objects: they cost more to make than the query to run
        select(
            ActionItem.id,
            ActionItem.meeting_id,
            ActionItem.agenda_item_id,
            ActionItem.what,
            shown.owner.name,
            shown.owner_org.short_name,
            shown.owner_org.name,
            shown.organisation.name,
            ActionItem.due_date,
            ActionItem.status,
            ActionItem.closed_at,
            ActionItem.closed_in_meeting_id,
            closed_at.starts_at,
            ActionItem.closing_note,
            shown.closer.name,
            made_at.starts_at,
            shown.item.besloten,
            shown.item.topic_id,
            shown.topic.reference,
            shown.topic.confidentiality,
        )
        .join(made_at, made_at.id == ActionItem.meeting_id)
        .outerjoin(closed_at, closed_at.id == ActionItem.closed_in_meeting_id)
    )
    return (
        shown.joined(statement)
        .where(
            sql_dialect.among(ActionItem.id, select(arms.subquery().c.id), dialect),
            ActionItem.meeting_type_id == type_id,
            made_at.starts_at < starts_at,
        )
        .order_by(made_at.starts_at, ActionItem.id)
    )


# Earlier than any meeting: the bound on closing between meetings of a body's first meeting.
_BEFORE_ALL_MEETINGS = literal(datetime(1900, 1, 1), DateTime())  # noqa: DTZ001 (naive UTC, as stored)


@dataclass(frozen=True, slots=True)
class CarriedAction:
    """An action of an earlier meeting on a meeting's actielijst (`carried_actions`), as the
    actielijst (templates/minutes/_agenda_actions.html), the minutes' snapshot and the read
    policy (`policy.carried_action_ids`) read it: plain values, no ORM objects."""

    id: int
    meeting_id: int  # the meeting it was made in
    agenda_item_id: int | None
    what: str
    owner_label: str
    due_date: date | None
    status: str
    closed_at: datetime | None
    closed_in_meeting_id: int | None
    closed_in_starts_at: datetime | None  # the meeting it was closed in
    closing_note: str | None
    closed_by_name: str | None  # who closed it (between meetings)
    meeting_starts_at: datetime  # the meeting it was made in
    item_besloten: bool  # its agenda item's (False without one)
    topic_id: int | None  # of its agenda item
    topic_reference: str | None
    topic_is_casus: bool

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS.get(self.status, self.status)

    def is_overdue(self, on: date) -> bool:
        return action_overdue(self.status, self.due_date, on)


def _carried_row(row) -> CarriedAction:
    id_, meeting_id, item_id, what, person_name, org_short, org_long, org_name = row[:8]
    due, status, closed_at, closed_in_id, closed_in, note, closer, starts_at = row[8:16]
    besloten, topic_id, reference, confidentiality = row[16:]
    person_org = (org_short or org_long) if org_long is not None else None
    return CarriedAction(
        id=id_,
        meeting_id=meeting_id,
        agenda_item_id=item_id,
        what=what,
        owner_label=action_owner_label(person_name, person_org, org_name),
        due_date=due,
        status=status,
        closed_at=closed_at,
        closed_in_meeting_id=closed_in_id,
        closed_in_starts_at=closed_in,
        closing_note=note,
        closed_by_name=closer,
        meeting_starts_at=starts_at,
        item_besloten=bool(besloten),
        topic_id=topic_id,
        topic_reference=reference,
        topic_is_casus=confidentiality == "casus",
    )


def carried_actions(meeting: Meeting) -> list[CarriedAction]:
    """Actions of earlier meetings of the same body that were still open when this meeting
    began: open now, or closed at this meeting or a later one. Oldest first."""
    params = {
        "type_id": meeting.meeting_type_id,
        "starts_at": meeting.starts_at,
        "meeting_id": meeting.id,
    }
    return [_carried_row(row) for row in columns(_carried_statement(sql_dialect.name()), params)]


def actielijst(
    meeting: Meeting, carried: list[CarriedAction]
) -> tuple[list[CarriedAction], list[CarriedAction]]:
    """Of the carried actions (`carried_actions`), those the meeting's actielijst shows: still
    open at the meeting, and closed between meetings since the previous one."""
    open_ = [a for a in carried if open_at(a, meeting)]
    closed = [a for a in carried if closed_between(a) and not open_at(a, meeting)]
    return open_, closed


def actielijst_rows(
    meeting: Meeting, open_: list[CarriedAction], closed: list[CarriedAction], visible: set[int]
) -> tuple[list[tuple[CarriedAction, bool, bool]], list[tuple[CarriedAction, bool, str | None]]]:
    """The actielijst's rows (templates/minutes/_agenda_actions.html): (action, whether the
    reader reads its text, overdue on the meeting's day) of the open ones, (action, read,
    who closed it) of those closed between meetings. ``visible``: the policy's answer
    (`policy.carried_action_ids`)."""
    day = meeting_day(meeting)
    return (
        [(a, a.id in visible, a.is_overdue(day)) for a in open_],
        [(a, a.id in visible, a.closed_by_name) for a in closed],
    )


def open_at(action: ActionItem | CarriedAction, meeting: Meeting) -> bool:
    """Was the action still open at the end of this meeting (not closed here or before)?"""
    if action.status == "open":
        return True
    if isinstance(action, CarriedAction):
        if action.closed_in_meeting_id is not None:
            return action.closed_in_starts_at is not None and (
                action.closed_in_starts_at > meeting.starts_at
            )
    elif action.closed_in_meeting is not None:
        return action.closed_in_meeting.starts_at > meeting.starts_at
    # closed between meetings: open at meetings that began before it was closed
    return action.closed_at is not None and action.closed_at > meeting.starts_at


def overdue(action: ActionItem, on: date | None = None) -> bool:
    return action.is_overdue(on or today_local())


def meeting_day(meeting: Meeting) -> date:
    return to_local(meeting.starts_at).date()


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action as a list of actions shows it (templates/minutes/_action_table.html): plain
    values, no ORM objects (fifty actions of a register page with their people, meetings
    and topics as objects cost more to load than the rest of the page)."""

    id: int
    meeting_id: int
    agenda_item_id: int | None
    what: str
    owner_person_id: int | None
    owner_label: str
    due_date: date | None
    status: str
    closed_at: datetime | None
    closed_by_name: str | None  # who closed it (between meetings)
    closed_in_starts_at: datetime | None  # the meeting it was closed in
    meeting_starts_at: datetime  # the meeting it was made in
    topic_reference: str | None  # of the topic of its agenda item
    topic_is_casus: bool
    body_name: str | None = None  # of its meeting (Mijn actiepunten; the register is one's)

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS.get(self.status, self.status)

    def is_overdue(self, on: date) -> bool:
        return action_overdue(self.status, self.due_date, on)

    @classmethod
    def of(cls, action: ActionItem, *, body: bool = False) -> ActionRow:
        """The row of an action loaded with `_shown_options` (and, with `body`, its
        meeting's body)."""
        item = action.agenda_item
        topic = item.topic if item is not None else None
        closed_in = action.closed_in_meeting
        closer = action.closed_by
        return cls(
            id=action.id,
            meeting_id=action.meeting_id,
            agenda_item_id=action.agenda_item_id,
            what=action.what,
            owner_person_id=action.owner_person_id,
            owner_label=action.owner_label,
            due_date=action.due_date,
            status=action.status,
            closed_at=action.closed_at,
            closed_by_name=closer.name if closer is not None else None,
            closed_in_starts_at=closed_in.starts_at if closed_in is not None else None,
            meeting_starts_at=action.meeting.starts_at,
            topic_reference=topic.reference if topic is not None else None,
            topic_is_casus=topic is not None and topic.is_casus,
            body_name=action.meeting.meeting_type.name if body else None,
        )


@dataclass
class MyActions:
    """ "Mijn actiepunten": the person's own actions and their organisation's, with what the
    read policy lets them read (see `my_actions`)."""

    mine: list[ActionRow]
    org: list[ActionRow]
    visible: set[int]  # ids of the actions whose text the person reads
    unseen_meetings: set[int]  # ids of their meetings the person may not see


# Mijn actiepunten: the owner (a person, their organisation) as parameters of a kept statement
_MY_PERSON = bindparam("my_person", type_=Integer)
_MY_ORGANISATION = bindparam("my_organisation", type_=Integer)


def _my_actions_stmt(person: Person, *, with_org: bool, include_closed: bool):
    """The statement of `my_actions` for this reader and shape, the owner as parameters:
    kept (overleg.domain.kept), as its policy clause costs more to walk for a cache key than
    the query costs to run."""
    owned = ActionItem.owner_person_id == _MY_PERSON
    if with_org:
        owned = or_(
            owned,
            and_(
                ActionItem.owner_organisation_id == _MY_ORGANISATION,
                ActionItem.owner_person_id.is_(None),
            ),
        )
    stmt = (
        select(ActionItem)
        .where(owned, policy.released_minutes_clause(person, ActionItem.meeting_id))
        .options(
            *_shown_options(),
            # the body's name beside each action (templates/minutes/_action_table.html)
            joinedload(ActionItem.meeting)
            .load_only(Meeting.starts_at)
            .joinedload(Meeting.meeting_type)
            .load_only(MeetingType.name),
        )
        .order_by(
            ActionItem.status.desc(),
            ActionItem.due_date.is_(None),
            ActionItem.due_date,
            ActionItem.id,
        )
    )
    if not include_closed:
        # 'open' written in the statement, not bound: PostgreSQL's generic plan of a
        # prepared statement uses a partial index only when the query itself implies its
        # condition (ix_action_item_open_owner_*)
        stmt = stmt.where(ActionItem.status == literal_column("'open'"))
    return stmt


def my_actions(person: Person, *, include_closed: bool = False) -> MyActions:
    """The actions owned by the person and by the person's organisation, of minutes that
    reach the person (``released_minutes_clause``), with everything the list shows (owner,
    meetings, body, item, topic; all many-to-one, only the columns shown) joined in one
    query; then the read policy's batch answers: whose text the person reads
    (`policy.action_readable_ids`: their minutes and items) and which of their meetings
    they see (`policy.visible_meeting_ids`); for staff no query. The policy's clauses as
    columns of the list's query cost PostgreSQL more to plan than these queries cost to run.
    An owner not entitled to the action's item reads its reference only."""

    with_org = person.organisation_id is not None
    stmt = kept.statement(
        ("my_actions", with_org, include_closed),
        person,
        lambda: _my_actions_stmt(person, with_org=with_org, include_closed=include_closed),
    )
    params = {"my_person": person.id, "my_organisation": person.organisation_id}
    found = list(db.session.scalars(stmt, params))
    visible = policy.action_readable_ids(
        person, [policy.ActionFacts(a.id, a.meeting_id, a.agenda_item_id) for a in found]
    )
    meeting_ids = {a.meeting_id for a in found}
    seen = policy.visible_meeting_ids(person, meeting_ids)
    rows = [ActionRow.of(a, body=True) for a in found]
    return MyActions(
        mine=[a for a in rows if a.owner_person_id == person.id],
        org=[a for a in rows if a.owner_person_id != person.id],
        visible=visible,
        unseen_meetings=meeting_ids - seen,
    )


# The register's item and topic (outer-joined beside the policy's clauses on AgendaItem),
# aliased once: an alias made per call costs more to build than the page's queries to run.
_REGISTER_ITEM = aliased(AgendaItem)
_REGISTER_TOPIC = aliased(Topic)


# The register's values as parameters of its kept statements (overleg.domain.kept).
_BODY = bindparam("register_body", type_=Integer)
_STATUS = bindparam("register_status", type_=String)
_ON = bindparam("register_on", type_=Date)
_FROM = bindparam("register_from", type_=DateTime)
_UNTIL = bindparam("register_until", type_=DateTime)
_THEME = bindparam("register_theme", type_=Integer)
_TOPIC = bindparam("register_topic", type_=Integer)
_LIKE = bindparam("register_like", type_=String)


def _visible(person, item, topic):
    """select(ActionItem) of the body's (``register_body``) actions the person may see (their
    meeting, minutes that reach them), with the action's item and topic outer-joined as
    `item`, `topic`."""
    return (
        select(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(item, item.id == ActionItem.agenda_item_id)
        .outerjoin(topic, topic.id == item.topic_id)
        .where(
            # the body's meetings (an action's body is its meeting's): the database walks
            # ix_meeting_type_starts in the register's order and stops at a page
            Meeting.meeting_type_id == _BODY,
            policy.meeting_visibility_clause(person),
            # actions of concept minutes reach participants once the minutes are sent
            policy.released_minutes_clause(person, ActionItem.meeting_id),
        )
    )


def _filters(
    meeting_type: MeetingType,
    *,
    status: str | None = None,
    only_overdue: bool = False,
    on: date | None = None,
    year: int | None = None,
    theme_id: int | None = None,
    topic_id: int | None = None,
    text: str | None = None,
) -> tuple[frozenset[str], dict] | None:
    """The register's filters as the names of those given (the shape of its statement) and
    their values as parameters; None when nothing can match."""
    from .decisions import contains_pattern

    if year and not MINYEAR < year < MAXYEAR:
        return None  # no meeting is held in year 0 or 99999 (and `date` refuses them)
    params: dict = {"register_body": meeting_type.id}
    if status in ("open", "afgerond"):
        params["register_status"] = status
    if only_overdue:
        params["register_on"] = on or today_local()
    if year:
        params |= _year_params(year)
    if theme_id:
        params["register_theme"] = theme_id
    if topic_id:
        params["register_topic"] = topic_id
    needle = (text or "").strip().lower()
    if needle:
        params["register_like"] = contains_pattern(needle)
    return frozenset(params), params


def _filtered(person, shape: frozenset[str]):
    """`_visible` with the register's filters named in `shape` (see `_filters`)."""
    item = _REGISTER_ITEM
    topic = _REGISTER_TOPIC
    stmt = _visible(person, item, topic)
    if "register_status" in shape:
        stmt = stmt.where(ActionItem.status == _STATUS)
    if "register_on" in shape:
        stmt = stmt.where(ActionItem.status == "open", ActionItem.due_date < _ON)
    if "register_from" in shape:
        stmt = stmt.where(Meeting.starts_at >= _FROM, Meeting.starts_at < _UNTIL)
    if "register_theme" in shape:
        stmt = stmt.where(topic.theme_id == _THEME)
    if "register_topic" in shape:
        stmt = stmt.where(topic.id == _TOPIC)
    if "register_like" in shape:
        stmt = stmt.where(
            or_(
                func.lower(topic.reference).like(_LIKE, escape="\\"),
                and_(
                    func.lower(ActionItem.what).like(_LIKE, escape="\\"),
                    policy.action_text_clause(person),
                ),
            )
        )
    return stmt


# the newest meeting first, in the order the actions were made there
REGISTER_ORDER = ((Meeting.starts_at, True), (ActionItem.id, False))
_ORDER_BY = (Meeting.starts_at.desc(), ActionItem.id)
CURSOR_TYPES = (datetime, int)


def register(meeting_type: MeetingType, person, **filters) -> list[ActionItem]:
    """The action register of a body: actions of meetings the person may see, of minutes
    that reach them; the newest meeting first, in the order they were made there. Filters
    (status, overdue, the meeting's year in Amsterdam time, the theme and topic of the
    action's item, text) are SQL on top of the read policy's clauses: the text matches what
    the action says only where the person reads it (``policy.action_text_clause``), and
    the topic's reference always (the register shows it). The whole register; the page
    reads `register_page`."""
    found = _filters(meeting_type, **filters)
    if found is None:
        return []
    shape, params = found
    stmt = _filtered(person, shape).options(*_load_options())
    return list(db.session.scalars(stmt.order_by(*_ORDER_BY), params))


def register_page(
    meeting_type: MeetingType, person, *, cursor=None, size: int = 50, **filters
) -> keyset.Page:
    """One page of `register` (keyset, cursor of ``CURSOR_TYPES``); constant queries."""
    page, _readable = register_view(meeting_type, person, cursor=cursor, size=size, **filters)
    return page


def register_view(
    meeting_type: MeetingType, person, *, cursor=None, size: int = 50, **filters
) -> tuple[keyset.Page, set[int]]:
    """One page of `register` and the ids of its actions whose text the person reads. The
    same queries whatever the page and the size of the register: the page's keys (the read
    policy's meeting and minutes clauses and the filters, walking the body's (meeting_type_id,
    starts_at) index: a narrow query the database plans quickly), then its actions with
    what a row shows of their people, meetings, item and topic (all many-to-one, joined),
    then which of them the person reads, the policy's batch answer
    (`policy.action_readable_ids`: their minutes and items; none for staff). The policy's
    text clause as a column of the page's query costs PostgreSQL more to plan than these
    queries cost to run."""
    filtered = _filters(meeting_type, **filters)
    if filtered is None:
        return keyset.Page([], None, None, cursor is None), set()
    shape, params = filtered
    page = keyset.kept_page(
        lambda direction, make: kept.statement(("action_keys", shape, direction), person, make),
        lambda: _filtered(person, shape).with_only_columns(ActionItem.id, Meeting.starts_at),
        REGISTER_ORDER,
        lambda row: (row.starts_at, row.id),
        cursor,
        size,
        params,
        of_columns=True,
    )
    ids = [row.id for row in page.rows]
    found: dict[int, ActionRow] = {}
    if ids:
        found = {a.id: a for a in map(_shown_row, columns(_shown_stmt(), {"ids": ids}))}
    actions = [found[i] for i in ids]
    readable = policy.action_readable_ids(
        person, [policy.ActionFacts(a.id, a.meeting_id, a.agenda_item_id) for a in actions]
    )
    page.rows = actions
    return page, readable


@lru_cache(maxsize=1)
def _shown_stmt():
    """The register rows of the actions with ids ``ids``: their columns and the few their
    row shows of their people, meetings and topic (all many-to-one, outer-joined), as plain
    columns. Made once: a statement keeps its cache key."""
    shown = _ShownJoins.made()
    closed_in = aliased(Meeting)
    statement = (
        select(
            ActionItem.id,
            ActionItem.meeting_id,
            ActionItem.agenda_item_id,
            ActionItem.what,
            ActionItem.owner_person_id,
            shown.owner.name,
            shown.owner_org.short_name,
            shown.owner_org.name,
            shown.organisation.name,
            ActionItem.due_date,
            ActionItem.status,
            ActionItem.closed_at,
            shown.closer.name,
            closed_in.starts_at,
            Meeting.starts_at,
            shown.topic.reference,
            shown.topic.confidentiality,
        )
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(closed_in, closed_in.id == ActionItem.closed_in_meeting_id)
    )
    return shown.joined(statement).where(in_list(ActionItem.id, "ids"))


def _shown_row(row) -> ActionRow:
    id_, meeting_id, item_id, what, person_id, person_name, org_short, org_long = row[:8]
    org_name, due, status, closed_at, closer, closed_in, starts_at = row[8:15]
    reference, confidentiality = row[15:]
    person_org = (org_short or org_long) if org_long is not None else None
    return ActionRow(
        id=id_,
        meeting_id=meeting_id,
        agenda_item_id=item_id,
        what=what,
        owner_person_id=person_id,
        owner_label=action_owner_label(person_name, person_org, org_name),
        due_date=due,
        status=status,
        closed_at=closed_at,
        closed_by_name=closer,
        closed_in_starts_at=closed_in,
        meeting_starts_at=starts_at,
        topic_reference=reference,
        topic_is_casus=confidentiality == "casus",
    )


def _shown_options():
    """``_load_options``' objects with only the columns a list of actions shows of each (names, a
    meeting's date, the item's topic reference), not whole rows (a meeting's agenda snapshot,
    a person's account)."""
    return (
        joinedload(ActionItem.owner_person)
        .load_only(Person.name, Person.organisation_id)
        .joinedload(Person.organisation)
        .load_only(Organisation.name, Organisation.short_name),
        joinedload(ActionItem.owner_organisation).load_only(Organisation.name),
        joinedload(ActionItem.meeting).load_only(Meeting.starts_at),
        joinedload(ActionItem.closed_in_meeting).load_only(Meeting.starts_at),
        joinedload(ActionItem.closed_by).load_only(Person.name),
        joinedload(ActionItem.agenda_item)
        .load_only(AgendaItem.topic_id)
        .joinedload(AgendaItem.topic)
        .load_only(Topic.reference, Topic.confidentiality),
    )


def _year_params(year: int) -> dict:
    """The meeting's start in this year, Amsterdam time (naive UTC bounds), as parameters."""
    return {
        "register_from": local_to_utc(date(year, 1, 1), time(0, 0)),
        "register_until": local_to_utc(date(year + 1, 1, 1), time(0, 0)),
    }


def register_years(meeting_type: MeetingType, person) -> list[int]:
    """The years (Amsterdam time) from the first to the last meeting of the actions the
    person finds in the register, newest first (the filter gives nothing away about the
    others). One query: the first and the last by the body's (starts_at) index, the same
    cost at ten years as at one."""

    def build():
        item = _REGISTER_ITEM
        topic = _REGISTER_TOPIC
        one = _visible(person, item, topic).with_only_columns(Meeting.starts_at)
        first = one.order_by(Meeting.starts_at).limit(1).scalar_subquery()
        last = one.order_by(Meeting.starts_at.desc()).limit(1).scalar_subquery()
        return select(first, last)

    stmt = kept.statement(("action_years",), person, build)
    low, high = columns(stmt, {"register_body": meeting_type.id}).one()
    if low is None or high is None:
        return []
    return list(range(to_local(high).year, to_local(low).year - 1, -1))


def register_topics(
    meeting_type: MeetingType, person, year: int | None, also: int | None = None
) -> list:
    """The topics (id, reference, title, confidentiality) of the items of the actions the
    person finds in the register at meetings of this year (a year's worth, not every topic
    of ten years), and the topic `also` when it has actions there (the filter's current
    choice); by reference. One query."""
    if year is None or not MINYEAR < year < MAXYEAR:
        return []

    def build():
        item = _REGISTER_ITEM
        topic = _REGISTER_TOPIC
        which = and_(Meeting.starts_at >= _FROM, Meeting.starts_at < _UNTIL)
        if also is not None:
            which = or_(which, topic.id == _TOPIC)
        ids = _visible(person, item, topic).with_only_columns(topic.id).where(which)
        stmt = select(Topic.id, Topic.reference, Topic.title, Topic.confidentiality).where(
            Topic.id.in_(ids)
        )
        return stmt.order_by(Topic.reference)

    stmt = kept.statement(("action_topics", also is not None), person, build)
    params = {"register_body": meeting_type.id, "register_topic": also, **_year_params(year)}
    return list(columns(stmt, params))
