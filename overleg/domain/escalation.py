"""How a topic moves between bodies (docs/architecture.md "How a topic moves").

1. An agenda item about a topic is escalated from a meeting along a configured
   `EscalationPath` (up: opschalen; down: opdracht geven), with a question and a reason.
2. It waits in the target body's backlog ("te agenderen") and is placed on the target body's
   next meeting whose agenda is still open (not published, not cancelled), or on a meeting
   the secretary picks.
3. Concluding the target item (outcome, optionally a decision or assignment) returns a
   terugkoppeling item to the origin body's next open agenda.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Integer, String, and_, bindparam, case, func, literal_column, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..models import AgendaItem, Escalation, EscalationPath, Meeting, MeetingType, Topic
from ..models.bodies import DIRECTION_LABELS
from ..models.topics import ESCALATION_STATUS_LABELS, OPEN_ESCALATION_STATUSES, OUTCOME_KINDS
from ..timeutil import nl_date, utcnow
from . import agenda as agenda_domain
from . import policy
from .labels import feedback_label
from .topics import add_event, change_status


class EscalationError(ValueError):
    """A refused escalation; the message is Dutch and meant for the user."""

    def __init__(self, message: str, field: str = "_"):
        super().__init__(message)
        self.field = field


class NotAllowed(EscalationError):
    """The person may not do this (the view answers 403)."""


def paths_from(meeting_type: MeetingType) -> list[EscalationPath]:
    """The paths configured from this body: the only targets offered."""
    return list(
        db.session.scalars(
            select(EscalationPath)
            .where(EscalationPath.from_type_id == meeting_type.id)
            .options(selectinload(EscalationPath.to_type))
            .order_by(EscalationPath.direction, EscalationPath.id)
        )
    )


def not_before(source: Meeting | None, now: datetime | None = None) -> datetime:
    """The moment a placement must come after: now, or the start of the meeting the topic
    comes from, whichever is later (a terugkoppeling never lands before its meeting)."""
    now = now or utcnow()
    if source is not None and source.starts_at > now:
        return source.starts_at
    return now


def next_open_meeting(meeting_type: MeetingType, after: datetime | None = None) -> Meeting | None:
    """The body's next meeting after `after` (default: now) whose agenda is not published
    and which is not cancelled."""
    after = after or utcnow()
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.meeting_type_id == meeting_type.id,
            Meeting.status == "gepland",
            Meeting.agenda_status == "concept",
            Meeting.starts_at > after,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


def candidate_meetings(meeting_type: MeetingType, after: datetime | None = None) -> list[Meeting]:
    """Meetings the secretary may pick: the body's meetings after `after` (default: now)
    that are not cancelled."""
    params = {"candidate_body": meeting_type.id, "candidate_after": after or utcnow()}
    return list(db.session.scalars(_candidates_stmt(), params))


@lru_cache(maxsize=1)
def _candidates_stmt():
    """`candidate_meetings`' statement, the body and the time as parameters: made once (a
    statement keeps its cache key)."""
    return (
        select(Meeting)
        .where(
            Meeting.meeting_type_id == bindparam("candidate_body", type_=Integer),
            Meeting.status == "gepland",
            Meeting.starts_at > bindparam("candidate_after", type_=Meeting.starts_at.type),
        )
        .order_by(Meeting.starts_at)
        .limit(20)
    )


def escalate(
    item: AgendaItem,
    to_type: MeetingType,
    *,
    question: str,
    reason: str,
    by,
    target_meeting: Meeting | None = None,
    auto_place: bool = True,
    now: datetime | None = None,
) -> Escalation:
    """Escalate (up) or assign (down) the topic of this agenda item to another body.
    `now` (default: the current time) is the moment it happens; the demo data uses it."""
    now = now or utcnow()
    if by is None or not getattr(by, "is_secretary", False):
        raise NotAllowed("Alleen de secretaris kan een onderwerp opschalen of een opdracht geven.")
    meeting = item.meeting
    from_type = meeting.meeting_type
    if meeting.is_cancelled:
        raise EscalationError(
            "Dit overleg is geannuleerd; vanuit een geannuleerd overleg kan "
            "niet worden opgeschaald of een opdracht worden gegeven."
        )
    if not item.on_agenda:
        raise EscalationError("Dit voorstel staat (nog) niet op de agenda.")
    topic = item.topic
    if topic is None:
        raise EscalationError(
            "Alleen een agendapunt over een onderwerp kan worden opgeschaald. "
            "Maak eerst een onderwerp van dit agendapunt."
        )
    if to_type is None:
        raise EscalationError("Kies het overleg waarnaar het onderwerp gaat.", "to_type")
    if to_type.id == from_type.id:
        raise EscalationError(
            f"Een onderwerp kan niet naar hetzelfde overleg ({from_type.name}) worden opgeschaald.",
            "to_type",
        )
    path = db.session.scalar(
        select(EscalationPath).where(
            EscalationPath.from_type_id == from_type.id, EscalationPath.to_type_id == to_type.id
        )
    )
    if path is None:
        raise EscalationError(
            f"Er is geen escalatiepad ingesteld van {from_type.name} naar {to_type.name}.",
            "to_type",
        )
    question = (question or "").strip()
    reason = (reason or "").strip()
    if not question:
        raise EscalationError("Geef aan wat er aan het andere overleg wordt gevraagd.", "question")
    if not reason:
        raise EscalationError("Geef de reden van de opschaling of opdracht.", "reason")
    existing = db.session.scalar(
        select(Escalation).where(
            Escalation.topic_id == topic.id,
            Escalation.to_type_id == to_type.id,
            Escalation.status.in_(OPEN_ESCALATION_STATUSES),
        )
    )
    if existing is not None:
        raise EscalationError(
            f"Onderwerp {topic.reference} staat al open bij {to_type.name} (sinds "
            f"{nl_date(existing.created_at)}). Wacht de afhandeling af.",
            "to_type",
        )
    if target_meeting is not None:
        _check_target(target_meeting, to_type, now, source=meeting)

    esc = Escalation(
        topic=topic,
        from_type=from_type,
        to_type=to_type,
        direction=path.direction,
        origin_meeting_id=meeting.id,
        origin_item_id=item.id,
        question=question,
        reason=reason,
        status="te_agenderen",
        outcome_kind="geen",
        created_by=by,
        created_at=now,
    )
    db.session.add(esc)
    db.session.flush()
    topic.meeting_type = to_type
    if path.direction == "up":
        change_status(topic, "opgeschaald", by=by)
    elif topic.status != "in_behandeling":
        change_status(topic, "in_behandeling", by=by)
    add_event(
        topic,
        "opgeschaald" if path.direction == "up" else "opdracht",
        by=by,
        meeting=meeting,
        escalation=esc,
        note=question,
    )
    target = target_meeting or (
        next_open_meeting(to_type, not_before(meeting, now)) if auto_place else None
    )
    if target is not None:
        place(esc, target, by=by, now=now)
    return esc


def _check_target(
    meeting: Meeting,
    to_type: MeetingType,
    now: datetime | None = None,
    source: Meeting | None = None,
) -> None:
    """`source`: the meeting the topic comes from; the target must start after it."""
    if meeting.meeting_type_id != to_type.id:
        raise EscalationError(f"Kies een vergadering van het {to_type.name}.", "meeting")
    if meeting.is_cancelled:
        raise EscalationError("Dit overleg is geannuleerd; kies een ander overleg.", "meeting")
    if meeting.starts_at < (now or utcnow()):
        raise EscalationError("Dit overleg is al geweest; kies een komend overleg.", "meeting")
    if source is not None and meeting.starts_at <= source.starts_at:
        raise EscalationError(
            f"Dit overleg is niet na het {source.meeting_type.name} van "
            f"{nl_date(source.starts_at)}, waar het onderwerp vandaan komt; kies een later "
            "overleg.",
            "meeting",
        )


def origin_label(esc: Escalation, origin_meeting: Meeting | None) -> str:
    verb = "Opgeschaald door" if esc.direction == "up" else "Opdracht van"
    when = f" van {nl_date(origin_meeting.starts_at)}" if origin_meeting is not None else ""
    return f"{verb} {esc.from_type.name}{when}"


def place(esc: Escalation, meeting: Meeting, *, by=None, now: datetime | None = None) -> AgendaItem:
    """Put the escalation on this meeting of the target body (moving it if it was placed
    elsewhere and not yet concluded)."""
    if not esc.is_open:
        raise EscalationError("Deze opschaling is al afgehandeld.")
    _check_target(meeting, esc.to_type, now, source=esc.origin_meeting)
    old = esc.target_item
    if old is not None:
        if old.meeting_id == meeting.id:
            return old
        if old.outcome:
            raise EscalationError(
                "Dit agendapunt is al besproken; het kan niet meer verplaatst worden."
            )
        esc.target_item = None
        db.session.flush()
        old_meeting = old.meeting
        old_meeting.agenda_items.remove(old)
        db.session.delete(old)
        agenda_domain._renumber(agenda_domain._ordered(old_meeting))
        agenda_domain.changed_after_publish(old_meeting)
    topic = esc.topic
    item = agenda_domain.add_item(
        meeting,
        title=topic.title,
        topic=topic,
        purpose="besluitvorming" if esc.direction == "up" else "bespreking",
        duration_minutes=20,
        origin_label=origin_label(esc, esc.origin_meeting),
        question=esc.question,
        by=by,
    )
    esc.target_item = item
    esc.status = "geagendeerd"
    return item


def conclude(
    item: AgendaItem,
    *,
    outcome: str,
    outcome_kind: str = "geen",
    by=None,
    now: datetime | None = None,
) -> Escalation | None:
    """Record the item's outcome. When the item answers an escalation, the escalation is
    done and the outcome returns to the origin body as a terugkoppeling item on its next
    open agenda (or waits in its backlog). Returns that escalation, if any."""
    if by is not None and not getattr(by, "is_secretary", False):
        raise NotAllowed("Alleen de secretaris kan een agendapunt afhandelen.")
    outcome = (outcome or "").strip()
    if not outcome:
        raise EscalationError("Beschrijf de uitkomst.", "outcome")
    if outcome_kind not in OUTCOME_KINDS:
        raise EscalationError(
            "Kies de soort: alleen uitkomst, besluit of opdracht.", "outcome_kind"
        )
    if item.outcome:
        raise EscalationError("Dit agendapunt is al afgehandeld.")
    if not item.on_agenda:
        raise EscalationError("Dit voorstel staat (nog) niet op de agenda.")
    if outcome_kind == "besluit":
        outcome = f"{_record_decision(item, outcome, by)}: {outcome}"
    item.outcome = outcome
    esc = db.session.scalar(
        select(Escalation).where(
            Escalation.target_item_id == item.id, Escalation.status.in_(OPEN_ESCALATION_STATUSES)
        )
    )
    topic = item.topic
    if esc is None:
        if topic is not None:
            add_event(topic, "afgehandeld", by=by, meeting=item.meeting, note=outcome)
        return None
    esc.status = "afgehandeld"
    esc.outcome = outcome
    esc.outcome_kind = outcome_kind
    esc.concluded_at = now or utcnow()
    topic.meeting_type = esc.from_type
    if topic.status == "opgeschaald" and not _other_open_up(esc):
        change_status(topic, "in_behandeling", by=by)
    add_event(topic, "afgehandeld", by=by, meeting=item.meeting, escalation=esc, note=outcome)
    target = next_open_meeting(esc.from_type, not_before(item.meeting, now))
    if target is not None:
        place_feedback(esc, target, by=by, now=now)
    return esc


def _record_decision(item: AgendaItem, text: str, by) -> str:
    """A decision taken while concluding an item gets its number in the body's register."""
    from . import decisions, minutes

    current = minutes.get_minutes(item.meeting)
    if current is not None and current.status != "concept":
        raise EscalationError(
            "Het verslag van deze vergadering is niet meer in concept; een "
            "besluit kan daar niet meer bij.",
            "outcome_kind",
        )
    return decisions.add_decision(item.meeting, item, text, by=by).code


