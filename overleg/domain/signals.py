"""Residents' safety signals: received through the public page, triaged by the OOV ambtenaar.

Rules:
- a signal holds what and where, a theme (a priority of the year's plan, or none: "anders")
  and, only when the resident gives them, a name, e-mail address and phone number;
- triage: make a topic of it in a body's backlog (title and description are the secretary's
  own words; the signal's text stays with the signal and the resident's details never
  travel), merge it into an existing topic, or close it with a reason;
- when an e-mail address was given the resident gets one message with the outcome in general
  terms (never the reason, the topic or who handles it), through the outbox;
- the resident's details are erased a configurable number of months after the signal was
  handled (``erase_contact_details``, run by ``flask --app wsgi retention``).
Who reads a signal is decided by ``policy.can_read_signal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ..extensions import db
from ..models import MeetingType, OutboxMessage, Person, Signal, Theme, ThemeGroup, Topic
from ..timeutil import utcnow
from . import plan as dp
from .topics import add_event, create_topic

OPEN = ("nieuw",)
REPLY_SUBJECT = "Uw veiligheidssignaal"
REPLIES = {
    "onderwerp": "Uw signaal is doorgezet naar het veiligheidsoverleg van de gemeente, de "
    "politie en het Openbaar Ministerie, en wordt daar besproken.",
    "samengevoegd": "Uw signaal gaat over een onderwerp dat al in het veiligheidsoverleg van "
    "de gemeente, de politie en het Openbaar Ministerie wordt besproken. Wat u ons vertelde, "
    "nemen we daarin mee.",
    "gesloten": "Wij hebben uw signaal bekeken en afgehandeld. Het wordt niet verder in het "
    "veiligheidsoverleg besproken.",
}


class SignalError(ValueError):
    """A refused signal or triage step; the message is Dutch and meant for the user."""


@dataclass
class ThemeChoice:
    theme_id: int
    label: str


def theme_choices(year: int) -> list[ThemeChoice]:
    """The priorities of the year's plan (its current version), else of the latest plan
    before it; else the year's themes as configured."""
    plan = dp.plan_of_year(year) or dp.latest_plan_before(year)
    version = dp.current_version(plan) if plan is not None else None
    if version is not None:
        return [
            ThemeChoice(p.theme_id, f"{c.name}: {p.theme.name}")
            for c in dp.clusters(version)
            for p in c.priorities
        ]
    rows = db.session.execute(
        select(Theme.id, Theme.name, ThemeGroup.name)
        .join(ThemeGroup)
        .where(ThemeGroup.year == year)
        .order_by(ThemeGroup.position, Theme.position)
    )
    return [ThemeChoice(tid, f"{group}: {name}") for tid, name, group in rows]


def _text(value: str | None, limit: int, label: str, required: bool = False) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise SignalError(f"Vul in: {label}.")
    if len(value) > limit:
        raise SignalError(f"{label}: gebruik hoogstens {limit} tekens.")
    return value or None


def submit(
    *,
    what: str,
    location: str,
    theme_id: int | None,
    year: int,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    now: datetime | None = None,
) -> Signal:
    """A resident's signal, received now. A theme must be one of the year's priorities."""
    allowed = {c.theme_id for c in theme_choices(year)}
    if theme_id is not None and theme_id not in allowed:
        raise SignalError("Kies een thema uit de lijst, of ‘anders’.")
    signal = Signal(
        received_at=now or utcnow(),
        what=_text(what, 4000, "wat er aan de hand is", required=True),
        location=_text(location, 300, "waar het is", required=True),
        theme_id=theme_id,
        contact_name=_text(name, 200, "naam"),
        contact_email=(_text(email, 254, "e-mailadres") or "").lower() or None,
        contact_phone=_text(phone, 40, "telefoonnummer"),
        status="nieuw",
    )
    db.session.add(signal)
    db.session.flush()
    return signal


def triage_list(status: str | None = "open") -> list[Signal]:
    stmt = select(Signal).order_by(Signal.received_at.desc(), Signal.id.desc())
    if status == "open":
        stmt = stmt.where(Signal.status.in_(OPEN))
    elif status:
        stmt = stmt.where(Signal.status == status)
    return list(db.session.scalars(stmt.limit(500)))


def _require_open(signal: Signal) -> None:
    if signal.status not in OPEN:
        raise SignalError(
            f"Signaal {signal.reference} is al afgehandeld ({signal.status_label.lower()})."
        )


