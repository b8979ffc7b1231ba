"""Demo data: the consultation structure of the Integraal Jaarplan Veiligheid 2019 of
Midden-Groningen (section 4, Overlegstructuur; section 5, Prioriteiten 2019), with
clearly fictional people on example.org. Loading twice changes nothing.

The tests start from this structure (tests/conftest.py, fixture ``seeded``); the demo content
on top of it (meetings, topics, documents, minutes) is in ``overleg.demo``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .auth.services import hash_password
from .extensions import db
from .models import (
    AgendaTemplateItem,
    EscalationPath,
    MeetingType,
    Organisation,
    Person,
    Role,
    RoleHolding,
    RosterEntry,
    Theme,
    ThemeGroup,
)

DEMO_PASSWORD = "Veilig-Overleg-2019"
HOLDING_START = date(2019, 1, 1)

ORGANISATIONS = [
    # (name, short name, kind)
    ("Gemeente Midden-Groningen", "Gemeente", "gemeente"),
    ("Sociale Teams Midden-Groningen", "Sociale teams", "zorg"),
    ("Politie Noord-Nederland, basisteam Midden-Groningen", "Politie", "politie"),
    ("Openbaar Ministerie, parket Noord-Nederland", "OM", "justitie"),
    ("Veiligheidshuis", "Veiligheidshuis", "veiligheid"),
    ("Veilig Thuis Groningen", "Veilig Thuis", "zorg"),
    ("Reclassering", "Reclassering", "justitie"),
    ("Verslavingszorg Noord Nederland (VNN)", "VNN", "zorg"),
    ("Lentis, Crisisbeoordelingslocatie (CBL)", "Lentis", "zorg"),
    ("RIEC Noord-Nederland", "RIEC", "veiligheid"),
    ("Landelijk Bureau Bibob", "Bureau Bibob", "justitie"),
    ("Belastingdienst", "Belastingdienst", "overig"),
    ("Omgevingsdienst Groningen (ODG)", "ODG", "overig"),
    ("Bureau HALT", "HALT", "justitie"),
    ("Woningbouwcorporaties", "Corporaties", "overig"),
    ("Jongerenwerk", "Jongerenwerk", "zorg"),
    ("BWRI", "BWRI", "overig"),
    ("Schakelteam personen met verward gedrag", "Schakelteam", "zorg"),
    ("Onderwijs (scholen in Midden-Groningen)", "Onderwijs", "overig"),
]

GEMEENTE, SOCIAAL, POLITIE, OM, VHUIS, VTHUIS = (o[0] for o in ORGANISATIONS[:6])

ROLES = [
    # (name, organisation, description)
    (
        "Burgemeester",
        GEMEENTE,
        "Voorzitter van de driehoek en het Politie Overleg; heeft de regie bij escalerende situaties.",
    ),
    ("Locoburgemeester", GEMEENTE, "Vervangt de burgemeester."),
    ("Officier van justitie", OM, "Lid van het Driehoeksoverleg."),
    (
        "Officier van justitie cybercrime",
        OM,
        "Wordt voor cybercrime uitgenodigd in het Driehoeksoverleg.",
    ),
    ("Basisteamchef politie (BT-chef)", POLITIE, "Chef van basisteam Midden-Groningen."),
    (
        "Operationeel specialist politie",
        POLITIE,
        "Operationeel specialist politie Noord-Nederland.",
    ),
    (
        "Operationeel expert wijkagenten",
        POLITIE,
        "Operationeel expert wijkagenten politie Noord-Nederland.",
    ),
    ("Coördinator OOV", GEMEENTE, "Voert onder gemeentelijke regie het TVO."),
    (
        "Ambtenaar OOV",
        GEMEENTE,
        "Plant en notuleert de veiligheidsoverleggen; brengt problemen in.",
    ),
    ("Coördinator sociaal team", SOCIAAL, "Vertegenwoordigt de sociale teams."),
    ("Procesregisseur Veiligheidshuis", VHUIS, "Vertegenwoordigt het Veiligheidshuis."),
    ("Medewerker Veilig Thuis", VTHUIS, "Schuift aan bij onderwerpen over huiselijk geweld."),
    ("Functioneel beheerder", GEMEENTE, "Beheert Overleg."),
]

MEETING_TYPES = [
    # code, name, level, minutes, place, confidentiality, retention category, years, description
    (
        "driehoek",
        "Driehoeksoverleg",
        "strategisch",
        90,
        "Gemeentehuis Hoogezand, kamer burgemeester",
        "vertrouwelijk",
        "19.1.10",
        10,
        "Burgemeester, officier van justitie en BT-chef politie bepalen welke problematiek een "
        "integrale aanpak vraagt en prioriteren de lokale veiligheidsthema's.",
    ),
    (
        "po",
        "Politie Overleg",
        "strategisch",
        60,
        "Gemeentehuis Hoogezand",
        "vertrouwelijk",
        "19.1.10",
        10,
        "Overleg tussen burgemeester, basisteamchef, operationeel specialist en ambtenaren OOV; "
        "geeft opdracht aan het TVO.",
    ),
    (
        "tvo",
        "Tactisch Veiligheidsoverleg",
        "tactisch",
        120,
        "Gemeentehuis Hoogezand, zaal 2",
        "casus",
        "19.1.11",
        5,
        "Analyse en planvorming onder gemeentelijke regie; afspraken over een integrale aanpak.",
    ),
    (
        "ovo",
        "Operationeel Veiligheidsoverleg",
        "operationeel",
        90,
        "Politiebureau Hoogezand",
        "casus",
        "19.1.11",
        5,
        "Uitwisseling van actuele veiligheidsproblemen, trends en casuïstiek; besluit over opschaling "
        "naar het TVO.",
    ),
]

ROSTERS = {
    "driehoek": [
        ("Burgemeester", "chair"),
        ("Officier van justitie", "member"),
        ("Basisteamchef politie (BT-chef)", "member"),
        ("Ambtenaar OOV", "secretary"),
    ],
    "po": [
        ("Burgemeester", "chair"),
        ("Basisteamchef politie (BT-chef)", "member"),
        ("Operationeel specialist politie", "member"),
        ("Coördinator OOV", "member"),
        ("Ambtenaar OOV", "secretary"),
    ],
    "tvo": [
        ("Coördinator OOV", "chair"),
        ("Operationeel specialist politie", "member"),
        ("Coördinator sociaal team", "member"),
        ("Procesregisseur Veiligheidshuis", "member"),
        ("Ambtenaar OOV", "secretary"),
    ],
    "ovo": [
        ("Operationeel specialist politie", "chair"),
        ("Operationeel expert wijkagenten", "member"),
        ("Ambtenaar OOV", "secretary"),
    ],
}

PATHS = [
    ("ovo", "tvo", "up"),
    ("tvo", "driehoek", "up"),
    ("tvo", "po", "up"),
    ("driehoek", "tvo", "down"),
    ("po", "tvo", "down"),
]

AGENDA_TEMPLATE = [
    ("Opening en vaststelling agenda", "opening", "informatie", 5),
    ("Verslag vorige vergadering", "verslag", "besluitvorming", 5),
    ("Actielijst", "actielijst", "bespreking", 10),
    ("Mededelingen", "mededelingen", "informatie", 10),
    ("Rondvraag", "rondvraag", "informatie", 5),
    ("Sluiting", "sluiting", "informatie", 0),
]

THEMES_2019 = [
    ("Geweld", ["Aanpak huiselijk geweld en kindermishandeling"]),
    ("Veilige woon- en leefomgeving", ["Sociale (woon)overlast/ burenruzies", "Verwarde personen"]),
    ("Jeugd en veiligheid", ["Problematische jeugd en jeugdgroepen"]),
    (
        "Ondermijnende en georganiseerde criminaliteit",
        ["Bestuurlijke aanpak georganiseerde criminaliteit algemeen", "Aanpak drugscriminaliteit"],
    ),
    (
        "Windmolenpark N33",
        ["Aanpak problematiek die de komst van het windmolenpark N33 met zich meebrengt"],
    ),
    (
        "Cybercrime/ gedigitaliseerde criminaliteit",
        [
            "In beeld brengen aard en omvang, inventariseren rol ketenpartners en opstellen plan van aanpak"
        ],
    ),
]

# name, e-mail, organisation, application role, roles held (deputy by e-mail)
PEOPLE: list[tuple[str, str, str, str, list[tuple[str, str | None]]]] = [
    (
        "Bea Bakker",
        "beheerder@example.org",
        GEMEENTE,
        "beheerder",
        [("Functioneel beheerder", None)],
    ),
    (
        "Sanne de Vries",
        "oov@example.org",
        GEMEENTE,
        "secretaris",
        [("Ambtenaar OOV", "coordinator.oov@example.org")],
    ),
    (
        "Tom Kuipers",
        "coordinator.oov@example.org",
        GEMEENTE,
        "secretaris",
        [("Coördinator OOV", "oov@example.org")],
    ),
    (
        "Adriaan Hoekstra",
        "burgemeester@example.org",
        GEMEENTE,
        "deelnemer",
        [("Burgemeester", "locoburgemeester@example.org")],
    ),
    (
        "Henk Wierenga",
        "locoburgemeester@example.org",
        GEMEENTE,
        "deelnemer",
        [("Locoburgemeester", None)],
    ),
    ("Mirjam Bos", "ovj@example.org", OM, "deelnemer", [("Officier van justitie", None)]),
    (
        "Rik Veenstra",
        "ovj.cybercrime@example.org",
        OM,
        "deelnemer",
        [("Officier van justitie cybercrime", None)],
    ),
    (
        "Klaas Mulder",
        "btchef@example.org",
        POLITIE,
        "deelnemer",
        [("Basisteamchef politie (BT-chef)", "specialist@example.org")],
    ),
    (
        "Erik Dijkstra",
        "specialist@example.org",
        POLITIE,
        "deelnemer",
        [("Operationeel specialist politie", None)],
    ),
    (
        "Jeroen Visser",
        "wijkagent@example.org",
        POLITIE,
        "deelnemer",
        [("Operationeel expert wijkagenten", None)],
    ),
    (
        "Fatima El Amrani",
        "sociaalteam@example.org",
        SOCIAAL,
        "deelnemer",
        [("Coördinator sociaal team", None)],
    ),
    (
        "Petra Jansen",
        "veiligheidshuis@example.org",
        VHUIS,
        "deelnemer",
        [("Procesregisseur Veiligheidshuis", None)],
    ),
    (
        "Lotte de Boer",
        "veiligthuis@example.org",
        VTHUIS,
        "deelnemer",
        [("Medewerker Veilig Thuis", None)],
    ),
]


def _get_or_create(model, lookup: dict, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def seed_structure() -> dict[str, int]:
    """Load organisations, roles, bodies, rosters, paths, themes and people. Idempotent."""
    orgs = {}
    for name, short, kind in ORGANISATIONS:
        orgs[name] = _get_or_create(Organisation, {"name": name}, short_name=short, kind=kind)

    roles = {}
    for name, org, description in ROLES:
        roles[name] = _get_or_create(
            Role, {"name": name}, organisation=orgs[org], description=description
        )

    types = {}
    for code, name, level, minutes, place, conf, cat, years, descr in MEETING_TYPES:
        mt = _get_or_create(
            MeetingType,
            {"code": code},
            name=name,
            level=level,
            default_duration_minutes=minutes,
            default_location=place,
            default_confidentiality=conf,
            retention_category=cat,
            retention_years=years,
            description=descr,
        )
        types[code] = mt
        for pos, (title, kind, purpose, minutes_) in enumerate(AGENDA_TEMPLATE):
            _get_or_create(
                AgendaTemplateItem,
                {"meeting_type_id": mt.id, "standard_kind": kind},
                title=title,
                purpose=purpose,
                duration_minutes=minutes_,
                position=pos,
            )

    for code, entries in ROSTERS.items():
        for pos, (role_name, part) in enumerate(entries):
            _get_or_create(
                RosterEntry,
                {"meeting_type_id": types[code].id, "role_id": roles[role_name].id},
                part=part,
                position=pos,
            )

    for src, dst, direction in PATHS:
        _get_or_create(
            EscalationPath,
            {"from_type_id": types[src].id, "to_type_id": types[dst].id},
            direction=direction,
        )

    for gpos, (group_name, theme_names) in enumerate(THEMES_2019):
        group = _get_or_create(ThemeGroup, {"year": 2019, "name": group_name}, position=gpos)
        for tpos, theme_name in enumerate(theme_names):
            _get_or_create(Theme, {"group_id": group.id, "name": theme_name}, position=tpos)

    people = {}
    password_hash = None
    for name, email, org, app_role, _ in PEOPLE:
        existing = db.session.scalar(select(Person).filter_by(email=email))
        if existing is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            existing = Person(
                name=name,
                email=email,
                organisation=orgs[org],
                app_role=app_role,
                password_hash=password_hash,
            )
            db.session.add(existing)
            db.session.flush()
        people[email] = existing
    for _name, email, _org, _app_role, held in PEOPLE:
        for role_name, deputy_email in held:
            _get_or_create(
                RoleHolding,
                {"role_id": roles[role_name].id, "person_id": people[email].id},
                start_date=HOLDING_START,
                deputy_id=people[deputy_email].id if deputy_email else None,
            )
    db.session.commit()
    return {
        "organisations": len(orgs),
        "roles": len(roles),
        "bodies": len(types),
        "people": len(people),
    }
