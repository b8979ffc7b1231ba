"""Minutes (verslag): taking notes per agenda item, the lifecycle, frozen versions.

Lifecycle (explicit transitions, ``MINUTES_TRANSITIONS``):
  concept (secretaries edit) → ter_vaststelling (sent to the participants, read-only for them;
  back to concept allowed) → vastgesteld at a later meeting of the same body, recorded under
  that meeting's "verslag vorige vergadering" item. Approved minutes are frozen; a correction
  makes a new ``MinutesVersion`` with a reason, and every version stays readable.

Optimistic locking: ``Minutes.version`` (SQLAlchemy ``version_id_col``) rises on every change.
A notes form carries the version it was loaded at and a hash of the item's text at that time;
a save on a stale version whose item text has changed since is refused (``MinutesConflict``),
so nobody's text is silently overwritten. Two simultaneous requests are caught by the version
column itself (``StaleDataError`` at flush), which the views treat the same way.

Pages, the PDF and the frozen versions all come from one snapshot (``build_snapshot``): plain
JSON data, need-to-know redaction applied per reader (``redact_for``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import CursorResult, and_, bindparam, literal_column, or_, select
from sqlalchemy.orm.attributes import flag_modified

from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    Minutes,
    MinutesVersion,
    OutboxMessage,
    Person,
    Topic,
)
from ..models.bodies import CONFIDENTIALITY_LABELS, PURPOSE_LABELS
from ..models.meetings import ATTENDANCE, ATTENDANCE_LABELS
from ..models.minutes import MINUTES_STATUS_LABELS, MINUTES_TRANSITIONS
from ..timeutil import nl_date, nl_datetime, nl_time, to_local, utcnow
from . import actions as actions_domain
from . import audit_changes, kept, policy, retention
from . import decisions as decisions_domain
from .agenda import meeting_marking
from .loading import load_related
from .meetings import chair_label

BESLOTEN_HEADING = "Besloten agendapunt"
HIDDEN_TEXT = "Inhoud alleen zichtbaar voor wie bij deze casus betrokken is."


class MinutesError(ValueError):
    """A change the domain refuses: errors by field name, in Dutch."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"minutes": errors}
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class MinutesFrozen(MinutesError):
    """The minutes are approved: only a versioned correction may change them."""


class MinutesNotBegun(MinutesError):
    """The meeting has not begun (or is cancelled): no minutes, no attendance yet."""


class MinutesConflict(Exception):
    """A save on a stale version: somebody else changed the same text in the meantime."""

    def __init__(self, minutes: Minutes, item: AgendaItem, yours: str, theirs: str):
        super().__init__("stale minutes version")
        self.minutes = minutes
        self.item = item
        self.yours = yours
        self.theirs = theirs


# --- basics --------------------------------------------------------------------------------


def text_hash(text: str | None) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:32]


def normalise(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


# The queries the minutes page runs on every view are made once, with the meeting's values
# bound: a statement keeps its cache key, and making one cost more than running it.


@lru_cache(maxsize=1)
def _minutes_stmt():
    return select(Minutes).where(Minutes.meeting_id == bindparam("meeting_id"))


def get_minutes(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(_minutes_stmt(), {"meeting_id": meeting.id})


def meetings_open_for_decisions(
    meeting_type_id: int, now: datetime | None = None, limit: int = 20
) -> list[Meeting]:
    """Meetings of this body that have begun, not cancelled, whose minutes are still open for
    decisions (none yet, or a concept); newest first. Where a plan (the jaarplan, a plan van
    aanpak) can be adopted by a decision."""
    now = now or utcnow()
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.meeting_type_id == meeting_type_id,
            Meeting.starts_at <= now,
            Meeting.status != "geannuleerd",
        )
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    ).all()
    open_ids = set(
        db.session.scalars(
            select(Meeting.id)
            .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
            .where(
                Meeting.id.in_([m.id for m in meetings]),
                (Minutes.id.is_(None)) | (Minutes.status == "concept"),
            )
        )
    )
    return [m for m in meetings if m.id in open_ids]


def ensure_minutes(meeting: Meeting, by: Person | None = None) -> Minutes:
    """The meeting's minutes, created as a concept the first time (minute-taker: the
    secretary who starts them, or the meeting's secretary)."""
    minutes = get_minutes(meeting)
    if minutes is not None:
        return minutes
    taker = by if by is not None and by.is_secretary else None
    if taker is None:
        taker = next((p.person for p in meeting.participants if p.part == "secretary"), None)
    minutes = Minutes(
        meeting=meeting, status="concept", minute_taker_id=taker.id if taker is not None else None
    )
    db.session.add(minutes)
    db.session.flush()
    return minutes


def not_begun_message(meeting: Meeting, now: datetime | None = None) -> str | None:
    """Why no minutes (attendance, notes, decisions, actions) may be taken for this meeting
    yet, in Dutch; None once it has begun. A cancelled meeting gets no minutes at all."""
    if meeting.is_cancelled:
        return "Dit overleg is geannuleerd; er wordt geen verslag van gemaakt."
    if not meeting.has_started(now):
        return (
            "Het verslag en de aanwezigheid legt u vast vanaf het begin van het overleg "
            f"({nl_date(meeting.starts_at)} om {nl_time(meeting.starts_at)})."
        )
    destroyed = retention.records_destroyed(meeting)
    if destroyed is not None:
        return (
            "De stukken van dit overleg zijn vernietigd op "
            f"{nl_date(destroyed.destroyed_at)} (bewaartermijn verstreken); er wordt geen "
            "verslag meer gemaakt."
        )
    return None


