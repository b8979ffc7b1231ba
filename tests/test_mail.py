"""E-mail through the outbox, delivered to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import re
import socket
from datetime import date, time, timedelta
from email import policy

import icalendar
import pytest
import recurring_ical_events
from aiosmtpd.controller import Controller
from sqlalchemy import select

from overleg.extensions import db
from overleg.mail.outbox import MAX_ATTEMPTS, deliver_due, queue_meeting_mail, retry_delay
from overleg.mail.sender import sent_mail
from overleg.models import AgendaItem, OutboxMessage
from overleg.timeutil import utcnow
from tests.conftest import login
from tests.factories import make_meeting, person

DEMO_PASSWORD = "Veilig-Overleg-2019"


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """An aiosmtpd server on loopback that can be stopped and started on the same port."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    server = SMTPServer()
    saved = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    server.start()
    yield server
    server.stop()
    app.config.update(saved)


@pytest.fixture
def memory(app):
    sent_mail(app).clear()
    yield sent_mail(app)
    sent_mail(app).clear()


@pytest.fixture
def tvo(seeded):
    m = make_meeting(
        "tvo",
        date(2019, 11, 5),
        time(10, 0),
        minutes=90,
        location="Gemeentehuis Hoogezand, zaal 2",
        participants=[
            (person("coordinator.oov@example.org"), "chair"),
            (person("specialist@example.org"), "member"),
            (person("veiligheidshuis@example.org"), "member"),
            (person("oov@example.org"), "secretary"),
        ],
    )
    db.session.add(AgendaItem(meeting=m, position=50, title="Casus De Vries, Dorpsstraat 3"))
    db.session.commit()
    return m


def people_of(meeting):
    return [p.person for p in meeting.participants]


def rows():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def parts(msg):
    """(text, calendar part, attachment) of a received message."""
    text = msg.get_body(preferencelist=("plain",))
    calendar = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    attachment = next(p for p in msg.iter_attachments())
    return text, calendar, attachment


def test_invitations_arrive_over_smtp_with_dutch_text_and_calendar_parts(tvo, smtp):
    queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "invitation")
    db.session.commit()
    report = deliver_due()
    assert (report.sent, report.failed) == (4, 0)
    inbox = smtp.inbox.messages
    assert sorted(rcpt for _, (rcpt,) in smtp.inbox.envelopes) == sorted(
        p.email for p in people_of(tvo)
    )
    assert all(frm == "overleg@midden-groningen.example.org" for frm, _ in smtp.inbox.envelopes)
    msg = next(m for m in inbox if "specialist@example.org" in m["To"])
    assert msg["To"] == "Erik Dijkstra <specialist@example.org>"
    assert msg["Subject"] == (
        "Uitnodiging: Tactisch Veiligheidsoverleg op dinsdag 5 november 2019 om 10:00"
    )
    assert msg.get_content_type() == "multipart/mixed"
    text, calendar, attachment = parts(msg)
    body = text.get_content()
    assert "Beste Erik Dijkstra" in body
    assert "U bent uitgenodigd voor het Tactisch Veiligheidsoverleg" in body
    assert "dinsdag 5 november 2019" in body and "10:00 – 11:30" in body
    assert "Gemeentehuis Hoogezand, zaal 2" in body
    assert f"http://overleg.test/overleggen/{tvo.id}" in body
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content_disposition() is None  # inline alternative for Outlook
    assert attachment.get_filename() == "uitnodiging.ics"
    assert attachment.get_content() == calendar.get_content().encode("utf-8")
    cal = icalendar.Calendar.from_ical(calendar.get_content())
    assert str(cal["METHOD"]) == "REQUEST"
    (event,) = recurring_ical_events.of(cal).at(2019)
    assert str(event["UID"]) == tvo.uid and int(event["SEQUENCE"]) == 0
    # an invitation names its attendees (a downloaded .ics does not: PUBLISH)
    raw_attendees = (
        event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    )
    assert {str(a).removeprefix("mailto:") for a in raw_attendees} == {
        p.email for p in people_of(tvo)
    }
    assert event["DTSTART"].dt.hour == 10 and event["DTSTART"].dt.utcoffset() == timedelta(hours=1)
    # never case content
    for m in inbox:
        raw = m.as_string()
        assert "De Vries, Dorpsstraat" not in raw and "Casus" not in raw
    assert all(r.status == "sent" and r.attempts == 1 and r.sent_at for r in rows())


