"""Deleting asks first: answering "Annuleren" keeps the agenda item, "OK" removes it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser_support import log_in

pytestmark = pytest.mark.browser


def _upcoming_tvo_with_free_item(app) -> tuple[int, str]:
    from overleg.extensions import db
    from overleg.models import AgendaItem, Meeting, MeetingType
    from overleg.timeutil import utcnow

    with app.app_context():
        meeting = db.session.scalar(
            select(Meeting)
            .join(MeetingType)
            .where(
                MeetingType.code == "tvo",
                Meeting.starts_at > utcnow(),
                Meeting.status == "gepland",
                Meeting.agenda_status == "concept",
            )
            .order_by(Meeting.starts_at)
        )
        title = "Tijdelijk punt om te verwijderen"
        db.session.add(
            AgendaItem(
                meeting=meeting,
                title=title,
                kind="free",
                position=90,
                purpose="informatie",
                duration_minutes=5,
            )
        )
        db.session.commit()
        return meeting.id, title


def test_delete_asks_for_confirmation(live_app, browser):
    base = live_app.config["LIVE_URL"]
    meeting_id, title = _upcoming_tvo_with_free_item(live_app)
    context = browser.new_context(locale="nl-NL")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    log_in(pg, base, "oov@example.org")
    pg.goto(f"{base}/overleggen/{meeting_id}/agenda")
    item = pg.locator("li.agenda-item", has_text=title)
    questions = []

    pg.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    item.get_by_role("button", name="Verwijderen").click()
    pg.wait_for_timeout(300)
    assert questions == ["Agendapunt verwijderen?"]
    pg.reload()
    assert title in pg.content()

    pg.once("dialog", lambda d: d.accept())
    pg.locator("li.agenda-item", has_text=title).get_by_role("button", name="Verwijderen").click()
    pg.wait_for_load_state()
    pg.reload()
    assert title not in pg.content()
    context.close()
