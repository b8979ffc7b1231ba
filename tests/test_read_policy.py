"""The read policy (overleg/domain/policy.py): FULL, REFERENCE or NONE per person and item, and
the rules that are easy to get wrong."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import event, select

from overleg.domain import policy
from overleg.domain.agenda import add_item, set_besloten, set_item_access
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import Topic
from overleg.timeutil import today_local
from tests.conftest import login, make_person
from tests.factories import make_meeting, publish

pytestmark = pytest.mark.usefixtures("seeded")


def _casus(title: str, confidentiality: str = "casus") -> Topic:
    from tests.factories import meeting_type

    return create_topic(
        title=title, meeting_type=meeting_type("tvo"), confidentiality=confidentiality, year=2026
    )


@pytest.fixture
def w():
    member = make_person("lid@policy.example.org")
    named = make_person("named@policy.example.org")
    guest = make_person("gast@policy.example.org")
    plain = make_person("gast2@policy.example.org")
    sec = make_person("sec@policy.example.org", "secretaris")
    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=7),
        time(10, 0),
        participants=[(member, "member"), (named, "member"), (guest, "guest"), (plain, "guest")],
    )
    casus = _casus("Gezin Dorpsstraat")
    open_topic = _casus("Jeugdoverlast plein", "vertrouwelijk")
    open_item = add_item(meeting, title="", topic=casus)
    closed_item = add_item(meeting, title="", topic=casus)
    other = add_item(meeting, title="", topic=open_topic)
    db.session.flush()
    set_besloten(closed_item, True, {named.id})
    set_item_access(other, "gast", {guest.id})
    publish(meeting)
    std = next(i for i in meeting.agenda_items if i.kind == "standard")
    return dict(
        member=member,
        named=named,
        guest=guest,
        plain=plain,
        sec=sec,
        meeting=meeting,
        casus=casus,
        open_item=open_item,
        closed_item=closed_item,
        other=other,
        std=std,
    )


def _levels(person, *items):
    got = policy.item_levels(person, items)
    return [got[i.id] for i in items]


def test_casus_does_not_carry_from_an_open_item_to_a_besloten_item_in_one_meeting(w):
    # The member reads the open casus item in full, and with it the casus topic...
    assert _levels(w["member"], w["open_item"], w["closed_item"]) == ["full", "reference"]
    assert policy.entitled_topic_ids(w["member"], [w["casus"].id]) == {w["casus"].id}
    # ...but not the besloten item of the same casus; the one named on it does.
    assert _levels(w["named"], w["open_item"], w["closed_item"]) == ["full", "full"]
    assert _levels(w["sec"], w["closed_item"]) == ["full"]


def test_casus_carries_to_an_open_item_in_another_meeting_not_to_a_besloten_one(w):
    later = make_meeting(
        "tvo",
        today_local() + timedelta(days=35),
        time(10, 0),
        participants=[(w["plain"], "member"), (w["member"], "member")],
    )
    there = add_item(later, title="", topic=w["casus"])
    closed_there = add_item(later, title="", topic=w["casus"])
    db.session.flush()
    set_besloten(closed_there, True, {w["member"].id})
    publish(later)
    # The plain guest reads the casus by reference in the first meeting; as a member of the
    # later one they read it there, and the entitlement carries back to the open item.
    assert _levels(w["plain"], there, closed_there) == ["full", "reference"]
    assert _levels(w["plain"], w["open_item"], w["closed_item"]) == ["full", "reference"]


def test_no_entitlement_from_an_agenda_still_being_prepared(w):
    draft = make_meeting(
        "tvo",
        today_local() + timedelta(days=60),
        time(10, 0),
        participants=[(w["plain"], "member")],
    )
    item = add_item(draft, title="", topic=w["casus"])
    db.session.commit()
    assert _levels(w["plain"], item) == ["none"]  # not released: not even the reference
    assert _levels(w["plain"], w["open_item"]) == ["reference"]  # and nothing carries
    assert _levels(w["sec"], item) == ["full"]
    publish(draft)
    assert _levels(w["plain"], item, w["open_item"]) == ["full", "full"]


def test_guests(w):
    # named guest: the item she is invited for and the standard items
    assert _levels(w["guest"], w["other"], w["std"], w["open_item"], w["closed_item"]) == [
        "full",
        "full",
        "reference",
        "reference",
    ]
    assert policy.named_guest_meetings(w["guest"], {w["meeting"].id}) == {w["meeting"].id}
    # guest without items: the open items, casus by reference
    assert _levels(w["plain"], w["other"], w["std"], w["open_item"]) == [
        "full",
        "full",
        "reference",
    ]
    assert policy.named_guest_meetings(w["plain"], {w["meeting"].id}) == set()


def test_who_is_staff():
    sec = make_person("s@policy.example.org", "secretaris")
    beh = make_person("b@policy.example.org", "beheerder")
    member = make_person("d@policy.example.org")
    assert policy.is_staff(sec) and policy.is_staff(beh)
    assert not policy.is_staff(member) and not policy.is_staff(None)
    sec.active = False
    assert not policy.is_staff(sec)  # a deactivated account reads nothing


def test_anonymous_and_outsiders_get_nothing(w):
    outsider = make_person("buiten@policy.example.org")
    assert _levels(outsider, w["open_item"], w["std"]) == ["none", "none"]
    assert _levels(None, w["std"]) == ["none"]
    assert policy.entitled_topic_ids(outsider, [w["casus"].id]) == set()
    assert _levels(w["member"], w["std"]) == ["full"]  # positive control


def test_topic_level_opens_the_page_and_says_what_it_shows_in_one_query(w, count_queries):
    casus = w["casus"]
    outsider = make_person("buiten2@policy.example.org")
    db.session.commit()
    expected = {
        "member": policy.FULL,  # entitled to the open casus item
        "guest": policy.REFERENCE,  # sits in the meeting, sees the casus by its reference
        "sec": policy.FULL,
    }
    for key, level in expected.items():
        person = w[key]
        assert person.id and casus.id  # loaded before counting
        with count_queries() as q:
            got = policy.topic_level(person, casus)
        assert got == level, key
        assert q.count == (0 if key == "sec" else 1)
        # the same answers as the questions it stands for
        assert policy.can_view_topic(person, casus)
        assert (casus.id in policy.entitled_topic_ids(person, [casus.id])) == (level == "full")
    assert policy.topic_level(outsider, casus) == policy.NONE
    assert not policy.can_view_topic(outsider, casus)


def test_body_sat_in_finds_the_body_only_for_who_sits_in_it_in_one_query(w, count_queries):
    outsider = make_person("buiten3@policy.example.org")
    db.session.commit()
    member, sec = w["member"], w["sec"]
    assert member.id and sec.id and outsider.id  # loaded before counting
    with count_queries() as q:
        tvo = policy.body_sat_in(member, "tvo")
    assert tvo is not None and tvo.code == "tvo" and q.count == 1  # sits in a TVO meeting
    assert tvo.id == w["meeting"].meeting_type_id
    assert policy.body_sat_in(member, "driehoek") is None  # in no Driehoek meeting
    assert policy.body_sat_in(outsider, "tvo") is None
    assert policy.body_sat_in(None, "tvo") is None
    assert policy.body_sat_in(sec, "driehoek") is not None  # staff: every body
    assert policy.body_sat_in(sec, "bestaat-niet") is None
    # the same answers as sits_in_body
    assert policy.sits_in_body(member, tvo) and not policy.sits_in_body(outsider, tvo)


def test_owner_picker_offers_only_those_entitled(w):
    people = policy.entitled_people([w["closed_item"], w["other"], w["open_item"]])
    assert people[w["closed_item"].id] == {w["named"].id}
    assert people[w["other"].id] == {w["member"].id, w["named"].id, w["guest"].id, w["plain"].id}
    assert people[w["open_item"].id] == {w["member"].id, w["named"].id}


def test_item_levels_take_one_query_whatever_the_number_of_items(w, count_queries):
    def count():
        items = list(w["meeting"].agenda_items)
        assert w["member"].id and all(i.id for i in items)  # loaded before counting
        with count_queries() as q:
            policy.item_levels(w["member"], items)
        return q.count

    small = count()
    for n in range(20):
        add_item(w["meeting"], title="", topic=_casus(f"Casus {n}"), duration_minutes=1)
    db.session.commit()
    assert count() == small == 1


def test_item_levels_are_one_statement_for_any_number_of_items(w):
    """The ids go in as one parameter on PostgreSQL (`overleg/models/sql.py`, `in_list`): every number of
    items runs the same SQL text, so one prepared statement and one plan. SQLite's
    ``IN (?, ?, …)`` is a text per number, which the capture must see (its control)."""
    member = w["member"]
    items = [w["open_item"], w["closed_item"], w["other"], w["std"]]
    expected = {
        w["open_item"].id: policy.FULL,
        w["closed_item"].id: policy.REFERENCE,  # besloten, the member not named
        w["other"].id: policy.FULL,
        w["std"].id: policy.FULL,
    }  # (reading the ids loads the items before the capture, as is_staff the member)
    assert not policy.is_staff(member)
    texts: list[str] = []

    def capture(_conn, _cursor, statement, *_args):
        texts.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        for n in (1, 2, 4):
            texts.clear()
            assert policy.item_levels(member, items[:n]) == {
                i.id: expected[i.id] for i in items[:n]
            }
            assert len(texts) == 1, [t[:200] for t in texts]
            (text,) = texts
            if n == 1:
                first = text
            elif db.engine.dialect.name == "postgresql":
                assert text == first
            else:
                assert text != first
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    # and what the member may not see at all stays NONE, whatever the list's length
    outside = make_meeting("tvo", today_local() + timedelta(days=8), time(10, 0))
    hidden = add_item(outside, title="", topic=w["casus"])
    db.session.flush()
    assert policy.item_levels(member, [hidden, *items])[hidden.id] == policy.NONE
    assert policy.item_levels(w["sec"], [hidden])[hidden.id] == policy.FULL


def test_topic_search_filters_in_sql(app, w):
    """A topic the reader does not read in full is found by its reference only, also beyond
    the list's limit (the filter is part of the query)."""
    for n in range(3):
        _casus(f"Ander onderwerp {n}")
    db.session.commit()
    visible = policy.visible_topics_stmt(w["guest"])
    for needle, expected in (("Dorpsstraat", set()), ("Jeugdoverlast", {"Jeugdoverlast plein"})):
        rows = db.session.scalars(
            visible.where(policy.search_topics_clause(w["guest"], needle))
        ).all()
        assert {t.title for t in rows} == expected
    by_ref = db.session.scalars(
        visible.where(policy.search_topics_clause(w["guest"], w["casus"].reference))
    ).all()
    assert [t.id for t in by_ref] == [w["casus"].id]
    c = app.test_client()
    assert login(c, w["guest"].email).status_code == 302
    resp = c.get("/onderwerpen?q=Dorpsstraat")
    assert resp.status_code == 200 and w["casus"].reference not in resp.get_data(as_text=True)
    resp = c.get("/onderwerpen?q=Jeugdoverlast")
    assert resp.status_code == 200 and "Jeugdoverlast plein" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Topic.id).where(Topic.title == "Gezin Dorpsstraat"))


