"""The demo data follows the Integraal Jaarplan Veiligheid 2019 (sections 4 and 5) and
loading it twice changes nothing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from overleg.demo import seed_all
from overleg.models import (
    EscalationPath,
    MeetingType,
    Organisation,
    Person,
    Role,
    RoleHolding,
    ThemeGroup,
)
from overleg.seed import seed_structure
from tests.conftest import get_page

from .conftest import login

README = Path(__file__).resolve().parent.parent / "README.md"
PLAN_DAY = date(2019, 3, 12)


@pytest.fixture
def demo(app, db):
    """The jaarplan structure (what these tests check); seed_all() adds demo meetings etc."""
    seed_structure()
    return db


@pytest.fixture
def full_demo(app, db, demo_snapshot):
    demo_snapshot.restore()
    return db


def _roster(db, code):
    mt = db.session.scalar(select(MeetingType).where(MeetingType.code == code))
    assert mt is not None, f"body {code} missing"
    return mt, {(e.role.name, e.part) for e in mt.roster}, mt.roster


def _role_names(entries):
    return {e.role.name.lower() for e in entries}


def _has(names, *words):
    return any(all(w in n for w in words) for n in names)


# --- bodies and rosters (section 4) ----------------------------------------------------


def test_four_bodies_with_their_levels(demo):
    bodies = {mt.code: mt for mt in demo.session.scalars(select(MeetingType))}
    assert {"driehoek", "po", "tvo", "ovo"} <= set(bodies)
    assert bodies["driehoek"].level == "strategisch"
    assert bodies["po"].level == "strategisch"
    assert bodies["tvo"].level == "tactisch"
    assert bodies["ovo"].level == "operationeel"
    assert "Driehoek" in bodies["driehoek"].name
    assert bodies["po"].name == "Politie Overleg"
    assert bodies["tvo"].name == "Tactisch Veiligheidsoverleg"
    assert bodies["ovo"].name == "Operationeel Veiligheidsoverleg"
    for mt in bodies.values():
        assert mt.default_duration_minutes > 0
        assert mt.default_location
        assert len(mt.agenda_template) >= 5


def test_driehoek_roster(demo):
    mt, pairs, entries = _roster(demo, "driehoek")
    names = _role_names(entries)
    assert ("Burgemeester", "chair") in pairs
    assert _has(names, "officier van justitie")
    assert _has(names, "basisteamchef politie (bt-chef)")
    assert {e.role.organisation.short_name for e in entries} >= {"Gemeente", "OM", "Politie"}


def test_po_roster(demo):
    mt, pairs, entries = _roster(demo, "po")
    names = _role_names(entries)
    assert ("Burgemeester", "chair") in pairs
    assert _has(names, "basisteamchef")
    assert _has(names, "operationeel specialist politie")
    assert _has(names, "oov")


def test_tvo_roster_gemeente_has_the_regie(demo):
    mt, pairs, entries = _roster(demo, "tvo")
    orgs = {e.role.organisation.short_name for e in entries}
    assert {"Gemeente", "Politie", "Sociale teams", "Veiligheidshuis"} <= orgs
    chair = [e for e in entries if e.part == "chair"]
    assert len(chair) == 1 and chair[0].role.organisation.short_name == "Gemeente"
    assert "OOV" in chair[0].role.name
    # Others join on invitation: no one from outside these partners on the fixed roster.
    assert orgs <= {"Gemeente", "Politie", "Sociale teams", "Veiligheidshuis"}


def test_ovo_roster(demo):
    mt, pairs, entries = _roster(demo, "ovo")
    names = _role_names(entries)
    assert _has(names, "operationeel expert wijkagenten")
    assert _has(names, "operationeel specialist")
    assert _has(names, "ambtenaar oov")
    assert len(entries) == 3


def test_every_body_has_one_chair_and_a_secretary_from_oov(demo):
    for code in ("driehoek", "po", "tvo", "ovo"):
        _, pairs, entries = _roster(demo, code)
        assert [e.part for e in entries].count("chair") == 1, code
        secretaries = [e.role.name for e in entries if e.part == "secretary"]
        assert secretaries == ["Ambtenaar OOV"], code


def test_every_role_is_held_by_a_fictional_person(demo):
    roles = demo.session.scalars(select(Role).options(selectinload(Role.holdings))).all()
    assert len(roles) >= 10
    for role in roles:
        holding = role.holding_on(PLAN_DAY)
        assert holding is not None, f"no one holds {role.name}"
        assert holding.person.email.endswith("@example.org")
    for person in demo.session.scalars(select(Person)):
        assert person.email.endswith("@example.org"), person.email


def test_deputies_are_set_where_it_matters(demo):
    burgemeester = demo.session.scalar(select(Role).where(Role.name == "Burgemeester"))
    holding = burgemeester.holding_on(PLAN_DAY)
    assert holding.deputy is not None and holding.deputy.email == "locoburgemeester@example.org"


# --- escalation paths (docs/architecture.md "How a topic moves") ------------------------


def test_the_five_escalation_paths(demo):
    paths = {
        (p.from_type.code, p.to_type.code, p.direction)
        for p in demo.session.scalars(select(EscalationPath))
    }
    assert paths == {
        ("ovo", "tvo", "up"),
        ("tvo", "driehoek", "up"),
        ("tvo", "po", "up"),
        ("driehoek", "tvo", "down"),
        ("po", "tvo", "down"),
    }


# --- ketenpartners ----------------------------------------------------------------------

PARTNERS = [
    "Gemeente Midden-Groningen",
    "Politie",
    "Openbaar Ministerie",
    "Sociale Teams",
    "Veiligheidshuis",
    "Veilig Thuis",
    "Reclassering",
    "VNN",
    "Lentis",
    "RIEC",
    "Bibob",
    "Belastingdienst",
    "ODG",
    "HALT",
    "Woningbouwcorporaties",
    "Jongerenwerk",
    "BWRI",
    "Schakelteam",
    "Onderwijs",
]


@pytest.mark.parametrize("partner", PARTNERS)
def test_every_ketenpartner_of_the_plan(demo, partner):
    names = [
        f"{o.name} {o.short_name or ''}".lower() for o in demo.session.scalars(select(Organisation))
    ]
    assert any(partner.lower() in n for n in names), f"{partner} missing from {names}"


# --- priority themes 2019 (section 5) ---------------------------------------------------


def test_themes_2019_with_their_clusters(demo):
    groups = demo.session.scalars(
        select(ThemeGroup).where(ThemeGroup.year == 2019).order_by(ThemeGroup.position)
    ).all()
    found = {g.name: [t.name for t in g.themes] for g in groups}
    assert list(found) == [
        "Geweld",
        "Veilige woon- en leefomgeving",
        "Jeugd en veiligheid",
        "Ondermijnende en georganiseerde criminaliteit",
        "Windmolenpark N33",
        "Cybercrime/ gedigitaliseerde criminaliteit",
    ]
    assert found["Geweld"] == ["Aanpak huiselijk geweld en kindermishandeling"]
    assert found["Veilige woon- en leefomgeving"] == [
        "Sociale (woon)overlast/ burenruzies",
        "Verwarde personen",
    ]
    assert found["Jeugd en veiligheid"] == ["Problematische jeugd en jeugdgroepen"]
    assert found["Ondermijnende en georganiseerde criminaliteit"] == [
        "Bestuurlijke aanpak georganiseerde criminaliteit algemeen",
        "Aanpak drugscriminaliteit",
    ]
    assert len(found["Windmolenpark N33"]) == 1
    assert len(found["Cybercrime/ gedigitaliseerde criminaliteit"]) == 1
    # Dropped in 2019 (woninginbraken, evenementen, Veilige Publieke Taak): not there.
    all_names = " ".join(n.lower() for names in found.values() for n in names)
    assert "woninginbraak" not in all_names and "evenement" not in all_names


# --- README demo accounts ---------------------------------------------------------------


def _readme_accounts():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    password = re.search(r"password `([^`]+)`", section).group(1)
    accounts = re.findall(r"^\|\s*`([^`]+@example\.org)`\s*\|[^|]*\|\s*(\w+)\s*\|", section, re.M)
    return password, accounts


def test_readme_names_the_required_demo_accounts():
    password, accounts = _readme_accounts()
    emails = {e for e, _ in accounts}
    roles = {r for _, r in accounts}
    assert {"beheerder", "secretaris", "deelnemer"} <= roles
    for needed in (
        "oov@example.org",
        "burgemeester@example.org",
        "ovj@example.org",
        "wijkagent@example.org",
        "sociaalteam@example.org",
    ):
        assert needed in emails


def test_readme_demo_accounts_can_log_in(app, full_demo):
    demo = full_demo
    password, accounts = _readme_accounts()
    assert len(accounts) >= 6
    for email, app_role in accounts:
        c = app.test_client()
        resp = login(c, email, password)
        assert resp.status_code == 302, f"{email} cannot log in"
        person = demo.session.scalar(select(Person).where(Person.email == email))
        assert person.app_role == app_role, email
        assert person.password_hash.startswith("$argon2id$")
        assert "Welkom" in c.get("/").get_data(as_text=True)


def test_oov_home_shows_all_four_bodies(app, full_demo):
    password, _ = _readme_accounts()
    c = app.test_client()
    login(c, "oov@example.org", password)
    html = c.get("/").get_data(as_text=True)
    assert "Welkom, Sanne de Vries" in html
    for name in (
        "Driehoeksoverleg",
        "Politie Overleg",
        "Tactisch Veiligheidsoverleg",
        "Operationeel Veiligheidsoverleg",
    ):
        assert name in html


def test_wijkagent_home_shows_only_their_bodies(app, demo):
    password, _ = _readme_accounts()
    c = app.test_client()
    login(c, "wijkagent@example.org", password)
    html = get_page(c, "/")
    assert "Operationeel Veiligheidsoverleg" in html
    assert "Driehoeksoverleg" not in html


# --- idempotence ------------------------------------------------------------------------


def _snapshot(db):
    """Every row of every table, so that any insert, update or delete shows."""
    snap = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        snap[table.name] = [tuple(r) for r in rows]
    return snap


def test_seeding_twice_changes_nothing(db):
    seed_all()
    db.session.expire_all()
    first = _snapshot(db)
    assert first["organisation"] and first["person"] and first["roster_entry"]
    seed_all()
    db.session.expire_all()
    second = _snapshot(db)
    for table in first:
        assert len(second[table]) == len(first[table]), f"{table}: row count changed"
    for table in first:
        assert second[table] == first[table], f"{table}: rows changed"


def test_seeding_keeps_changes_made_by_the_beheerder(db):
    """A second seed does not overwrite what an administrator changed since."""
    seed_all()
    person = db.session.scalar(select(Person).where(Person.email == "oov@example.org"))
    person.name = "Sanne de Vries-Bakker"
    db.session.commit()
    seed_all()
    db.session.expire_all()
    assert (
        db.session.scalar(select(Person.name).where(Person.email == "oov@example.org"))
        == "Sanne de Vries-Bakker"
    )
    holders = db.session.scalars(select(RoleHolding)).all()
    assert len({(h.role_id, h.person_id) for h in holders}) == len(holders)


def test_seed_demo_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demogegevens geladen" in result.output
    assert db.session.scalar(select(Person).where(Person.email == "oov@example.org"))
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "niet opnieuw geladen" in result.output
