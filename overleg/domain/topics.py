"""Topic rules: references, status transitions with appended history, and the timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import String, and_, bindparam, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import BindParameter

from ..extensions import db
from ..models import (
    AgendaItem,
    Decision,
    Escalation,
    Meeting,
    MeetingType,
    Theme,
    Topic,
    TopicEvent,
)
from ..models.sql import columns, in_list
from ..models.topics import TOPIC_STATUS_LABELS, TOPIC_TRANSITIONS, TopicLabels
from ..timeutil import utcnow
from . import dialect, kept, keyset, numbering, policy, search


class TopicError(ValueError):
    """A refused change; the message is Dutch and meant for the user."""


def next_reference(meeting_type: MeetingType, year: int) -> str:
    """`<CODE>-<year>-<nnn>`, numbered per body and year; a number is never handed out twice
    (the counter is only ever raised, also when a topic is removed)."""
    number = numbering.next_number("topic", meeting_type, year)
    return f"{meeting_type.code.upper()}-{year}-{number:03d}"


def create_topic(
    *,
    title: str,
    meeting_type: MeetingType,
    confidentiality: str = "vertrouwelijk",
    description: str | None = None,
    theme=None,
    aanbrenger=None,
    by=None,
    year: int | None = None,
) -> Topic:
    year = year or utcnow().year
    topic = Topic(
        reference=next_reference(meeting_type, year),
        title=title.strip(),
        description=(description or "").strip() or None,
        theme=theme,
        aanbrenger=aanbrenger,
        confidentiality=confidentiality,
        status="nieuw",
        meeting_type=meeting_type,
        created_by=by,
    )
    db.session.add(topic)
    db.session.flush()
    add_event(topic, "aangemaakt", by=by, to_status="nieuw")
    return topic


def add_event(
    topic: Topic,
    kind: str,
    *,
    by=None,
    meeting: Meeting | None = None,
    escalation: Escalation | None = None,
    note: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> TopicEvent:
    ev = TopicEvent(
        topic_id=topic.id,
        kind=kind,
        person_id=getattr(by, "id", None),
        meeting_id=meeting.id if meeting is not None else None,
        escalation_id=escalation.id if escalation is not None else None,
        note=note,
        from_status=from_status,
        to_status=to_status,
        at=utcnow(),
    )
    db.session.add(ev)
    return ev


def can_transition(current: str, new: str) -> bool:
    return new in TOPIC_TRANSITIONS.get(current, ())


def change_status(
    topic: Topic, new: str, *, by=None, note: str | None = None, kind: str = "status"
) -> None:
    if new == topic.status:
        return
    if not can_transition(topic.status, new):
        raise TopicError(
            f"De status kan niet van ‘{TOPIC_STATUS_LABELS[topic.status]}’ naar "
            f"‘{TOPIC_STATUS_LABELS.get(new, new)}’."
        )
    old = topic.status
    topic.status = new
    add_event(topic, kind, by=by, from_status=old, to_status=new, note=note)


def allowed_statuses(topic: Topic) -> list[tuple[str, str]]:
    return [(s, TOPIC_STATUS_LABELS[s]) for s in TOPIC_TRANSITIONS.get(topic.status, ())]


# --- timeline ---------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    item: AgendaItem
    meeting: Meeting
    escalation_in: Escalation | None = None  # the escalation that brought it here
    escalation_out: list[Escalation] = field(default_factory=list)  # raised from this item
    feedback_for: Escalation | None = None  # terugkoppeling of this escalation
    decided: bool = False  # its outcome is a numbered decision ("DRIEHOEK-2026-01: …")

    @property
    def outcome_label(self) -> str:
        """Label of the item's own outcome: "Besluit" when it holds a numbered decision."""
        return "Besluit" if self.decided else "Uitkomst"

    @property
    def feedback_label(self) -> str:
        """Label of the outcome a terugkoppeling reports (see labels.feedback_label)."""
        from .labels import feedback_label

        return feedback_label(self.feedback_for) if self.feedback_for else "Uitkomst"


@dataclass
class TimelineMeeting:
    """One meeting on the timeline with every item about the topic it held."""

    meeting: Meeting
    entries: list[TimelineEntry]


