"""Meeting types (bodies), their rosters, escalation paths, agenda templates and themes."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .common import Timestamped, enum_check
from .people import Role

LEVELS = ("strategisch", "tactisch", "operationeel")
LEVEL_RANK = {level: n for n, level in enumerate(LEVELS)}  # strategic bodies first
LEVEL_LABELS = {
    "strategisch": "Strategisch",
    "tactisch": "Tactisch",
    "operationeel": "Operationeel",
}

CONFIDENTIALITY = ("intern", "vertrouwelijk", "casus")
CONFIDENTIALITY_LABELS = {
    "intern": "Intern",
    "vertrouwelijk": "Vertrouwelijk",
    "casus": "Bevat persoonsgegevens (casus)",
}

PARTS = ("chair", "member", "advisor", "secretary")
PART_LABELS = {
    "chair": "Voorzitter",
    "member": "Lid",
    "advisor": "Adviseur",
    "secretary": "Secretaris",
    "guest": "Gast",
}

DIRECTIONS = ("up", "down")
DIRECTION_LABELS = {"up": "Opschalen", "down": "Opdracht geven"}

PURPOSES = ("informatie", "bespreking", "besluitvorming")
PURPOSE_LABELS = {
    "informatie": "Ter informatie",
    "bespreking": "Ter bespreking",
    "besluitvorming": "Ter besluitvorming",
}


class MeetingType(Timestamped, Model):
    """An overlegvorm: Driehoek, PO, TVO, OVO, or one the municipality configures."""

    __tablename__ = "meeting_type"
    __table_args__ = (
        enum_check("level", LEVELS),
        enum_check("default_confidentiality", CONFIDENTIALITY),
        CheckConstraint(
            "default_duration_minutes > 0 AND default_duration_minutes <= 720", name="duration"
        ),
        CheckConstraint("retention_years IS NULL OR retention_years > 0", name="retention"),
        CheckConstraint(
            "agenda_deadline_days >= 0 AND agenda_deadline_days <= 60", name="agenda_deadline"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    default_duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    default_location: Mapped[str | None] = mapped_column(String(200))
    default_confidentiality: Mapped[str] = mapped_column(String(20), default="vertrouwelijk")
    # Archival selection (Selectielijst gemeenten en intergemeentelijke organen 2020)
    retention_category: Mapped[str | None] = mapped_column(String(20))
    retention_years: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    # The agenda is to be published this many working days (Monday to Friday) before a
    # meeting: the werkvoorraad counts from it (overleg/domain/worklist.py).
    agenda_deadline_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")

    roster: Mapped[list[RosterEntry]] = relationship(
        back_populates="meeting_type", cascade="all, delete-orphan", order_by="RosterEntry.position"
    )
    agenda_template: Mapped[list[AgendaTemplateItem]] = relationship(
        back_populates="meeting_type",
        cascade="all, delete-orphan",
        order_by="AgendaTemplateItem.position",
    )

    @property
    def label(self) -> str:
        return self.name

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    def __str__(self) -> str:
        return self.name


class RosterEntry(Model):
    """Which role a meeting type invites, and as what (vaste deelnemers)."""

    __tablename__ = "roster_entry"
    __table_args__ = (
        UniqueConstraint("meeting_type_id", "role_id"),
        enum_check("part", PARTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="RESTRICT"), index=True)
    part: Mapped[str] = mapped_column(String(20), default="member")
    position: Mapped[int] = mapped_column(Integer, default=0)

    meeting_type: Mapped[MeetingType] = relationship(back_populates="roster")
    role: Mapped[Role] = relationship()

    @property
    def part_label(self) -> str:
        return PART_LABELS[self.part]


class EscalationPath(Model):
    """An allowed route for a topic between two bodies: up (mandate) or down (assignment)."""

    __tablename__ = "escalation_path"
    __table_args__ = (
        UniqueConstraint("from_type_id", "to_type_id"),
        enum_check("direction", DIRECTIONS),
        CheckConstraint("from_type_id <> to_type_id", name="distinct_bodies"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="CASCADE"), index=True
    )
    to_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(10))

    from_type: Mapped[MeetingType] = relationship(foreign_keys=[from_type_id])
    to_type: Mapped[MeetingType] = relationship(foreign_keys=[to_type_id])

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]


class AgendaTemplateItem(Model):
    """A standard agenda item a body's new meetings start with."""

    __tablename__ = "agenda_template_item"
    __table_args__ = (
        enum_check("purpose", PURPOSES),
        enum_check(
            "standard_kind",
            ("opening", "verslag", "actielijst", "mededelingen", "rondvraag", "sluiting", "overig"),
        ),
        CheckConstraint("duration_minutes >= 0", name="duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    standard_kind: Mapped[str] = mapped_column(String(20), default="overig")
    purpose: Mapped[str] = mapped_column(String(20), default="informatie")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=5)

    meeting_type: Mapped[MeetingType] = relationship(back_populates="agenda_template")


class ThemeGroup(Model):
    """A cluster of priority themes in a year's plan, e.g. 'Geweld'."""

    __tablename__ = "theme_group"
    __table_args__ = (UniqueConstraint("year", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="group", order_by="Theme.position", cascade="all, delete-orphan"
    )


class Theme(Model):
    """A priority (veiligheidsthema) of the year's plan."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("group_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("theme_group.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    # a theme is named with its group (the cluster): loaded with it
    group: Mapped[ThemeGroup] = relationship(back_populates="themes", lazy="joined", innerjoin=True)

    @property
    def year(self) -> int:
        return self.group.year

    def __str__(self) -> str:
        return self.name
