"""Meeting rules: planning, rescheduling, cancelling, participants from the roster, guests,
answers and attendance. Plain functions over model objects; the caller commits.

Every change participants must hear of is queued through ``overleg.mail.outbox`` (rows in the
same session, sent after the commit). ``Meeting.sequence`` rises on every change of time,
place/online link or status; ``Meeting.uid`` never changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    Meeting,
    MeetingType,
    Participant,
    Person,
    Role,
    RosterEntry,
    VacantSeat,
)
from ..models.meetings import ATTENDANCE, RSVP
from ..timeutil import (
    local_time_exists,
    local_time_is_ambiguous,
    local_to_utc,
    to_local,
    utcnow,
)
from .loading import Collection, collection
from .roster import Seat, resolve_seats, unavailable_ids

ANSWERS = tuple(a for a in RSVP if a != "open")


class MeetingError(ValueError):
    """Input the domain refuses: errors by field name, in Dutch."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- notifications -------------------------------------------------------------------------


def notify(meeting: Meeting, people: Iterable[Person], method: str, reason: str) -> None:
    """Queue invitation/update/cancellation mail for these people (rows in this session)."""
    people = [p for p in people if p is not None]
    if not people:
        return
    try:
        outbox = importlib.import_module("overleg.mail.outbox")
    except ModuleNotFoundError as exc:  # the mail area is not there yet
        if exc.name and exc.name.startswith("overleg.mail"):
            return
        raise
    outbox.queue_meeting_mail(meeting, people, method, reason)


# --- state shown to people --------------------------------------------------------------------

MEETING_STATE_LABELS = {"gepland": "Gepland", "geweest": "Geweest", "geannuleerd": "Geannuleerd"}
PAST_MESSAGES = {
    "cancel": "Dit overleg is al geweest en kan niet meer worden geannuleerd.",
    "rsvp": "Dit overleg is al geweest; een antwoord is niet meer nodig.",
    "guest": "Dit overleg is al geweest; u kunt geen gast meer toevoegen.",
}


def is_past(meeting: Meeting, now: datetime | None = None) -> bool:
    """Held: planned (not cancelled) and already ended."""
    return not meeting.is_cancelled and meeting.ends_at <= (now or utcnow())


def meeting_state(meeting: Meeting, now: datetime | None = None) -> str:
    """'gepland', 'geweest' or 'geannuleerd': the stored status plus whether it was held
    (a computed label: the stored status of a held meeting stays 'gepland')."""
    if meeting.is_cancelled:
        return "geannuleerd"
    return "geweest" if is_past(meeting, now) else "gepland"


def meeting_state_label(meeting: Meeting, now: datetime | None = None) -> str:
    return MEETING_STATE_LABELS[meeting_state(meeting, now)]


@lru_cache(maxsize=1)
def participants_collection() -> Collection:
    """A meeting's participants with their persons (and organisations), roles and whom they
    stand in for, joined: the collection the meeting and agenda pages load
    (`overleg.domain.loading`, a statement made once)."""
    return collection(
        Meeting.participants,
        joinedload(Participant.person).joinedload(Person.organisation),
        joinedload(Participant.role),
        joinedload(Participant.deputy_for),
    )


@lru_cache(maxsize=1)
def _active_bodies_stmt():
    """The active bodies in their fixed order: made once (a statement keeps its cache key;
    built per request, its walk cost more than the query)."""
    return select(MeetingType).where(MeetingType.active.is_(True)).order_by(MeetingType.id)


@lru_cache(maxsize=1)
def _body_by_code_stmt():
    return select(MeetingType).where(MeetingType.code == bindparam("code", type_=String))


def active_bodies() -> list[MeetingType]:
    """The active bodies (Driehoek, PO, TVO, OVO …) in their fixed order. One query."""
    return list(db.session.scalars(_active_bodies_stmt()))


def body_by_code(code: str) -> MeetingType | None:
    """The body with this code (``tvo``), active or not, or None. One query."""
    return db.session.scalar(_body_by_code_stmt(), {"code": code})