def _other_open_up(esc: Escalation) -> bool:
    return (
        db.session.scalar(
            select(Escalation.id)
            .where(
                Escalation.topic_id == esc.topic_id,
                Escalation.id != esc.id,
                Escalation.direction == "up",
                Escalation.status.in_(OPEN_ESCALATION_STATUSES),
            )
            .limit(1)
        )
        is not None
    )


def place_feedback(
    esc: Escalation, meeting: Meeting, *, by=None, now: datetime | None = None
) -> AgendaItem:
    """The terugkoppeling of a concluded escalation, as an item on the origin body's meeting."""
    if esc.status != "afgehandeld":
        raise EscalationError("Deze opschaling is nog niet afgehandeld.")
    if esc.feedback_item_id is not None:
        raise EscalationError("De terugkoppeling staat al op een agenda.")
    target_meeting = esc.target_item.meeting if esc.target_item is not None else None
    _check_target(meeting, esc.from_type, now, source=target_meeting)
    when = f" van {nl_date(target_meeting.starts_at)}" if target_meeting is not None else ""
    label = f"Terugkoppeling {esc.to_type.name}{when}"
    kind = feedback_label(esc)
    if kind != "Uitkomst":
        label += f" ({kind.lower()})"
    topic = esc.topic
    item = agenda_domain.add_item(
        meeting,
        title=topic.title,
        topic=topic,
        purpose="informatie" if esc.outcome_kind == "geen" else "bespreking",
        duration_minutes=10,
        origin_label=label,
        question=esc.question,
        description=esc.outcome,
        is_feedback=True,
        by=by,
    )
    esc.feedback_item = item
    add_event(topic, "terugkoppeling", by=by, meeting=meeting, escalation=esc)
    return item


