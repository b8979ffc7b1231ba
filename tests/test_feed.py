"""The personal calendar feed: secret URL without login, renewable, need-to-know, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import pytest
import recurring_ical_events

from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import make_meeting, person

DEMO_PASSWORD = "Veilig-Overleg-2019"


def logged_in(app, email):
    c = app.test_client()
    assert login(c, email, DEMO_PASSWORD).status_code == 302
    return c


def make_token(app, email) -> str:
    c = logged_in(app, email)
    resp = c.post("/agenda/abonnement")
    assert resp.status_code == 302
    db.session.expire_all()
    token = person(email).feed_token
    assert token and len(token) >= 40
    return token


def feed_events(text: str):
    cal = icalendar.Calendar.from_ical(text)
    events = recurring_ical_events.of(cal).between(datetime(2000, 1, 1), datetime(2100, 1, 1))
    return cal, {str(e["UID"]): e for e in events}


@pytest.fixture
def meetings(seeded):
    today = today_local()
    wijkagent = person("wijkagent@example.org")
    specialist = person("specialist@example.org")
    return {
        "ovo_next": make_meeting(
            "ovo",
            today + timedelta(days=14),
            participants=[(specialist, "chair"), (wijkagent, "member")],
        ),
        "ovo_recent": make_meeting(
            "ovo",
            today - timedelta(days=60),
            participants=[(specialist, "chair"), (wijkagent, "member")],
        ),
        "ovo_old": make_meeting(
            "ovo",
            today - timedelta(days=120),
            participants=[(specialist, "chair"), (wijkagent, "member")],
        ),
        "driehoek": make_meeting(
            "driehoek",
            today + timedelta(days=10),
            participants=[
                (person("burgemeester@example.org"), "chair"),
                (person("ovj@example.org"), "member"),
                (person("btchef@example.org"), "member"),
            ],
        ),
    }


def test_feed_works_without_login_and_holds_only_visible_meetings(app, meetings):
    token = make_token(app, "wijkagent@example.org")
    anonymous = app.test_client()
    resp = anonymous.get(f"/agenda/{token}.ics")
    assert resp.status_code == 200
    assert resp.mimetype == "text/calendar"
    assert "no-store" in resp.headers["Cache-Control"]
    text = resp.get_data(as_text=True)
    cal, events = feed_events(text)
    assert resp.mimetype_params == {"method": "PUBLISH", "charset": "utf-8"}
    assert str(cal["METHOD"]) == "PUBLISH"
    # RFC 5546 §3.2.1: PUBLISH without ATTENDEE; the participants are on the meeting page
    assert "ATTENDEE" not in text and "Erik Dijkstra" not in text
    assert all("ORGANIZER" in e for e in cal.walk("VEVENT"))
    assert "X-WR-CALNAME:Overleg veiligheid – Jeroen Visser" in text
    # three months back on; the wijkagent does not take part in the Driehoek
    assert set(events) == {meetings["ovo_next"].uid, meetings["ovo_recent"].uid}
    assert meetings["driehoek"].uid not in text
    assert "Driehoeksoverleg" not in text and "Adriaan Hoekstra" not in text
    for event in events.values():
        assert event["DTSTART"].dt.hour == 10
        assert str(event["STATUS"]) == "CONFIRMED"
    icalendar_events = cal.walk("VEVENT")
    assert {str(e["UID"]) for e in icalendar_events} == set(events)
    assert text.count("BEGIN:VTIMEZONE") == 1 and "RDATE" not in text


def test_feed_lists_cancelled_meetings_as_cancelled(app, meetings):
    m = meetings["ovo_next"]
    m.status = "geannuleerd"
    m.sequence += 1
    db.session.commit()
    token = make_token(app, "wijkagent@example.org")
    _, events = feed_events(app.test_client().get(f"/agenda/{token}.ics").get_data(as_text=True))
    assert str(events[m.uid]["STATUS"]) == "CANCELLED"
    assert int(events[m.uid]["SEQUENCE"]) == 1


def test_secretary_feed_holds_all_meetings(app, meetings):
    token = make_token(app, "oov@example.org")
    _, events = feed_events(app.test_client().get(f"/agenda/{token}.ics").get_data(as_text=True))
    assert set(events) == {meetings[k].uid for k in ("ovo_next", "ovo_recent", "driehoek")}


def test_renew_makes_the_old_url_404(app, meetings):
    client = logged_in(app, "wijkagent@example.org")
    client.post("/agenda/abonnement")
    db.session.expire_all()
    old = person("wijkagent@example.org").feed_token
    assert app.test_client().get(f"/agenda/{old}.ics").status_code == 200
    resp = client.post("/agenda/abonnement", follow_redirects=True)
    assert "Er is een nieuw agenda-adres gemaakt" in resp.get_data(as_text=True)
    db.session.expire_all()
    new = person("wijkagent@example.org").feed_token
    assert new != old
    anonymous = app.test_client()
    assert anonymous.get(f"/agenda/{old}.ics").status_code == 404
    assert anonymous.get(f"/agenda/{new}.ics").status_code == 200


def test_unknown_or_inactive_token_answers_404(app, meetings):
    assert app.test_client().get("/agenda/geen-geldig-token.ics").status_code == 404
    token = make_token(app, "wijkagent@example.org")
    wijkagent = person("wijkagent@example.org")
    wijkagent.active = False
    db.session.commit()
    assert app.test_client().get(f"/agenda/{token}.ics").status_code == 404


def test_renew_needs_login(app, meetings):
    resp = app.test_client().post("/agenda/abonnement")
    assert resp.status_code == 401


def test_feed_query_count_is_constant(app, seeded, count_queries):
    wijkagent = person("wijkagent@example.org")
    specialist = person("specialist@example.org")
    token = make_token(app, "wijkagent@example.org")
    client = app.test_client()

    def add(n, start):
        for i in range(n):
            make_meeting(
                "ovo",
                today_local() + timedelta(days=start + i),
                participants=[
                    (specialist, "chair"),
                    (wijkagent, "member"),
                    (person("oov@example.org"), "secretary"),
                ],
            )

    add(2, 1)
    client.get(f"/agenda/{token}.ics")  # warm up
    with count_queries() as few:
        assert client.get(f"/agenda/{token}.ics").status_code == 200
    add(12, 10)
    with count_queries() as many:
        text = client.get(f"/agenda/{token}.ics").get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 14
    assert many.count == few.count, (few.statements, many.statements)
    assert many.count <= 5


def test_profile_shows_feed_address_copy_and_renew(app, meetings):
    client = logged_in(app, "wijkagent@example.org")
    html = client.get("/mijn-gegevens").get_data(as_text=True)
    assert "Agenda-adres aanmaken" in html
    client.post("/agenda/abonnement")
    db.session.expire_all()
    token = person("wijkagent@example.org").feed_token
    html = client.get("/mijn-gegevens").get_data(as_text=True)
    assert f'value="http://overleg.test/agenda/{token}.ics"' in html
    assert "readonly" in html and 'id="feed-url"' in html  # selectable without JavaScript
    assert 'data-copy-target="feed-url"' in html and "Kopieer adres" in html
    assert "js/copy.js" in html and "onclick" not in html
    assert "Nieuw agenda-adres maken" in html
    assert client.get("/static/js/copy.js").status_code == 200


def test_reminder_preference_is_saved_and_used_in_the_feed(app, meetings):
    client = logged_in(app, "wijkagent@example.org")
    resp = client.post("/agenda/herinnering", data={"alarm_minutes": "60"}, follow_redirects=True)
    assert resp.status_code == 200
    assert "Uw voorkeur voor herinneringen is opgeslagen." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert person("wijkagent@example.org").alarm_minutes == 60
    html = client.get("/mijn-gegevens").get_data(as_text=True)
    assert '<option selected value="60">' in html
    token = make_token(app, "wijkagent@example.org")
    cal = icalendar.Calendar.from_ical(app.test_client().get(f"/agenda/{token}.ics").data)
    alarms = cal.walk("VALARM")
    assert len(alarms) == 2 and all(a["TRIGGER"].dt == timedelta(hours=-1) for a in alarms)
    # and switched off again
    client.post("/agenda/herinnering", data={"alarm_minutes": ""})
    db.session.expire_all()
    assert person("wijkagent@example.org").alarm_minutes is None
    assert "VALARM" not in app.test_client().get(f"/agenda/{token}.ics").get_data(as_text=True)


def test_reminder_with_bad_value_is_refused_in_dutch(app, meetings):
    client = logged_in(app, "wijkagent@example.org")
    resp = client.post("/agenda/herinnering", data={"alarm_minutes": "7"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Ongeldige keuze." in html
    assert 'id="alarm_minutes-error"' in html
    db.session.expire_all()
    assert person("wijkagent@example.org").alarm_minutes is None


def test_profile_forms_work_with_csrf_protection(csrf_app, meetings):
    import re

    client = csrf_app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/inloggen",
        data={"email": "wijkagent@example.org", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    # the tests share one app context, so Flask-WTF's token cached in g would outlive the
    # session the login replaced; in production every request starts with a fresh g
    from flask import g

    g.pop("csrf_token", None)
    html = client.get("/mijn-gegevens").get_data(as_text=True)
    tokens = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert tokens
    assert client.post("/agenda/abonnement").status_code == 400  # without the token
    assert client.post("/agenda/abonnement", data={"csrf_token": tokens[0]}).status_code == 302
    assert (
        client.post(
            "/agenda/herinnering", data={"alarm_minutes": "15", "csrf_token": tokens[0]}
        ).status_code
        == 302
    )
    db.session.expire_all()
    wijkagent = person("wijkagent@example.org")
    assert wijkagent.feed_token and wijkagent.alarm_minutes == 15
