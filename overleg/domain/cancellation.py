"""Cancelling a meeting returns the work that was on it (docs/architecture.md "How a topic
moves").

A meeting that has not been held may be cancelled (`meetings.cancel_refusal`). What was on
it goes back to the backlog it came from, and the cancel form lists it first and asks for
confirmation:

- an escalation placed on it: back to "te agenderen" of its target body;
- a terugkoppeling: back to the terugkoppelingen to place of the origin body;
- a topic item and a proposal (pending or accepted): to "Teruggezet van een geannuleerd
  overleg" in the body's backlog, from where the secretary puts it on another meeting.

The items stay on the cancelled meeting as its record: an escalation's or terugkoppeling's
item is let go by its escalation (which is placed anew), a topic item or proposal moves from
there when it is placed again (its documents with it). Every topic concerned gets a
"teruggezet" line in its history. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, literal_column, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..models import AgendaItem, Escalation, Meeting, MeetingType
from ..timeutil import nl_date
from . import agenda as agenda_domain
from . import dialect as sql_dialect
from . import policy
from .escalation import EscalationError, _check_target
from .meetings import MeetingError, cancel_meeting, cancel_refusal
from .topics import add_event

KIND_LABELS = {
    "escalatie": "Opschaling",
    "opdracht": "Opdracht",
    "terugkoppeling": "Terugkoppeling",
    "voorstel": "Voorstel",
    "onderwerp": "Onderwerp",
}
CONFIRM_MESSAGE = (
    "Bevestig dat de punten hieronder teruggaan naar Te agenderen; anders wordt het overleg "
    "niet geannuleerd."
)


@dataclass
class Work:
    """One thing on a meeting that goes back to a backlog when the meeting is cancelled."""

    kind: str  # escalatie | terugkoppeling | voorstel | onderwerp
    item: AgendaItem
    escalation: Escalation | None
    backlog: MeetingType  # the body in whose "te agenderen" it lands

    @property
    def kind_label(self) -> str:
        """ "Opschaling" or "Opdracht" (an escalation up or down), "Terugkoppeling", …"""
        if self.kind == "escalatie" and self.escalation is not None:
            return KIND_LABELS["escalatie" if self.escalation.direction == "up" else "opdracht"]
        return KIND_LABELS[self.kind]


def work_on(meeting: Meeting) -> list[Work]:
    """What is on the meeting that returns to a backlog, in agenda order (fixed queries)."""
    items = [i for i in agenda_domain.load_items(meeting) if i.kind != "standard"]
    ids = [i.id for i in items]
    if not ids:
        return []
    escalations = list(
        db.session.scalars(
            select(Escalation)
            .where(
                (Escalation.target_item_id.in_(ids) & (Escalation.status == "geagendeerd"))
                | (Escalation.feedback_item_id.in_(ids) & (Escalation.status == "afgehandeld"))
            )
            .options(selectinload(Escalation.from_type), selectinload(Escalation.to_type))
        )
    )
    by_target = {e.target_item_id: e for e in escalations if e.status == "geagendeerd"}
    by_feedback = {e.feedback_item_id: e for e in escalations if e.status == "afgehandeld"}
    result: list[Work] = []
    for item in items:
        if item.id in by_target:
            esc = by_target[item.id]
            result.append(Work("escalatie", item, esc, esc.to_type))
        elif item.id in by_feedback:
            esc = by_feedback[item.id]
            result.append(Work("terugkoppeling", item, esc, esc.from_type))
        elif item.proposal_status in ("voorgesteld", "geaccepteerd"):
            result.append(Work("voorstel", item, None, meeting.meeting_type))
        elif item.topic_id is not None:
            result.append(Work("onderwerp", item, None, meeting.meeting_type))
    return result


@dataclass
class WorkRow:
    """A line of the cancel form's list, built from the read policy: the item's title only
    for who reads it in full, otherwise its topic's reference."""

    kind_label: str
    heading: str
    reference: str | None
    full: bool
    backlog_name: str
    proposer: str | None
    casus: bool = False  # about a casus (shown in full: an audit event names its reference)


