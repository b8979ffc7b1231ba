"""The topic timeline shows only meetings the reader takes part in."""

from datetime import timedelta

from overleg.domain.escalation import escalate
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import AgendaItem
from overleg.timeutil import today_local
from tests.conftest import login
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
    html = c.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    timeline = html[html.index("Tijdlijn") :]
    assert "Operationeel Veiligheidsoverleg" in timeline
    assert 'href="/overleggen/' in timeline
    tvo_links = [m for m in timeline.split('href="')[1:] if m.startswith("/overleggen/")]
    assert all(str(ovo.id) in link.split('"')[0] for link in tvo_links)
    assert "ook behandeld in 1 overleg waaraan u niet deelneemt" in timeline

    sec = app.test_client()
    login(sec, "oov@example.org", "Veilig-Overleg-2019")
    html = sec.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert "waaraan u niet deelneemt" not in html
