"""Need to know: who sees a casus in full, and who only its reference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app

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
from tests.conftest import demo_client
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


# --- a besloten casus item stays closed, even after an open discussion of the same casus -------
# The notes, outcome and description of a besloten item are for the people named on it; an
# earlier open discussion of the casus does not open a later besloten one.

CLOSED_OUTCOME = "Melder is de buurvrouw op nummer 9; politie neemt contact op"
CLOSED_DESCRIPTION = "Alleen voor politie en sociaal team: identiteit van de melder"
CLOSED_NOTES = "Besloten notitie: strafrechtelijk onderzoek loopt tegen bewoner"
CLOSED_DECISION = "Besluit: bestuurlijke waarschuwing aan bewoner nr 7"
NAMED = "specialist@example.org"
EXCLUDED = "veiligheidshuis@example.org"


@pytest.fixture
def closed_casus():
    """The same casus on two TVO agendas: open at the earlier meeting, besloten (only the
    specialist named) at the later one, whose minutes are out for approval."""
    from overleg.domain.decisions import add_decision
    from overleg.domain.escalation import conclude
    from overleg.domain.minutes import ensure_minutes, send_for_approval

    sec = person("oov@example.org")
    named = person(NAMED)
    excluded = person(EXCLUDED)
    topic = create_topic(
        title="Aanhoudende burenruzie Kerkstraat",
        description="Casus",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    parts = [(named, "member"), (excluded, "member"), (sec, "secretary")]
    earlier = make_meeting("tvo", today_local() - timedelta(days=30), participants=parts)
    add_item(earlier, title="", topic=topic)  # open: both may see the casus here
    later = make_meeting("tvo", today_local() - timedelta(days=2), participants=parts)
    closed = add_item(later, title="", topic=topic, description=CLOSED_DESCRIPTION)
    db.session.flush()
    set_besloten(closed, True, {named.id})  # closed: only the named member
    conclude(closed, outcome=CLOSED_OUTCOME, by=sec)
    minutes = ensure_minutes(later, sec)
    closed.notes = CLOSED_NOTES
    add_decision(later, closed, CLOSED_DECISION)
    db.session.flush()
    send_for_approval(minutes, sec)
    db.session.commit()
    return later


def test_besloten_item_on_the_agenda_only_for_the_named_participant(closed_casus):
    url = f"/overleggen/{closed_casus.id}/agenda"
    named = demo_client(current_app, NAMED).get(url)
    assert named.status_code == 200
    assert CLOSED_DESCRIPTION in named.get_data(as_text=True)
    excluded = demo_client(current_app, EXCLUDED).get(url)
    assert excluded.status_code == 200  # the agenda itself is theirs
    html = excluded.get_data(as_text=True)
    assert CLOSED_DESCRIPTION not in html
    assert CLOSED_OUTCOME not in html


def test_besloten_item_in_the_minutes_only_for_the_named_participant(closed_casus):
    url = f"/overleggen/{closed_casus.id}/verslag"
    named = demo_client(current_app, NAMED).get(url)
    assert named.status_code == 200
    assert CLOSED_NOTES in named.get_data(as_text=True)
    assert CLOSED_OUTCOME in named.get_data(as_text=True)
    excluded = demo_client(current_app, EXCLUDED).get(url)
    assert excluded.status_code == 200
    html = excluded.get_data(as_text=True)
    assert CLOSED_NOTES not in html
    assert CLOSED_OUTCOME not in html


def test_besloten_item_in_the_minutes_pdf_only_for_the_named_participant(closed_casus):
    from tests.minutes_support import pdf_text

    url = f"/overleggen/{closed_casus.id}/verslag.pdf"
    named = demo_client(current_app, NAMED).get(url)
    assert named.status_code == 200 and named.mimetype == "application/pdf"
    assert "strafrechtelijk onderzoek" in " ".join(pdf_text(named.data))
    excluded = demo_client(current_app, EXCLUDED).get(url)
    assert excluded.status_code == 200 and excluded.mimetype == "application/pdf"
    assert "strafrechtelijk onderzoek" not in " ".join(pdf_text(excluded.data))


def test_besloten_decision_in_the_register_only_for_the_named_participant(closed_casus):
    named = demo_client(current_app, NAMED).get("/besluiten/tvo")
    assert named.status_code == 200
    assert "bestuurlijke waarschuwing aan bewoner" in named.get_data(as_text=True)
    excluded = demo_client(current_app, EXCLUDED).get("/besluiten/tvo")
    assert excluded.status_code == 200
    assert "bestuurlijke waarschuwing aan bewoner" not in excluded.get_data(as_text=True)
