"""Fixes from a first-time user's review: planning defaults per body, held meetings shown as
"Geweest" (and refusing answers, guests and cancelling), the menu's current item, Dutch dates
and plurals, and registers limited to the bodies a participant takes part in."""

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from overleg.domain.meetings import meeting_state, plan_meeting
from overleg.domain.series import create_series
from overleg.extensions import db
from overleg.models import Meeting, OutboxMessage, Participant
from overleg.templating import current_nav_endpoint
from overleg.timeutil import TZ, to_local, today_local
from tests.conftest import login
from tests.factories import meeting_type, person
from tests.minutes_support import minutes_of, past_meeting

DEMO_PASSWORD = "Veilig-Overleg-2019"


def _client(app, email):
    c = app.test_client()
    assert login(c, email, DEMO_PASSWORD).status_code == 302
    return c


def _input_value(html, name):
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def _current_menu_items(html):
    return re.findall(r'aria-current="page">([^<]+)</a>\s*</li>', html)


# --- 1. planning: defaults from the chosen body, not from the first one ----------------------


def test_new_meeting_takes_place_and_duration_of_the_chosen_body(seeded, as_role):
    c = as_role("secretaris")
    html = c.get("/planning/nieuw").get_data(as_text=True)
    assert _input_value(html, "location") == "" and _input_value(html, "end") == ""
    assert "Leeg laten: de vaste plaats van het gekozen overleg" in html
    assert "Leeg laten: de gebruikelijke duur van het gekozen overleg" in html
    tvo, driehoek = meeting_type("tvo"), meeting_type("driehoek")
    assert tvo.default_location != driehoek.default_location
    day = today_local() + timedelta(days=10)
    resp = c.post(
        "/planning/nieuw",
        data={
            "meeting_type": str(tvo.id),
            "day": day.isoformat(),
            "start": "13:30",
            "end": "",
            "location": "",
            "online_url": "",
            "remarks": "",
        },
    )
    assert resp.status_code == 302
    m = db.session.scalar(select(Meeting))
    assert m.location == tvo.default_location  # not the Driehoek's room
    minutes = (m.ends_at - m.starts_at).total_seconds() / 60
    assert minutes == tvo.default_duration_minutes
    assert "13:30 – 15:30" in c.get(resp.headers["Location"]).get_data(as_text=True)


def test_new_meeting_opened_for_a_body_is_prefilled_from_that_body(seeded, as_role):
    c = as_role("secretaris")
    tvo = meeting_type("tvo")
    html = c.get("/planning/nieuw?overleg=tvo").get_data(as_text=True)
    assert _input_value(html, "location") == tvo.default_location
    assert f'value="{tvo.id}" selected' in html or f'selected value="{tvo.id}"' in html
    assert f"Nu ingevuld met die van {tvo.name}" in html
    planning = c.get("/planning").get_data(as_text=True)
    for code in ("driehoek", "po", "tvo", "ovo"):
        assert f'href="/planning/nieuw?overleg={code}"' in planning
    # The series form, too: empty place and duration unless opened for a body.
    html = c.get("/planning/reeks/nieuw").get_data(as_text=True)
    assert _input_value(html, "location") == "" and _input_value(html, "duration_minutes") == ""
    html = c.get("/planning/reeks/nieuw?overleg=ovo").get_data(as_text=True)
    assert _input_value(html, "location") == meeting_type("ovo").default_location


# --- 2. held meetings ------------------------------------------------------------------------


def _held_and_coming():
    held = plan_meeting(
        meeting_type("ovo"), today_local() - timedelta(days=7), time(10, 0), send=False
    )
    coming = plan_meeting(
        meeting_type("ovo"), today_local() + timedelta(days=7), time(10, 0), send=False
    )
    db.session.commit()
    return held, coming


def test_held_meeting_shows_geweest_and_offers_attendance(seeded, app):
    held, coming = _held_and_coming()
    assert (meeting_state(held), meeting_state(coming)) == ("geweest", "gepland")
    sec = _client(app, "oov@example.org")
    page = sec.get(f"/overleggen/{held.id}").get_data(as_text=True)
    assert "Geweest" in page and ">Gepland<" not in page
    assert "Aanwezigheid vastleggen" in page
    assert f"/overleggen/{held.id}/annuleren" not in page and "Gast toevoegen" not in page
    page = sec.get(f"/overleggen/{coming.id}").get_data(as_text=True)
    assert ">Gepland<" in page and f"/overleggen/{coming.id}/annuleren" in page
    assert "Gast toevoegen" in page and "Aanwezigheid vastleggen" not in page
    past_list = sec.get("/planning?periode=eerder").get_data(as_text=True)
    assert "Geweest" in past_list and ">Gepland<" not in past_list
    # A participant: no answer form on a held meeting, "Geweest" in Mijn overleggen.
    agent = _client(app, "wijkagent@example.org")
    page = agent.get(f"/overleggen/{held.id}").get_data(as_text=True)
    assert "Geweest" in page and "Antwoord opslaan" not in page
    assert "Antwoord opslaan" in agent.get(f"/overleggen/{coming.id}").get_data(as_text=True)
    mine = agent.get("/mijn-overleggen").get_data(as_text=True)
    assert mine.count(">Geweest<") == 1 and mine.count(">Gepland<") == 1