def _with_minutes_sent(meeting, sec) -> None:
    """Publish the meeting's agenda and send its minutes for approval: its actions then
    reach the actielijst's readers (`policy.carried_action_ids`)."""
    from overleg.domain import minutes as dmin

    publish(meeting)
    minutes = dmin.ensure_minutes(meeting, sec)
    dmin.touch(minutes, sec)
    dmin.send_for_approval(minutes, sec)


def test_a_carried_casus_action_for_who_joined_later_follows_the_casus_topic(w):
    """An action of a casus item on a later meeting's actielijst: who sat in the earlier
    meeting reads it by the item; who joined the body later reads it only when entitled to
    the casus elsewhere (here: an open item of it at the later meeting), a guest without
    items not. The same answer as asking the topic of every casus action."""
    sec, member = w["sec"], w["member"]
    newcomer = make_person("nieuw@policy.example.org")
    stranger = make_person("vreemd@policy.example.org")
    # a guest of the earlier meeting (its casus by reference there) who is a member of the
    # later one: entitled to the casus there, and by it to the earlier item (its level)
    former_guest = make_person("oudgast@policy.example.org")
    # a guest of both: the casus by reference in both, entitled nowhere
    guest_twice = make_person("tweemaalgast@policy.example.org")
    earlier = make_meeting(
        "tvo",
        today_local() - timedelta(days=28),
        time(10, 0),
        participants=[(member, "member"), (former_guest, "guest"), (guest_twice, "guest")],
    )
    casus = _casus("Gezin Molenstraat")
    case_item = add_item(earlier, title="", topic=casus)
    plain_item = add_item(earlier, title="", topic=_casus("Overlast station", "vertrouwelijk"))
    db.session.flush()
    _with_minutes_sent(earlier, sec)
    later = make_meeting(
        "tvo",
        today_local() + timedelta(days=14),
        time(10, 0),
        participants=[
            (member, "member"),
            (newcomer, "member"),
            (stranger, "guest"),
            (former_guest, "member"),
            (guest_twice, "guest"),
        ],
    )
    add_item(later, title="", topic=casus)
    db.session.flush()
    publish(later)
    db.session.commit()
    case_action = policy.CarriedFacts(1, earlier.id, case_item.id, False, casus.id, True)
    plain_action = policy.CarriedFacts(2, earlier.id, plain_item.id, False, None, False)
    carried = [case_action, plain_action]

    def by_topic(person) -> set[int]:
        # the rule written out: a casus action by its item read in full or by its topic
        levels = policy.item_levels_by_id(person, [case_item.id, plain_item.id])
        topics = policy.entitled_topic_ids(person, [casus.id])
        return {2} | ({1} if levels[case_item.id] == "full" or casus.id in topics else set())

    level = {
        p: policy.item_levels_by_id(p, [case_item.id])[case_item.id]
        for p in (member, newcomer, stranger, former_guest, guest_twice)
    }
    assert level == {
        member: "full",
        newcomer: "none",  # not in the earlier meeting: only the topic can entitle
        stranger: "none",
        former_guest: "full",  # a guest there, entitled to the casus through the later item
        guest_twice: "reference",
    }
    readers = (member, newcomer, stranger, former_guest, guest_twice)
    got = {p: policy.carried_action_ids(p, later, carried) for p in readers}
    assert got == {
        member: {1, 2},
        newcomer: {1, 2},
        stranger: {2},
        former_guest: {1, 2},
        guest_twice: {2},
    }
    assert all(got[p] == by_topic(p) for p in got)
    assert policy.carried_action_ids(sec, later, carried) == {1, 2}


