"""Planning, editing, cancelling meetings through the pages; answers, guests, attendance;
bad input; the meeting page's query count."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from overleg.domain.meetings import meeting_state, plan_meeting
from overleg.extensions import db
from overleg.models import AgendaItem, Meeting, OutboxMessage, Participant
from overleg.templating import current_nav_endpoint
from overleg.timeutil import to_local, today_local
from tests.conftest import demo_client, get_page, make_person
from tests.factories import meeting_type, person
from tests.minutes_support import minutes_of, past_meeting
from tests.test_roster import outbox_rows


def _day(n=14):
    return today_local() + timedelta(days=n)


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def _plan_form(body, day, start="10:00", end="", **extra):
    data = {
        "meeting_type": str(body.id),
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "location": "",
        "online_url": "",
        "remarks": "",
    }
    data.update(extra)
    return data


def test_secretary_plans_a_meeting_with_defaults_from_the_body(seeded, as_role):
    c = as_role("secretaris")
    tvo = meeting_type("tvo")
    day = _day()
    form = c.get("/planning/nieuw?overleg=tvo").get_data(as_text=True)
    assert "Gemeentehuis Hoogezand, zaal 2" in form  # place prefilled from the body
    resp = c.post(
        "/planning/nieuw",
        data=_plan_form(tvo, day, "13:30", location="Gemeentehuis Hoogezand, zaal 2"),
    )
    assert resp.status_code == 302
    m = db.session.scalar(select(Meeting))
    start, end = to_local(m.starts_at), to_local(m.ends_at)
    assert (start.date(), start.strftime("%H:%M"), end.strftime("%H:%M")) == (day, "13:30", "15:30")
    assert (
        m.status == "gepland" and m.sequence == 0 and m.location == "Gemeentehuis Hoogezand, zaal 2"
    )
    assert {(p.person.email, p.part) for p in m.participants} == {
        ("coordinator.oov@example.org", "chair"),
        ("specialist@example.org", "member"),
        ("sociaalteam@example.org", "member"),
        ("veiligheidshuis@example.org", "member"),
        ("oov@example.org", "secretary"),
    }
    assert [i.title for i in m.agenda_items][0] == "Opening en vaststelling agenda"
    invited = {r[0] for r in outbox_rows(m) if r[1:] == ("REQUEST", "invitation")}
    assert invited == {p.person.email for p in m.participants}
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Tactisch Veiligheidsoverleg" in page and "13:30 – 15:30" in page
    assert day.strftime("%Y") in page and "Voorzitter" in page and "Nog geen antwoord" in page


def test_reschedule_raises_sequence_and_sends_update(seeded, as_role):
    c = as_role("secretaris")
    m = plan_meeting(meeting_type("ovo"), _day(), time(10, 0), send=False)
    db.session.commit()
    uid = m.uid
    resp = c.post(
        f"/overleggen/{m.id}/bewerken",
        data={
            "day": _day(15).isoformat(),
            "start": "11:00",
            "end": "12:30",
            "location": "Politiebureau Veendam",
            "online_url": "",
            "remarks": "Verzet",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert m.sequence == 1 and m.uid == uid
    assert to_local(m.starts_at).strftime("%H:%M") == "11:00"
    assert {r for r in outbox_rows(m)} == {
        (p.person.email, "REQUEST", "update") for p in m.participants
    }
    # Only the remarks: no new sequence, no mail.
    c.post(
        f"/overleggen/{m.id}/bewerken",
        data={
            "day": _day(15).isoformat(),
            "start": "11:00",
            "end": "12:30",
            "location": "Politiebureau Veendam",
            "online_url": "",
            "remarks": "Iets anders",
        },
    )
    db.session.expire_all()
    assert m.sequence == 1 and len(outbox_rows(m)) == len(m.participants)
    # The online link counts as place.
    c.post(
        f"/overleggen/{m.id}/bewerken",
        data={
            "day": _day(15).isoformat(),
            "start": "11:00",
            "end": "12:30",
            "location": "Politiebureau Veendam",
            "online_url": "https://meet.example.org/ovo",
            "remarks": "",
        },
    )
    db.session.expire_all()
    assert m.sequence == 2


def test_cancel_with_reason_stays_visible_as_cancelled(seeded, as_role):
    c = as_role("secretaris")
    m = plan_meeting(meeting_type("ovo"), _day(), time(10, 0), send=False)
    db.session.commit()
    resp = c.post(f"/overleggen/{m.id}/annuleren", data={"reason": ""})
    assert resp.status_code == 400
    assert "Geef een reden voor het annuleren." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert m.status == "gepland" and m.sequence == 0
    assert (
        c.post(f"/overleggen/{m.id}/annuleren", data={"reason": "Te weinig punten"}).status_code
        == 302
    )
    db.session.expire_all()
    assert (m.status, m.cancel_reason, m.sequence) == ("geannuleerd", "Te weinig punten", 1)
    assert {r for r in outbox_rows(m)} == {
        (p.person.email, "CANCEL", "cancellation") for p in m.participants
    }
    page = c.get(f"/overleggen/{m.id}").get_data(as_text=True)
    assert "Dit overleg is geannuleerd." in page and "Te weinig punten" in page
    assert "Geannuleerd" in c.get("/planning").get_data(as_text=True)


def test_end_before_start_is_refused(seeded, as_role):
    c = as_role("secretaris")
    resp = c.post("/planning/nieuw", data=_plan_form(meeting_type("tvo"), _day(), "14:00", "13:00"))
    assert resp.status_code == 400
    assert "De eindtijd moet na de begintijd liggen." in resp.get_data(as_text=True)
    assert _count(Meeting) == 0 and _count(Participant) == 0 and _count(AgendaItem) == 0


def test_garbage_date_and_time_are_refused_in_dutch(seeded, as_role):
    c = as_role("secretaris")
    resp = c.post(
        "/planning/nieuw",
        data=_plan_form(meeting_type("tvo"), _day(), "25:99")
        | {"day": "31-02-2019", "online_url": "geen link"},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Vul een geldige datum in" in html and "Vul een geldige tijd in" in html
    assert "Vul een geldige link in" in html
    assert _count(Meeting) == 0


def test_past_meeting_needs_confirmation(seeded, as_role):
    c = as_role("secretaris")
    data = _plan_form(meeting_type("ovo"), today_local() - timedelta(days=3))
    resp = c.post("/planning/nieuw", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Dit overleg ligt in het verleden." in html
    assert "Toch opslaan" in html and _count(Meeting) == 0
    resp = c.post("/planning/nieuw", data=data | {"confirm": "y"})
    assert resp.status_code == 302 and _count(Meeting) == 1


def test_overlapping_meeting_of_same_body_needs_confirmation(seeded, as_role):
    c = as_role("secretaris")
    plan_meeting(meeting_type("ovo"), _day(), time(10, 0), time(11, 30), send=False)
    plan_meeting(meeting_type("tvo"), _day(), time(10, 0), send=False)  # another body: fine
    db.session.commit()
    resp = c.post("/planning/nieuw", data=_plan_form(meeting_type("ovo"), _day(), "11:00", "12:00"))
    assert resp.status_code == 400
    assert "dat overlapt met deze tijd" in resp.get_data(as_text=True)
    assert _count(Meeting) == 2
    assert (
        c.post("/planning/nieuw", data=_plan_form(meeting_type("tvo"), _day(), "13:00")).status_code
        == 302
    )
    assert (
        c.post(
            "/planning/nieuw",
            data=_plan_form(meeting_type("ovo"), _day(), "11:00", "12:00") | {"confirm": "y"},
        ).status_code
        == 302
    )
    assert _count(Meeting) == 4


def test_unknown_person_as_guest_is_refused(seeded, as_role):
    c = as_role("secretaris")
    m = plan_meeting(meeting_type("driehoek"), _day(), time(16, 0), send=False)
    db.session.commit()
    before = _count(Participant)
    for value, message in (
        ("999999", "Deze persoon is niet bekend"),
        ("abc", "Deze persoon is niet bekend"),
        ("", "Kies een persoon."),
    ):
        resp = c.post(f"/overleggen/{m.id}/gasten", data={"person": value})
        assert resp.status_code == 400
        assert message in resp.get_data(as_text=True), value
    # Somebody already taking part cannot be added twice.
    resp = c.post(f"/overleggen/{m.id}/gasten", data={"person": str(person("ovj@example.org").id)})
    assert resp.status_code == 400 and "neemt al deel aan dit overleg" in resp.get_data(
        as_text=True
    )
    assert _count(Participant) == before and not outbox_rows(m)


def test_guest_added_and_removed_get_request_and_cancel(seeded, as_role):
    c = as_role("secretaris")
    m = plan_meeting(meeting_type("tvo"), _day(), time(13, 30), send=False)
    db.session.commit()
    vt = person("veiligthuis@example.org")
    assert c.post(f"/overleggen/{m.id}/gasten", data={"person": str(vt.id)}).status_code == 302
    guest = db.session.scalar(select(Participant).where(Participant.person_id == vt.id))
    assert (guest.part, guest.from_roster) == ("guest", False)
    assert outbox_rows(m) == [(vt.email, "REQUEST", "guest_added")]
    page = c.get(f"/overleggen/{m.id}").get_data(as_text=True)
    assert "Lotte de Boer" in page and "Gast" in page
    assert c.post(f"/overleggen/{m.id}/gasten/{guest.id}/verwijderen").status_code == 302
    assert outbox_rows(m)[-1] == (vt.email, "CANCEL", "guest_removed")
    # A roster participant cannot be removed as guest.
    roster = next(p for p in m.participants if p.from_roster)
    c.post(f"/overleggen/{m.id}/gasten/{roster.id}/verwijderen")
    db.session.expire_all()
    assert db.session.get(Participant, roster.id) is not None


def test_participant_answers_in_the_app(app, seeded):

    m = plan_meeting(meeting_type("ovo"), _day(), time(10, 0), send=False)
    db.session.commit()
    c = demo_client(app, "wijkagent@example.org")
    page = c.get(f"/overleggen/{m.id}").get_data(as_text=True)
    assert "Uw antwoord" in page and "Onder voorbehoud" in page
    resp = c.post(f"/overleggen/{m.id}/antwoord", data={"rsvp": "misschien"})
    assert resp.status_code == 400
    assert "Kies komt, komt niet of onder voorbehoud." in resp.get_data(as_text=True)
    resp = c.post(
        f"/overleggen/{m.id}/antwoord", data={"rsvp": "onder_voorbehoud", "note": "Mogelijk later"}
    )
    assert resp.status_code == 302
    p = db.session.scalar(
        select(Participant).where(Participant.person_id == person("wijkagent@example.org").id)
    )
    assert (p.rsvp, p.rsvp_note) == ("onder_voorbehoud", "Mogelijk later")
    mine = c.get("/mijn-overleggen").get_data(as_text=True)
    assert "Onder voorbehoud" in mine and "Komende overleggen" in mine
    # The secretary sees the answer on the meeting page.
    sec = demo_client(app, "oov@example.org")
    page = sec.get(f"/overleggen/{m.id}").get_data(as_text=True)
    assert "Onder voorbehoud" in page and "Mogelijk later" in page


def test_attendance_for_all_participants_on_one_form(seeded, as_role):
    c = as_role("secretaris")
    future = plan_meeting(meeting_type("ovo"), _day(), time(10, 0), send=False)
    m = plan_meeting(
        meeting_type("ovo"), today_local() - timedelta(days=2), time(10, 0), send=False
    )
    db.session.commit()
    # One attendance screen: the old address leads to the top of the minutes.
    resp = c.get(f"/overleggen/{future.id}/aanwezigheid")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/overleggen/{future.id}/verslag#aanwezigheid")
    resp = c.get(f"/overleggen/{future.id}/verslag")
    assert resp.status_code == 200
    assert "vanaf het begin van het overleg" in resp.get_data(as_text=True)
    ps = sorted(m.participants, key=lambda p: p.id)
    incomplete = {f"aanwezigheid-{ps[0].id}": "aanwezig"}
    resp = c.post(f"/overleggen/{m.id}/aanwezigheid", data=incomplete)
    assert resp.status_code == 307  # passed on, with its form, to the one screen
    assert resp.headers["Location"].endswith(f"/overleggen/{m.id}/verslag/aanwezigheid")
    resp = c.post(f"/overleggen/{m.id}/verslag/aanwezigheid", data=incomplete)
    assert resp.status_code == 400
    assert "Kies aanwezig, afwezig met bericht of afwezig." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert all(p.attendance is None for p in m.participants)
    values = ["aanwezig", "afwezig_met_bericht", "afwezig"]
    data = {f"aanwezigheid-{p.id}": values[i] for i, p in enumerate(ps)}
    assert c.post(f"/overleggen/{m.id}/verslag/aanwezigheid", data=data).status_code == 302
    db.session.expire_all()
    assert [p.attendance for p in sorted(m.participants, key=lambda p: p.id)] == values
    page = c.get(f"/overleggen/{m.id}").get_data(as_text=True)
    assert "Afwezig met bericht" in page and "Aanwezigheid" in page
    bad = dict(data) | {f"aanwezigheid-{ps[0].id}": "ziek"}
    assert c.post(f"/overleggen/{m.id}/verslag/aanwezigheid", data=bad).status_code == 400


def test_meeting_page_queries_do_not_grow_with_participants(seeded, as_role, count_queries):
    c = as_role("secretaris")
    small = plan_meeting(meeting_type("ovo"), _day(), time(10, 0), send=False)
    big = plan_meeting(meeting_type("tvo"), _day(), time(14, 0), send=False)
    db.session.flush()
    for i in range(12):
        extra = make_person(f"gast{i}@example.org", name=f"Gast {i}")
        db.session.add(
            Participant(meeting=big, person=extra, part="guest", from_roster=False, rsvp="komt")
        )
    db.session.commit()
    small_url, big_url = f"/overleggen/{small.id}", f"/overleggen/{big.id}"
    c.get(small_url)  # warm up
    # each request as in production, on a session of its own: the test's session (which
    # its requests share) forgets what the warm-up loaded, the collections included
    db.session.expire_all()
    with count_queries() as q_small:
        assert c.get(small_url).status_code == 200
    db.session.expire_all()
    with count_queries() as q_big:
        html = c.get(big_url).get_data(as_text=True)
    assert "Gast 11" in html
    assert q_big.count == q_small.count, "\n---\n".join(
        q_small.statements + ["=====BIG"] + q_big.statements
    )


def test_planning_list_and_month_view(seeded, as_role):
    c = as_role("secretaris")
    plan_meeting(meeting_type("tvo"), date(2019, 3, 7), time(13, 30), send=False)
    plan_meeting(meeting_type("ovo"), date(2019, 3, 12), time(10, 0), send=False)
    db.session.commit()
    html = c.get("/planning?weergave=maand&maand=2019-03&overleg=tvo").get_data(as_text=True)
    assert "maart 2019" in html and "maandag" in html and "zondag" in html
    assert "13:30 TVO" in html and "10:00 OVO" not in html
    assert "maand=2019-02" in html and "maand=2019-04" in html
    allm = c.get("/planning?weergave=maand&maand=2019-03").get_data(as_text=True)
    assert "13:30 TVO" in allm and "10:00 OVO" in allm
    assert c.get("/planning?weergave=maand&maand=2019-13").status_code == 404
    assert c.get("/planning?overleg=bestaatniet").status_code == 404
    past = c.get("/planning?periode=eerder").get_data(as_text=True)
    assert "donderdag 7 maart 2019" in past and "dinsdag 12 maart 2019" in past
    nav = c.get("/").get_data(as_text=True)
    assert "Mijn overleggen" in nav and "Planning" in nav
    html = c.get("/planning").get_data(as_text=True)
    assert 'aria-current="page">Planning</a>' in html
    assert 'aria-current="page">Mijn overleggen</a>' not in html
    html = c.get("/mijn-overleggen").get_data(as_text=True)
    assert 'aria-current="page">Mijn overleggen</a>' in html
    assert 'aria-current="page">Planning</a>' not in html


def test_series_through_the_pages(seeded, as_role):
    c = as_role("secretaris")
    ovo = meeting_type("ovo")
    first = today_local() + timedelta(days=1)
    data = {
        "meeting_type": str(ovo.id),
        "frequency": "weekly",
        "interval": "2",
        "weekday": "1",
        "week_of_month": "1",
        "first_date": first.isoformat(),
        "start_time": "10:00",
        "duration_minutes": "90",
        "until_date": "",
        "occurrences": "",
        "location": "Politiebureau Hoogezand",
        "online_url": "",
    }
    resp = c.post("/planning/reeks/nieuw", data=data)
    assert resp.status_code == 400 and "Een reeks heeft een einde" in resp.get_data(as_text=True)
    far = (today_local() + timedelta(days=3 * 366 + 10)).isoformat()
    resp = c.post("/planning/reeks/nieuw", data=data | {"until_date": far})
    assert resp.status_code == 400 and "hoogstens drie jaar" in resp.get_data(as_text=True)
    assert _count(Meeting) == 0
    resp = c.post("/planning/reeks/nieuw", data=data | {"occurrences": "5"})
    assert resp.status_code == 302
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Elke 2 weken op dinsdag, 10:00 – 11:30" in page
    assert _count(Meeting) == 5
    series_url = resp.headers["Location"]
    resp = c.post(series_url + "/bewerken", data=data | {"occurrences": "5", "start_time": "09:30"})
    assert resp.status_code == 302
    times = {to_local(m.starts_at).strftime("%H:%M") for m in db.session.scalars(select(Meeting))}
    assert times == {"09:30"}


def test_forms_carry_the_csrf_token(csrf_app, seeded):
    import re

    from flask import g

    m = plan_meeting(meeting_type("ovo"), _day(), time(10, 0), send=False)
    db.session.commit()
    c = csrf_app.test_client()
    login_page = c.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert (
        c.post(
            "/inloggen",
            data={
                "email": "wijkagent@example.org",
                "csrf_token": token,
                "password": "Veilig-Overleg-2019",
            },
        ).status_code
        == 302
    )
    # The tests' app context outlives requests, so Flask-WTF's per-context token cache (g)
    # would keep the pre-login token; a real request starts without it.
    g.pop("csrf_token", None)
    page = c.get(f"/overleggen/{m.id}").get_data(as_text=True)
    assert c.post(f"/overleggen/{m.id}/antwoord", data={"rsvp": "komt"}).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = c.post(f"/overleggen/{m.id}/antwoord", data={"rsvp": "komt", "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)


def test_moving_a_meeting_to_another_day_re_resolves_the_roster(seeded, as_role):
    from overleg.domain.meetings import update_meeting
    from overleg.models import Unavailability

    m = plan_meeting(meeting_type("driehoek"), _day(10), time(16, 0), send=False)
    db.session.add(
        Unavailability(
            person=person("burgemeester@example.org"), start_date=_day(20), end_date=_day(22)
        )
    )
    db.session.commit()
    update_meeting(
        m, _day(21), time(16, 0), time(17, 30), location=m.location, online_url=None, remarks=None
    )
    db.session.commit()
    chair = next(p for p in m.participants if p.part == "chair")
    assert chair.person.email == "locoburgemeester@example.org"
    rows = outbox_rows(m)
    assert ("locoburgemeester@example.org", "REQUEST", "invitation") in rows
    assert ("burgemeester@example.org", "CANCEL", "absence_removed") in rows
    assert ("ovj@example.org", "REQUEST", "update") in rows
    assert ("locoburgemeester@example.org", "REQUEST", "update") not in rows


# --- planning defaults, held meetings, the menu, Dutch dates (a first-time user's review) ------


def _input_value(html, name):
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def _current_menu_items(html):
    return re.findall(r'aria-current="page">([^<]+)</a>\s*</li>', html)


# --- planning: defaults from the chosen body, not from the first one ----------------------


def test_new_meeting_takes_place_and_duration_of_the_chosen_body(seeded, as_role):
    c = as_role("secretaris")
    html = get_page(c, "/planning/nieuw")
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
    html = get_page(c, "/planning/nieuw?overleg=tvo")
    assert _input_value(html, "location") == tvo.default_location
    assert f'<option selected value="{tvo.id}">' in html
    assert f"Nu ingevuld met die van {tvo.name}" in html
    planning = get_page(c, "/planning")
    for code in ("driehoek", "po", "tvo", "ovo"):
        assert f'href="/planning/nieuw?overleg={code}"' in planning
    # The series form, too: empty place and duration unless opened for a body.
    html = get_page(c, "/planning/reeks/nieuw")
    assert _input_value(html, "location") == "" and _input_value(html, "duration_minutes") == ""
    html = get_page(c, "/planning/reeks/nieuw?overleg=ovo")
    assert _input_value(html, "location") == meeting_type("ovo").default_location


# --- held meetings ------------------------------------------------------------------------


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
    sec = demo_client(app, "oov@example.org")
    page = get_page(sec, f"/overleggen/{held.id}")
    assert "Geweest" in page and ">Gepland<" not in page
    assert "Aanwezigheid vastleggen" in page
    assert f"/overleggen/{held.id}/annuleren" not in page and "Gast toevoegen" not in page
    page = get_page(sec, f"/overleggen/{coming.id}")
    assert ">Gepland<" in page and f"/overleggen/{coming.id}/annuleren" in page
    assert "Gast toevoegen" in page and "Aanwezigheid vastleggen" not in page
    past_list = get_page(sec, "/planning?periode=eerder")
    assert "Geweest" in past_list and ">Gepland<" not in past_list
    # A participant: no answer form on a held meeting, "Geweest" in Mijn overleggen.
    agent = demo_client(app, "wijkagent@example.org")
    page = get_page(agent, f"/overleggen/{held.id}")
    assert "Geweest" in page and "Antwoord opslaan" not in page
    assert "Antwoord opslaan" in get_page(agent, f"/overleggen/{coming.id}")
    mine = get_page(agent, "/mijn-overleggen")
    assert mine.count(">Geweest<") == 1 and mine.count(">Gepland<") == 1


def test_server_refuses_cancel_answer_and_guest_on_a_held_meeting(seeded, app):
    held, _ = _held_and_coming()
    sec = demo_client(app, "oov@example.org")
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
    agent = demo_client(app, "wijkagent@example.org")
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
    agent = demo_client(app, "wijkagent@example.org")
    resp = agent.post(f"/overleggen/{coming.id}/antwoord", data={"rsvp": "komt"})
    assert resp.status_code == 400
    assert "Dit overleg is geannuleerd; een antwoord is niet meer nodig." in resp.get_data(
        as_text=True
    )


# --- the menu's current item --------------------------------------------------------------


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
    sec = demo_client(app, "oov@example.org")
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
    admin = demo_client(app, "beheerder@example.org")
    assert _current_menu_items(get_page(admin, "/beheer/bewaartermijnen")) == ["Bewaartermijnen"]
    agent = demo_client(app, "wijkagent@example.org")
    assert _current_menu_items(get_page(agent, f"/overleggen/{held.id}")) == ["Mijn overleggen"]
    assert _current_menu_items(get_page(agent, f"/overleggen/{held.id}/verslag")) == ["Verslagen"]


# --- Dutch dates, time ranges and plurals -------------------------------------------------

NUMERIC_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b")


def test_outbox_dates_are_written_out(seeded, as_role):
    plan_meeting(meeting_type("ovo"), today_local() + timedelta(days=7), time(10, 0))
    db.session.commit()
    msg = db.session.scalars(select(OutboxMessage)).first()
    html = get_page(as_role("secretaris"), "/uitgaande-post/")
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
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "1 deelnemer krijgt bericht" in html and "(s)" not in html
    m1 = minutes_of(first)
    resp = sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m1.id}", follow_redirects=True)
    assert resp.status_code == 200
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
    ):
        html = get_page(c, url)
        assert "13:30 – 15:30" in html and "13:30–15:30" not in html, url
        assert '<link rel="icon" href="data:,">' in html


# --- the online link is an http(s) link -------------------------------------------------------
# It is rendered as <a href="..."> on the meeting page for every participant; a script scheme
# would run in their browser.


@pytest.mark.parametrize(
    "link",
    [
        "javascript://meet.example.org/%0aalert(document.cookie)",
        "data://example.org/text/html,<script>alert(1)</script>",
        "vbscript://example.org/x",
    ],
)
def test_online_link_with_a_script_scheme_is_refused(seeded, as_role, link):
    c = as_role("secretaris")
    tvo = meeting_type("tvo")
    resp = c.post(
        "/planning/nieuw", data=_plan_form(tvo, _day(), location="Gemeentehuis", online_url=link)
    )
    assert resp.status_code == 400
    assert _count(Meeting) == 0
    # the same form with an https link plans the meeting and shows the link
    https = "https://meet.example.org/tvo-overleg"
    resp = c.post(
        "/planning/nieuw", data=_plan_form(tvo, _day(), location="Gemeentehuis", online_url=https)
    )
    assert resp.status_code == 302
    assert f'href="{https}"' in get_page(c, resp.headers["Location"])


# --- hostile input (found by tests/test_fuzz.py; issue 8) -----------------------------------


def test_month_view_at_the_edges_of_the_calendar_is_not_found_not_an_error(seeded, as_role):
    c = as_role("secretaris")
    for month in ("9999-12", "0001-01", "1-1", "1999-12", "2100-01"):
        resp = c.get(f"/planning?weergave=maand&maand={month}")
        assert resp.status_code == 404, month
        assert "niet gevonden" in resp.get_data(as_text=True).lower(), month
    # The first and last months of the calendar are shown, with their neighbours linked.
    for month, label in (("2000-01", "januari 2000"), ("2099-12", "december 2099")):
        resp = c.get(f"/planning?weergave=maand&maand={month}")
        assert resp.status_code == 200, month
        assert label in resp.get_data(as_text=True)


def test_an_hour_that_does_not_exist_in_amsterdam_is_refused_in_dutch(seeded, as_role):
    c = as_role("secretaris")
    # Sunday 28 March 2027: the clock goes from 02:00 straight to 03:00.
    resp = c.post(
        "/planning/nieuw",
        data=_plan_form(meeting_type("tvo"), date(2027, 3, 28), "02:30", "03:30", confirm="y"),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert (
        "02:30 bestaat niet op zondag 28 maart 2027: die nacht gaat de klok om 02:00 een uur "
        "vooruit naar 03:00 (zomertijd)."
    ) in html
    assert 'id="start-error"' in html
    assert _count(Meeting) == 0
    # 03:30 does exist that night: the same meeting from 03:30 is planned.
    resp = c.post(
        "/planning/nieuw",
        data=_plan_form(meeting_type("tvo"), date(2027, 3, 28), "03:30", "04:30", confirm="y"),
    )
    assert resp.status_code == 302
    assert to_local(db.session.scalar(select(Meeting.starts_at))).strftime("%H:%M") == "03:30"


def test_a_date_in_year_one_is_refused_in_dutch(seeded, as_role):
    c = as_role("secretaris")
    for day in (date(1, 1, 1), date(9999, 12, 31)):
        resp = c.post(
            "/planning/nieuw", data=_plan_form(meeting_type("tvo"), day, "10:00", confirm="y")
        )
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, day
        assert "Kies een datum tussen 1 januari 2000 en 31 december 2099." in html
        assert 'id="day-error"' in html
    assert _count(Meeting) == 0


def test_the_autumn_hour_that_happens_twice_means_its_first_occurrence(seeded, as_role):
    """Rule (overleg/timeutil.py local_to_utc): 02:30 on the last Sunday of October is the
    first 02:30, still summer time (UTC+2)."""
    c = as_role("secretaris")
    form = _plan_form(meeting_type("tvo"), date(2027, 10, 31), "02:30", "03:30")
    resp = c.post("/planning/nieuw", data=form)
    assert resp.status_code == 400
    assert (
        "02:30 komt op zondag 31 oktober 2027 twee keer voor: om 03:00 gaat de klok terug naar "
        "02:00 (wintertijd). Overleg neemt de eerste keer, nog zomertijd."
    ) in resp.get_data(as_text=True)
    assert _count(Meeting) == 0
    resp = c.post("/planning/nieuw", data=form | {"confirm": "y"})
    assert resp.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at == datetime(2027, 10, 31, 0, 30)  # naive UTC
    assert meeting.ends_at == datetime(2027, 10, 31, 2, 30)  # 03:30 winter time
    page = c.get(f"/overleggen/{meeting.id}").get_data(as_text=True)
    assert "02:30" in page and "03:30" in page


def test_a_line_break_in_the_online_link_is_refused(seeded, as_role):
    c = as_role("secretaris")
    for link in ("https://meet.example.org/tvo\r\nBcc: x@example.org", "https://x.org/\n"):
        resp = c.post(
            "/planning/nieuw",
            data=_plan_form(meeting_type("tvo"), _day(), "10:00", online_url=link),
        )
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400
        assert "Gebruik in dit veld geen regeleinden, tabs of andere stuurtekens." in html
        assert 'id="online_url-error"' in html
    assert _count(Meeting) == 0
    resp = c.post(
        "/planning/nieuw",
        data=_plan_form(meeting_type("tvo"), _day(), "10:00", online_url="https://x.org/tvo"),
    )
    assert resp.status_code == 302
    assert db.session.scalar(select(Meeting.online_url)) == "https://x.org/tvo"


def test_the_dst_rule_in_plain_functions():
    from overleg.timeutil import local_time_exists, local_time_is_ambiguous, local_to_utc

    spring, autumn = date(2027, 3, 28), date(2027, 10, 31)
    assert not local_time_exists(spring, time(2, 0)) and not local_time_exists(spring, time(2, 59))
    assert local_time_exists(spring, time(1, 59)) and local_time_exists(spring, time(3, 0))
    assert local_time_exists(autumn, time(2, 30))
    assert local_time_is_ambiguous(autumn, time(2, 30))
    assert not local_time_is_ambiguous(autumn, time(3, 0))
    assert not local_time_is_ambiguous(spring, time(2, 30))
    assert local_to_utc(autumn, time(2, 30)) == datetime(2027, 10, 31, 0, 30)  # first: CEST
    assert local_to_utc(autumn, time(3, 0)) == datetime(2027, 10, 31, 2, 0)  # CET
