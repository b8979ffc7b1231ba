"""The registers and Mijn actiepunten take whose text a reader reads from the read policy's
batch answers (``policy.decision_readable_ids``, ``action_readable_ids``) on the rows of the
page: the same answers as the policy's SQL text clauses, also for a decision and an action
without an agenda item; page after page, one reader after another (the keyset statements are
kept per reader). Every "not shown" has an entitled reader who is shown it, and a status."""

from __future__ import annotations

from sqlalchemy import select

from overleg.domain import actions as da
from overleg.domain import decisions as dd
from overleg.domain import policy
from overleg.extensions import db
from overleg.models import ActionItem, Decision, Topic
from tests.conftest import get_page, login, make_person
from tests.factories import make_action, make_decision, meeting_type
from tests.minutes_support import CASE, casus_minutes, minutes_of, past_meeting
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


def _approve(as_role, first, second) -> None:
    secretary = as_role("secretaris")
    assert secretary.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    m = minutes_of(first)
    assert secretary.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302


def test_casus_decision_without_item_not_in_register_for_outsider(seeded, people, as_role, app):
    """A decision without item whose topic is a casus (its item deleted, the topic kept):
    the decision register shows the secretary its text and the casus's title, a member not
    entitled to the casus its code and reference only."""
    outsider, sec = people["deelnemer"], people["secretaris"]
    parts = [(outsider, "member"), (sec, "secretary")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    casus = Topic(
        reference="TVO-2019-031",
        title=CASE,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
    )
    db.session.add(casus)
    db.session.flush()
    secret = "Huisverbod Gezin Bakker verlengd"
    d = make_decision(first, None, text=secret)
    d.topic = casus
    db.session.commit()
    _approve(as_role, first, second)
    c = app.test_client()
    login(c, sec.email)
    path = "/besluiten/tvo"
    resp = c.get(path)
    assert resp.status_code == 200 and secret in resp.get_data(as_text=True)
    assert CASE in resp.get_data(as_text=True)  # the casus topic's title, for staff
    c2 = app.test_client()
    login(c2, outsider.email)
    resp = c2.get(path)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert d.code in html and secret not in html and CASE not in html
    assert "TVO-2019-031" in html  # its reference only


def _next_link(html: str) -> str | None:
    import html as h
    import re

    m = re.search(r'rel="next" href="([^"]+)"', html)
    return h.unescape(m.group(1)) if m else None


def test_action_register_second_page_per_reader(seeded, people, as_role, app):
    """55 actions on an open item and, last (page 2), one on the besloten casus item. The
    member named on the casus reads its text on page 2; the member not named sees its
    reference only, on the same page reached by their own cursor; asked in turns so the kept
    keyset statements (first page, next page) serve both. Also searched by its text."""
    first, second, outsider, insider, sec, guest = casus_minutes(people)
    items = {i.title: i for i in first.agenda_items}
    for n in range(55):
        a = make_action(first, items["Kermis Hoogezand"])
        a.what = f"Kermisactie {n:02d}"
    secret = make_action(first, items[CASE])
    secret.what = "Jeugdzorg inschakelen voor de kinderen Bakker"
    db.session.commit()
    _approve(as_role, first, second)

    def pages(person) -> tuple[str, str]:
        c = app.test_client()
        assert login(c, person.email).status_code == 302
        one = c.get("/actiepunten/tvo")
        assert one.status_code == 200
        link = _next_link(one.get_data(as_text=True))
        assert link, "no next page"
        two = c.get(link)
        assert two.status_code == 200
        return one.get_data(as_text=True), two.get_data(as_text=True)

    def search(person) -> str:
        c = app.test_client()
        login(c, person.email)
        resp = c.get("/actiepunten/tvo?tekst=Jeugdzorg")
        assert resp.status_code == 200
        return resp.get_data(as_text=True)

    for person in (outsider, insider, outsider, sec, guest, insider, outsider):
        one, two = pages(person)
        entitled = person in (insider, sec)
        assert "Kermisactie 00" in one or "Kermisactie 00" in two
        if entitled:
            assert "Jeugdzorg inschakelen" in two, person.email
        else:
            assert "Jeugdzorg" not in one + two, person.email
            if person is outsider:
                assert "TVO-2019-020: inhoud alleen zichtbaar" in two
        found = search(person)
        assert ("Jeugdzorg inschakelen" in found) == entitled, person.email
