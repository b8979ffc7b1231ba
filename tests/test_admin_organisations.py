"""Beheer: organisations (ketenpartners)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from overleg.extensions import db
from overleg.models import Organisation, Role
from tests.admin_support import ADMIN_DENIED_ROLES, alerts, field_error, page, table_column
from tests.conftest import assert_audit, make_person


def org(name, short=None, kind="overig"):
    o = Organisation(name=name, short_name=short, kind=kind)
    db.session.add(o)
    db.session.commit()
    return o


def test_create_organisation(admin):
    resp = admin.post(
        "/beheer/organisaties/nieuw",
        data={
            "name": "  Brandweer Groningen ",
            "short_name": "Brandweer",
            "kind": "veiligheid",
            "description": "Veiligheidsregio",
        },
    )
    assert resp.status_code == 302
    o = db.session.scalar(select(Organisation).where(Organisation.name == "Brandweer Groningen"))
    assert o.short_name == "Brandweer" and o.kind == "veiligheid"
    assert_audit("organisation_created", object_id=o.id)
    listing = admin.get("/beheer/organisaties")
    assert "Brandweer Groningen" in page(listing) and "Veiligheid" in page(listing)


def test_edit_organisation(admin):
    o = org("Politie", "Pol", "politie")
    form = admin.get(f"/beheer/organisaties/{o.id}")
    assert 'value="Politie"' in page(form)
    resp = admin.post(
        f"/beheer/organisaties/{o.id}",
        data={"name": "Politie Noord-Nederland", "short_name": "Politie", "kind": "politie"},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "Organisatie ‘Politie Noord-Nederland’ is opgeslagen." in alerts(resp, "ok")[0]
    db.session.expire_all()
    assert db.session.get(Organisation, o.id).name == "Politie Noord-Nederland"


def test_bad_input_is_refused_in_dutch(admin):
    org("Gemeente Midden-Groningen")
    resp = admin.post("/beheer/organisaties/nieuw", data={"name": "", "kind": "overig"})
    assert resp.status_code == 400
    assert field_error(resp, "name") == "Vul de naam van de organisatie in."
    assert "Het formulier is niet opgeslagen" in alerts(resp)[0]

    resp = admin.post(
        "/beheer/organisaties/nieuw", data={"name": "gemeente midden-groningen", "kind": "overig"}
    )
    assert resp.status_code == 400
    assert field_error(resp, "name") == "Er bestaat al een organisatie met deze naam."

    resp = admin.post("/beheer/organisaties/nieuw", data={"name": "X", "kind": "maffia"})
    assert resp.status_code == 400
    assert field_error(resp, "kind") == "Ongeldige keuze."

    resp = admin.post("/beheer/organisaties/nieuw", data={"name": "Y" * 201, "kind": "overig"})
    assert resp.status_code == 400
    assert field_error(resp, "name") == "Gebruik hoogstens 200 tekens."
    assert db.session.scalar(select(Organisation).where(Organisation.name == "X")) is None


def test_delete_unused_organisation(admin):
    o = org("Tijdelijk")
    resp = admin.post(f"/beheer/organisaties/{o.id}/verwijderen", follow_redirects=True)
    assert "Organisatie ‘Tijdelijk’ is verwijderd." in alerts(resp, "ok")[0]
    assert db.session.get(Organisation, o.id) is None
    assert_audit("organisation_deleted", object_id=o.id)


def test_delete_in_use_is_refused_with_what_uses_it(admin):
    o = org("OM")
    for i in range(3):
        make_person(f"p{i}@example.org", name=f"Persoon {i}", organisation=o)
    db.session.add_all(
        [Role(name="Officier", organisation=o), Role(name="Parketsecretaris", organisation=o)]
    )
    db.session.commit()
    resp = admin.post(f"/beheer/organisaties/{o.id}/verwijderen")
    assert resp.status_code == 302
    resp = admin.get(resp.headers["Location"])
    assert alerts(resp) == [
        "Deze organisatie kan niet worden verwijderd: 3 personen (Persoon 0, Persoon 1, "
        "Persoon 2) en 2 functies (Officier, Parketsecretaris) horen erbij."
    ]
    assert db.session.get(Organisation, o.id) is not None


def test_search_and_sort(admin):
    org("Veilig Thuis Groningen", "VT", "zorg")
    org("Politie Noord-Nederland", "Politie", "politie")
    big = org("Gemeente", "Gem", "gemeente")
    make_person("a@example.org", organisation=big)
    make_person("b@example.org", organisation=big)

    names = table_column(admin.get("/beheer/organisaties"))
    assert names == ["Gemeente", "Politie Noord-Nederland", "Veilig Thuis Groningen"]
    names = table_column(admin.get("/beheer/organisaties?sort=naam&richting=desc"))
    assert names == ["Veilig Thuis Groningen", "Politie Noord-Nederland", "Gemeente"]
    names = table_column(admin.get("/beheer/organisaties?sort=personen&richting=desc"))
    assert names[0] == "Gemeente"
    resp = admin.get("/beheer/organisaties?q=groningen")
    assert table_column(resp) == ["Veilig Thuis Groningen"]
    assert "1 organisatie gevonden voor ‘groningen’" in page(resp)
    assert table_column(admin.get("/beheer/organisaties?q=VT")) == ["Veilig Thuis Groningen"]
    # the sort links keep the search
    assert "?q=groningen&sort=naam" in page(resp)
    # wildcards are taken literally
    assert "0 organisaties gevonden" in page(admin.get("/beheer/organisaties?q=%25"))


@pytest.mark.parametrize("role", ADMIN_DENIED_ROLES)
def test_non_admins_get_403(as_role, role):
    o = org("Politie")
    c = as_role(role)
    assert c.get("/beheer/organisaties").status_code == 403
    assert c.get(f"/beheer/organisaties/{o.id}").status_code == 403
    assert (
        c.post("/beheer/organisaties/nieuw", data={"name": "Nep", "kind": "overig"}).status_code
        == 403
    )
    assert c.post(f"/beheer/organisaties/{o.id}/verwijderen").status_code == 403
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Nep")) is None
    assert db.session.get(Organisation, o.id) is not None


def test_a_database_constraint_is_a_dutch_refusal_not_a_500(admin, monkeypatch):
    """If the domain check is passed by a concurrent change, the database constraint still
    answers with a Dutch message and status 400."""
    from overleg.domain import admin as domain

    org("Politie")
    monkeypatch.setattr(domain, "_unique", lambda *args, **kwargs: None)  # the race
    resp = admin.post("/beheer/organisaties/nieuw", data={"name": "Politie", "kind": "politie"})
    assert resp.status_code == 400
    assert "een gelijktijdige wijziging kwam ertussen" in alerts(resp)[0]
    assert len(db.session.scalars(select(Organisation)).all()) == 1
