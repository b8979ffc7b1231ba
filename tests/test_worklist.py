"""The werkvoorraad on the secretary's home (overleg/domain/worklist.py): each kind of waiting
work with its link, oldest first, casus by reference only, nothing for participants; the
agenda deadline per body (beheer); the agenda and minutes status on the planning."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from overleg.domain.actions import add_action
from overleg.domain.agenda import add_item, propose_item
from overleg.domain.minutes import ensure_minutes, send_for_approval
from overleg.domain.topics import create_topic
from overleg.domain.worklist import publish_deadline, working_days_before, worklist
from overleg.extensions import db
from overleg.models import Escalation, Minutes, OutboxMessage
from overleg.timeutil import nl_date, to_local, today_local, utcnow
from tests.conftest import demo_client, get_page
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")


def _section(html: str) -> str:
    """The werkvoorraad part of the home page."""
    start = html.index('id="werkvoorraad"')
    return htmllib.unescape(html[start : html.index("Komende overleggen", start)])


def _home(app, email="oov@example.org") -> str:
    return get_page(demo_client(app, email), "/")


def _rows(section: str) -> list[str]:
    return re.findall(r"<tr class=\"utrecht-table__row worklist__row.*?</tr>", section, re.S)


def _row_with(section: str, needle: str) -> str:
    rows = [r for r in _rows(section) if needle in r]
    assert rows, f"no werkvoorraad row with {needle!r}"
    return rows[0]


def _escalation(topic, status="te_agenderen", *, days_ago=3, **kw) -> Escalation:
    esc = Escalation(
        topic=topic,
        from_type=meeting_type("ovo"),
        to_type=meeting_type("tvo"),
        direction="up",
        question="Vraag",
        reason="Reden",
        status=status,
        created_at=utcnow() - timedelta(days=days_ago),
        **kw,
    )
    db.session.add(esc)
    db.session.commit()
    return esc


# --- the deadline ---------------------------------------------------------------------------


def test_working_days_before_skips_weekends():
    monday = date(2026, 12, 7)
    assert working_days_before(monday, 5) == date(2026, 11, 30)
    assert working_days_before(monday, 1) == date(2026, 12, 4)  # the Friday before
    assert working_days_before(date(2026, 12, 9), 2) == monday
    assert working_days_before(monday, 0) == monday


def test_deadline_follows_the_body_setting():
    tvo = meeting_type("tvo")
    assert tvo.agenda_deadline_days == 5  # the default
    m = make_meeting("tvo", today_local() + timedelta(days=20))
    day = today_local() + timedelta(days=20)
    assert publish_deadline(m) == working_days_before(day, 5)
    tvo.agenda_deadline_days = 10
    db.session.commit()
    assert publish_deadline(m) == working_days_before(day, 10)


def test_beheerder_sets_the_deadline_on_the_meeting_type(app):
    tvo = meeting_type("tvo")
    admin = demo_client(app, "beheerder@example.org")
    html = get_page(admin, f"/beheer/overlegvormen/{tvo.id}")
    assert "Agenda publiceren (werkdagen voor het overleg)" in html
    assert re.search(r'name="agenda_deadline_days"[^>]*value="5"', html)
    data = {
        "name": tvo.name,
        "code": tvo.code,
        "level": tvo.level,
        "default_duration_minutes": str(tvo.default_duration_minutes),
        "default_confidentiality": tvo.default_confidentiality,
        "retention_category": tvo.retention_category or "",
        "retention_years": str(tvo.retention_years or ""),
        "active": "y",
        "agenda_deadline_days": "8",
    }
    r = admin.post(f"/beheer/overlegvormen/{tvo.id}", data=data)
    assert r.status_code == 302
    db.session.expire_all()
    assert meeting_type("tvo").agenda_deadline_days == 8
    r = admin.post(f"/beheer/overlegvormen/{tvo.id}", data={**data, "agenda_deadline_days": "99"})
    assert r.status_code == 400
    assert "Kies 0 tot 60 werkdagen voor het overleg." in r.get_data(as_text=True)
    db.session.expire_all()
    assert meeting_type("tvo").agenda_deadline_days == 8


# --- each kind ------------------------------------------------------------------------------


def test_agenda_to_publish_with_its_deadline(app):
    soon = make_meeting("tvo", today_local() + timedelta(days=3))
    far = make_meeting("tvo", today_local() + timedelta(days=60))
    done = publish(make_meeting("ovo", today_local() + timedelta(days=4)))
    section = _section(_home(app))
    row = _row_with(section, f'href="/overleggen/{soon.id}/agenda"')
    assert "Agenda publiceren:" in row
    assert f"Tactisch Veiligheidsoverleg van {nl_date(soon.starts_at)}" in row
    due = publish_deadline(soon)
    assert f"Uiterlijk publiceren op {nl_date(due)} (5 werkdagen voor het overleg)" in row
    assert ("te laat" in row) == (due < today_local())
    for m in (far, done):
        assert f'href="/overleggen/{m.id}/agenda"' not in section
    # the body's deadline decides when it shows: 0 working days, 3 days ahead -> not yet
    tvo = meeting_type("tvo")
    tvo.agenda_deadline_days = 0
    later = make_meeting("tvo", today_local() + timedelta(days=10))
    section = _section(_home(app))
    assert f'href="/overleggen/{later.id}/agenda"' not in section
    tvo.agenda_deadline_days = 10
    db.session.commit()
    section = _section(_home(app))
    assert "te laat" in _row_with(section, f'href="/overleggen/{later.id}/agenda"')


def test_published_agenda_with_an_unreported_change(app):
    m = publish(make_meeting("tvo", today_local() + timedelta(days=6)))
    section = _section(_home(app))
    assert f'href="/overleggen/{m.id}/agenda"' not in section
    add_item(m, title="Extra punt", purpose="informatie", duration_minutes=5)
    db.session.commit()
    row = _row_with(_section(_home(app)), f'href="/overleggen/{m.id}/agenda"')
    assert "Agendawijziging melden:" in row
    assert "de deelnemers weten het nog niet" in row


def test_minutes_to_take_send_and_approve(app):
    none_yet = make_meeting("tvo", today_local() - timedelta(days=21))
    concept = make_meeting("ovo", today_local() - timedelta(days=14))
    ensure_minutes(concept)
    sent = make_meeting("po", today_local() - timedelta(days=7))
    send_for_approval(ensure_minutes(sent))
    approved = make_meeting("driehoek", today_local() - timedelta(days=28))
    db.session.add(Minutes(meeting=approved, status="vastgesteld", approved_at=utcnow()))
    cancelled = make_meeting("tvo", today_local() - timedelta(days=10))
    cancelled.status = "geannuleerd"
    db.session.commit()
    section = _section(_home(app))
    row = _row_with(section, f'href="/overleggen/{none_yet.id}/verslag"')
    assert "Verslag maken:" in row and "Nog geen verslag" in row
    row = _row_with(section, f'href="/overleggen/{concept.id}/verslag"')
    assert "Concept: afmaken en ter vaststelling sturen" in row
    row = _row_with(section, f'href="/overleggen/{sent.id}/verslag"')
    assert "Verslag vaststellen:" in row
    assert "vast te stellen in de volgende vergadering van het Politie Overleg" in row
    for m in (approved, cancelled):
        assert f'href="/overleggen/{m.id}/verslag"' not in section


def test_proposal_to_answer(app):
    member = person("wijkagent@example.org")
    m = make_meeting("ovo", today_local() + timedelta(days=30), participants=[(member, "member")])
    propose_item(m, member, title="Hangplek speeltuin", purpose="bespreking", duration_minutes=10)
    db.session.commit()
    row = _row_with(_section(_home(app)), "Hangplek speeltuin")
    assert "Voorstel beantwoorden:" in row
    assert f'href="/overleggen/{m.id}/agenda#voorstellen"' in row
    assert f"Voorgesteld door {member.name}" in row


def test_escalation_to_place_casus_by_reference_only(app):
    casus = create_topic(
        title="Familie Geheim", meeting_type=meeting_type("ovo"), confidentiality="casus"
    )
    open_topic = create_topic(title="Overlast Centrum", meeting_type=meeting_type("ovo"))
    _escalation(casus, days_ago=5)
    _escalation(open_topic, days_ago=4)
    section = _section(_home(app))
    row = _row_with(section, casus.reference)
    assert "Opschaling agenderen:" in row and 'href="/te-agenderen/tvo"' in row
    assert "Opgeschaald door het Operationeel Veiligheidsoverleg" in row
    assert "Familie Geheim" not in section  # the casus by its reference only
    assert 'href="/te-agenderen/tvo"' in _row_with(section, "Overlast Centrum")


def test_feedback_to_place(app):
    topic = create_topic(title="Woonoverlast", meeting_type=meeting_type("ovo"))
    _escalation(
        topic,
        status="afgehandeld",
        outcome="Gebiedsverbod",
        concluded_at=utcnow() - timedelta(days=2),
    )
    row = _row_with(_section(_home(app)), "Woonoverlast")
    assert "Terugkoppeling agenderen:" in row and 'href="/te-agenderen/ovo"' in row
    assert "Afgehandeld door het Tactisch Veiligheidsoverleg" in row


def test_overdue_actions_per_body(app):
    sec = person("oov@example.org")
    held = make_meeting("tvo", today_local() - timedelta(days=30))
    for days in (10, 3):
        add_action(
            held, None, f"Actie {days}", owner_person=sec, due_date=today_local() - timedelta(days)
        )
    add_action(held, None, "Nog niet verlopen", owner_person=sec, due_date=today_local())
    db.session.commit()
    row = _row_with(_section(_home(app)), 'href="/actiepunten/tvo?status=verlopen"')
    assert "Actiepunten over de datum:" in row and "Tactisch Veiligheidsoverleg" in row
    oldest = today_local() - timedelta(days=10)
    assert f"2 actiepunten over de datum (het oudste sinds {nl_date(oldest)})" in row


def test_failed_outbox_message(app):
    m = make_meeting("tvo", today_local() + timedelta(days=40))
    msg = OutboxMessage(
        recipient="x@example.org",
        recipient_name="Xander",
        meeting=m,
        reason="invitation",
        subject="Uitnodiging",
        body_text="...",
        status="failed",
        attempts=20,
        last_error="SMTP down",
        next_attempt_at=None,
    )
    sent = OutboxMessage(
        recipient="y@example.org", reason="invitation", subject="U", body_text=".", status="sent"
    )
    sent.sent_at = utcnow()
    db.session.add_all([msg, sent])
    db.session.flush()
    msg.next_attempt_at = None  # given up (the column's default fills an empty value in)
    db.session.commit()
    section = _section(_home(app))
    row = _row_with(section, f'href="/uitgaande-post/{msg.id}"')
    assert "Bericht mislukt:" in row and "Uitnodiging aan Xander" in row
    assert "20 pogingen" in row and "niet meer geprobeerd" in row and "te laat" in row
    assert f"over het Tactisch Veiligheidsoverleg van {nl_date(m.starts_at)}" in row
    assert f'href="/uitgaande-post/{sent.id}"' not in section


def test_oldest_first(app):
    old_minutes = make_meeting("tvo", today_local() - timedelta(days=40))
    topic = create_topic(title="Drugsoverlast", meeting_type=meeting_type("ovo"))
    _escalation(topic, days_ago=20)
    newer_minutes = make_meeting("ovo", today_local() - timedelta(days=2))
    section = _section(_home(app))
    a = section.index(f'href="/overleggen/{old_minutes.id}/verslag"')
    b = section.index("Drugsoverlast")
    c = section.index(f'href="/overleggen/{newer_minutes.id}/verslag"')
    assert a < b < c
    entries = worklist(person("oov@example.org"))
    assert [e.since for e in entries] == sorted(e.since for e in entries)


def test_participants_have_no_werkvoorraad(app):
    casus = create_topic(
        title="Familie Geheim", meeting_type=meeting_type("ovo"), confidentiality="casus"
    )
    _escalation(casus)
    make_meeting("ovo", today_local() - timedelta(days=5))
    # positive control: the secretary sees it
    assert casus.reference in _section(_home(app))
    r = demo_client(app, "wijkagent@example.org").get("/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'id="werkvoorraad"' not in html and "Werkvoorraad" not in html
    assert casus.reference not in html and "Familie Geheim" not in html
    assert worklist(person("wijkagent@example.org")) == []


def test_empty_werkvoorraad_says_so(app):
    assert "Er wacht niets op u." in _section(_home(app))


def _fill(n: int, offset: int) -> None:
    sec = person("oov@example.org")
    member = person("wijkagent@example.org")
    for k in range(n):
        d = offset + k
        make_meeting("tvo", today_local() + timedelta(days=1 + k % 5), commit=False)
        held = make_meeting("ovo", today_local() - timedelta(days=d + 1), commit=False)
        future = make_meeting("ovo", today_local() + timedelta(days=20 + k), commit=False)
        db.session.flush()
        propose_item(
            future, member, title=f"Voorstel {d}", purpose="bespreking", duration_minutes=5
        )
        add_action(
            held, None, f"Actie {d}", owner_person=sec, due_date=today_local() - timedelta(1)
        )
        topic = create_topic(title=f"Onderwerp {d}", meeting_type=meeting_type("ovo"))
        _escalation(topic, days_ago=d)
        db.session.add(
            OutboxMessage(
                recipient=f"p{d}@example.org", subject="U", body_text=".", status="failed"
            )
        )
    db.session.commit()


def test_werkvoorraad_queries_do_not_grow(app, count_queries):
    c = demo_client(app, "oov@example.org")
    counts = []
    for n, offset in ((2, 0), (15, 100)):
        _fill(n, offset)
        c.get("/")  # warm up
        db.session.expire_all()
        with count_queries() as q:
            r = c.get("/")
        assert r.status_code == 200
        assert f"Onderwerp {offset + n - 1}" in r.get_data(as_text=True)  # the oldest waiting
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert len(worklist(person("oov@example.org"))) > 40


def test_many_escalations_of_a_body_end_in_one_entry_for_the_rest(app):
    """The oldest five waiting escalations of a body are named; the rest of that body is one
    entry that leads to its backlog, with their number, from the oldest of them."""
    for d in range(8):
        _escalation(
            create_topic(title=f"Onderwerp {d}", meeting_type=meeting_type("ovo")), days_ago=10 + d
        )
    html = _section(_home(app))
    for d in range(17, 12, -1):  # 10 + 7 … 10 + 3 days ago: the oldest five
        assert f"Onderwerp {d - 10}" in html
    for d in range(3):
        assert f"Onderwerp {d}<" not in html  # the newest three only counted
    tvo = meeting_type("tvo")
    assert f'href="/te-agenderen/tvo?alle=wacht#wacht">nog 3 voor het {tvo.name}</a>' in html
    assert (
        f"Nog 3 opschalingen of opdrachten wachten op een overleg van het {tvo.name}. "
        "Bekijk ze alle onder Te agenderen."
    ) in html
    rest = [e for e in worklist(person("oov@example.org")) if e.title.startswith("nog ")]
    assert [e.since for e in rest] == [to_local(utcnow() - timedelta(days=12)).date()]


def test_the_backlog_shows_the_oldest_five_and_the_rest_behind_its_link(app):
    """Te agenderen shows the same oldest five as the werkvoorraad, says how many more wait,
    and the werkvoorraad's link (?alle=wacht) shows them all."""
    for d in range(8):
        _escalation(
            create_topic(title=f"Onderwerp {d}", meeting_type=meeting_type("ovo")), days_ago=10 + d
        )
    db.session.commit()
    sec = demo_client(app, "oov@example.org")
    resp = sec.get("/te-agenderen/tvo")
    assert resp.status_code == 200
    html = htmllib.unescape(resp.get_data(as_text=True))
    for d in range(3, 8):  # the oldest five
        assert f"Onderwerp {d} —" in html
    for d in range(3):
        assert f"Onderwerp {d} —" not in html
    assert (
        "Nog 3 opschalingen of opdrachten wachten op een overleg (de oudste 5 staan hierboven)."
        in html
    )
    assert 'href="/te-agenderen/tvo?alle=wacht">Toon ze alle 8</a>' in html
    resp = sec.get("/te-agenderen/tvo?alle=wacht")
    assert resp.status_code == 200
    whole = htmllib.unescape(resp.get_data(as_text=True))
    for d in range(8):
        assert f"Onderwerp {d} —" in whole
    assert "Nog 3" not in whole
    assert 'href="/te-agenderen/tvo">Toon alleen de oudste 5</a>' in whole