def bodies_seen_by(person) -> list[MeetingType]:
    """Active bodies for a person's lists and filters: all for secretaries and
    administrators, else those of which the person may see at least one meeting."""
    from . import kept
    from .policy import is_staff, meeting_visibility_clause

    if is_staff(person):
        return active_bodies()

    def build():
        return _active_bodies_stmt().where(
            MeetingType.id.in_(
                select(Meeting.meeting_type_id).where(meeting_visibility_clause(person))
            )
        )

    return list(db.session.scalars(kept.statement(("bodies_seen",), person, build)))


# --- times ---------------------------------------------------------------------------------


def local_span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Amsterdam wall-clock day/start/end -> naive UTC start and end."""
    return local_to_utc(day, start), local_to_utc(day, end)


def default_end(meeting_type: MeetingType, start: time) -> time:
    moment = datetime.combine(date(2000, 1, 1), start) + timedelta(
        minutes=meeting_type.default_duration_minutes or 90
    )
    if moment.date() != date(2000, 1, 1):
        return time(23, 59)
    return moment.time()


def overlapping_meetings(
    meeting_type: MeetingType, starts_at: datetime, ends_at: datetime, exclude_id: int | None = None
) -> list[Meeting]:
    """Planned meetings of the same body whose time overlaps [starts_at, ends_at)."""
    stmt = (
        select(Meeting)
        .where(
            Meeting.meeting_type_id == meeting_type.id,
            Meeting.status == "gepland",
            Meeting.starts_at < ends_at,
            Meeting.ends_at > starts_at,
        )
        .order_by(Meeting.starts_at)
    )
    if exclude_id is not None:
        stmt = stmt.where(Meeting.id != exclude_id)
    return list(db.session.scalars(stmt))


@dataclass
class Check:
    """Outcome of checking a meeting's time: errors block, warnings need confirmation."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def check_times(
    meeting_type: MeetingType,
    day: date,
    start: time,
    end: time,
    *,
    exclude_id: int | None = None,
    warn_past: bool = True,
    now: datetime | None = None,
) -> Check:
    """Errors and warnings for a meeting on an Amsterdam wall-clock day from start to end.

    The DST rule: a time in the hour skipped on the last Sunday of March (02:00-03:00) is
    refused with a Dutch message; a time in the hour that happens twice on the last Sunday
    of October means its first occurrence, still summer time (timeutil.local_to_utc)."""
    from ..timeutil import nl_date, nl_time

    result = Check()
    for name, moment in (("start", start), ("end", end)):
        if not local_time_exists(day, moment):
            result.errors[name] = (
                f"{nl_time(moment)} bestaat niet op {nl_date(day)}: die nacht gaat de klok om "
                "02:00 een uur vooruit naar 03:00 (zomertijd). Kies een andere tijd."
            )
    if result.errors:
        return result
    if end <= start:
        result.errors["end"] = "De eindtijd moet na de begintijd liggen."
        return result
    for moment in (start, end):
        if local_time_is_ambiguous(day, moment):
            result.warnings.append(
                f"{nl_time(moment)} komt op {nl_date(day)} twee keer voor: om 03:00 gaat de "
                f"klok terug naar 02:00 (wintertijd). Overleg neemt de eerste keer, nog "
                "zomertijd. Vink 'Toch opslaan' aan als dat klopt."
            )
    starts_at, ends_at = local_span(day, start, end)
    if warn_past and starts_at < (now or utcnow()):
        result.warnings.append(
            "Dit overleg ligt in het verleden. Vink 'Toch opslaan' aan om het "
            "toch vast te leggen (bijvoorbeeld achteraf)."
        )
    for other in overlapping_meetings(meeting_type, starts_at, ends_at, exclude_id):
        result.warnings.append(
            f"Er is al een {meeting_type.name} op {nl_date(other.starts_at)} van "
            f"{nl_time(other.starts_at)} tot {nl_time(other.ends_at)} dat overlapt met deze tijd."
        )
    return result


