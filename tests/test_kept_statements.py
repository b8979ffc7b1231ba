"""The statements and clauses kept across requests (the read policy's per person, the search's per
kind and reader, the meeting lookup's per clause) asked by one reader after another, after the
clock moved, after a role changed; tampered topic-list cursors; CSRF tokens per session; the
PostgreSQL connection options."""

from __future__ import annotations

from datetime import timedelta

from overleg.domain import decisions as dd
from overleg.domain import policy, search
from overleg.domain import topics as dt
from overleg.extensions import db
from overleg.models import Participant
from tests.conftest import login, make_person
from tests.factories import make_meeting, make_topic, meeting_type, topic_item
from tests.test_corrections import _casus_meeting


def _titles(results):
    return {(h.obj.reference, h.full) for h in results.hits}


def test_kept_search_statements_per_reader(seeded, people):
    insider = make_person("insider@example.org", name="Ingrid Insider")
    _meeting, topic = _casus_meeting(people, insider)
    db.session.commit()
    outsider = people["deelnemer"]
    q = search.parse("Jansen")
    ref = search.parse("TVO-2027-014")
    for order in ((insider, outsider), (outsider, insider), (insider, outsider)):
        for person in order:
            hits = _titles(search.topics(person, q))
            by_ref = _titles(search.topics(person, ref))
            decisions = {
                h.obj.code for h in search.decisions(person, search.parse("Huisverbod")).hits
            }
            if person is insider:
                assert (topic.reference, True) in hits
                assert decisions
            else:
                assert not hits, hits  # not found by its title
                assert not decisions, decisions
                # by reference: only the reference (the outsider sees the topic? besloten)
                assert all(not full for _r, full in by_ref)
            page = dt.list_page(person, query=q)
            listed = {(r.topic.reference, r.full) for r in page.rows}
            if person is insider:
                assert (topic.reference, True) in listed
            else:
                assert not listed, listed


def test_kept_clauses_follow_the_clock_and_the_roster(seeded, people, clock, app):
    person = people["deelnemer"]
    topic = make_topic("tvo", title="Overlast zzprobezz Kielstraat", confidentiality="casus")
    meeting = make_meeting("tvo", participants=[(person, "member")])  # next week, concept
    topic_item(meeting, topic, title="Overlast zzprobezz Kielstraat")
    db.session.commit()
    q = search.parse("zzprobezz")
    # warm every kept statement while the agenda is a concept: nothing
    assert not policy.can_view_topic(person, topic)
    assert not policy.entitled_topic_ids(person, [topic.id])
    assert not dt.list_page(person).rows
    assert not search.topics(person, q).hits
    # the meeting begins: the agenda is released by the clock
    clock.move_to(meeting.starts_at + timedelta(minutes=1))
    assert policy.can_view_topic(person, topic)
    assert policy.entitled_topic_ids(person, [topic.id]) == {topic.id}
    assert [r.full for r in dt.list_page(person).rows] == [True]
    assert [h.full for h in search.topics(person, q).hits] == [True]
    # taken off the roster: the kept clauses (holding only the id) say no again
    db.session.query(Participant).filter_by(person_id=person.id).delete()
    db.session.commit()
    assert not policy.can_view_topic(person, topic)
    assert not dt.list_page(person).rows
    assert not search.topics(person, q).hits


def test_demoted_secretary_loses_the_kept_staff_statements(seeded, people):
    insider = make_person("insider@example.org", name="Ingrid Insider")
    _casus_meeting(people, insider)
    db.session.commit()
    sec = people["secretaris"]
    q = search.parse("Jansen")
    assert [h.full for h in search.topics(sec, q).hits] == [True]
    body = meeting_type("tvo")
    assert all(r.visible for r in dd.register_page(body, sec).rows)
    sec.app_role = "deelnemer"
    db.session.commit()
    assert not policy.is_staff(sec)
    assert not search.topics(sec, q).hits
    assert not all(r.visible for r in dd.register_page(body, sec).rows)


