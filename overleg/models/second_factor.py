"""A person's second factor: the TOTP secret (encrypted) and the recovery codes (hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timeutil import utcnow


class SecondFactor(Model):
    """A confirmed TOTP second factor; at most one per person. The secret is stored
    encrypted (``overleg.auth.mfa``) and never reaches the audit log or a log line."""

    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    enabled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # the time step of the last code accepted: that code, and older ones, are refused
    last_used_step: Mapped[int | None] = mapped_column(Integer)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class RecoveryCode(Model):
    """One of the ten one-time codes of an enrolment, argon2id-hashed; used once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