# --- roster --------------------------------------------------------------------------------


@dataclass
class RosterSlot:
    person: Person
    role: Role
    part: str
    deputy_for: Person | None = None


def resolve_roster(meeting_type: MeetingType, day: date) -> list[RosterSlot]:
    """Who is invited on a day: one slot per filled seat (``roster.resolve_seats``), the
    holder or their deputy. Vacant seats are not in it."""
    return [
        RosterSlot(s.person, s.role, s.part, s.deputy_for)
        for s in resolve_seats(meeting_type, day)
        if s.person is not None
    ]


def _seats_for_meeting(meeting: Meeting) -> list[Seat]:
    return resolve_seats(meeting.meeting_type, to_local(meeting.starts_at).date())


def _vacancy(meeting: Meeting, seat: Seat) -> VacantSeat:
    return VacantSeat(
        meeting=meeting, role=seat.role, part=seat.part, position=seat.position, holder=seat.holder
    )


def add_roster_participants(meeting: Meeting) -> list[Participant]:
    added = []
    for seat in _seats_for_meeting(meeting):
        if seat.person is None:
            db.session.add(_vacancy(meeting, seat))
            continue
        p = Participant(
            meeting=meeting,
            person=seat.person,
            role=seat.role,
            part=seat.part,
            deputy_for=seat.deputy_for,
            from_roster=True,
        )
        db.session.add(p)
        added.append(p)
    return added


def _picked(p: Participant) -> bool:
    """Picked by the secretary for a vacant seat (not from the roster, not a guest)."""
    return not p.from_roster and p.part != "guest" and p.role_id is not None


# Why a roster participant's invitation is withdrawn (the outbox's label says so).
WITHDRAWN_ABSENT = "absence_removed"
WITHDRAWN_ROSTER = "roster_removed"


def refresh_meeting_participants(
    meeting: Meeting, *, notify_people: bool = True
) -> tuple[list[Person], list[Person]]:
    """Bring a meeting's roster participants and vacant seats in line with the roster on its
    day. Guests stay; somebody the secretary picked for a vacant seat keeps it while it would
    be vacant. Withdrawn invitations say why: the person is away that day, or the roster
    changed. Returns (added, removed) people."""
    seats = _seats_for_meeting(meeting)
    wanted = {s.person.id: (s.person, s) for s in seats if s.person is not None}
    vacant = {s.role.id: s for s in seats if s.person is None}
    added: list[Person] = []
    removed: list[Person] = []
    current = {p.person_id: p for p in meeting.participants}
    kept_picks: set[int] = set()
    for person_id, p in list(current.items()):
        if person_id in wanted:
            continue
        if p.from_roster or (_picked(p) and p.role_id not in vacant):
            removed.append(p.person)
            meeting.participants.remove(p)
            db.session.delete(p)
        elif _picked(p) and p.role_id is not None:
            kept_picks.add(p.role_id)
    for person_id, (person, seat) in wanted.items():
        current_seat = current.get(person_id)
        if current_seat is None:
            meeting.participants.append(
                Participant(
                    person=person,
                    role=seat.role,
                    part=seat.part,
                    deputy_for=seat.deputy_for,
                    from_roster=True,
                )
            )
            added.append(person)
        else:  # update the seat (a guest who now holds a roster role becomes a roster member)
            current_seat.role, current_seat.part = seat.role, seat.part
            current_seat.deputy_for, current_seat.from_roster = seat.deputy_for, True
    existing = {v.role_id: v for v in meeting.vacant_seats}
    for role_id, v in existing.items():
        if role_id not in vacant or role_id in kept_picks:
            meeting.vacant_seats.remove(v)
            db.session.delete(v)
    for role_id, seat in vacant.items():
        if role_id in kept_picks:
            continue
        old = existing.get(role_id)
        if old is None:
            meeting.vacant_seats.append(_vacancy(meeting, seat))
        else:
            old.part, old.position, old.holder = seat.part, seat.position, seat.holder
    if notify_people and meeting.status == "gepland":
        away = unavailable_ids({p.id for p in removed}, to_local(meeting.starts_at).date())
        notify(meeting, [p for p in removed if p.id in away], "CANCEL", WITHDRAWN_ABSENT)
        notify(meeting, [p for p in removed if p.id not in away], "CANCEL", WITHDRAWN_ROSTER)
        notify(meeting, added, "REQUEST", "invitation")
    return added, removed


