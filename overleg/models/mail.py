"""The outbox: every e-mail is a row first, delivered (and retried) by a worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .common import Timestamped, enum_check

OUTBOX_STATUSES = ("pending", "sent", "failed")
OUTBOX_STATUS_LABELS = {"pending": "Wacht op verzending", "sent": "Verzonden", "failed": "Mislukt"}
MAIL_METHODS = ("REQUEST", "CANCEL")
MAIL_REASONS = (
    "invitation",
    "update",
    "cancellation",
    "guest_added",
    "guest_removed",
    "absence_removed",
    "roster_removed",
    "agenda_published",
    "agenda_changed",
)
# A withdrawn invitation: the CANCEL names only its recipient.
WITHDRAWN_REASONS = ("guest_removed", "absence_removed", "roster_removed")
MAIL_REASON_LABELS = {
    "invitation": "Uitnodiging",
    "update": "Wijziging",
    "cancellation": "Annulering",
    "guest_added": "Gast uitgenodigd",
    "guest_removed": "Gast afgemeld",
    "absence_removed": "Afgemeld wegens afwezigheid",
    "roster_removed": "Afgemeld na wijziging bezetting",
    "agenda_published": "Agenda gepubliceerd",
    "agenda_changed": "Agenda gewijzigd",
    "minutes_review": "Verslag ter vaststelling",
    "signal_reply": "Antwoord op veiligheidssignaal",
}


class OutboxMessage(Timestamped, Model):
    """One e-mail to one recipient, built completely when queued (later changes to the
    meeting do not alter it). Status: pending (queued, not yet tried), sent, failed (the last
    attempt failed: retried at next_attempt_at, or given up when that is empty). attempts
    counts the attempts begun; last_error keeps the last failure."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        enum_check("status", OUTBOX_STATUSES),
        CheckConstraint("method IS NULL OR method IN ('REQUEST', 'CANCEL')", name="method_valid"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str | None] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    ics_text: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    meeting = relationship("Meeting")

    @property
    def status_label(self) -> str:
        return OUTBOX_STATUS_LABELS.get(self.status, self.status)

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)


def reason_label(reason: str | None) -> str:
    """A message's reason as the outbox and the werkvoorraad name it."""
    return MAIL_REASON_LABELS.get(reason or "", reason or "")