def test_kept_register_statements_per_reader_and_after_the_roster_moved(seeded, people):
    """The registers' statements (their keys, years and topics) are kept per reader with the
    filters as parameters: asked by one reader after another, each finds what is theirs."""
    from overleg.domain import actions as da

    insider = make_person("insider@example.org", name="Ingrid Insider")
    meeting, topic = _casus_meeting(people, insider)
    db.session.commit()
    outsider = people["deelnemer"]
    body = meeting_type("tvo")
    year = dd.meeting_year(meeting)
    for order in ((insider, outsider), (outsider, insider), (insider, outsider)):
        for person in order:
            texts = {r.decision.id for r in dd.register_page(body, person, text="huisverbod").rows}
            page, readable = da.register_view(body, person, text="huisverbod")
            topics = {t.id for t in dd.register_topics(body, person, year)}
            action_topics = {t.id for t in da.register_topics(body, person, year)}
            if person is insider:
                assert len(texts) == 1 and len(page.rows) == 1 and readable
            else:
                assert not texts and not page.rows, (texts, page.rows)
            # both see the casus row by its reference: its topic is a choice for both
            assert topic.id in topics and topic.id in action_topics
            assert dd.register_years(body, person) == [year] == da.register_years(body, person)
            # the filters' values are parameters: another value, another answer
            assert not dd.register_page(body, person, year=year + 1).rows
            assert not da.register_view(body, person, year=year + 1)[0].rows
            assert len(dd.register_page(body, person, year=year).rows) == 2
    # taken off the roster: the kept statements (holding only the id) find nothing
    db.session.query(Participant).filter_by(person_id=outsider.id).delete()
    db.session.commit()
    assert not dd.register_page(body, outsider).rows
    assert not da.register_view(body, outsider)[0].rows
    assert dd.register_years(body, outsider) == [] == da.register_years(body, outsider)
    assert len(dd.register_page(body, insider).rows) == 2  # positive control


def test_topic_list_tampered_cursor_shows_nothing_hidden(seeded, people, app):
    from overleg.domain import keyset

    insider = make_person("insider@example.org", name="Ingrid Insider")
    _m, topic = _casus_meeting(people, insider)
    hidden = make_topic("tvo", title="Geheim zzhiddenzz", confidentiality="casus")
    db.session.commit()
    outsider = people["deelnemer"]
    c = app.test_client()
    login(c, outsider.email)
    for key in (
        (hidden.created_at + timedelta(seconds=1), hidden.id + 1),
        (hidden.created_at, hidden.id),
        (hidden.created_at - timedelta(days=1), 0),
    ):
        for d in (keyset.NEXT, keyset.PREVIOUS):
            cur = keyset.encode(d, key)
            body = c.get(f"/onderwerpen?vanaf={cur}").get_data(as_text=True)
            assert "zzhiddenzz" not in body and hidden.reference not in body
            assert "Gezin Jansen" not in body
            body = c.get(f"/onderwerpen?vanaf={cur}&q=Geheim").get_data(as_text=True)
            assert "zzhiddenzz" not in body and hidden.reference not in body


def test_csrf_tokens_stay_per_session(csrf_app, people):
    import re

    from tests.conftest import TEST_PASSWORD

    other = make_person("ander@example.org", name="Anne Ander")
    clients = {}
    for person in (people["deelnemer"], other):
        c = csrf_app.test_client()
        html = c.get("/inloggen").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        assert (
            c.post(
                "/inloggen",
                data={"email": person.email, "password": TEST_PASSWORD, "csrf_token": token},
            ).status_code
            == 302
        )
        page = c.get("/mijn-gegevens").get_data(as_text=True)
        clients[person.email] = (c, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))
    (a, ta), (b, tb) = clients.values()
    assert ta != tb
    assert b.post("/agenda/abonnement", data={"csrf_token": ta}).status_code == 400
    assert a.post("/agenda/abonnement", data={"csrf_token": tb}).status_code == 400
    assert a.post("/agenda/abonnement", data={}).status_code == 400
    assert a.post("/agenda/abonnement", data={"csrf_token": ta}).status_code == 302


def test_jit_off_keeps_the_operators_pgoptions(app, monkeypatch):
    """PostgreSQL only: the do_connect hook's `options` must not silently drop PGOPTIONS
    (libpq reads the environment only when no `options` parameter is given)."""
    import pytest
    from sqlalchemy import create_engine, text

    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=7777")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("show jit")).scalar() == "off"
            assert conn.execute(text("show statement_timeout")).scalar() == "7777ms"
    finally:
        engine.dispose()
