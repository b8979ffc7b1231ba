"""Agenda rules: standard items from the body's template, ordering and start times."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AgendaItem, AgendaItemAccess, Meeting, MeetingType, Person, Topic
from ..models.bodies import PURPOSES
from ..models.sql import columns
from ..timeutil import utcnow
from .loading import collection, load_collections


@lru_cache(maxsize=1)
def _template_collections():
    return (collection(MeetingType.agenda_template),)


def create_standard_items(meeting: Meeting) -> list[AgendaItem]:
    """Give a newly planned meeting its body's standard items (once)."""
    if meeting.agenda_items:
        return list(meeting.agenda_items)
    items = []
    # the body's template as a collection load, kept on the body: a planner (a series, the
    # scale generator) plans meeting after meeting of the bodies it loaded together
    load_collections([meeting.meeting_type], _template_collections())
    for pos, tpl in enumerate(meeting.meeting_type.agenda_template):
        item = AgendaItem(
            meeting=meeting,
            position=pos,
            kind="standard",
            standard_kind=tpl.standard_kind,
            title=tpl.title,
            purpose=tpl.purpose,
            duration_minutes=tpl.duration_minutes,
        )
        db.session.add(item)
        items.append(item)
    return items


def start_times(meeting: Meeting, items: list[AgendaItem]) -> dict[int, datetime]:
    """Computed start (naive UTC) of each item: the meeting's start plus the items before it."""
    at = meeting.starts_at
    result = {}
    for item in items:
        result[item.id] = at
        at = at + timedelta(minutes=item.duration_minutes or 0)
    return result


# --- building the agenda ------------------------------------------------------------------

# Standard items that stay at the end: new items go before these.
TAIL_KINDS = ("rondvraag", "sluiting")


class AgendaError(ValueError):
    """A refused agenda change; errors by field name, in Dutch."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"_": errors}
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The items on the agenda (not pending or declined proposals), in order, with topics;
    one query."""
    return [i for i in load_items(meeting) if i.on_agenda]


