"""Helpers for the minutes tests: past meetings of a seeded body with participants."""

from __future__ import annotations

import io
import re
from datetime import time, timedelta

from sqlalchemy import select

from overleg.extensions import db
from overleg.models import AgendaItem, Minutes
from overleg.timeutil import today_local
from tests.factories import make_meeting


def past_meeting(code: str = "tvo", days_ago: int = 14, participants=(), at: time = time(10, 0)):
    return make_meeting(
        code, day=today_local() - timedelta(days=days_ago), at=at, participants=list(participants)
    )


def item_of(meeting, kind: str) -> AgendaItem:
    return next(i for i in meeting.agenda_items if i.standard_kind == kind)


def minutes_of(meeting) -> Minutes | None:
    db.session.expire_all()
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def page_state(client, meeting, item) -> tuple[int, str]:
    """(version, base hash) of an item's notes form as the page renders it."""
    html = client.get(f"/overleggen/{meeting.id}/verslag").get_data(as_text=True)
    action = f"/overleggen/{meeting.id}/verslag/punten/{item.id}/notities"
    start = html.index(f'action="{action}"')
    chunk = html[start : start + 2000]
    version = int(re.search(r'name="version" value="(\d+)"', chunk).group(1))
    base = re.search(r'name="base" value="([0-9a-f]*)"', chunk).group(1)
    return version, base


def save_notes(client, meeting, item, text, version, base, **headers):
    return client.post(
        f"/overleggen/{meeting.id}/verslag/punten/{item.id}/notities",
        data={"notes": text, "version": version, "base": base},
        headers=headers,
    )


def pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
