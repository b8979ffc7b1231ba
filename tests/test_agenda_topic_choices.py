"""The "add an item" picker on the agenda page: open topics of the meeting's own body newest
first, then the newest of the other bodies, each up to its limit, in one query."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

from overleg.agenda import views as agenda_views
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import make_meeting, make_topic


def _options(html: str) -> list[str]:
    select = html.split('name="topic"')[1].split("</select>")[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_own_body_first_newest_first_then_the_others_without_closed_ones(app, seeded):
    meeting = make_meeting("tvo", today_local() + timedelta(days=7))
    own = [make_topic("tvo", title=f"Eigen onderwerp {n}") for n in range(3)]
    closed = make_topic("tvo", title="Afgerond onderwerp")
    closed.status = "afgerond"
    other = [make_topic("ovo", title=f"Ander onderwerp {n}") for n in range(2)]
    db.session.commit()
    c = app.test_client()
    login(c, "oov@example.org", DEMO_PASSWORD)
    resp = c.get(f"/overleggen/{meeting.id}/agenda")
    assert resp.status_code == 200
    options = _options(resp.get_data(as_text=True))
    assert options[0] == "Geen: een vrij agendapunt"
    titles = [o.split(" · ", 1)[1] for o in options[1:]]
    mine = [t for t in titles if t.startswith("Eigen")]
    theirs = [t for t in titles if t.startswith("Ander")]
    assert mine == ["Eigen onderwerp 2", "Eigen onderwerp 1", "Eigen onderwerp 0"]
    assert theirs == ["Ander onderwerp 1", "Ander onderwerp 0"]
    assert titles.index(mine[-1]) < titles.index(theirs[0])  # the own body's before
    assert "Afgerond onderwerp" not in titles
    assert f"{own[0].reference} · Eigen onderwerp 0" in options
    assert f"{other[0].reference} · Ander onderwerp 0" in options


def test_each_part_stops_at_its_limit(app, seeded):
    meeting = make_meeting("tvo", today_local() + timedelta(days=7))
    for n in range(4):
        make_topic("tvo", title=f"Eigen onderwerp {n}")
        make_topic("ovo", title=f"Ander onderwerp {n}")
    db.session.commit()
    agenda_views._topic_choice_statement.cache_clear()
    try:
        with (
            mock.patch.object(agenda_views, "TOPIC_CHOICES", 2),
            mock.patch.object(agenda_views, "OTHER_TOPIC_CHOICES", 3),
        ):
            c = app.test_client()
            login(c, "oov@example.org", DEMO_PASSWORD)
            html = c.get(f"/overleggen/{meeting.id}/agenda").get_data(as_text=True)
    finally:
        agenda_views._topic_choice_statement.cache_clear()
    titles = [o.split(" · ", 1)[1] for o in _options(html)[1:]]
    assert titles[:2] == ["Eigen onderwerp 3", "Eigen onderwerp 2"]
    others = titles[2:]
    assert len(others) == 3 and all(not t.startswith("Eigen") for t in others)
    assert others[:2] == ["Ander onderwerp 3", "Ander onderwerp 2"]
