"""Cancelling returns the work (issue 10, item 3): a held meeting cannot be cancelled; what
was on a cancelled meeting goes back to its backlog, listed and confirmed first, with a line
in the topic's history; planning a meeting (or a series) places the waiting escalations and
terugkoppelingen; a terugkoppeling is dated by the meeting that concluded it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from overleg.domain import cancellation as dc
from overleg.domain import escalation as de
from overleg.domain.agenda import add_item, propose_item
from overleg.domain.labels import concluded_label
from overleg.domain.meetings import MeetingError, cancel_refusal, plan_meeting
from overleg.domain.series import create_series, update_series
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import Escalation, Meeting, TopicEvent
from overleg.timeutil import TZ, nl_date, today_local, utcnow
from tests.conftest import TEST_NOW, demo_client, get_page
from tests.factories import make_meeting, meeting_type, person

pytestmark = pytest.mark.usefixtures("seeded")

SECRETARY = "oov@example.org"


def _sec():
    return person(SECRETARY)


def _local(days: int, hour: int = 10) -> datetime:
    """A moment `days` from the frozen today, at `hour` Amsterdam time (aware)."""
    return datetime.combine(today_local() + timedelta(days=days), time(hour, 0), TZ)


def _topic(code, title, conf="vertrouwelijk"):
    return create_topic(
        title=title, meeting_type=meeting_type(code), confidentiality=conf, by=_sec(), year=2027
    )


def _item(meeting, topic):
    return add_item(meeting, title="", topic=topic, purpose="bespreking", duration_minutes=15)


class Year:
    """A TVO (`doomed`, in ten days) holding one of each kind of work:
    - `up`: an escalation from the OVO (five days ago), placed on it;
    - `fb`: the terugkoppeling of an escalation the Driehoek (a month ago) concluded;
    - `casus_item`: a casus topic item the secretary put on it;
    - `proposal`: a participant's proposal, not yet answered."""

    def __init__(self, clock):
        today = today_local()
        clock.move_to(_local(-40))
        self.tvo_src = make_meeting("tvo", today - timedelta(days=35))
        self.driehoek = make_meeting("driehoek", today - timedelta(days=30))
        self.ovo = make_meeting("ovo", today - timedelta(days=5))
        self.doomed = make_meeting("tvo", today + timedelta(days=10))
        sec = _sec()
        to_driehoek = _topic("tvo", "Ondermijning bedrijventerrein Zuid")
        self.down = de.escalate(
            _item(self.tvo_src, to_driehoek),
            meeting_type("driehoek"),
            question="Prioriteit voor handhaving?",
            reason="Signalen nemen toe",
            by=sec,
        )
        self.ovo_topic = _topic("ovo", "Overlast jongeren Kielsterplein")
        self.up = de.escalate(
            _item(self.ovo, self.ovo_topic),
            meeting_type("tvo"),
            question="Mandaat voor gebiedsverbod?",
            reason="Overlast houdt aan",
            by=sec,
        )
        db.session.commit()
        assert self.down.target_item.meeting_id == self.driehoek.id
        # The Driehoek met a month ago; the outcome is recorded a week after it.
        clock.move_to(_local(-23))
        de.conclude(self.down.target_item, outcome="Handhaving krijgt voorrang", by=sec)
        db.session.commit()
        self.fb = self.down
        clock.move_to(TEST_NOW)
        self.casus = _topic("tvo", "Woning Hoofdstraat 12, familie De Vries", conf="casus")
        self.casus_item = _item(self.doomed, self.casus)
        self.proposal = propose_item(
            self.doomed,
            person("wijkagent@example.org"),
            title="Cameratoezicht stationsgebied",
            purpose="bespreking",
            duration_minutes=10,
        )
        db.session.commit()
        assert self.up.target_item.meeting_id == self.doomed.id
        assert self.fb.feedback_item.meeting_id == self.doomed.id


# --- domain --------------------------------------------------------------------------------