def require_begun(meeting: Meeting, now: datetime | None = None) -> None:
    message = not_begun_message(meeting, now)
    if message is not None:
        raise MinutesNotBegun(message)


def require_editable(minutes: Minutes, now: datetime | None = None) -> None:
    """The minutes may be changed: their meeting has begun (and is not cancelled) and they
    are a concept."""
    require_begun(minutes.meeting, now)
    if minutes.status == "vastgesteld":
        raise MinutesFrozen(
            "Dit verslag is vastgesteld en kan niet meer worden gewijzigd. "
            "Een correctie maakt u met ‘Correctie na vaststelling’, met een reden."
        )
    if minutes.status != "concept":
        raise MinutesError(
            "Dit verslag ligt ter vaststelling en is alleen-lezen. Zet het "
            "terug naar concept om het te wijzigen."
        )


def touch(minutes: Minutes, by: Person | None = None) -> None:
    """Mark a change: the UPDATE raises the version column. Flagged explicitly, so that
    two saves within the same clock tick still both raise it."""
    minutes.updated_at = utcnow()
    flag_modified(minutes, "updated_at")
    if by is not None:
        minutes.last_edited_by_id = by.id


def _transition(minutes: Minutes, to: str) -> None:
    if to not in MINUTES_TRANSITIONS.get(minutes.status, ()):
        raise MinutesError(
            f"Een verslag met status ‘{minutes.status_label}’ kan niet naar "
            f"‘{MINUTES_STATUS_LABELS[to]}’."
        )
    minutes.status = to


# --- taking minutes ------------------------------------------------------------------------


def save_notes(
    minutes: Minutes,
    item: AgendaItem,
    text: str | None,
    *,
    base_version: int | None,
    base_hash: str | None,
    by: Person | None = None,
) -> bool:
    """Save an item's notes. Returns False when nothing changed. Raises MinutesConflict when
    the form was loaded at an older version and the item's text changed since."""
    require_editable(minutes)
    if item.meeting_id != minutes.meeting_id:
        raise MinutesError({"notes": "Dit agendapunt hoort niet bij dit verslag."})
    new = normalise(text)
    if len(new) > 50000:
        raise MinutesError({"notes": "Gebruik hoogstens 50.000 tekens per agendapunt."})
    current = normalise(item.notes)
    if new == current:
        return False
    if base_version != minutes.version and base_hash != text_hash(current):
        raise MinutesConflict(minutes, item, new, current)
    item.notes = new or None
    touch(minutes, by)
    return True


def record_attendance(
    minutes: Minutes, values: dict[int, str], acting_chair_id: int | None = None
) -> None:
    """Attendance at the top of the minutes (stored on Participant.attendance), with the
    acting chair ("waarnemend voorzitter") when the chair is not there. The one place
    attendance is recorded (the meeting's old attendance address leads here)."""
    require_editable(minutes)
    from .meetings import MeetingError
    from .meetings import record_attendance as record

    try:
        record(minutes.meeting, values, acting_chair_id=acting_chair_id)
    except MeetingError as exc:
        raise MinutesError(exc.errors) from exc
    touch(minutes)


# --- lifecycle -----------------------------------------------------------------------------


def send_for_approval(minutes: Minutes, by: Person | None = None) -> list[OutboxMessage]:
    """concept → ter vaststelling: read-only for everyone; the participants get an e-mail with
    a link (no case content)."""
    require_begun(minutes.meeting)
    _transition(minutes, "ter_vaststelling")
    minutes.sent_at = utcnow()
    touch(minutes, by)
    return _queue_review_mail(minutes)


def back_to_concept(minutes: Minutes, by: Person | None = None) -> None:
    _transition(minutes, "concept")
    touch(minutes, by)


def _queue_review_mail(minutes: Minutes) -> list[OutboxMessage]:
    """The participants' mail (body, date and a link; no case content): built by the mail
    area, outside the domain."""
    from ..mail.outbox import queue_minutes_review_mail

    return queue_minutes_review_mail(minutes)


@dataclass(frozen=True, slots=True)
class MinutesRef:
    """Minutes named by their meeting's date (what the verslag item and the approval buttons
    show): plain values."""

    id: int
    meeting_id: int
    meeting_starts_at: datetime


@lru_cache(maxsize=1)
def _approval_stmt():
    """`approval_lists`' one query (made once, values bound): the minutes approved at the
    meeting and those of earlier meetings of its body that await approval."""
    approved_here = Minutes.approved_in_meeting_id == bindparam("meeting_id")
    return (
        select(Minutes.id, Minutes.meeting_id, Meeting.starts_at, approved_here)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .where(
            or_(
                approved_here,
                and_(
                    Meeting.meeting_type_id == bindparam("type_id"),
                    Meeting.starts_at < bindparam("starts_at"),
                    # a literal: PostgreSQL's generic plan of the prepared statement may
                    # then take the open minutes' partial index (ix_minutes_open) rather
                    # than read every minutes ever kept
                    Minutes.status == literal_column("'ter_vaststelling'"),
                ),
            )
        )
        .order_by(Meeting.starts_at, Minutes.id)
    )


