"""iCalendar for meetings: parsed back with icalendar and with recurring-ical-events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from overleg.domain.meetings import cancel_meeting, update_meeting
from overleg.extensions import db
from overleg.ical import meeting_ics
from overleg.mail.outbox import queue_meeting_mail
from overleg.models import AgendaItem, OutboxMessage, Participant
from tests.conftest import login
from tests.factories import make_meeting, person

AMS = ZoneInfo("Europe/Amsterdam")
DEMO_PASSWORD = "Veilig-Overleg-2019"
SECRET_ITEM = "Casus familie Jansen, Kerkstraat 12"


def parse(text: str):
    """Both parsers; returns (calendar, the single VEVENT as recurring-ical-events sees it)."""
    cal = icalendar.Calendar.from_ical(text)
    events = list(recurring_ical_events.of(cal).between(datetime(2015, 1, 1), datetime(2035, 1, 1)))
    assert len(events) == 1, events
    return cal, events[0]


def attendees(event) -> dict[str, dict]:
    raw = event.get("ATTENDEE")
    raw = raw if isinstance(raw, list) else [raw]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in raw}


@pytest.fixture
def tvo(seeded):
    """A TVO meeting with every kind of part and answer, and a case on its agenda."""
    m = make_meeting(
        "tvo",
        date(2019, 3, 12),
        time(10, 0),
        minutes=120,
        location="Gemeentehuis, zaal 2",
        participants=[
            (person("coordinator.oov@example.org"), "chair"),
            (person("specialist@example.org"), "member"),
            (person("sociaalteam@example.org"), "member"),
            (person("ovj@example.org"), "advisor"),
            (person("veiligthuis@example.org"), "guest"),
            (person("oov@example.org"), "secretary"),
        ],
    )
    answers = {
        "specialist@example.org": "komt",
        "sociaalteam@example.org": "komt_niet",
        "ovj@example.org": "onder_voorbehoud",
    }
    for p in m.participants:
        p.rsvp = answers.get(p.person.email, "open")
    db.session.add(
        AgendaItem(
            meeting=m,
            position=99,
            title=SECRET_ITEM,
            description="Zorgen over de kinderen op Kerkstraat 12",
        )
    )
    db.session.commit()
    return m


EXPECTED = {
    "coordinator.oov@example.org": ("CHAIR", "NEEDS-ACTION"),
    "specialist@example.org": ("REQ-PARTICIPANT", "ACCEPTED"),
    "sociaalteam@example.org": ("REQ-PARTICIPANT", "DECLINED"),
    "ovj@example.org": ("OPT-PARTICIPANT", "TENTATIVE"),
    "veiligthuis@example.org": ("OPT-PARTICIPANT", "NEEDS-ACTION"),
    "oov@example.org": ("REQ-PARTICIPANT", "NEEDS-ACTION"),
}


def test_download_for_participant_is_publish_without_attendees_in_local_time(tvo, client):
    login(client, "specialist@example.org", DEMO_PASSWORD)
    resp = client.get(f"/agenda/overleg/{tvo.id}.ics")
    assert resp.status_code == 200
    assert resp.mimetype == "text/calendar"
    assert resp.mimetype_params == {"method": "PUBLISH", "charset": "utf-8"}
    assert "attachment" in resp.headers["Content-Disposition"]
    assert "overleg-tvo-2019-03-12.ics" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    cal, event = parse(text)
    assert str(cal["METHOD"]) == "PUBLISH"
    vevent = cal.walk("VEVENT")[0]
    for ev in (vevent, event):
        assert str(ev["UID"]) == tvo.uid
        assert int(ev["SEQUENCE"]) == 0
        start, end = ev["DTSTART"].dt, ev["DTEND"].dt
        assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
            datetime(2019, 3, 12, 10, 0),
            datetime(2019, 3, 12, 12, 0),
        )
        assert start.utcoffset() == timedelta(hours=1)
        assert start.astimezone(UTC).hour == 9
    assert vevent["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    # RFC 5546 §3.2.1: a PUBLISH calendar carries no ATTENDEE (nor anyone's answer)
    assert "ATTENDEE" not in vevent and "ATTENDEE" not in event
    assert "ATTENDEE" not in text and "PARTSTAT" not in text and "RSVP" not in text
    for name in ("Erik Dijkstra", "Lotte de Boer", "ovj@example.org"):
        assert name not in text
    assert str(vevent["ORGANIZER"]) == "mailto:oov@example.org"
    assert vevent["ORGANIZER"].params["CN"] == "Sanne de Vries"
    assert vevent["DTSTAMP"].dt.tzinfo is not None and vevent[
        "DTSTAMP"
    ].dt.utcoffset() == timedelta(0)
    assert "DTSTAMP:" in text and text.split("DTSTAMP:")[1][15] == "Z"
    assert str(vevent["LOCATION"]) == "Gemeentehuis, zaal 2"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert f"http://overleg.test/overleggen/{tvo.id}" in str(vevent["DESCRIPTION"])
    # no confidential content: the body and "overleg" only
    assert str(vevent["SUMMARY"]) == "Tactisch Veiligheidsoverleg"
    for word in ("Jansen", "Kerkstraat", "Casus", "kinderen"):
        assert word not in text


def test_invitation_is_request_with_every_attendee_their_role_and_answer(tvo):
    cal, event = parse(meeting_ics(tvo, "REQUEST"))
    assert str(cal["METHOD"]) == "REQUEST"
    vevent = cal.walk("VEVENT")[0]
    got = attendees(vevent)
    assert set(got) == set(EXPECTED)
    for email, (role, partstat) in EXPECTED.items():
        assert got[email]["ROLE"] == role, email
        assert got[email]["PARTSTAT"] == partstat, email
        assert got[email]["RSVP"] == "TRUE"
        assert got[email]["CN"]
    assert got["specialist@example.org"]["CN"] == "Erik Dijkstra"
    assert set(attendees(event)) == set(EXPECTED)
    assert str(vevent["ORGANIZER"]) == "mailto:oov@example.org"


def test_vtimezone_is_hand_written_with_yearly_rrules_and_resolves_right(tvo):
    text = meeting_ics(tvo, "REQUEST")
    assert "RDATE" not in text
    block = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    assert block.count("BEGIN:VTIMEZONE") == 1
    std = block[block.index("BEGIN:STANDARD") : block.index("END:STANDARD")]
    dst = block[block.index("BEGIN:DAYLIGHT") : block.index("END:DAYLIGHT")]
    assert (
        "DTSTART:19701025T030000" in std
        and "TZOFFSETFROM:+0200" in std
        and "TZOFFSETTO:+0100" in std
    )
    assert "FREQ=YEARLY" in std and "BYMONTH=10" in std and "BYDAY=-1SU" in std
    assert (
        "DTSTART:19700329T020000" in dst
        and "TZOFFSETFROM:+0100" in dst
        and "TZOFFSETTO:+0200" in dst
    )
    assert "FREQ=YEARLY" in dst and "BYMONTH=3" in dst and "BYDAY=-1SU" in dst
    # the VTIMEZONE itself (not the system zone database) gives the offsets zoneinfo gives
    vtz = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")[0].to_tz()
    for moment in (
        datetime(2019, 3, 31, 1, 59),
        datetime(2019, 3, 31, 3, 0),
        datetime(2019, 10, 27, 1, 0),
        datetime(2019, 10, 27, 3, 1),
        datetime(2026, 3, 29, 12, 0),
        datetime(2026, 10, 25, 12, 0),
    ):
        assert moment.replace(tzinfo=vtz).utcoffset() == moment.replace(tzinfo=AMS).utcoffset(), (
            moment
        )


@pytest.mark.parametrize(
    "day, offset",
    [
        (date(2019, 3, 26), 1),
        (date(2019, 4, 2), 2),
        (date(2019, 10, 22), 2),
        (date(2019, 10, 29), 1),
    ],
)
def test_local_ten_oclock_across_daylight_saving_changes(seeded, day, offset):
    m = make_meeting(
        "ovo", day, time(10, 0), participants=[(person("wijkagent@example.org"), "member")]
    )
    text = meeting_ics(m, "REQUEST")
    assert f"DTSTART;TZID=Europe/Amsterdam:{day:%Y%m%d}T100000" in text
    cal, event = parse(text)
    start = event["DTSTART"].dt
    assert (start.hour, start.minute) == (10, 0)
    assert start.utcoffset() == timedelta(hours=offset)
    assert start.astimezone(UTC).hour == 10 - offset


def _outbox(meeting=None):
    db.session.expire_all()
    rows = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()
    return [r for r in rows if meeting is None or r.meeting_id == meeting.id]


def test_sequence_rises_on_each_change_and_cancel_reaches_everyone(tvo):
    """The meetings domain reschedules, moves and cancels; the invitations it queues carry
    the raised SEQUENCE (the test never sets it)."""
    everyone = [p.person for p in tvo.participants]
    queue_meeting_mail(tvo, everyone, "REQUEST", "invitation")
    db.session.commit()
    local_end = tvo.ends_at.astimezone(AMS).time()
    # reschedule a week later, same place
    assert update_meeting(
        tvo,
        date(2019, 3, 19),
        time(10, 0),
        local_end,
        location=tvo.location,
        online_url=None,
        remarks=None,
    )
    db.session.commit()
    # change of place
    assert update_meeting(
        tvo,
        date(2019, 3, 19),
        time(10, 0),
        local_end,
        location="Politiebureau Hoogezand",
        online_url=None,
        remarks=None,
    )
    db.session.commit()
    # saving without a change of time or place tells nobody and keeps the sequence
    assert not update_meeting(
        tvo,
        date(2019, 3, 19),
        time(10, 0),
        local_end,
        location="Politiebureau Hoogezand",
        online_url=None,
        remarks="Koffie om 9:45",
    )
    db.session.commit()
    cancel_meeting(tvo, "Geen agendapunten")
    db.session.commit()

    rows = _outbox(tvo)
    assert len(rows) == 4 * len(everyone)
    seen = []
    for batch in range(4):
        chunk = rows[batch * len(everyone) : (batch + 1) * len(everyone)]
        assert {r.recipient for r in chunk} == set(EXPECTED)
        for r in chunk:
            cal, event = parse(r.ics_text)
            assert str(event["UID"]) == tvo.uid
            assert set(attendees(event)) == set(EXPECTED)
            assert str(cal["METHOD"]) == r.method
            seen.append(
                (
                    int(event["SEQUENCE"]),
                    r.method,
                    str(event["STATUS"]),
                    event["DTSTART"].dt.date(),
                    str(event["LOCATION"]),
                )
            )
    per_batch = [seen[i * len(everyone)] for i in range(4)]
    assert per_batch == [
        (0, "REQUEST", "CONFIRMED", date(2019, 3, 12), "Gemeentehuis, zaal 2"),
        (1, "REQUEST", "CONFIRMED", date(2019, 3, 19), "Gemeentehuis, zaal 2"),
        (2, "REQUEST", "CONFIRMED", date(2019, 3, 19), "Politiebureau Hoogezand"),
        (3, "CANCEL", "CANCELLED", date(2019, 3, 19), "Politiebureau Hoogezand"),
    ]
    assert len(set(seen)) == 4  # the same within a batch
    for r in rows:
        assert SECRET_ITEM not in r.ics_text and "Jansen" not in r.body_text
        assert "Geen agendapunten" not in r.body_text  # free text stays in the app


def test_removed_guest_gets_cancel_for_themselves_only_added_guest_gets_request(tvo):
    guest = person("veiligthuis@example.org")
    participant = next(p for p in tvo.participants if p.person_id == guest.id)
    db.session.delete(participant)
    db.session.flush()
    db.session.refresh(tvo)
    queue_meeting_mail(tvo, [guest], "CANCEL", "guest_removed")
    cyber = person("ovj.cybercrime@example.org")
    db.session.add(Participant(meeting=tvo, person=cyber, part="guest", from_roster=False))
    db.session.flush()
    queue_meeting_mail(tvo, [cyber], "REQUEST", "guest_added")
    db.session.commit()

    removed, added = _outbox(tvo)
    assert removed.recipient == "veiligthuis@example.org" and removed.method == "CANCEL"
    cal, event = parse(removed.ics_text)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == tvo.uid
    assert list(attendees(event)) == ["veiligthuis@example.org"]
    assert "ingetrokken" in removed.subject

    assert added.recipient == "ovj.cybercrime@example.org" and added.method == "REQUEST"
    cal, event = parse(added.ics_text)
    assert str(cal["METHOD"]) == "REQUEST"
    got = attendees(event)
    assert "ovj.cybercrime@example.org" in got and "veiligthuis@example.org" not in got
    assert got["ovj.cybercrime@example.org"]["ROLE"] == "OPT-PARTICIPANT"
    assert added.subject.startswith(
        "Uitnodiging: Tactisch Veiligheidsoverleg op dinsdag 12 maart 2019"
    )


def test_queued_message_keeps_what_was_true_when_queued(tvo):
    queue_meeting_mail(tvo, [person("specialist@example.org")], "REQUEST", "invitation")
    db.session.commit()
    assert update_meeting(
        tvo,
        date(2019, 3, 12),
        time(12, 0),
        time(14, 0),
        location="Elders",
        online_url=None,
        remarks=None,
        send=False,
    )
    db.session.commit()
    (row,) = _outbox(tvo)
    _, event = parse(row.ics_text)
    assert str(event["LOCATION"]) == "Gemeentehuis, zaal 2"
    assert event["DTSTART"].dt.hour == 10 and int(event["SEQUENCE"]) == 0
    # the change itself is real: a fresh download shows it with the raised sequence
    _, now = parse(meeting_ics(tvo, method="PUBLISH"))
    assert str(now["LOCATION"]) == "Elders"
    assert now["DTSTART"].dt.hour == 12 and int(now["SEQUENCE"]) == 1


def test_cancelled_meeting_download_says_cancelled(tvo, client):
    cancel_meeting(tvo, "Geen agendapunten", send=False)
    db.session.commit()
    login(client, "specialist@example.org", DEMO_PASSWORD)
    _, event = parse(client.get(f"/agenda/overleg/{tvo.id}.ics").get_data(as_text=True))
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_download_with_reminder_of_the_person(tvo, client):
    specialist = person("specialist@example.org")
    specialist.alarm_minutes = 30
    db.session.commit()
    login(client, "specialist@example.org", DEMO_PASSWORD)
    cal = icalendar.Calendar.from_ical(client.get(f"/agenda/overleg/{tvo.id}.ics").data)
    (alarm,) = cal.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(minutes=-30)
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_download_refused_to_non_participants_and_anonymous(seeded, client):
    driehoek = make_meeting(
        "driehoek", participants=[(person("burgemeester@example.org"), "chair")]
    )
    assert client.get(f"/agenda/overleg/{driehoek.id}.ics").status_code == 302  # to the login page
    login(client, "wijkagent@example.org", DEMO_PASSWORD)
    resp = client.get(f"/agenda/overleg/{driehoek.id}.ics")
    assert resp.status_code == 404
    assert "Driehoeksoverleg" not in resp.get_data(as_text=True)
    assert client.get("/agenda/overleg/999999.ics").status_code == 404


def test_secretary_downloads_any_meeting(seeded, client):
    driehoek = make_meeting(
        "driehoek", participants=[(person("burgemeester@example.org"), "chair")]
    )
    login(client, "oov@example.org", DEMO_PASSWORD)
    resp = client.get(f"/agenda/overleg/{driehoek.id}.ics")
    assert resp.status_code == 200
    _, event = parse(resp.get_data(as_text=True))
    assert str(event["SUMMARY"]) == "Driehoeksoverleg"