def test_cancel_lists_and_returns_every_kind_of_work(clock):
    y = Year(clock)
    work = dc.work_on(y.doomed)
    assert [(w.kind, w.kind_label, w.backlog.code) for w in work] == [
        ("escalatie", "Opschaling", "tvo"),
        ("terugkoppeling", "Terugkoppeling", "tvo"),
        ("onderwerp", "Onderwerp", "tvo"),
        ("voorstel", "Voorstel", "tvo"),
    ]
    # Without confirmation nothing happens.
    with pytest.raises(MeetingError) as refused:
        dc.cancel(y.doomed, "Te weinig deelnemers", confirmed=False, by=_sec(), send=False)
    assert refused.value.errors == {"confirm": dc.CONFIRM_MESSAGE}
    db.session.rollback()
    assert y.doomed.status == "gepland" and y.up.status == "geagendeerd"

    returned = dc.cancel(y.doomed, "Te weinig deelnemers", confirmed=True, by=_sec(), send=False)
    db.session.commit()
    assert len(returned) == 4 and y.doomed.status == "geannuleerd"
    backlog = de.backlog(meeting_type("tvo"))
    assert (y.up.status, y.up.target_item) == ("te_agenderen", None)
    assert backlog["waiting"] == [y.up]
    assert (y.fb.status, y.fb.feedback_item) == ("afgehandeld", None)
    assert backlog["feedback"] == [y.fb]
    assert {i.id for i in dc.returned_items(meeting_type("tvo"))} == {
        y.casus_item.id,
        y.proposal.id,
    }
    note = f"teruggezet: Tactisch Veiligheidsoverleg van {nl_date(y.doomed.starts_at)} geannuleerd"
    events = db.session.scalars(
        select(TopicEvent).where(TopicEvent.kind == "teruggezet").order_by(TopicEvent.id)
    ).all()
    assert {(e.topic_id, e.note, e.meeting_id) for e in events} == {
        (y.ovo_topic.id, note, y.doomed.id),
        (y.fb.topic_id, note, y.doomed.id),
        (y.casus.id, note, y.doomed.id),
    }
    assert dc.returned_notes([y.up.id]) == {y.up.id: note}
    assert dc.summary(returned) == (
        f"Teruggezet naar Te agenderen: opschaling {y.ovo_topic.reference}, terugkoppeling "
        f"{y.fb.topic.reference}, onderwerp {y.casus.reference}, voorstel."
    )


def test_cancel_list_shows_casus_by_reference_to_who_may_not_read_it(clock):
    y = Year(clock)
    rows = dc.work_rows(dc.work_on(y.doomed), _sec())
    assert "Woning Hoofdstraat 12, familie De Vries" in [r.heading for r in rows]  # staff: full
    outsider = dc.work_rows(dc.work_on(y.doomed), person("wijkagent@example.org"))
    headings = [r.heading for r in outsider]
    assert y.casus.reference in headings
    assert "Woning Hoofdstraat 12, familie De Vries" not in headings
    assert all(r.proposer is None for r in outsider)


def test_a_held_meeting_cannot_be_cancelled_a_future_one_can(clock):
    past = make_meeting("tvo", today_local() - timedelta(days=3))
    now = utcnow()
    underway = Meeting(
        meeting_type=meeting_type("tvo"),
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=60),
    )
    db.session.add(underway)
    attended = plan_meeting(meeting_type("tvo"), today_local() + timedelta(days=4), time(10, 0))
    db.session.flush()
    attended.participants[0].attendance = "aanwezig"
    future = plan_meeting(meeting_type("tvo"), today_local() + timedelta(days=9), time(10, 0))
    db.session.commit()
    assert cancel_refusal(past) == "Dit overleg is al geweest en kan niet meer worden geannuleerd."
    assert cancel_refusal(underway) == (
        "Dit overleg is al begonnen en kan niet meer worden geannuleerd."
    )
    assert "Een gehouden overleg kan niet meer worden geannuleerd." in cancel_refusal(attended)
    for held in (past, underway, attended):
        with pytest.raises(MeetingError):
            dc.cancel(held, "Toch", confirmed=True, send=False)
        db.session.rollback()
        assert held.status == "gepland"
    assert cancel_refusal(future) is None  # positive control
    dc.cancel(future, "Feestdag", confirmed=True, send=False)
    db.session.commit()
    assert future.status == "geannuleerd"