# --- placing waiting work on newly planned meetings ---------------------------------------


@dataclass
class Placed:
    """Waiting work put on a newly planned meeting: an escalation or a terugkoppeling."""

    kind: str  # escalatie | terugkoppeling
    escalation: Escalation
    item: AgendaItem

    @property
    def label(self) -> str:
        """By reference only: "opschaling OVO-2026-004", "terugkoppeling TVO-2026-002"."""
        if self.kind == "terugkoppeling":
            what = "terugkoppeling"
        else:
            what = "opschaling" if self.escalation.direction == "up" else "opdracht"
        return f"{what} {self.escalation.topic.reference}"


def place_waiting(meetings: list[Meeting], *, by=None, now: datetime | None = None) -> list[Placed]:
    """After planning these meetings: every escalation waiting in the backlog of their
    bodies, and every terugkoppeling waiting for its origin body, whose next open meeting
    (after the meeting it comes from, `not_before`) is one of them, is placed there. The rule
    is the one an escalation follows when it is made; nothing is moved that was placed."""
    now = now or utcnow()
    new = {m.id: m for m in meetings if m.id is not None and not m.is_cancelled}
    if not new:
        return []
    db.session.flush()
    type_ids = {m.meeting_type_id for m in new.values()}
    placed: list[Placed] = []
    waiting = db.session.scalars(
        select(Escalation)
        .where(Escalation.to_type_id.in_(type_ids), Escalation.status == "te_agenderen")
        .options(selectinload(Escalation.origin_meeting), selectinload(Escalation.topic))
        .order_by(Escalation.created_at, Escalation.id)
    ).all()
    for esc in waiting:
        target = next_open_meeting(esc.to_type, not_before(esc.origin_meeting, now))
        if target is None or target.id not in new:
            continue
        try:
            item = place(esc, target, by=by, now=now)
        except EscalationError:
            continue
        placed.append(Placed("escalatie", esc, item))
    feedback = db.session.scalars(
        select(Escalation)
        .where(
            Escalation.from_type_id.in_(type_ids),
            Escalation.status == "afgehandeld",
            Escalation.feedback_item_id.is_(None),
        )
        .options(
            selectinload(Escalation.target_item).selectinload(AgendaItem.meeting),
            selectinload(Escalation.topic),
        )
        .order_by(Escalation.concluded_at, Escalation.id)
    ).all()
    for esc in feedback:
        source = esc.target_item.meeting if esc.target_item is not None else None
        target = next_open_meeting(esc.from_type, not_before(source, now))
        if target is None or target.id not in new:
            continue
        try:
            item = place_feedback(esc, target, by=by, now=now)
        except EscalationError:
            continue
        placed.append(Placed("terugkoppeling", esc, item))
    return placed