def test_series_page_says_geweest(seeded, as_role, clock):
    # Weekly at 10:00 from two weeks ago: -14, -7, today, +7 days. Whether today's
    # meeting reads "Geweest" depends on the hour, so the test sets it, both ways.
    series = create_series(
        meeting_type("ovo"),
        first_date=today_local() - timedelta(days=14),
        start_time=time(10, 0),
        duration_minutes=90,
        occurrences=4,
        send=False,
        today=today_local() - timedelta(days=14),
    )
    db.session.commit()
    today = today_local()
    # (The clock only moves forward once logged in: a signed session cookie from the
    # future is refused, as it would be in production.)
    clock.move_to(datetime.combine(today, time(9, 30), tzinfo=TZ))
    secretary = as_role("secretaris")
    resp = secretary.get(f"/planning/reeks/{series.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "(geweest)" not in html
    assert html.count(">Geweest<") == 2 and html.count(">Gepland<") == 2

    clock.move_to(datetime.combine(today, time(11, 45), tzinfo=TZ))  # ended at 11:30
    html = secretary.get(f"/planning/reeks/{series.id}").get_data(as_text=True)
    assert html.count(">Geweest<") == 3 and html.count(">Gepland<") == 1


def test_server_refuses_cancel_answer_and_guest_on_a_held_meeting(seeded, app):
    held, _ = _held_and_coming()
    sec = _client(app, "oov@example.org")
    resp = sec.post(f"/overleggen/{held.id}/annuleren", data={"reason": "Te laat"})
    assert resp.status_code == 400
    assert "Dit overleg is al geweest en kan niet meer worden geannuleerd." in resp.get_data(
        as_text=True
    )
    resp = sec.get(f"/overleggen/{held.id}/annuleren")
    assert resp.status_code == 302
    db.session.expire_all()
    assert held.status == "gepland" and held.sequence == 0
    before = db.session.scalar(select(func.count(Participant.id)))
    resp = sec.post(
        f"/overleggen/{held.id}/gasten", data={"person": str(person("veiligthuis@example.org").id)}
    )
    assert resp.status_code == 400
    assert "Dit overleg is al geweest; u kunt geen gast meer toevoegen." in resp.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Participant.id))) == before
    agent = _client(app, "wijkagent@example.org")
    resp = agent.post(f"/overleggen/{held.id}/antwoord", data={"rsvp": "komt"})
    assert resp.status_code == 400
    assert "Dit overleg is al geweest; een antwoord is niet meer nodig." in resp.get_data(
        as_text=True
    )
    db.session.expire_all()
    mine = db.session.scalar(
        select(Participant).where(
            Participant.meeting_id == held.id,
            Participant.person_id == person("wijkagent@example.org").id,
        )
    )
    assert mine.rsvp == "open"
    assert not db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.meeting_id == held.id)
    ).all()


def test_answer_on_a_cancelled_meeting_is_refused_visibly(seeded, app):
    _, coming = _held_and_coming()
    coming.status = "geannuleerd"
    db.session.commit()
    agent = _client(app, "wijkagent@example.org")
    resp = agent.post(f"/overleggen/{coming.id}/antwoord", data={"rsvp": "komt"})
    assert resp.status_code == 400
    assert "Dit overleg is geannuleerd; een antwoord is niet meer nodig." in resp.get_data(
        as_text=True
    )


# --- 4. the menu's current item --------------------------------------------------------------


def test_current_nav_endpoint_rule():
    entries = [
        "main.home",
        "meetings.mine",
        "meetings.planning",
        "minutes.my_actions",
        "minutes.index",
        "admin.index",
        "minutes.retention",
    ]
    assert (
        current_nav_endpoint("minutes.my_actions", "minutes.index", entries) == "minutes.my_actions"
    )
    assert current_nav_endpoint("minutes.page", "minutes.index", entries) == "minutes.index"
    assert current_nav_endpoint("minutes.page", None, entries) is None  # several: none
    assert current_nav_endpoint("admin.people", None, entries) == "admin.index"  # the only one
    assert current_nav_endpoint("main.profile", "main.profile", entries) is None
    assert current_nav_endpoint("agenda.view", None, entries) is None
    assert current_nav_endpoint(None, None, entries) is None


