"""The agenda page: items with start times, reorder, proposals, publication, need to know,
audit and query counts."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from overleg.domain.agenda import add_item, set_item_access
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import AgendaItem, AuditEvent, Meeting
from overleg.timeutil import today_local
from tests.conftest import assert_audit, get_page, login
from tests.factories import make_meeting, meeting_type, person, publish

DEMO_PASSWORD = "Veilig-Overleg-2019"
pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, email):
    c = app.test_client()
    resp = login(c, email, DEMO_PASSWORD)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return c


@pytest.fixture
def sec(app):
    return _client(app, "oov@example.org")


@pytest.fixture
def tvo():
    return make_meeting(
        "tvo",
        today_local() + timedelta(days=7),
        at=time(10, 0),
        participants=[
            (person("specialist@example.org"), "member"),
            (person("sociaalteam@example.org"), "member"),
            (person("veiligthuis@example.org"), "guest"),
        ],
    )


def _titles(html):
    return re.findall(r'<h2 class="utrecht-heading-3">\s*(\d+)\. ([^<]*)</h2>', html)


def test_agenda_shows_standard_items_with_start_times(sec, tvo):
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    titles = [t for _, t in _titles(html)]
    assert titles[0] == "Opening en vaststelling agenda" and titles[-1] == "Sluiting"
    # 10:00 opening (5), verslag 10:05 (5), actielijst 10:10 (10), mededelingen 10:20
    assert "10:00" in html and "10:05" in html and "10:10" in html and "10:20" in html


def test_secretary_adds_free_and_topic_items_before_rondvraag(sec, tvo):
    topic = create_topic(
        title="Overlast Kielsterplein", meeting_type=meeting_type("tvo"), year=2019
    )
    db.session.commit()
    r = sec.post(
        f"/overleggen/{tvo.id}/agenda/punten",
        data={
            "topic": "0",
            "title": "Evaluatie jaarwisseling",
            "purpose": "bespreking",
            "duration_minutes": "20",
            "presenter": "BT-chef",
        },
    )
    assert r.status_code == 302
    r = sec.post(
        f"/overleggen/{tvo.id}/agenda/punten",
        data={
            "topic": str(topic.id),
            "title": "",
            "purpose": "besluitvorming",
            "duration_minutes": "15",
        },
    )
    assert r.status_code == 302
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    titles = [t for _, t in _titles(html)]
    assert titles[4:7] == ["Evaluatie jaarwisseling", "Overlast Kielsterplein", "Rondvraag"]
    assert "10:30" in html  # mededelingen 10:20 + 10 -> evaluatie at 10:30
    assert topic.status == "in_behandeling"


def test_add_item_validation_in_dutch(sec, tvo):
    r = sec.post(
        f"/overleggen/{tvo.id}/agenda/punten",
        data={"topic": "0", "title": "", "purpose": "bespreking", "duration_minutes": "-5"},
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Geef het agendapunt een titel, of kies een onderwerp." in html
    assert "Vul een duur in minuten in, van 0 tot 480." in html


def test_reorder_up_and_down(sec, tvo):
    items = sorted(tvo.agenda_items, key=lambda i: i.position)
    second = items[1]
    r = sec.post(f"/agendapunten/{second.id}/omhoog")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#punt-{second.id}")
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert [t for _, t in _titles(html)][:2] == [
        "Verslag vorige vergadering",
        "Opening en vaststelling agenda",
    ]
    sec.post(f"/agendapunten/{second.id}/omlaag")
    sec.post(f"/agendapunten/{second.id}/omlaag")
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert [t for _, t in _titles(html)][:3] == [
        "Opening en vaststelling agenda",
        "Actielijst",
        "Verslag vorige vergadering",
    ]
    # buttons are real POST forms with accessible names
    assert 'aria-label="Agendapunt 1 omhoog"' in html


def test_participant_cannot_reorder(app, tvo):
    c = _client(app, "specialist@example.org")
    item = tvo.agenda_items[1]
    assert c.post(f"/agendapunten/{item.id}/omhoog").status_code == 403


def test_proposal_accept_and_decline(app, sec, tvo):
    member = _client(app, "specialist@example.org")
    r = member.post(
        f"/overleggen/{tvo.id}/agenda/voorstellen",
        data={
            "title": "Drugsoverlast Hoogezand-Noord",
            "purpose": "bespreking",
            "duration_minutes": "15",
        },
    )
    assert r.status_code == 302
    r = member.post(
        f"/overleggen/{tvo.id}/agenda/voorstellen",
        data={"title": "Cameratoezicht", "purpose": "informatie", "duration_minutes": "5"},
    )
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert "Drugsoverlast Hoogezand-Noord" in html and "voorgesteld door Erik Dijkstra" in html
    assert "Drugsoverlast" not in " ".join(t for _, t in _titles(html))
    first, second = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.proposal_status == "voorgesteld")
        .order_by(AgendaItem.id)
    ).all()
    assert sec.post(f"/agendapunten/{first.id}/accepteren").status_code == 302
    r = sec.post(f"/agendapunten/{second.id}/afwijzen", data={"reason": ""})
    assert r.status_code == 400
    assert "Geef een reden waarom het voorstel niet op de agenda komt." in r.get_data(as_text=True)
    r = sec.post(
        f"/agendapunten/{second.id}/afwijzen", data={"reason": "Komt in het Driehoeksoverleg"}
    )
    assert r.status_code == 302
    # participants see the agenda once the secretary publishes it
    assert sec.post(f"/overleggen/{tvo.id}/agenda/publiceren").status_code == 302
    html = member.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert "Drugsoverlast Hoogezand-Noord" in " ".join(t for _, t in _titles(html))
    assert "Afgewezen" in html and "Komt in het Driehoeksoverleg" in html
    # a non-participant may not propose
    outsider = _client(app, "wijkagent@example.org")
    r = outsider.post(
        f"/overleggen/{tvo.id}/agenda/voorstellen",
        data={"title": "X", "purpose": "bespreking", "duration_minutes": "5"},
    )
    assert r.status_code == 404


def test_publish_and_change_after_publication(app, sec, tvo):
    from overleg.models import OutboxMessage

    r = sec.post(f"/overleggen/{tvo.id}/agenda/publiceren")
    assert r.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, tvo.id)
    assert meeting.agenda_status == "gepubliceerd" and not meeting.agenda_changed_after_publish
    assert not meeting.agenda_change_pending
    sent = db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id).count()
    assert sent == 3
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert "Gepubliceerd op" in html and "Gewijzigd na publicatie" not in html
    assert "Wijziging melden aan deelnemers" not in html
    assert sec.post(f"/overleggen/{tvo.id}/agenda/publiceren").status_code == 400
    # nothing to report yet: refused in Dutch, no mail
    r = sec.post(f"/overleggen/{tvo.id}/agenda/wijziging-melden")
    assert r.status_code == 400
    assert "Er is geen wijziging van de agenda die nog gemeld moet worden." in r.get_data(
        as_text=True
    )
    sec.post(
        f"/overleggen/{tvo.id}/agenda/punten",
        data={
            "topic": "0",
            "title": "Extra punt",
            "purpose": "informatie",
            "duration_minutes": "5",
        },
    )
    db.session.expire_all()
    meeting = db.session.get(Meeting, tvo.id)
    assert meeting.agenda_changed_after_publish and meeting.agenda_change_pending
    # the change itself sends no mail; the secretary sees a notice with a button
    assert db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id).count() == 3
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert "Gewijzigd na publicatie" in html
    assert "De agenda is na publicatie gewijzigd en de deelnemers weten dat nog niet." in html
    assert (
        f'action="/overleggen/{tvo.id}/agenda/wijziging-melden"' in html
        and "Wijziging melden aan deelnemers</button>" in html
    )
    # a participant sees the marker but not the secretary's notice
    member = _client(app, "specialist@example.org")
    html = member.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert "Gewijzigd na publicatie" in html and "Wijziging melden" not in html
    assert member.post(f"/overleggen/{tvo.id}/agenda/wijziging-melden").status_code == 403
    assert db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id).count() == 3

    r = sec.post(f"/overleggen/{tvo.id}/agenda/wijziging-melden")
    assert r.status_code == 302
    html = sec.get(r.headers["Location"]).get_data(as_text=True)
    assert "De deelnemers krijgen bericht dat de agenda is gewijzigd." in html
    assert "Gewijzigd na publicatie" in html and "Wijziging melden aan deelnemers" not in html
    db.session.expire_all()
    meeting = db.session.get(Meeting, tvo.id)
    assert meeting.agenda_changed_after_publish and not meeting.agenda_change_pending
    assert db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id).count() == 6
    # the publication mail carries no agenda content; the change mail names the open item
    # that was added (tests/test_worklist_agenda.py: casus by reference, per recipient)
    bodies = [m.body_text for m in db.session.query(OutboxMessage).all()]
    published = [
        m.body_text for m in db.session.query(OutboxMessage).filter_by(reason="agenda_published")
    ]
    assert published and not any("Extra punt" in b for b in published)
    changed = [
        m.body_text for m in db.session.query(OutboxMessage).filter_by(reason="agenda_changed")
    ]
    assert changed and all("Toegevoegd: punt " in b and ", Extra punt" in b for b in changed)
    subjects = sorted({m.subject.split(":")[0] for m in db.session.query(OutboxMessage).all()})
    assert subjects == ["Agenda", "Agenda gewijzigd"]
    assert any("is gewijzigd na publicatie" in b for b in bodies)
    # reporting twice is refused
    assert sec.post(f"/overleggen/{tvo.id}/agenda/wijziging-melden").status_code == 400
    assert db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id).count() == 6


def test_several_changes_before_mail_goes_out_make_one_message(app, sec, tvo):
    """Reordering up and down, adding and editing after publication sends nothing by itself;
    the one report sends one message per participant."""
    from overleg.models import OutboxMessage

    def reasons():
        return [m.reason for m in db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id)]

    assert sec.post(f"/overleggen/{tvo.id}/agenda/publiceren").status_code == 302
    r = sec.post(
        f"/overleggen/{tvo.id}/agenda/punten",
        data={
            "topic": "0",
            "title": "Evaluatie jaarwisseling",
            "purpose": "bespreking",
            "duration_minutes": "10",
        },
    )
    assert r.status_code == 302
    item = db.session.scalar(
        select(AgendaItem).where(
            AgendaItem.meeting_id == tvo.id, AgendaItem.title == "Evaluatie jaarwisseling"
        )
    )
    assert sec.post(f"/agendapunten/{item.id}/omhoog").status_code == 302
    assert sec.post(f"/agendapunten/{item.id}/omlaag").status_code == 302
    assert (
        sec.post(
            f"/agendapunten/{item.id}/bewerken",
            data={
                "title": "Evaluatie oud en nieuw",
                "purpose": "bespreking",
                "duration_minutes": "15",
            },
        ).status_code
        == 302
    )
    assert reasons().count("agenda_published") == 3
    assert reasons().count("agenda_changed") == 0
    assert sec.post(f"/overleggen/{tvo.id}/agenda/wijziging-melden").status_code == 302
    changed = [
        m
        for m in db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id)
        if m.reason == "agenda_changed"
    ]
    assert len(changed) == 3
    assert len({m.recipient for m in changed}) == 3
    # further changes wait for the next report
    assert sec.post(f"/agendapunten/{item.id}/omhoog").status_code == 302
    assert reasons().count("agenda_changed") == 3
    db.session.expire_all()
    assert db.session.get(Meeting, tvo.id).agenda_change_pending


def test_report_change_refused_on_cancelled_meeting(app, sec, tvo):
    from overleg.domain.agenda import changed_after_publish, publish_agenda
    from overleg.models import OutboxMessage

    meeting = db.session.get(Meeting, tvo.id)
    publish_agenda(meeting)
    changed_after_publish(meeting)
    meeting.status = "geannuleerd"
    db.session.commit()
    before = db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id).count()
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert "Wijziging melden aan deelnemers" not in html
    r = sec.post(f"/overleggen/{tvo.id}/agenda/wijziging-melden")
    assert r.status_code == 400 and "geannuleerd" in r.get_data(as_text=True)
    assert db.session.query(OutboxMessage).filter_by(meeting_id=tvo.id).count() == before


def test_guest_sees_only_reference_of_other_casus(app, sec, tvo):
    mine = create_topic(
        title="Huiselijk geweld gezin K.",
        description="Melding Veilig Thuis",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    other = create_topic(
        title="Woonoverlast familie B. Slochteren",
        description="Drugsgebruik in de woning",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    item_mine = add_item(tvo, title="", topic=mine)
    add_item(tvo, title="", topic=other)
    db.session.flush()
    set_item_access(item_mine, "gast", {person("veiligthuis@example.org").id})
    publish(tvo)
    guest = _client(app, "veiligthuis@example.org")
    html = get_page(guest, f"/overleggen/{tvo.id}/agenda")
    assert "Huiselijk geweld gezin K." in html and "Melding Veilig Thuis" in html
    assert "Woonoverlast familie B." not in html and "Drugsgebruik" not in html
    assert other.reference in html
    # the topics list and the topic page, too
    html = get_page(guest, "/onderwerpen")
    assert "Woonoverlast familie B." not in html and other.reference in html
    assert "Huiselijk geweld gezin K." in html
    html = get_page(guest, f"/onderwerpen/{other.id}")
    assert "Woonoverlast" not in html and "Drugsgebruik" not in html
    # searching by case text does not find it; by reference it does
    assert other.reference not in get_page(guest, "/onderwerpen?q=Woonoverlast")
    assert other.reference in get_page(guest, f"/onderwerpen?q={other.reference}")
    # member sees everything; audit rows for the casus views, without case text
    member = _client(app, "specialist@example.org")
    html = get_page(member, f"/overleggen/{tvo.id}/agenda")
    assert "Woonoverlast familie B. Slochteren" in html
    # one event for the page, naming the casus shown in full (references only)
    rows = assert_audit(
        "casus_viewed", object_type="meeting", person_id=person("specialist@example.org").id
    )
    assert len(rows) == 1 and other.reference in rows[0].object_ref.split()
    guest_rows = assert_audit("casus_viewed", person_id=person("veiligthuis@example.org").id)
    assert {r.object_ref for r in guest_rows} == {mine.reference}
    for ev in db.session.scalars(select(AuditEvent)):
        assert "Woonoverlast" not in (ev.object_ref or "")


def test_besloten_item_hidden_from_unnamed_member(app, sec, tvo):
    topic = create_topic(
        title="Zorgmijder wijk Muntendam",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    item = add_item(tvo, title="", topic=topic)
    db.session.commit()
    r = sec.post(
        f"/agendapunten/{item.id}/toegang",
        data={"besloten": "y", "members": [str(person("specialist@example.org").id)]},
    )
    assert r.status_code == 302
    publish(tvo)
    html = (
        _client(app, "sociaalteam@example.org")
        .get(f"/overleggen/{tvo.id}/agenda")
        .get_data(as_text=True)
    )
    assert "Zorgmijder" not in html and topic.reference in html
    html = (
        _client(app, "specialist@example.org")
        .get(f"/overleggen/{tvo.id}/agenda")
        .get_data(as_text=True)
    )
    assert "Zorgmijder wijk Muntendam" in html
    r = sec.post(f"/agendapunten/{item.id}/toegang", data={"besloten": "y"})
    assert r.status_code == 400
    assert "Kies wie bij dit besloten agendapunt mag zijn." in r.get_data(as_text=True)


def test_non_participant_gets_404(app, tvo):
    c = _client(app, "burgemeester@example.org")
    assert c.get(f"/overleggen/{tvo.id}/agenda").status_code == 404


def _fill(meeting, n):
    for k in range(n):
        topic = create_topic(
            title=f"Casus {k}",
            meeting_type=meeting_type("tvo"),
            confidentiality="casus" if k % 2 else "vertrouwelijk",
            year=2019,
        )
        add_item(meeting, title="", topic=topic, duration_minutes=1)
    db.session.commit()


@pytest.mark.parametrize("email", ["oov@example.org", "veiligthuis@example.org"])
def test_agenda_page_queries_do_not_grow(app, count_queries, email):
    guest = person("veiligthuis@example.org")
    small = make_meeting("tvo", today_local() + timedelta(days=3), participants=[(guest, "guest")])
    large = make_meeting("tvo", today_local() + timedelta(days=4), participants=[(guest, "guest")])
    _fill(small, 5)
    _fill(large, 50)
    invited = {small.id: "Casus 3", large.id: "Casus 49"}  # a casus each (odd numbers)
    for meeting in (small, large):
        title = invited[meeting.id]
        item = next(i for i in meeting.agenda_items if i.topic and i.topic.title == title)
        set_item_access(item, "gast", {guest.id})
    publish(small)  # published: the guest sees the items, not only "in voorbereiding"
    publish(large)
    c = _client(app, email)
    counts = []
    for meeting in (small, large):
        c.get(f"/overleggen/{meeting.id}/agenda")  # warm up
        db.session.expire_all()
        with count_queries() as q:
            r = c.get(f"/overleggen/{meeting.id}/agenda")
        assert r.status_code == 200
        assert invited[meeting.id] in r.get_data(as_text=True)  # the guest's item is shown
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_pending_proposal_cannot_be_moved_or_escalated(app, sec, tvo):
    member = _client(app, "specialist@example.org")
    member.post(
        f"/overleggen/{tvo.id}/agenda/voorstellen",
        data={"title": "Voorstel", "purpose": "bespreking", "duration_minutes": "5"},
    )
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.proposal_status == "voorgesteld"))
    r = sec.post(f"/agendapunten/{item.id}/omhoog")
    assert r.status_code == 400
    assert "Dit voorstel staat (nog) niet op de agenda." in r.get_data(as_text=True)


def test_cancelled_meeting_agenda_is_frozen(sec, tvo):
    tvo.status = "geannuleerd"
    db.session.commit()
    r = sec.post(
        f"/overleggen/{tvo.id}/agenda/punten",
        data={
            "topic": "0",
            "title": "Nog een punt",
            "purpose": "bespreking",
            "duration_minutes": "5",
        },
    )
    assert r.status_code == 400
    assert "Dit overleg is geannuleerd; de agenda kan niet meer worden gewijzigd." in r.get_data(
        as_text=True
    )


def test_item_pages_render_and_edit(app, sec, tvo):
    guest = person("veiligthuis@example.org")
    topic = create_topic(
        title="Casus X", meeting_type=meeting_type("tvo"), confidentiality="casus", year=2019
    )
    item = add_item(tvo, title="", topic=topic)
    db.session.commit()
    for url in (
        f"/agendapunten/{item.id}/bewerken",
        f"/agendapunten/{item.id}/toegang",
        f"/agendapunten/{item.id}/afhandelen",
        f"/agendapunten/{item.id}/opschalen",
    ):
        r = sec.get(url)
        assert r.status_code == 200, url
        assert "Casus X" in r.get_data(as_text=True)
    assert guest.name in sec.get(f"/agendapunten/{item.id}/toegang").get_data(as_text=True)
    r = sec.post(
        f"/agendapunten/{item.id}/bewerken",
        data={
            "title": "Casus X (vervolg)",
            "purpose": "besluitvorming",
            "duration_minutes": "25",
            "presenter": "Coördinator OOV",
        },
    )
    assert r.status_code == 302
    html = sec.get(f"/overleggen/{tvo.id}/agenda").get_data(as_text=True)
    assert "Casus X (vervolg)" in html and "Ter besluitvorming · 25 min · Coördinator OOV" in html
    r = sec.post(
        f"/agendapunten/{item.id}/bewerken",
        data={"title": "", "purpose": "besluitvorming", "duration_minutes": "abc"},
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Geef het agendapunt een titel." in html and "Vul een duur in minuten in" in html


def test_an_item_with_decisions_or_actions_cannot_be_removed(app):
    """Removing a besloten item after its minutes were sent would leave its action without an
    item, readable by every participant on the action register and the next actielijst."""
    from tests.conftest import TEST_PASSWORD
    from tests.leak_fixture import build_world, found

    w = build_world()
    nxt = w.meetings["next"]
    bes = w.items["bes"]
    sec = app.test_client()
    login(sec, w.people["secretaris"].email, TEST_PASSWORD)
    resp = sec.post(f"/agendapunten/{bes.id}/verwijderen")
    assert resp.status_code == 400
    assert "besluiten of actiepunten in het verslag" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AgendaItem, bes.id) is not None  # nothing saved is lost
    member = app.test_client()
    login(member, w.people["participant"].email, TEST_PASSWORD)
    named = app.test_client()
    login(named, w.people["besloten"].email, TEST_PASSWORD)
    for url in ("/actiepunten/tvo", f"/overleggen/{nxt.id}/agenda"):
        resp = member.get(url)
        assert resp.status_code == 200
        assert "zzbesactzz" not in found(resp.get_data(as_text=True)), url
        # positive control: who is named on the besloten item reads its action
        resp = named.get(url)
        assert resp.status_code == 200 and "zzbesactzz" in found(resp.get_data(as_text=True))
    # an item without anything recorded still goes
    extra = add_item(nxt, title="Los punt", duration_minutes=5)
    db.session.commit()
    assert sec.post(f"/agendapunten/{extra.id}/verwijderen").status_code == 302
    assert db.session.get(AgendaItem, extra.id) is None


def test_origin_of_an_item_read_by_reference_only_is_not_shown(app):
    """Where an item came from ("Opgeschaald door ...") is part of its content: the agenda
    page and the topic's timeline show it only with the item in full, as the agenda PDF does."""
    from tests.conftest import TEST_PASSWORD
    from tests.leak_fixture import build_world, response_text

    w = build_world()
    held = w.meetings["held"].id
    label = "Opgeschaald door het OVO"
    for persona, shown in (("named_guest", False), ("participant", True)):
        c = app.test_client()
        login(c, w.people[persona].email, TEST_PASSWORD)
        topic = w.topics["esc"].id
        for url in (
            f"/overleggen/{held}/agenda",
            f"/overleggen/{held}/agenda.pdf",
            f"/onderwerpen/{topic}",
        ):
            resp = c.get(url)
            assert resp.status_code == 200
            text = " ".join(response_text(resp).split())
            assert (label in text) is shown, (persona, url)
