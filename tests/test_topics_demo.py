"""The demo: a topic runs OVO -> TVO -> Driehoek and back; one topic per 2019 theme; a guest
on the next TVO sees only the reference of the other casus items."""

from __future__ import annotations

from sqlalchemy import func, select

from overleg.domain.topics import timeline
from overleg.extensions import db
from overleg.models import Escalation, Meeting, Participant, Theme, Topic
from overleg.timeutil import utcnow
from tests.conftest import get_page, login
from tests.factories import publish

# the topic that runs OVO -> TVO -> Driehoek and back in the demo
CHAIN_TITLE = "Hennepteelt en drugsoverlast bedrijventerrein Foxhol"


def test_demo_chain_and_themes(demo, app):
    from overleg.demo import seed_all

    topic = db.session.scalar(select(Topic).where(Topic.title == CHAIN_TITLE))
    tl = timeline(topic)
    bodies = [e.meeting.meeting_type.code for e in tl.entries]
    assert bodies[:2] == ["ovo", "tvo"]
    first_driehoek = bodies.index("driehoek")
    assert "tvo" in bodies[first_driehoek:]  # the assignment came back down
    assert "ovo" in bodies[2:]  # the TVO's terugkoppeling to the OVO
    directions = [(e.from_type.code, e.to_type.code, e.direction) for e in tl.escalations]
    assert directions == [
        ("ovo", "tvo", "up"),
        ("tvo", "driehoek", "up"),
        ("driehoek", "tvo", "down"),
    ]
    assert all(e.feedback_item_id for e in tl.escalations[:2])
    assert any(e.item.is_feedback and e.meeting.meeting_type.code == "tvo" for e in tl.entries)
    # every priority of the jaarplan has a topic, of a priority of the topic's own year
    themes = db.session.scalar(select(func.count(func.distinct(Theme.name))))
    with_topic = db.session.scalar(
        select(func.count(func.distinct(Theme.name))).join(Topic, Topic.theme_id == Theme.id)
    )
    assert with_topic == themes == 8
    for t in db.session.scalars(select(Topic).where(Topic.theme_id.is_not(None))):
        assert t.theme.group.year == int(t.reference.split("-")[1]), t.reference
    assert seed_all()["topics"] == 0  # idempotent
    # one escalation is still open, for the overview of open escalations
    open_ones = db.session.scalars(
        select(Escalation).where(Escalation.status.in_(("te_agenderen", "geagendeerd")))
    ).all()
    assert [e.topic.title for e in open_ones] == ["Jeugdgroep bij winkelcentrum Hoogezand"]

    # the secretary follows it on the topic page
    c = app.test_client()
    login(c, "oov@example.org", "Veilig-Overleg-2019")
    html = c.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert "Terugkoppeling Driehoeksoverleg" in html and "Opdracht van Driehoeksoverleg" in html


def test_demo_guest_sees_only_reference(demo, app):
    guest_part = db.session.scalar(
        select(Participant)
        .join(Meeting)
        .where(Participant.part == "guest", Meeting.starts_at > utcnow())
    )
    meeting = guest_part.meeting
    publish(meeting)  # participants see the agenda once it is published
    c = app.test_client()
    login(c, "veiligthuis@example.org", "Veilig-Overleg-2019")
    html = get_page(c, f"/overleggen/{meeting.id}/agenda")
    assert "Gezin met zorgen om de kinderen, Martenshoek" in html
    for title in ("Aanhoudende burenruzie Kerkstraat", "Verward gedrag rond station Kropswolde"):
        assert title not in html
        ref = db.session.scalar(select(Topic.reference).where(Topic.title.startswith(title)))
        assert ref in html
