"""Audit log: who viewed, changed or exported what, and when. Never case text.

A security-relevant change carries its values ``before`` and ``after`` (JSON objects of ids,
codes, flags and dates only, built by ``overleg.domain.audit_changes``); an incident such as
a failed login carries its codes in ``after``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .people import Person


class AuditEvent(Model):
    __tablename__ = "audit_event"
    # The Logboek filtered by event reads its keyset pages (newest first) from this index
    # instead of sorting every event of that kind (a million rows at ten years).
    __table_args__ = (Index("ix_audit_event_event_at_id", "event", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    event: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    # A reference such as 'TVO-2019-014', never a title or free text.
    object_ref: Mapped[str | None] = mapped_column(String(60))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    person: Mapped[Person | None] = relationship()