@dataclass
class Timeline:
    entries: list[TimelineEntry]
    escalations: list[Escalation]
    open_escalations: list[Escalation]
    # the events that put one of its items back to be placed again, at a cancelled meeting
    # ("teruggezet"; the page shows them at that meeting), not the whole history: rows of
    # (id, meeting_id, note)
    returned: list[Any]
    # how many meetings the topic passed through in all (`timeline(last_meetings=...)` holds
    # the entries of the latest ones only)
    total_meetings: int = 0

    @property
    def partial(self) -> bool:
        """Only the latest meetings are in `entries`; earlier ones exist."""
        return self.total_meetings > len(self.meetings)

    @property
    def meetings(self) -> list[TimelineMeeting]:
        """The entries grouped per meeting (in order): a meeting the topic passed through
        twice (a terugkoppeling and a new assignment, say) is shown once."""
        groups: list[TimelineMeeting] = []
        seen: dict[int, TimelineMeeting] = {}
        for entry in self.entries:
            group = seen.get(entry.meeting.id)
            if group is None:
                group = seen[entry.meeting.id] = TimelineMeeting(entry.meeting, [])
                groups.append(group)
            group.entries.append(entry)
        return groups


# How many meetings the topic page's timeline shows unless asked for the whole of it.
TIMELINE_MEETINGS = 12


@lru_cache(maxsize=4)
def _timeline_statements(last_meetings: int | None):
    """`timeline`'s queries (items, number of meetings, escalations, returned events) for a topic as
    ``topic_id``, made once per limit: a statement keeps its cache key, and making these cost
    more than running them."""
    topic_id: BindParameter[int] = bindparam("topic_id")
    on_topic = and_(AgendaItem.topic_id == topic_id, policy.on_agenda_clause())
    # Whether the item's outcome is one of its numbered decisions ("TVO-2026-03: …"): a
    # column of the items' query, so the page runs as many queries with decisions as without.
    decided = (
        select(Decision.id)
        .where(
            Decision.agenda_item_id == AgendaItem.id,
            func.substr(AgendaItem.outcome, 1, func.length(Decision.code) + 2)
            == Decision.code + ": ",
        )
        .exists()
    )
    items = (
        select(AgendaItem, decided)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(on_topic)
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.meeting_type))
        .order_by(Meeting.starts_at, AgendaItem.position)
    )
    total = None
    if last_meetings is not None:
        latest = (
            select(Meeting.id)
            .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .where(on_topic)
            .group_by(Meeting.id)
            .order_by(func.max(Meeting.starts_at).desc(), Meeting.id.desc())
            .limit(last_meetings)
        )
        items = items.where(AgendaItem.meeting_id.in_(latest.scalar_subquery()))
        total = select(func.count(func.distinct(AgendaItem.meeting_id))).where(on_topic)
    escalations = (
        select(Escalation)
        .where(Escalation.topic_id == topic_id)
        .options(
            joinedload(Escalation.from_type),
            joinedload(Escalation.to_type),
            joinedload(Escalation.created_by),
        )
        .order_by(Escalation.created_at, Escalation.id)
    )
    returned = (
        select(TopicEvent.id, TopicEvent.meeting_id, TopicEvent.note)
        .where(
            TopicEvent.topic_id == topic_id,
            TopicEvent.kind == "teruggezet",
            TopicEvent.meeting_id.is_not(None),
        )
        .order_by(TopicEvent.at, TopicEvent.id)
    )
    return items, total, escalations, returned


def timeline(topic: Topic, last_meetings: int | None = None) -> Timeline:
    """Every meeting and agenda item the topic passed through (by meeting date), with the
    escalations in and out; a fixed number of queries whatever the length. With
    ``last_meetings``, the items of only the latest that many meetings (``total_meetings``
    says how many there are in all)."""
    items_stmt, total_stmt, escalations_stmt, returned_stmt = _timeline_statements(last_meetings)
    params = {"topic_id": topic.id}
    total = (db.session.scalar(total_stmt, params) or 0) if total_stmt is not None else 0
    rows = db.session.execute(items_stmt, params).tuples().all()
    escalations = list(db.session.scalars(escalations_stmt, params))
    returned = list(columns(returned_stmt, params))
    by_target = {e.target_item_id: e for e in escalations if e.target_item_id}
    by_feedback = {e.feedback_item_id: e for e in escalations if e.feedback_item_id}
    out: dict[int, list[Escalation]] = {}
    for e in escalations:
        if e.origin_item_id:
            out.setdefault(e.origin_item_id, []).append(e)
    on = [(i, bool(decided)) for i, decided in rows if i.on_agenda]
    entries = [
        TimelineEntry(
            item=i,
            meeting=i.meeting,
            escalation_in=by_target.get(i.id),
            escalation_out=out.get(i.id, []),
            feedback_for=by_feedback.get(i.id),
            decided=decided and bool(i.outcome),
        )
        for i, decided in on
    ]
    result = Timeline(
        entries=entries,
        escalations=escalations,
        open_escalations=[e for e in escalations if e.is_open],
        returned=returned,
    )
    result.total_meetings = total if last_meetings is not None else len(result.meetings)
    return result


