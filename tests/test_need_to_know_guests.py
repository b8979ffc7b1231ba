"""Need to know for guests: default deny (usability/security review, finding 5).

A guest (Participant.part == "guest") is entitled only to the agenda items they are named on
(``gast`` access rows): a guest invited for particular items sees those and the standard items
in full, everything else by reference. A guest invited without any particular items sees the
open (non-casus, non-besloten) items only, and casus items by their reference."""

from __future__ import annotations

from datetime import timedelta

import pytest

from overleg.domain.agenda import add_item, set_besloten, set_item_access
from overleg.domain.policy import can_see_casus, entitled_items, item_heading
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import get_page, login
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")

CASUS_TITLE = "Gezin Bakker, Zuidbroek"
CASUS_TWO_TITLE = "Woonoverlast Meeden nr 4"
OPEN_TITLE = "Inbraakgolf Scheemda"
CLOSED_TITLE = "Besloten: signaal uit het bedrijfsleven"


def _client(app, email):
    c = app.test_client()
    assert login(c, email, "Veilig-Overleg-2019").status_code == 302
    return c


@pytest.fixture
def setup():
    sec = person("oov@example.org")
    member = person("specialist@example.org")
    plain_guest = person("ovj@example.org")  # invited, no particular items
    named_guest = person("veiligthuis@example.org")  # invited for one casus item
    meeting = make_meeting(
        "tvo",
        today_local() + timedelta(days=4),
        participants=[
            (member, "member"),
            (plain_guest, "guest"),
            (named_guest, "guest"),
            (sec, "secretary"),
        ],
    )
    casus = create_topic(
        title=CASUS_TITLE,
        description="Zorgen om de kinderen",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    casus_two = create_topic(
        title=CASUS_TWO_TITLE, meeting_type=meeting_type("tvo"), confidentiality="casus", year=2019
    )
    open_topic = create_topic(
        title=OPEN_TITLE,
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    c1 = add_item(meeting, title="", topic=casus)
    c2 = add_item(meeting, title="", topic=casus_two)
    o1 = add_item(meeting, title="", topic=open_topic)
    closed = add_item(meeting, title=CLOSED_TITLE)
    db.session.flush()
    set_item_access(c1, "gast", {named_guest.id})
    set_besloten(closed, True, {member.id})
    publish(meeting, commit=False)  # participants see the agenda once it is published
    db.session.commit()
    return dict(
        sec=sec,
        member=member,
        plain_guest=plain_guest,
        named_guest=named_guest,
        meeting=meeting,
        casus=casus,
        casus_two=casus_two,
        c1=c1,
        c2=c2,
        o1=o1,
        closed=closed,
    )


def test_guest_without_items_sees_open_items_only(setup):
    s = setup
    g = s["plain_guest"]
    ids = entitled_items(g, s["meeting"])
    assert s["o1"].id in ids
    assert s["c1"].id not in ids and s["c2"].id not in ids and s["closed"].id not in ids
    assert not can_see_casus(g, s["c1"]) and not can_see_casus(g, s["casus"])
    assert can_see_casus(g, s["o1"])
    assert item_heading(s["c1"], g) == s["casus"].reference


def test_guest_named_on_one_item_sees_that_item_only(setup):
    s = setup
    g = s["named_guest"]
    ids = entitled_items(g, s["meeting"])
    assert s["c1"].id in ids
    # invited for c1 only: the open item too is shown by its reference
    assert s["o1"].id not in ids and s["c2"].id not in ids and s["closed"].id not in ids
    assert item_heading(s["o1"], g) == s["o1"].topic.reference
    assert can_see_casus(g, s["casus"]) and not can_see_casus(g, s["casus_two"])


def test_members_still_see_every_casus(setup):
    s = setup
    ids = entitled_items(s["member"], s["meeting"])
    assert {s["c1"].id, s["c2"].id, s["o1"].id, s["closed"].id} <= ids


def test_guest_without_items_reads_references_on_agenda(app, setup):
    s = setup
    html = get_page(_client(app, "ovj@example.org"), f"/overleggen/{s['meeting'].id}/agenda")
    assert OPEN_TITLE in html
    assert CASUS_TITLE not in html and CASUS_TWO_TITLE not in html
    assert s["casus"].reference in html and s["casus_two"].reference in html
    assert CLOSED_TITLE not in html
    # a member of the meeting reads all of them on the same page
    member = get_page(
        _client(app, "specialist@example.org"), f"/overleggen/{s['meeting'].id}/agenda"
    )
    for title in (CASUS_TITLE, CASUS_TWO_TITLE, CLOSED_TITLE):
        assert title in member, title


def test_named_guest_reads_own_casus_on_agenda(app, setup):
    s = setup
    html = get_page(
        _client(app, "veiligthuis@example.org"), f"/overleggen/{s['meeting'].id}/agenda"
    )
    assert CASUS_TITLE in html
    assert CASUS_TWO_TITLE not in html
    member = get_page(
        _client(app, "specialist@example.org"), f"/overleggen/{s['meeting'].id}/agenda"
    )
    assert CASUS_TWO_TITLE in member


def test_guest_without_items_constant_queries(setup, count_queries):
    s = setup

    def count():
        db.session.expire_all()
        with count_queries() as q:
            entitled_items(s["plain_guest"], s["meeting"])
        return q.count

    small = count()
    for n in range(25):
        topic = create_topic(
            title=f"Casus {n}", meeting_type=meeting_type("tvo"), confidentiality="casus", year=2019
        )
        add_item(s["meeting"], title="", topic=topic, duration_minutes=1)
    db.session.commit()
    assert count() == small <= 7


def test_meeting_page_tells_secretary_how_guests_see_casus(app, setup):
    s = setup
    html = get_page(_client(app, "oov@example.org"), f"/overleggen/{s['meeting'].id}")
    assert "Gast toevoegen" in html
    assert "ziet een gast pas in zijn geheel als u de gast bij dat agendapunt noemt" in html
    assert f'href="/overleggen/{s["meeting"].id}/agenda"' in html


def test_guest_for_one_item_does_not_read_the_action_list(app, setup):
    from overleg.domain import actions as da
    from tests.minutes_support import item_of, past_meeting

    s = setup
    earlier = past_meeting("tvo", 20)
    da.add_action(
        earlier,
        item_of(earlier, "mededelingen"),
        "Cameratoezicht evalueren",
        owner_person=s["member"],
    )
    from overleg.domain import minutes as dmin

    # actions reach participants once the minutes they were made in are sent
    dmin.send_for_approval(dmin.ensure_minutes(earlier))
    db.session.commit()
    named = get_page(
        _client(app, "veiligthuis@example.org"), f"/overleggen/{s['meeting'].id}/agenda"
    )
    assert CASUS_TITLE in named  # the item she is invited for
    assert "Cameratoezicht evalueren" not in named  # not the body's action list
    assert OPEN_TITLE not in named  # nor the other topics
    member = get_page(
        _client(app, "specialist@example.org"), f"/overleggen/{s['meeting'].id}/agenda"
    )
    assert "Cameratoezicht evalueren" in member and OPEN_TITLE in member
