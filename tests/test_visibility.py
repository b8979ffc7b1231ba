"""Who sees which meeting: one rule, used by every page and list."""

from datetime import time, timedelta

from overleg.domain.meetings import plan_meeting
from overleg.domain.policy import can_see_meeting, visible_meetings
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import get_page, login
from tests.factories import meeting_type, person

PASSWORD = "Veilig-Overleg-2019"


def _plan(code, days=7):
    m = plan_meeting(
        meeting_type(code), today_local() + timedelta(days=days), time(10, 0), send=False
    )
    db.session.commit()
    return m


def _client(app, email):
    c = app.test_client()
    assert login(c, email, PASSWORD).status_code == 302
    return c


def test_visible_meetings_rule(seeded, people):
    driehoek, ovo = _plan("driehoek"), _plan("ovo", 8)
    wijkagent = person("wijkagent@example.org")

    def ids(who):
        return {m.id for m in db.session.scalars(visible_meetings(who))}

    assert ids(wijkagent) == {ovo.id}
    assert ids(person("burgemeester@example.org")) == {driehoek.id}
    assert ids(person("oov@example.org")) == {driehoek.id, ovo.id}  # secretaris
    assert ids(people["beheerder"]) == {driehoek.id, ovo.id}
    assert ids(people["deelnemer"]) == set()
    assert not can_see_meeting(wijkagent, driehoek) and can_see_meeting(wijkagent, ovo)
    assert not can_see_meeting(None, ovo)


def test_wijkagent_gets_404_and_finds_driehoek_nowhere(app, seeded):
    driehoek = _plan("driehoek")
    driehoek.remarks = "Geheim-overleg-XYZ"
    past = plan_meeting(
        meeting_type("driehoek"),
        today_local() - timedelta(days=20),
        time(16, 0),
        remarks="Geheim-overleg-XYZ",
        send=False,
    )
    ovo = _plan("ovo", 9)
    db.session.commit()
    c = _client(app, "wijkagent@example.org")
    for m in (driehoek, past):
        for url in (
            f"/overleggen/{m.id}",
            f"/overleggen/{m.id}/bewerken",
            f"/overleggen/{m.id}/aanwezigheid",
        ):
            resp = c.get(url)
            # the meeting page: not found; the secretary's pages: refused by their rule
            assert resp.status_code == (404 if url == f"/overleggen/{m.id}" else 403), url
            assert "Driehoeksoverleg" not in resp.get_data(as_text=True)
        assert c.get(f"/overleggen/{m.id}").status_code == 404
        assert c.post(f"/overleggen/{m.id}/antwoord", data={"rsvp": "komt"}).status_code == 404
    mine = get_page(c, "/mijn-overleggen")
    assert "Operationeel Veiligheidsoverleg" in mine
    assert "Driehoeksoverleg" not in mine and "Geheim-overleg-XYZ" not in mine
    assert c.get(f"/overleggen/{ovo.id}").status_code == 200
    # The planning pages (all meetings) are for secretaries only.
    assert c.get("/planning").status_code == 403
    assert c.get("/planning?weergave=maand").status_code == 403
    home = get_page(c, "/")
    assert "Driehoeksoverleg" not in home
    # the burgemeester, who chairs it, finds the Driehoek on the same pages
    chair = _client(app, "burgemeester@example.org")
    assert "Driehoeksoverleg" in get_page(chair, "/mijn-overleggen")
    assert "Driehoeksoverleg" in get_page(chair, "/")
    assert "Geheim-overleg-XYZ" in get_page(chair, f"/overleggen/{driehoek.id}")


def test_guest_sees_the_meeting_only_while_invited(app, seeded):
    driehoek = _plan("driehoek")
    c = _client(app, "ovj.cybercrime@example.org")
    assert c.get(f"/overleggen/{driehoek.id}").status_code == 404
    sec = _client(app, "oov@example.org")
    cyber = person("ovj.cybercrime@example.org")
    assert (
        sec.post(f"/overleggen/{driehoek.id}/gasten", data={"person": str(cyber.id)}).status_code
        == 302
    )
    assert c.get(f"/overleggen/{driehoek.id}").status_code == 200
    assert "Driehoeksoverleg" in c.get("/mijn-overleggen").get_data(as_text=True)
    guest = next(p for p in driehoek.participants if p.person_id == cyber.id)
    assert sec.post(f"/overleggen/{driehoek.id}/gasten/{guest.id}/verwijderen").status_code == 302
    assert c.get(f"/overleggen/{driehoek.id}").status_code == 404
    assert "Driehoeksoverleg" not in c.get("/mijn-overleggen").get_data(as_text=True)
