"""All models, importable from one place: ``from overleg.models import Meeting``."""

from .aanpak import AanpakVersion, Measure, MeasureNote
from .agenda import AgendaItem
from .audit import AuditEvent
from .bodies import AgendaTemplateItem, EscalationPath, MeetingType, RosterEntry, Theme, ThemeGroup
from .documents import Document
from .mail import OutboxMessage
from .meetings import Meeting, MeetingSeries, Participant, VacantSeat
from .minutes import ActionItem, Decision, Minutes, MinutesVersion
from .numbering import NumberCounter
from .people import LoginSession, Organisation, Person, Role, RoleHolding, Unavailability
from .plan import IndicatorFigure, PlanIndicator, PlanPartner, PlanPriority, PlanVersion, PlanYear
from .retention import DestructionRecord, LegalHold
from .second_factor import RecoveryCode, SecondFactor
from .signals import Signal
from .topics import AgendaItemAccess, Escalation, Topic, TopicEvent

__all__ = [
    "AanpakVersion",
    "Measure",
    "MeasureNote",
    "NumberCounter",
    "AgendaItem",
    "AgendaTemplateItem",
    "AuditEvent",
    "Document",
    "EscalationPath",
    "LoginSession",
    "Meeting",
    "MeetingSeries",
    "MeetingType",
    "Organisation",
    "OutboxMessage",
    "Participant",
    "Person",
    "Role",
    "RoleHolding",
    "RosterEntry",
    "Theme",
    "ThemeGroup",
    "Unavailability",
    "VacantSeat",
    "AgendaItemAccess",
    "Escalation",
    "Topic",
    "TopicEvent",
    "IndicatorFigure",
    "PlanIndicator",
    "PlanPartner",
    "PlanPriority",
    "PlanVersion",
    "PlanYear",
    "Signal",
    "RecoveryCode",
    "SecondFactor",
    "DestructionRecord",
    "LegalHold",
    "ActionItem",
    "Decision",
    "Minutes",
    "MinutesVersion",
]

from . import search as _search  # noqa: F401  (the search indexes beside the tables)
