"""Meetings (one sitting of a body), series and participants."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

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
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .bodies import MeetingType
from .common import Timestamped, enum_check
from .people import Person, Role

if TYPE_CHECKING:
    from .agenda import AgendaItem

MEETING_STATUSES = ("gepland", "geannuleerd")
MEETING_STATUS_LABELS = {"gepland": "Gepland", "geannuleerd": "Geannuleerd"}
AGENDA_STATUSES = ("concept", "gepubliceerd")
PARTICIPANT_PARTS = ("chair", "member", "advisor", "secretary", "guest")
RSVP = ("open", "komt", "komt_niet", "onder_voorbehoud")
RSVP_LABELS = {
    "open": "Nog geen antwoord",
    "komt": "Komt",
    "komt_niet": "Komt niet",
    "onder_voorbehoud": "Onder voorbehoud",
}
ATTENDANCE = ("aanwezig", "afwezig_met_bericht", "afwezig")
ATTENDANCE_LABELS = {
    "aanwezig": "Aanwezig",
    "afwezig_met_bericht": "Afwezig met bericht",
    "afwezig": "Afwezig",
}


def new_uid() -> str:
    return f"{uuid.uuid4()}@overleg"


class MeetingSeries(Timestamped, Model):
    """A body's recurring schedule; produces individual meetings."""

    __tablename__ = "meeting_series"
    __table_args__ = (
        enum_check("frequency", ("weekly", "monthly_weekday")),
        CheckConstraint("interval >= 1", name="interval_positive"),
        CheckConstraint("until_date IS NOT NULL OR occurrences IS NOT NULL", name="has_end"),
        CheckConstraint("duration_minutes > 0", name="duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="RESTRICT"), index=True
    )
    frequency: Mapped[str] = mapped_column(String(20), default="weekly")
    interval: Mapped[int] = mapped_column(Integer, default=1)
    # For monthly_weekday: weekday (0=Monday) and which occurrence in the month (1..4, -1 last)
    weekday: Mapped[int | None] = mapped_column(Integer)
    week_of_month: Mapped[int | None] = mapped_column(Integer)
    first_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str] = mapped_column(String(5))  # "10:00", Amsterdam wall-clock
    duration_minutes: Mapped[int] = mapped_column(Integer)
    until_date: Mapped[date | None] = mapped_column(Date)
    occurrences: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))

    meeting_type: Mapped[MeetingType] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", order_by="Meeting.starts_at"
    )


