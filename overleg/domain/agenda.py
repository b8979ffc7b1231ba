"""Agenda rules: standard items from the body's template, ordering and start times."""
from __future__ import annotations

from datetime import datetime, timedelta

from ..extensions import db
from ..models import AgendaItem, Meeting


def create_standard_items(meeting: Meeting) -> list[AgendaItem]:
    """Give a newly planned meeting its body's standard items (once)."""
    if meeting.agenda_items:
        return list(meeting.agenda_items)
    items = []
    for pos, tpl in enumerate(meeting.meeting_type.agenda_template):
        item = AgendaItem(meeting=meeting, position=pos, kind="standard",
                          standard_kind=tpl.standard_kind, title=tpl.title, purpose=tpl.purpose,
                          duration_minutes=tpl.duration_minutes)
        db.session.add(item)
        items.append(item)
    return items


def start_times(meeting: Meeting, items: list[AgendaItem]) -> dict[int, datetime]:
    """Computed start (naive UTC) of each item: the meeting's start plus the items before it."""
    at = meeting.starts_at
    result = {}
    for item in items:
        result[item.id] = at
        at = at + timedelta(minutes=item.duration_minutes or 0)
    return result
