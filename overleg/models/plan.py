"""The Integraal Jaarplan Veiligheid as data: one plan per year, in versions.

A year's priorities keep their identity across versions through the year's ``Theme`` (and
its ``ThemeGroup``, the cluster): a topic belongs to a priority through ``Topic.theme_id``,
whichever version is current. Each version holds its own copy of the texts of section 5
(``PlanPriority``), so an adopted version stays exactly as it was adopted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .bodies import Theme
from .common import Timestamped, enum_check
from .people import Organisation, Person

PLAN_STATUSES = ("concept", "vastgesteld")
PLAN_STATUS_LABELS = {"concept": "Concept", "vastgesteld": "Vastgesteld"}
AMBITION_LABELS = {"ambitie": "Gezamenlijke ambitie", "doel": "Doel"}

# The text fields of a priority, as section 5 has them: (attribute, label).
PRIORITY_TEXT_FIELDS = (
    ("results", "Resultaat"),
    ("related_policy", "Samenhangend beleid"),
    ("contribution_gemeente", "Bijdrage gemeente"),
    ("contribution_politie", "Bijdrage politie"),
    ("contribution_om", "Bijdrage O.M."),
    ("contribution_partners", "Bijdrage overige ketenpartners"),
)


class PlanYear(Timestamped, Model):
    """The jaarplan of one year."""

    __tablename__ = "plan_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))

    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", cascade="all, delete-orphan"
    )


class PlanVersion(Timestamped, Model):
    """One version of a year's plan: a concept the secretary edits, or vastgesteld (frozen).
    Adopted by a decision of the Driehoek (``decision_id``); a plan adopted before Overleg
    (the 2019 plan of the demo) has a date and no decision."""

    __tablename__ = "plan_version"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        enum_check("status", PLAN_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_year.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="concept")
    note: Mapped[str | None] = mapped_column(Text)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_version.id", ondelete="SET NULL")
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT"), index=True
    )
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    plan: Mapped[PlanYear] = relationship(back_populates="versions")
    copied_from: Mapped[PlanVersion | None] = relationship(remote_side=[id])
    decision = relationship("Decision")
    created_by: Mapped[Person | None] = relationship()
    priorities: Mapped[list[PlanPriority]] = relationship(
        back_populates="version", order_by="PlanPriority.position", cascade="all, delete-orphan"
    )

    @property
    def is_frozen(self) -> bool:
        return self.status == "vastgesteld"

    @property
    def status_label(self) -> str:
        return PLAN_STATUS_LABELS[self.status]

    @property
    def label(self) -> str:
        return f"{self.plan.title}, versie {self.number}"


class PlanPriority(Model):
    """A priority of one version, with the fields of section 5."""

    __tablename__ = "plan_priority"
    __table_args__ = (
        UniqueConstraint("version_id", "theme_id"),
        enum_check("ambition_label", tuple(AMBITION_LABELS)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_version.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    heading: Mapped[str] = mapped_column(String(300))
    ambition_label: Mapped[str] = mapped_column(String(10), default="ambitie")
    ambition: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    related_policy: Mapped[str | None] = mapped_column(Text)
    contribution_gemeente: Mapped[str | None] = mapped_column(Text)
    contribution_politie: Mapped[str | None] = mapped_column(Text)
    contribution_om: Mapped[str | None] = mapped_column(Text)
    contribution_partners: Mapped[str | None] = mapped_column(Text)

    version: Mapped[PlanVersion] = relationship(back_populates="priorities")
    # A priority is shown with its theme, indicators and partners: loaded with it.
    theme: Mapped[Theme] = relationship(lazy="joined", innerjoin=True)
    indicators: Mapped[list[PlanIndicator]] = relationship(
        back_populates="priority",
        order_by="PlanIndicator.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    partners: Mapped[list[PlanPartner]] = relationship(
        back_populates="priority",
        order_by="PlanPartner.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def ambition_title(self) -> str:
        return AMBITION_LABELS[self.ambition_label]


class PlanIndicator(Model):
    """One indicator of a priority. Copies (a new version, a new year) point to the first
    indicator of their line (``lineage_id``); figures per quarter are kept per line."""

    __tablename__ = "plan_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(
        ForeignKey("plan_priority.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    lineage_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_indicator.id", ondelete="SET NULL"), index=True
    )

    priority: Mapped[PlanPriority] = relationship(back_populates="indicators")

    @property
    def lineage(self) -> int:
        """The identity of the indicator across versions and years."""
        return self.lineage_id or self.id


class PlanPartner(Model):
    """A ketenpartner (organisation) the priority names among the other partners."""

    __tablename__ = "plan_partner"
    __table_args__ = (UniqueConstraint("priority_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(
        ForeignKey("plan_priority.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )

    priority: Mapped[PlanPriority] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship()


class IndicatorFigure(Model):
    """A figure of an indicator for one quarter of a year. ``lineage_id`` is the indicator's
    identity across versions and years (the first ``PlanIndicator`` of its line)."""

    __tablename__ = "indicator_figure"
    __table_args__ = (
        UniqueConstraint("lineage_id", "year", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lineage_id: Mapped[int] = mapped_column(
        ForeignKey("plan_indicator.id", ondelete="RESTRICT"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    source: Mapped[str | None] = mapped_column(String(200))
    delivered_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    @property
    def value_text(self) -> str:
        """The value the Dutch way: 12 or 12,5."""
        text = f"{Decimal(self.value).normalize():f}"
        return text.replace(".", ",")