def load_items(meeting: Meeting) -> list[AgendaItem]:
    """All items of the meeting (proposals included) in order, topics loaded: two queries."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .options(selectinload(AgendaItem.topic), selectinload(AgendaItem.proposed_by))
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _ordered(meeting: Meeting) -> list[AgendaItem]:
    return [
        i
        for i in sorted(
            meeting.agenda_items,
            key=lambda i: (10**6 if i.position is None else i.position, i.id or 10**9),
        )
        if i.on_agenda
    ]


def _renumber(items: list[AgendaItem]) -> None:
    for pos, item in enumerate(items):
        item.position = pos


def _insert_position(meeting: Meeting, item: AgendaItem) -> None:
    """Put a new item before the closing standard items (rondvraag, sluiting)."""
    items = [i for i in _ordered(meeting) if i is not item]
    at = len(items)
    for idx, existing in enumerate(items):
        if existing.kind == "standard" and existing.standard_kind in TAIL_KINDS:
            at = idx
            break
    items.insert(at, item)
    _renumber(items)


def _validate(title: str, purpose: str, duration: int) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Geef het agendapunt een titel."
    if purpose not in PURPOSES:
        errors["purpose"] = "Kies ter informatie, ter bespreking of ter besluitvorming."
    if duration is None or duration < 0 or duration > 480:
        errors["duration_minutes"] = "De duur ligt tussen 0 en 480 minuten."
    if errors:
        raise AgendaError(errors)


def _check_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise AgendaError("Dit overleg is geannuleerd; de agenda kan niet meer worden gewijzigd.")


def add_item(
    meeting: Meeting,
    *,
    title: str,
    purpose: str = "bespreking",
    duration_minutes: int = 15,
    presenter: str | None = None,
    description: str | None = None,
    topic: Topic | None = None,
    origin_label: str | None = None,
    question: str | None = None,
    is_feedback: bool = False,
    by=None,
) -> AgendaItem:
    """The secretary adds a topic item (with `topic`) or a free item."""
    _check_open(meeting)
    if topic is not None and not title:
        title = topic.title
    _validate(title, purpose, duration_minutes)
    item = AgendaItem(
        meeting=meeting,
        kind="topic" if topic is not None else "free",
        title=title.strip()[:300],
        description=(description or "").strip() or None,
        purpose=purpose,
        duration_minutes=duration_minutes,
        presenter=(presenter or "").strip() or None,
        topic=topic,
        origin_label=origin_label,
        question=question,
        is_feedback=is_feedback,
    )
    db.session.add(item)
    _insert_position(meeting, item)
    db.session.flush()
    if topic is not None:
        from .topics import add_event, change_status

        if topic.status == "nieuw":
            change_status(topic, "in_behandeling", by=by)
        add_event(topic, "geagendeerd", by=by, meeting=meeting)
    changed_after_publish(meeting)
    return item


def update_item(
    item: AgendaItem,
    *,
    title: str,
    purpose: str,
    duration_minutes: int,
    presenter: str | None,
    description: str | None,
) -> None:
    _check_open(item.meeting)
    _validate(title, purpose, duration_minutes)
    item.title = title.strip()[:300]
    item.purpose = purpose
    item.duration_minutes = duration_minutes
    item.presenter = (presenter or "").strip() or None
    item.description = (description or "").strip() or None
    if item.on_agenda:
        changed_after_publish(item.meeting)


def remove_item(item: AgendaItem) -> None:
    meeting = item.meeting
    _check_open(meeting)
    if item.kind == "standard":
        raise AgendaError("Een vast agendapunt kan niet worden verwijderd.")
    from ..models import Escalation

    linked = db.session.scalar(
        select(func.count(Escalation.id)).where(
            (Escalation.target_item_id == item.id)
            | (Escalation.origin_item_id == item.id)
            | (Escalation.feedback_item_id == item.id)
        )
    )
    if linked:
        raise AgendaError(
            "Dit agendapunt hoort bij een opschaling of opdracht en kan niet "
            "worden verwijderd; kies bij de opschaling een ander overleg."
        )
    # Decisions and actions keep their item: without it they would lose who may read them
    # (a besloten or casus item's action would follow its meeting, readable by everyone).
    from ..models import ActionItem, Decision

    recorded = db.session.scalar(
        select(
            exists().where(Decision.agenda_item_id == item.id)
            | exists().where(ActionItem.agenda_item_id == item.id)
        )
    )
    if recorded:
        raise AgendaError(
            "Bij dit agendapunt staan besluiten of actiepunten in het verslag; het kan niet "
            "worden verwijderd."
        )
    was_on = item.on_agenda
    meeting.agenda_items.remove(item)
    db.session.delete(item)
    _renumber(_ordered(meeting))
    if was_on:
        changed_after_publish(meeting)


def move_item(item: AgendaItem, direction: str) -> bool:
    """Move one place up or down; returns False at the edge."""
    _check_open(item.meeting)
    if not item.on_agenda:
        raise AgendaError("Dit voorstel staat (nog) niet op de agenda.")
    items = _ordered(item.meeting)
    idx = items.index(item)
    other = idx - 1 if direction == "up" else idx + 1
    if other < 0 or other >= len(items):
        return False
    items[idx], items[other] = items[other], items[idx]
    _renumber(items)
    changed_after_publish(item.meeting)
    return True


# --- proposals ----------------------------------------------------------------------------


def propose_item(
    meeting: Meeting,
    person: Person,
    *,
    title: str,
    purpose: str,
    duration_minutes: int,
    description: str | None = None,
) -> AgendaItem:
    _check_open(meeting)
    _validate(title, purpose, duration_minutes)
    position = max([i.position for i in meeting.agenda_items] or [0]) + 1
    item = AgendaItem(
        meeting=meeting,
        kind="free",
        title=title.strip()[:300],
        description=(description or "").strip() or None,
        purpose=purpose,
        duration_minutes=duration_minutes,
        presenter=person.name,
        proposal_status="voorgesteld",
        proposed_by=person,
        position=position,
    )
    db.session.add(item)
    return item


def accept_proposal(item: AgendaItem) -> None:
    if item.proposal_status != "voorgesteld":
        raise AgendaError("Dit voorstel is al behandeld.")
    _check_open(item.meeting)
    item.proposal_status = "geaccepteerd"
    item.decline_reason = None
    _insert_position(item.meeting, item)
    changed_after_publish(item.meeting)


def decline_proposal(item: AgendaItem, reason: str) -> None:
    if item.proposal_status != "voorgesteld":
        raise AgendaError("Dit voorstel is al behandeld.")
    if not (reason or "").strip():
        raise AgendaError({"reason": "Geef een reden waarom het voorstel niet op de agenda komt."})
    item.proposal_status = "afgewezen"
    item.decline_reason = reason.strip()


# --- publication --------------------------------------------------------------------------


def _notify(meeting: Meeting, reason: str, changes_for=None) -> None:
    """Queue one mail per participant (no case content: body, date and a link; for a change,
    the changed items as `changes_for(person)` names them). Skipped when the mail area is
    not there."""
    try:
        from ..mail import outbox
        from ..models.mail import MAIL_REASONS
    except ImportError:  # pragma: no cover - mail area missing
        return
    if reason not in MAIL_REASONS:
        reason = "update"
    outbox.queue_meeting_mail(
        meeting, list(meeting.participants), "REQUEST", reason, changes_for=changes_for
    )


# --- what changed since the participants were last told ------------------------------------


def snapshot(meeting: Meeting, reason: str) -> str:
    """The agenda as it is told to the participants now (JSON, kept on the meeting): each
    item on the agenda in order, with what naming it after its removal needs."""
    items = []
    for item in _ordered(meeting):
        topic = item.topic
        items.append(
            {
                "id": item.id,
                "title": item.title,
                "kind": item.kind,
                "topic": topic.reference if topic is not None else None,
                "casus": bool(topic is not None and topic.is_casus),
                "besloten": bool(item.besloten),
            }
        )
    return json.dumps(
        {"at": utcnow().isoformat(timespec="seconds"), "reason": reason, "items": items}
    )


@dataclass
class AgendaChanges:
    """Items added, moved and removed since the snapshot (``since``: its moment, ``reason``:
    "published" or "changed"); ``known`` is False when there is no snapshot (an agenda
    published before snapshots were kept)."""

    known: bool = False
    meeting_id: int | None = None
    since: datetime | None = None
    reason: str = "published"
    added: list[tuple[int, AgendaItem]] = field(default_factory=list)  # (new number, item)
    moved: list[tuple[int, int, AgendaItem]] = field(default_factory=list)  # (was, now, item)
    removed: list[tuple[int, dict]] = field(default_factory=list)  # (was, snapshot entry)

    @property
    def empty(self) -> bool:
        return not (self.added or self.moved or self.removed)


def agenda_changes(meeting: Meeting) -> AgendaChanges:
    """Compare the agenda with its snapshot. An item is moved when its place among the items
    that stayed changed (not when an item before it was added or removed)."""
    if not meeting.agenda_snapshot:
        return AgendaChanges()
    try:
        snap = json.loads(meeting.agenda_snapshot)
        old = list(snap["items"])
        since = datetime.fromisoformat(snap["at"])
    except (ValueError, KeyError, TypeError):
        return AgendaChanges()
    current = _ordered(meeting)
    now_number = {item.id: n for n, item in enumerate(current, start=1)}
    was_number = {entry["id"]: n for n, entry in enumerate(old, start=1)}
    result = AgendaChanges(
        known=True, meeting_id=meeting.id, since=since, reason=snap.get("reason", "published")
    )
    result.added = [(now_number[i.id], i) for i in current if i.id not in was_number]
    result.removed = [(was_number[e["id"]], e) for e in old if e["id"] not in now_number]
    _refresh_removed(result.removed)
    old_common = [e["id"] for e in old if e["id"] in now_number]
    new_common = [i.id for i in current if i.id in was_number]
    matcher = difflib.SequenceMatcher(None, old_common, new_common, autojunk=False)
    stayed = set()
    for block in matcher.get_matching_blocks():
        stayed.update(old_common[block.a : block.a + block.size])
    by_id = {i.id: i for i in current}
    result.moved = [
        (was_number[item_id], now_number[item_id], by_id[item_id])
        for item_id in new_common
        if item_id not in stayed
    ]
    return result


def _refresh_removed(removed: list[tuple[int, dict]]) -> None:
    """A removed item is named from the snapshot, which may be older than its topic's class:
    a topic made a casus since is named as one (one query). An item made besloten since is
    marked in the snapshot itself (`set_besloten`), as it may be gone from the database."""
    refs = {e.get("topic") for _, e in removed if e.get("topic")}
    if not refs:
        return
    casus = set(
        db.session.scalars(
            select(Topic.reference).where(
                Topic.reference.in_(refs), Topic.confidentiality == "casus"
            )
        )
    )
    for _, entry in removed:
        if entry.get("topic") in casus:
            entry["casus"] = True


def _mark_besloten_in_snapshot(item: AgendaItem) -> None:
    """Once besloten, an item stays besloten in what the participants were last told: if it
    is removed before the next change mail, that mail names it by reference, not title."""
    meeting = item.meeting
    if not meeting.agenda_snapshot:
        return
    try:
        snap = json.loads(meeting.agenda_snapshot)
        entries = snap["items"]
    except (ValueError, KeyError, TypeError):
        return
    for entry in entries:
        if isinstance(entry, dict) and entry.get("id") == item.id:
            entry["besloten"] = True
    meeting.agenda_snapshot = json.dumps(snap)


def change_lines(changes: AgendaChanges, person) -> list[str]:
    """The changes as this person may read them (Dutch lines, for the mail and the notice on
    the agenda page): the read policy names each item (`policy.mail_item_heading`), and an
    item they do not see is left out."""
    from . import policy

    if changes.empty:
        return []
    items = [i for _, i in changes.added] + [i for _, _, i in changes.moved]
    levels = policy.item_levels(person, items) if items else {}
    named_guest = bool(policy.named_guest_meetings(person, {changes.meeting_id}))
    lines = []
    for number, item in changes.added:
        heading = policy.mail_item_heading(item, levels.get(item.id, policy.NONE))
        if heading:
            lines.append(f"Toegevoegd: punt {number}, {heading}")
    for was, now, item in changes.moved:
        heading = policy.mail_item_heading(item, levels.get(item.id, policy.NONE))
        if heading:
            lines.append(f"Verplaatst: {heading}, nu punt {now} (was punt {was})")
    for was, entry in changes.removed:
        heading = policy.mail_removed_heading(entry, person, named_guest)
        if heading:
            lines.append(f"Vervallen: {heading} (was punt {was})")
    return lines


def publish_agenda(meeting: Meeting) -> None:
    """Mark the agenda final and notify the participants (in this transaction)."""
    _check_open(meeting)
    if meeting.agenda_status == "gepubliceerd":
        raise AgendaError("De agenda is al gepubliceerd.")
    meeting.agenda_status = "gepubliceerd"
    meeting.agenda_published_at = utcnow()
    meeting.agenda_changed_after_publish = False
    meeting.agenda_change_pending = False
    db.session.flush()  # ids of new items, for the snapshot
    meeting.agenda_snapshot = snapshot(meeting, "published")
    _notify(meeting, "agenda_published")


def changed_after_publish(meeting: Meeting) -> None:
    """A change to a published agenda: marked as such and waiting to be reported. No mail
    here: the secretary reports all changes at once (`report_agenda_change`)."""
    if meeting.agenda_status != "gepubliceerd":
        return
    meeting.agenda_changed_after_publish = True
    meeting.agenda_change_pending = True


def report_agenda_change(meeting: Meeting) -> None:
    """The secretary tells the participants the published agenda changed: one message per
    participant, however many changes; the agenda stays marked as changed."""
    _check_open(meeting)
    if meeting.agenda_status != "gepubliceerd" or not meeting.agenda_change_pending:
        raise AgendaError("Er is geen wijziging van de agenda die nog gemeld moet worden.")
    meeting.agenda_change_pending = False
    db.session.flush()
    changes = agenda_changes(meeting)
    _notify(meeting, "agenda_changed", lambda person: change_lines(changes, person))
    meeting.agenda_snapshot = snapshot(meeting, "changed")


# --- guests for particular items, besloten items --------------------------------------------


def set_item_access(item: AgendaItem, kind: str, person_ids: set[int]) -> None:
    """Replace the people named on an item: `gast` (guests invited for it) or `besloten`."""
    current = {
        a.person_id: a
        for a in db.session.scalars(
            select(AgendaItemAccess).where(
                AgendaItemAccess.agenda_item_id == item.id, AgendaItemAccess.kind == kind
            )
        )
    }
    allowed = {p.person_id for p in item.meeting.participants}
    unknown = set(person_ids) - allowed
    if unknown:
        raise AgendaError({"people": "Kies alleen deelnemers van dit overleg."})
    for pid, row in current.items():
        if pid not in person_ids:
            db.session.delete(row)
    for pid in person_ids:
        if pid not in current:
            db.session.add(AgendaItemAccess(agenda_item_id=item.id, person_id=pid, kind=kind))


def set_besloten(item: AgendaItem, besloten: bool, person_ids: set[int]) -> None:
    if besloten and not person_ids:
        raise AgendaError({"people": "Kies wie bij dit besloten agendapunt mag zijn."})
    item.besloten = besloten
    set_item_access(item, "besloten", set(person_ids) if besloten else set())
    if besloten:
        _mark_besloten_in_snapshot(item)
    changed_after_publish(item.meeting)


@lru_cache(maxsize=1)
def _item_access_stmt():
    """`item_access_map`'s query, made once (a statement keeps its cache key)."""
    return (
        select(AgendaItemAccess.agenda_item_id, AgendaItemAccess.kind, AgendaItemAccess.person_id)
        .join(AgendaItem, AgendaItem.id == AgendaItemAccess.agenda_item_id)
        .where(AgendaItem.meeting_id == bindparam("meeting_id"))
    )


