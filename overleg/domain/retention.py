"""Retention (archival selection): each meeting type carries its category of the
Selectielijst gemeenten en intergemeentelijke organen 2020 and the term in years.

The term runs from the date of the meeting: minutes of a meeting on 12 March 2019 with a
term of 5 years may be destroyed from 12 March 2024 on. Without a category or term, a record
is kept (no destruction date).

Which meetings are due is decided in SQL: for every meeting type with a term, the last
meeting day whose term has passed (``last_due_day``) becomes one UTC moment, and a meeting is
due when it started before that moment (``due_clause``), is not frozen by a legal hold
(``LegalHold``, bevriezing) and was not destroyed yet (no row in the destruction register).
Nothing loops over all meetings in Python; destruction works in batches of ``batch_size``
meetings, one transaction each (``destroy``).

A meeting's records, as destroyed: the minutes and all their frozen versions (snapshots),
the stored PDFs of those versions, the documents (vergaderstukken) of its agenda items with
their files, the notes, outcomes, descriptions and questions of its agenda items, the
published agenda snapshot, the meeting's remarks and cancel reason, the answers' notes of
its participants, the text of its decisions and of its closed action items. What stays: the
meeting row as a stub (body, date, status, participants and attendance), the agenda items'
titles and positions, the decision codes and action rows (their text replaced by
``DESTROYED_TEXT``), open action items (still running work) and the topics (their own life
across meetings). The destruction register (``DestructionRecord``) keeps the reference, date,
category and counts: the basis of the verklaring van vernietiging.

Login data: audit events of logging in and out (``LOGIN_EVENTS``) older than
``LOGIN_DATA_RETENTION_MONTHS`` are removed in batches (``purge_login_events``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    and_,
    bindparam,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import contains_eager, load_only

from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    AuditEvent,
    Decision,
    Document,
    Measure,
    Meeting,
    MeetingType,
    Minutes,
    MinutesVersion,
    Participant,
    Person,
    Topic,
)
from ..models.retention import DestructionRecord, LegalHold
from ..timeutil import local_to_utc, to_local, today_local, utcnow

# Categories of the Selectielijst 2020 the demo uses (process 19.1: overleg voeren).
CATEGORIES = {
    "19.1.10": "Bestuurlijk overleg met derden (vernietigen na 10 jaar)",
    "19.1.11": "Ambtelijk overleg (vernietigen na 5 jaar)",
}

PAGE_SIZE = 50
BATCH_SIZE = 500
DESTROYED_TEXT = "Vernietigd na afloop van de bewaartermijn."
REASON_MAX = 500

# The audit events that are login data (AVG: kept no longer than needed for security).
LOGIN_EVENTS = (
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "reauthenticated",
    "reauth_failed",
    "second_factor_failed",  # a wrong code at the second step of a login
    "second_factor_throttled",
)


class RetentionError(ValueError):
    """A refused hold or destruction; the message is Dutch and meant for the user."""


def category_label(meeting_type: MeetingType) -> str:
    cat = meeting_type.retention_category
    if not cat:
        return "Geen selectiecategorie vastgelegd (bewaren)"
    return f"{cat} {CATEGORIES.get(cat, '')}".strip()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def last_due_day(on: date, years: int) -> date:
    """The last meeting day whose term of ``years`` has passed on day ``on``: the largest d
    with ``add_years(d, years) <= on`` (29 February counts as 28 February, as in add_years)."""
    try:
        day = on.replace(year=on.year - years)
    except ValueError:  # on is 29 February, that year is no leap year
        return on.replace(year=on.year - years, day=28)
    after = day + timedelta(days=1)
    if after.month == 2 and after.day == 29 and add_years(after, years) <= on:
        return after  # 29 Feb counts as 28 Feb in a year without it
    return day


def destruction_date(meeting: Meeting) -> date | None:
    """The first day the meeting's records (minutes, their versions and PDFs) may be destroyed."""
    mt = meeting.meeting_type
    if not mt.retention_years:
        return None
    return add_years(to_local(meeting.starts_at).date(), mt.retention_years)


