""" "Mijn actiepunten": the owner named on an action closes it between meetings with a short
note (or the secretary does); nobody else may. Who closed it and when shows on the next
meeting's actielijst as "afgerond door X op <datum>", no longer as open."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest

from overleg.domain import actions as da
from overleg.extensions import db
from overleg.models import Organisation
from overleg.timeutil import nl_date, today_local, utcnow
from tests.conftest import assert_audit, login, make_person
from tests.factories import make_meeting, publish
from tests.minutes_support import item_of

WHAT = "Plan van aanpak winkelcentrum opstellen"


def _client(app, person):
    c = app.test_client()
    assert login(c, person.email).status_code == 302
    return c


@pytest.fixture
def setup(seeded, people):
    owner = people["deelnemer"]
    colleague = make_person("collega@test.example.org", "deelnemer", "Cora Collega")
    held = make_meeting(
        "tvo",
        today_local() - timedelta(days=14),
        time(10, 0),
        participants=[(owner, "member"), (colleague, "member")],
    )
    upcoming = make_meeting(
        "tvo",
        today_local() + timedelta(days=14),
        time(10, 0),
        participants=[(owner, "member"), (colleague, "member")],
    )
    later = make_meeting(
        "tvo",
        today_local() + timedelta(days=42),
        time(10, 0),
        participants=[(owner, "member"), (colleague, "member")],
    )
    action = da.add_action(
        held,
        item_of(held, "mededelingen"),
        WHAT,
        owner_person=owner,
        due_date=today_local() + timedelta(days=7),
    )
    from overleg.domain import minutes as dmin

    # actions reach participants once the minutes they were made in are sent
    dmin.send_for_approval(dmin.ensure_minutes(held))
    db.session.commit()
    return dict(
        owner=owner, colleague=colleague, held=held, upcoming=upcoming, later=later, action=action
    )


def _actielijst(html: str, meeting) -> str:
    start = html.index(f'id="punt-{item_of(meeting, "actielijst").id}"')
    return html[start : html.index("</li>", start)]


def test_owner_closes_own_action_and_next_agenda_shows_who(app, setup, as_role, people):
    s = setup
    action, owner = s["action"], s["owner"]
    c = _client(app, owner)
    html = c.get("/mijn-actiepunten").get_data(as_text=True)
    assert WHAT in html
    assert f'action="/actiepunten/{action.id}/afronden"' in html
    # before: open on the next meeting's actielijst
    sec = as_role("secretaris")
    block = _actielijst(
        sec.get(f"/overleggen/{s['upcoming'].id}/agenda").get_data(as_text=True), s["upcoming"]
    )
    assert WHAT in block and "afgerond door" not in block

    resp = c.post(f"/actiepunten/{action.id}/afronden", data={"note": "Plan ligt bij de OOV"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/mijn-actiepunten")
    html = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Het actiepunt is afgerond." in html
    db.session.expire_all()
    assert action.status == "afgerond" and action.closed_in_meeting_id is None
    assert action.closed_at is not None and action.closing_note == "Plan ligt bij de OOV"
    assert_audit(
        "action_closed", object_type="action_item", object_id=action.id, person_id=owner.id
    )
    # no longer among the open actions; shown with the closed ones
    assert WHAT not in c.get("/mijn-actiepunten").get_data(as_text=True)
    html = c.get("/mijn-actiepunten?afgerond=1").get_data(as_text=True)
    today = nl_date(utcnow(), "long")
    assert WHAT in html and f"afgerond door {owner.name} op {today}" in html

    # the next meeting's actielijst: not open, but "afgerond door X op <datum>"
    expected = f"afgerond door {owner.name} op {today}"
    for client in (sec, c):
        publish(s["upcoming"])
        block = _actielijst(
            client.get(f"/overleggen/{s['upcoming'].id}/agenda").get_data(as_text=True),
            s["upcoming"],
        )
        assert "Er staan geen actiepunten open." in block
        assert WHAT in block and expected in block
    # and in the agenda PDF, which prints the same actielijst
    import io

    from pypdf import PdfReader

    pdf = c.get(f"/overleggen/{s['upcoming'].id}/agenda.pdf")
    assert pdf.status_code == 200
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    )
    assert f"afgerond door {owner.name}" in text
    assert [a.id for a in da.carried_actions(s["upcoming"])] == [action.id]
    assert not da.open_at(action, s["upcoming"])
    assert da.open_at(action, s["held"])  # it was open when that meeting began
    # and gone from the meeting after that
    assert da.carried_actions(s["later"]) == []
    block = _actielijst(
        sec.get(f"/overleggen/{s['later'].id}/agenda").get_data(as_text=True), s["later"]
    )
    assert WHAT not in block
    # closing twice is refused with a message
    resp = c.post(f"/actiepunten/{action.id}/afronden", data={"note": ""}, follow_redirects=True)
    assert "Dit actiepunt is al afgerond." in resp.get_data(as_text=True)


def test_another_participant_may_not_close(app, setup):
    s = setup
    c = _client(app, s["colleague"])
    assert (
        c.post(f"/actiepunten/{s['action'].id}/afronden", data={"note": "klaar"}).status_code == 404
    )
    assert c.post("/actiepunten/999999/afronden", data={}).status_code == 404
    db.session.expire_all()
    assert s["action"].status == "open"
    # anonymous: refused before the view
    assert app.test_client().post(f"/actiepunten/{s['action'].id}/afronden").status_code == 401


def test_secretary_closes_between_meetings(app, setup, as_role, people):
    s = setup
    resp = as_role("secretaris").post(f"/actiepunten/{s['action'].id}/afronden", data={})
    assert resp.status_code == 302
    db.session.expire_all()
    assert s["action"].status == "afgerond" and s["action"].closing_note is None
    assert s["action"].closed_by.id == people["secretaris"].id


def test_organisation_action_is_closed_by_the_secretary_only(app, setup):
    s = setup
    org = Organisation(name="Politie Basisteam Testland", kind="politie")
    db.session.add(org)
    s["colleague"].organisation = org
    db.session.commit()
    action = da.add_action(s["held"], None, "Extra surveillance", owner_organisation=org)
    db.session.commit()
    c = _client(app, s["colleague"])
    html = c.get("/mijn-actiepunten").get_data(as_text=True)
    assert "Extra surveillance" in html
    assert f"/actiepunten/{action.id}/afronden" not in html
    assert c.post(f"/actiepunten/{action.id}/afronden").status_code == 404


def test_note_too_long_is_refused_in_dutch(app, setup):
    c = _client(app, setup["owner"])
    resp = c.post(f"/actiepunten/{setup['action'].id}/afronden", data={"note": "x" * 1001})
    assert resp.status_code == 303
    html = c.get("/mijn-actiepunten").get_data(as_text=True)
    assert re.search(r"hoogstens 1000 tekens", html)
    db.session.expire_all()
    assert setup["action"].status == "open"


def test_close_requires_csrf_token(csrf_app, setup):
    c = csrf_app.test_client()
    page = c.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    from tests.conftest import TEST_PASSWORD

    assert (
        c.post(
            "/inloggen",
            data={"email": setup["owner"].email, "password": TEST_PASSWORD, "csrf_token": token},
        ).status_code
        == 302
    )
    assert (
        c.post(f"/actiepunten/{setup['action'].id}/afronden", data={"note": "klaar"}).status_code
        == 400
    )
    db.session.expire_all()
    assert setup["action"].status == "open"
