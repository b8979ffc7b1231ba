"""The home page: the person's next meetings, body cards linking to that body's meetings,
a constant number of queries; and "Mijn overleggen" filtered by body."""

from datetime import time, timedelta

from overleg.domain.meetings import plan_meeting
from overleg.extensions import db
from overleg.models import Participant
from overleg.timeutil import nl_date, today_local, utcnow
from tests.conftest import demo_client as _client
from tests.conftest import get_page, make_person
from tests.factories import meeting_type, person


def _plan(code, days, at=time(10, 0)):
    m = plan_meeting(meeting_type(code), today_local() + timedelta(days=days), at, send=False)
    db.session.commit()
    return m


def _upcoming_section(html):
    start = html.index("Komende overleggen")
    return html[start : html.index("Uw overleggen", start)]


def test_home_lists_the_next_five_visible_meetings(seeded, app):
    ovo = [_plan("ovo", d) for d in (14, 2, 7, 21, 28, 35)]  # six coming OVO meetings
    held = _plan("ovo", -7)
    cancelled = _plan("ovo", 1)
    cancelled.status = "geannuleerd"
    driehoek = _plan("driehoek", 3, time(16, 0))  # not the wijkagent's
    db.session.commit()
    mine = next(p for p in ovo[1].participants if p.person_id == person("wijkagent@example.org").id)
    mine.rsvp = "komt"
    db.session.commit()
    html = get_page(_client(app, "wijkagent@example.org"), "/")
    section = _upcoming_section(html)
    first_five = sorted(ovo, key=lambda m: m.starts_at)[:5]
    for m in first_five:
        assert f'href="/overleggen/{m.id}"' in section
        assert nl_date(m.starts_at) in section
    last = max(ovo, key=lambda m: m.starts_at)
    for m in (last, held, cancelled, driehoek):
        assert f'href="/overleggen/{m.id}"' not in section
    assert "Driehoeksoverleg" not in html
    assert "10:00 – 11:30" in section and "Operationeel Veiligheidsoverleg" in section
    assert meeting_type("ovo").default_location in section
    assert ">Komt<" in section and "Nog geen antwoord" in section
    # The body card leads to that body's meetings in "Mijn overleggen".
    assert 'href="/mijn-overleggen?overleg=ovo"' in html


def test_home_for_a_secretary_links_bodies_to_the_planning(seeded, app):
    _plan("tvo", 5, time(13, 30))
    html = _client(app, "oov@example.org").get("/").get_data(as_text=True)
    assert 'href="/planning?overleg=tvo"' in html and 'href="/planning?overleg=ovo"' in html
    assert "13:30 – 15:30" in _upcoming_section(html)


def test_home_without_meetings_says_so(seeded, app, people):
    from tests.conftest import login

    c = app.test_client()
    login(c, people["deelnemer"].email)
    html = c.get("/").get_data(as_text=True)
    assert "U heeft geen komende overleggen." in html


def test_home_queries_do_not_grow_with_meetings(seeded, app, count_queries):
    c = _client(app, "wijkagent@example.org")
    _plan("ovo", 3)
    c.get("/")  # warm up
    with count_queries() as one:
        assert c.get("/").status_code == 200
    for d in (5, 9, 12, 16, 19, 23):
        m = _plan("ovo", d)
        for i in range(3):
            guest = make_person(f"gast{d}-{i}@example.org", name=f"Gast {d} {i}")
            db.session.add(Participant(meeting=m, person=guest, part="guest", from_roster=False))
    db.session.commit()
    with count_queries() as many:
        html = c.get("/").get_data(as_text=True)
    assert _upcoming_section(html).count('href="/overleggen/') == 5
    assert many.count == one.count, "\n---\n".join(one.statements + ["=====MANY"] + many.statements)


def test_my_meetings_filtered_by_body(seeded, app):
    ovo = _plan("ovo", 4)
    tvo = _plan("tvo", 5, time(13, 30))
    c = _client(app, "specialist@example.org")  # in the rosters of both TVO and OVO
    all_html = c.get("/mijn-overleggen").get_data(as_text=True)
    assert f'href="/overleggen/{ovo.id}"' in all_html and f'href="/overleggen/{tvo.id}"' in all_html
    html = c.get("/mijn-overleggen?overleg=tvo").get_data(as_text=True)
    assert f'href="/overleggen/{tvo.id}"' in html
    assert f'href="/overleggen/{ovo.id}"' not in html
    assert (
        "Mijn overleggen: Tactisch Veiligheidsoverleg" in html and "Alle overleggen tonen" in html
    )
    assert c.get("/mijn-overleggen?overleg=bestaatniet").status_code == 404