def _bounds(on: date) -> dict[int, datetime]:
    """Per meeting type with a term: meetings starting before this UTC moment are past term."""
    rows = db.session.execute(
        select(MeetingType.id, MeetingType.retention_years).where(
            MeetingType.retention_years.is_not(None)
        )
    ).all()
    return {
        mt_id: local_to_utc(last_due_day(on, years) + timedelta(days=1), time(0))
        for mt_id, years in rows
    }


def due_clause(on: date):
    """SQL: the meeting's retention term has passed on day ``on``."""
    bounds = _bounds(on)
    if not bounds:
        return false()
    return or_(
        *(
            and_(Meeting.meeting_type_id == mt_id, Meeting.starts_at < bound)
            for mt_id, bound in sorted(bounds.items())
        )
    )


def held_clause(meeting_id_col=Meeting.id):
    """SQL: a legal hold in force on the meeting, or on a topic it holds records of: on its
    agenda, a decision about it (also one without its agenda item, such as a plan van aanpak
    adopted elsewhere) or an action for one of its measures."""
    on_meeting = exists().where(
        LegalHold.meeting_id == meeting_id_col, LegalHold.lifted_at.is_(None)
    )
    on_topic = exists().where(
        AgendaItem.meeting_id == meeting_id_col,
        LegalHold.topic_id == AgendaItem.topic_id,
        LegalHold.lifted_at.is_(None),
    )
    on_decision = exists().where(
        Decision.meeting_id == meeting_id_col,
        LegalHold.topic_id == Decision.topic_id,
        LegalHold.lifted_at.is_(None),
    )
    on_measure = exists().where(
        ActionItem.meeting_id == meeting_id_col,
        Measure.id == ActionItem.measure_id,
        LegalHold.topic_id == Measure.topic_id,
        LegalHold.lifted_at.is_(None),
    )
    return or_(on_meeting, on_topic, on_decision, on_measure)


def destroyed_clause(meeting_id_col=Meeting.id):
    return exists().where(DestructionRecord.meeting_id == meeting_id_col)


@lru_cache(maxsize=1)
def _destroyed_stmt():
    """`records_destroyed`'s query, made once (a statement keeps its cache key)."""
    return select(DestructionRecord).where(DestructionRecord.meeting_id == bindparam("meeting_id"))


def records_destroyed(meeting: Meeting) -> DestructionRecord | None:
    return db.session.scalar(_destroyed_stmt(), {"meeting_id": meeting.id})


def meeting_reference(meeting: Meeting) -> str:
    """'TVO-2019-03-12' (+ '-<id>' when the body met twice that day is not needed: the
    register keeps the meeting id too)."""
    day = to_local(meeting.starts_at).date().isoformat()
    return f"{meeting.meeting_type.code.upper()}-{day}"


# --- the Bewaartermijnen list -----------------------------------------------------------


@dataclass
class RetentionRow:
    meeting: Meeting
    minutes_status: str | None
    versions: int
    destroy_from: date
    days_past: int
    held: bool

    @property
    def reference(self) -> str:
        return meeting_reference(self.meeting)


@dataclass
class RetentionPage:
    rows: list[RetentionRow]
    total: int
    held: int
    page: int
    pages: int
    on: date


@dataclass
class DueCount:
    total: int
    held: int


def count_due(on: date | None = None, *, clause=None) -> DueCount:
    """How many meetings are past term and not destroyed, and how many of those are frozen."""
    on = on or today_local()
    due = clause if clause is not None else due_clause(on)
    total, held = db.session.execute(
        select(func.count(), func.count(case((held_clause(), 1))))
        .select_from(Meeting)
        .where(due, ~destroyed_clause())
    ).one()
    return DueCount(total, held)


