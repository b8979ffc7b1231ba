"""/mijn-actiepunten: an action's text follows its agenda item (read policy): an organisation's
action from a meeting the reader may not see keeps its text hidden, and so does an action of
someone named as owner who is not entitled to the item; actions reach anyone only once the
minutes they were made in are sent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.actions import add_action
from overleg.domain.agenda import add_item
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import make_meeting, meeting_type, person

pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, email):
    c = app.test_client()
    assert login(c, email, "Veilig-Overleg-2019").status_code == 302
    return c


def test_owner_not_entitled_gets_reference_participant_reads_text(app):
    btchef = person("btchef@example.org")
    wijkagent = person("wijkagent@example.org")
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
    free = add_item(driehoek, title="Rondvraag")
    db.session.flush()
    add_action(driehoek, item, "Pand Havenkade 3 in kaart brengen", owner_person=wijkagent)
    add_action(
        driehoek,
        free,
        "Terugkoppeling rondvraag aan korpsleiding",
        owner_organisation=btchef.organisation,
    )
    db.session.commit()
    wijkagent_client = _client(app, "wijkagent@example.org")
    resp = wijkagent_client.get("/mijn-actiepunten")
    assert resp.status_code == 200
    assert "Pand Havenkade 3" not in resp.get_data(as_text=True)  # concept minutes: not yet
    from overleg.domain import minutes as dmin

    dmin.send_for_approval(dmin.ensure_minutes(driehoek))
    db.session.commit()
    resp = wijkagent_client.get("/mijn-actiepunten")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    # the named owner sits in no Driehoek: the reference only
    assert "Pand Havenkade 3 in kaart brengen" not in html
    assert "Actiepunt uit een overleg waar u niet bij was" in html
    assert "Terugkoppeling rondvraag" not in html  # organisation, unseen meeting
    assert "Actiepunt uit een overleg waar u niet bij was" in html
    assert f"/overleggen/{driehoek.id}/verslag" not in html  # no link to a 404
    # a participant of the meeting reads the organisation's action in full, with the link
    resp = _client(app, "btchef@example.org").get("/mijn-actiepunten")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Terugkoppeling rondvraag aan korpsleiding" in html
    assert f"/overleggen/{driehoek.id}/verslag" in html
    # and the register of the body shows the participant the owner's action in full
    html = _client(app, "btchef@example.org").get("/actiepunten/driehoek").get_data(as_text=True)
    assert "Pand Havenkade 3 in kaart brengen" in html


def test_organisation_action_from_an_unseen_meeting_hides_text_date_and_topic(app):
    """An action owned by the reader's organisation, made in a Driehoek the reader takes no
    part in: "Mijn actiepunten" shows neither its text, nor the meeting's date ("Gemaakt in"),
    nor the topic it was about. A participant of that Driehoek sees all three."""
    from datetime import date

    btchef = person("btchef@example.org")
    driehoek = make_meeting(
        "driehoek",
        date(2019, 3, 12),
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
    from overleg.domain import minutes as dmin

    dmin.send_for_approval(dmin.ensure_minutes(driehoek))  # actions reach readers once sent
    db.session.commit()
    participant = _client(app, "btchef@example.org")
    resp = participant.get("/mijn-actiepunten")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Heimelijke observatie" in html
    assert "12 maart 2019" in html
    assert participant.get(f"/overleggen/{driehoek.id}").status_code == 200
    topic_page = participant.get(f"/onderwerpen/{topic.id}")
    assert topic_page.status_code == 200 and topic.reference in topic_page.get_data(as_text=True)
    colleague = _client(app, "wijkagent@example.org")  # police too, but not in that Driehoek
    assert colleague.get(f"/overleggen/{driehoek.id}").status_code == 404
    resp = colleague.get("/mijn-actiepunten")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Actiepunt uit een overleg waar u niet bij was" in html  # the row is there
    assert "Heimelijke observatie" not in html
    assert "12 maart 2019" not in html
    assert topic.reference not in html
