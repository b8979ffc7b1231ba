"""Topics (onderwerpen, casussen), their history, escalations between bodies and per-item
access rows (guests invited for particular items; named participants of a besloten item)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..timeutil import utcnow
from .bodies import (
    CONFIDENTIALITY,
    CONFIDENTIALITY_LABELS,
    DIRECTION_LABELS,
    DIRECTIONS,
    MeetingType,
    Theme,
)
from .common import Timestamped, enum_check
from .people import Organisation, Person

TOPIC_STATUSES = ("nieuw", "in_behandeling", "opgeschaald", "afgerond")
TOPIC_STATUS_LABELS = {
    "nieuw": "Nieuw",
    "in_behandeling": "In behandeling",
    "opgeschaald": "Opgeschaald",
    "afgerond": "Afgerond",
}
# Allowed status transitions: from -> the statuses it may move to.
TOPIC_TRANSITIONS = {
    "nieuw": ("in_behandeling", "opgeschaald", "afgerond"),
    "in_behandeling": ("opgeschaald", "afgerond"),
    "opgeschaald": ("in_behandeling", "afgerond"),
    "afgerond": ("in_behandeling",),
}

TOPIC_EVENT_KINDS = (
    "aangemaakt",
    "status",
    "geagendeerd",
    "opgeschaald",
    "opdracht",
    "afgehandeld",
    "terugkoppeling",
    "gewijzigd",
    "teruggezet",  # back to the backlog: the meeting it was on was cancelled
)

ESCALATION_STATUSES = ("te_agenderen", "geagendeerd", "afgehandeld", "ingetrokken")
ESCALATION_STATUS_LABELS = {
    "te_agenderen": "Te agenderen",
    "geagendeerd": "Geagendeerd",
    "afgehandeld": "Afgehandeld",
    "ingetrokken": "Ingetrokken",
}
OPEN_ESCALATION_STATUSES = ("te_agenderen", "geagendeerd")
OUTCOME_KINDS = ("geen", "besluit", "opdracht")
OUTCOME_KIND_LABELS = {"geen": "Uitkomst", "besluit": "Besluit", "opdracht": "Opdracht"}

ACCESS_KINDS = ("gast", "besloten")


class TopicLabels:
    """What a topic says of itself from its confidentiality and status: for the model and for
    the plain rows of the topic list (``domain.topics.ListedTopic``)."""

    __slots__ = ()
    confidentiality: str
    status: str

    @property
    def is_casus(self) -> bool:
        return self.confidentiality == "casus"

    @property
    def status_label(self) -> str:
        return TOPIC_STATUS_LABELS.get(self.status, self.status)


class Topic(TopicLabels, Timestamped, Model):
    """A safety problem or case that lives across meetings and bodies."""

    __tablename__ = "topic"
    __table_args__ = (
        enum_check("confidentiality", CONFIDENTIALITY),
        enum_check("status", TOPIC_STATUSES),
        # the topic list, newest first, by keyset (overleg.domain.topics.list_page)
        Index("ix_topic_created_at", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="RESTRICT"), index=True
    )
    aanbrenger_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    confidentiality: Mapped[str] = mapped_column(String(20), default="vertrouwelijk")
    status: Mapped[str] = mapped_column(String(20), default="nieuw")
    # The body that owns it now
    meeting_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    theme: Mapped[Theme | None] = relationship()
    aanbrenger: Mapped[Organisation | None] = relationship()
    meeting_type: Mapped[MeetingType] = relationship()
    created_by: Mapped[Person | None] = relationship()
    events: Mapped[list[TopicEvent]] = relationship(
        back_populates="topic", order_by="TopicEvent.id", cascade="all, delete-orphan"
    )

    @property
    def confidentiality_label(self) -> str:
        return CONFIDENTIALITY_LABELS.get(self.confidentiality, self.confidentiality)

    def __str__(self) -> str:
        return self.reference


class TopicEvent(Model):
    """One line of a topic's history; appended, never rewritten. No case text in `note`
    beyond what the topic itself already holds (questions and outcomes)."""

    __tablename__ = "topic_event"
    __table_args__ = (enum_check("kind", TOPIC_EVENT_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(Text)

    topic: Mapped[Topic] = relationship(back_populates="events")
    person: Mapped[Person | None] = relationship()


class Escalation(Timestamped, Model):
    """A topic moved from one body to another along an `EscalationPath`: up (mandate,
    priority) or down (an assignment)."""

    __tablename__ = "escalation"
    __table_args__ = (
        enum_check("direction", DIRECTIONS),
        enum_check("status", ESCALATION_STATUSES),
        enum_check("outcome_kind", OUTCOME_KINDS),
        CheckConstraint("from_type_id <> to_type_id", name="distinct_bodies"),
        # At most one open escalation of a topic to the same body.
        Index(
            "uq_escalation_open_topic_target",
            "topic_id",
            "to_type_id",
            unique=True,
            sqlite_where=text("status IN ('te_agenderen', 'geagendeerd')"),
            postgresql_where=text("status IN ('te_agenderen', 'geagendeerd')"),
        ),
        # The werkvoorraad's escalations and terugkoppelingen waiting for a meeting.
        Index("ix_escalation_status_feedback", "status", "feedback_item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    from_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="RESTRICT"), index=True
    )
    to_type_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_type.id", ondelete="RESTRICT"), index=True
    )
    direction: Mapped[str] = mapped_column(String(10))
    origin_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )
    origin_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="te_agenderen")
    target_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(Text)
    outcome_kind: Mapped[str] = mapped_column(String(20), default="geen")
    concluded_at: Mapped[datetime | None] = mapped_column(DateTime)
    feedback_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    topic: Mapped[Topic] = relationship()
    from_type: Mapped[MeetingType] = relationship(foreign_keys=[from_type_id])
    to_type: Mapped[MeetingType] = relationship(foreign_keys=[to_type_id])
    origin_meeting = relationship("Meeting", foreign_keys=[origin_meeting_id])
    origin_item = relationship("AgendaItem", foreign_keys=[origin_item_id])
    target_item = relationship("AgendaItem", foreign_keys=[target_item_id])
    feedback_item = relationship("AgendaItem", foreign_keys=[feedback_item_id])
    created_by: Mapped[Person | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ESCALATION_STATUSES

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def status_label(self) -> str:
        return ESCALATION_STATUS_LABELS[self.status]

    @property
    def outcome_kind_label(self) -> str:
        return OUTCOME_KIND_LABELS[self.outcome_kind]


class AgendaItemAccess(Model):
    """Who is named on an agenda item: `gast` (a guest invited for this item) or `besloten`
    (a participant admitted to a closed casus item)."""

    __tablename__ = "agenda_item_access"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", "person_id", "kind"),
        enum_check("kind", ACCESS_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))

    person: Mapped[Person] = relationship()
