"""Need to know: who sees a casus in full, and who only its reference."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.agenda import add_item, set_besloten, set_item_access
from overleg.domain.policy import (
    can_see_casus,
    entitled_items,
    entitled_topic_ids,
    item_heading,
    topic_heading,
)
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def setup():
    sec = person("oov@example.org")
    member = person("specialist@example.org")
    guest = person("veiligthuis@example.org")
    general_guest = person("ovj@example.org")
    outsider = person("wijkagent@example.org")
    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=3),
        participants=[
            (member, "member"),
            (guest, "guest"),
            (general_guest, "guest"),
            (person("sociaalteam@example.org"), "member"),
        ],
    )
    casus1 = create_topic(
        title="Gezin Jansen-de Wit, Hoogezand",
        description="Zorgen om kinderen",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    casus2 = create_topic(
        title="Woonoverlast Slochteren nr 12",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    open_topic = create_topic(
        title="Inbraken Sappemeer",
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    i1 = add_item(meeting, title="", topic=casus1)
    i2 = add_item(meeting, title="", topic=casus2)
    i3 = add_item(meeting, title="", topic=open_topic)
    db.session.flush()
    set_item_access(i1, "gast", {guest.id})
    publish(meeting)  # the agenda is out: its participants are entitled from now on
    return dict(
        sec=sec,
        member=member,
        guest=guest,
        general_guest=general_guest,
        outsider=outsider,
        meeting=meeting,
        casus1=casus1,
        casus2=casus2,
        open_topic=open_topic,
        i1=i1,
        i2=i2,
        i3=i3,
    )


def test_member_sees_all_guest_only_own_item(setup):
    s = setup
    assert can_see_casus(s["member"], s["casus1"]) and can_see_casus(s["member"], s["i2"])
    assert can_see_casus(s["guest"], s["i1"])
    assert not can_see_casus(s["guest"], s["i2"])
    assert not can_see_casus(s["guest"], s["casus2"])
    # invited for i1 only: the other items (casus or not) by reference
    assert not can_see_casus(s["guest"], s["i3"])
    assert item_heading(s["i2"], s["guest"]) == s["casus2"].reference
    assert item_heading(s["i1"], s["guest"]) == "Gezin Jansen-de Wit, Hoogezand"
    # default deny: a guest invited without particular items sees open items only
    # (this used to say "counts as a participant"; changed with the usability review)
    assert not can_see_casus(s["general_guest"], s["i2"])
    assert not can_see_casus(s["general_guest"], s["i1"])
    assert can_see_casus(s["general_guest"], s["i3"])


def test_outsider_and_secretary(setup):
    s = setup
    assert not can_see_casus(s["outsider"], s["casus1"])
    assert topic_heading(s["casus1"], s["outsider"]) == s["casus1"].reference
    assert can_see_casus(s["sec"], s["casus1"])
    # Deny by default: an open topic is read in full by those entitled to an item it was on,
    # not by someone outside every meeting it was discussed in.
    assert entitled_topic_ids(s["outsider"], [s["casus1"].id, s["open_topic"].id]) == set()
    assert entitled_topic_ids(s["sec"], [s["casus1"].id, s["open_topic"].id]) == {
        s["casus1"].id,
        s["open_topic"].id,
    }


def test_besloten_item_excludes_unnamed(setup):
    s = setup
    set_besloten(s["i2"], True, {s["member"].id})
    db.session.commit()
    assert can_see_casus(s["member"], s["i2"])
    assert not can_see_casus(person("sociaalteam@example.org"), s["i2"])
    assert can_see_casus(s["sec"], s["i2"])


def test_entitlement_travels_to_other_meetings(setup):
    """Someone entitled on one meeting sees the casus in full on a later agenda, too."""
    s = setup
    later = make_meeting(
        "driehoek",
        today_local() + timedelta(days=10),
        participants=[(s["guest"], "member"), (s["outsider"], "member")],
    )
    j1 = add_item(later, title="", topic=s["casus1"])
    j2 = add_item(later, title="", topic=s["casus2"])
    db.session.commit()
    # while the later agenda is being prepared, it entitles no one
    assert not entitled_items(s["outsider"], later) & {j1.id, j2.id}
    publish(later)
    # the outsider is a member here: entitled to both now
    assert entitled_items(s["outsider"], later) >= {j1.id, j2.id}
    ids = entitled_items(s["guest"], s["meeting"])
    assert s["i1"].id in ids and s["i2"].id in ids  # via the later meeting as member


def _count(count_queries, person_, meeting):
    db.session.expire_all()
    with count_queries() as q:
        ids = entitled_items(person_, meeting)
    return q.count, ids


def test_entitled_items_constant_queries(setup, count_queries):
    s = setup
    small, ids = _count(count_queries, s["guest"], s["meeting"])
    assert s["i1"].id in ids and s["i2"].id not in ids and s["i3"].id not in ids
    for n in range(40):
        topic = create_topic(
            title=f"Casus {n}", meeting_type=meeting_type("tvo"), confidentiality="casus", year=2019
        )
        add_item(s["meeting"], title="", topic=topic, duration_minutes=1)
    db.session.commit()
    large, ids = _count(count_queries, s["guest"], s["meeting"])
    assert large == small <= 7
    assert len(ids) == 7  # 6 standard items and i1; none of the 40 new casus items
