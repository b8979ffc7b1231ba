"""Retention: legal holds (bevriezing) on a meeting's records and the destruction register
(the basis of the verklaring van vernietiging), which survives the destruction itself."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .meetings import Meeting
from .people import Person
from .topics import Topic


class LegalHold(Model):
    """A bevriezing: while it is not lifted, the records of its meeting, or of every meeting
    its topic (casus) was on the agenda of, are never destroyed. The reason is kept here (for
    the beheerder), never in the audit log."""

    __tablename__ = "legal_hold"
    __table_args__ = (
        CheckConstraint("lifted_at IS NOT NULL OR lift_reason IS NULL", name="lift_reason"),
        CheckConstraint("(meeting_id IS NULL) <> (topic_id IS NULL)", name="meeting_or_topic"),
        # one active hold per meeting (partial index; both databases support it)
        Index(
            "uq_legal_hold_active_meeting",
            "meeting_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
        Index(
            "uq_legal_hold_active_topic",
            "topic_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), index=True
    )
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="RESTRICT"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    # the day the obligation to keep began (e.g. the date of the notice of the procedure)
    held_since: Mapped[date] = mapped_column(Date)
    placed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    lift_reason: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting | None] = relationship(lazy="raise")
    topic: Mapped[Topic | None] = relationship(lazy="raise")
    placed_by: Mapped[Person | None] = relationship(foreign_keys=[placed_by_id], lazy="raise")
    lifted_by: Mapped[Person | None] = relationship(foreign_keys=[lifted_by_id], lazy="raise")

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class DestructionRecord(Model):
    """One line of the destruction register: what was destroyed, when, by whom, under which
    category of the Selectielijst. Only references and counts, never the content."""

    __tablename__ = "destruction_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the meeting row stays as a stub; the register also holds its reference and date
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), unique=True
    )
    meeting_ref: Mapped[str] = mapped_column(String(60))
    body_name: Mapped[str] = mapped_column(String(200))
    meeting_date: Mapped[date] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(20))
    retention_years: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    destroyed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    destroyed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # how the destruction was started: "pagina" (selected by the beheerder) or "opdracht" (CLI)
    via: Mapped[str] = mapped_column(String(20))
    minutes_versions: Mapped[int] = mapped_column(Integer, default=0)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    files: Mapped[int] = mapped_column(Integer, default=0)

    destroyed_by: Mapped[Person | None] = relationship(lazy="raise")
