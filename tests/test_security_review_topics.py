"""Security review: need to know on the topic page, topic list and escalation overview.

A besloten agenda item is closed to all but the named participants, whatever the topic's
confidentiality (DESIGN.md "Who may see what"; overleg/domain/need_to_know.py: "A besloten item
without a casus topic is hidden the same way"). The topic page's timeline must not show the
title, question or outcome of a besloten item to a participant not named on it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.agenda import add_item, set_besloten
from overleg.domain.escalation import conclude
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")

SECRET_OUTCOME = "Huisverbod voor bewoner Dorpsstraat 7 voorbereid"
SECRET_TITLE = "Besloten bespreking informant Kerkstraat"


def _client(app, email):
    c = app.test_client()
    assert login(c, email, "Veilig-Overleg-2019").status_code == 302
    return c


@pytest.fixture
def besloten_on_open_topic():
    sec = person("oov@example.org")
    named = person("specialist@example.org")
    excluded = person("veiligheidshuis@example.org")
    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=3),
        participants=[(named, "member"), (excluded, "member"), (sec, "secretary")],
    )
    topic = create_topic(
        title="Ondermijning bedrijventerrein",
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    open_item = add_item(meeting, title="", topic=topic)  # excluded may see this one
    closed = add_item(meeting, title=SECRET_TITLE, topic=topic)
    db.session.flush()
    set_besloten(closed, True, {named.id})
    conclude(closed, outcome=SECRET_OUTCOME, by=sec)
    publish(meeting)  # the agenda is out, so the participants' rights apply
    return dict(topic=topic, closed=closed, open_item=open_item, meeting=meeting)


def test_excluded_participant_cannot_read_besloten_item_on_topic_timeline(
    app, besloten_on_open_topic
):
    s = besloten_on_open_topic
    c = _client(app, "veiligheidshuis@example.org")
    # The agenda page hides the besloten item correctly ...
    agenda = c.get(f"/overleggen/{s['meeting'].id}/agenda").get_data(as_text=True)
    assert SECRET_OUTCOME not in agenda and SECRET_TITLE not in agenda
    # ... but the topic page's timeline must do the same.
    r = c.get(f"/onderwerpen/{s['topic'].id}")
    assert r.status_code in (200, 404)
    html = r.get_data(as_text=True)
    assert SECRET_OUTCOME not in html
    assert SECRET_TITLE not in html


def test_named_participant_still_reads_besloten_item_on_timeline(app, besloten_on_open_topic):
    s = besloten_on_open_topic
    html = (
        _client(app, "specialist@example.org")
        .get(f"/onderwerpen/{s['topic'].id}")
        .get_data(as_text=True)
    )
    assert SECRET_OUTCOME in html


@pytest.fixture
def topic_only_on_besloten_item():
    sec = person("oov@example.org")
    named = person("specialist@example.org")
    excluded = person("veiligheidshuis@example.org")
    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=3),
        participants=[(named, "member"), (excluded, "member"), (sec, "secretary")],
    )
    topic = create_topic(
        title="Integriteitsmelding wethouder",
        description="Signaal over een bestuurder",
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    closed = add_item(meeting, title="", topic=topic)
    db.session.flush()
    set_besloten(closed, True, {named.id})
    publish(meeting)
    return dict(topic=topic, meeting=meeting)


def test_topic_of_only_a_besloten_item_is_not_readable_by_excluded_participant(
    app, topic_only_on_besloten_item
):
    s = topic_only_on_besloten_item
    c = _client(app, "veiligheidshuis@example.org")
    agenda = c.get(f"/overleggen/{s['meeting'].id}/agenda").get_data(as_text=True)
    assert "Integriteitsmelding wethouder" not in agenda  # the agenda hides it ...
    page = c.get(f"/onderwerpen/{s['topic'].id}").get_data(as_text=True)
    assert "Integriteitsmelding wethouder" not in page  # ... the topic page must too
    assert "Signaal over een bestuurder" not in page
    listing = c.get("/onderwerpen").get_data(as_text=True)
    assert "Integriteitsmelding wethouder" not in listing
