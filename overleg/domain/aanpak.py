"""The plan van aanpak of a topic: measures, progress notes, versions, adoption.

Rules:
- a topic's plan is its measures (``Measure``): what, the responsible organisation
  (ketenpartner), a contact person, start and due date, status; and dated progress notes;
- the plan is versioned like the jaarplan: the concept version is the plan being worked on
  (the live measures); the body that owns the topic adopts it by a decision in its register,
  at a meeting of that body that has begun and whose minutes are still a concept, linked to
  the version (under the topic's agenda item when the meeting has one); the adopted version
  is frozen, its measures kept as adopted (``snapshot_json``); a change of the plan's content
  after adoption (adding, changing or removing a measure) makes a new concept version, copied
  from the adopted one (one concept at a time);
- the current version is the latest adopted one, else the latest concept (as the jaarplan);
- a measure's status and its progress notes are its execution: recorded at any time,
  without a new version; a status change follows ``MEASURE_TRANSITIONS`` and is written as a
  progress note (appended, never rewritten); a note is not dated in the future;
- a measure that was in an adopted version, or has notes or actions, is not removed: it is
  stopped (gestopt);
- who reads a plan is the read policy's (``policy.measure_topic_ids``): the plan of a topic
  is part of the topic, a casus's plan part of the casus.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import ActionItem, Decision, Meeting, Organisation, Person, Topic
from ..models.aanpak import (
    MEASURE_STATUS_LABELS,
    MEASURE_STATUSES,
    AanpakVersion,
    Measure,
    MeasureNote,
)
from ..models.sql import columns, in_list
from ..timeutil import nl_date, utcnow
from . import decisions
from . import minutes as dm

TITLE_LIMIT = 300
TEXT_LIMIT = 5000

# Allowed status changes of a measure: from -> the statuses it may move to.
MEASURE_TRANSITIONS = {
    "gepland": ("lopend", "gereed", "gestopt"),
    "lopend": ("gereed", "gestopt"),
    "gereed": ("lopend",),
    "gestopt": ("lopend",),
}


class AanpakError(ValueError):
    """A refused change; the message is Dutch and meant for the user."""


# --- reading ---------------------------------------------------------------------------


def versions_of(topic: Topic) -> list[AanpakVersion]:
    return list(
        db.session.scalars(
            select(AanpakVersion)
            .where(AanpakVersion.topic_id == topic.id)
            .order_by(AanpakVersion.number)
        )
    )


def current_version(versions: list[AanpakVersion]) -> AanpakVersion | None:
    """The latest adopted version, else the latest concept."""
    adopted = [v for v in versions if v.is_frozen]
    if adopted:
        return adopted[-1]
    return versions[-1] if versions else None


def concept_of(versions: list[AanpakVersion]) -> AanpakVersion | None:
    return next((v for v in versions if not v.is_frozen), None)


def _measure_stmt():
    return select(Measure).options(joinedload(Measure.organisation), joinedload(Measure.contact))


@lru_cache(maxsize=1)
def _notes_stmt():
    """`_attach_notes`' query, the measures as ``measure_ids``: made once (a statement keeps
    its cache key; built per request it was walked for it on every agenda with measures)."""
    return (
        select(MeasureNote)
        .where(in_list(MeasureNote.measure_id, "measure_ids"))
        .order_by(MeasureNote.noted_on, MeasureNote.id)
    )


def _attach_notes(measures: list[Measure]) -> None:
    """Load the notes of these measures in one query whatever their number (none without
    measures)."""
    ids = [m.id for m in measures]
    if not ids:
        return
    by_measure: dict[int, list[MeasureNote]] = {i: [] for i in ids}
    for note in db.session.scalars(_notes_stmt(), {"measure_ids": ids}):
        by_measure[note.measure_id].append(note)
    for m in measures:  # the loaded collection, without marking the measure changed
        set_committed_value(m, "notes", by_measure[m.id])


def measures_of(topic: Topic) -> list[Measure]:
    """The topic's measures, in the plan's order, with organisation, contact and notes."""
    return measures_for_topics([topic.id])[topic.id]


@lru_cache(maxsize=1)
def _topics_measures_stmt():
    """`measures_for_topics`' query, the topics as ``topic_ids``: made once (a statement keeps
    its cache key; the agenda, minutes and topic pages run it on every view)."""
    return (
        _measure_stmt()
        .where(in_list(Measure.topic_id, "topic_ids"))
        .order_by(Measure.topic_id, Measure.position, Measure.id)
    )


@lru_cache(maxsize=1)
def _has_measures_stmt():
    """Some measure of the topics among ``topic_ids`` (made once)."""
    return select(Measure.id).where(in_list(Measure.topic_id, "topic_ids")).limit(1)


def measures_for_topics(topic_ids: Iterable[int | None]) -> dict[int, list[Measure]]:
    """The measures of these topics, per topic, in the plan's order: at most three queries,
    whatever the number of topics and measures (the agenda loads those of all its items at
    once); none without topics, one when they have no measures."""
    ids = {t for t in topic_ids if t is not None}
    out: dict[int, list[Measure]] = {t: [] for t in ids}
    if not ids:
        return out
    # Most topics have no plan van aanpak: whether these have measures at all, asked in a
    # column (a query of objects with their joined organisation and contact cost the ORM
    # 0.1 ms even when it found none); the measures themselves only when they do.
    if columns(_has_measures_stmt(), {"topic_ids": list(ids)}).scalar() is None:
        return out
    measures = list(db.session.scalars(_topics_measures_stmt(), {"topic_ids": list(ids)}).unique())
    _attach_notes(measures)
    for m in measures:
        out[m.topic_id].append(m)
    return out


def organisation_measures(organisation_id: int | None, visible_clause) -> list[Measure]:
    """The measures an organisation carries out, among those ``visible_clause`` (the policy's
    clause for the reader) keeps: open ones first, then by due date."""
    if organisation_id is None:
        return []
    stmt = (
        _measure_stmt()
        .options(joinedload(Measure.topic))
        .where(Measure.organisation_id == organisation_id, visible_clause)
        .order_by(
            Measure.status.in_(("gereed", "gestopt")),
            Measure.due_on.is_(None),
            Measure.due_on,
            Measure.id,
        )
        .limit(500)
    )
    measures = list(db.session.scalars(stmt).unique())
    _attach_notes(measures)
    return measures


def actions_per_measure(measure_ids: Iterable[int]) -> dict[int, list[ActionItem]]:
    """The action items that belong to these measures, per measure, oldest first."""
    ids = set(measure_ids)
    out: dict[int, list[ActionItem]] = {i: [] for i in ids}
    if not ids:
        return out
    for action in db.session.scalars(
        select(ActionItem)
        .where(ActionItem.measure_id.in_(ids))
        .options(
            joinedload(ActionItem.agenda_item),
            joinedload(ActionItem.owner_person),
            joinedload(ActionItem.owner_organisation),
        )
        .order_by(ActionItem.created_at, ActionItem.id)
    ):
        out[action.measure_id].append(action)  # type: ignore[index]
    return out


def status_choices(measure: Measure | None) -> list[tuple[str, str]]:
    """The statuses a progress note may set: keep as is, or an allowed transition."""
    if measure is None:
        return [(s, MEASURE_STATUS_LABELS[s]) for s in MEASURE_STATUSES]
    keep = (measure.status, f"{MEASURE_STATUS_LABELS[measure.status]} (ongewijzigd)")
    return [keep] + [(s, MEASURE_STATUS_LABELS[s]) for s in MEASURE_TRANSITIONS[measure.status]]


# --- the snapshot of an adopted version ----------------------------------------------------


def snapshot(measures: list[Measure]) -> list[dict]:
    """The plan's content as adopted: per measure its id and what the plan says of it."""
    return [
        {
            "id": m.id,
            "title": m.title,
            "description": m.description,
            "organisation": m.organisation.name,
            "contact": m.contact.name if m.contact is not None else None,
            "starts_on": m.starts_on.isoformat() if m.starts_on else None,
            "due_on": m.due_on.isoformat() if m.due_on else None,
            "status": m.status,
        }
        for m in measures
    ]