def placed_summary(placed: list[Placed]) -> str:
    """For the flash after planning: what was put on the agenda, by reference."""
    if not placed:
        return ""
    return "Automatisch op de agenda gezet: " + ", ".join(p.label for p in placed) + "."


# --- backlog and overview -------------------------------------------------------------------


# Te agenderen shows this many of each of its lists, the oldest (as the werkvoorraad on the
# home page, worklist.WAITING_SHOWN: the same ones), and how many more wait; one list in full
# on request (`backlog(…, whole=…)`). After ten years dozens of terugkoppelingen may wait.
BACKLOG_SHOWN = 5
BACKLOG_LISTS = ("waiting", "placed", "feedback")


@dataclass
class Backlog:
    """The lists of Te agenderen, each its oldest `BACKLOG_SHOWN` (or all, for the list asked
    for), and how many each holds in all."""

    waiting: list[Escalation]
    placed: list[Escalation]
    feedback: list[Escalation]
    totals: dict[str, int]

    def __getitem__(self, key: str) -> list[Escalation]:
        return getattr(self, key)

    def rest(self, key: str) -> int:
        """How many of this list are not shown."""
        return self.totals.get(key, 0) - len(self[key])


def backlog(
    meeting_type: MeetingType, *, shown: int | None = BACKLOG_SHOWN, whole: str | None = None
) -> Backlog:
    """Te agenderen for a body: escalations to it waiting for a meeting, placed ones not yet
    concluded, and terugkoppelingen to it that wait for a meeting (the oldest first; a
    terugkoppeling by when its escalation was concluded). Of each the first `shown` (None:
    all), of the list `whole` all, with each list's total. One query: the three lists with
    their topics, bodies and meetings joined, numbered and counted per list by a window."""
    params = {"backlog_body": meeting_type.id, "backlog_shown": shown, "backlog_whole": whole or ""}
    stmt = _backlog_stmt(shown is not None)
    lists: dict[str, list[Escalation]] = {k: [] for k in BACKLOG_LISTS}
    totals: dict[str, int] = {}
    for esc, key, total in db.session.execute(stmt, params).unique():
        lists[key].append(esc)
        totals[key] = total
    return Backlog(lists["waiting"], lists["placed"], lists["feedback"], totals)