# --- planning -------------------------------------------------------------------------------


def _planning_row(html: str, meeting) -> str:
    start = html.index(f'href="/overleggen/{meeting.id}"')
    return html[start : html.index("</tr>", start)]


def test_planning_shows_agenda_and_minutes_status(app):
    concept = make_meeting("tvo", today_local() + timedelta(days=5))
    published = publish(make_meeting("tvo", today_local() + timedelta(days=12)))
    add_item(published, title="Later punt", purpose="informatie", duration_minutes=5)
    no_minutes = make_meeting("tvo", today_local() - timedelta(days=30))
    draft = make_meeting("tvo", today_local() - timedelta(days=23))
    ensure_minutes(draft)
    sent = make_meeting("tvo", today_local() - timedelta(days=16))
    send_for_approval(ensure_minutes(sent))
    approved = make_meeting("tvo", today_local() - timedelta(days=9))
    db.session.add(Minutes(meeting=approved, status="vastgesteld", approved_at=utcnow()))
    db.session.commit()
    c = demo_client(app, "oov@example.org")
    html = get_page(c, "/planning?overleg=tvo")
    assert ">Agenda</th>" in html and ">Verslag</th>" in html
    row = _planning_row(html, concept)
    assert f'href="/overleggen/{concept.id}/agenda">Concept' in row and ">Geen<" in row
    row = _planning_row(html, published)
    assert ">Gepubliceerd<" in row and "(gewijzigd)" in row
    past = get_page(c, "/planning?overleg=tvo&periode=eerder")
    assert ">Geen<" in _planning_row(past, no_minutes)
    assert f'href="/overleggen/{draft.id}/verslag">Concept<' in _planning_row(past, draft)
    assert ">Ter vaststelling<" in _planning_row(past, sent)
    assert ">Vastgesteld<" in _planning_row(past, approved)


def test_planning_queries_do_not_grow(app, count_queries):
    c = demo_client(app, "oov@example.org")
    counts = []
    for n in (2, 12):
        for k in range(n):
            m = make_meeting("tvo", today_local() - timedelta(days=3 + k * 2 + n * 30))
            ensure_minutes(m)
        db.session.commit()
        c.get("/planning?periode=eerder")
        db.session.expire_all()
        with count_queries() as q:
            assert c.get("/planning?periode=eerder").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert db.session.scalar(select(Minutes.id).limit(1))
