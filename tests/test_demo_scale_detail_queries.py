"""The pages of one meeting (the meeting, its agenda, its stukken, its minutes) and the topic
page issue the same number of queries at two sizes of data (the scale generator's
municipality over three and over six months), for the secretary and a participant, and no
more than they do now (issue 12: the same at one and at ten years)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from overleg.demo.scale import seed_scale
from overleg.extensions import db
from overleg.models import Meeting, Participant, Person, Topic, TopicEvent
from overleg.seed import DEMO_PASSWORD
from overleg.timeutil import utcnow
from tests.conftest import _empty_tables, login
from tests.test_demo_scale_queries import _grown

SECRETARY = "oov@example.org"
PARTICIPANT = "wijkagent@example.org"
SMALL, LARGE = 3, 6  # months of work back (as tests/test_demo_scale_queries.py)

# The most queries each page may issue (the audit event of a casus shown not counted).
BOUNDS = {
    (SECRETARY, "overleg"): 6,
    (SECRETARY, "agenda"): 14,
    (SECRETARY, "stukken"): 9,
    (SECRETARY, "verslag"): 18,
    (SECRETARY, "onderwerp"): 10,
    (PARTICIPANT, "overleg"): 5,
    (PARTICIPANT, "agenda"): 17,
    (PARTICIPANT, "stukken"): 10,
    (PARTICIPANT, "verslag"): 7,
    (PARTICIPANT, "onderwerp"): 15,
}


def _pages(email: str) -> dict[str, str]:
    """As bench/pages.py picks them: the person's latest held meeting, and the topic of its
    body with the longest history."""
    person = db.session.scalar(select(Person).where(Person.email == email))
    meeting = db.session.scalar(
        select(Meeting)
        .join(Participant)
        .where(
            Participant.person_id == person.id,
            Meeting.starts_at < utcnow(),
            Meeting.status == "gepland",
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    topic_id = db.session.scalar(
        select(Topic.id)
        .join(TopicEvent)
        .where(Topic.meeting_type_id == meeting.meeting_type_id, Topic.confidentiality != "casus")
        .group_by(Topic.id)
        .order_by(func.count(TopicEvent.id).desc(), Topic.id)
        .limit(1)
    )
    return {
        "overleg": f"/overleggen/{meeting.id}",
        "agenda": f"/overleggen/{meeting.id}/agenda",
        "stukken": f"/overleggen/{meeting.id}/stukken",
        "verslag": f"/overleggen/{meeting.id}/verslag",
        "onderwerp": f"/onderwerpen/{topic_id}",
    }


def _measure(app, count_queries, months: int) -> dict[tuple[str, str], list[str]]:
    seed_scale(1, 7, audit_per_year=300, months=months)
    found = {}
    for email in (SECRETARY, PARTICIPANT):
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        for name, url in _pages(email).items():
            assert client.get(url).status_code == 200, url  # warm up
            db.session.remove()  # a fresh session, as every request has in production
            with count_queries() as q:
                resp = client.get(url)
            assert resp.status_code == 200, url
            found[(email, name)] = [
                s for s in q.statements if not s.startswith("INSERT INTO audit_event")
            ]
    return found


@pytest.fixture
def two_sizes(app, count_queries):
    small = _measure(app, count_queries, SMALL)
    db.session.remove()
    _empty_tables()
    large = _measure(app, count_queries, LARGE)
    return small, large


def test_meeting_agenda_minutes_and_topic_pages_issue_the_same_queries_at_two_sizes(two_sizes):
    small, large = two_sizes
    assert small.keys() == large.keys() == BOUNDS.keys()
    for key in large:
        print(key, len(small[key]), len(large[key]))
    grown = {key: _grown(small[key], large[key]) for key in small}
    detail = "\n\n".join(f"{key}:\n" + "\n".join(lines) for key, lines in grown.items() if lines)
    assert not detail, detail
    over = {
        key: (len(large[key]), bound) for key, bound in BOUNDS.items() if len(large[key]) > bound
    }
    assert not over, over
