"""Agenda items of a meeting. Topics, escalations and documents build on these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .bodies import PURPOSE_LABELS, PURPOSES
from .common import Timestamped, enum_check
from .meetings import Meeting

if TYPE_CHECKING:
    from .documents import Document

ITEM_KINDS = ("standard", "topic", "free")
PROPOSAL_STATUSES = ("voorgesteld", "geaccepteerd", "afgewezen")
PROPOSAL_STATUS_LABELS = {
    "voorgesteld": "Voorgesteld",
    "geaccepteerd": "Geaccepteerd",
    "afgewezen": "Afgewezen",
}
STANDARD_KINDS = (
    "opening",
    "verslag",
    "actielijst",
    "mededelingen",
    "rondvraag",
    "sluiting",
    "overig",
)


class AgendaItem(Timestamped, Model):
    __tablename__ = "agenda_item"
    __table_args__ = (
        enum_check("kind", ITEM_KINDS),
        enum_check("purpose", PURPOSES),
        CheckConstraint(
            "standard_kind IS NULL OR standard_kind IN ("
            + ", ".join(f"'{k}'" for k in STANDARD_KINDS)
            + ")",
            name="standard_kind_valid",
        ),
        CheckConstraint("duration_minutes >= 0", name="duration"),
        CheckConstraint(
            "proposal_status IS NULL OR proposal_status IN "
            "('voorgesteld', 'geaccepteerd', 'afgewezen')",
            name="proposal_status_valid",
        ),
        CheckConstraint(
            "proposal_status IS NULL OR proposal_status <> 'afgewezen' "
            "OR decline_reason IS NOT NULL",
            name="decline_has_reason",
        ),
        # The werkvoorraad's proposals to answer, oldest first, without reading every item
        # (the query compares with the literal, as a partial index needs).
        Index(
            "ix_agenda_item_proposed",
            "created_at",
            "id",
            sqlite_where=text("proposal_status = 'voorgesteld'"),
            postgresql_where=text("proposal_status = 'voorgesteld'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default="free")
    standard_kind: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(20), default="informatie")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=10)
    presenter: Mapped[str | None] = mapped_column(String(200))
    # Minutes per item (notes taken during the meeting)
    notes: Mapped[str | None] = mapped_column(Text)
    # Topics and escalation (overleg/domain/topics.py, escalation.py)
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="RESTRICT"), index=True
    )
    origin_label: Mapped[str | None] = mapped_column(String(300))  # "Opgeschaald door OVO ..."
    question: Mapped[str | None] = mapped_column(Text)  # what the origin body asks
    is_feedback: Mapped[bool] = mapped_column(default=False)  # terugkoppeling item
    outcome: Mapped[str | None] = mapped_column(Text)  # conclusion of the item
    # Need to know: a besloten item is open only to the participants named on it
    besloten: Mapped[bool] = mapped_column(default=False)
    # Proposals by participants: NULL for items the secretary made
    proposal_status: Mapped[str | None] = mapped_column(String(20))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decline_reason: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    topic = relationship("Topic")
    proposed_by = relationship("Person", foreign_keys=[proposed_by_id])

    documents: Mapped[list[Document]] = relationship(
        back_populates="agenda_item",
        order_by="Document.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def on_agenda(self) -> bool:
        """Part of the agenda (not a pending or declined proposal)."""
        return self.proposal_status in (None, "geaccepteerd")

    @property
    def purpose_label(self) -> str:
        return PURPOSE_LABELS.get(self.purpose, self.purpose)