def test_reschedule_delivers_update_with_higher_sequence_to_everyone(tvo, smtp):
    queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "invitation")
    db.session.commit()
    deliver_due()
    tvo.starts_at += timedelta(days=1)
    tvo.ends_at += timedelta(days=1)
    tvo.sequence += 1
    queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "update")
    db.session.commit()
    deliver_due()
    updates = [m for m in smtp.inbox.messages if m["Subject"].startswith("Gewijzigd:")]
    assert len(updates) == 4
    for m in updates:
        assert "woensdag 6 november 2019" in m["Subject"]
        _, calendar, _ = parts(m)
        (event,) = recurring_ical_events.of(
            icalendar.Calendar.from_ical(calendar.get_content())
        ).at(2019)
        assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == tvo.uid
        assert event["DTSTART"].dt.day == 6


def test_cancellation_mail_has_cancel_method(tvo, smtp):
    tvo.status = "geannuleerd"
    tvo.sequence += 1
    queue_meeting_mail(tvo, people_of(tvo), "CANCEL", "cancellation")
    db.session.commit()
    deliver_due()
    assert len(smtp.inbox.messages) == 4
    for m in smtp.inbox.messages:
        assert m["Subject"].startswith("Geannuleerd: Tactisch Veiligheidsoverleg")
        text, calendar, attachment = parts(m)
        assert "gaat niet door" in text.get_content()
        assert calendar.get_param("method") == "CANCEL"
        assert attachment.get_filename() == "annulering.ics"
        cal = icalendar.Calendar.from_ical(calendar.get_content())
        assert str(cal["METHOD"]) == "CANCEL"
        event = cal.walk("VEVENT")[0]
        assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
        assert "ATTENDEE" in event


def test_nothing_lost_while_smtp_is_down_then_delivered_exactly_once(tvo, smtp):
    smtp.stop()
    queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "invitation")
    db.session.commit()
    before = utcnow()
    report = deliver_due()
    assert (report.sent, report.failed) == (0, 4)
    failed = rows()
    assert len(failed) == 4
    for r in failed:
        assert r.status == "failed" and r.attempts == 1 and r.sent_at is None
        assert r.last_error.startswith("ConnectionRefusedError: "), r.last_error
        assert (
            before + timedelta(seconds=50) <= r.next_attempt_at <= utcnow() + timedelta(seconds=70)
        )
    # not due yet: nothing is tried again
    assert deliver_due().failed == 0
    # the second failure waits twice as long
    second = deliver_due(now=utcnow() + timedelta(minutes=2))
    assert second.failed == 4
    assert all(r.attempts == 2 for r in rows())
    # the secretary sees the attempts
    client = _secretary(tvo)
    html = client.get("/uitgaande-post/").get_data(as_text=True)
    assert "Mislukt" in html and "Laatste fout" in html and "Volgende poging" in html
    assert html.count("Tactisch Veiligheidsoverleg op dinsdag 5 november 2019") == 4

    smtp.start()
    report = deliver_due(now=utcnow() + timedelta(hours=1))
    assert (report.sent, report.failed) == (4, 0)
    assert deliver_due(now=utcnow() + timedelta(days=2)).sent == 0
    assert len(smtp.inbox.messages) == 4
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.inbox.messages) == sorted(
        p.email for p in people_of(tvo)
    )
    done = rows()
    assert all(r.status == "sent" and r.attempts == 3 and r.last_error is None for r in done)
    html = client.get("/uitgaande-post/").get_data(as_text=True)
    assert html.count("Verzonden op") == 4