def test_menu_highlights_the_right_item(seeded, app):
    held, _ = _held_and_coming()
    sec = _client(app, "oov@example.org")
    cases = {
        f"/overleggen/{held.id}/verslag": ["Verslagen"],
        "/verslagen": ["Verslagen"],
        "/besluiten": ["Verslagen"],
        "/mijn-actiepunten": ["Mijn actiepunten"],
        "/mijn-gegevens": [],
        "/": ["Home"],
        f"/overleggen/{held.id}": ["Planning"],
    }
    for url, expected in cases.items():
        resp = sec.get(url)
        assert resp.status_code == 200, url
        assert _current_menu_items(resp.get_data(as_text=True)) == expected, url
    admin = _client(app, "beheerder@example.org")
    assert _current_menu_items(admin.get("/beheer/bewaartermijnen").get_data(as_text=True)) == [
        "Bewaartermijnen"
    ]
    agent = _client(app, "wijkagent@example.org")
    assert _current_menu_items(agent.get(f"/overleggen/{held.id}").get_data(as_text=True)) == [
        "Mijn overleggen"
    ]
    assert _current_menu_items(
        agent.get(f"/overleggen/{held.id}/verslag").get_data(as_text=True)
    ) == ["Verslagen"]


# --- 5. Dutch dates, time ranges and plurals -------------------------------------------------

NUMERIC_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b")


def test_outbox_dates_are_written_out(seeded, as_role):
    plan_meeting(meeting_type("ovo"), today_local() + timedelta(days=7), time(10, 0))
    db.session.commit()
    msg = db.session.scalars(select(OutboxMessage)).first()
    html = as_role("secretaris").get("/uitgaande-post/").get_data(as_text=True)
    local = to_local(msg.created_at)
    from overleg.timeutil import nl_date, nl_time

    assert f"{nl_date(msg.created_at, 'long')} om {nl_time(msg.created_at)}" in html
    assert local.strftime("%d-%m-%Y") not in html and not NUMERIC_DATE.search(html)


def test_minutes_messages_use_dutch_dates_and_plurals(seeded, people, as_role):
    sec = as_role("secretaris")
    reader = people["deelnemer"]
    both = [(reader, "member"), (people["secretaris"], "secretary")]
    first = past_meeting("tvo", 28, both)
    second = past_meeting("tvo", 7, both)
    only_one = past_meeting("ovo", 20, [(people["secretaris"], "secretary")])
    resp = sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling", follow_redirects=True)
    assert "2 deelnemers krijgen bericht" in resp.get_data(as_text=True)
    resp = sec.post(f"/overleggen/{only_one.id}/verslag/ter-vaststelling", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "1 deelnemer krijgt bericht" in html and "(s)" not in html
    m1 = minutes_of(first)
    resp = sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m1.id}", follow_redirects=True)
    html = resp.get_data(as_text=True)
    from overleg.timeutil import nl_date

    assert f"van {nl_date(first.starts_at, 'long')} is vastgesteld" in html
    assert not NUMERIC_DATE.search(html)


def test_time_ranges_have_spaces_and_favicon_is_inline(seeded, as_role):
    m = plan_meeting(meeting_type("tvo"), date(2030, 3, 7), time(13, 30), send=False)
    db.session.commit()
    c = as_role("secretaris")
    for url in (
        f"/overleggen/{m.id}",
        "/planning",
        f"/overleggen/{m.id}/annuleren",
        f"/overleggen/{m.id}/aanwezigheid",
    ):
        html = c.get(url).get_data(as_text=True)
        assert "13:30 – 15:30" in html and "13:30–15:30" not in html, url
        assert '<link rel="icon" href="data:,">' in html


# --- 6. registers: only the bodies one takes part in -----------------------------------------


def test_registers_list_only_the_bodies_of_the_participant(seeded, app):
    plan_meeting(meeting_type("ovo"), today_local() - timedelta(days=3), time(10, 0), send=False)
    plan_meeting(
        meeting_type("driehoek"), today_local() - timedelta(days=3), time(16, 0), send=False
    )
    db.session.commit()
    agent = _client(app, "wijkagent@example.org")
    for url in ("/besluiten", "/verslagen"):
        html = agent.get(url).get_data(as_text=True)
        assert "/besluiten/ovo" in html and "/actiepunten/ovo" in html, url
        for code in ("driehoek", "po", "tvo"):
            assert f"/besluiten/{code}" not in html and f"/actiepunten/{code}" not in html, url
            assert f"overleg={code}" not in html, url
    sec = _client(app, "oov@example.org")
    for url in ("/besluiten", "/verslagen"):
        html = sec.get(url).get_data(as_text=True)
        for code in ("driehoek", "po", "tvo", "ovo"):
            assert f"/besluiten/{code}" in html, url
    nobody = app.test_client()
    from tests.conftest import make_person

    make_person("los@example.org")
    login(nobody, "los@example.org")
    html = nobody.get("/besluiten").get_data(as_text=True)
    assert "U neemt (nog) niet deel" in html and "/besluiten/ovo" not in html
