"""All models, importable from one place: ``from overleg.models import Meeting``."""
from .agenda import AgendaItem
from .audit import AuditEvent
from .bodies import (AgendaTemplateItem, EscalationPath, MeetingType, RosterEntry, Theme,
                     ThemeGroup)
from .meetings import Meeting, MeetingSeries, Participant
from .people import LoginSession, Organisation, Person, Role, RoleHolding, Unavailability

__all__ = [
    "AgendaItem", "AgendaTemplateItem", "AuditEvent", "EscalationPath", "LoginSession", "Meeting",
    "MeetingSeries", "MeetingType", "Organisation", "Participant", "Person", "Role",
    "RoleHolding", "RosterEntry", "Theme", "ThemeGroup", "Unavailability",
]