# --- the topic list --------------------------------------------------------------------------

# Newest first: when it was made, then its id (unique). Index ``ix_topic_created_at``.
LIST_ORDER = ((Topic.created_at, True), (Topic.id, True))
LIST_CURSOR_TYPES = (datetime, int)
LIST_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ListedTopic(TopicLabels):
    """A topic as the list shows it (templates/topics/index.html and the badges of
    templates/topics/_macros.html): plain values, no ORM objects (fifty topics with their
    bodies and themes as objects cost more to load than the page's queries to run)."""

    id: int
    reference: str
    title: str
    confidentiality: str
    status: str
    created_at: datetime
    body_name: str
    theme_name: str | None


@dataclass
class ListRow:
    topic: ListedTopic
    full: bool  # the person reads it in full (its title)

    @property
    def heading(self) -> str:
        return self.topic.title if self.full else self.topic.reference


def list_page(
    person,
    *,
    query=None,
    status: str | None = None,
    body: str | None = None,
    cursor: keyset.Cursor | None = None,
    size: int = LIST_PAGE_SIZE,
) -> keyset.Page:
    """One page of the topic list, newest first, by keyset (``keyset.decode(…,
    LIST_CURSOR_TYPES)``): the topics the person may find (``policy.topic_visibility_clause``),
    with the filters (status, body code, a parsed search ``query``) in SQL before the limit.
    Each row says whether the person reads the topic in full (``policy.entitled_topic_ids``).
    Two queries (and the eager loads of body and theme), whatever the page and however many
    topics there are: the database walks ``ix_topic_created_at`` from the key
    and stops after `size` + 1 rows it may show."""
    shape = (bool(status), bool(body), query is not None, dialect.name())

    def build():
        stmt = select(Topic.id, Topic.created_at)
        # The cheap filters first (a column, the search's match), the read policy's clause
        # last: the database tries it only on the topics that pass them.
        if status:
            stmt = stmt.where(Topic.status == bindparam("list_status", type_=String))
        if body:
            body_id = (
                select(MeetingType.id)
                .where(MeetingType.code == bindparam("list_body", type_=String))
                .scalar_subquery()
            )
            stmt = stmt.where(Topic.meeting_type_id == body_id)
        if query is not None:
            # Only what the person may read (overleg.domain.search): a topic they do not
            # read in full is found by its reference only.
            stmt = stmt.where(search.topic_list_clause(person))
        # per row: the walk asks each topic in turn and stops after a page (see the clause)
        return stmt.where(policy.topic_visibility_clause(person, per_row=True))

    params: dict[str, str] = {}
    if status:
        params["list_status"] = status
    if body:
        params["list_body"] = body
    if query is not None:
        params |= search.topic_list_params(query)
    # kept per reader and shape (overleg.domain.kept): the policy's clause is not walked for
    # a cache key on every request
    page = keyset.kept_page(
        lambda direction, make: kept.statement(("topic_list", *shape, direction), person, make),
        build,
        LIST_ORDER,
        lambda t: (t.created_at, t.id),
        cursor,
        size,
        params,
        of_columns=True,
    )
    ids = [row.id for row in page.rows]
    found: dict[int, ListedTopic] = {}
    if ids:
        rows = columns(_listed_stmt(), {"ids": ids})
        found = {t.id: t for t in (ListedTopic(*row) for row in rows)}
    # Which of them the person reads in full: asked of the policy for this page's ids (as a
    # column of the page's own query PostgreSQL would work it out for every topic at once).
    full = policy.entitled_topic_ids(person, ids)
    page.rows = [ListRow(found[i], i in full) for i in ids]
    return page


@lru_cache(maxsize=1)
def _listed_stmt():
    """The topics with ids ``ids`` as the list shows them, with their body's and theme's
    names (many-to-one, joined), as plain columns. Made once: a statement keeps its cache
    key."""
    return (
        select(
            Topic.id,
            Topic.reference,
            Topic.title,
            Topic.confidentiality,
            Topic.status,
            Topic.created_at,
            MeetingType.name,
            Theme.name,
        )
        .join(MeetingType, MeetingType.id == Topic.meeting_type_id)
        .outerjoin(Theme, Theme.id == Topic.theme_id)
        .where(in_list(Topic.id, "ids"))
    )