def test_planning_places_waiting_escalation_and_feedback(clock):
    y = Year(clock)
    dc.cancel(y.doomed, "Ziekte", confirmed=True, by=_sec(), send=False)
    db.session.commit()
    new = plan_meeting(meeting_type("tvo"), today_local() + timedelta(days=20), time(10, 0))
    db.session.flush()
    placed = de.place_waiting([new], by=_sec())
    db.session.commit()
    assert [(p.kind, p.escalation.id) for p in placed] == [
        ("escalatie", y.up.id),
        ("terugkoppeling", y.fb.id),
    ]
    assert y.up.status == "geagendeerd" and y.up.target_item.meeting_id == new.id
    assert y.fb.feedback_item.meeting_id == new.id
    assert de.placed_summary(placed) == (
        f"Automatisch op de agenda gezet: opschaling {y.ovo_topic.reference}, "
        f"terugkoppeling {y.fb.topic.reference}."
    )
    # Another body's new meeting takes nothing; nothing is placed twice.
    po = plan_meeting(meeting_type("po"), today_local() + timedelta(days=21), time(10, 0))
    db.session.flush()
    assert de.place_waiting([po], by=_sec()) == []
    later = plan_meeting(meeting_type("tvo"), today_local() + timedelta(days=30), time(10, 0))
    db.session.flush()
    assert de.place_waiting([later], by=_sec()) == []
    # The returned topic item moves to the new meeting when the secretary picks it.
    dc.place_returned(y.casus_item, new, by=_sec())
    db.session.commit()
    assert y.casus_item.meeting_id == new.id
    assert dc.returned_items(meeting_type("tvo")) == [y.proposal]


def test_a_new_series_takes_the_waiting_work_on_its_first_meeting(clock):
    y = Year(clock)
    dc.cancel(y.doomed, "Ziekte", confirmed=True, by=_sec(), send=False)
    db.session.commit()
    series = create_series(
        meeting_type("tvo"),
        first_date=today_local() + timedelta(days=14),
        start_time=time(13, 30),
        occurrences=3,
        send=False,
    )
    db.session.flush()
    placed = de.place_waiting(list(series.meetings), by=_sec())
    db.session.commit()
    first = min(series.meetings, key=lambda m: m.starts_at)
    assert {p.escalation.id for p in placed} == {y.up.id, y.fb.id}
    assert {p.item.meeting_id for p in placed} == {first.id}


def test_feedback_label_carries_the_date_of_the_concluding_meeting(clock):
    y = Year(clock)
    assert concluded_label(y.fb) == (
        f"afgehandeld door Driehoeksoverleg op {nl_date(y.driehoek.starts_at)}"
    )
    assert nl_date(y.fb.concluded_at) != nl_date(y.driehoek.starts_at)  # recorded a week later


# --- pages ---------------------------------------------------------------------------------