@lru_cache(maxsize=2)
def _backlog_stmt(limited: bool):
    """`backlog`'s statement, the body, how many of each list and the list shown whole as
    parameters: made once (a statement keeps its cache key; built per request, its walk cost
    more than its query)."""
    body = bindparam("backlog_body", type_=Integer)
    opts = (
        joinedload(Escalation.topic),
        joinedload(Escalation.from_type),
        joinedload(Escalation.to_type),
        joinedload(Escalation.origin_meeting),
        joinedload(Escalation.target_item).joinedload(AgendaItem.meeting),
    )
    is_waiting = and_(Escalation.to_type_id == body, Escalation.status == "te_agenderen")
    is_placed = and_(Escalation.to_type_id == body, Escalation.status == "geagendeerd")
    is_feedback = and_(
        Escalation.from_type_id == body,
        Escalation.status == "afgehandeld",
        Escalation.feedback_item_id.is_(None),
    )
    kind = case((is_waiting, "waiting"), (is_placed, "placed"), else_="feedback")
    since = case(
        (is_feedback, func.coalesce(Escalation.concluded_at, Escalation.created_at)),
        else_=Escalation.created_at,
    )
    ranked = (
        select(
            Escalation.id.label("id"),
            kind.label("kind"),
            since.label("since"),
            func.row_number().over(partition_by=kind, order_by=(since, Escalation.id)).label("n"),
            func.count().over(partition_by=kind).label("total"),
        )
        .where(or_(is_waiting, is_placed, is_feedback))
        .subquery()
    )
    stmt = (
        select(Escalation, ranked.c.kind, ranked.c.total)
        .join(ranked, ranked.c.id == Escalation.id)
        .options(*opts)
        .order_by(ranked.c.since, Escalation.id)
    )
    if limited:
        stmt = stmt.where(
            or_(
                ranked.c.n <= bindparam("backlog_shown", type_=Integer),
                ranked.c.kind == bindparam("backlog_whole", type_=String),
            )
        )
    return stmt


