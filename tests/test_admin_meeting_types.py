"""Beheer: meeting types (overlegvormen) with their roster and agenda template."""

from __future__ import annotations

from sqlalchemy import select

from overleg.extensions import db
from overleg.models import AgendaTemplateItem, MeetingType, Role, RosterEntry
from tests.admin_support import alerts, field_error, page, table_column
from tests.conftest import assert_audit
from tests.factories import make_meeting, meeting_type


def type_data(**overrides):
    data = {
        "name": "Zorg- en Veiligheidsoverleg",
        "code": "zvo",
        "level": "operationeel",
        "description": "",
        "default_duration_minutes": "60",
        "default_location": "Veiligheidshuis",
        "default_confidentiality": "casus",
        "retention_category": "19.1.11",
        "retention_years": "5",
        "active": "y",
    }
    data.update(overrides)
    return data


def get_type(code):
    db.session.expire_all()
    return db.session.scalar(select(MeetingType).where(MeetingType.code == code))


def test_create_meeting_type(admin):
    resp = admin.post("/beheer/overlegvormen/nieuw", data=type_data())
    mt = get_type("zvo")
    assert resp.headers["Location"].endswith(f"/beheer/overlegvormen/{mt.id}/deelnemers")
    assert (mt.name, mt.level, mt.default_duration_minutes, mt.default_location) == (
        "Zorg- en Veiligheidsoverleg",
        "operationeel",
        60,
        "Veiligheidshuis",
    )
    assert (mt.default_confidentiality, mt.retention_category, mt.retention_years) == (
        "casus",
        "19.1.11",
        5,
    )
    assert_audit("meeting_type_created", object_id=mt.id)
    listing = page(admin.get("/beheer/overlegvormen"))
    assert "Zorg- en Veiligheidsoverleg" in listing and "Operationeel" in listing
    assert "Bevat persoonsgegevens (casus)" in listing and "60 minuten" in listing


def test_edit_meeting_type(admin, seeded):
    tvo = meeting_type("tvo")
    resp = admin.post(
        f"/beheer/overlegvormen/{tvo.id}",
        data=type_data(
            name="Tactisch Veiligheidsoverleg",
            code="tvo",
            level="tactisch",
            default_duration_minutes="150",
            retention_category="",
            retention_years="",
            active="",
        ),
    )
    assert resp.status_code == 302
    mt = get_type("tvo")
    assert (mt.default_duration_minutes, mt.retention_category, mt.retention_years, mt.active) == (
        150,
        None,
        None,
        False,
    )
    assert "Inactief" in page(admin.get("/beheer/overlegvormen"))


def test_bad_meeting_type_input_is_refused(admin, seeded):
    cases = [
        (
            {"code": "Z VO"},
            "code",
            "Gebruik voor de code alleen kleine letters en cijfers, "
            "zonder spaties (bijvoorbeeld tvo).",
        ),
        ({"code": "tvo"}, "code", "Deze code is al in gebruik bij Tactisch Veiligheidsoverleg."),
        ({"code": ""}, "code", "Vul een korte code in, bijvoorbeeld tvo."),
        ({"name": "driehoeksoverleg"}, "name", "Er bestaat al een overlegvorm met deze naam."),
        (
            {"default_duration_minutes": "0"},
            "default_duration_minutes",
            "Kies een duur van 1 tot 720 minuten.",
        ),
        (
            {"default_duration_minutes": ""},
            "default_duration_minutes",
            "Vul de standaardduur in minuten in.",
        ),
        (
            {"retention_category": "archief"},
            "retention_category",
            "Vul een categorie uit de selectielijst in, bijvoorbeeld 19.1.10.",
        ),
        ({"retention_years": "0"}, "retention_years", "Kies een bewaartermijn van 1 tot 200 jaar."),
        ({"level": "nationaal"}, "level", "Ongeldige keuze."),
        ({"default_confidentiality": "geheim"}, "default_confidentiality", "Ongeldige keuze."),
    ]
    for overrides, fieldname, message in cases:
        resp = admin.post("/beheer/overlegvormen/nieuw", data=type_data(**overrides))
        assert resp.status_code == 400, overrides
        assert field_error(resp, fieldname) == message, overrides
    assert get_type("zvo") is None and len(db.session.scalars(select(MeetingType)).all()) == 4


