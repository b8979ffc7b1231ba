"""Beheer: roles (functies) and who holds them, with a deputy."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from overleg.extensions import db
from overleg.models import Organisation, Role, RoleHolding
from tests.admin_support import ADMIN_DENIED_ROLES, alerts, field_error, page, table_column
from tests.conftest import assert_audit, make_person
from tests.factories import meeting_type


def role(name, org=None):
    r = Role(name=name, organisation=org)
    db.session.add(r)
    db.session.commit()
    return r


def holding_data(person, deputy=None, start="2019-01-01", end=""):
    return {
        "person_id": str(person.id),
        "deputy_id": str(deputy.id) if deputy else "",
        "start_date": start,
        "end_date": end,
    }


def holdings(r):
    db.session.expire_all()
    return db.session.scalars(
        select(RoleHolding).where(RoleHolding.role_id == r.id).order_by(RoleHolding.start_date)
    ).all()


def test_create_and_edit_role(admin):
    org = Organisation(name="Openbaar Ministerie", kind="justitie")
    db.session.add(org)
    db.session.commit()
    resp = admin.post(
        "/beheer/functies/nieuw",
        data={
            "name": "Officier van justitie",
            "organisation_id": str(org.id),
            "description": "Lid van de driehoek",
        },
    )
    r = db.session.scalar(select(Role).where(Role.name == "Officier van justitie"))
    assert resp.headers["Location"].endswith(f"/beheer/functies/{r.id}/bezetting/nieuw")
    assert r.organisation_id == org.id
    assert_audit("role_created", object_id=r.id)
    resp = admin.post(
        f"/beheer/functies/{r.id}",
        data={"name": "Officier van justitie (parket Noord)", "organisation_id": ""},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    r = db.session.get(Role, r.id)
    assert r.name == "Officier van justitie (parket Noord)" and r.organisation_id is None


def test_bad_role_input_is_refused(admin):
    role("Burgemeester")
    resp = admin.post("/beheer/functies/nieuw", data={"name": " ", "organisation_id": ""})
    assert resp.status_code == 400
    assert field_error(resp, "name") == "Vul de naam van de functie in."
    resp = admin.post(
        "/beheer/functies/nieuw", data={"name": "BURGEMEESTER", "organisation_id": ""}
    )
    assert resp.status_code == 400
    assert field_error(resp, "name") == "Er bestaat al een functie met deze naam."
    assert len(db.session.scalars(select(Role)).all()) == 1


def test_holdings_with_deputy_and_no_overlap(admin):
    r = role("Burgemeester")
    old = make_person("oud@example.org", name="Oud Burgemeester")
    new = make_person("nieuw@example.org", name="Nieuwe Burgemeester")
    loco = make_person("loco@example.org", name="Loco Burgemeester")
    url = f"/beheer/functies/{r.id}/bezetting/nieuw"

    resp = admin.post(url, data=holding_data(old, loco, "2019-01-01", ""))
    assert resp.status_code == 302
    assert_audit("role_holding_created", object_id=r.id)
    # an open-ended holding: a second one overlaps
    resp = admin.post(url, data=holding_data(new, loco, "2019-06-01", ""))
    assert resp.status_code == 400
    assert field_error(resp, "start_date") == (
        "Deze periode overlapt met de bezetting door Oud Burgemeester (vanaf 1 januari 2019). "
        "Beëindig die bezetting eerst of kies een andere periode."
    )
    # end the first, then the successor fits
    first = holdings(r)[0]
    resp = admin.post(
        f"/beheer/functies/{r.id}/bezetting/{first.id}",
        data=holding_data(old, loco, "2019-01-01", "2019-05-31"),
    )
    assert resp.status_code == 302
    form = page(admin.get(url))
    assert 'value="2019-06-01"' in form  # the successor starts the day after
    assert "Oud Burgemeester: 1 januari 2019 – 31 mei 2019" in form
    resp = admin.post(url, data=holding_data(new, loco, "2019-06-01", ""))
    assert resp.status_code == 302
    assert [(h.person.name, h.end_date) for h in holdings(r)] == [
        ("Oud Burgemeester", date(2019, 5, 31)),
        ("Nieuwe Burgemeester", None),
    ]
    # a period inside an existing one is refused too
    resp = admin.post(url, data=holding_data(loco, None, "2019-03-01", "2019-03-02"))
    assert (
        "overlapt met de bezetting door Oud Burgemeester (van 1 januari 2019 tot en met "
        "31 mei 2019)" in field_error(resp, "start_date")
    )

    listing = page(admin.get("/beheer/functies"))
    assert "Nieuwe Burgemeester" in listing and "Loco Burgemeester" in listing
    detail = page(admin.get(f"/beheer/functies/{r.id}"))
    assert "1 januari 2019 – 31 mei 2019" in detail and "1 juni 2019 – heden" in detail


def test_bad_holding_input_is_refused(admin):
    r = role("BT-chef")
    p = make_person("chef@example.org", name="Chef")
    url = f"/beheer/functies/{r.id}/bezetting/nieuw"
    resp = admin.post(url, data=holding_data(p, p))
    assert resp.status_code == 400
    assert (
        field_error(resp, "deputy_id")
        == "De plaatsvervanger moet iemand anders zijn dan de functionaris."
    )
    resp = admin.post(url, data=holding_data(p, None, "2019-05-01", "2019-04-30"))
    assert resp.status_code == 400
    assert field_error(resp, "end_date") == "De einddatum ligt vóór de begindatum."
    resp = admin.post(url, data={"person_id": "", "deputy_id": "", "start_date": ""})
    assert resp.status_code == 400
    assert field_error(resp, "person_id") == "Kies wie de functie vervult."
    assert field_error(resp, "start_date") == "Vul de begindatum in."
    resp = admin.post(url, data=holding_data(p, None, "2019-13-45"))
    assert field_error(resp, "start_date") == "Ongeldige datum."
    assert holdings(r) == []


def test_delete_holding_and_unused_role(admin):
    r = role("Tijdelijke functie")
    p = make_person("t@example.org")
    db.session.add(RoleHolding(role=r, person=p, start_date=date(2019, 1, 1)))
    db.session.commit()
    h = holdings(r)[0]
    resp = admin.post(
        f"/beheer/functies/{r.id}/bezetting/{h.id}/verwijderen", follow_redirects=True
    )
    assert "De bezetting is verwijderd." in alerts(resp, "ok")
    assert holdings(r) == []
    resp = admin.post(f"/beheer/functies/{r.id}/verwijderen", follow_redirects=True)
    assert "Functie ‘Tijdelijke functie’ is verwijderd." in alerts(resp, "ok")[0]
    assert db.session.get(Role, r.id) is None


def test_delete_role_in_use_is_refused(admin, seeded):
    r = db.session.scalar(select(Role).where(Role.name == "Burgemeester"))
    resp = admin.post(f"/beheer/functies/{r.id}/verwijderen", follow_redirects=True)
    assert alerts(resp) == [
        "Deze functie kan niet worden verwijderd: 1 functiebezetting (Adriaan Hoekstra) en "
        "2 vaste plaatsen in overleggen (Driehoeksoverleg, Politie Overleg) horen erbij."
    ]
    assert db.session.get(Role, r.id) is not None
    assert len(meeting_type("driehoek").roster) == 4


def test_search_and_sort(admin):
    om = Organisation(name="OM", kind="justitie")
    gem = Organisation(name="Gemeente", kind="gemeente")
    role("Officier van justitie", om)
    role("Burgemeester", gem)
    role("Ambtenaar OOV", gem)
    assert table_column(admin.get("/beheer/functies")) == [
        "Ambtenaar OOV",
        "Burgemeester",
        "Officier van justitie",
    ]
    assert table_column(admin.get("/beheer/functies?sort=organisatie&richting=desc")) == [
        "Officier van justitie",
        "Ambtenaar OOV",
        "Burgemeester",
    ]
    assert table_column(admin.get("/beheer/functies?q=gemeente")) == [
        "Ambtenaar OOV",
        "Burgemeester",
    ]
    assert table_column(admin.get("/beheer/functies?q=justitie&sort=naam&richting=desc")) == [
        "Officier van justitie"
    ]


def test_roles_list_queries_do_not_grow(admin, count_queries):
    for i in range(3):
        r = role(f"Functie {i}")
        db.session.add(
            RoleHolding(
                role=r, person=make_person(f"h{i}@example.org"), start_date=date(2019, 1, 1)
            )
        )
    db.session.commit()
    with count_queries() as few:
        admin.get("/beheer/functies")
    for i in range(3, 12):
        r = role(f"Functie {i}")
        db.session.add(
            RoleHolding(
                role=r, person=make_person(f"h{i}@example.org"), start_date=date(2019, 1, 1)
            )
        )
    db.session.commit()
    with count_queries() as many:
        admin.get("/beheer/functies")
    assert many.count == few.count


@pytest.mark.parametrize("role_name", ADMIN_DENIED_ROLES)
def test_non_admins_get_403(as_role, people, role_name):
    r = role("Burgemeester")
    c = as_role(role_name)
    assert c.get("/beheer/functies").status_code == 403
    assert c.get(f"/beheer/functies/{r.id}").status_code == 403
    assert (
        c.post(
            f"/beheer/functies/{r.id}/bezetting/nieuw", data=holding_data(people[role_name])
        ).status_code
        == 403
    )
    assert c.post(f"/beheer/functies/{r.id}/verwijderen").status_code == 403
    assert holdings(r) == [] and db.session.get(Role, r.id) is not None