def approval_lists(meeting: Meeting) -> tuple[list[MinutesRef], list[MinutesRef]]:
    """(minutes approved at this meeting, under its verslag item, by id; minutes of earlier
    meetings of the same body that await approval (ter vaststelling), oldest first): one
    query for both."""
    params = {
        "meeting_id": meeting.id,
        "type_id": meeting.meeting_type_id,
        "starts_at": meeting.starts_at,
    }
    approved: list[MinutesRef] = []
    awaiting: list[MinutesRef] = []
    for id_, meeting_id, starts_at, here in db.session.execute(_approval_stmt(), params):
        ref = MinutesRef(id_, meeting_id, starts_at)
        # minutes awaiting approval were approved nowhere yet
        (approved if here else awaiting).append(ref)
    approved.sort(key=lambda m: m.id)
    return approved, awaiting


def approved_at(meeting: Meeting) -> list[MinutesRef]:
    """Minutes approved at this meeting (under its verslag item): one query, however many."""
    return approval_lists(meeting)[0]


def verslag_item(meeting: Meeting) -> AgendaItem | None:
    return next((i for i in meeting.agenda_items if i.standard_kind == "verslag"), None)


def approve(
    minutes: Minutes,
    at_meeting: Meeting,
    by: Person | None = None,
    *,
    render_pdf: bool = True,
    municipality: str = "",
    now: datetime | None = None,
) -> MinutesVersion:
    """ter vaststelling → vastgesteld, recorded at a later meeting of the same body that has
    begun (not cancelled), under its "verslag vorige vergadering" item. Freezes the minutes as version 1 with its PDF
    (``municipality``: the name the frozen version carries, from the app's configuration)."""
    meeting = minutes.meeting
    if at_meeting.meeting_type_id != meeting.meeting_type_id:
        raise MinutesError(
            "Een verslag wordt vastgesteld in een vergadering van hetzelfde overleg."
        )
    if at_meeting.starts_at <= meeting.starts_at:
        raise MinutesError("Een verslag wordt vastgesteld in een latere vergadering.")
    if at_meeting.is_cancelled:
        raise MinutesError(
            "Deze vergadering is geannuleerd; een verslag wordt vastgesteld in een "
            "vergadering die wordt gehouden."
        )
    if not at_meeting.has_started(now):
        raise MinutesError(
            "Een verslag wordt vastgesteld in een vergadering die begonnen is. De vergadering "
            f"van {nl_date(at_meeting.starts_at)} begint om {nl_time(at_meeting.starts_at)}; "
            "stel het verslag daar vast."
        )
    if minutes.status != "ter_vaststelling":
        raise MinutesError("Alleen een verslag dat ter vaststelling ligt, kan worden vastgesteld.")
    item = verslag_item(at_meeting)
    if item is None:
        raise MinutesError("Deze vergadering heeft geen agendapunt ‘Verslag vorige vergadering’.")
    host = ensure_minutes(at_meeting, by)
    require_editable(host, now)
    _transition(minutes, "vastgesteld")
    minutes.approved_at = utcnow()
    minutes.approved_in_meeting = at_meeting
    minutes.approved_item_id = item.id
    touch(minutes, by)
    touch(host, by)
    reason = (
        f"Vastgesteld in de vergadering van {nl_date(at_meeting.starts_at)} "
        f"(agendapunt ‘{item.title}’)."
    )
    return freeze_version(minutes, reason, by, render_pdf=render_pdf, municipality=municipality)


# --- decisions and actions: edited while concept, corrected after approval ---------------


def edit_decision(decision: Decision, text: str | None, by: Person | None = None) -> bool:
    """Change a decision's text while its minutes are a concept. Its number stays and the
    change is logged (``decision_changed``: the decision's code, never its text). False when
    nothing changed. Approved minutes change only by a correction (`correct`); minutes out
    for approval go back to concept first."""
    minutes = ensure_minutes(decision.meeting, by)
    require_editable(minutes)
    before = audit_changes.decision_state(decision)
    try:
        changed = decisions_domain.revise_decision(decision, text)
    except decisions_domain.DecisionError as exc:
        raise MinutesError(exc.errors) from exc
    if changed:
        touch(minutes, by)
        _log(audit_changes.edit_change("decision_changed", decision, before), by)
    return changed


def edit_action(
    action: ActionItem, fields: actions_domain.ActionFields, by: Person | None = None
) -> bool:
    """Change what an action made at this meeting says, its owner and due date while its
    minutes are a concept (``action_changed``: owner ids and date before and after, never
    the text). False when nothing changed."""
    minutes = ensure_minutes(action.meeting, by)
    require_editable(minutes)
    before = audit_changes.action_state(action)
    try:
        changed = _revise_action(action, fields)
    except actions_domain.ActionError as exc:
        raise MinutesError(exc.errors) from exc
    if changed:
        touch(minutes, by)
        _log(audit_changes.edit_change("action_changed", action, before), by)
    return changed


def _revise_action(action: ActionItem, fields: actions_domain.ActionFields) -> bool:
    return actions_domain.revise_action(
        action,
        fields.what,
        owner_person=fields.owner_person,
        owner_organisation=fields.owner_organisation,
        due_date=fields.due_date,
    )


def _log(change: audit_changes.Change, by: Person | None) -> None:
    from ..audit import record_change

    record_change(change, person=by)