def fill_seat(meeting: Meeting, seat: VacantSeat | None, person: Person | None) -> Participant:
    """The secretary picks somebody for a vacant seat: they take its role and part (and are
    invited while the meeting is still to come); a guest of the meeting moves into the seat."""
    if seat is None or seat.meeting_id != meeting.id:
        raise MeetingError({"person": "Deze plaats is niet (meer) vacant."})
    if person is None or not person.active:
        raise MeetingError(
            {"person": "Deze persoon is niet bekend. Kies een persoon uit de lijst."}
        )
    if meeting.is_cancelled:
        raise MeetingError({"person": "Dit overleg is geannuleerd."})
    p = participant_of(meeting, person)
    if p is not None and p.part != "guest":
        raise MeetingError(
            {"person": f"{person.name} neemt al deel aan dit overleg als {p.part_label.lower()}."}
        )
    if p is None:
        p = Participant(person=person, from_roster=False)
        meeting.participants.append(p)
    p.role, p.part, p.from_roster = seat.role, seat.part, False
    meeting.vacant_seats.remove(seat)
    db.session.delete(seat)
    if not is_past(meeting):
        notify(meeting, [person], "REQUEST", "invitation")
    return p


def future_meetings(
    meeting_type: MeetingType | None = None, now: datetime | None = None
) -> list[Meeting]:
    """Planned meetings not yet started, with their participants (and who they are) and
    vacant seats loaded: what `refresh_meeting_participants` reads of each."""
    stmt = (
        select(Meeting)
        .where(Meeting.starts_at > (now or utcnow()), Meeting.status == "gepland")
        .order_by(Meeting.starts_at)
        .options(
            selectinload(Meeting.participants),
            selectinload(Meeting.vacant_seats),
            selectinload(Meeting.meeting_type),
        )
    )
    if meeting_type is not None:
        stmt = stmt.where(Meeting.meeting_type_id == meeting_type.id)
    return list(db.session.scalars(stmt))


def refresh_future_participants(
    role: Role | None = None,
    *,
    meeting_type: MeetingType | None = None,
    now: datetime | None = None,
) -> dict[int, tuple[list, list]]:
    """After a change of who holds a role (or an unavailability): update the roster
    participants of future meetings not yet held; never past ones; guests stay. With a role,
    only bodies whose roster has that role are touched. Returns {meeting id: (added, removed)}
    for the meetings that changed."""
    db.session.flush()
    type_ids = None
    if role is not None:
        type_ids = set(
            db.session.scalars(
                select(RosterEntry.meeting_type_id).where(RosterEntry.role_id == role.id)
            )
        )
    changes = {}
    for meeting in future_meetings(meeting_type, now):
        if type_ids is not None and meeting.meeting_type_id not in type_ids:
            continue
        added, removed = refresh_meeting_participants(meeting)
        if added or removed:
            changes[meeting.id] = (added, removed)
    return changes


# --- planning ------------------------------------------------------------------------------


