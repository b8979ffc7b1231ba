"""Helpers for the minutes tests: past meetings of a seeded body with participants."""

from __future__ import annotations

import io
import re
from datetime import time, timedelta

from sqlalchemy import select

from overleg.extensions import db
from overleg.models import AgendaItem, AgendaItemAccess, Minutes, Topic
from overleg.timeutil import today_local
from tests.factories import make_decision, make_meeting, meeting_type


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


CASE = "Gezin Bakker, Kolham"


def casus_minutes(people):
    """Past TVO minutes (not yet sent) with a closed casus (CASE, named member `insider`) and
    two open topics, a guest named for one of them ("Kermis Hoogezand"), a decision on the
    casus and one on the kermis; and the next meeting, to approve them at. Returns (first,
    second, outsider, insider, secretary, guest)."""
    from tests.conftest import make_person as _make_person

    outsider, insider, sec = (
        people["deelnemer"],
        _make_person("ingewijde@test.example.org"),
        people["secretaris"],
    )
    guest = _make_person("gast@test.example.org", name="Gerda Gast")
    parts = [(outsider, "member"), (insider, "member"), (sec, "secretary"), (guest, "guest")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    items = {}
    for n, (title, conf) in enumerate(
        [(CASE, "casus"), ("Kermis Hoogezand", "intern"), ("Overlast Sappemeer", "intern")]
    ):
        topic = Topic(
            reference=f"TVO-2019-0{n + 20}",
            title=title,
            meeting_type=meeting_type("tvo"),
            confidentiality=conf,
        )
        items[title] = AgendaItem(
            meeting=first,
            position=3 + n,
            kind="topic",
            title=title,
            topic=topic,
            purpose="bespreking",
            besloten=conf == "casus",
            notes=f"Notities {title}.",
        )
        db.session.add_all([topic, items[title]])
    db.session.flush()
    make_decision(first, items[CASE], text="Besluit over de casus Bakker")
    make_decision(first, items["Kermis Hoogezand"], text="Besluit kermisvergunning")
    db.session.add_all(
        [
            AgendaItemAccess(agenda_item_id=items[CASE].id, person_id=insider.id, kind="besloten"),
            AgendaItemAccess(
                agenda_item_id=items["Kermis Hoogezand"].id, person_id=guest.id, kind="gast"
            ),
        ]
    )
    db.session.commit()
    return first, second, outsider, insider, sec, guest
