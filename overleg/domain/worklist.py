"""The werkvoorraad: what waits for the secretary, oldest first, each with where to act.

Kinds of waiting work (``KINDS``), each found by one query whatever the number of meetings:
- an agenda to prepare and publish: a planned meeting whose agenda is still a concept and
  whose publication deadline (``MeetingType.agenda_deadline_days`` working days before the
  meeting) falls within ``AGENDA_LOOKAHEAD_DAYS`` (or has passed); a published agenda changed
  and not yet reported to the participants;
- minutes to take (a held meeting without minutes, or with concept minutes) or to approve
  (sent ter vaststelling: approved at the next meeting of the body);
- proposals by participants to answer, on meetings still to come;
- escalations waiting in a body's backlog, terugkoppelingen waiting for a meeting;
- topic items and proposals of a cancelled meeting waiting for another
  (`cancellation.returned_items`);
- overdue actions, per body;
- outbox messages that failed.

Only staff have a werkvoorraad (`policy.worklist_visible`); a casus is named by its
reference only (`policy.overview_topic_heading`). Entries name the endpoint and arguments of
their link; the template builds the URL. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import String, and_, bindparam, case, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased

from ..models import (
    ActionItem,
    AgendaItem,
    Escalation,
    Meeting,
    MeetingType,
    Minutes,
    OutboxMessage,
    Person,
    Topic,
)
from ..models.mail import reason_label
from ..models.minutes import MINUTES_STATUS_LABELS
from ..models.sql import columns, in_list
from ..timeutil import nl_date, to_local, today_local, utcnow
from . import cancellation, policy

# An agenda shows up this many days before its publication deadline.
AGENDA_LOOKAHEAD_DAYS = 7
# The furthest ahead a deadline can lie (60 working days, the largest setting, is 12 weeks).
AGENDA_HORIZON = timedelta(weeks=13)
# At most this many entries of one kind (the page stays short; the link leads to the rest).
PER_KIND = 50
# Escalations and terugkoppelingen: this many, the oldest, per body; the rest of that body in
# one entry that leads to its backlog (after ten years dozens may wait).
WAITING_SHOWN = 5

KINDS = {
    "agenda": "Agenda publiceren",
    "agenda_change": "Agendawijziging melden",
    "minutes": "Verslag maken",
    "minutes_approve": "Verslag vaststellen",
    "proposal": "Voorstel beantwoorden",
    "escalation": "Opschaling agenderen",
    "feedback": "Terugkoppeling agenderen",
    "returned": "Teruggezet agendapunt agenderen",
    "actions": "Actiepunten over de datum",
    "outbox": "Bericht mislukt",
}
KIND_ORDER = {kind: pos for pos, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class WorkEntry:
    kind: str
    since: date  # when it began to wait (or, for an agenda, its deadline): oldest first
    title: str  # what, as the reader may see it (a casus by its reference)
    detail: str
    endpoint: str
    args: dict = field(default_factory=dict)
    late: bool = False  # past its deadline
    anchor: str | None = None
    key: int = 0  # for a stable order

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


# --- deadlines ------------------------------------------------------------------------------


def working_days_before(day: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) before `day`; public holidays are not
    known to Overleg and count as working days."""
    current = day
    left = days
    while left > 0:
        current -= timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def publish_deadline(meeting: Meeting) -> date:
    """The last day to publish the agenda of this meeting (its body's setting)."""
    return _deadline(meeting.starts_at, meeting.meeting_type.agenda_deadline_days)


def _deadline(starts_at: datetime, days: int | None) -> date:
    """`publish_deadline` of a meeting that begins then, of a body with this setting."""
    return working_days_before(to_local(starts_at).date(), days if days is not None else 5)


def deadline_label(days: int) -> str:
    if days == 0:
        return "op de dag van het overleg"
    return f"{days} werkdag{'en' if days != 1 else ''} voor het overleg"


# --- the kinds ------------------------------------------------------------------------------


def _day(value: datetime | None, fallback: date) -> date:
    return to_local(value).date() if value is not None else fallback