def work_rows(work: list[Work], person) -> list[WorkRow]:
    entitled = policy.entitled_among(person, [w.item for w in work])
    rows = []
    for w in work:
        item = w.item
        full = item.id in entitled
        rows.append(
            WorkRow(
                kind_label=w.kind_label,
                heading=policy.item_heading(item, person, entitled),
                reference=item.topic.reference if item.topic is not None else None,
                full=full,
                backlog_name=w.backlog.name,
                proposer=(item.proposed_by.name if item.proposed_by is not None else None)
                if full
                else None,
                casus=item.topic is not None and item.topic.is_casus,
            )
        )
    return rows


def returned_note(meeting: Meeting) -> str:
    """What the topic's history says: "teruggezet: Tactisch Veiligheidsoverleg van donderdag
    7 januari 2027 geannuleerd"."""
    return f"teruggezet: {meeting.meeting_type.name} van {nl_date(meeting.starts_at)} geannuleerd"


def return_work(meeting: Meeting, *, by=None, now: datetime | None = None) -> list[Work]:
    """Put everything on this (cancelled) meeting back in its backlog; returns what moved.
    (`now` is accepted for symmetry with `cancel`; the history lines carry the clock's time.)"""
    work = work_on(meeting)
    note = returned_note(meeting)
    for w in work:
        item, esc = w.item, w.escalation
        if w.kind == "escalatie" and esc is not None:
            esc.target_item = None
            esc.status = "te_agenderen"
        elif w.kind == "terugkoppeling" and esc is not None:
            esc.feedback_item = None
        if item.topic is not None:
            add_event(item.topic, "teruggezet", by=by, meeting=meeting, escalation=esc, note=note)
    db.session.flush()
    return work


def cancel(
    meeting: Meeting,
    reason: str,
    *,
    confirmed: bool,
    by=None,
    send: bool = True,
    now: datetime | None = None,
) -> list[Work]:
    """Cancel a meeting not yet held and return its work to the backlogs. When there is work
    on it, the secretary must have confirmed the list (`confirmed`). Returns the work."""
    refusal = cancel_refusal(meeting, now)
    if refusal is not None:
        raise MeetingError({"reason": refusal})
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Geef een reden voor het annuleren."
    work = work_on(meeting)
    if work and not confirmed:
        errors["confirm"] = CONFIRM_MESSAGE
    if errors:
        raise MeetingError(errors)
    cancel_meeting(meeting, reason, send=send, now=now)
    return return_work(meeting, by=by, now=now)


def summary(work: list[Work]) -> str:
    """For the flash after cancelling: "Teruggezet naar Te agenderen: opschaling TVO-2026-003,
    voorstel, …" (references only)."""
    if not work:
        return ""
    parts = []
    for w in work:
        label = w.kind_label.lower()
        ref = w.item.topic.reference if w.item.topic is not None else None
        parts.append(f"{label} {ref}" if ref else label)
    return "Teruggezet naar Te agenderen: " + ", ".join(parts) + "."


# --- returned topic items and proposals in the backlog -----------------------------------


def _returnable():
    """Topic items the secretary put on an agenda (not an escalation's or terugkoppeling's,
    which carry an origin label) and proposals still open or accepted. The constants are
    literals, not parameters: PostgreSQL plans a kept statement once for any parameters
    (overleg/extensions.py), and that generic plan builds the array of the statuses again for
    every agenda item it filters (at ten years 3.1 ms against 2.4 ms with literals)."""
    return (
        (AgendaItem.kind != literal_column("'standard'"))
        & AgendaItem.origin_label.is_(None)
        & AgendaItem.is_feedback.is_(False)
        & (
            AgendaItem.proposal_status.in_(
                (literal_column("'voorgesteld'"), literal_column("'geaccepteerd'"))
            )
            | (AgendaItem.proposal_status.is_(None) & AgendaItem.topic_id.is_not(None))
        )
    )


