"""Agenda items of a meeting. Topics, escalations and documents build on these."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .bodies import PURPOSES
from .common import Timestamped, enum_check
from .meetings import Meeting

ITEM_KINDS = ("standard", "topic", "free")
STANDARD_KINDS = ("opening", "verslag", "actielijst", "mededelingen", "rondvraag", "sluiting",
                  "overig")


class AgendaItem(Timestamped, db.Model):
    __tablename__ = "agenda_item"
    __table_args__ = (
        enum_check("kind", ITEM_KINDS),
        enum_check("purpose", PURPOSES),
        CheckConstraint("standard_kind IS NULL OR standard_kind IN ("
                        + ", ".join(f"'{k}'" for k in STANDARD_KINDS) + ")",
                        name="standard_kind_valid"),
        CheckConstraint("duration_minutes >= 0", name="duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default="free")
    standard_kind: Mapped[Optional[str]] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[Optional[str]] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(20), default="informatie")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=10)
    presenter: Mapped[Optional[str]] = mapped_column(String(200))
    # Minutes per item (notes taken during the meeting)
    notes: Mapped[Optional[str]] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(
        backref=db.backref("agenda_items", order_by="AgendaItem.position",
                           cascade="all, delete-orphan"))
