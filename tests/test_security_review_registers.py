"""Security review: the decision register's topic filter lists only topics the reader may see.

minutes/views.py decision_register fills the "Onderwerp" choices with every topic that has a
decision in that body, unfiltered: a participant of no Driehoek meeting learns which topic
references the Driehoek decided on (and their count), though every decision row is hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.agenda import add_item
from overleg.domain.decisions import add_decision
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import make_meeting, meeting_type, person

pytestmark = pytest.mark.usefixtures("seeded")


def test_decision_register_topic_filter_hides_topics_of_unseen_meetings(app):
    driehoek = make_meeting(
        "driehoek",
        today_local() - timedelta(days=5),
        participants=[(person("burgemeester@example.org"), "chair")],
    )
    topic = create_topic(
        title="Ondermijning haven",
        meeting_type=meeting_type("driehoek"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    item = add_item(driehoek, title="", topic=topic)
    db.session.flush()
    add_decision(driehoek, item, "Bestuurlijke sluiting voorbereiden")
    db.session.commit()
    c = app.test_client()
    assert login(c, "wijkagent@example.org", "Veilig-Overleg-2019").status_code == 302
    html = c.get("/besluiten/driehoek").get_data(as_text=True)
    assert "Bestuurlijke sluiting" not in html  # the row is hidden (passes today)
    assert topic.reference not in html  # the filter must not list it either


def test_organisation_action_from_unseen_meeting_keeps_its_text_hidden(app):
    """/mijn-actiepunten lists actions owned by the reader's organisation with their full text,
    also when they were made in a meeting the reader may not see (a Driehoek action for
    'Politie' shown to every police account, e.g. the wijkagent). Need to know: the text
    belongs to the participants of that meeting (and the owner named in person)."""
    from overleg.domain.actions import add_action

    btchef = person("btchef@example.org")
    driehoek = make_meeting(
        "driehoek",
        today_local() - timedelta(days=5),
        participants=[(person("burgemeester@example.org"), "chair"), (btchef, "member")],
    )
    topic = create_topic(
        title="Ondermijning haven",
        meeting_type=meeting_type("driehoek"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    item = add_item(driehoek, title="", topic=topic)
    db.session.flush()
    add_action(
        driehoek,
        item,
        "Heimelijke observatie pand Havenkade 3 voorbereiden",
        owner_organisation=btchef.organisation,
    )
    db.session.commit()
    c = app.test_client()
    assert login(c, "wijkagent@example.org", "Veilig-Overleg-2019").status_code == 302
    assert c.get(f"/overleggen/{driehoek.id}").status_code == 404  # may not see the meeting
    html = c.get("/mijn-actiepunten").get_data(as_text=True)
    assert "Heimelijke observatie" not in html