def plan_meeting(
    meeting_type: MeetingType,
    day: date,
    start: time,
    end: time | None = None,
    *,
    location: str | None = None,
    online_url: str | None = None,
    remarks: str | None = None,
    organizer: Person | None = None,
    series=None,
    occurrence_date: date | None = None,
    send: bool = True,
) -> Meeting:
    """Plan a meeting: times from Amsterdam wall-clock, defaults from the body, participants
    from the roster, the body's standard agenda items, invitations to all participants."""
    from .agenda import create_standard_items

    end = end or default_end(meeting_type, start)
    if end <= start:
        raise MeetingError({"end": "De eindtijd moet na de begintijd liggen."})
    if not location and not online_url:
        location = meeting_type.default_location
    starts_at, ends_at = local_span(day, start, end)
    meeting = Meeting(
        meeting_type=meeting_type,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location or None,
        online_url=online_url or None,
        remarks=remarks or None,
        organizer=organizer,
        series=series,
        occurrence_date=occurrence_date,
        status="gepland",
        sequence=0,
    )
    db.session.add(meeting)
    add_roster_participants(meeting)
    db.session.flush()
    create_standard_items(meeting)
    if send:
        notify(meeting, [p.person for p in meeting.participants], "REQUEST", "invitation")
    return meeting


def update_meeting(
    meeting: Meeting,
    day: date,
    start: time,
    end: time,
    *,
    location: str | None,
    online_url: str | None,
    remarks: str | None,
    send: bool = True,
) -> bool:
    """Edit or reschedule. Raises the sequence and sends an update when time, place or
    online link changed; a meeting of a series is then detached from it. Returns whether
    participants were told. Moving it to another day re-resolves the roster for that day."""
    if meeting.is_cancelled:
        raise MeetingError({"day": "Een geannuleerd overleg kan niet meer worden gewijzigd."})
    if end <= start:
        raise MeetingError({"end": "De eindtijd moet na de begintijd liggen."})
    starts_at, ends_at = local_span(day, start, end)
    location, online_url = location or None, online_url or None
    old_day = to_local(meeting.starts_at).date()
    changed = (
        starts_at != meeting.starts_at
        or ends_at != meeting.ends_at
        or location != meeting.location
        or online_url != meeting.online_url
    )
    meeting.remarks = remarks or None
    if not changed:
        return False
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.location, meeting.online_url = location, online_url
    meeting.sequence = (meeting.sequence or 0) + 1
    if meeting.series_id is not None:
        meeting.detached = True
    added: list[Person] = []
    if day != old_day and not meeting.has_started():
        added, _ = refresh_meeting_participants(meeting, notify_people=send)
    if send:
        # (Person == compares login ids through UserMixin: compare by id.)
        added_ids = {person.id for person in added}
        notify(
            meeting,
            [p.person for p in meeting.participants if p.person_id not in added_ids],
            "REQUEST",
            "update",
        )
    return True


CANCEL_REFUSALS = {
    "cancelled": "Dit overleg is al geannuleerd.",
    "past": PAST_MESSAGES["cancel"],
    "started": "Dit overleg is al begonnen en kan niet meer worden geannuleerd.",
    "held": (
        "Dit overleg is gehouden: er is al aanwezigheid, een verslag of een uitkomst "
        "vastgelegd. Een gehouden overleg kan niet meer worden geannuleerd."
    ),
}


def was_held(meeting: Meeting) -> bool:
    """Whether the meeting shows it took place, whatever its time: attendance recorded, notes
    or an outcome on an item, its minutes past concept, or earlier minutes approved in it."""
    from ..models import AgendaItem, Minutes

    if any(p.attendance for p in meeting.participants):
        return True
    worked = db.session.scalar(
        select(AgendaItem.id)
        .where(
            AgendaItem.meeting_id == meeting.id,
            or_(
                and_(AgendaItem.notes.is_not(None), AgendaItem.notes != ""),
                and_(AgendaItem.outcome.is_not(None), AgendaItem.outcome != ""),
            ),
        )
        .limit(1)
    )
    if worked is not None:
        return True
    minutes = db.session.scalar(
        select(Minutes.id)
        .where(
            or_(
                and_(Minutes.meeting_id == meeting.id, Minutes.status != "concept"),
                Minutes.approved_in_meeting_id == meeting.id,
            )
        )
        .limit(1)
    )
    return minutes is not None


