"""The outbox: e-mail is queued as rows in the caller's transaction and delivered after
the commit, so nothing is lost when the SMTP server is down.

- ``queue_meeting_mail(meeting, people, method, reason)`` builds every message completely
  (subject, text, .ics) at queue time and adds the rows to the session; the caller commits.
- ``deliver_due()`` sends what is due: after the request that queued mail (once the
  response is sent, in the same process) and from ``flask --app wsgi send-mail`` (cron or
  a systemd timer, every minute) for retries. Rows are claimed one at a time: on
  PostgreSQL with SELECT … FOR UPDATE SKIP LOCKED, and on both databases with a
  conditional UPDATE (attempts unchanged), so two workers never send the same row.
- A failed attempt is recorded (error, attempts) and retried with exponential back-off
  (1, 2, 4 … minutes, at most 6 hours apart) until MAX_ATTEMPTS; then it stays failed and
  the secretary can retry it from "Verzonden berichten".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from flask import Flask, current_app, g, has_request_context, render_template
from sqlalchemy import CursorResult, select, update

from ..domain import dialect, policy
from ..extensions import db
from ..ical import Attendee, attendees_of, meeting_ics, meeting_url
from ..models.mail import MAIL_REASONS, WITHDRAWN_REASONS, OutboxMessage
from ..timeutil import nl_date, nl_time, utcnow
from .sender import build_email, open_backend

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
# A claimed row is not due again for this long (a worker that dies mid-send is retried).
LEASE = timedelta(minutes=5)

SUBJECT_PREFIX = {
    "invitation": "Uitnodiging",
    "update": "Gewijzigd",
    "cancellation": "Geannuleerd",
    "guest_added": "Uitnodiging",
    "guest_removed": "Uitnodiging ingetrokken",
    "absence_removed": "Uitnodiging ingetrokken",
    "roster_removed": "Uitnodiging ingetrokken",
    "agenda_published": "Agenda",
    "agenda_changed": "Agenda gewijzigd",
}


def _person_of(item):
    """Accept a Person or a Participant (anything with .person)."""
    return getattr(item, "person", None) or item


def _part_of(item, meeting, person) -> str:
    part = getattr(item, "part", None)
    if part:
        return part
    for p in meeting.participants:
        if p.person_id == person.id:
            return p.part
    return "guest"


def queue_meeting_mail(
    meeting,
    people: Iterable,
    method: str,
    reason: str,
    changes_for: Callable[[Any], list[str]] | None = None,
) -> list[OutboxMessage]:
    """Queue one message per person (Person or Participant) about a meeting.

    method: "REQUEST" (invitation, update, guest_added) or "CANCEL" (cancellation, or a
    withdrawn invitation: guest_removed, absence_removed, roster_removed). A withdrawn
    invitation's CANCEL lists only its recipient as attendee; every other message lists all
    current participants. ``changes_for(person)``: the lines of an "Agenda gewijzigd" mail,
    as the read policy lets that person read them (`domain.agenda.change_lines`). Adds rows
    to the session only."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    if reason not in MAIL_REASONS:
        raise ValueError(f"unknown mail reason {reason!r}")
    db.session.flush()  # the meeting's id, uid and sequence defaults
    everyone = attendees_of(meeting)
    when = f"{nl_date(meeting.starts_at)} om {nl_time(meeting.starts_at)}"
    subject = f"{SUBJECT_PREFIX[reason]}: {policy.calendar_summary(meeting)} op {when}"
    link = meeting_url(meeting)
    messages: list[OutboxMessage] = []
    seen: set[str] = set()
    for item in people:
        person = _person_of(item)
        if person is None or not person.email or person.email in seen or not person.active:
            continue
        seen.add(person.email)
        if reason in WITHDRAWN_REASONS:
            attendees = [
                Attendee(
                    person.email,
                    person.name,
                    _part_of(item, meeting, person),
                    getattr(item, "rsvp", None) or "open",
                )
            ]
        else:
            attendees = everyone
        ics = meeting_ics(
            meeting,
            method,
            attendees,
            alarm_minutes=person.alarm_minutes if method == "REQUEST" else None,
        )
        text = render_template(
            "mail/meeting.txt",
            meeting=meeting,
            person=person,
            reason=reason,
            summary=policy.calendar_summary(meeting),
            link=link,
            method=method,
            changes=changes_for(person) if changes_for is not None else None,
        )
        message = OutboxMessage(
            recipient=person.email,
            recipient_name=person.name,
            person_id=person.id,
            meeting_id=meeting.id,
            reason=reason,
            subject=subject[:300],
            body_text=text,
            ics_text=ics,
            method=method,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
        db.session.add(message)
        messages.append(message)
    if messages and has_request_context():
        g.overleg_outbox_queued = True
    return messages


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most MAX_RETRY."""
    delay = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_RETRY)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} verzonden, {self.failed} mislukt"


def _claim(now: datetime) -> OutboxMessage | None | Literal[False]:
    """Claim the next due row; None when nothing is due, False when another worker won."""
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_(("pending", "failed")),
            OutboxMessage.next_attempt_at.is_not(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if dialect.name() == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    message = db.session.scalar(stmt)
    if message is None:
        db.session.rollback()
        return None
    # An UPDATE's result is a CursorResult (it has a rowcount); Session.execute says Result.
    claimed = cast(
        CursorResult[Any],
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.attempts == message.attempts,
                OutboxMessage.status != "sent",
            )
            .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return False
    db.session.commit()
    db.session.refresh(message)
    return message


def deliver_due(
    app: Flask | None = None, now: datetime | None = None, limit: int = 200
) -> DeliveryReport:
    """Send every due message (at most ``limit``). Needs an app context and a session with
    no unit of work of its own (it commits per message): the CLI, the after-response hook."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    now = now or utcnow()
    report = DeliveryReport()
    mail_from = app.config["MAIL_FROM"]
    with open_backend(app) as backend:
        for _ in range(limit):
            message = _claim(now)
            if message is None:
                break
            if message is False:
                continue
            try:
                backend.send(build_email(message, mail_from))
            except Exception as exc:  # any failure is recorded; the row stays for a retry
                log.warning(
                    "Mail %s to %s failed (attempt %s): %s",
                    message.id,
                    message.recipient,
                    message.attempts,
                    exc,
                )
                message.status = "failed"
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.next_attempt_at = (
                    now + retry_delay(message.attempts) if message.attempts < MAX_ATTEMPTS else None
                )
                report.failed += 1
            else:
                message.status = "sent"
                message.sent_at = utcnow()
                message.next_attempt_at = None
                message.last_error = None
                report.sent += 1
            db.session.commit()
    return report


def retry_now(message: OutboxMessage) -> None:
    """The secretary asks for another attempt of an unsent message."""
    if message.status != "sent":
        message.next_attempt_at = utcnow()


def deliver_after_response(response):
    """after_request hook: when this request queued mail, deliver once the response is
    sent (same process, after the commit). Failures stay in the outbox for send-mail."""
    if not g.pop("overleg_outbox_queued", False):
        return response
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("MAIL_DELIVER_AFTER_REQUEST", True):
        return response

    def deliver() -> None:
        try:
            with app.app_context():
                deliver_due(app, limit=100)
        except Exception:  # never let mail break the request
            app.logger.exception("Delivering the outbox after the request failed")

    response.call_on_close(deliver)
    return response


def queue_minutes_review_mail(minutes) -> list[OutboxMessage]:
    """Minutes sent for approval: one mail per active participant with a link."""
    meeting = minutes.meeting
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    link = f"{base}/overleggen/{meeting.id}/verslag"
    subject = (
        f"Verslag ter vaststelling: {meeting.meeting_type.name} van {nl_date(meeting.starts_at)}"
    )
    messages = []
    seen = set()
    for p in meeting.participants:
        person = p.person
        if person is None or not person.active or not person.email or person.email in seen:
            continue
        seen.add(person.email)
        body = (
            f"Beste {person.name},\n\n"
            f"Het conceptverslag van het {meeting.meeting_type.name} van "
            f"{nl_date(meeting.starts_at)} ligt ter vaststelling. Het wordt vastgesteld in "
            f"de volgende vergadering. U kunt het lezen via:\n\n{link}\n\n"
            f"Met vriendelijke groet,\n{current_app.config.get('MUNICIPALITY', '')}\n"
        )
        msg = OutboxMessage(
            recipient=person.email,
            recipient_name=person.name,
            person_id=person.id,
            meeting_id=meeting.id,
            reason="minutes_review",
            subject=subject[:300],
            body_text=body,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
        db.session.add(msg)
        messages.append(msg)
    if messages and has_request_context():
        g.overleg_outbox_queued = True
    return messages
