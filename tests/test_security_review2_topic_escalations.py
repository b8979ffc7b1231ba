"""Security review (second pass): the topic page's "Open escalaties" list.

The timeline leaves off meetings the reader does not take part in (topics/views.py
_render_topic), but the "Open escalaties" list above it shows every open escalation of the
topic with its question whenever the reader may see the topic in full and the origin item is
"entitled" (need_to_know.entitled_among treats every non-casus, non-besloten item as
entitled, whatever meeting it is on). So an OVO participant reads the question a TVO meeting
they are not part of put to the Driehoek - the content of a meeting they may not see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.agenda import add_item
from overleg.domain.escalation import escalate
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")

TVO_QUESTION = "Mandaat voor heimelijke observatie en sluiting pand Havenkade 3?"
TVO_REASON = "Informatie CIE over opslag wapens"


@pytest.fixture
def escalated_from_unseen_tvo():
    sec = person("oov@example.org")
    wijkagent = person("wijkagent@example.org")
    btchef = person("btchef@example.org")
    ovo = make_meeting(
        "ovo",
        today_local() - timedelta(days=30),
        participants=[(wijkagent, "member"), (sec, "secretary")],
    )
    tvo = make_meeting(
        "tvo",
        today_local() - timedelta(days=10),
        participants=[(btchef, "member"), (sec, "secretary")],
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
    escalate(tvo_item, meeting_type("driehoek"), question=TVO_QUESTION, reason=TVO_REASON, by=sec)
    db.session.commit()
    return dict(topic=topic, tvo=tvo, ovo=ovo)


def test_open_escalation_question_of_unseen_meeting_is_not_shown(app, escalated_from_unseen_tvo):
    s = escalated_from_unseen_tvo
    c = app.test_client()
    assert login(c, "wijkagent@example.org", "Veilig-Overleg-2019").status_code == 302
    assert c.get(f"/overleggen/{s['tvo'].id}").status_code == 404  # not their meeting
    resp = c.get(f"/onderwerpen/{s['topic'].id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f"/overleggen/{s['tvo'].id}" not in html  # the timeline hides it (passes)
    assert TVO_QUESTION not in html  # the open-escalation list must too


def test_tvo_participant_still_reads_the_question(app, escalated_from_unseen_tvo):
    s = escalated_from_unseen_tvo
    c = app.test_client()
    assert login(c, "btchef@example.org", "Veilig-Overleg-2019").status_code == 302
    html = c.get(f"/onderwerpen/{s['topic'].id}").get_data(as_text=True)
    assert TVO_QUESTION in html