def _secretary(meeting):
    from flask import current_app

    c = current_app.test_client()
    assert login(c, "oov@example.org", DEMO_PASSWORD).status_code == 302
    return c


def test_retry_delay_grows_and_gives_up_after_max_attempts(tvo, smtp):
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(hours=6)
    smtp.stop()
    queue_meeting_mail(tvo, [person("specialist@example.org")], "REQUEST", "invitation")
    db.session.commit()
    (row,) = rows()
    row.attempts = MAX_ATTEMPTS - 1
    db.session.commit()
    deliver_due()
    (row,) = rows()
    assert row.attempts == MAX_ATTEMPTS and row.status == "failed" and row.next_attempt_at is None
    assert deliver_due(now=utcnow() + timedelta(days=30)).failed == 0
    html = _secretary(tvo).get("/uitgaande-post/").get_data(as_text=True)
    assert "Geen nieuwe poging gepland." in html and "Nu opnieuw proberen" in html


def test_secretary_retries_now_and_mail_goes_after_the_response(tvo, memory, app):
    app.config["MAIL_BACKEND"] = "smtp"
    app.config["MAIL_PORT"] = free_port()  # nobody listens
    try:
        queue_meeting_mail(tvo, [person("specialist@example.org")], "REQUEST", "invitation")
        db.session.commit()
        deliver_due()
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    (row,) = rows()
    assert row.status == "failed"
    client = _secretary(tvo)
    resp = client.post(f"/uitgaande-post/{row.id}/opnieuw", follow_redirects=True)
    assert resp.status_code == 200
    assert "wordt opnieuw verzonden" in resp.get_data(as_text=True)
    (row,) = rows()
    assert row.status == "sent" and row.attempts == 2
    assert [m["To"] for m in memory] == ["Erik Dijkstra <specialist@example.org>"]


def test_outbox_page_is_for_secretaries_only(seeded, app, people, as_role):
    assert as_role("deelnemer").get("/uitgaande-post/").status_code == 403
    page = as_role("secretaris").get("/uitgaande-post/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Verzonden berichten" in html and "Er zijn geen berichten" in html
    assert 'href="/uitgaande-post/"' in html  # in the navigation
    assert "Verzonden berichten" not in as_role("deelnemer").get("/").get_data(as_text=True)
    assert as_role("deelnemer").post("/uitgaande-post/1/opnieuw").status_code == 403
    assert as_role("secretaris").post("/uitgaande-post/999/opnieuw").status_code == 404


def test_send_mail_command_delivers_due_messages(tvo, app, memory):
    queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "invitation")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Uitgaande post: 4 verzonden, 0 mislukt." in result.output
    assert len(memory) == 4
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert "0 verzonden" in result.output and len(memory) == 4


def test_console_backend_prints_the_message(tvo, app, capsys):
    app.config["MAIL_BACKEND"] = "console"
    try:
        queue_meeting_mail(tvo, [person("specialist@example.org")], "REQUEST", "invitation")
        db.session.commit()
        assert deliver_due().sent == 1
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    out = capsys.readouterr().out
    assert "Subject: Uitnodiging: Tactisch Veiligheidsoverleg" in out
    assert "text/calendar" in out and 'method="REQUEST"' in out
    assert "Beste Erik Dijkstra" in out and "Onderwerp: Uitnodiging:" in out


def test_queue_rejects_unknown_method_or_reason_and_skips_inactive(tvo):
    with pytest.raises(ValueError):
        queue_meeting_mail(tvo, people_of(tvo), "PUBLISH", "invitation")
    with pytest.raises(ValueError):
        queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "herinnering")
    specialist = person("specialist@example.org")
    specialist.active = False
    queued = queue_meeting_mail(
        tvo, people_of(tvo) + [person("oov@example.org")], "REQUEST", "invitation"
    )
    assert sorted(m.recipient for m in queued) == [
        "coordinator.oov@example.org",
        "oov@example.org",
        "veiligheidshuis@example.org",
    ]