def cancel_refusal(meeting: Meeting, now: datetime | None = None) -> str | None:
    """Why this meeting cannot be cancelled (Dutch), or None when it can: a meeting that is
    cancelled already, has begun or ended, or shows it was held (`was_held`)."""
    if meeting.is_cancelled:
        return CANCEL_REFUSALS["cancelled"]
    if is_past(meeting, now):
        return CANCEL_REFUSALS["past"]
    if meeting.has_started(now):
        return CANCEL_REFUSALS["started"]
    if was_held(meeting):
        return CANCEL_REFUSALS["held"]
    return None


def cancel_meeting(
    meeting: Meeting, reason: str, *, send: bool = True, now: datetime | None = None
) -> None:
    """Cancel a meeting that has not been held. What was on it goes back to the backlogs
    through `domain.cancellation.cancel`, which calls this."""
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError({"reason": "Geef een reden voor het annuleren."})
    refusal = cancel_refusal(meeting, now)
    if refusal is not None:
        raise MeetingError({"reason": refusal})
    meeting.status = "geannuleerd"
    meeting.cancel_reason = reason
    meeting.sequence = (meeting.sequence or 0) + 1
    if meeting.series_id is not None:
        meeting.detached = True
    if send:
        notify(meeting, [p.person for p in meeting.participants], "CANCEL", "cancellation")


# --- participants --------------------------------------------------------------------------


def participant_of(meeting: Meeting, person: Person) -> Participant | None:
    return db.session.scalar(
        select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.person_id == person.id
        )
    )


def add_guest(meeting: Meeting, person: Person | None) -> Participant:
    if person is None:
        raise MeetingError(
            {"person": "Deze persoon is niet bekend. Kies een persoon uit de lijst."}
        )
    if meeting.is_cancelled:
        raise MeetingError({"person": "Aan een geannuleerd overleg kunt u geen gast toevoegen."})
    if is_past(meeting):
        raise MeetingError({"person": PAST_MESSAGES["guest"]})
    if participant_of(meeting, person) is not None:
        raise MeetingError({"person": f"{person.name} neemt al deel aan dit overleg."})
    p = Participant(meeting=meeting, person=person, part="guest", from_roster=False)
    db.session.add(p)
    notify(meeting, [person], "REQUEST", "guest_added")
    return p


def remove_guest(meeting: Meeting, participant: Participant) -> None:
    if participant.meeting_id != meeting.id or participant.from_roster:
        raise MeetingError({"person": "Alleen gasten kunnen worden verwijderd."})
    person = participant.person
    if _picked(participant) and participant.role is not None:
        # The seat they were picked for is vacant again.
        meeting.vacant_seats.append(
            VacantSeat(role=participant.role, part=participant.part, position=99)
        )
    if participant in meeting.participants:
        meeting.participants.remove(participant)
    db.session.delete(participant)
    if not meeting.is_cancelled:
        notify(meeting, [person], "CANCEL", "guest_removed")


def answer(participant: Participant, rsvp: str, note: str | None = None) -> None:
    meeting = participant.meeting
    if meeting is not None and meeting.is_cancelled:
        raise MeetingError({"rsvp": "Dit overleg is geannuleerd; een antwoord is niet meer nodig."})
    if meeting is not None and is_past(meeting):
        raise MeetingError({"rsvp": PAST_MESSAGES["rsvp"]})
    if rsvp not in ANSWERS:
        raise MeetingError({"rsvp": "Kies komt, komt niet of onder voorbehoud."})
    note = (note or "").strip()
    if len(note) > 500:
        raise MeetingError({"note": "Gebruik hoogstens 500 tekens."})
    participant.rsvp = rsvp
    participant.rsvp_note = note or None


