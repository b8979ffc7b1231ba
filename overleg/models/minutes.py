"""Minutes (verslag) of a meeting, their frozen versions, decisions (besluiten) and action items
(actiepunten).

The notes per agenda item live on ``AgendaItem.notes``; ``Minutes`` holds the lifecycle and the
optimistic-locking version column. An approved (vastgesteld) minutes is frozen: every approval
or correction writes a ``MinutesVersion`` with a snapshot of the whole text and the stored PDF.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .agenda import AgendaItem
from .bodies import MeetingType, Theme
from .common import Timestamped, enum_check
from .meetings import Meeting
from .people import Organisation, Person

MINUTES_STATUSES = ("concept", "ter_vaststelling", "vastgesteld")
MINUTES_STATUS_LABELS = {
    "concept": "Concept",
    "ter_vaststelling": "Ter vaststelling",
    "vastgesteld": "Vastgesteld",
}
# Allowed status transitions (from -> to). Approval happens at a later meeting of the body.
MINUTES_TRANSITIONS = {
    "concept": ("ter_vaststelling",),
    "ter_vaststelling": ("concept", "vastgesteld"),
    "vastgesteld": (),
}

ACTION_STATUSES = ("open", "afgerond")
ACTION_STATUS_LABELS = {"open": "Open", "afgerond": "Afgerond"}


def action_owner_label(
    person_name: str | None, person_org: str | None, organisation_name: str | None
) -> str:
    """Who an action is for, as lists show it: the person's name with their organisation's
    short name (else its name) in brackets, else the owning organisation's name. A person's
    and an organisation's name are never empty (None: there is no such owner)."""
    if person_name is not None:
        return person_name + (f" ({person_org})" if person_org is not None else "")
    return organisation_name or ""


def action_overdue(status: str, due_date: date | None, on: date) -> bool:
    return status == "open" and due_date is not None and due_date < on


class Minutes(Timestamped, Model):
    """The verslag of one meeting. ``version`` rises on every change (optimistic locking)."""

    __tablename__ = "minutes"
    __table_args__ = (
        enum_check("status", MINUTES_STATUSES),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "status <> 'vastgesteld' OR approved_at IS NOT NULL", name="approved_has_time"
        ),
        # Minutes not yet approved (the werkvoorraad): a few among ten years of approved ones.
        Index(
            "ix_minutes_open",
            "meeting_id",
            sqlite_where=text("status IN ('concept', 'ter_vaststelling')"),
            postgresql_where=text("status IN ('concept', 'ter_vaststelling')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20), default="concept")
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    minute_taker_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    last_edited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The later meeting of the same body where they were approved, and its verslag item.
    approved_in_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), index=True
    )
    approved_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    minute_taker: Mapped[Person | None] = relationship(foreign_keys=[minute_taker_id])
    last_edited_by: Mapped[Person | None] = relationship(foreign_keys=[last_edited_by_id])
    approved_in_meeting: Mapped[Meeting | None] = relationship(
        foreign_keys=[approved_in_meeting_id]
    )
    versions: Mapped[list[MinutesVersion]] = relationship(
        back_populates="minutes", order_by="MinutesVersion.number", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return MINUTES_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_frozen(self) -> bool:
        return self.status == "vastgesteld"

    @property
    def is_editable(self) -> bool:
        return self.status == "concept"

    @property
    def reference(self) -> str:
        from ..timeutil import to_local

        day = to_local(self.meeting.starts_at).date().isoformat()
        return f"{self.meeting.meeting_type.code.upper()}-verslag-{day}"


class MinutesVersion(Model):
    """A frozen version of approved minutes: the snapshot, why it was made, and its PDF."""

    __tablename__ = "minutes_version"
    __table_args__ = (
        UniqueConstraint("minutes_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    snapshot_json: Mapped[str] = mapped_column(Text)
    # The archival PDF (full text) and, when the minutes hold casus items, the variant with
    # casus items reduced to their reference, for readers not entitled to them.
    pdf_key: Mapped[str | None] = mapped_column(String(100))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    redacted_pdf_key: Mapped[str | None] = mapped_column(String(100))
    redacted_pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    created_by: Mapped[Person | None] = relationship()

    @property
    def snapshot(self) -> dict[str, Any]:
        return json.loads(self.snapshot_json)


class Decision(Timestamped, Model):
    """A besluit, numbered per body and year: ``TVO-2019-07``."""

    __tablename__ = "decision"
    __table_args__ = (
        # also the index of a body's decisions (its first column): a second one on
        # meeting_type_id alone led PostgreSQL to read all of a body's decisions for one
        # year's (the register's topics at ten years)
        UniqueConstraint("meeting_type_id", "year", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_type_id: Mapped[int] = mapped_column(ForeignKey("meeting_type.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    text: Mapped[str] = mapped_column(Text)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="SET NULL"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    meeting_type: Mapped[MeetingType] = relationship()
    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    topic = relationship("Topic")
    theme: Mapped[Theme | None] = relationship()

    @property
    def reference(self) -> str:
        return self.code


class ActionItem(Timestamped, Model):
    """An actiepunt: what, who (a person or an organisation), by when; open until closed at a
    later meeting of the same body."""

    __tablename__ = "action_item"
    __table_args__ = (
        enum_check("status", ACTION_STATUSES),
        CheckConstraint(
            "owner_person_id IS NOT NULL OR owner_organisation_id IS NOT NULL", name="has_owner"
        ),
        CheckConstraint("status <> 'afgerond' OR closed_at IS NOT NULL", name="closed_has_time"),
        # The werkvoorraad's overdue actions: the open ones by due date.
        Index("ix_action_item_status_due", "status", "due_date"),
        # An actielijst's actions closed between meetings: those closed since the body's
        # previous meeting (actions.carried_actions).
        Index("ix_action_item_status_closed", "status", "closed_at"),
        # "Mijn actiepunten": the open actions of a person and of an organisation, without
        # reading every action they were ever given (ten years of closed ones).
        Index(
            "ix_action_item_open_owner_person",
            "owner_person_id",
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index(
            "ix_action_item_open_owner_organisation",
            "owner_organisation_id",
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="RESTRICT"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure.id", ondelete="SET NULL"), index=True
    )
    what: Mapped[str] = mapped_column(Text)
    owner_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), index=True
    )
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_in_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closing_note: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    meeting_type: Mapped[MeetingType] = relationship()
    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    agenda_item: Mapped[AgendaItem | None] = relationship()
    measure = relationship("Measure")
    owner_person: Mapped[Person | None] = relationship(foreign_keys=[owner_person_id])
    owner_organisation: Mapped[Organisation | None] = relationship()
    closed_in_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[closed_in_meeting_id])
    closed_by: Mapped[Person | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def owner_label(self) -> str:
        person, organisation = self.owner_person, self.owner_organisation
        org = person.organisation if person is not None else None
        return action_owner_label(
            person.name if person is not None else None,
            (org.short_name or org.name) if org is not None else None,
            organisation.name if organisation is not None else None,
        )

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS.get(self.status, self.status)

    def is_overdue(self, on: date) -> bool:
        return action_overdue(self.status, self.due_date, on)