def test_delete_meeting_type(admin, seeded):
    admin.post("/beheer/overlegvormen/nieuw", data=type_data())
    mt = get_type("zvo")
    admin.post(
        f"/beheer/overlegvormen/{mt.id}/agenda",
        data={
            "title": "Opening",
            "standard_kind": "opening",
            "purpose": "informatie",
            "duration_minutes": "5",
        },
    )
    admin.post(
        f"/beheer/overlegvormen/{mt.id}/deelnemers",
        data={"role_id": str(db.session.scalar(select(Role.id).limit(1))), "part": "member"},
    )
    resp = admin.post(f"/beheer/overlegvormen/{mt.id}/verwijderen", follow_redirects=True)
    assert "Overlegvorm ‘Zorg- en Veiligheidsoverleg’ is verwijderd." in alerts(resp, "ok")
    assert get_type("zvo") is None  # with its own roster and template
    assert (
        db.session.scalar(select(RosterEntry).where(RosterEntry.meeting_type_id == mt.id)) is None
    )


def test_delete_meeting_type_in_use_is_refused(admin, seeded):
    make_meeting("ovo")
    ovo = meeting_type("ovo")
    resp = admin.post(f"/beheer/overlegvormen/{ovo.id}/verwijderen", follow_redirects=True)
    [message] = alerts(resp)
    assert message.startswith(
        "Deze overlegvorm kan niet worden verwijderd: 1 escalatiepad "
        "(Operationeel Veiligheidsoverleg → Tactisch Veiligheidsoverleg) "
        "en 1 overleg ("
    )
    assert message.endswith(
        ") horen erbij. Zet de overlegvorm op inactief als die niet meer wordt gebruikt."
    )
    assert get_type("ovo") is not None


def test_roster(admin, seeded):
    ovo = meeting_type("ovo")
    url = f"/beheer/overlegvormen/{ovo.id}/deelnemers"
    listing = page(admin.get(url))
    assert "Operationeel expert wijkagenten" in listing and "Jeroen Visser" in listing
    sociaal = db.session.scalar(select(Role).where(Role.name == "Coördinator sociaal team"))
    resp = admin.post(url, data={"role_id": str(sociaal.id), "part": "advisor"})
    assert resp.status_code == 302
    entry = db.session.scalar(
        select(RosterEntry).where(
            RosterEntry.meeting_type_id == ovo.id, RosterEntry.role_id == sociaal.id
        )
    )
    assert entry.part == "advisor" and entry.position == 3
    assert_audit("meeting_type_changed", object_id=ovo.id)

    resp = admin.post(url, data={"role_id": str(sociaal.id), "part": "member"})
    assert resp.status_code == 400
    assert field_error(resp, "role_id") == (
        "Coördinator sociaal team staat al op de "
        "deelnemerslijst van Operationeel Veiligheidsoverleg "
        "(als adviseur)."
    )
    resp = admin.post(url, data={"role_id": "", "part": "member"})
    assert field_error(resp, "role_id") == "Kies een functie."
    resp = admin.post(url, data={"role_id": str(sociaal.id), "part": "guest"})
    assert field_error(resp, "part") == "Ongeldige keuze."

    resp = admin.post(f"{url}/{entry.id}", data={"part": "member"}, follow_redirects=True)
    assert "Coördinator sociaal team neemt deel als lid." in alerts(resp, "ok")
    db.session.expire_all()
    assert db.session.get(RosterEntry, entry.id).part == "member"
    resp = admin.post(f"{url}/{entry.id}", data={"part": "koning"})
    assert resp.status_code == 400
    assert (
        field_error(resp, f"part-{entry.id}")
        == "Kies hoe de functie deelneemt: voorzitter, lid, adviseur of secretaris."
    )
    db.session.expire_all()
    assert db.session.get(RosterEntry, entry.id).part == "member"
    admin.post(f"{url}/{entry.id}/verwijderen")
    assert db.session.get(RosterEntry, entry.id) is None


