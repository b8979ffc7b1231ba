"""Escalation between bodies: paths, refusals, placement, terugkoppeling, timeline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from overleg.domain import escalation as esc_domain
from overleg.domain.agenda import add_item, publish_agenda
from overleg.domain.escalation import EscalationError, NotAllowed, conclude, escalate, place
from overleg.domain.topics import create_topic, timeline
from overleg.extensions import db
from overleg.models import Escalation
from overleg.timeutil import nl_date, today_local
from tests.conftest import get_page
from tests.factories import make_meeting, meeting_type, person

pytestmark = pytest.mark.usefixtures("seeded")


def _secretary():
    return person("oov@example.org")


def _topic(code="ovo", title="Overlast jongeren Kielsterplein", conf="vertrouwelijk"):
    return create_topic(
        title=title,
        meeting_type=meeting_type(code),
        confidentiality=conf,
        by=_secretary(),
        year=2019,
    )


def _item_on(meeting, topic):
    item = add_item(meeting, title="", topic=topic, purpose="bespreking", duration_minutes=15)
    db.session.commit()
    return item


def test_reference_numbered_per_body_and_year():
    a = _topic()
    b = _topic()
    c = _topic("tvo")
    assert (a.reference, b.reference, c.reference) == (
        "OVO-2019-001",
        "OVO-2019-002",
        "TVO-2019-001",
    )
    db.session.delete(b)
    db.session.commit()
    assert _topic().reference == "OVO-2019-003"  # never reused


def test_escalate_places_on_next_open_agenda():
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    published = make_meeting("tvo", today_local() + timedelta(days=5))
    publish_agenda(published)
    make_meeting("tvo", today_local() + timedelta(days=8), commit=True).status = "geannuleerd"
    open_tvo = make_meeting("tvo", today_local() + timedelta(days=12))
    make_meeting("tvo", today_local() + timedelta(days=30))
    topic = _topic()
    item = _item_on(ovo, topic)
    esc = escalate(
        item,
        meeting_type("tvo"),
        question="Mandaat voor gebiedsverbod?",
        reason="Overlast houdt aan",
        by=_secretary(),
    )
    db.session.commit()
    assert esc.status == "geagendeerd"
    assert esc.target_item.meeting_id == open_tvo.id
    assert esc.target_item.origin_label.startswith(
        "Opgeschaald door Operationeel Veiligheidsoverleg"
    )
    assert esc.target_item.question == "Mandaat voor gebiedsverbod?"
    assert topic.status == "opgeschaald"
    assert topic.meeting_type.code == "tvo"


def test_place_on_chosen_meeting_moves_item():
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    first = make_meeting("tvo", today_local() + timedelta(days=5))
    chosen = make_meeting("tvo", today_local() + timedelta(days=40))
    item = _item_on(ovo, _topic())
    esc = escalate(item, meeting_type("tvo"), question="V", reason="R", by=_secretary())
    db.session.commit()
    assert esc.target_item.meeting_id == first.id
    place(esc, chosen, by=_secretary())
    db.session.commit()
    assert esc.target_item.meeting_id == chosen.id
    assert not [i for i in first.agenda_items if i.topic_id == esc.topic_id]


def test_without_open_meeting_it_waits_in_backlog():
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    esc = escalate(
        _item_on(ovo, _topic()), meeting_type("tvo"), question="V", reason="R", by=_secretary()
    )
    db.session.commit()
    assert esc.status == "te_agenderen"
    assert esc_domain.backlog(meeting_type("tvo"))["waiting"] == [esc]


@pytest.mark.parametrize(
    "target,message",
    [
        ("ovo", "niet naar hetzelfde overleg"),
        (
            "driehoek",
            "Er is geen escalatiepad ingesteld van Operationeel Veiligheidsoverleg naar "
            "Driehoeksoverleg.",
        ),
    ],
)
def test_refusals_paths(target, message):
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    with pytest.raises(EscalationError, match=message):
        escalate(
            _item_on(ovo, _topic()), meeting_type(target), question="V", reason="R", by=_secretary()
        )


def test_refusal_second_open_escalation_and_cancelled_and_non_secretary():
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    topic = _topic()
    item = _item_on(ovo, topic)
    escalate(item, meeting_type("tvo"), question="V", reason="R", by=_secretary())
    db.session.commit()
    with pytest.raises(EscalationError, match=r"staat al open bij Tactisch Veiligheidsoverleg"):
        escalate(item, meeting_type("tvo"), question="V2", reason="R2", by=_secretary())
    assert db.session.query(Escalation).count() == 1
    with pytest.raises(NotAllowed, match="Alleen de secretaris"):
        escalate(
            item, meeting_type("tvo"), question="V", reason="R", by=person("wijkagent@example.org")
        )
    ovo.status = "geannuleerd"
    other = _item_on(make_meeting("ovo", today_local() + timedelta(days=3)), _topic())
    other.meeting.status = "geannuleerd"
    with pytest.raises(EscalationError, match="geannuleerd overleg"):
        escalate(other, meeting_type("tvo"), question="V", reason="R", by=_secretary())


def test_conclude_returns_terugkoppeling_and_timeline_up_down_back():
    sec = _secretary()
    ovo = make_meeting("ovo", today_local() + timedelta(days=1))
    tvo = make_meeting("tvo", today_local() + timedelta(days=3))
    driehoek = make_meeting("driehoek", today_local() + timedelta(days=5))
    ovo2 = make_meeting("ovo", today_local() + timedelta(days=8))
    tvo2 = make_meeting("tvo", today_local() + timedelta(days=10))
    driehoek2 = make_meeting("driehoek", today_local() + timedelta(days=20))
    topic = _topic()
    up1 = escalate(
        _item_on(ovo, topic),
        meeting_type("tvo"),
        question="Integrale aanpak?",
        reason="Meerdere meldingen",
        by=sec,
    )
    db.session.commit()
    publish_agenda(ovo)  # the OVO of day 1 is final; feedback goes to the next one
    up2 = escalate(
        up1.target_item,
        meeting_type("driehoek"),
        question="Prioriteit en mandaat?",
        reason="Capaciteit politie",
        by=sec,
    )
    db.session.commit()
    assert up2.target_item.meeting_id == driehoek.id
    conclude(up1.target_item, outcome="Voorgelegd aan de Driehoek", by=sec)
    db.session.commit()
    assert up1.feedback_item.meeting_id == ovo2.id
    assert up1.feedback_item.is_feedback
    assert up1.feedback_item.origin_label.startswith("Terugkoppeling Tactisch Veiligheidsoverleg")
    publish_agenda(tvo)
    publish_agenda(driehoek)
    back = conclude(up2.target_item, outcome="Prioriteit toegekend", outcome_kind="besluit", by=sec)
    down = escalate(
        up2.target_item,
        meeting_type("tvo"),
        question="Stel een plan van aanpak op",
        reason="Besluit Driehoek",
        by=sec,
    )
    db.session.commit()
    assert back.feedback_item.meeting_id == tvo2.id
    # The decision is numbered in the Driehoek's register and its number travels back.
    from overleg.models import Decision

    decision = db.session.query(Decision).filter_by(agenda_item_id=up2.target_item.id).one()
    assert decision.code.startswith("DRIEHOEK-") and decision.text == "Prioriteit toegekend"
    assert back.outcome == f"{decision.code}: Prioriteit toegekend"
    assert down.direction == "down" and down.target_item.meeting_id == tvo2.id
    conclude(down.target_item, outcome="Plan van aanpak vastgesteld", by=sec)
    db.session.commit()
    assert down.feedback_item.meeting_id == driehoek2.id

    tl = timeline(topic)
    meetings = [e.meeting.id for e in tl.entries]
    assert meetings[0] == ovo.id and tvo.id in meetings and driehoek.id in meetings
    assert meetings[-1] == driehoek2.id
    assert not tl.open_escalations
    assert {e.direction for e in tl.escalations} == {"up", "down"}


# --- through the pages ------------------------------------------------------------------------


def _client(app, email):
    from tests.conftest import login

    c = app.test_client()
    assert login(c, email, "Veilig-Overleg-2019").status_code == 302
    return c


def test_escalate_form_offers_only_configured_paths(app):
    tvo = make_meeting("tvo", today_local() + timedelta(days=2))
    item = _item_on(tvo, _topic("tvo"))
    html = get_page(_client(app, "oov@example.org"), f"/agendapunten/{item.id}/opschalen")
    assert "Opschalen: Driehoeksoverleg" in html and "Opschalen: Politie Overleg" in html
    assert "Operationeel Veiligheidsoverleg</option>" not in html


@pytest.mark.parametrize(
    "target,message",
    [
        (
            "ovo",
            "Een onderwerp kan niet naar hetzelfde overleg (Operationeel Veiligheidsoverleg) "
            "worden opgeschaald.",
        ),
        (
            "driehoek",
            "Er is geen escalatiepad ingesteld van Operationeel Veiligheidsoverleg naar "
            "Driehoeksoverleg.",
        ),
    ],
)
def test_escalate_page_refusals(app, target, message):
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    item = _item_on(ovo, _topic())
    r = _client(app, "oov@example.org").post(
        f"/agendapunten/{item.id}/opschalen",
        data={
            "to_type": str(meeting_type(target).id),
            "question": "V",
            "reason": "R",
            "meeting": "0",
        },
    )
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
    assert db.session.query(Escalation).count() == 0


def test_escalate_page_second_open_and_cancelled_and_missing_fields(app):
    c = _client(app, "oov@example.org")
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    topic = _topic()
    item = _item_on(ovo, topic)
    data = {
        "to_type": str(meeting_type("tvo").id),
        "question": "Mandaat?",
        "reason": "Ernst",
        "meeting": "0",
    }
    assert c.post(f"/agendapunten/{item.id}/opschalen", data=data).status_code == 302
    r = c.post(f"/agendapunten/{item.id}/opschalen", data=data)
    assert r.status_code == 400
    assert (
        f"Onderwerp {topic.reference} staat al open bij Tactisch Veiligheidsoverleg"
        in r.get_data(as_text=True)
    )
    r = c.post(f"/agendapunten/{item.id}/opschalen", data={**data, "question": "", "reason": ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Geef aan wat er aan het andere overleg wordt gevraagd." in html
    assert "Geef de reden van de opschaling of opdracht." in html
    cancelled = make_meeting("ovo", today_local() + timedelta(days=4))
    other = _item_on(cancelled, _topic())
    cancelled.status = "geannuleerd"
    db.session.commit()
    r = c.post(f"/agendapunten/{other.id}/opschalen", data=data)
    assert r.status_code == 400
    assert "vanuit een geannuleerd overleg kan niet worden opgeschaald" in r.get_data(as_text=True)


def test_escalate_by_non_secretary_is_403(app):
    member = person("wijkagent@example.org")
    ovo = make_meeting("ovo", today_local() + timedelta(days=2), participants=[(member, "member")])
    item = _item_on(ovo, _topic())
    c = _client(app, "wijkagent@example.org")
    assert c.get(f"/agendapunten/{item.id}/opschalen").status_code == 403
    r = c.post(
        f"/agendapunten/{item.id}/opschalen",
        data={"to_type": str(meeting_type("tvo").id), "question": "V", "reason": "R"},
    )
    assert r.status_code == 403
    assert "U heeft geen toegang tot deze pagina." in r.get_data(as_text=True)
    assert db.session.query(Escalation).count() == 0


def test_escalate_page_to_chosen_meeting_and_conclude_page(app):
    c = _client(app, "oov@example.org")
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    make_meeting("tvo", today_local() + timedelta(days=4))
    chosen = make_meeting("tvo", today_local() + timedelta(days=18))
    ovo_next = make_meeting("ovo", today_local() + timedelta(days=25))
    item = _item_on(ovo, _topic())
    r = c.post(
        f"/agendapunten/{item.id}/opschalen",
        data={
            "to_type": str(meeting_type("tvo").id),
            "question": "Gebiedsverbod?",
            "reason": "Ernst",
            "meeting": str(chosen.id),
        },
    )
    assert r.status_code == 302
    esc = db.session.scalar(select(Escalation))
    assert esc.target_item.meeting_id == chosen.id
    html = c.get(f"/overleggen/{chosen.id}/agenda").get_data(as_text=True)
    assert (
        "Opgeschaald door Operationeel Veiligheidsoverleg" in html
        and "Vraag: Gebiedsverbod?" in html
    )
    publish_agenda(ovo)
    db.session.commit()
    r = c.post(
        f"/agendapunten/{esc.target_item.id}/afhandelen",
        data={"outcome": "", "outcome_kind": "geen"},
    )
    assert r.status_code == 400 and "Beschrijf de uitkomst." in r.get_data(as_text=True)
    r = c.post(
        f"/agendapunten/{esc.target_item.id}/afhandelen",
        data={"outcome": "Gebiedsverbod wordt voorbereid", "outcome_kind": "besluit"},
    )
    assert r.status_code == 302
    html = c.get(f"/overleggen/{ovo_next.id}/agenda").get_data(as_text=True)
    assert "Terugkoppeling Tactisch Veiligheidsoverleg" in html
    assert "Gebiedsverbod wordt voorbereid" in html


# --- never placed before the meeting it comes from ---------------------------------------------


def _option_ids(html, action):
    """The meeting ids offered by the place form that posts to `action`."""
    form = html.split(f'action="{action}"')[1].split("</form>")[0]
    return [int(v) for v in re.findall(r'<option value="(\d+)"', form)]


def test_feedback_and_assignment_land_after_the_concluding_meeting(app):
    """A Driehoek that meets after an open TVO agenda sends its terugkoppeling and its
    assignment to the TVO after it, not to the earlier one."""
    sec = _secretary()
    tvo_early = make_meeting("tvo", today_local() + timedelta(days=3))
    driehoek = make_meeting("driehoek", today_local() + timedelta(days=20))
    tvo_after = make_meeting("tvo", today_local() + timedelta(days=27))
    topic = _topic("tvo")
    up = escalate(
        _item_on(tvo_early, topic),
        meeting_type("driehoek"),
        question="Mandaat?",
        reason="Ernst",
        by=sec,
    )
    db.session.commit()
    assert up.target_item.meeting_id == driehoek.id
    later_topic = _topic("tvo", title="Ondermijning vakantiepark")
    other = _item_on(tvo_early, later_topic)
    back = conclude(up.target_item, outcome="Mandaat gegeven", outcome_kind="besluit", by=sec)
    db.session.commit()
    assert back.feedback_item.meeting_id == tvo_after.id  # not the open TVO of day 3
    down = escalate(
        up.target_item,
        meeting_type("tvo"),
        question="Plan van aanpak?",
        reason="Besluit Driehoek",
        by=sec,
    )
    db.session.commit()
    assert down.target_item.meeting_id == tvo_after.id
    assert not [i for i in tvo_early.agenda_items if i.is_feedback]
    # the domain refuses a chosen meeting before the source meeting, in Dutch
    esc2 = escalate(
        other, meeting_type("driehoek"), question="V", reason="R", by=sec, auto_place=False
    )
    db.session.commit()
    with pytest.raises(
        EscalationError, match="Dit overleg is niet na het Tactisch Veiligheidsoverleg van"
    ):
        place(esc2, make_meeting("driehoek", today_local() + timedelta(days=2)), by=sec)


def test_escalation_never_before_its_meeting_and_lists_offer_only_later_meetings(app):
    c = _client(app, "oov@example.org")
    tvo_early = make_meeting("tvo", today_local() + timedelta(days=3))
    ovo = make_meeting("ovo", today_local() + timedelta(days=10))
    tvo_after = make_meeting("tvo", today_local() + timedelta(days=17))
    item = _item_on(ovo, _topic())
    # the "Agenderen op" list offers only the TVO after the OVO
    html = c.get(f"/agendapunten/{item.id}/opschalen").get_data(as_text=True)
    select_html = html.split('name="meeting"')[1].split("</select>")[0]
    ids = [int(v) for v in re.findall(r'<option value="(\d+)"', select_html)]
    assert tvo_after.id in ids and tvo_early.id not in ids
    # choosing the earlier one anyway is refused with a Dutch message
    data = {
        "to_type": str(meeting_type("tvo").id),
        "question": "Gebiedsverbod?",
        "reason": "Ernst",
        "meeting": str(tvo_early.id),
    }
    r = c.post(f"/agendapunten/{item.id}/opschalen", data=data)
    assert r.status_code == 400
    assert "Dit overleg is niet na het Operationeel Veiligheidsoverleg van" in r.get_data(
        as_text=True
    )
    assert db.session.query(Escalation).count() == 0
    # automatic placement skips the open TVO before the OVO
    r = c.post(f"/agendapunten/{item.id}/opschalen", data={**data, "meeting": "0"})
    assert r.status_code == 302
    esc = db.session.scalar(select(Escalation))
    assert esc.target_item.meeting_id == tvo_after.id
    # "Naar ander overleg" in the backlog offers only meetings after the OVO
    html = c.get("/te-agenderen/tvo").get_data(as_text=True)
    ids = _option_ids(html, f"/escalaties/{esc.id}/agenderen")
    assert tvo_after.id in ids and tvo_early.id not in ids
    # moving it to the earlier meeting through the backlog is refused, too
    r = c.post(f"/escalaties/{esc.id}/agenderen", data={"meeting": str(tvo_early.id)})
    assert r.status_code == 400
    assert "kies een later overleg" in r.get_data(as_text=True)


def test_waiting_feedback_offers_only_meetings_after_the_concluding_meeting(app):
    c = _client(app, "oov@example.org")
    sec = _secretary()
    ovo_early = make_meeting("ovo", today_local() + timedelta(days=2))
    tvo = make_meeting("tvo", today_local() + timedelta(days=9))
    ovo_after = make_meeting("ovo", today_local() + timedelta(days=16))
    esc = escalate(
        _item_on(ovo_early, _topic()), meeting_type("tvo"), question="V", reason="R", by=sec
    )
    publish_agenda(ovo_after)  # no open OVO agenda after the TVO: the feedback waits
    db.session.commit()
    conclude(esc.target_item, outcome="Aanpak afgesproken", by=sec)
    db.session.commit()
    assert esc.feedback_item is None  # the open OVO of day 2 is not used
    html = c.get("/te-agenderen/ovo").get_data(as_text=True)
    ids = _option_ids(html, f"/escalaties/{esc.id}/terugkoppeling-agenderen")
    assert ids == [ovo_after.id]
    r = c.post(
        f"/escalaties/{esc.id}/terugkoppeling-agenderen", data={"meeting": str(ovo_early.id)}
    )
    assert r.status_code == 400 and "kies een later overleg" in r.get_data(as_text=True)
    db.session.expire_all()
    assert esc.target_item.meeting_id == tvo.id  # the concluding meeting
    assert esc.feedback_item is None  # the refused choice placed nothing
    r = c.post(
        f"/escalaties/{esc.id}/terugkoppeling-agenderen", data={"meeting": str(ovo_after.id)}
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert esc.feedback_item.meeting_id == ovo_after.id


# --- labels on the topic page and the Afhandelen screen ---------------------------------------


def test_timeline_labels_and_one_entry_per_meeting(app):
    sec = _secretary()
    ovo = make_meeting("ovo", today_local() + timedelta(days=1))
    tvo = make_meeting("tvo", today_local() + timedelta(days=3))
    driehoek = make_meeting("driehoek", today_local() + timedelta(days=5))
    make_meeting("ovo", today_local() + timedelta(days=8))
    tvo2 = make_meeting("tvo", today_local() + timedelta(days=10))
    driehoek2 = make_meeting("driehoek", today_local() + timedelta(days=20))
    topic = _topic()
    up1 = escalate(
        _item_on(ovo, topic),
        meeting_type("tvo"),
        question="Integrale aanpak?",
        reason="Meerdere meldingen",
        by=sec,
    )
    up2 = escalate(
        up1.target_item,
        meeting_type("driehoek"),
        question="Prioriteit?",
        reason="Capaciteit",
        by=sec,
    )
    conclude(up1.target_item, outcome="Voorgelegd aan de Driehoek", by=sec)
    back = conclude(up2.target_item, outcome="Prioriteit toegekend", outcome_kind="besluit", by=sec)
    down = escalate(
        up2.target_item,
        meeting_type("tvo"),
        question="Stel een plan op",
        reason="Besluit Driehoek",
        by=sec,
    )
    db.session.commit()
    # the terugkoppeling and the assignment are both on the second TVO
    assert back.feedback_item.meeting_id == tvo2.id and down.target_item.meeting_id == tvo2.id
    conclude(
        down.target_item, outcome="Plan van aanpak vastgesteld", outcome_kind="opdracht", by=sec
    )
    db.session.commit()
    assert down.feedback_item.meeting_id == driehoek2.id
    code = back.outcome.split(":")[0]
    assert code.startswith("DRIEHOEK-")
    assert down.feedback_item.origin_label.startswith("Terugkoppeling Tactisch Veiligheidsoverleg")
    assert "(opdracht)" not in down.feedback_item.origin_label
    assert back.feedback_item.origin_label.endswith("(besluit)")
    # a decision in the minutes on an item does not make its plain outcome a decision
    from overleg.domain.decisions import add_decision

    add_decision(tvo, up1.target_item, "Werkgroep ingesteld", by=sec)
    db.session.commit()

    c = _client(app, "oov@example.org")
    html = get_page(c, f"/onderwerpen/{topic.id}")
    tl = html.split("Tijdlijn</h2>")[1]
    assert f"Besluit: {code}: Prioriteit toegekend" in tl
    assert "Besluit: Besluit" not in tl
    assert "Uitkomst: Voorgelegd aan de Driehoek" in tl
    # what comes back on an assignment is its result, not a new assignment
    assert "Uitkomst: Plan van aanpak vastgesteld" in tl
    assert "Opdracht: Plan van aanpak" not in tl
    today = nl_date(up1.created_at, "long")
    assert f"Opgeschaald op {today} naar het Tactisch Veiligheidsoverleg" in tl
    assert f"Opdracht gegeven op {today} aan het Tactisch Veiligheidsoverleg" in tl
    assert "Opschalen naar" not in tl
    # the second TVO appears once, with both the terugkoppeling and the assignment
    assert tl.count(f'href="/overleggen/{tvo2.id}/agenda"') == 1
    entry = tl.split(f'href="/overleggen/{tvo2.id}/agenda"')[1].split('class="timeline__entry"')[0]
    assert "Terugkoppeling Driehoeksoverleg" in entry and "Opdracht van Driehoeksoverleg" in entry
    assert tl.count(f'href="/overleggen/{tvo.id}/agenda"') == 1
    assert tl.count(f'href="/overleggen/{driehoek.id}/agenda"') == 1


def test_conclude_page_dutch_labels(app):
    c = _client(app, "oov@example.org")
    tvo = make_meeting("tvo", today_local() + timedelta(days=2))
    item = _item_on(tvo, _topic("tvo"))
    html = get_page(c, f"/agendapunten/{item.id}/afhandelen")
    assert ">Alleen uitkomst (geen besluit of opdracht)</option>" in html
    assert ">Uitkomst</option>" not in html


def test_escalations_overview_links_each_backlog(app):
    c = _client(app, "oov@example.org")
    html = c.get("/escalaties").get_data(as_text=True)
    for code, name in (
        ("driehoek", "Driehoeksoverleg"),
        ("tvo", "Tactisch Veiligheidsoverleg"),
        ("ovo", "Operationeel Veiligheidsoverleg"),
    ):
        assert f'href="/te-agenderen/{code}">Te agenderen: {name}</a>' in html


def test_a_meeting_id_beyond_the_database_range_is_no_meeting(app):
    """Found by tests/test_fuzz.py: ?meeting=9223372036854775808 was a 500 (SQLite overflow)."""
    c = _client(app, "oov@example.org")
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    esc = escalate(
        _item_on(ovo, _topic()), meeting_type("tvo"), question="V", reason="R", by=_secretary()
    )
    db.session.commit()
    for value in ("9223372036854775808", "10" * 20, "-1", "x"):
        r = c.post(f"/escalaties/{esc.id}/agenderen", data={"meeting": value})
        assert r.status_code == 303, value
        assert r.headers["Location"].endswith("/te-agenderen/tvo")
        assert "Kies een overleg." in c.get("/te-agenderen/tvo").get_data(as_text=True)
    db.session.expire_all()
    assert esc.status == "te_agenderen" and esc.target_item is None
    # A real meeting is accepted.
    tvo = make_meeting("tvo", today_local() + timedelta(days=9))
    r = c.post(f"/escalaties/{esc.id}/agenderen", data={"meeting": str(tvo.id)})
    assert r.status_code == 302
    db.session.expire_all()
    assert esc.target_item.meeting_id == tvo.id
