"""Security review: a besloten (closed) casus item stays closed to participants not named on it,
even when they saw the same casus at an earlier meeting.

DESIGN.md: "a casus item may be closed to all but named participants (besloten)". The notes,
outcome and description of the closed item are for the named people only; an earlier open
discussion of the same casus does not open a later closed one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.agenda import add_item, set_besloten
from overleg.domain.escalation import conclude
from overleg.domain.minutes import ensure_minutes, send_for_approval
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import make_meeting, meeting_type, person

pytestmark = pytest.mark.usefixtures("seeded")

CLOSED_OUTCOME = "Melder is de buurvrouw op nummer 9; politie neemt contact op"
CLOSED_DESCRIPTION = "Alleen voor politie en sociaal team: identiteit van de melder"
CLOSED_NOTES = "Besloten notitie: strafrechtelijk onderzoek loopt tegen bewoner"


def _client(app, email):
    c = app.test_client()
    assert login(c, email, "Veilig-Overleg-2019").status_code == 302
    return c


@pytest.fixture
def setup():
    sec = person("oov@example.org")
    named = person("specialist@example.org")
    excluded = person("veiligheidshuis@example.org")
    topic = create_topic(
        title="Aanhoudende burenruzie Kerkstraat",
        description="Casus",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    parts = [(named, "member"), (excluded, "member"), (sec, "secretary")]
    earlier = make_meeting("tvo", today_local() - timedelta(days=30), participants=parts)
    add_item(earlier, title="", topic=topic)  # open: both may see the casus here
    later = make_meeting("tvo", today_local() - timedelta(days=2), participants=parts)
    closed = add_item(later, title="", topic=topic, description=CLOSED_DESCRIPTION)
    db.session.flush()
    set_besloten(closed, True, {named.id})  # closed: only the named member
    conclude(closed, outcome=CLOSED_OUTCOME, by=sec)
    minutes = ensure_minutes(later, sec)
    closed.notes = CLOSED_NOTES
    db.session.flush()
    send_for_approval(minutes, sec)
    db.session.commit()
    return dict(later=later, closed=closed, topic=topic)


def test_excluded_participant_does_not_see_closed_item_on_agenda(app, setup):
    html = (
        _client(app, "veiligheidshuis@example.org")
        .get(f"/overleggen/{setup['later'].id}/agenda")
        .get_data(as_text=True)
    )
    assert CLOSED_OUTCOME not in html
    assert CLOSED_DESCRIPTION not in html


def test_excluded_participant_does_not_see_closed_item_in_minutes(app, setup):
    c = _client(app, "veiligheidshuis@example.org")
    r = c.get(f"/overleggen/{setup['later'].id}/verslag")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert CLOSED_NOTES not in html
    assert CLOSED_OUTCOME not in html


def test_excluded_participant_does_not_see_closed_item_in_minutes_pdf(app, setup):
    import io

    from pypdf import PdfReader

    c = _client(app, "veiligheidshuis@example.org")
    r = c.get(f"/overleggen/{setup['later'].id}/verslag.pdf")
    assert r.status_code == 200
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "strafrechtelijk onderzoek" not in text


def test_named_participant_sees_closed_item(app, setup):
    html = (
        _client(app, "specialist@example.org")
        .get(f"/overleggen/{setup['later'].id}/verslag")
        .get_data(as_text=True)
    )
    assert CLOSED_NOTES in html


def test_excluded_participant_does_not_read_closed_decision_in_register(app, setup):
    from overleg.domain.decisions import add_decision

    add_decision(
        setup["later"], setup["closed"], "Besluit: bestuurlijke waarschuwing aan bewoner nr 7"
    )
    db.session.commit()
    html = _client(app, "veiligheidshuis@example.org").get("/besluiten/tvo").get_data(as_text=True)
    assert "bestuurlijke waarschuwing aan bewoner" not in html
