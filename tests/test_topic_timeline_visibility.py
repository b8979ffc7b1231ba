"""The topic timeline shows only meetings the reader takes part in."""

from datetime import timedelta

import pytest
from flask import current_app

from overleg.domain.agenda import add_item, set_besloten
from overleg.domain.escalation import conclude, escalate
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import AgendaItem
from overleg.timeutil import today_local
from tests.conftest import demo_client, login
from tests.factories import make_meeting, meeting_type, person, publish


def test_participant_does_not_see_meetings_of_other_bodies_on_the_timeline(app, seeded):
    wijkagent = person("wijkagent@example.org")
    ovo = make_meeting(
        "ovo", today_local() + timedelta(days=1), participants=[(wijkagent, "member")]
    )
    make_meeting("tvo", today_local() + timedelta(days=5))
    topic = create_topic(
        title="Overlast jongeren bij het winkelcentrum",
        meeting_type=meeting_type("ovo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    item = AgendaItem(meeting=ovo, title=topic.title, kind="topic", topic=topic, position=50)
    db.session.add(item)
    db.session.flush()
    escalate(
        item,
        meeting_type("tvo"),
        question="Integrale aanpak?",
        reason="Aanhoudend",
        by=person("oov@example.org"),
    )
    db.session.commit()
    publish(ovo)

    c = app.test_client()
    login(c, "wijkagent@example.org", "Veilig-Overleg-2019")
    resp = c.get(f"/onderwerpen/{topic.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    timeline = html[html.index("Tijdlijn") :]
    assert "Operationeel Veiligheidsoverleg" in timeline
    assert 'href="/overleggen/' in timeline
    tvo_links = [m for m in timeline.split('href="')[1:] if m.startswith("/overleggen/")]
    assert all(str(ovo.id) in link.split('"')[0] for link in tvo_links)
    assert "ook behandeld in 1 overleg waaraan u niet deelneemt" in timeline

    sec = app.test_client()
    login(sec, "oov@example.org", "Veilig-Overleg-2019")
    resp = sec.get(f"/onderwerpen/{topic.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "waaraan u niet deelneemt" not in html
    assert "Tactisch Veiligheidsoverleg" in html[html.index("Tijdlijn") :]


# --- a besloten item on the topic page, the topic list and the open escalations ---------------
# A besloten agenda item is closed to all but the named participants, whatever the topic's
# confidentiality; the topic page must not show its title, question or outcome to the others.

SECRET_OUTCOME = "Huisverbod voor bewoner Dorpsstraat 7 voorbereid"
SECRET_TITLE = "Besloten bespreking informant Kerkstraat"
NAMED = "specialist@example.org"
EXCLUDED = "veiligheidshuis@example.org"


def _tvo_with_named_and_excluded():
    parts = [
        (person(NAMED), "member"),
        (person(EXCLUDED), "member"),
        (person("oov@example.org"), "secretary"),
    ]
    return make_meeting("tvo", today_local() + timedelta(days=3), participants=parts)


@pytest.fixture
def besloten_on_open_topic(seeded):
    meeting = _tvo_with_named_and_excluded()
    topic = create_topic(
        title="Ondermijning bedrijventerrein",
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    add_item(meeting, title="", topic=topic)  # the excluded member may see this one
    closed = add_item(meeting, title=SECRET_TITLE, topic=topic)
    db.session.flush()
    set_besloten(closed, True, {person(NAMED).id})
    conclude(closed, outcome=SECRET_OUTCOME, by=person("oov@example.org"))
    publish(meeting)  # the agenda is out, so the participants' rights apply
    return dict(topic=topic, meeting=meeting)


def test_besloten_item_of_a_known_topic_only_on_the_named_participants_timeline(
    besloten_on_open_topic,
):
    s = besloten_on_open_topic
    for url in (f"/onderwerpen/{s['topic'].id}", f"/overleggen/{s['meeting'].id}/agenda"):
        named = demo_client(current_app, NAMED).get(url)
        assert named.status_code == 200
        assert SECRET_TITLE in named.get_data(as_text=True), url
        assert SECRET_OUTCOME in named.get_data(as_text=True), url
        excluded = demo_client(current_app, EXCLUDED).get(url)
        assert excluded.status_code == 200  # the topic and the agenda are theirs to see
        html = excluded.get_data(as_text=True)
        assert "Ondermijning bedrijventerrein" in html  # the open item
        assert SECRET_TITLE not in html, url
        assert SECRET_OUTCOME not in html, url


def test_topic_only_on_a_besloten_item_is_not_found_by_the_excluded_participant(seeded):
    meeting = _tvo_with_named_and_excluded()
    topic = create_topic(
        title="Integriteitsmelding wethouder",
        description="Signaal over een bestuurder",
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    closed = add_item(meeting, title="", topic=topic)
    db.session.flush()
    set_besloten(closed, True, {person(NAMED).id})
    publish(meeting)
    named, excluded = demo_client(current_app, NAMED), demo_client(current_app, EXCLUDED)
    page = named.get(f"/onderwerpen/{topic.id}")
    assert page.status_code == 200
    assert "Signaal over een bestuurder" in page.get_data(as_text=True)
    assert excluded.get(f"/onderwerpen/{topic.id}").status_code == 404
    for url in (f"/overleggen/{meeting.id}/agenda", "/onderwerpen"):
        shown = named.get(url)
        assert shown.status_code == 200
        assert "Integriteitsmelding wethouder" in shown.get_data(as_text=True), url
        hidden = excluded.get(url)
        assert hidden.status_code == 200
        assert "Integriteitsmelding wethouder" not in hidden.get_data(as_text=True), url


def test_open_escalation_question_only_for_participants_of_the_meeting_it_came_from(seeded):
    """The topic page's "Open escalaties" list: a TVO put a question to the Driehoek. An OVO
    participant who knows the topic but is not in that TVO does not read the question; a
    participant of the TVO does."""
    tvo_question = "Mandaat voor heimelijke observatie en sluiting pand Havenkade 3?"
    sec = person("oov@example.org")
    ovo = make_meeting(
        "ovo",
        today_local() - timedelta(days=30),
        participants=[(person("wijkagent@example.org"), "member"), (sec, "secretary")],
    )
    tvo = make_meeting(
        "tvo",
        today_local() - timedelta(days=10),
        participants=[(person("btchef@example.org"), "member"), (sec, "secretary")],
    )
    make_meeting(
        "driehoek",
        today_local() + timedelta(days=10),
        participants=[(person("burgemeester@example.org"), "chair")],
    )
    publish(ovo)
    publish(tvo)
    topic = create_topic(
        title="Overlast en handel rond Havenkade",
        meeting_type=meeting_type("ovo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    add_item(ovo, title="", topic=topic)
    tvo_item = add_item(tvo, title="", topic=topic)
    db.session.flush()
    escalate(
        tvo_item,
        meeting_type("driehoek"),
        question=tvo_question,
        reason="Informatie CIE over opslag wapens",
        by=sec,
    )
    db.session.commit()
    btchef = demo_client(current_app, "btchef@example.org")
    resp = btchef.get(f"/onderwerpen/{topic.id}")
    assert resp.status_code == 200
    assert tvo_question in resp.get_data(as_text=True)
    assert f"/overleggen/{tvo.id}" in resp.get_data(as_text=True)
    wijkagent = demo_client(current_app, "wijkagent@example.org")
    assert wijkagent.get(f"/overleggen/{tvo.id}").status_code == 404  # not their meeting
    resp = wijkagent.get(f"/onderwerpen/{topic.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Overlast en handel rond Havenkade" in html
    assert f"/overleggen/{tvo.id}" not in html
    assert tvo_question not in html