def record_attendance(
    meeting: Meeting,
    values: dict[int, str],
    now: datetime | None = None,
    *,
    acting_chair_id: int | None = None,
) -> None:
    """Attendance for all participants at once ({participant id: value}), once the meeting
    has begun (not cancelled), and who chaired in the chair's absence: ``acting_chair_id``
    (a participant id, None for nobody) must be present, and the chair must not be."""
    if meeting.is_cancelled:
        raise MeetingError({"attendance": "Dit overleg is geannuleerd."})
    if not meeting.has_started(now):
        raise MeetingError({"attendance": "Aanwezigheid legt u vast na het begin van het overleg."})
    by_id = {p.id: p for p in meeting.participants}
    errors = {}
    for pid, value in values.items():
        if pid not in by_id:
            errors[f"p{pid}"] = "Onbekende deelnemer."
        elif value not in ATTENDANCE:
            errors[f"p{pid}"] = "Kies aanwezig, afwezig met bericht of afwezig."
    missing = [pid for pid in by_id if pid not in values]
    for pid in missing:
        errors[f"p{pid}"] = "Kies aanwezig, afwezig met bericht of afwezig."
    acting = by_id.get(acting_chair_id) if acting_chair_id is not None else None
    if acting_chair_id is not None and acting is None:
        errors["acting_chair"] = "Kies de waarnemend voorzitter uit de deelnemers."
    elif acting is not None and not errors:
        chair = next((p for p in by_id.values() if p.part == "chair"), None)
        if acting is chair:
            acting = None  # the chair chairs: nobody acts for them
        elif chair is not None and values.get(chair.id) == "aanwezig":
            errors["acting_chair"] = (
                f"De voorzitter ({chair.person.name}) is aanwezig. Een waarnemend voorzitter "
                "kiest u alleen als de voorzitter er niet is."
            )
        elif values.get(acting.id) != "aanwezig":
            errors["acting_chair"] = (
                f"{acting.person.name} is niet aanwezig en kan niet als waarnemend "
                "voorzitter optreden."
            )
    if errors:
        raise MeetingError(errors)
    for pid, value in values.items():
        by_id[pid].attendance = value
    meeting.acting_chair = acting.person if acting is not None else None


def chair_label(meeting: Meeting) -> tuple[str | None, bool]:
    """Who chaired, as the minutes name them, and whether that is an acting chair: the acting
    chair picked at attendance ("waarnemend voorzitter"), else the chair (their deputy, when
    the deputy sat in) unless recorded absent; None when nobody is known to have chaired."""
    chair = next((p for p in meeting.participants if p.part == "chair"), None)
    absent = chair is not None and chair.attendance in ("afwezig", "afwezig_met_bericht")
    if meeting.acting_chair is not None:
        label = f"{meeting.acting_chair.name}, waarnemend voorzitter"
        if absent and chair is not None:
            label += f" (voorzitter {chair.person.name} afwezig)"
        return label, True
    if chair is None:
        return None, False
    if absent:
        return f"niet vastgelegd (voorzitter {chair.person.name} afwezig)", False
    if chair.deputy_for is not None:
        return f"{chair.person.name} (plaatsvervanger van {chair.deputy_for.name})", False
    return chair.person.name, False


def meetings_between(
    meeting_type: MeetingType | None, first: datetime, last: datetime
) -> list[Meeting]:
    """The meetings starting in [first, last) (naive UTC), optionally of one body, in order
    of start, each with its body. One query, of a statement made once per shape."""
    params: dict[str, Any] = {"between_first": first, "between_last": last}
    if meeting_type is not None:
        params["between_body"] = meeting_type.id
    return list(db.session.scalars(_between_stmt(meeting_type is not None), params))


@lru_cache(maxsize=2)
def _between_stmt(with_body: bool):
    """`meetings_between`' statement, its values as parameters (a statement keeps its cache
    key)."""
    starts = Meeting.starts_at
    stmt = (
        select(Meeting)
        .where(
            starts >= bindparam("between_first", type_=starts.type),
            starts < bindparam("between_last", type_=starts.type),
        )
        .options(joinedload(Meeting.meeting_type))
    )
    if with_body:
        stmt = stmt.where(Meeting.meeting_type_id == bindparam("between_body", type_=Integer))
    return stmt.order_by(Meeting.starts_at)
