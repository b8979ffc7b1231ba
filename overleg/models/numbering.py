"""Counters for numbers that are handed out once: topic references and decision numbers."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .common import enum_check

COUNTER_KINDS = ("topic", "decision")


class NumberCounter(Model):
    """The last number handed out per kind, body and year. Only ever raised, so a number is
    never reused, not even after the numbered row is deleted."""

    __tablename__ = "number_counter"
    __table_args__ = (
        UniqueConstraint("kind", "meeting_type_id", "year"),
        enum_check("kind", COUNTER_KINDS),
        CheckConstraint("last_number >= 0", name="last_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    meeting_type_id: Mapped[int] = mapped_column(ForeignKey("meeting_type.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