@dataclass(frozen=True)
class FrozenMeasure:
    """A measure as an adopted version has it."""

    title: str
    description: str | None
    organisation: str
    contact: str | None
    starts_on: date | None
    due_on: date | None
    status_label: str


def version_measures(version: AanpakVersion) -> list[FrozenMeasure]:
    """The measures of an adopted version, exactly as adopted."""
    rows = json.loads(version.snapshot_json or "[]")
    return [
        FrozenMeasure(
            title=r["title"],
            description=r["description"],
            organisation=r["organisation"],
            contact=r["contact"],
            starts_on=date.fromisoformat(r["starts_on"]) if r["starts_on"] else None,
            due_on=date.fromisoformat(r["due_on"]) if r["due_on"] else None,
            status_label=MEASURE_STATUS_LABELS[r["status"]],
        )
        for r in rows
    ]


def _adopted_ids(topic: Topic) -> set[int]:
    out: set[int] = set()
    for raw in db.session.scalars(
        select(AanpakVersion.snapshot_json).where(
            AanpakVersion.topic_id == topic.id, AanpakVersion.status == "vastgesteld"
        )
    ):
        out |= {r["id"] for r in json.loads(raw or "[]")}
    return out


# --- changing the plan's content ------------------------------------------------------------


def concept_for_change(topic: Topic, by: Person | None = None) -> AanpakVersion:
    """The concept version a change of the plan goes into: the open concept; else a new one,
    version 1, or copied from the latest adopted version."""
    versions = versions_of(topic)
    concept = concept_of(versions)
    if concept is not None:
        return concept
    last = versions[-1] if versions else None
    version = AanpakVersion(
        topic_id=topic.id,
        number=(last.number + 1) if last is not None else 1,
        status="concept",
        copied_from=last,
        note=f"Gekopieerd van versie {last.number}." if last is not None else None,
        created_by=by,
    )
    db.session.add(version)
    db.session.flush()
    return version


