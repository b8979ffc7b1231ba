"""Action items: carried to the actielijst of every next meeting of the body until closed
there, overdue flags, "Mijn actiepunten" and the register per body."""

from __future__ import annotations

from datetime import date, timedelta

from overleg.domain import actions as da
from overleg.extensions import db
from overleg.models import Organisation
from overleg.timeutil import today_local
from tests.conftest import get_page, login, make_person
from tests.factories import make_meeting
from tests.minutes_support import item_of, past_meeting


def test_open_actions_carried_to_every_next_meeting_until_closed(seeded, people, as_role):
    sec = as_role("secretaris")
    owner = people["deelnemer"]
    m1 = make_meeting("tvo", day=date(2019, 1, 15))
    m2 = make_meeting("tvo", day=date(2019, 2, 12))
    m3 = make_meeting("tvo", day=date(2019, 3, 12))
    m4 = make_meeting("tvo", day=date(2019, 4, 9))
    ovo = make_meeting("ovo", day=date(2019, 2, 13))
    action = da.add_action(
        m1,
        item_of(m1, "mededelingen"),
        "Plan van aanpak opstellen",
        owner_person=owner,
        due_date=date(2019, 2, 28),
    )
    db.session.commit()
    assert [a.id for a in da.carried_actions(m1)] == []
    assert [a.id for a in da.carried_actions(m2)] == [action.id]
    assert [a.id for a in da.carried_actions(m3)] == [action.id]
    assert da.carried_actions(ovo) == []  # another body
    # It appears under the actielijst item of the next meetings' minutes
    for m in (m2, m3):
        html = sec.get(f"/overleggen/{m.id}/verslag").get_data(as_text=True)
        start = html.index(f'id="punt-{item_of(m, "actielijst").id}"')
        assert "Plan van aanpak opstellen" in html[start : start + 4000]
    # Closed at the third meeting: still listed there (as closed), gone from the fourth
    resp = sec.post(
        f"/overleggen/{m3.id}/verslag/actiepunten/{action.id}/afronden",
        data={"note": "Plan is klaar"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert action.status == "afgerond" and action.closed_in_meeting_id == m3.id
    assert [a.id for a in da.carried_actions(m3)] == [action.id]
    assert da.carried_actions(m4) == []
    # History stays right: at the second meeting it was still open
    assert da.open_at(action, m2)
    html = sec.get(f"/overleggen/{m4.id}/verslag").get_data(as_text=True)
    assert "Plan van aanpak opstellen" not in html
    # Cannot be closed at an earlier meeting or at another body
    other = da.add_action(m3, None, "Nog iets", owner_person=owner)
    db.session.commit()
    assert (
        sec.post(f"/overleggen/{m2.id}/verslag/actiepunten/{other.id}/afronden").status_code == 400
    )
    assert (
        sec.post(f"/overleggen/{ovo.id}/verslag/actiepunten/{other.id}/afronden").status_code == 404
    )


def test_overdue_flags(seeded, people, as_role):
    sec = as_role("secretaris")
    owner = people["deelnemer"]
    today = today_local()
    m1 = past_meeting("tvo", 40)
    m2 = past_meeting("tvo", 2)
    late = da.add_action(
        m1, None, "Te laat actiepunt", owner_person=owner, due_date=today - timedelta(days=10)
    )
    fine = da.add_action(
        m1, None, "Op tijd actiepunt", owner_person=owner, due_date=today + timedelta(days=10)
    )
    nodate = da.add_action(m1, None, "Zonder datum", owner_person=owner)
    db.session.commit()
    assert late.is_overdue(today) and not fine.is_overdue(today) and not nodate.is_overdue(today)
    # At the meeting (its date) and in the register (today)
    html = get_page(sec, f"/overleggen/{m2.id}/verslag")
    row = html[html.index("Te laat actiepunt") :][:600]
    assert "Verlopen" in row
    assert "Verlopen" not in html[html.index("Op tijd actiepunt") :][:600]
    html = get_page(sec, "/actiepunten/tvo?status=verlopen")
    assert "Te laat actiepunt" in html and "Op tijd actiepunt" not in html
    # Closed actions are never overdue
    da.close_action(late, m2)
    db.session.commit()
    assert not late.is_overdue(today)


def test_my_actions_and_the_register(seeded, people, app):
    org = Organisation(name="Woningcorporatie Test", kind="overig")
    db.session.add(org)
    me = make_person("eigenaar@test.example.org", organisation=org)
    colleague = make_person("collega@test.example.org", organisation=org)
    m1 = past_meeting("tvo", 30, [(me, "member")])
    m2 = past_meeting("ovo", 20)
    da.add_action(m1, None, "Mijn eigen actie", owner_person=me, due_date=date(2019, 1, 1))
    da.add_action(m1, None, "Actie van de organisatie", owner_organisation=org)
    da.add_action(m1, None, "Actie van iemand anders", owner_person=colleague)
    da.add_action(m2, None, "Actie in ander overleg", owner_person=colleague)
    from overleg.domain import minutes as dmin

    for m in (m1, m2):  # actions reach participants once their minutes are sent
        dmin.send_for_approval(dmin.ensure_minutes(m))
    db.session.commit()
    c = app.test_client()
    login(c, me.email)
    html = get_page(c, "/mijn-actiepunten")
    assert "Mijn eigen actie" in html and "Verlopen" in html
    assert "Actie van de organisatie" in html
    assert "Actie van iemand anders" not in html
    assert "Mijn actiepunten" in html  # in the navigation
    # Register: only meetings the person takes part in
    html = get_page(c, "/actiepunten/tvo")
    assert "Actie van iemand anders" in html and "Mijn eigen actie" in html
    # ... and a body one does not sit in has no register for that person at all
    resp = c.get("/actiepunten/ovo")
    assert resp.status_code == 404
    assert "Actie in ander overleg" not in resp.get_data(as_text=True)
    secretary = app.test_client()
    login(secretary, people["secretaris"].email)
    assert "Actie in ander overleg" in get_page(secretary, "/actiepunten/ovo")


def test_action_needs_an_owner(seeded):
    m = past_meeting("tvo", 3)
    import pytest

    with pytest.raises(da.ActionError) as exc:
        da.add_action(m, None, "Zonder eigenaar")
    assert "Kies wie het actiepunt uitvoert" in str(exc.value)


def test_open_actions_partial_for_the_agenda(seeded, people, app):
    """The agenda (page or PDF) shows the open actions under its actielijst item through
    minutes/_agenda_actions.html; overdue ones flagged."""
    from flask import render_template_string
    from flask_login import login_user

    m1 = make_meeting("tvo", day=date(2019, 1, 15))
    m2 = make_meeting("tvo", day=date(2019, 2, 12))
    da.add_action(
        m1,
        None,
        "Open actie voor de agenda",
        owner_person=people["deelnemer"],
        due_date=date(2019, 2, 1),
    )
    closed = da.add_action(m1, None, "Al afgerond", owner_person=people["deelnemer"])
    da.close_action(closed, m1)
    db.session.commit()
    with app.test_request_context():
        login_user(people["secretaris"])
        html = render_template_string('{% include "minutes/_agenda_actions.html" %}', meeting=m2)
    assert "Open actie voor de agenda" in html and "verlopen" in html
    assert "Al afgerond" not in html


def test_open_actions_on_the_next_agenda_page_and_pdf(seeded, people, as_role):
    from tests.minutes_support import pdf_text

    sec = as_role("secretaris")
    m1 = past_meeting("tvo", 30)
    m2 = make_meeting("tvo", day=today_local() + timedelta(days=10))
    da.add_action(
        m1,
        item_of(m1, "mededelingen"),
        "Buurtbemiddeling inschakelen",
        owner_person=people["deelnemer"],
        due_date=today_local() - timedelta(days=3),
    )
    db.session.commit()
    html = sec.get(f"/overleggen/{m2.id}/agenda").get_data(as_text=True)
    start = html.index(f'id="punt-{item_of(m2, "actielijst").id}"')
    section = html[start : start + 4000]
    assert "Buurtbemiddeling inschakelen" in section
    assert "verlopen" in section
    resp = sec.get(f"/overleggen/{m2.id}/agenda.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(" ".join(pdf_text(resp.data)).split())
    assert "Buurtbemiddeling inschakelen" in text, text