_OPEN_LITERALS = tuple(literal_column(f"'{s}'", String) for s in OPEN_ESCALATION_STATUSES)


@dataclass(frozen=True, slots=True)
class OpenEscalation:
    """A row of the open escalations overview: columns, not model objects (loading each
    escalation with its topic, bodies, item and meeting as objects cost five times the
    query)."""

    id: int
    direction: str
    status: str
    question: str | None  # None where the overview shows no case text (a casus)
    created_at: datetime
    topic: policy.TopicRow
    heading: str  # the topic as the overview names it (a casus by its reference)
    from_name: str
    to_name: str
    to_code: str
    meeting_id: int | None  # the meeting it is placed on, if it is
    meeting_starts_at: datetime | None

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def status_label(self) -> str:
        return ESCALATION_STATUS_LABELS[self.status]


@lru_cache(maxsize=1)
def _open_stmt():
    """`open_escalations`' query, made once (a statement keeps its cache key)."""
    from_type, to_type = aliased(MeetingType), aliased(MeetingType)
    return (
        select(
            Escalation.id,
            Escalation.direction,
            Escalation.status,
            Escalation.question,
            Escalation.created_at,
            Topic.id,
            Topic.reference,
            Topic.title,
            Topic.confidentiality,
            from_type.name,
            to_type.name,
            to_type.code,
            Meeting.id,
            Meeting.starts_at,
        )
        .join(Topic, Topic.id == Escalation.topic_id)
        .join(from_type, from_type.id == Escalation.from_type_id)
        .join(to_type, to_type.id == Escalation.to_type_id)
        .outerjoin(AgendaItem, AgendaItem.id == Escalation.target_item_id)
        .outerjoin(Meeting, Meeting.id == AgendaItem.meeting_id)
        # literals: the statement's one (generic) plan on PostgreSQL knows how few
        # escalations are open among ten years of handled ones (bound, 3 -> 6.6 ms)
        .where(Escalation.status.in_(_OPEN_LITERALS))
        .order_by(Escalation.created_at, Escalation.id)
    )


def open_escalations(person) -> list[OpenEscalation]:
    """Every open escalation, oldest first, with its topic as an overview names it for this
    person (`policy.overview_topic_heading`: a casus by its reference only) and its question
    where the overview shows case text (`policy.overview_text_shown`), its bodies and the
    meeting it is placed on: one query."""
    rows = db.session.execute(_open_stmt()).all()
    topics = [policy.TopicRow(r[5], r[6], r[7], r[8] == "casus") for r in rows]
    entitled = policy.entitled_topic_ids(person, {t.id for t in topics})
    return [
        OpenEscalation(
            r[0],
            r[1],
            r[2],
            r[3] if policy.overview_text_shown(topic) else None,
            r[4],
            topic,
            policy.overview_topic_heading(topic, person, entitled),
            r[9],
            r[10],
            r[11],
            r[12],
            r[13],
        )
        for r, topic in zip(rows, topics, strict=True)
    ]


def waiting_days(esc: Escalation | OpenEscalation, now: datetime | None = None) -> int:
    return max(0, ((now or utcnow()) - esc.created_at).days)
