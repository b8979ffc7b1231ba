"""Organisations, people, accounts, login sessions, roles and who holds them."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..timeutil import utcnow
from .common import Timestamped, enum_check

APP_ROLES = ("beheerder", "secretaris", "deelnemer")
APP_ROLE_LABELS = {
    "beheerder": "Beheerder",
    "secretaris": "Secretaris (OOV)",
    "deelnemer": "Deelnemer",
}

ORGANISATION_KINDS = ("gemeente", "politie", "justitie", "zorg", "veiligheid", "overig")
ORGANISATION_KIND_LABELS = {
    "gemeente": "Gemeente",
    "politie": "Politie",
    "justitie": "Justitie",
    "zorg": "Zorg en welzijn",
    "veiligheid": "Veiligheid",
    "overig": "Overig",
}


class Organisation(Timestamped, Model):
    """A ketenpartner: gemeente, politie, OM, sociale teams, Veiligheidshuis, ..."""

    __tablename__ = "organisation"
    __table_args__ = (enum_check("kind", ORGANISATION_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="overig")
    description: Mapped[str | None] = mapped_column(Text)

    people: Mapped[list[Person]] = relationship(back_populates="organisation")

    def __str__(self) -> str:
        return self.name


class Person(UserMixin, Timestamped, Model):
    """Anyone who takes part; an account (password) is optional for external guests."""

    __tablename__ = "person"
    __table_args__ = (
        enum_check("app_role", APP_ROLES),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    app_role: Mapped[str] = mapped_column(String(20), default="deelnemer")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    alarm_minutes: Mapped[int | None] = mapped_column(Integer)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    # a person is named with their organisation ("Naam (Politie)"): loaded with them
    organisation: Mapped[Organisation | None] = relationship(back_populates="people", lazy="joined")

    # Flask-Login: the id in the cookie is the login session's token, not the person id,
    # so that logging out on the server ends the session for good.
    # Set per request by the session loader; not a column (so no annotation: the ORM would map it).
    _login_session_token = cast("str | None", None)

    # UserMixin compares get_id(), which is None for everyone but the logged-in person:
    # keep the ORM's identity semantics instead.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str | None:  # pragma: no cover - used by Flask-Login
        return self._login_session_token

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def has_account(self) -> bool:
        return self.password_hash is not None

    @property
    def is_admin(self) -> bool:
        return self.app_role == "beheerder"

    @property
    def is_secretary(self) -> bool:
        """Secretaries and administrators plan and see all meetings."""
        return self.app_role in ("secretaris", "beheerder")

    @property
    def app_role_label(self) -> str:
        return APP_ROLE_LABELS.get(self.app_role, self.app_role)

    def __str__(self) -> str:
        return self.name


class LoginSession(Model):
    """A server-side login session; the browser holds only its random token."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    person: Mapped[Person] = relationship()


class Role(Timestamped, Model):
    """A function (functie): burgemeester, officier van justitie, BT-chef, ambtenaar OOV ..."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation | None] = relationship()
    holdings: Mapped[list[RoleHolding]] = relationship(
        back_populates="role", order_by="RoleHolding.start_date", cascade="all, delete-orphan"
    )

    def holding_on(self, day: date) -> RoleHolding | None:
        for holding in self.holdings:
            if holding.covers(day):
                return holding
        return None

    def __str__(self) -> str:
        return self.name


class RoleHolding(Timestamped, Model):
    """A person holds a role from start_date until end_date (inclusive, open when empty)."""

    __tablename__ = "role_holding"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period"),
        CheckConstraint("deputy_id IS NULL OR deputy_id <> person_id", name="deputy_other"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    deputy_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    role: Mapped[Role] = relationship(back_populates="holdings")
    # a holding is shown with who holds it and their deputy: loaded with it
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined", innerjoin=True)
    deputy: Mapped[Person | None] = relationship(foreign_keys=[deputy_id], lazy="joined")

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Unavailability(Timestamped, Model):
    """A person is away (verlof, ziekte) for a period; their deputy is invited instead."""

    __tablename__ = "unavailability"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship()


def person_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email.strip().lower()))


def count_people() -> int:
    return db.session.scalar(select(func.count(Person.id))) or 0
