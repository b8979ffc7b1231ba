"""Retention (archival selection): each meeting type carries its category of the
Selectielijst gemeenten en intergemeentelijke organen 2020 and the term in years.

The term runs from the date of the meeting: minutes of a meeting on 12 March 2019 with a
term of 5 years may be destroyed from 12 March 2024 on. Without a category or term, a record
is kept (no destruction date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Meeting, MeetingType, Minutes
from ..timeutil import to_local, today_local

# Categories of the Selectielijst 2020 the demo uses (process 19.1: overleg voeren).
CATEGORIES = {
    "19.1.10": "Bestuurlijk overleg met derden (vernietigen na 10 jaar)",
    "19.1.11": "Ambtelijk overleg (vernietigen na 5 jaar)",
}


def category_label(meeting_type: MeetingType) -> str:
    cat = meeting_type.retention_category
    if not cat:
        return "Geen selectiecategorie vastgelegd (bewaren)"
    return f"{cat} {CATEGORIES.get(cat, '')}".strip()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def destruction_date(meeting: Meeting) -> date | None:
    """The first day the meeting's records (minutes, their versions and PDFs) may be destroyed."""
    mt = meeting.meeting_type
    if not mt.retention_years:
        return None
    return add_years(to_local(meeting.starts_at).date(), mt.retention_years)


@dataclass
class RetentionRow:
    minutes: Minutes
    destroy_from: date
    days_past: int


def past_term(on: date | None = None) -> list[RetentionRow]:
    """Minutes whose retention term has passed on this day (default today), oldest first."""
    on = on or today_local()
    stmt = (
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(MeetingType, MeetingType.id == Meeting.meeting_type_id)
        .where(MeetingType.retention_years.is_not(None))
        .options(
            selectinload(Minutes.meeting).selectinload(Meeting.meeting_type),
            selectinload(Minutes.versions),
        )
        .order_by(Meeting.starts_at)
    )
    rows = []
    for minutes in db.session.scalars(stmt):
        destroy = destruction_date(minutes.meeting)
        if destroy is not None and destroy <= on:
            rows.append(RetentionRow(minutes, destroy, (on - destroy).days))
    return rows