def test_my_meetings_are_paged_ten_at_a_time_soonest_first(seeded, app):
    """Twelve coming meetings: ten on the first page, soonest first; Volgende shows the two
    later ones and leads back with Vorige."""
    planned = [_plan("ovo", 2 + k) for k in range(12)]
    c = _client(app, "specialist@example.org")
    html = get_page(c, "/mijn-overleggen")
    coming = html.split("Komende overleggen</h2>")[1].split("Eerdere overleggen</h2>")[0]
    shown = [m for m in planned if f'href="/overleggen/{m.id}"' in coming]
    assert shown == planned[:10]
    assert coming.index(f"/overleggen/{planned[0].id}") < coming.index(
        f"/overleggen/{planned[9].id}"
    )
    link = coming.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    later = get_page(c, link).split("Komende overleggen</h2>")[1].split("Eerdere")[0]
    assert f'href="/overleggen/{planned[10].id}"' in later
    assert f'href="/overleggen/{planned[11].id}"' in later
    assert f'href="/overleggen/{planned[0].id}"' not in later
    assert 'rel="prev"' in later
    assert c.get("/mijn-overleggen?komend=onzin").status_code == 400


def test_home_shows_the_meeting_under_way_and_not_the_one_just_ended(seeded, app):
    """Not yet ended counts, not not yet begun: a meeting that began an hour ago and runs for
    another half hour is on the home page, one that ended five minutes ago is not."""
    now = utcnow()
    ongoing = _plan("ovo", 0)
    ongoing.starts_at, ongoing.ends_at = now - timedelta(hours=1), now + timedelta(minutes=30)
    ended = _plan("ovo", 0, time(8, 0))
    ended.starts_at, ended.ends_at = now - timedelta(hours=2), now - timedelta(minutes=5)
    db.session.commit()
    section = _upcoming_section(get_page(_client(app, "wijkagent@example.org"), "/"))
    assert f'href="/overleggen/{ongoing.id}"' in section
    assert f'href="/overleggen/{ended.id}"' not in section


def _bodies_section(html):
    start = html.index("Uw overleggen")
    return html[start : html.index("</main>", start)] if "</main>" in html else html[start:]


def test_home_names_the_roles_held_today_and_the_bodies_they_sit_in(seeded, app, count_queries):
    """One query finds the holdings and their bodies: two roles held today beside the
    person's own, one of them in no roster (named, no body), one ended yesterday (its body not
    shown), the same role held twice (its seats listed once); strategic bodies first, each
    with the part and the role in roster order; no query more than with one role."""
    from sqlalchemy import select

    from overleg.models import Role, RoleHolding

    def role(name):
        return db.session.scalar(select(Role).where(Role.name == name))

    client = _client(app, "specialist@example.org")
    get_page(client, "/")
    db.session.remove()
    with count_queries() as alone:
        assert client.get("/").status_code == 200
    specialist = person("specialist@example.org")
    today = today_local()
    social, mayor, own, deputy_mayor = (
        role(n)
        for n in (
            "Coördinator sociaal team",
            "Burgemeester",
            "Operationeel specialist politie",
            "Locoburgemeester",
        )
    )
    db.session.add_all(
        [
            RoleHolding(role=social, person=specialist, start_date=today),
            RoleHolding(role=deputy_mayor, person=specialist, start_date=today),
            RoleHolding(
                role=mayor,
                person=specialist,
                start_date=today - timedelta(days=30),
                end_date=today - timedelta(days=1),
            ),
            RoleHolding(role=own, person=specialist, start_date=today - timedelta(days=10)),
        ]
    )
    db.session.commit()
    db.session.remove()
    with count_queries() as more:
        resp = client.get("/")
    assert resp.status_code == 200
    assert more.count == alone.count, "\n---\n".join(alone.statements + ["====="] + more.statements)
    html = resp.get_data(as_text=True)
    assert "Uw functies: " in html
    functions = html[html.index("Uw functies: ") + len("Uw functies: ") :].split(".", 1)[0]
    # in the order they were given; the role held twice is named twice (two holdings)
    assert functions.split(", ") == [
        "Operationeel specialist politie",
        "Coördinator sociaal team",
        "Locoburgemeester",
        "Operationeel specialist politie",
    ]
    bodies = _bodies_section(html)
    names = ["Politie Overleg", "Tactisch Veiligheidsoverleg", "Operationeel Veiligheidsoverleg"]
    assert [bodies.index(n) for n in names] == sorted(bodies.index(n) for n in names)
    assert "Driehoeksoverleg" not in bodies  # the burgemeester's seat: that holding ended
    assert "Locoburgemeester" not in bodies  # in no roster
    tvo = bodies[bodies.index("Tactisch Veiligheidsoverleg") :].split("</li>", 1)[0]
    assert "U neemt deel als lid en lid" in tvo
    assert "(Operationeel specialist politie, Coördinator sociaal team)" in tvo
    ovo = bodies[bodies.index("Operationeel Veiligheidsoverleg") :].split("</li>", 1)[0]
    assert "U neemt deel als voorzitter (Operationeel specialist politie)." in ovo
    # the control: the burgemeester, who holds that role today, does see the Driehoek
    mayor_home = get_page(_client(app, "burgemeester@example.org"), "/")
    assert "Driehoeksoverleg" in _bodies_section(mayor_home)