def test_cancel_page_lists_confirms_and_returns_the_work(clock, app):
    y = Year(clock)
    sec = demo_client(app, SECRETARY)
    date_label = nl_date(y.doomed.starts_at)
    # Before: /escalaties says where the escalation is on the agenda (positive control).
    assert date_label in get_page(sec, "/escalaties")
    form = get_page(sec, f"/overleggen/{y.doomed.id}/annuleren")
    assert "Dit staat op dit overleg" in form
    for text in (
        "Opschaling</strong>: Overlast jongeren Kielsterplein",
        "Terugkoppeling</strong>: Ondermijning bedrijventerrein Zuid",
        "Onderwerp</strong>: Woning Hoofdstraat 12, familie De Vries",
        "Voorstel</strong>: Cameratoezicht stationsgebied",
        "→ Te agenderen: Tactisch Veiligheidsoverleg",
        "Ja, zet deze punten terug naar Te agenderen",
    ):
        assert text in form, text
    resp = sec.post(f"/overleggen/{y.doomed.id}/annuleren", data={"reason": "Ziekte"})
    assert resp.status_code == 400
    assert dc.CONFIRM_MESSAGE in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, y.doomed.id).status == "gepland"
    resp = sec.post(
        f"/overleggen/{y.doomed.id}/annuleren",
        data={"reason": "Ziekte", "confirm": "y"},
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Het overleg is geannuleerd" in html
    assert f"Teruggezet naar Te agenderen: opschaling {y.ovo_topic.reference}" in html
    db.session.expire_all()
    note = f"teruggezet: Tactisch Veiligheidsoverleg van {date_label} geannuleerd"
    overview = get_page(sec, "/escalaties")
    assert "Geagendeerd" not in overview and f">{date_label}</a>" not in overview
    assert "Te agenderen" in overview and note in overview
    backlog = get_page(sec, "/te-agenderen/tvo")
    waiting, _, rest = backlog.partition("Geagendeerd, nog niet afgehandeld")
    assert y.ovo_topic.reference in waiting and note in waiting
    feedback = rest.partition("Terugkoppelingen te agenderen")[2]
    assert y.fb.topic.reference in feedback.partition("Teruggezet van een geannuleerd")[0]
    assert f"afgehandeld door Driehoeksoverleg op {nl_date(y.driehoek.starts_at)}" in feedback
    returned = backlog.partition("Teruggezet van een geannuleerd overleg")[2]
    assert y.casus.reference in returned and "Cameratoezicht stationsgebied" in returned
    # The topic timelines say so.
    for topic_id in (y.ovo_topic.id, y.casus.id):
        page = get_page(sec, f"/onderwerpen/{topic_id}")
        assert note in page, topic_id


def test_returned_item_is_placed_again_from_the_backlog(clock, app):
    y = Year(clock)
    dc.cancel(y.doomed, "Ziekte", confirmed=True, by=_sec(), send=False)
    new = plan_meeting(meeting_type("tvo"), today_local() + timedelta(days=20), time(10, 0))
    db.session.commit()
    sec = demo_client(app, SECRETARY)
    resp = sec.post(f"/agendapunten/{y.proposal.id}/opnieuw-agenderen", data={"meeting": ""})
    assert resp.status_code == 303
    resp = sec.post(
        f"/agendapunten/{y.proposal.id}/opnieuw-agenderen", data={"meeting": str(y.ovo.id)}
    )
    assert resp.status_code == 400  # another body's meeting
    resp = sec.post(
        f"/agendapunten/{y.proposal.id}/opnieuw-agenderen",
        data={"meeting": str(new.id)},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "Het agendapunt staat op de agenda van Tactisch Veiligheidsoverleg" in resp.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert y.proposal.meeting_id == new.id and y.proposal.proposal_status == "voorgesteld"


def test_held_meeting_refuses_cancel_page_a_future_one_offers_it(clock, app):
    now = utcnow()
    underway = Meeting(
        meeting_type=meeting_type("tvo"),
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=60),
    )
    db.session.add(underway)
    future = plan_meeting(meeting_type("tvo"), today_local() + timedelta(days=9), time(10, 0))
    db.session.commit()
    sec = demo_client(app, SECRETARY)
    page = get_page(sec, f"/overleggen/{underway.id}")
    assert f"/overleggen/{underway.id}/annuleren" not in page
    resp = sec.post(f"/overleggen/{underway.id}/annuleren", data={"reason": "x", "confirm": "y"})
    assert resp.status_code == 400
    assert "Dit overleg is al begonnen en kan niet meer worden geannuleerd." in resp.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Meeting, underway.id).status == "gepland"
    # Positive control: the future meeting offers and accepts it (nothing on it to confirm).
    assert f"/overleggen/{future.id}/annuleren" in get_page(sec, f"/overleggen/{future.id}")
    assert "Er staan geen opschalingen" in get_page(sec, f"/overleggen/{future.id}/annuleren")
    resp = sec.post(f"/overleggen/{future.id}/annuleren", data={"reason": "Feestdag"})
    assert resp.status_code == 302