def item_access_map(meeting: Meeting) -> dict[int, dict[str, list[int]]]:
    """{item id: {"gast": [person ids], "besloten": [...]}} in one query."""
    result: dict[int, dict[str, list[int]]] = {}
    rows = columns(_item_access_stmt(), {"meeting_id": meeting.id})
    for item_id, kind, pid in rows:
        result.setdefault(item_id, {}).setdefault(kind, []).append(pid)
    return result


# --- confidentiality marking ----------------------------------------------------------------


def meeting_marking(meeting: Meeting, items: list[AgendaItem]) -> str:
    """The confidentiality class printed on a meeting's agenda and minutes: the most
    confidential class among its topic items (casus > vertrouwelijk > intern), a besloten item
    counting as at least vertrouwelijk; "intern" when there is none. Uses only the items and
    their (loaded) topics: no queries. `meeting` is the meeting the items belong to."""
    from ..models.bodies import CONFIDENTIALITY

    rank = {name: pos for pos, name in enumerate(CONFIDENTIALITY)}
    best = rank["intern"]
    for item in items:
        if item.topic is not None:
            best = max(best, rank.get(item.topic.confidentiality, best))
        if item.besloten:
            best = max(best, rank["vertrouwelijk"])
    return CONFIDENTIALITY[best]