def correction_targets(minutes: Minutes) -> tuple[list[Decision], list[ActionItem]]:
    """The decisions and actions a correction of these minutes may change: those recorded at
    its meeting (not the carried actions of earlier meetings: they are corrected in their
    own minutes)."""
    meeting = minutes.meeting
    decisions = list(db.session.scalars(_decisions_stmt(), {"meeting_id": meeting.id}))
    return decisions, actions_domain.actions_made_at(meeting)


def correct(
    minutes: Minutes,
    notes: dict[int, str],
    reason: str,
    by: Person | None = None,
    *,
    decisions: dict[int, str] | None = None,
    actions: dict[int, actions_domain.ActionFields] | None = None,
    municipality: str = "",
) -> MinutesVersion:
    """A correction after approval: changes item notes, decisions (their text; the number
    stays) and actions made at the meeting (text, owner, due date), and writes a new version
    with a reason. Earlier versions (their snapshots and PDFs) stay as they were: each shows
    the decisions and actions as they read then. Every corrected decision and action is
    logged (``decision_corrected``, ``action_corrected``, with the version's number)."""
    if minutes.status != "vastgesteld":
        raise MinutesError(
            "Alleen een vastgesteld verslag wordt met een correctie gewijzigd; "
            "een concept kunt u gewoon bewerken."
        )
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Geef de reden van de correctie op."
    elif len(reason) > 2000:
        errors["reason"] = "Gebruik hoogstens 2000 tekens."
    items = {i.id: i for i in minutes.meeting.agenda_items}
    changed = False
    for item_id, text in notes.items():
        item = items.get(item_id)
        if item is None:
            errors[f"notes_{item_id}"] = "Onbekend agendapunt."
            continue
        if normalise(text) != normalise(item.notes):
            changed = True
    own_decisions, own_actions = correction_targets(minutes)
    by_decision = {d.id: d for d in own_decisions}
    by_action = {a.id: a for a in own_actions}
    decision_texts: dict[int, str] = {}
    for decision_id, text in (decisions or {}).items():
        decision = by_decision.get(decision_id)
        if decision is None:
            errors[f"decision_{decision_id}"] = "Dit besluit hoort niet bij dit verslag."
            continue
        try:
            decision_texts[decision_id] = decisions_domain.clean_text(text)
        except decisions_domain.DecisionError as exc:
            errors[f"decision_{decision_id}"] = f"Besluit {decision.code}: {exc}"
            continue
        if decision_texts[decision_id] != decision.text:
            changed = True
    for action_id, fields in (actions or {}).items():
        action = by_action.get(action_id)
        if action is None:
            errors[f"action_{action_id}"] = "Dit actiepunt hoort niet bij dit verslag."
            continue
        try:
            what = actions_domain.check_fields(
                fields.what, fields.owner_person, fields.owner_organisation, fields.due_date
            )
        except actions_domain.ActionError as exc:
            errors[f"action_{action_id}"] = f"Actiepunt: {exc}"
            continue
        if actions_domain.differs(action, replace(fields, what=what)):
            changed = True
    if not errors and not changed:
        errors["notes"] = (
            "Er is niets gewijzigd; een correctie moet de tekst, een besluit of een "
            "actiepunt wijzigen."
        )
    if errors:
        raise MinutesError(errors)
    for item_id, text in notes.items():
        items[item_id].notes = normalise(text) or None
    number = len(minutes.versions) + 1
    changes: list[audit_changes.Change] = []
    corrected_decisions: list[str] = []
    corrected_actions: list[int] = []
    for decision_id, text in decision_texts.items():
        decision = by_decision[decision_id]
        before = audit_changes.decision_state(decision)
        if decisions_domain.revise_decision(decision, text):
            corrected_decisions.append(decision.code)
            changes.append(
                audit_changes.edit_change("decision_corrected", decision, before, number)
            )
    for action_id, fields in (actions or {}).items():
        action = by_action[action_id]
        before = audit_changes.action_state(action)
        if _revise_action(action, fields):
            corrected_actions.append(action.id)
            changes.append(audit_changes.edit_change("action_corrected", action, before, number))
    touch(minutes, by)
    for change in changes:
        _log(change, by)
    return freeze_version(
        minutes,
        reason,
        by,
        municipality=municipality,
        corrected={"decisions": corrected_decisions, "actions": corrected_actions},
    )


def freeze_version(
    minutes: Minutes,
    reason: str,
    by: Person | None = None,
    *,
    render_pdf: bool = True,
    municipality: str = "",
    corrected: dict[str, list] | None = None,
) -> MinutesVersion:
    """Write the next frozen version: snapshot, archival PDF (and the casus-redacted variant
    when needed), both stored with their SHA-256. The stored bytes are what every later
    download serves. With render_pdf=False (bulk demo data) the PDFs are made and stored at
    the first download instead (``stored_pdf``). The snapshot carries the meeting's decisions
    and actions as they read now, so every version keeps its own; ``corrected`` names the
    decisions (codes) and actions (ids) this version corrected."""
    db.session.flush()
    number = len(minutes.versions) + 1
    snap = build_snapshot(
        minutes,
        version_number=number,
        version_reason=reason,
        version_at=utcnow(),
        municipality=municipality,
    )
    if corrected is not None:
        snap["corrected"] = corrected
    version = MinutesVersion(
        minutes=minutes,
        number=number,
        reason=reason,
        created_by_id=by.id if by is not None else None,
        snapshot_json=json.dumps(snap, ensure_ascii=False, sort_keys=True),
    )
    db.session.add(version)
    if render_pdf:
        for name, value in _render_pdfs(snap).items():
            setattr(version, name, value)
    return version