def test_a_row_claimed_by_another_worker_is_skipped_on_postgresql(tvo, memory, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time")
    first, second = queue_meeting_mail(
        tvo, [person("specialist@example.org"), person("oov@example.org")], "REQUEST", "invitation"
    )
    db.session.commit()
    first_id = first.id
    with db.engine.connect() as other:  # another worker holds the first row
        trans = other.begin()
        other.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == first_id).with_for_update()
        )
        assert deliver_due().sent == 1
        assert [m["To"].addresses[0].addr_spec for m in memory] == ["oov@example.org"]
        trans.rollback()
    assert deliver_due().sent == 1
    assert sorted(m["To"].addresses[0].addr_spec for m in memory) == [
        "oov@example.org",
        "specialist@example.org",
    ]


def test_outbox_page_query_count_does_not_grow_with_messages(tvo, seeded, count_queries, app):
    client = _secretary(tvo)
    other = make_meeting(
        "ovo", date(2019, 11, 6), participants=[(person("wijkagent@example.org"), "member")]
    )
    queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "invitation")
    db.session.commit()
    client.get("/uitgaande-post/")
    with count_queries() as few:
        assert client.get("/uitgaande-post/").status_code == 200
    for _ in range(3):
        queue_meeting_mail(tvo, people_of(tvo), "REQUEST", "update")
        queue_meeting_mail(other, people_of(other), "REQUEST", "update")
    db.session.commit()
    with count_queries() as many:
        html = client.get("/uitgaande-post/").get_data(as_text=True)
    assert html.count("Wacht op verzending") >= 19
    assert many.count == few.count


def test_secretary_reads_one_message_with_text_and_calendar(tvo, app, as_role):
    queue_meeting_mail(tvo, [person("specialist@example.org")], "REQUEST", "invitation")
    db.session.commit()
    (row,) = rows()
    row.attempts, row.last_error = 2, "Verbinding geweigerd"
    db.session.commit()
    assert as_role("deelnemer").get(f"/uitgaande-post/{row.id}").status_code == 403
    assert as_role("deelnemer").get(f"/uitgaande-post/{row.id}/uitnodiging.ics").status_code == 403
    sec = _secretary(tvo)
    listing = sec.get("/uitgaande-post/").get_data(as_text=True)
    assert f'href="/uitgaande-post/{row.id}"' in listing
    resp = sec.get(f"/uitgaande-post/{row.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "specialist@example.org" in html and "Erik Dijkstra" in html
    assert row.subject in html
    assert "Verbinding geweigerd" in html and row.status_label in html
    first_line = next(line for line in row.body_text.splitlines() if line.strip())
    from markupsafe import escape

    assert str(escape(first_line)) in html
    assert "Casus De Vries" not in html  # mail never carries case content
    assert f'href="/uitgaande-post/{row.id}/uitnodiging.ics"' in html
    ics = sec.get(f"/uitgaande-post/{row.id}/uitnodiging.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert ics.mimetype_params == {"method": "REQUEST", "charset": "utf-8"}
    assert ics.headers["Content-Disposition"].startswith("attachment;")
    assert b"BEGIN:VCALENDAR" in ics.data and b"METHOD:REQUEST" in ics.data
    assert sec.get("/uitgaande-post/999999").status_code == 404


def test_a_name_saved_with_a_line_break_cannot_break_the_mail_headers(tvo, memory):
    """The forms refuse CR/LF in names (tests/test_admin_people.py); a name saved before
    that rule still gets its mail, with the header on one line and no extra header."""
    erik = person("specialist@example.org")
    erik.name = "Mallory\r\nBcc: x@example.org"
    db.session.commit()
    queue_meeting_mail(tvo, [erik], "REQUEST", "invitation")
    db.session.commit()
    report = deliver_due()
    assert (report.sent, report.failed) == (1, 0)
    (msg,) = memory
    assert msg["To"] == '"Mallory Bcc: x@example.org" <specialist@example.org>'
    assert msg["Bcc"] is None
    headers = msg.as_bytes().split(b"\n\n", 1)[0]
    assert not re.search(rb"(?mi)^bcc:", headers), headers