@dataclass
class MeasureData:
    title: str
    organisation: Organisation | None
    description: str | None = None
    contact: Person | None = None
    starts_on: date | None = None
    due_on: date | None = None


def _check(data: MeasureData) -> dict[str, str]:
    errors = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = "Beschrijf de maatregel."
    elif len(title) > TITLE_LIMIT or "\n" in title:
        errors["title"] = f"Gebruik één regel van hoogstens {TITLE_LIMIT} tekens."
    if len(data.description or "") > TEXT_LIMIT:
        errors["description"] = f"Gebruik hoogstens {TEXT_LIMIT} tekens."
    if data.organisation is None:
        errors["organisation"] = "Kies de organisatie die de maatregel uitvoert."
    if data.starts_on and data.due_on and data.due_on < data.starts_on:
        errors["due_on"] = "De einddatum ligt vóór de startdatum."
    return errors


class MeasureError(AanpakError):
    """Refused input, per field (Dutch)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _apply(measure: Measure, data: MeasureData) -> None:
    measure.title = data.title.strip()
    measure.description = (data.description or "").replace("\r\n", "\n").strip() or None
    measure.organisation = data.organisation  # type: ignore[assignment]
    measure.contact = data.contact
    measure.starts_on = data.starts_on
    measure.due_on = data.due_on


def add_measure(topic: Topic, data: MeasureData, by: Person | None = None) -> Measure:
    """A new measure in the topic's concept plan (a new concept version after adoption)."""
    errors = _check(data)
    if errors:
        raise MeasureError(errors)
    concept_for_change(topic, by)
    position = db.session.scalar(
        select(func.coalesce(func.max(Measure.position), -1)).where(Measure.topic_id == topic.id)
    )
    measure = Measure(topic_id=topic.id, position=(position or 0) + 1, status="gepland")
    measure.created_by_id = by.id if by is not None else None
    _apply(measure, data)
    db.session.add(measure)
    db.session.flush()
    return measure


def _content(measure: Measure) -> tuple:
    return (
        measure.title,
        measure.description,
        measure.organisation_id,
        measure.contact_id,
        measure.starts_on,
        measure.due_on,
    )


def update_measure(measure: Measure, data: MeasureData, by: Person | None = None) -> bool:
    """Change what the plan says of a measure; False when nothing changed. After adoption
    the change goes into a new concept version; the adopted one stays as it was."""
    errors = _check(data)
    if errors:
        raise MeasureError(errors)
    before = _content(measure)
    with db.session.no_autoflush:
        _apply(measure, data)
        after = (
            measure.title,
            measure.description,
            data.organisation.id if data.organisation else None,
            data.contact.id if data.contact else None,
            measure.starts_on,
            measure.due_on,
        )
    if before == after:
        return False
    concept_for_change(measure.topic, by)
    return True


def remove_measure(measure: Measure, by: Person | None = None) -> None:
    """Remove a measure from the concept plan: only one never adopted, without progress
    notes or actions; any other is stopped instead."""
    has_actions = db.session.scalar(
        select(ActionItem.id).where(ActionItem.measure_id == measure.id).limit(1)
    )
    if measure.id in _adopted_ids(measure.topic) or measure.notes or has_actions:
        raise AanpakError(
            "Deze maatregel stond in een vastgesteld plan of heeft voortgang of actiepunten; "
            "hij blijft staan. Zet hem op ‘gestopt’ als hij niet doorgaat."
        )
    concept_for_change(measure.topic, by)
    db.session.delete(measure)


