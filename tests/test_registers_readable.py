"""The registers and Mijn actiepunten take whose text a reader reads from the read policy's
batch answers (``policy.decision_readable_ids``, ``action_readable_ids``) on the rows of the
page: the same answers as the policy's SQL text clauses, also for a decision and an action
without an agenda item."""

from __future__ import annotations

from sqlalchemy import select

from overleg.domain import actions as da
from overleg.domain import decisions as dd
from overleg.domain import policy
from overleg.extensions import db
from overleg.models import ActionItem, Decision
from tests.conftest import get_page, login, make_person
from tests.factories import meeting_type
from tests.test_corrections import _casus_meeting


def _world(people):
    insider = make_person("insider@example.org", name="Ingrid Insider")
    meeting, topic = _casus_meeting(people, insider)
    # without an item: a casus decision (its topic decides) and an action (its meeting)
    loose = dd.add_decision(meeting, None, "Casus Jansen opschalen naar het veiligheidshuis.")
    loose.topic_id = topic.id
    da.add_action(meeting, None, "Presentielijst rondsturen", owner_person=people["deelnemer"])
    db.session.commit()
    return insider, meeting


def test_register_rows_read_as_the_text_clauses_say(seeded, people):
    insider, meeting = _world(people)
    body = meeting_type("tvo")
    readers = (people["deelnemer"], insider, people["secretaris"], people["beheerder"])
    for person in readers:
        page = dd.register_page(body, person)
        assert {r.decision.id for r in page.rows} == set(
            db.session.scalars(select(Decision.id).where(Decision.meeting_id == meeting.id))
        ), person.email
        in_sql = set(
            db.session.scalars(select(Decision.id).where(policy.decision_text_clause(person)))
        )
        assert {r.decision.id for r in page.rows if r.visible} == in_sql, person.email
        page, readable = da.register_view(body, person)
        assert len(page.rows) == 3, person.email
        in_sql = set(
            db.session.scalars(select(ActionItem.id).where(policy.action_text_clause(person)))
        )
        assert readable == in_sql, person.email
        mine = da.my_actions(person)
        assert mine.visible == in_sql & {a.id for a in mine.mine + mine.org}, person.email
    # the participant reads the open decision only, the insider all three (the clause agrees)
    readable = {p.email: sum(r.visible for r in dd.register_page(body, p).rows) for p in readers}
    assert readable[people["deelnemer"].email] == 1 and readable[insider.email] == 3


def test_registers_show_the_text_to_whom_the_policy_gives_it(seeded, people, app):
    insider, _meeting = _world(people)
    outsider = app.test_client()
    login(outsider, people["deelnemer"].email)
    entitled = app.test_client()
    login(entitled, insider.email)

    resp = outsider.get("/besluiten/tvo")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "3 besluiten" in html
    assert "Openbare verlichting Kielstraat verbeteren." in html  # positive control
    assert "Huisverbod Jansen verlengen." not in html
    assert "Casus Jansen opschalen" not in html
    html = get_page(entitled, "/besluiten/tvo")
    assert "Huisverbod Jansen verlengen." in html and "Casus Jansen opschalen" in html

    resp = outsider.get("/actiepunten/tvo")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "3 actiepunten" in html
    assert "Lantaarnpalen Kielstraat laten nalopen" in html  # positive control
    assert "Presentielijst rondsturen" in html  # without an item: the meeting decides
    assert "Huisverbod Jansen evalueren" not in html
    html = get_page(entitled, "/actiepunten/tvo")
    assert "Huisverbod Jansen evalueren" in html and "Presentielijst rondsturen" in html

    html = get_page(outsider, "/mijn-actiepunten")
    assert "Presentielijst rondsturen" in html and "Huisverbod" not in html
    html = get_page(entitled, "/mijn-actiepunten")
    assert "Huisverbod Jansen evalueren" in html and "Lantaarnpalen Kielstraat" in html
