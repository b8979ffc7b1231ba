"""Beheer: people, accounts (argon2id), unavailability."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from overleg.extensions import db
from overleg.models import AuditEvent, Organisation, Person, Role, RoleHolding, Unavailability
from tests.admin_support import ADMIN_DENIED_ROLES, alerts, field_error, page, table_column
from tests.conftest import assert_audit, login, make_person

NEW_PASSWORD = "een-lang-en-sterk-wachtwoord"


def person_data(**overrides):
    data = {
        "name": "Wim Wijkagent",
        "email": "Wim.Wijkagent@Example.org",
        "phone": "06-12345678",
        "organisation_id": "",
        "app_role": "deelnemer",
        "active": "y",
    }
    data.update(overrides)
    return data


def by_email(email):
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.email == email))


def test_create_person_stores_email_lower_case(admin):
    org = Organisation(name="Politie", kind="politie")
    db.session.add(org)
    db.session.commit()
    resp = admin.post("/beheer/personen/nieuw", data=person_data(organisation_id=str(org.id)))
    assert resp.status_code == 302
    p = by_email("wim.wijkagent@example.org")
    assert p.name == "Wim Wijkagent" and p.organisation_id == org.id and p.phone == "06-12345678"
    assert p.password_hash is None  # an external guest until an account is made
    assert resp.headers["Location"].endswith(f"/beheer/personen/{p.id}/account")
    assert_audit("person_created", object_id=p.id)
    listing = page(admin.get("/beheer/personen?q=wim"))
    assert "wim.wijkagent@example.org" in listing and "Nee (gast)" in listing


def test_edit_person_and_deactivate_ends_sessions(app, admin):
    p = make_person("dirk@example.org", "deelnemer", "Dirk")
    own = app.test_client()
    assert login(own, "dirk@example.org").status_code == 302
    assert own.get("/").status_code == 200
    resp = admin.post(
        f"/beheer/personen/{p.id}",
        data=person_data(
            name="Dirk de Vries", email="dirk@example.org", app_role="secretaris", active=""
        ),
    )
    assert resp.status_code == 302
    p = by_email("dirk@example.org")
    assert (p.name, p.app_role, p.active) == ("Dirk de Vries", "secretaris", False)
    assert_audit("person_changed", object_id=p.id)
    assert own.get("/").status_code == 302  # logged out: the session is gone
    assert "Inactief" in page(admin.get("/beheer/personen?status=inactief"))


def test_bad_person_input_is_refused_in_dutch(admin, people):
    resp = admin.post("/beheer/personen/nieuw", data=person_data(name="", email="geen-adres"))
    assert resp.status_code == 400
    assert field_error(resp, "name") == "Vul de naam in."
    assert (
        field_error(resp, "email")
        == "Vul een geldig e-mailadres in, bijvoorbeeld naam@example.org."
    )

    resp = admin.post(
        "/beheer/personen/nieuw", data=person_data(email="DEELNEMER@test.example.org")
    )
    assert resp.status_code == 400
    assert field_error(resp, "email") == "Dit e-mailadres is al in gebruik bij Dirk Deelnemer."

    resp = admin.post("/beheer/personen/nieuw", data=person_data(app_role="koning"))
    assert resp.status_code == 400
    assert field_error(resp, "app_role") == "Ongeldige keuze."

    resp = admin.post("/beheer/personen/nieuw", data=person_data(organisation_id="999"))
    assert resp.status_code == 400
    assert field_error(resp, "organisation_id") == "Ongeldige keuze."
    assert by_email("wim.wijkagent@example.org") is None


def test_admin_cannot_take_away_own_administration(admin, people):
    me = people["beheerder"]
    resp = admin.post(
        f"/beheer/personen/{me.id}",
        data=person_data(name=me.name, email=me.email, app_role="deelnemer"),
    )
    assert resp.status_code == 400
    assert "U kunt uw eigen beheerdersrechten" in field_error(resp, "app_role")
    resp = admin.post(f"/beheer/personen/{me.id}/verwijderen", follow_redirects=True)
    assert alerts(resp) == ["U kunt uw eigen gegevens niet verwijderen."]
    resp = admin.post(f"/beheer/personen/{me.id}/account/verwijderen", follow_redirects=True)
    assert "U kunt uw eigen beheerdersrechten" in alerts(resp)[0]
    assert by_email(me.email).is_admin and by_email(me.email).has_account


def test_set_password_creates_account_with_argon2id(app, admin):
    p = make_person("gast@example.org", password=None, name="Gerda Gast")
    page_before = page(admin.get(f"/beheer/personen/{p.id}/account"))
    assert "Geen account" in page_before and "Account aanmaken" in page_before

    resp = admin.post(
        f"/beheer/personen/{p.id}/account", data={"password": "kort", "confirm": "kort"}
    )
    assert resp.status_code == 400
    assert field_error(resp, "password") == "Kies een wachtwoord van minstens 12 tekens."
    resp = admin.post(
        f"/beheer/personen/{p.id}/account",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"},
    )
    assert resp.status_code == 400
    assert field_error(resp, "confirm") == "De twee wachtwoorden zijn niet gelijk."
    assert by_email("gast@example.org").password_hash is None

    resp = admin.post(
        f"/beheer/personen/{p.id}/account", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert resp.status_code == 302
    assert by_email("gast@example.org").password_hash.startswith("$argon2id$")
    assert_audit("account_created", object_id=p.id)
    assert login(app.test_client(), "gast@example.org", NEW_PASSWORD).status_code == 302

    admin.post(
        f"/beheer/personen/{p.id}/account",
        data={"password": NEW_PASSWORD + "2", "confirm": NEW_PASSWORD + "2"},
    )
    assert_audit("account_password_set", object_id=p.id)


def test_remove_account_makes_a_guest(app, admin):
    p = make_person("ex@example.org", name="Ex Collega")
    own = app.test_client()
    login(own, "ex@example.org")
    assert own.post("/agenda/abonnement").status_code == 302  # a personal calendar feed
    token = by_email("ex@example.org").feed_token
    assert token and app.test_client().get(f"/agenda/{token}.ics").status_code == 200
    resp = admin.post(f"/beheer/personen/{p.id}/account/verwijderen", follow_redirects=True)
    assert "Ex Collega kan niet meer inloggen" in alerts(resp, "ok")[0]
    assert by_email("ex@example.org").password_hash is None
    assert own.get("/").status_code == 302
    assert login(app.test_client(), "ex@example.org").status_code == 400  # refused, with a message
    assert app.test_client().get(f"/agenda/{token}.ics").status_code == 404
    assert_audit("account_removed", object_id=p.id)


def test_one_admin_may_demote_another_but_not_the_last(admin, people):
    from overleg.domain.admin import AdminError, remove_account

    other = make_person("beheer2@example.org", "beheerder", "Tweede Beheerder")
    resp = admin.post(
        f"/beheer/personen/{other.id}",
        data=person_data(name=other.name, email=other.email, app_role="deelnemer"),
    )
    assert resp.status_code == 302
    assert by_email(other.email).app_role == "deelnemer"
    # outside the screens (no acting person) the last beheerder is still kept
    with pytest.raises(AdminError, match="minstens één actieve beheerder"):
        remove_account(by_email(people["beheerder"].email))


def test_unavailability(admin):
    p = make_person("verlof@example.org", name="Vera Verlof")
    url = f"/beheer/personen/{p.id}/afwezigheid"
    resp = admin.post(
        url,
        data={"start_date": "2019-07-01", "end_date": "2019-07-21", "reason": "Zomerverlof"},
        follow_redirects=True,
    )
    assert "De afwezigheid is vastgelegd." in alerts(resp, "ok")[0]
    assert "1 juli 2019 – 21 juli 2019" in page(resp) and "Zomerverlof" in page(resp)
    assert_audit("person_changed", object_id=p.id)

    resp = admin.post(url, data={"start_date": "2019-08-10", "end_date": "2019-08-01"})
    assert resp.status_code == 400
    assert field_error(resp, "end_date") == "De einddatum ligt vóór de begindatum."
    resp = admin.post(url, data={"start_date": "2019-07-20", "end_date": "2019-07-25"})
    assert resp.status_code == 400
    assert field_error(resp, "start_date") == (
        "Deze periode overlapt met een afwezigheid die al is vastgelegd (van 1 juli 2019 tot en "
        "met 21 juli 2019)."
    )
    resp = admin.post(url, data={"start_date": "1 juli", "end_date": ""})
    assert resp.status_code == 400
    assert field_error(resp, "start_date") == "Ongeldige datum."
    assert field_error(resp, "end_date") == "Vul de laatste dag in."

    item = db.session.scalar(select(Unavailability).where(Unavailability.person_id == p.id))
    admin.post(f"{url}/{item.id}/verwijderen")
    assert db.session.scalar(select(Unavailability)) is None


def test_delete_person(admin):
    unused = make_person("weg@example.org", name="Weg")
    resp = admin.post(f"/beheer/personen/{unused.id}/verwijderen", follow_redirects=True)
    assert "Weg is verwijderd." in alerts(resp, "ok")[0]
    assert by_email("weg@example.org") is None
    assert_audit("person_deleted", object_id=unused.id)


def test_delete_person_in_use_is_refused(admin):
    holder = make_person("bgm@example.org", name="Burgemeester B")
    deputy = make_person("loco@example.org", name="Loco L")
    role = Role(name="Burgemeester")
    db.session.add(role)
    db.session.add(
        RoleHolding(role=role, person=holder, deputy=deputy, start_date=date(2019, 1, 1))
    )
    db.session.commit()
    resp = admin.post(f"/beheer/personen/{deputy.id}/verwijderen", follow_redirects=True)
    assert alerts(resp) == [
        "Deze persoon kan niet worden verwijderd: 1 plaatsvervanging (Burgemeester (voor "
        "Burgemeester B)) hoort erbij. Zet de persoon op inactief als die niet meer meedoet."
    ]
    resp = admin.post(f"/beheer/personen/{holder.id}/verwijderen", follow_redirects=True)
    assert "1 functiebezetting (Burgemeester)" in alerts(resp)[0]
    assert by_email("bgm@example.org") is not None and by_email("loco@example.org") is not None


def test_search_filter_and_sort(admin, people):
    org = Organisation(name="Veiligheidshuis", kind="veiligheid")
    db.session.add(org)
    make_person("anna@example.org", name="Anna Achterberg", organisation=org)
    make_person("zeger@example.org", name="Zeger Zwart", password=None)
    names = table_column(admin.get("/beheer/personen"))
    assert names == sorted(names, key=str.lower) and len(names) == 5
    names = table_column(admin.get("/beheer/personen?sort=naam&richting=desc"))
    assert names[0] == "Zeger Zwart" and names[-1] == "Anna Achterberg"
    assert table_column(admin.get("/beheer/personen?q=veiligheidshuis")) == ["Anna Achterberg"]
    assert table_column(admin.get("/beheer/personen?q=ZEGER@")) == ["Zeger Zwart"]
    assert table_column(admin.get("/beheer/personen?status=gast")) == ["Zeger Zwart"]
    assert table_column(admin.get("/beheer/personen?rol=secretaris")) == ["Sam Secretaris"]
    emails = table_column(admin.get("/beheer/personen?sort=email&richting=desc"), 1)
    assert emails == sorted(emails, reverse=True)


def test_people_list_has_no_n_plus_one(admin, count_queries):
    orgs = [Organisation(name=f"Org {i}", kind="overig") for i in range(3)]
    db.session.add_all(orgs)
    for i in range(3):
        make_person(f"x{i}@example.org", organisation=orgs[i])
    with count_queries() as few:
        admin.get("/beheer/personen")
    for i in range(3, 15):
        make_person(f"x{i}@example.org", organisation=orgs[i % 3])
    with count_queries() as many:
        resp = admin.get("/beheer/personen")
    assert len(table_column(resp)) == 18  # with the three of the `people` fixture
    assert many.count == few.count


@pytest.mark.parametrize("role", ADMIN_DENIED_ROLES)
def test_non_admins_get_403(as_role, people, role):
    c = as_role(role)
    target = people["deelnemer"]
    assert c.get("/beheer/personen").status_code == 403
    assert c.get(f"/beheer/personen/{target.id}/account").status_code == 403
    assert c.post("/beheer/personen/nieuw", data=person_data()).status_code == 403
    assert (
        c.post(
            f"/beheer/personen/{people[role].id}", data=person_data(app_role="beheerder")
        ).status_code
        == 403
    )
    assert (
        c.post(
            f"/beheer/personen/{target.id}/account",
            data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ).status_code
        == 403
    )
    assert by_email(people[role].email).app_role == role
    assert by_email("wim.wijkagent@example.org") is None
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.event.like("account%"))).all()


def test_a_name_with_a_line_break_is_refused(admin, people):
    """A name goes into mail headers: `Mallory\\r\\nBcc: ...` must never be saved."""
    message = "Gebruik in dit veld geen regeleinden, tabs of andere stuurtekens."
    for name in ("Mallory\r\nBcc: x@example.org", "Mallory\nBcc: x@example.org", "Mal\x00lory"):
        resp = admin.post("/beheer/personen/nieuw", data=person_data(name=name))
        assert resp.status_code == 400, repr(name)
        assert field_error(resp, "name") == message
    assert by_email("wim.wijkagent@example.org") is None
    # Editing an existing person the same way is refused and keeps the saved name.
    dirk = people["deelnemer"]
    resp = admin.post(
        f"/beheer/personen/{dirk.id}",
        data=person_data(name="Dirk\r\nBcc: x@example.org", email=dirk.email),
    )
    assert resp.status_code == 400
    assert field_error(resp, "name") == message
    db.session.expire_all()
    assert db.session.get(Person, dirk.id).name == "Dirk Deelnemer"
    # The plain name is accepted.
    resp = admin.post("/beheer/personen/nieuw", data=person_data(name="Mallory Bakker"))
    assert resp.status_code == 302
    assert by_email("wim.wijkagent@example.org").name == "Mallory Bakker"