def test_a_carried_casus_action_asks_the_topic_only_for_an_item_the_reader_does_not_see(
    w, count_queries
):
    """Who sat in the earlier meeting has its casus item's level already, topic entitlement
    included: no query about the topic; who joined later gets one."""
    sec, member = w["sec"], w["member"]
    newcomer = make_person("nieuw2@policy.example.org")
    earlier = make_meeting(
        "tvo", today_local() - timedelta(days=28), time(10, 0), participants=[(member, "member")]
    )
    casus = _casus("Gezin Kerkpad")
    case_item = add_item(earlier, title="", topic=casus)
    db.session.flush()
    _with_minutes_sent(earlier, sec)
    later = make_meeting(
        "tvo",
        today_local() + timedelta(days=14),
        time(10, 0),
        participants=[(member, "member"), (newcomer, "member")],
    )
    publish(later)
    db.session.commit()
    carried = [policy.CarriedFacts(1, earlier.id, case_item.id, False, casus.id, True)]
    counts = {}
    for person in (member, newcomer):
        policy.carried_action_ids(person, later, carried)  # the policy's clauses, made once
        with count_queries() as q:
            policy.carried_action_ids(person, later, carried)
        counts[person] = q.count
    assert counts[member] >= 2, counts  # the minutes sent and the items' levels
    assert counts[newcomer] == counts[member] + 1, counts