# The queries of the kinds are made once, with the moment as bound parameters (``now``,
# ``until``, ``today``): a statement keeps its cache key, and making one cost more than
# running it (the home page runs them all). They read the columns an entry shows
# (`columns`): objects with their joined bodies cost the ORM more than the queries.


@lru_cache(maxsize=1)
def _agendas_stmt():
    return (
        select(
            Meeting.id,
            Meeting.starts_at,
            Meeting.agenda_status,
            Meeting.agenda_published_at,
            MeetingType.name,
            MeetingType.agenda_deadline_days,
        )
        .join(MeetingType, MeetingType.id == Meeting.meeting_type_id)
        .where(
            Meeting.status == "gepland",
            Meeting.starts_at > bindparam("now"),
            Meeting.starts_at <= bindparam("until"),
            (Meeting.agenda_status == "concept") | Meeting.agenda_change_pending.is_(True),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


def _agendas(today: date, now: datetime) -> list[WorkEntry]:
    rows = columns(_agendas_stmt(), {"now": now, "until": now + AGENDA_HORIZON})
    entries = []
    for m in rows:
        name = f"{m.name} van {nl_date(m.starts_at)}"
        if m.agenda_status == "concept":
            due = _deadline(m.starts_at, m.agenda_deadline_days)
            if due > today + timedelta(days=AGENDA_LOOKAHEAD_DAYS):
                continue
            entries.append(
                WorkEntry(
                    kind="agenda",
                    since=due,
                    title=name,
                    detail=f"Uiterlijk publiceren op {nl_date(due)} "
                    f"({deadline_label(m.agenda_deadline_days)})",
                    endpoint="agenda.view",
                    args={"meeting_id": m.id},
                    late=due < today,
                    key=m.id,
                )
            )
        else:
            entries.append(
                WorkEntry(
                    kind="agenda_change",
                    since=_day(m.agenda_published_at, today),
                    title=name,
                    detail="De agenda is na publicatie gewijzigd; de deelnemers weten het nog niet",
                    endpoint="agenda.view",
                    args={"meeting_id": m.id},
                    key=m.id,
                )
            )
    return entries


@lru_cache(maxsize=1)
def _minutes_stmt():
    # literals: the statement's one (generic) plan on PostgreSQL knows how few they are, and
    # the partial index ix_minutes_open serves them
    open_statuses = (
        literal_column("'concept'", String),
        literal_column("'ter_vaststelling'", String),
    )
    gepland = literal_column("'gepland'", String)
    held = aliased(Meeting, name="held")
    # The meetings in question from the two sides that stay small at ten years: minutes not
    # yet approved (ix_minutes_open), and held meetings without minutes (an anti-join on the
    # index of (status, ends_at)); walking every held meeting from the first one to find the
    # few not done read all of them.
    waiting = union_all(
        select(Minutes.meeting_id).where(Minutes.status.in_(open_statuses)),
        select(held.id).where(
            held.status == gepland,
            held.ends_at <= bindparam("now"),
            ~select(Minutes.id).where(Minutes.meeting_id == held.id).exists(),
        ),
    )
    return (
        select(Meeting.id, Meeting.starts_at, MeetingType.name, Minutes.status, Minutes.sent_at)
        .join(MeetingType, MeetingType.id == Meeting.meeting_type_id)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Meeting.status == gepland,
            Meeting.ends_at <= bindparam("now"),
            Meeting.id.in_(waiting),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(PER_KIND * 2)
    )


def _minutes(today: date, now: datetime) -> list[WorkEntry]:
    entries = []
    for meeting_id, starts_at, body, status, sent_at in columns(_minutes_stmt(), {"now": now}):
        name = f"{body} van {nl_date(starts_at)}"
        if status == "ter_vaststelling":
            entries.append(
                WorkEntry(
                    kind="minutes_approve",
                    since=_day(sent_at, to_local(starts_at).date()),
                    title=name,
                    detail=f"{MINUTES_STATUS_LABELS['ter_vaststelling']}: vast te stellen in de "
                    f"volgende vergadering van het {body}",
                    endpoint="minutes.page",
                    args={"meeting_id": meeting_id},
                    key=meeting_id,
                )
            )
        else:
            detail = (
                "Nog geen verslag"
                if status is None
                else "Concept: afmaken en ter vaststelling sturen"
            )
            entries.append(
                WorkEntry(
                    kind="minutes",
                    since=to_local(starts_at).date(),
                    title=name,
                    detail=detail,
                    endpoint="minutes.page",
                    args={"meeting_id": meeting_id},
                    key=meeting_id,
                )
            )
    return entries


@lru_cache(maxsize=1)
def _proposals_stmt():
    return (
        select(
            AgendaItem.id,
            AgendaItem.title,
            AgendaItem.created_at,
            AgendaItem.meeting_id,
            Meeting.starts_at,
            MeetingType.name.label("body"),
            Person.name.label("proposer"),
        )
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(MeetingType, MeetingType.id == Meeting.meeting_type_id)
        .outerjoin(Person, Person.id == AgendaItem.proposed_by_id)
        .where(
            # the literal, so that the partial index ix_agenda_item_proposed serves it
            AgendaItem.proposal_status == literal_column("'voorgesteld'"),
            Meeting.status == "gepland",
            Meeting.ends_at > bindparam("now"),
        )
        .order_by(AgendaItem.created_at, AgendaItem.id)
        .limit(PER_KIND)
    )


def _proposals(today: date, now: datetime) -> list[WorkEntry]:
    return [
        WorkEntry(
            kind="proposal",
            since=_day(i.created_at, today),
            title=i.title,
            detail=f"Voorgesteld door {i.proposer or 'onbekend'} "
            f"voor het {i.body} van {nl_date(i.starts_at)}",
            endpoint="agenda.view",
            args={"meeting_id": i.meeting_id},
            anchor="voorstellen",
            key=i.id,
        )
        for i in columns(_proposals_stmt(), {"now": now})
    ]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@lru_cache(maxsize=1)
def _escalations_stmt():
    """`_escalations`: each waiting escalation and terugkoppeling with its number in its
    kind and body, and their count."""
    is_waiting = Escalation.status == "te_agenderen"
    is_feedback = and_(Escalation.status == "afgehandeld", Escalation.feedback_item_id.is_(None))
    body = case((is_waiting, Escalation.to_type_id), else_=Escalation.from_type_id)
    since = case(
        (is_waiting, Escalation.created_at),
        else_=func.coalesce(Escalation.concluded_at, Escalation.created_at),
    )
    group = (Escalation.status, body)
    ranked = (
        select(
            Escalation.id.label("id"),
            func.row_number().over(partition_by=group, order_by=(since, Escalation.id)).label("n"),
            func.count().over(partition_by=group).label("total"),
        )
        .where(or_(is_waiting, is_feedback))
        .subquery()
    )
    source = aliased(MeetingType, name="source")
    target = aliased(MeetingType, name="target")
    return (
        select(
            Escalation.id,
            Escalation.status,
            Escalation.direction,
            Escalation.created_at,
            Escalation.concluded_at,
            Escalation.topic_id,
            Topic.reference,
            Topic.title,
            Topic.confidentiality,
            source.name.label("from_name"),
            source.code.label("from_code"),
            target.name.label("to_name"),
            target.code.label("to_code"),
            ranked.c.n,
            ranked.c.total,
        )
        .join(ranked, ranked.c.id == Escalation.id)
        .join(Topic, Topic.id == Escalation.topic_id)
        .join(source, source.id == Escalation.from_type_id)
        .join(target, target.id == Escalation.to_type_id)
        .where(ranked.c.n <= WAITING_SHOWN + 1)
        .order_by(Escalation.created_at, Escalation.id)
    )


def _escalations(person, today: date) -> list[WorkEntry]:
    """The oldest `WAITING_SHOWN` escalations waiting in each body's backlog and as many
    terugkoppelingen waiting for each origin body, and per body one entry for the rest: one
    query (a window numbers them per kind and body and counts them)."""
    rows = columns(_escalations_stmt()).all()
    shown = [e for e in rows if e.n <= WAITING_SHOWN]
    entitled = policy.entitled_topic_ids(person, {e.topic_id for e in shown})
    entries = []
    for e in rows:
        if e.n > WAITING_SHOWN:
            entries.append(_rest_entry(e, e.total - WAITING_SHOWN, today))
            continue
        topic = policy.TopicRow(e.topic_id, e.reference, e.title, e.confidentiality == "casus")
        heading = policy.overview_topic_heading(topic, person, entitled)
        if e.status == "te_agenderen":
            verb = "Opgeschaald" if e.direction == "up" else "Opdracht"
            entries.append(
                WorkEntry(
                    kind="escalation",
                    since=_day(e.created_at, today),
                    title=heading,
                    detail=f"{verb} door het {e.from_name}; wacht op een overleg van het "
                    f"{e.to_name}",
                    endpoint="topics.backlog",
                    args={"code": e.to_code},
                    key=e.id,
                )
            )
        else:
            entries.append(
                WorkEntry(
                    kind="feedback",
                    since=_day(e.concluded_at, today),
                    title=heading,
                    detail=f"Afgehandeld door het {e.to_name}; de terugkoppeling wacht op "
                    f"een overleg van het {e.from_name}",
                    endpoint="topics.backlog",
                    args={"code": e.from_code},
                    key=e.id,
                )
            )
    return entries


def _rest_entry(first, rest: int, today: date) -> WorkEntry:
    """The escalations (or terugkoppelingen) of one body beyond the ones shown, from the
    oldest of them (`first`, a row of `_escalations_stmt`); no topic named."""
    if first.status == "te_agenderen":
        name, code = first.to_name, first.to_code
        what = _plural(rest, "opschaling of opdracht wacht", "opschalingen of opdrachten wachten")
        kind, since, whole = "escalation", _day(first.created_at, today), "wacht"
    else:
        name, code = first.from_name, first.from_code
        what = _plural(rest, "terugkoppeling wacht", "terugkoppelingen wachten")
        kind, since, whole = "feedback", _day(first.concluded_at, today), "terugkoppelingen"
    return WorkEntry(
        kind=kind,
        since=since,
        title=f"nog {rest} voor het {name}",
        detail=f"Nog {what} op een overleg van het {name}. Bekijk ze alle onder Te agenderen.",
        endpoint="topics.backlog",
        # Te agenderen with this list in full (it shows the oldest few of each list), at it
        args={"code": code, "alle": whole},
        anchor=whole,
        key=first.id,
    )


def _returned(person, today: date) -> list[WorkEntry]:
    items = cancellation.returned_items()[:PER_KIND]
    entitled = policy.entitled_topic_ids(person, {i.topic_id for i in items if i.topic_id})
    entries = []
    for i in items:
        meeting = i.meeting
        title = (
            policy.overview_topic_heading(i.topic, person, entitled)
            if i.topic is not None
            else i.title
        )
        what = "Voorstel" if i.proposal_status else "Onderwerp"
        entries.append(
            WorkEntry(
                kind="returned",
                since=_day(meeting.updated_at, today),
                title=title,
                detail=f"{what} van het {meeting.meeting_type.name} van "
                f"{nl_date(meeting.starts_at)}, dat is geannuleerd; wacht op een ander overleg",
                endpoint="topics.backlog",
                args={"code": meeting.meeting_type.code},
                key=i.id,
            )
        )
    return entries


@lru_cache(maxsize=1)
def _actions_stmt():
    return (
        select(
            MeetingType.id,
            MeetingType.code,
            MeetingType.name,
            func.count(ActionItem.id),
            func.min(ActionItem.due_date),
        )
        .join(ActionItem, ActionItem.meeting_type_id == MeetingType.id)
        .where(
            ActionItem.status == "open",
            ActionItem.due_date.is_not(None),
            ActionItem.due_date < bindparam("today"),
        )
        .group_by(MeetingType.id)
        .order_by(MeetingType.id)
    )


def _actions(today: date) -> list[WorkEntry]:
    return [
        WorkEntry(
            kind="actions",
            since=oldest,
            title=name,
            detail=f"{n} actiepunt{'en' if n != 1 else ''} over de datum "
            f"(het oudste sinds {nl_date(oldest)})",
            endpoint="minutes.action_register",
            args={"code": code, "status": "verlopen"},
            late=True,
            key=type_id,
        )
        for type_id, code, name, n, oldest in columns(_actions_stmt(), {"today": today})
    ]


@lru_cache(maxsize=1)
def _outbox_stmt():
    return (
        select(
            OutboxMessage.id,
            OutboxMessage.created_at,
            OutboxMessage.reason,
            OutboxMessage.recipient,
            OutboxMessage.recipient_name,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            Meeting.starts_at,
            MeetingType.name.label("body"),
        )
        .outerjoin(Meeting, Meeting.id == OutboxMessage.meeting_id)
        .outerjoin(MeetingType, MeetingType.id == Meeting.meeting_type_id)
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(PER_KIND)
    )


def _outbox(today: date) -> list[WorkEntry]:
    entries = []
    for msg in columns(_outbox_stmt()):
        about = f" over het {msg.body} van {nl_date(msg.starts_at)}" if msg.body is not None else ""
        retry = (
            "wordt opnieuw geprobeerd"
            if msg.next_attempt_at is not None
            else "niet meer geprobeerd"
        )
        entries.append(
            WorkEntry(
                kind="outbox",
                since=_day(msg.created_at, today),
                title=f"{reason_label(msg.reason) or 'Bericht'} aan "
                f"{msg.recipient_name or msg.recipient}",
                detail=f"{msg.attempts} poging{'en' if msg.attempts != 1 else ''}{about}; {retry}",
                endpoint="mail.message",
                args={"message_id": msg.id},
                late=msg.next_attempt_at is None,
                key=msg.id,
            )
        )
    return entries


def worklist(person, today: date | None = None, now: datetime | None = None) -> list[WorkEntry]:
    """Everything that waits for this person, oldest first (empty unless staff). A fixed
    number of queries (one per kind)."""
    if not policy.worklist_visible(person):
        return []
    today = today or today_local()
    now = now or utcnow()
    entries = (
        _agendas(today, now)
        + _minutes(today, now)
        + _proposals(today, now)
        + _escalations(person, today)
        + _returned(person, today)
        + _actions(today)
        + _outbox(today)
    )
    return sorted(entries, key=lambda e: (e.since, KIND_ORDER[e.kind], e.key))


# --- planning -------------------------------------------------------------------------------

AGENDA_STATUS_LABELS = {"concept": "Concept", "gepubliceerd": "Gepubliceerd"}
NO_MINUTES = "Geen"


@dataclass(frozen=True)
class MeetingProgress:
    agenda: str  # Concept, Gepubliceerd (gewijzigd)
    agenda_changed: bool
    minutes: str  # Geen, Concept, Ter vaststelling, Vastgesteld
    minutes_status: str | None


@lru_cache(maxsize=1)
def _progress_stmt():
    """The minutes' status of the meetings among ``progress_ids``: made once (a statement
    keeps its cache key)."""
    return select(Minutes.meeting_id, Minutes.status).where(
        in_list(Minutes.meeting_id, "progress_ids")
    )


def progress(meetings: list[Meeting]) -> dict[int, MeetingProgress]:
    """Agenda and minutes status per meeting, for the planning: one query."""
    ids = [m.id for m in meetings]
    statuses: dict[int, str] = {}
    if ids:
        statuses = dict(columns(_progress_stmt(), {"progress_ids": ids}).tuples().all())
    result = {}
    for m in meetings:
        status = statuses.get(m.id)
        result[m.id] = MeetingProgress(
            agenda=AGENDA_STATUS_LABELS.get(m.agenda_status, m.agenda_status),
            agenda_changed=bool(m.agenda_changed_after_publish),
            minutes=MINUTES_STATUS_LABELS.get(status, status) if status else NO_MINUTES,
            minutes_status=status,
        )
    return result


__all__ = [
    "AGENDA_LOOKAHEAD_DAYS",
    "KINDS",
    "MeetingProgress",
    "WorkEntry",
    "deadline_label",
    "progress",
    "publish_deadline",
    "working_days_before",
    "worklist",
]