def _render_pdfs(snap: dict[str, Any]) -> dict[str, Any]:
    """Render and store the PDFs of a frozen snapshot; the column values to record."""
    from ..minutes.export import minutes_pdf
    from ..storage import get_storage

    storage = get_storage()
    full = minutes_pdf(snap)
    values = {
        "pdf_key": storage.save(full),
        "pdf_sha256": sha256(full),
        "pdf_size": len(full),
        "redacted_pdf_key": None,
        "redacted_pdf_sha256": None,
    }
    if has_restricted(snap):
        redacted = minutes_pdf(restricted_redaction(snap))
        values["redacted_pdf_key"] = storage.save(redacted)
        values["redacted_pdf_sha256"] = sha256(redacted)
    return values


def stored_pdf(version: MinutesVersion, redacted: bool) -> tuple[bytes, str]:
    """The stored PDF bytes of a frozen version (full or casus-redacted) and their SHA-256.
    Made and stored once if the version was frozen without PDFs (demo data); the first writer
    wins, so every download serves the same bytes. Refuses bytes that do not match their hash,
    and the redacted variant of a version that has none (minutes without casus or besloten
    content: `has_restricted`) rather than serve the full one. May commit (only that)."""
    from sqlalchemy import update

    from ..storage import get_storage

    if version.pdf_key is None:
        values = _render_pdfs(version.snapshot)
        # An UPDATE's result is a CursorResult (it has a rowcount); Session.execute says Result.
        won = cast(
            CursorResult[Any],
            db.session.execute(
                update(MinutesVersion)
                .where(MinutesVersion.id == version.id, MinutesVersion.pdf_key.is_(None))
                .values(**values)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        db.session.commit()
        db.session.refresh(version)
        if not won:  # another request stored them first: serve those, drop ours
            for key in (values["pdf_key"], values["redacted_pdf_key"]):
                if key:
                    get_storage().delete(key)
    key, sha = (
        (version.redacted_pdf_key, version.redacted_pdf_sha256)
        if redacted
        else (version.pdf_key, version.pdf_sha256)
    )
    if key is None:
        # no references-only PDF is stored (no casus or besloten in it): never serve the full
        # one in its place (`stored_variant` asks for it only when `has_restricted`)
        if redacted:
            raise RuntimeError(f"minutes version {version.id} has no stored references-only PDF")
        raise RuntimeError(f"minutes version {version.id} has no stored PDF")
    data = get_storage().open(key)
    if sha256(data) != sha:
        raise RuntimeError(f"stored PDF of minutes version {version.id} does not match its SHA-256")
    return data, sha


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def latest_version(minutes: Minutes) -> MinutesVersion | None:
    return minutes.versions[-1] if minutes.versions else None


def _approved_stmt(person):
    """`approved_for_download`'s statement for this reader, kept (`kept.statement`), the
    meeting's id bound."""
    from sqlalchemy.orm import contains_eager

    def build():
        return (
            select(Minutes, MinutesVersion)
            .join(Minutes.meeting)
            .join(Meeting.meeting_type)
            .join(MinutesVersion, MinutesVersion.minutes_id == Minutes.id)
            .where(
                Minutes.meeting_id == bindparam("meeting_id"),
                Minutes.status == "vastgesteld",
                policy.meeting_visibility_clause(person),
            )
            .order_by(MinutesVersion.number.desc())
            .limit(1)
            .options(contains_eager(Minutes.meeting).contains_eager(Meeting.meeting_type))
        )

    return kept.statement(("approved_minutes",), person, build)


def approved_for_download(meeting_id: int, person) -> tuple[Minutes, MinutesVersion] | None:
    """For serving the stored PDF of approved minutes: the minutes of this meeting if they are
    approved and the person may read them (read policy), with their latest version, in one
    query. The meeting and its body come along (the minutes' reference); its participants,
    agenda and the other versions do not. None otherwise (the caller then takes the long way,
    which also tells a meeting one may not see from minutes not approved yet)."""
    stmt = _approved_stmt(person)
    row = db.session.execute(stmt, {"meeting_id": meeting_id}).first()
    if row is None or not policy.minutes_readable(person, row[0]):
        return None
    return row[0], row[1]


# --- the snapshot: one set of data for page, PDF and frozen versions ----------------------


@lru_cache(maxsize=1)
def _decisions_stmt():
    """The meeting's decisions in number order with their own topic's reference and
    confidentiality (`build_snapshot`: what an item-less decision carries), made once (a
    statement keeps its cache key)."""
    return (
        select(Decision, Topic.reference, Topic.confidentiality)
        .outerjoin(Topic, Topic.id == Decision.topic_id)
        .where(Decision.meeting_id == bindparam("meeting_id"))
        .order_by(Decision.year, Decision.number)
    )


def _action_dict(a: ActionItem, on_meeting: Meeting) -> dict[str, Any]:
    item = a.agenda_item
    topic = item.topic if item is not None else None
    return _action_entry(
        a,
        on_meeting,
        item_id=item.id if item is not None else None,
        topic_id=topic.id if topic is not None else None,
        reference=topic.reference if topic is not None else None,
        casus=bool(topic is not None and topic.is_casus),
        besloten=bool(item is not None and item.besloten),
        made_at=a.meeting.starts_at,
    )


def _carried_dict(a: actions_domain.CarriedAction, on_meeting: Meeting) -> dict[str, Any]:
    """`_action_dict` of a carried action (`actions.carried_actions`): the same keys."""
    return _action_entry(
        a,
        on_meeting,
        item_id=a.agenda_item_id,
        topic_id=a.topic_id,
        reference=a.topic_reference,
        casus=a.topic_is_casus,
        besloten=a.item_besloten,
        made_at=a.meeting_starts_at,
    )


def _action_entry(
    a: ActionItem | actions_domain.CarriedAction,
    on_meeting: Meeting,
    *,
    item_id: int | None,
    topic_id: int | None,
    reference: str | None,
    casus: bool,
    besloten: bool,
    made_at: datetime,
) -> dict[str, Any]:
    """An action as the snapshot keeps it, as it stood at ``on_meeting``; its item and topic
    facts given by the caller (from the ORM action or from the actielijst's plain row)."""
    day = actions_domain.meeting_day(on_meeting)
    open_then = actions_domain.open_at(a, on_meeting)
    return {
        "id": a.id,
        "item_id": item_id,
        "meeting_id": a.meeting_id,
        "topic_id": topic_id,
        "reference": reference,
        "casus": casus,
        "besloten": besloten,
        "what": a.what,
        "owner": a.owner_label,
        "due": a.due_date.isoformat() if a.due_date else None,
        "due_label": nl_date(a.due_date, "long") if a.due_date else "",
        "made_at_label": nl_date(made_at, "long"),
        "status": "open" if open_then else "afgerond",
        "status_label": "Open" if open_then else "Afgerond",
        "closed_here": a.closed_in_meeting_id == on_meeting.id,
        "overdue": bool(open_then and a.due_date is not None and a.due_date < day),
    }


def build_snapshot(
    minutes: Minutes,
    *,
    version_number: int | None = None,
    version_reason: str | None = None,
    version_at: datetime | None = None,
    municipality: str = "",
    made: list[ActionItem] | None = None,
    approved_here: list[MinutesRef] | None = None,
) -> dict[str, Any]:
    """Everything the minutes show, as JSON-safe data with Dutch labels (a frozen version
    reads the same forever). A fixed number of queries, whatever the number of items.
    ``municipality`` is the configured name (the caller reads the app's configuration);
    ``made``: the meeting's own actions when the caller has them already
    (`actions.actions_made_at`); ``approved_here``: the minutes approved at the meeting when
    the caller has them already (`approval_lists`)."""
    meeting = minutes.meeting
    mt = meeting.meeting_type
    items = [i for i in meeting.agenda_items if getattr(i, "on_agenda", True)]
    load_related(items, AgendaItem.topic)  # unless the caller's query loaded them
    decisions = db.session.execute(_decisions_stmt(), {"meeting_id": meeting.id}).all()
    if made is None:
        made = actions_domain.actions_made_at(meeting)
    carried = actions_domain.carried_actions(meeting)
    if approved_here is None:
        approved_here = approved_at(meeting)
    taker = db.session.get(Person, minutes.minute_taker_id) if minutes.minute_taker_id else None

    attendance: dict[str, list[dict[str, Any]]] = {key: [] for key in ATTENDANCE}
    unknown: list[dict[str, Any]] = []
    chair, acting = chair_label(meeting)
    order = {"chair": 0, "member": 1, "advisor": 2, "secretary": 3, "guest": 4}
    for p in sorted(meeting.participants, key=lambda p: (order.get(p.part, 9), p.person.name)):
        org = p.person.organisation
        detail = ", ".join(
            x
            for x in [
                p.role.name if p.role else None,
                (org.short_name or org.name) if org else None,
                "voorzitter" if p.part == "chair" else None,
                "gast" if p.part == "guest" else None,
            ]
            if x
        )
        if meeting.acting_chair_id is not None and p.person_id == meeting.acting_chair_id:
            detail = ", ".join(x for x in [detail, "waarnemend voorzitter"] if x)
        entry: dict[str, Any] = {"name": p.person.name, "detail": detail}
        attendance.get(p.attendance or "", unknown).append(entry)
    groups: list[dict[str, Any]] = [
        {"key": k, "label": ATTENDANCE_LABELS[k], "people": attendance[k]} for k in ATTENDANCE
    ]
    if unknown:
        groups.append(
            {"key": "onbekend", "label": "Aanwezigheid niet vastgelegd", "people": unknown}
        )

    def item_info(i: AgendaItem) -> dict[str, Any]:
        t = i.topic
        return {
            "item_id": i.id,
            "topic_id": t.id if t else None,
            "reference": t.reference if t else None,
            "casus": bool(t is not None and t.is_casus),
            "besloten": bool(i.besloten),
        }

    by_item: dict[int | None, dict[str, Any]] = {}
    out_items = []
    for number, i in enumerate(items, start=1):
        info = item_info(i)
        entry = {
            "id": i.id,
            "number": number,
            "title": i.title,
            "kind": i.kind,
            "standard_kind": i.standard_kind,
            "purpose_label": PURPOSE_LABELS.get(i.purpose, ""),
            "description": i.description,
            "notes": normalise(i.notes) or None,
            "outcome": getattr(i, "outcome", None),
            "decisions": [],
            "actions": [],
            "carried": [],
            "approved_minutes": [],
            "hidden": False,
            **info,
        }
        by_item[i.id] = entry
        out_items.append(entry)
    all_decisions = []
    for d, own_reference, own_confidentiality in decisions:
        info = by_item.get(d.agenda_item_id) or {}
        if d.agenda_item_id is None:  # no item (or its item deleted): its own topic decides
            info = {
                "topic_id": d.topic_id,
                "reference": own_reference,
                "casus": own_confidentiality == "casus",
            }
        dd = {
            "id": d.id,
            "code": d.code,
            "text": d.text,
            "item_id": d.agenda_item_id,
            "item_number": info.get("number"),
            "topic_id": info.get("topic_id"),
            "reference": info.get("reference"),
            "casus": info.get("casus", False),
            "besloten": info.get("besloten", False),
        }
        all_decisions.append(dd)
        if d.agenda_item_id in by_item:
            by_item[d.agenda_item_id]["decisions"].append(dd)
    made_dicts = []
    for a in made:
        ad = _action_dict(a, meeting)
        ad["item_number"] = by_item.get(a.agenda_item_id, {}).get("number")
        made_dicts.append(ad)
        if a.agenda_item_id in by_item:
            by_item[a.agenda_item_id]["actions"].append(ad)
    carried_dicts = [_carried_dict(a, meeting) for a in carried]
    actielijst = next((e for e in out_items if e["standard_kind"] == "actielijst"), None)
    if actielijst is not None:
        actielijst["carried"] = carried_dicts
    verslag = next((e for e in out_items if e["standard_kind"] == "verslag"), None)
    if verslag is not None:
        verslag["approved_minutes"] = [
            {
                "meeting_id": m.meeting_id,
                "label": f"Het verslag van de vergadering van {nl_date(m.meeting_starts_at)} "
                f"is vastgesteld.",
            }
            for m in approved_here
        ]

    marking = meeting_marking(meeting, items)
    destroy = retention.destruction_date(meeting)
    local_start = to_local(meeting.starts_at)
    status = "vastgesteld" if version_number else minutes.status
    approved = None
    if minutes.approved_in_meeting is not None:
        approved = {
            "meeting_id": minutes.approved_in_meeting_id,
            "label": f"Vastgesteld in de vergadering van "
            f"{nl_date(minutes.approved_in_meeting.starts_at)}",
        }
    return {
        "schema": policy.LOOSE_ENTRIES_SCHEMA,
        "minutes_id": minutes.id,
        "meeting_id": meeting.id,
        "status": status,
        "status_label": MINUTES_STATUS_LABELS[status],
        "version_number": version_number,
        "version_reason": version_reason,
        "version_at_label": nl_datetime(version_at) if version_at else None,
        "municipality": municipality,
        "body": {"code": mt.code, "name": mt.name, "level": mt.level_label},
        "title": f"Verslag {mt.name}",
        "date_label": nl_date(meeting.starts_at),
        "date_iso": local_start.date().isoformat(),
        "time_label": f"{nl_time(meeting.starts_at)} – {nl_time(meeting.ends_at)}",
        "year": local_start.year,
        "location": meeting.location or "",
        "confidentiality": marking,
        "confidentiality_label": CONFIDENTIALITY_LABELS.get(marking, marking),
        "chair": chair,
        "acting_chair": acting,
        "minute_taker": taker.name if taker is not None else None,
        "attendance": groups,
        "items": out_items,
        "decisions": all_decisions,
        "actions": made_dicts,
        "carried_actions": carried_dicts,
        "approved": approved,
        "retention": {
            "category": retention.category_label(mt),
            "years": mt.retention_years,
            "destroy_label": nl_date(destroy, "long") if destroy else None,
        },
    }


def _loose_known(snap: dict[str, Any]) -> bool:
    """The snapshot's item-less decisions carry their own topic (a snapshot frozen before
    they did: its item-less entries are for staff only)."""
    return snap.get("schema", 1) >= policy.LOOSE_ENTRIES_SCHEMA


def casus_shown(snap: dict[str, Any]) -> list[str]:
    """References of the casus a (redacted) snapshot shows in full, for the audit log: its
    casus items, and the casus of a decision without item whose text it shows."""
    shown = [e["reference"] for e in snap["items"] if e["casus"] and not e["hidden"]]
    for d in snap["decisions"]:
        ref = d["reference"]
        if d["item_id"] is None and d["casus"] and d["text"] is not None and ref not in shown:
            shown.append(ref)
    return shown


def has_restricted(snap: dict[str, Any]) -> bool:
    """The snapshot holds a casus or besloten item, a carried action of one, or a casus
    decision without an item: what the stored references-only variant shows by reference."""
    return (
        any(e["casus"] or e["besloten"] for e in snap["items"])
        or any(a["casus"] or a["besloten"] for a in snap["carried_actions"])
        or any(d["item_id"] is None and d["casus"] for d in snap["decisions"])
    )


def _text_shown(
    entry: dict[str, Any], visible_items: set[int], loose: set[int] | frozenset[int]
) -> bool:
    """A decision's or made action's text is shown: its item is read in full, or, without
    an item, the policy gave it (``loose``)."""
    item_id = entry.get("item_id")
    return item_id in visible_items if item_id is not None else entry["id"] in loose


def redact(
    snap: dict[str, Any],
    visible_items: set[int],
    visible_carried: set[int],
    loose_decisions: set[int],
    loose_actions: set[int],
) -> dict[str, Any]:
    """A copy in which the items the reader does not read in full show only their reference,
    and their notes, decisions and actions no text. `visible_items`: item ids of this meeting
    the reader reads in full; `visible_carried`: ids of the carried actions whose text the
    reader reads; `loose_decisions`, `loose_actions`: ids of the decisions and actions
    without an item whose text the reader reads (all from the read policy,
    ``policy.minutes_entitlement``)."""
    # What is changed is copied: the snapshot, its lists of items, decisions and actions and
    # their entries (a deep copy of the whole took more than the rest of the page).
    snap = dict(snap)
    for key in ("items", "decisions", "actions", "carried_actions"):
        if key in snap:
            snap[key] = [dict(e) for e in snap[key]]

    for e in snap["items"]:
        if e["id"] not in visible_items:
            e["hidden"] = True
            e["title"] = e["reference"] or BESLOTEN_HEADING
            e["notes"] = None
            e["description"] = None
            e["outcome"] = None
    for d in snap["decisions"]:
        if not _text_shown(d, visible_items, loose_decisions):
            d["text"] = None
    for a in snap["actions"]:
        if not _text_shown(a, visible_items, loose_actions):
            a["what"] = None
    for a in snap["carried_actions"]:
        if a["id"] not in visible_carried:
            a["what"] = None
    # After the deep copy the per-item lists no longer share entries with the lists above:
    # rebuild them from the redacted ones.
    for e in snap["items"]:
        e["decisions"] = [d for d in snap["decisions"] if d["item_id"] == e["id"]]
        e["actions"] = [a for a in snap["actions"] if a["item_id"] == e["id"]]
        if e["standard_kind"] == "actielijst":
            e["carried"] = snap["carried_actions"]
    return snap


def restricted_redaction(snap: dict[str, Any]) -> dict[str, Any]:
    """The stored "references only" variant of a frozen version: every casus and besloten
    item (and action) by its reference, and a casus decision without item, the rest in
    full."""
    return redact(snap, *_restricted_sets(snap))


def _withheld(
    snap: dict[str, Any],
    visible_items: set[int],
    visible_carried: set[int],
    loose_decisions: set[int],
    loose_actions: set[int],
) -> tuple[frozenset[int], ...]:
    """What `redact` with these sets changes in the snapshot, as ids: the items shown by
    reference, the decisions and the actions whose text it takes out, the carried actions
    whose text it takes out. Two redactions of a snapshot are equal exactly when these are."""

    def ids(entries, text_key: str, shown) -> frozenset[int]:
        return frozenset(e["id"] for e in entries if not shown(e) and e[text_key] is not None)

    return (
        frozenset(e["id"] for e in snap["items"] if e["id"] not in visible_items),
        ids(snap["decisions"], "text", lambda d: _text_shown(d, visible_items, loose_decisions)),
        ids(snap["actions"], "what", lambda a: _text_shown(a, visible_items, loose_actions)),
        ids(snap["carried_actions"], "what", lambda a: a["id"] in visible_carried),
    )


def _restricted_sets(
    snap: dict[str, Any],
) -> tuple[set[int], set[int], set[int], set[int]]:
    """What the references-only variant shows in full: the items and carried actions neither
    casus nor besloten, the decisions without item that are no casus and the actions without
    item (in a snapshot whose item-less entries carry their own topic; in an older one none
    of them, as it was stored)."""
    items = {e["id"] for e in snap["items"] if not (e["casus"] or e["besloten"])}
    carried = {a["id"] for a in snap["carried_actions"] if not (a["casus"] or a["besloten"])}
    if not _loose_known(snap):
        return items, carried, set(), set()
    decisions = {d["id"] for d in snap["decisions"] if d["item_id"] is None and not d["casus"]}
    actions = {a["id"] for a in snap["actions"] if a["item_id"] is None}
    return items, carried, decisions, actions


@lru_cache(maxsize=16)
def _parsed(snapshot_json: str) -> dict[str, Any]:
    return json.loads(snapshot_json)


def frozen_snapshot(version: MinutesVersion) -> dict[str, Any]:
    """A frozen version's snapshot for reading only (the download of approved minutes): the
    parsed text is kept by its content for the next download of the same version (parsing
    it cost more than the rest of the download). Shared between calls: never change it;
    `redact` works on a copy."""
    return _parsed(version.snapshot_json)


STORED_FULL = "full"
STORED_REDACTED = "redacted"


def stored_variant(person, snap: dict[str, Any]) -> str | None:
    """Which stored PDF of a frozen version (``snap``: its snapshot) is exactly what this
    person may read: `STORED_FULL` when the read policy withholds nothing of it,
    `STORED_REDACTED` when it withholds exactly what the stored references-only variant does
    (minutes with casus or besloten content: `has_restricted`), None
    otherwise (then it is rendered for them from `redact_for`). Decided from the policy's
    entitlement (``policy.minutes_entitlement``) without redacting a copy."""
    sets = policy.minutes_entitlement(person, snap)
    if sets is None:
        return STORED_FULL
    withheld = _withheld(snap, *sets)
    if not any(withheld):
        return STORED_FULL
    # the references-only variant is stored only for minutes with casus or besloten content;
    # `stored_pdf` refuses it for others
    if has_restricted(snap) and withheld == _withheld(snap, *_restricted_sets(snap)):
        return STORED_REDACTED
    return None


def redact_for(person, snap: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The snapshot as this person may read it, and whether anything was withheld."""
    sets = policy.minutes_entitlement(person, snap)
    if sets is None:
        return snap, False
    red = redact(snap, *sets)
    withheld = red != snap
    return red, withheld