def _handled(signal: Signal, status: str, by: Person | None, now: datetime, municipality: str):
    signal.status = status
    signal.closed_at = now
    signal.handled_by_id = by.id if by is not None else None
    queue_reply(signal, municipality, now)


def make_topic(
    signal: Signal,
    *,
    meeting_type: MeetingType,
    title: str,
    description: str | None,
    confidentiality: str,
    by: Person | None = None,
    municipality: str = "",
    now: datetime | None = None,
) -> Topic:
    """A topic in the body's backlog, made from the signal. Only what the secretary writes
    goes into the topic; the signal's own text and the resident's details stay here."""
    _require_open(signal)
    now = now or utcnow()
    title = _text(title, 300, "de titel van het onderwerp", required=True) or ""
    # a topic belongs to a priority of its year, or to none (the signal's theme may be of
    # the plan before, when this year has none yet)
    year_themes = {tid for tid, _ in dp.year_priorities(now.year)}
    topic = create_topic(
        title=title,
        description=_text(description, 5000, "de omschrijving"),
        meeting_type=meeting_type,
        confidentiality=confidentiality,
        theme=signal.theme if signal.theme_id in year_themes else None,
        by=by,
        year=now.year,
    )
    add_event(
        topic, "gewijzigd", by=by, note=f"Aangemaakt uit veiligheidssignaal {signal.reference}."
    )
    signal.topic = topic
    _handled(signal, "onderwerp", by, now, municipality)
    return topic


def merge(
    signal: Signal,
    topic: Topic,
    by: Person | None = None,
    municipality: str = "",
    now: datetime | None = None,
) -> None:
    """The signal is about an existing topic: linked to it, nothing copied."""
    _require_open(signal)
    now = now or utcnow()
    if topic.status == "afgerond":
        raise SignalError(f"Onderwerp {topic.reference} is afgerond; kies een lopend onderwerp.")
    signal.topic = topic
    add_event(topic, "gewijzigd", by=by, note=f"Veiligheidssignaal {signal.reference} toegevoegd.")
    _handled(signal, "samengevoegd", by, now, municipality)


def close(
    signal: Signal,
    reason: str,
    by: Person | None = None,
    municipality: str = "",
    now: datetime | None = None,
) -> None:
    _require_open(signal)
    signal.close_reason = _text(reason, 2000, "de reden", required=True)
    _handled(signal, "gesloten", by, now or utcnow(), municipality)


def queue_reply(signal: Signal, municipality: str, now: datetime | None = None):
    """One e-mail to the resident with the outcome in general terms (only when an address
    was given, and only once). Adds the row to the session; the caller commits."""
    if not signal.contact_email or signal.reply_message_id is not None:
        return None
    body = (
        "Beste inwoner,\n\n"
        f"Op {signal.received_at:%d-%m-%Y} gaf u een veiligheidssignaal door "
        f"(kenmerk {signal.reference}). {REPLIES[signal.status]}\n\n"
        "Dank u wel dat u dit aan ons doorgaf. Op dit bericht kunt u niet antwoorden.\n\n"
        f"Met vriendelijke groet,\n{municipality}\n"
    )
    message = OutboxMessage(
        recipient=signal.contact_email,
        recipient_name=None,
        reason="signal_reply",
        subject=REPLY_SUBJECT,
        body_text=body,
        status="pending",
        attempts=0,
        next_attempt_at=now or utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    signal.reply_message_id = message.id
    return message


ERASED = "verwijderd@example.invalid"


def erase_contact_details(months: int, now: datetime | None = None) -> int:
    """Erase the resident's details of signals handled at least ``months`` ago: name,
    e-mail, phone, and the address on the reply in the outbox. Returns how many signals."""
    if months < 0:
        raise ValueError("months must not be negative")
    now = now or utcnow()
    cutoff = now - relativedelta(months=months)
    due = db.session.scalars(
        select(Signal).where(
            Signal.status.not_in(OPEN),
            Signal.closed_at.is_not(None),
            Signal.closed_at <= cutoff,
            Signal.contact_erased_at.is_(None),
        )
    ).all()
    count = 0
    for signal in due:
        if signal.reply_message is not None:
            signal.reply_message.recipient = ERASED
            signal.reply_message.recipient_name = None
        if signal.has_contact:
            count += 1
        signal.contact_name = signal.contact_email = signal.contact_phone = None
        signal.contact_erased_at = now
    return count