def _titles(mt_id):
    db.session.expire_all()
    return [
        i.title
        for i in db.session.scalars(
            select(AgendaTemplateItem)
            .where(AgendaTemplateItem.meeting_type_id == mt_id)
            .order_by(AgendaTemplateItem.position)
        )
    ]


def test_agenda_template(admin, seeded):
    po = meeting_type("po")
    url = f"/beheer/overlegvormen/{po.id}/agenda"
    assert _titles(po.id)[:2] == ["Opening en vaststelling agenda", "Verslag vorige vergadering"]
    resp = admin.post(
        url,
        data={
            "title": "Veiligheidsbeeld politie",
            "standard_kind": "overig",
            "purpose": "bespreking",
            "duration_minutes": "15",
        },
    )
    assert resp.status_code == 302
    assert _titles(po.id)[-1] == "Veiligheidsbeeld politie"
    resp = admin.post(
        url, data={"title": "", "standard_kind": "overig", "purpose": "x", "duration_minutes": "-5"}
    )
    assert resp.status_code == 400
    assert field_error(resp, "title") == "Vul de titel van het agendapunt in."
    assert field_error(resp, "purpose") == "Ongeldige keuze."
    assert field_error(resp, "duration_minutes") == "Kies een duur van 0 tot 480 minuten."

    item = db.session.scalar(
        select(AgendaTemplateItem).where(AgendaTemplateItem.title == "Veiligheidsbeeld politie")
    )
    admin.post(f"{url}/{item.id}/omhoog")
    admin.post(f"{url}/{item.id}/omhoog")
    assert _titles(po.id)[-3:] == ["Veiligheidsbeeld politie", "Rondvraag", "Sluiting"]
    admin.post(f"{url}/{item.id}/omlaag")
    assert _titles(po.id)[-3:] == ["Rondvraag", "Veiligheidsbeeld politie", "Sluiting"]
    first = db.session.scalar(
        select(AgendaTemplateItem).where(
            AgendaTemplateItem.meeting_type_id == po.id, AgendaTemplateItem.position == 0
        )
    )
    admin.post(f"{url}/{first.id}/omhoog")  # already first: nothing changes
    assert _titles(po.id)[0] == "Opening en vaststelling agenda"

    resp = admin.post(
        f"{url}/{item.id}",
        data={
            "title": "Politiebeeld",
            "standard_kind": "overig",
            "purpose": "informatie",
            "duration_minutes": "",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    item = db.session.get(AgendaTemplateItem, item.id)
    assert (item.title, item.purpose, item.duration_minutes) == ("Politiebeeld", "informatie", 0)
    html = page(admin.get(url))
    assert html.index("Rondvraag") < html.index("Politiebeeld") < html.index("Sluiting")

    admin.post(f"{url}/{first.id}/verwijderen")
    assert _titles(po.id)[0] == "Verslag vorige vergadering"
    positions = [
        i.position
        for i in db.session.scalars(
            select(AgendaTemplateItem)
            .where(AgendaTemplateItem.meeting_type_id == po.id)
            .order_by(AgendaTemplateItem.position)
        )
    ]
    assert positions == list(range(len(positions)))
    # an item of another body is not reachable through this one
    other = meeting_type("tvo").agenda_template[0]
    assert admin.post(f"{url}/{other.id}/omlaag").status_code == 404


def test_search_and_sort(admin, seeded):
    assert table_column(admin.get("/beheer/overlegvormen")) == [
        "Driehoeksoverleg",
        "Operationeel Veiligheidsoverleg",
        "Politie Overleg",
        "Tactisch Veiligheidsoverleg",
    ]
    levels = table_column(admin.get("/beheer/overlegvormen?sort=niveau"), 2)
    assert levels == ["Strategisch", "Strategisch", "Tactisch", "Operationeel"]
    levels = table_column(admin.get("/beheer/overlegvormen?sort=niveau&richting=desc"), 2)
    assert levels == ["Operationeel", "Tactisch", "Strategisch", "Strategisch"]
    assert (
        table_column(admin.get("/beheer/overlegvormen?sort=duur&richting=desc"))[0]
        == "Tactisch Veiligheidsoverleg"
    )
    assert table_column(admin.get("/beheer/overlegvormen?q=tvo")) == ["Tactisch Veiligheidsoverleg"]
    assert table_column(admin.get("/beheer/overlegvormen?q=veiligheids")) == [
        "Operationeel Veiligheidsoverleg",
        "Tactisch Veiligheidsoverleg",
    ]


def test_deelnemer_gets_403(as_role, seeded):
    c = as_role("deelnemer")
    tvo = meeting_type("tvo")
    assert c.get("/beheer/overlegvormen").status_code == 403
    assert c.get(f"/beheer/overlegvormen/{tvo.id}/deelnemers").status_code == 403
    assert c.get(f"/beheer/overlegvormen/{tvo.id}/agenda").status_code == 403
    assert c.post("/beheer/overlegvormen/nieuw", data=type_data()).status_code == 403
    assert (
        c.post(
            f"/beheer/overlegvormen/{tvo.id}/agenda",
            data={"title": "X", "standard_kind": "overig", "purpose": "informatie"},
        ).status_code
        == 403
    )
    item = tvo.agenda_template[0]
    assert c.post(f"/beheer/overlegvormen/{tvo.id}/agenda/{item.id}/omlaag").status_code == 403
    entry = tvo.roster[0]
    assert (
        c.post(f"/beheer/overlegvormen/{tvo.id}/deelnemers/{entry.id}/verwijderen").status_code
        == 403
    )
    role = db.session.scalar(select(Role).where(Role.name == "Coördinator sociaal team"))
    assert (
        c.post(
            f"/beheer/overlegvormen/{tvo.id}/deelnemers",
            data={"role_id": str(role.id), "part": "advisor"},
        ).status_code
        == 403
    )
    assert c.post(f"/beheer/overlegvormen/{tvo.id}/verwijderen").status_code == 403
    assert get_type("zvo") is None and get_type("tvo") is not None
    assert len(_titles(tvo.id)) == 6
    db.session.expire_all()
    assert db.session.get(RosterEntry, entry.id) is not None


def test_secretaris_keeps_settings_and_deletion_out_of_reach(as_role, seeded):
    """A secretary maintains roster and template, not the body itself."""
    c = as_role("secretaris")
    tvo = meeting_type("tvo")
    assert c.get("/beheer/").status_code == 403
    assert c.get("/beheer/overlegvormen").status_code == 403
    assert c.get("/beheer/overlegvormen/nieuw").status_code == 403
    assert c.post("/beheer/overlegvormen/nieuw", data=type_data()).status_code == 403
    assert c.get(f"/beheer/overlegvormen/{tvo.id}").status_code == 403
    assert (
        c.post(
            f"/beheer/overlegvormen/{tvo.id}", data=type_data(name="Anders", code="tvo")
        ).status_code
        == 403
    )
    assert c.post(f"/beheer/overlegvormen/{tvo.id}/verwijderen").status_code == 403
    for url in (
        "/beheer/organisaties",
        "/beheer/personen",
        "/beheer/functies",
        "/beheer/escalatiepaden",
        "/beheer/logboek",
    ):
        assert c.get(url).status_code == 403, url
    assert get_type("zvo") is None and get_type("tvo").name == "Tactisch Veiligheidsoverleg"


def test_secretaris_maintains_roster(as_role, seeded):
    c = as_role("secretaris")
    ovo = meeting_type("ovo")
    url = f"/beheer/overlegvormen/{ovo.id}/deelnemers"
    resp = c.get(url)
    assert resp.status_code == 200
    html = page(resp)
    assert "Operationeel expert wijkagenten" in html and "Jeroen Visser" in html
    # the way back goes through the body's planning, not through /beheer/
    crumbs = html.split('aria-label="Kruimelpad"')[1].split("</nav>")[0]
    assert 'href="/planning?overleg=ovo"' in crumbs and "Beheer" not in crumbs
    assert f'href="/beheer/overlegvormen/{ovo.id}"' not in html  # settings tab: beheerder only
    assert f'href="/beheer/overlegvormen/{ovo.id}/agenda"' in html
    assert 'href="/beheer/functies/' not in html

    sociaal = db.session.scalar(select(Role).where(Role.name == "Coördinator sociaal team"))
    resp = c.post(url, data={"role_id": str(sociaal.id), "part": "advisor"}, follow_redirects=True)
    assert "Coördinator sociaal team is toegevoegd aan de vaste deelnemers." in alerts(resp, "ok")
    entry = db.session.scalar(
        select(RosterEntry).where(
            RosterEntry.meeting_type_id == ovo.id, RosterEntry.role_id == sociaal.id
        )
    )
    assert entry.part == "advisor"
    assert_audit("meeting_type_changed", object_id=ovo.id)
    resp = c.post(f"{url}/{entry.id}", data={"part": "member"}, follow_redirects=True)
    assert "Coördinator sociaal team neemt deel als lid." in alerts(resp, "ok")
    resp = c.post(f"{url}/{entry.id}/verwijderen", follow_redirects=True)
    assert "Coördinator sociaal team is van de vaste deelnemers gehaald." in alerts(resp, "ok")
    db.session.expire_all()
    assert db.session.get(RosterEntry, entry.id) is None


def test_secretaris_edits_agenda_template(as_role, seeded):
    c = as_role("secretaris")
    po = meeting_type("po")
    url = f"/beheer/overlegvormen/{po.id}/agenda"
    resp = c.get(url)
    assert resp.status_code == 200
    crumbs = page(resp).split('aria-label="Kruimelpad"')[1].split("</nav>")[0]
    assert 'href="/planning?overleg=po"' in crumbs and "Beheer" not in crumbs
    resp = c.post(
        url,
        data={
            "title": "Veiligheidsbeeld politie",
            "standard_kind": "overig",
            "purpose": "bespreking",
            "duration_minutes": "15",
        },
    )
    assert resp.status_code == 302
    assert _titles(po.id)[-1] == "Veiligheidsbeeld politie"
    item = db.session.scalar(
        select(AgendaTemplateItem).where(AgendaTemplateItem.title == "Veiligheidsbeeld politie")
    )
    c.post(f"{url}/{item.id}/omhoog")
    assert _titles(po.id)[-2:] == ["Veiligheidsbeeld politie", "Sluiting"]
    resp = c.get(f"{url}/{item.id}")
    assert resp.status_code == 200
    crumbs = page(resp).split('aria-label="Kruimelpad"')[1].split("</nav>")[0]
    assert f'href="{url}"' in crumbs and "Beheer" not in crumbs
    resp = c.post(
        f"{url}/{item.id}",
        data={
            "title": "Politiebeeld",
            "standard_kind": "overig",
            "purpose": "informatie",
            "duration_minutes": "10",
        },
    )
    assert resp.status_code == 302 and _titles(po.id)[-2] == "Politiebeeld"
    c.post(f"{url}/{item.id}/verwijderen")
    assert "Politiebeeld" not in _titles(po.id)


def test_planning_links_a_body_to_its_roster_and_template(as_role, seeded):
    c = as_role("secretaris")
    tvo = meeting_type("tvo")
    html = page(c.get("/planning?overleg=tvo"))
    assert f'href="/beheer/overlegvormen/{tvo.id}/deelnemers"' in html
    assert "Vaste deelnemers en standaardagenda" in html