def past_term(on: date | None = None, page: int = 1, per_page: int = PAGE_SIZE) -> RetentionPage:
    """One page of the meetings whose term has passed on this day (default today) and whose
    records are not destroyed yet, oldest first; frozen ones included (shown as bevroren).
    Three queries whatever the amount of data."""
    on = on or today_local()
    if page < 1:
        raise RetentionError("Kies een paginanummer vanaf 1.")
    clause = due_clause(on)
    due = and_(clause, ~destroyed_clause())
    counted = count_due(on, clause=clause)
    total, held = counted.total, counted.held
    pages = max(1, -(-total // per_page))
    versions = (
        select(func.count(MinutesVersion.id))
        .where(MinutesVersion.minutes_id == Minutes.id)
        .correlate(Minutes)
        .scalar_subquery()
    )
    stmt = (
        select(Meeting, Minutes.status, versions, held_clause().label("held"))
        .join(Meeting.meeting_type)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .options(
            # the stub's columns only: the agenda snapshot is large and not shown here
            load_only(Meeting.id, Meeting.starts_at, Meeting.meeting_type_id, Meeting.status),
            contains_eager(Meeting.meeting_type),
        )
        .where(due)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = []
    for meeting, status, count, held_flag in db.session.execute(stmt).unique():
        destroy = destruction_date(meeting)
        assert destroy is not None  # due_clause only takes meeting types with a term
        rows.append(
            RetentionRow(meeting, status, count or 0, destroy, (on - destroy).days, bool(held_flag))
        )
    return RetentionPage(rows, total, held, page, pages, on)


@dataclass
class Selection:
    """The meetings a beheerder selected for destruction, as the confirmation shows them."""

    due: list[Meeting]
    held: list[Meeting]
    not_due: list[Meeting]
    on: date


def selection(meeting_ids: Sequence[int], on: date | None = None) -> Selection:
    on = on or today_local()
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .join(Meeting.meeting_type)
            .options(contains_eager(Meeting.meeting_type))
            .where(Meeting.id.in_(meeting_ids))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    due = set(
        db.session.scalars(
            select(Meeting.id).where(
                Meeting.id.in_(meeting_ids), due_clause(on), ~destroyed_clause()
            )
        )
    )
    held = set(
        db.session.scalars(select(Meeting.id).where(Meeting.id.in_(meeting_ids), held_clause()))
    )
    return Selection(
        due=[m for m in meetings if m.id in due and m.id not in held],
        held=[m for m in meetings if m.id in held],
        not_due=[m for m in meetings if m.id not in due and m.id not in held],
        on=on,
    )


def active_holds() -> list[LegalHold]:
    """Every legal hold in force, with its meeting or topic and who placed it, oldest first."""
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            select(LegalHold)
            .where(LegalHold.lifted_at.is_(None))
            .options(
                joinedload(LegalHold.meeting).joinedload(Meeting.meeting_type),
                joinedload(LegalHold.topic).load_only(Topic.id, Topic.reference),
                joinedload(LegalHold.placed_by),
            )
            .order_by(LegalHold.placed_at, LegalHold.id)
        )
    )


def register_page(limit: int = PAGE_SIZE) -> list[DestructionRecord]:
    """The latest lines of the destruction register."""
    return list(
        db.session.scalars(
            select(DestructionRecord)
            .order_by(DestructionRecord.destroyed_at.desc(), DestructionRecord.id.desc())
            .limit(limit)
        )
    )


REGISTER_COLUMNS = (
    "kenmerk",
    "overleg",
    "vergaderdatum",
    "selectiecategorie",
    "bewaartermijn_jaar",
    "te_vernietigen_vanaf",
    "vernietigd_op",
    "vernietigd_door",
    "via",
    "verslagversies",
    "stukken",
    "bestanden",
)


def register_csv() -> str:
    """The whole destruction register as CSV (semicolons, as Dutch spreadsheets expect): the
    basis of the verklaring van vernietiging. References, dates and counts only."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REGISTER_COLUMNS)
    rows = db.session.execute(
        select(DestructionRecord, Person.name)
        .outerjoin(Person, Person.id == DestructionRecord.destroyed_by_id)
        .order_by(DestructionRecord.destroyed_at, DestructionRecord.id)
    )
    from .audit_log import _cell  # a cell a spreadsheet does not run as a formula

    for rec, name in rows:
        writer.writerow(
            [
                _cell(rec.meeting_ref),
                _cell(rec.body_name),
                rec.meeting_date.isoformat(),
                rec.category or "",
                rec.retention_years,
                rec.due_date.isoformat(),
                to_local(rec.destroyed_at).strftime("%Y-%m-%d %H:%M"),
                _cell(name or "(opdracht)"),
                rec.via,
                rec.minutes_versions,
                rec.documents,
                rec.files,
            ]
        )
    return out.getvalue()


# --- legal hold ---------------------------------------------------------------------------


def active_hold(meeting: Meeting | None = None, topic: Topic | None = None) -> LegalHold | None:
    """The hold in force on this meeting itself (or on this topic)."""
    where = (
        LegalHold.meeting_id == meeting.id
        if meeting is not None
        else LegalHold.topic_id == (topic.id if topic is not None else None)
    )
    return db.session.scalar(select(LegalHold).where(where, LegalHold.lifted_at.is_(None)))


def is_held(meeting: Meeting) -> bool:
    """Frozen: by a hold on the meeting or on a topic it holds records of (`held_clause`)."""
    return bool(db.session.scalar(select(held_clause(meeting.id))))


def topic_by_reference(reference: str | None) -> Topic:
    value = (reference or "").strip().upper()
    if not value:
        raise RetentionError("Vul het kenmerk van het onderwerp in, bijvoorbeeld TVO-2019-014.")
    topic = db.session.scalar(
        select(Topic)
        .options(load_only(Topic.id, Topic.reference))
        .where(func.upper(Topic.reference) == value[:40])
    )
    if topic is None:
        raise RetentionError(f"Er is geen onderwerp met kenmerk {value[:40]}.")
    return topic


def _reason(text: str | None, what: str) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise RetentionError(f"Vul de reden van de {what} in.")
    if len(value) > REASON_MAX:
        raise RetentionError(f"De reden is te lang (hoogstens {REASON_MAX} tekens).")
    return value


def _hold_values(reason: str | None, held_since: date | None) -> str:
    text = _reason(reason, "bevriezing")
    if held_since is None:
        raise RetentionError("Vul de datum in vanaf wanneer de bewaarplicht geldt.")
    if held_since > today_local():
        raise RetentionError("De datum van de bewaarplicht ligt in de toekomst.")
    return text


def place_topic_hold(
    topic: Topic, reason: str | None, held_since: date | None, by: Person
) -> LegalHold:
    """Freeze the records of every meeting the topic (casus) was on the agenda of, also of
    meetings still to come, until the hold is lifted."""
    text = _hold_values(reason, held_since)
    if active_hold(topic=topic) is not None:
        raise RetentionError("Dit onderwerp is al bevroren.")
    hold = LegalHold(topic_id=topic.id, reason=text, held_since=held_since, placed_by_id=by.id)
    db.session.add(hold)
    db.session.flush()
    return hold


def place_hold(
    meeting: Meeting, reason: str | None, held_since: date | None, by: Person
) -> LegalHold:
    """Freeze the meeting's records (bewaarplicht wegens een juridische procedure)."""
    text = _hold_values(reason, held_since)
    # lock the meeting row: a destruction batch holding it finishes first (see _due_ids)
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    if records_destroyed(meeting) is not None:
        raise RetentionError("De stukken van dit overleg zijn al vernietigd.")
    if active_hold(meeting) is not None:
        raise RetentionError("Dit overleg is al bevroren.")
    hold = LegalHold(meeting_id=meeting.id, reason=text, held_since=held_since, placed_by_id=by.id)
    db.session.add(hold)
    db.session.flush()
    return hold


def lift_hold(hold: LegalHold, reason: str | None, by: Person) -> None:
    if hold.lifted_at is not None:
        raise RetentionError("Deze bevriezing is al opgeheven.")
    hold.lift_reason = _reason(reason, "opheffing")
    hold.lifted_at = utcnow()
    hold.lifted_by_id = by.id


# --- destruction --------------------------------------------------------------------------


@dataclass
class DestructionReport:
    destroyed: list[DestructionRecord] = field(default_factory=list)
    held: int = 0  # selected but frozen: skipped
    not_due: int = 0  # selected but not (or no longer) past term, or already destroyed
    files: int = 0
    batches: int = 0

    @property
    def count(self) -> int:
        return len(self.destroyed)


def _due_ids(on: date, limit: int, among: Sequence[int] | None = None) -> list[int]:
    # On PostgreSQL the meeting rows stay locked until the batch commits, so a hold placed
    # on one of them meanwhile (``place_hold`` locks its meeting first) waits and then finds
    # it destroyed; SQLite has one writer at a time.
    stmt = (
        select(Meeting.id)
        .where(due_clause(on), ~destroyed_clause(), ~held_clause())
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
        .with_for_update(of=Meeting)
    )
    if among is not None:
        stmt = stmt.where(Meeting.id.in_(among))
    return list(db.session.scalars(stmt))


def _destroy_batch(
    ids: list[int], by: Person | None, via: str
) -> tuple[list[DestructionRecord], list[str]]:
    """Destroy the records of these meetings (due, not held: checked by the caller's query)
    in the current transaction; returns the register lines and the storage keys to delete
    once the transaction is committed."""
    from ..audit import record  # audit writes belong to the caller's transaction

    s = db.session
    meetings = s.execute(
        select(
            Meeting.id,
            Meeting.starts_at,
            MeetingType.code,
            MeetingType.name,
            MeetingType.retention_category,
            MeetingType.retention_years,
        )
        .join(MeetingType, MeetingType.id == Meeting.meeting_type_id)
        .where(Meeting.id.in_(ids))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    minutes_ids = select(Minutes.id).where(Minutes.meeting_id.in_(ids))
    item_ids = select(AgendaItem.id).where(AgendaItem.meeting_id.in_(ids))
    version_rows = s.execute(
        select(Minutes.meeting_id, MinutesVersion.pdf_key, MinutesVersion.redacted_pdf_key)
        .join(Minutes, Minutes.id == MinutesVersion.minutes_id)
        .where(Minutes.meeting_id.in_(ids))
    ).all()
    doc_rows = s.execute(
        select(AgendaItem.meeting_id, Document.storage_key)
        .join(AgendaItem, AgendaItem.id == Document.agenda_item_id)
        .where(AgendaItem.meeting_id.in_(ids))
    ).all()
    versions: dict[int, int] = {}
    files: dict[int, int] = {}
    documents: dict[int, int] = {}
    keys: list[str] = []
    for meeting_id, pdf, redacted in version_rows:
        versions[meeting_id] = versions.get(meeting_id, 0) + 1
        for key in (pdf, redacted):
            if key:
                keys.append(key)
                files[meeting_id] = files.get(meeting_id, 0) + 1
    for meeting_id, key in doc_rows:
        documents[meeting_id] = documents.get(meeting_id, 0) + 1
        files[meeting_id] = files.get(meeting_id, 0) + 1
        keys.append(key)

    opts = {"synchronize_session": False}
    s.execute(
        delete(MinutesVersion).where(MinutesVersion.minutes_id.in_(minutes_ids)),
        execution_options=opts,
    )
    # minutes of other meetings approved at one of these keep their link to the item: no
    # agenda item is deleted
    s.execute(delete(Minutes).where(Minutes.meeting_id.in_(ids)), execution_options=opts)
    s.execute(delete(Document).where(Document.agenda_item_id.in_(item_ids)), execution_options=opts)
    s.execute(
        update(AgendaItem)
        .where(AgendaItem.meeting_id.in_(ids))
        .values(notes=None, outcome=None, description=None, question=None, decline_reason=None),
        execution_options=opts,
    )
    s.execute(
        update(Meeting)
        .where(Meeting.id.in_(ids))
        .values(agenda_snapshot=None, remarks=None, cancel_reason=None),
        execution_options=opts,
    )
    s.execute(
        update(Participant).where(Participant.meeting_id.in_(ids)).values(rsvp_note=None),
        execution_options=opts,
    )
    s.execute(
        update(Decision).where(Decision.meeting_id.in_(ids)).values(text=DESTROYED_TEXT),
        execution_options=opts,
    )
    s.execute(
        update(ActionItem)
        .where(ActionItem.meeting_id.in_(ids), ActionItem.status == "afgerond")
        .values(what=DESTROYED_TEXT, closing_note=None),
        execution_options=opts,
    )
    now = utcnow()
    rows = []
    for meeting_id, starts_at, code, name, category, years in meetings:
        day = to_local(starts_at).date()
        ref = f"{code.upper()}-{day.isoformat()}"
        row = {
            "meeting_id": meeting_id,
            "meeting_ref": ref,
            "body_name": name,
            "meeting_date": day,
            "category": category,
            "retention_years": years,
            "due_date": add_years(day, years),
            "destroyed_at": now,
            "destroyed_by_id": by.id if by is not None else None,
            "via": via,
            "minutes_versions": versions.get(meeting_id, 0),
            "documents": documents.get(meeting_id, 0),
            "files": files.get(meeting_id, 0),
        }
        rows.append(row)
        record(
            "records_destroyed",
            object_type="meeting",
            object_id=meeting_id,
            ref=ref,
            person=by,
            after={"due": row["due_date"].isoformat(), "files": row["files"]},
        )
    if rows:
        s.execute(insert(DestructionRecord), rows)  # one executemany
    # the ORM objects of the session may hold the old text: forget them
    s.expire_all()
    records = list(
        s.scalars(
            select(DestructionRecord)
            .where(DestructionRecord.meeting_id.in_(ids))
            .order_by(DestructionRecord.meeting_date, DestructionRecord.meeting_id)
        )
    )
    return records, keys


def destroy(
    storage,
    *,
    by: Person | None,
    via: str,
    meeting_ids: Iterable[int] | None = None,
    on: date | None = None,
    batch_size: int = BATCH_SIZE,
    limit: int | None = None,
) -> DestructionReport:
    """Destroy the records of the meetings past term and not frozen: the selected ones
    (``meeting_ids``) or all of them. One transaction (and commit) per batch of
    ``batch_size`` meetings; the files of a batch are deleted from ``storage`` after its
    commit, so a failed batch leaves the records and their files as they were."""
    if batch_size < 1:
        raise RetentionError("Kies een batchgrootte vanaf 1.")
    on = on or today_local()
    report = DestructionReport()
    selected: list[int] | None = None
    held: set[int] = set()
    if meeting_ids is not None:
        selected = sorted(set(meeting_ids))
        if not selected:
            raise RetentionError("Kies de vergaderingen waarvan u de stukken wilt vernietigen.")
        held = set(
            db.session.scalars(select(Meeting.id).where(Meeting.id.in_(selected), held_clause()))
        )
        report.held = len(held)
    chunks = (
        [selected[i : i + batch_size] for i in range(0, len(selected), batch_size)]
        if selected is not None
        else None
    )
    while True:
        want = batch_size if limit is None else min(batch_size, limit - report.count)
        if want <= 0:
            break
        if chunks is not None:
            if not chunks:
                break
            chunk = chunks.pop(0)
            ids = _due_ids(on, len(chunk), among=chunk)
            report.not_due += len(chunk) - len(ids) - len(held & set(chunk))
        else:
            ids = _due_ids(on, want)
            if not ids:
                break
        if not ids:
            continue
        records, keys = _destroy_batch(ids, by, via)
        db.session.commit()
        report.batches += 1
        report.destroyed.extend(records)
        for key in keys:
            storage.delete(key)
        report.files += len(keys)
    return report


# --- login data -----------------------------------------------------------------------------


def login_cutoff(months: int, now: datetime | None = None) -> datetime:
    if months < 1:
        raise RetentionError("De bewaartermijn van inloggegevens is minstens 1 maand.")
    return (now or utcnow()) - relativedelta(months=months)


def purge_login_events(
    months: int, *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> tuple[int, int]:
    """Remove the login events older than ``months``, ``batch_size`` rows per transaction
    (committed); returns (rows removed, batches)."""
    if batch_size < 1:
        raise RetentionError("Kies een batchgrootte vanaf 1.")
    cutoff = login_cutoff(months, now)
    removed = batches = 0
    while True:
        ids = (
            select(AuditEvent.id)
            .where(AuditEvent.event.in_(LOGIN_EVENTS), AuditEvent.at < cutoff)
            .order_by(AuditEvent.id)
            .limit(batch_size)
        )
        chosen = list(db.session.scalars(ids))
        if not chosen:
            break
        db.session.execute(
            delete(AuditEvent).where(AuditEvent.id.in_(chosen)),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        removed += len(chosen)
        batches += 1
    return removed, batches
