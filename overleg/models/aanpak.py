"""The plan van aanpak of a topic: its measures (maatregelen), their progress notes, and the
plan's versions.

A measure is one row (``Measure``) for its whole life: its id is stable, so action items,
progress notes and the progress report refer to it whatever version the plan is at. The
plan's content (which measures, their texts, organisation, contact and dates) is versioned
like the jaarplan (``AanpakVersion``): the concept version is the plan being worked on, the
live ``Measure`` rows; adoption by a decision of the body that owns the topic freezes a
version, keeping the measures as adopted in ``snapshot_json``; a change of content after
adoption makes a new concept version. A measure's status and progress notes are its
execution, recorded while any version is current, without a new version.

For counting (the progress report): a topic's measures are ``Measure`` rows with that
``topic_id``; open = status gepland or lopend, done = gereed, stopped = gestopt, overdue = open
with ``due_on`` before the day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .common import Timestamped, enum_check
from .people import Organisation, Person

AANPAK_STATUSES = ("concept", "vastgesteld")
AANPAK_STATUS_LABELS = {"concept": "Concept", "vastgesteld": "Vastgesteld"}

MEASURE_STATUSES = ("gepland", "lopend", "gereed", "gestopt")
MEASURE_STATUS_LABELS = {
    "gepland": "Gepland",
    "lopend": "Lopend",
    "gereed": "Gereed",
    "gestopt": "Gestopt",
}
OPEN_MEASURE_STATUSES = ("gepland", "lopend")


class AanpakVersion(Timestamped, Model):
    """One version of a topic's plan van aanpak: concept, or vastgesteld (frozen, adopted by a
    decision of the body that owns the topic, ``decision_id``, with the measures as adopted
    in ``snapshot_json``)."""

    __tablename__ = "aanpak_version"
    __table_args__ = (
        UniqueConstraint("topic_id", "number"),
        enum_check("status", AANPAK_STATUSES),
        CheckConstraint(
            "status <> 'vastgesteld' OR snapshot_json IS NOT NULL", name="adopted_has_snapshot"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="concept")
    note: Mapped[str | None] = mapped_column(Text)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("aanpak_version.id", ondelete="SET NULL")
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT"), index=True
    )
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime)
    snapshot_json: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    topic = relationship("Topic")
    copied_from: Mapped[AanpakVersion | None] = relationship(remote_side=[id])
    decision = relationship("Decision")
    created_by: Mapped[Person | None] = relationship()

    @property
    def is_frozen(self) -> bool:
        return self.status == "vastgesteld"

    @property
    def status_label(self) -> str:
        return AANPAK_STATUS_LABELS[self.status]


class Measure(Timestamped, Model):
    """A maatregel of a topic's plan van aanpak: what, which ketenpartner carries it out, who
    is the contact, from when until when, and how far it is."""

    __tablename__ = "measure"
    __table_args__ = (
        enum_check("status", MEASURE_STATUSES),
        CheckConstraint(
            "starts_on IS NULL OR due_on IS NULL OR starts_on <= due_on", name="dates_in_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="gepland")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    topic = relationship("Topic")
    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[Person | None] = relationship(foreign_keys=[contact_id])
    notes: Mapped[list[MeasureNote]] = relationship(
        back_populates="measure",
        order_by="(MeasureNote.noted_on, MeasureNote.id)",
        cascade="all, delete-orphan",
    )

    @property
    def status_label(self) -> str:
        return MEASURE_STATUS_LABELS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES

    def is_overdue(self, on: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < on


class MeasureNote(Model):
    """A dated progress note on a measure (voortgang); appended, never rewritten. When the
    note changed the measure's status, ``status`` holds the new one."""

    __tablename__ = "measure_note"
    __table_args__ = (
        CheckConstraint(
            "status IS NULL OR status IN ('gepland', 'lopend', 'gereed', 'gestopt')",
            name="status_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    measure: Mapped[Measure] = relationship(back_populates="notes")
    created_by: Mapped[Person | None] = relationship()

    @property
    def status_label(self) -> str | None:
        return MEASURE_STATUS_LABELS.get(self.status) if self.status else None
