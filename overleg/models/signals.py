"""Residents' safety signals (veiligheidssignalen), sent through the public page.

The signal's text stays here: a topic made from it gets its own title and description from
the secretary, and the resident's contact details never leave this table. They are erased a
configurable time after the signal was closed (``overleg.domain.signals.erase_contact_details``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .bodies import Theme
from .common import enum_check
from .people import Person

SIGNAL_STATUSES = ("nieuw", "onderwerp", "samengevoegd", "gesloten")
SIGNAL_STATUS_LABELS = {
    "nieuw": "Nieuw",
    "onderwerp": "Onderwerp gemaakt",
    "samengevoegd": "Samengevoegd met onderwerp",
    "gesloten": "Gesloten",
}


class Signal(Model):
    __tablename__ = "signal"
    __table_args__ = (
        enum_check("status", SIGNAL_STATUSES),
        CheckConstraint("status = 'nieuw' OR closed_at IS NOT NULL", name="handled_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    what: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(300))
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"), index=True
    )
    # the resident's own details (optional), erased after the term
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="nieuw")
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="SET NULL"), index=True
    )
    close_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reply_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    contact_erased_at: Mapped[datetime | None] = mapped_column(DateTime)

    theme: Mapped[Theme | None] = relationship()
    topic = relationship("Topic")
    handled_by: Mapped[Person | None] = relationship()
    reply_message = relationship("OutboxMessage")

    @property
    def reference(self) -> str:
        return f"SIG-{self.received_at.year}-{self.id:04d}"

    @property
    def status_label(self) -> str:
        return SIGNAL_STATUS_LABELS[self.status]

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)
