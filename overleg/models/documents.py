"""Documents (vergaderstukken) attached to an agenda item; the bytes live in storage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .agenda import AgendaItem
from .common import enum_check
from .people import Person

# Content types accepted, as detected from the bytes (never from the name or the browser).
DOCUMENT_TYPES = {
    "application/pdf": ("PDF", ".pdf"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word", ".docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel", ".xlsx"),
    "image/png": ("PNG-afbeelding", ".png"),
    "image/jpeg": ("JPEG-afbeelding", ".jpg"),
}


class Document(Model):
    __tablename__ = "document"
    __table_args__ = (
        enum_check("content_type", tuple(DOCUMENT_TYPES)),
        CheckConstraint("size >= 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="documents")
    uploaded_by: Mapped[Person | None] = relationship()

    @property
    def reference(self) -> str | None:
        """The reference of the item's topic (for the audit log), never a title."""
        topic = getattr(self.agenda_item, "topic", None)
        return topic.reference if topic is not None else None

    @property
    def type_label(self) -> str:
        return DOCUMENT_TYPES.get(self.content_type, (self.content_type,))[0]

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def size_label(self) -> str:
        """'512 kB', '1,4 MB' (Dutch decimal comma)."""
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} kB"
        return f"{self.size / (1024 * 1024):.1f} MB".replace(".", ",")