# --- progress ---------------------------------------------------------------------------------


def add_note(
    measure: Measure,
    *,
    noted_on: date | None,
    text: str | None,
    status: str | None = None,
    by: Person | None = None,
    today: date,
) -> MeasureNote:
    """A dated progress note; with ``status`` other than the current one, the measure moves
    there (``MEASURE_TRANSITIONS``)."""
    text = (text or "").replace("\r\n", "\n").strip()
    errors = {}
    if not text:
        errors["text"] = "Beschrijf de voortgang."
    elif len(text) > TEXT_LIMIT:
        errors["text"] = f"Gebruik hoogstens {TEXT_LIMIT} tekens."
    if noted_on is None:
        errors["noted_on"] = "Vul de datum van de voortgang in."
    elif noted_on > today:
        errors["noted_on"] = "De datum van de voortgang ligt in de toekomst."
    new_status = None
    if status and status != measure.status:
        if status not in MEASURE_TRANSITIONS.get(measure.status, ()):
            errors["status"] = (
                f"Van ‘{measure.status_label}’ kan de maatregel niet naar "
                f"‘{MEASURE_STATUS_LABELS.get(status, status)}’."
            )
        else:
            new_status = status
    if errors:
        raise MeasureError(errors)
    note = MeasureNote(
        measure=measure,
        noted_on=noted_on,
        text=text,
        status=new_status,
        created_by_id=by.id if by is not None else None,
    )
    if new_status is not None:
        measure.status = new_status
    db.session.add(note)
    return note


# --- adoption ---------------------------------------------------------------------------------


def adoption_meetings(topic: Topic, now: datetime | None = None) -> list[Meeting]:
    """Meetings of the body that owns the topic where its plan can be adopted."""
    return dm.meetings_open_for_decisions(topic.meeting_type_id, now)


def default_decision_text(topic: Topic, version: AanpakVersion) -> str:
    return (
        f"Het {topic.meeting_type.name} stelt het plan van aanpak voor {topic.reference} "
        f"(versie {version.number}) vast."
    )


def adopt(
    version: AanpakVersion,
    meeting: Meeting,
    by: Person | None = None,
    text: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """The body that owns the topic adopts the concept: a decision at ``meeting`` (under the
    topic's item there, if any), linked to the version; the version is frozen with its
    measures as they are now."""
    if version.is_frozen:
        raise AanpakError(
            f"Versie {version.number} van dit plan van aanpak is al vastgesteld; een wijziging "
            "maakt een nieuwe versie."
        )
    topic = version.topic
    now = now or utcnow()
    if meeting.meeting_type_id != topic.meeting_type_id:
        raise AanpakError(
            f"Het plan van aanpak wordt vastgesteld door het {topic.meeting_type.name}, dat "
            "het onderwerp nu behandelt."
        )
    if meeting.status == "geannuleerd":
        raise AanpakError("Deze vergadering is geannuleerd.")
    if meeting.starts_at > now:
        raise AanpakError("Deze vergadering is nog niet begonnen; kies een gehouden vergadering.")
    measures = measures_of(topic)
    if not measures:
        raise AanpakError("Dit plan van aanpak heeft nog geen maatregelen.")
    minutes = dm.ensure_minutes(meeting, by)
    try:
        dm.require_editable(minutes)
    except dm.MinutesError as exc:
        raise AanpakError(str(exc)) from exc
    item = next((i for i in meeting.agenda_items if i.topic_id == topic.id and i.on_agenda), None)
    decision = decisions.add_decision(
        meeting, item, text or default_decision_text(topic, version), by
    )
    decision.topic_id = topic.id
    decision.theme_id = topic.theme_id
    db.session.flush()
    version.status = "vastgesteld"
    version.decision = decision
    version.adopted_at = now
    version.snapshot_json = json.dumps(snapshot(measures), ensure_ascii=False)
    return decision


def version_line(version: AanpakVersion) -> str:
    """'Versie 2, vastgesteld 3 maart 2027 (TVO-2027-04)' or 'Versie 3, concept'."""
    if version.is_frozen:
        code = f" ({version.decision.code})" if version.decision is not None else ""
        # The date of the meeting that adopted it (what the decision says), not of the click
        # that recorded it afterwards.
        at = (
            version.decision.meeting.starts_at
            if version.decision is not None and version.decision.meeting is not None
            else version.adopted_at
        )
        when = nl_date(at, "long") if at else ""
        return f"Versie {version.number}, vastgesteld {when}{code}".replace("  ", " ")
    return f"Versie {version.number}, concept"
