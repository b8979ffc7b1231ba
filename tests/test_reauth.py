"""Re-authentication (overleg/auth/reauth.py): a beheerder who logged in more than
REAUTH_MINUTES ago proves the password again before changing accounts, application roles or
who holds a function, and before exporting the audit log. Changing one's own password asks
for the current one in its own form. The clock moves only after the login."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from overleg.models import Person
from tests.conftest import TEST_PASSWORD, assert_audit, login

LATER = timedelta(minutes=11)  # past REAUTH_MINUTES (10)


def prompt_target(resp) -> str | None:
    """Where the confirmation page will send back to, if this response goes there."""
    if resp.status_code != 302:
        return None
    parts = urlsplit(resp.headers["Location"])
    if parts.path != "/account/bevestigen":
        return None
    return parse_qs(parts.query)["next"][0]


@pytest.fixture
def admin_client(app, people):
    client = app.test_client()
    assert login(client, people["beheerder"].email).status_code == 302
    return client


def test_right_after_login_no_prompt(admin_client, people):
    member = people["deelnemer"]
    assert admin_client.get(f"/beheer/personen/{member.id}").status_code == 200
    assert admin_client.get(f"/beheer/personen/{member.id}/account").status_code == 200
    assert admin_client.get("/beheer/logboek/export.csv").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/personen/{id}",
        "/beheer/personen/{id}/account",
        "/beheer/personen/nieuw",
        "/beheer/logboek/export.csv",
    ],
)
def test_later_the_page_asks_for_the_password_first(admin_client, people, clock, path):
    url = path.format(id=people["deelnemer"].id)
    clock.shift(LATER)
    resp = admin_client.get(url)
    assert prompt_target(resp) == url
    page = admin_client.get(resp.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Wachtwoord bevestigen" in html
    # a wrong password: the form again with a Dutch message, still refused
    wrong = admin_client.post(resp.headers["Location"], data={"password": "niet-het-goede-1"})
    assert wrong.status_code == 400 and "Dit wachtwoord klopt niet." in wrong.get_data(as_text=True)
    assert prompt_target(admin_client.get(url)) == url
    # the right one: back to the page, which opens now
    right = admin_client.post(resp.headers["Location"], data={"password": TEST_PASSWORD})
    assert right.status_code == 302 and right.headers["Location"] == url
    assert admin_client.get(url).status_code == 200
    assert_audit("reauth_failed", person_id=people["beheerder"].id)
    assert_audit("reauthenticated", person_id=people["beheerder"].id)
    # and only for a while
    clock.shift(LATER)
    assert prompt_target(admin_client.get(url)) == url


def test_a_change_posted_later_is_not_made(admin_client, people, db, clock):
    member = people["deelnemer"]
    form = {
        "name": member.name,
        "email": member.email,
        "app_role": "beheerder",  # an escalation of rights
        "active": "y",
        "organisation_id": "",
    }
    clock.shift(LATER)
    resp = admin_client.post(
        f"/beheer/personen/{member.id}",
        data=form,
        headers={"Referer": f"http://localhost/beheer/personen/{member.id}"},
    )
    assert prompt_target(resp) == f"/beheer/personen/{member.id}"
    db.session.expire_all()
    assert db.session.get(Person, member.id).app_role == "deelnemer"
    # after confirming, the same change goes through
    admin_client.post(resp.headers["Location"], data={"password": TEST_PASSWORD})
    done = admin_client.post(f"/beheer/personen/{member.id}", data=form)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, member.id).app_role == "beheerder"


def test_removing_an_account_later_asks_first(admin_client, people, db, clock):
    member = people["deelnemer"]
    clock.shift(LATER)
    resp = admin_client.post(f"/beheer/personen/{member.id}/account/verwijderen")
    assert prompt_target(resp) == "/"  # no referrer: home after confirming
    db.session.expire_all()
    assert db.session.scalar(select(Person.password_hash).where(Person.id == member.id))


def test_other_admin_pages_need_no_prompt(admin_client, clock):
    clock.shift(LATER)
    for url in ("/beheer/", "/beheer/personen", "/beheer/logboek", "/beheer/organisaties"):
        assert admin_client.get(url).status_code == 200, url


def test_confirmation_goes_back_only_within_the_site(admin_client, clock):
    clock.shift(LATER)
    resp = admin_client.post(
        "/account/bevestigen?next=//evil.example/x", data={"password": TEST_PASSWORD}
    )
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_changing_the_own_password_asks_for_the_current_one(client, people, clock):
    login(client, people["deelnemer"].email)
    clock.shift(LATER)
    resp = client.post(
        "/account/wachtwoord",
        data={
            "current": "niet-het-goede-1",
            "new": "een-nieuw-wachtwoord",
            "confirm": "een-nieuw-wachtwoord",
        },
    )
    assert resp.status_code == 400
    assert "Het huidige wachtwoord klopt niet." in resp.get_data(as_text=True)
    resp = client.post(
        "/account/wachtwoord",
        data={
            "current": TEST_PASSWORD,
            "new": "een-nieuw-wachtwoord",
            "confirm": "een-nieuw-wachtwoord",
        },
    )
    assert resp.status_code == 302


def test_a_participant_cannot_reach_the_admin_pages_by_confirming(client, people):
    login(client, people["deelnemer"].email)
    client.post("/account/bevestigen", data={"password": TEST_PASSWORD})
    assert client.get("/beheer/logboek/export.csv").status_code == 403
