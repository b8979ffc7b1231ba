"""Beheer: the index page, breadcrumbs, and the one rule that decides what blocks a deletion."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from overleg.domain.admin import (
    BLOCKING_CASCADES,
    USAGE_LABELS,
    AdminError,
    delete_object,
    deletion_refusal,
    usages,
)
from overleg.extensions import db
from overleg.models import MeetingType, Organisation, Person, Role
from tests.admin_support import ADMIN_DENIED_ROLES, page
from tests.conftest import make_person
from tests.factories import make_meeting, meeting_type, person


def test_index_links_every_screen_with_counts(admin, seeded):
    from sqlalchemy import func

    def n(model):
        return db.session.scalar(select(func.count()).select_from(model))

    html = page(admin.get("/beheer/"))
    for url, text in [
        ("/beheer/organisaties", f"{n(Organisation)} organisaties"),
        ("/beheer/personen", f"{n(Person)} personen"),
        ("/beheer/functies", f"{n(Role)} functies"),
        ("/beheer/overlegvormen", "4 overlegvormen"),
        ("/beheer/escalatiepaden", "5 paden"),
    ]:
        assert f'href="{url}"' in html, url
        assert f"<strong>{text}</strong>" in html, text
    accounts = db.session.scalar(
        select(func.count()).select_from(Person).where(Person.password_hash.is_not(None))
    )
    assert f"({accounts} met account)" in html
    assert 'aria-label="Kruimelpad"' in html


ADMIN_PAGES = [
    "/beheer/",
    "/beheer/organisaties",
    "/beheer/organisaties/nieuw",
    "/beheer/organisaties/{org}",
    "/beheer/personen",
    "/beheer/personen/nieuw",
    "/beheer/personen/{person}",
    "/beheer/personen/{person}/account",
    "/beheer/personen/{person}/afwezigheid",
    "/beheer/functies",
    "/beheer/functies/nieuw",
    "/beheer/functies/{role}",
    "/beheer/functies/{role}/bezetting/nieuw",
    "/beheer/overlegvormen",
    "/beheer/overlegvormen/nieuw",
    "/beheer/overlegvormen/{type}",
    "/beheer/overlegvormen/{type}/deelnemers",
    "/beheer/overlegvormen/{type}/agenda",
    "/beheer/overlegvormen/{type}/agenda/{item}",
    "/beheer/escalatiepaden",
]


def test_every_admin_page_has_breadcrumbs_and_a_dutch_title(admin, seeded):
    tvo = meeting_type("tvo")
    ids = {
        "org": db.session.scalar(select(Organisation.id).limit(1)),
        "person": person("wijkagent@example.org").id,
        "role": db.session.scalar(select(Role.id).limit(1)),
        "type": tvo.id,
        "item": tvo.agenda_template[0].id,
    }
    for template in ADMIN_PAGES:
        url = template.format(**ids)
        resp = admin.get(url)
        assert resp.status_code == 200, url
        html = page(resp)
        crumbs = re.search(
            r'<nav class="utrecht-breadcrumb-nav" aria-label="Kruimelpad">(.*?)</nav>', html, re.S
        )
        assert crumbs and 'href="/"' in crumbs.group(1) and "Beheer" in crumbs.group(1), url
        assert re.search(r"<h1 class=\"utrecht-heading-1\">[^<]+</h1>", html), url


# A body's roster and agenda template are kept by the secretaries too (README "Who does what":
# the secretary "keeps each body's vaste deelnemers and standaardagenda"); everything else
# stays beheerder-only.
SECRETARY_ADMIN_ENDPOINTS = {
    "admin.meeting_type_roster",
    "admin.roster_entry_update",
    "admin.roster_entry_delete",
    "admin.meeting_type_template",
    "admin.template_item_edit",
    "admin.template_item_move",
    "admin.template_item_delete",
}


def test_every_admin_endpoint_is_for_beheerder_only(app):
    from overleg.access import rule_for

    with app.test_request_context():
        endpoints = [e for e in app.view_functions if e.startswith("admin.")]
        assert len(endpoints) > 25
        assert {e: rule_for(e) for e in endpoints} == {
            e: "secretaris" if e in SECRETARY_ADMIN_ENDPOINTS else "beheerder" for e in endpoints
        }


@pytest.mark.parametrize("role", ADMIN_DENIED_ROLES)
def test_index_is_403_for_others(as_role, role):
    assert as_role(role).get("/beheer/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/beheer/personen")
    assert resp.status_code == 302 and "/inloggen" in resp.headers["Location"]


def test_usages_include_meetings_a_person_took_part_in(seeded):
    guest = make_person("gast@example.org", password=None, name="Gast")
    make_meeting("tvo", date(2019, 3, 12), participants=[(guest, "guest")])
    found = usages(guest)
    assert [(u.plural, u.count) for u in found] == [("deelnames aan overleggen", 1)]
    assert deletion_refusal(guest) == (
        "Deze persoon kan niet worden verwijderd: 1 deelname aan een overleg (Tactisch "
        "Veiligheidsoverleg van 12 maart 2019) hoort erbij. Zet de persoon op inactief als die "
        "niet meer meedoet."
    )
    with pytest.raises(AdminError):
        delete_object(guest)
    db.session.rollback()
    assert db.session.get(Person, guest.id) is not None


def test_usages_of_a_body_with_meetings_and_paths(seeded):
    for day in (date(2019, 1, 8), date(2019, 2, 5), date(2019, 3, 5), date(2019, 4, 2)):
        make_meeting("driehoek", day)
    text = deletion_refusal(meeting_type("driehoek"))
    assert (
        "2 escalatiepaden (Driehoeksoverleg → Tactisch Veiligheidsoverleg, Tactisch "
        "Veiligheidsoverleg → Driehoeksoverleg)" in text
    )
    assert "4 overleggen (8 januari 2019, 5 februari 2019, 5 maart 2019, …)" in text


def test_unused_objects_have_no_usages(db):
    org = Organisation(name="Nieuw", kind="overig")
    mt = MeetingType(code="x1", name="X", level="tactisch")
    db.session.add_all([org, mt])
    db.session.commit()
    assert usages(org) == [] and deletion_refusal(mt) is None


def test_every_restricting_reference_has_a_dutch_label(app):
    """A table added later that refers to an administered object must be named in Dutch
    in the refusal: add it to USAGE_LABELS in overleg/domain/admin.py."""
    administered = {"organisation", "person", "role", "meeting_type"}
    missing = []
    for mapper in db.Model.registry.mappers:
        for fk in mapper.local_table.foreign_keys:
            key = (mapper.local_table.name, fk.parent.name)
            blocking = (fk.ondelete or "NO ACTION").upper() not in (
                "CASCADE",
                "SET NULL",
            ) or key in BLOCKING_CASCADES
            if fk.column.table.name in administered and blocking and key not in USAGE_LABELS:
                missing.append(key)
    assert missing == []


def test_admin_forms_carry_and_require_the_csrf_token(csrf_app, people, seeded):
    c = csrf_app.test_client()
    # log in with the token from the login page
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|'
        r'name="csrf_token" value="([^"]+)"',
        page(c.get("/inloggen")),
    )
    assert token
    value = token.group(1) or token.group(2)
    resp = c.post(
        "/inloggen",
        data={
            "email": people["beheerder"].email,
            "password": "correct-horse-battery",
            "csrf_token": value,
        },
    )
    assert resp.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Bureau HALT"))
    html = page(c.get(f"/beheer/organisaties/{org.id}"))
    assert html.count('name="csrf_token"') >= 3  # logout, the form, the delete button
    resp = c.post(f"/beheer/organisaties/{org.id}/verwijderen")
    assert resp.status_code == 400
    assert "beveiligingscode ontbreekt" in page(resp)
    assert db.session.get(Organisation, org.id) is not None