@lru_cache(maxsize=2)
def _returned_stmt(dialect: str):
    """`returned_items`' query, made once per database (the home page runs it on every
    request): a statement keeps its cache key, and making it cost more than running it."""
    # the literal, so that the partial index ix_meeting_cancelled serves it
    cancelled = Meeting.status == literal_column("'geannuleerd'")
    among: ColumnElement[bool] = cancelled
    if dialect == "postgresql":
        # The cancelled meetings' ids first, as an array computed once, and their items from
        # ix_agenda_item_meeting_id: as a join PostgreSQL read every agenda item of ten
        # years to hash them against the 25 cancelled meetings (4.7 ms; now 0.3).
        other = aliased(Meeting, name="cancelled_meeting")  # not correlated with the join
        ids = select(other.id).where(other.status == literal_column("'geannuleerd'"))
        among = and_(cancelled, sql_dialect.among(AgendaItem.meeting_id, ids, dialect))
    return (
        select(AgendaItem)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(among, _returnable())
        .options(
            joinedload(AgendaItem.topic),
            joinedload(AgendaItem.meeting).joinedload(Meeting.meeting_type),
            joinedload(AgendaItem.proposed_by),
        )
        .order_by(Meeting.starts_at, AgendaItem.position, AgendaItem.id)
    )


def returned_items(meeting_type: MeetingType | None = None) -> list[AgendaItem]:
    """Topic items and proposals of cancelled meetings (of this body; of every body when
    None) that wait to be placed again, oldest meeting first: still on the cancelled meeting,
    and for a topic item, its topic not finished and not on a later meeting of that body
    since. Fixed queries."""
    items = list(db.session.scalars(_returned_stmt(sql_dialect.name())))
    if meeting_type is not None:
        # one body's, picked here: the cancelled meetings are few and read from their own
        # index, where a filter on the body would make the database read all its meetings
        items = [i for i in items if i.meeting.meeting_type_id == meeting_type.id]
    topic_ids = {i.topic_id for i in items if i.topic_id is not None}
    later: dict[tuple[int, int], datetime] = {}  # (topic, body) -> its latest meeting there
    if topic_ids:
        for topic_id, type_id, starts_at in db.session.execute(
            select(AgendaItem.topic_id, Meeting.meeting_type_id, Meeting.starts_at)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(AgendaItem.topic_id.in_(topic_ids), Meeting.status != "geannuleerd")
        ):
            key = (topic_id, type_id)
            if key not in later or starts_at > later[key]:
                later[key] = starts_at

    def waiting(item: AgendaItem) -> bool:
        if item.topic is None:
            return True
        if item.topic.status == "afgerond":
            return False
        seen = later.get((item.topic.id, item.meeting.meeting_type_id))
        return seen is None or seen <= item.meeting.starts_at

    return [i for i in items if waiting(i)]


def place_returned(
    item: AgendaItem, meeting: Meeting, *, by=None, now: datetime | None = None
) -> AgendaItem:
    """Put a returned topic item or proposal on another meeting of its body: the item moves
    there with its documents (a proposal stays a proposal, to be answered there)."""
    old = item.meeting
    waiting = db.session.scalar(
        select(AgendaItem.id).where(AgendaItem.id == item.id, _returnable())
    )
    if waiting is None or not old.is_cancelled:
        raise EscalationError("Dit agendapunt wacht niet op een nieuw overleg.")
    _check_target(meeting, old.meeting_type, now)
    agenda_domain._check_open(meeting)
    item.meeting = meeting  # moves it between the two meetings' lists (not an orphan)
    if item.on_agenda:
        agenda_domain._insert_position(meeting, item)
        agenda_domain.changed_after_publish(meeting)
    else:  # a pending proposal: after the rest, as a new one would be
        item.position = max([i.position or 0 for i in meeting.agenda_items] or [0]) + 1
    db.session.flush()
    if item.topic is not None:
        add_event(item.topic, "geagendeerd", by=by, meeting=meeting)
    return item


def returned_notes(escalation_ids) -> dict[int, str]:
    """The last "teruggezet: … geannuleerd" line of each of these escalations (one query)."""
    from ..models import TopicEvent

    ids = {i for i in escalation_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(TopicEvent.escalation_id, TopicEvent.note)
        .where(TopicEvent.escalation_id.in_(ids), TopicEvent.kind == "teruggezet")
        .order_by(TopicEvent.at, TopicEvent.id)
    ).all()
    return {esc_id: note for esc_id, note in rows}