def test_planning_pages_say_what_they_placed(clock, app):
    y = Year(clock)
    dc.cancel(y.doomed, "Ziekte", confirmed=True, by=_sec(), send=False)
    db.session.commit()
    sec = demo_client(app, SECRETARY)
    tvo = meeting_type("tvo")
    day = today_local() + timedelta(days=20)
    resp = sec.post(
        "/planning/nieuw",
        data={
            "meeting_type": str(tvo.id),
            "day": day.isoformat(),
            "start": "10:00",
            "end": "",
            "location": "",
            "online_url": "",
            "remarks": "",
        },
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Tactisch Veiligheidsoverleg gepland" in html
    assert (
        f"Automatisch op de agenda gezet: opschaling {y.ovo_topic.reference}, "
        f"terugkoppeling {y.fb.topic.reference}." in html
    )
    db.session.expire_all()
    assert db.session.get(Escalation, y.up.id).status == "geagendeerd"
    # A series of the same body afterwards: nothing left to place, and it says nothing.
    resp = sec.post(
        "/planning/reeks/nieuw",
        data={
            "meeting_type": str(tvo.id),
            "frequency": "weekly",
            "interval": "4",
            "weekday": str((day + timedelta(days=7)).weekday()),
            "week_of_month": "1",
            "first_date": (day + timedelta(days=7)).isoformat(),
            "start_time": "13:00",
            "duration_minutes": "90",
            "until_date": "",
            "occurrences": "2",
            "location": "",
            "online_url": "",
        },
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "Reeks aangemaakt: 2 overleggen gepland." in html
    assert "Automatisch op de agenda gezet" not in html


def test_new_series_page_says_what_it_placed(clock, app):
    y = Year(clock)
    dc.cancel(y.doomed, "Ziekte", confirmed=True, by=_sec(), send=False)
    db.session.commit()
    sec = demo_client(app, SECRETARY)
    first = today_local() + timedelta(days=14)
    resp = sec.post(
        "/planning/reeks/nieuw",
        data={
            "meeting_type": str(meeting_type("tvo").id),
            "frequency": "weekly",
            "interval": "6",
            "weekday": str(first.weekday()),
            "week_of_month": "1",
            "first_date": first.isoformat(),
            "start_time": "13:00",
            "duration_minutes": "90",
            "until_date": "",
            "occurrences": "3",
            "location": "",
            "online_url": "",
        },
        follow_redirects=True,
    )
    html = resp.get_data(as_text=True)
    assert "Reeks aangemaakt: 3 overleggen gepland." in html
    assert f"opschaling {y.ovo_topic.reference}" in html
    assert f"terugkoppeling {y.fb.topic.reference}" in html


def test_series_edit_that_drops_an_occurrence_returns_its_work():
    ovo = make_meeting("ovo", today_local() + timedelta(days=1))
    series = create_series(
        meeting_type("tvo"),
        first_date=today_local() + timedelta(days=3),
        start_time=time(10, 0),
        occurrences=3,
        send=False,
    )
    db.session.commit()
    second = sorted(series.meetings, key=lambda m: m.starts_at)[1]
    topic = _topic("ovo", "Overlast jongeren Kielsterplein")
    esc = de.escalate(
        _item(ovo, topic),
        meeting_type("tvo"),
        question="Mandaat?",
        reason="Aanhoudend",
        by=_sec(),
        target_meeting=second,
    )
    db.session.commit()
    assert esc.target_item.meeting_id == second.id
    change = update_series(
        series,
        interval=series.interval,
        occurrences=1,
        location=series.location,
        send=False,
    )
    db.session.commit()
    assert change.cancelled == 2 and second.status == "geannuleerd"
    assert [(w.kind, w.escalation) for w in change.returned] == [("escalatie", esc)]
    assert esc.status == "te_agenderen" and esc.target_item is None
    assert dc.returned_notes([esc.id]) == {esc.id: dc.returned_note(second)}