class Meeting(Timestamped, Model):
    """One sitting of a body. Times are naive UTC, shown in Europe/Amsterdam."""

    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        enum_check("status", MEETING_STATUSES),
        enum_check("agenda_status", AGENDA_STATUSES),
        CheckConstraint("sequence >= 0", name="sequence"),
        UniqueConstraint("series_id", "occurrence_date", name="uq_meeting_series_occurrence"),
        # Meetings not yet ended (home, Mijn overleggen) from the end time, not from the first
        # meeting ever; a body's meetings by time (the next ones to place work on, the action
        # register's pages and its years, a meeting's previous one, the minutes awaiting
        # approval); cancelled meetings (items waiting to be placed again) on their own.
        Index("ix_meeting_ends_at", "ends_at"),
        # The next meetings on the home page and the held ones without minutes in the
        # werkvoorraad: a body's status and its end time, without walking past meetings.
        Index("ix_meeting_status_ends", "status", "ends_at"),
        Index("ix_meeting_type_starts", "meeting_type_id", "starts_at"),
        Index(
            "ix_meeting_cancelled",
            "starts_at",
            sqlite_where=text("status = 'geannuleerd'"),
            postgresql_where=text("status = 'geannuleerd'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_uid)
    meeting_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="RESTRICT"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True
    )
    # The series date this meeting was generated for (kept when the meeting is moved).
    occurrence_date: Mapped[date | None] = mapped_column(Date)
    # Changed on its own: series edits leave it alone.
    detached: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    location: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    remarks: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="gepland")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    agenda_status: Mapped[str] = mapped_column(String(20), default="concept")
    agenda_published_at: Mapped[datetime | None] = mapped_column(DateTime)
    agenda_changed_after_publish: Mapped[bool] = mapped_column(default=False)
    # Changed after publication and the participants not yet told (the secretary sends one
    # message for several changes).
    agenda_change_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The agenda as last told to the participants (at publication, at each reported change):
    # JSON, what "Agenda gewijzigd" compares with (overleg/domain/agenda.py `agenda_changes`).
    agenda_snapshot: Mapped[str | None] = mapped_column(Text)
    # Who chaired in the chair's absence ("waarnemend voorzitter"), picked at attendance.
    acting_chair_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )

    meeting_type: Mapped[MeetingType] = relationship()
    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    organizer: Mapped[Person | None] = relationship(foreign_keys=[organizer_id])
    acting_chair: Mapped[Person | None] = relationship(foreign_keys=[acting_chair_id])
    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    vacant_seats: Mapped[list[VacantSeat]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="VacantSeat.position"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == "geannuleerd"

    @property
    def title(self) -> str:
        """What invitations and lists call it: the body, never an agenda item."""
        return f"{self.meeting_type.name}"

    @property
    def status_label(self) -> str:
        return MEETING_STATUS_LABELS.get(self.status, self.status)

    def has_started(self, now: datetime | None = None) -> bool:
        """Held (or under way): series edits and roster changes leave it alone."""
        from ..timeutil import utcnow

        return self.starts_at <= (now or utcnow())


class Participant(Timestamped, Model):
    """A person at a meeting, through a role or as a guest, with answer and attendance."""

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        enum_check("part", PARTICIPANT_PARTS),
        enum_check("rsvp", RSVP),
        CheckConstraint(
            "attendance IS NULL OR attendance IN ('aanwezig', 'afwezig_met_bericht', 'afwezig')",
            name="attendance_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("role.id", ondelete="SET NULL"))
    # The person this participant stands in for (deputy invited instead of the holder).
    deputy_for_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    part: Mapped[str] = mapped_column(String(20), default="member")
    from_roster: Mapped[bool] = mapped_column(default=True)
    rsvp: Mapped[str] = mapped_column(String(20), default="open")
    rsvp_note: Mapped[str | None] = mapped_column(String(500))
    attendance: Mapped[str | None] = mapped_column(String(30))

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    # Who sits there and in which role, with every participant that is loaded (a list of
    # participants is shown with their names and roles: one statement, not one per row).
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined", innerjoin=True)
    role: Mapped[Role | None] = relationship(lazy="joined")
    deputy_for: Mapped[Person | None] = relationship(foreign_keys=[deputy_for_id])

    @property
    def part_label(self) -> str:
        from .bodies import PART_LABELS

        return PART_LABELS.get(self.part, self.part)

    @property
    def rsvp_label(self) -> str:
        return RSVP_LABELS.get(self.rsvp, self.rsvp)

    @property
    def attendance_label(self) -> str:
        return ATTENDANCE_LABELS.get(self.attendance, "") if self.attendance else ""


class VacantSeat(Model):
    """A roster seat of a meeting that nobody fills: its holder is away and the deputy already
    sits in another seat (or there is none). Shown as "vacant — kies iemand" until the
    secretary picks somebody (then a Participant takes the seat and this row goes)."""

    __tablename__ = "vacant_seat"
    __table_args__ = (
        UniqueConstraint("meeting_id", "role_id"),
        enum_check("part", ("chair", "member", "advisor", "secretary"), name="vacant_part_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(20))
    # The order of the roster entry, so the seat shows in its place.
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Who holds the role that day (and why the seat is empty: away, or seated elsewhere).
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="vacant_seats")
    role: Mapped[Role] = relationship()
    holder: Mapped[Person | None] = relationship()

    @property
    def part_label(self) -> str:
        from .bodies import PART_LABELS

        return PART_LABELS.get(self.part, self.part)
