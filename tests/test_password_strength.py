"""New passwords are checked against zxcvbn's shipped lists of common and breached passwords,
words, names and patterns (overleg/auth/services.py, password_problem): weak ones are refused
with a Dutch reason, in the own-password form and when a beheerder sets one."""

from __future__ import annotations

import pytest

from overleg.auth.services import check_password, password_problem
from overleg.models import Person
from tests.conftest import TEST_PASSWORD, login

WEAK = {
    "aaaaaaaaaaaa": "herhaalt steeds dezelfde tekens",
    "password1234": "veelgebruikte of uitgelekte wachtwoorden",
    "123456789012": "veelgebruikte of uitgelekte wachtwoorden",
    "qwertyuiopas": "veelgebruikte of uitgelekte wachtwoorden",
    "Wachtwoord01!": "veelgebruikte of uitgelekte wachtwoorden",
}
STRONG = ["Veilig-Overleg-2019", "een-lang-en-sterk-wachtwoord", "fiets trein bus en boot"]


@pytest.mark.parametrize("password", sorted(WEAK))
def test_weak_passwords_are_refused_with_a_dutch_reason(password):
    problem = password_problem(password)
    assert problem is not None and WEAK[password] in problem
    assert "Kies een langer wachtwoord" in problem


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_pass(password):
    assert password_problem(password) is None


def test_own_e_mail_address_as_password_is_refused():
    email = "deelnemer@test.example.org"
    assert password_problem(email) is None  # as text alone it is long and odd enough
    problem = password_problem(email, ("Dirk Deelnemer", email))
    assert problem and "uw naam of e-mailadres" in problem


def test_length_rules_still_come_first():
    assert password_problem("kort") == "Kies een wachtwoord van minstens 12 tekens."
    assert password_problem("x" * 201) == "Kies een wachtwoord van hoogstens 200 tekens."
    assert "herhaalt" in password_problem("a" * 150)  # judged by its first 72 characters


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "password1234", "123456789012"])
def test_the_password_form_refuses_them(client, people, db, password):
    member = people["deelnemer"]
    login(client, member.email)
    resp = client.post(
        "/account/wachtwoord",
        data={"current": TEST_PASSWORD, "new": password, "confirm": password},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and WEAK[password] in html
    db.session.expire_all()
    assert check_password(db.session.get(Person, member.id), TEST_PASSWORD)
    # positive control: a strong one is taken
    strong = "fiets trein bus en boot"
    resp = client.post(
        "/account/wachtwoord", data={"current": TEST_PASSWORD, "new": strong, "confirm": strong}
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert check_password(db.session.get(Person, member.id), strong)


def test_a_beheerder_cannot_set_a_weak_one(as_role, people, db):
    admin = as_role("beheerder")
    member = people["deelnemer"]
    resp = admin.post(
        f"/beheer/personen/{member.id}/account",
        data={"password": "password1234", "confirm": "password1234"},
    )
    assert resp.status_code == 400
    assert "veelgebruikte of uitgelekte wachtwoorden" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert check_password(db.session.get(Person, member.id), TEST_PASSWORD)
