"""Accounts: login, logout, throttling, CSRF, argon2id hashes, own password, safe redirects."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from overleg.auth.services import authenticate, hash_password
from overleg.models import LoginSession, Person

from .conftest import TEST_PASSWORD, assert_audit, login, make_person

NEW_PASSWORD = "een-nieuw-lang-wachtwoord"


def _cookie(client, name="session"):
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _session_count(db, person) -> int:
    return db.session.scalar(
        select(func.count(LoginSession.id)).where(LoginSession.person_id == person.id)
    )


# --- login ----------------------------------------------------------------------------


def test_login_page_has_labelled_fields(client):
    html = client.get("/inloggen").get_data(as_text=True)
    assert '<label class="utrecht-form-label" for="email">E-mailadres' in html
    assert '<label class="utrecht-form-label" for="password">Wachtwoord' in html


def test_login_success_goes_home_and_shows_who(client, people, db):
    resp = login(client, people["secretaris"].email)
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Welkom, Sam Secretaris" in html
    assert "<strong>secretaris (OOV)</strong>" in html
    assert _session_count(db, people["secretaris"]) == 1
    assert_audit("login", person_id=people["secretaris"].id)
    assert db.session.get(Person, people["secretaris"].id).last_login_at is not None


def test_login_email_is_case_insensitive(client, people):
    resp = login(client, "  Secretaris@Test.Example.ORG ")
    assert resp.status_code == 302


@pytest.mark.parametrize(
    "email,password",
    [
        ("secretaris@test.example.org", "verkeerd-wachtwoord"),
        ("onbekend@test.example.org", TEST_PASSWORD),
    ],
)
def test_login_failure_is_refused_in_dutch(client, people, db, email, password):
    resp = login(client, email, password)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in html
    assert "Inloggen is niet gelukt." in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0
    # Still anonymous.
    assert client.get("/").status_code == 302


def test_login_empty_form_gets_dutch_messages(client):
    resp = client.post("/inloggen", data={"email": "", "password": ""})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Vul uw e-mailadres in." in html
    assert "Vul uw wachtwoord in." in html


def test_login_malformed_email_gets_dutch_message(client):
    resp = client.post("/inloggen", data={"email": "geen-adres", "password": "x"})
    assert resp.status_code == 400
    assert "Vul een geldig e-mailadres in" in resp.get_data(as_text=True)


def test_inactive_person_cannot_log_in(client, db):
    person = make_person("weg@test.example.org")
    person.active = False
    db.session.commit()
    resp = login(client, "weg@test.example.org")
    assert resp.status_code == 400
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in resp.get_data(as_text=True)


def test_person_without_account_cannot_log_in(client):
    make_person("gast@test.example.org", password=None)
    assert login(client, "gast@test.example.org", "").status_code == 400
    assert login(client, "gast@test.example.org", "wat-dan-ook-123").status_code == 400


def test_deactivating_a_person_ends_their_live_session(as_role, people, db):
    c = as_role("deelnemer")
    assert c.get("/").status_code == 200
    person = db.session.get(Person, people["deelnemer"].id)
    person.active = False
    db.session.commit()
    resp = c.get("/")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/inloggen"


def test_login_page_redirects_when_already_logged_in(as_role):
    c = as_role("deelnemer")
    resp = c.get("/inloggen")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/"


def test_login_starts_a_fresh_session(client, people):
    """No session fixation: the cookie before login does not carry over."""
    client.get("/inloggen")
    with client.session_transaction() as s:
        s["planted"] = "by-attacker"
    assert login(client, people["deelnemer"].email).status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s.get("_user_id")  # the new session is the logged-in one


def test_session_cookie_holds_no_person_id(client, people):
    login(client, people["deelnemer"].email)
    with client.session_transaction() as s:
        user_id = s.get("_user_id")
    assert user_id and user_id != str(people["deelnemer"].id)
    assert len(user_id) > 30


# --- logout ---------------------------------------------------------------------------


def test_logout_ends_the_session_on_the_server(app, client, people, db):
    login(client, people["secretaris"].email)
    assert client.get("/").status_code == 200
    copied = _cookie(client)

    resp = client.post("/uitloggen")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/inloggen"
    assert "U bent uitgelogd." in client.get("/inloggen").get_data(as_text=True)
    assert _session_count(db, people["secretaris"]) == 0

    # Replay the cookie from before the logout in a fresh browser.
    other = app.test_client()
    other.set_cookie("session", copied)
    resp = other.get("/")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/inloggen"
    assert other.get("/mijn-gegevens").status_code == 302


def test_logout_keeps_other_sessions_of_the_person(app, people):
    first, second = app.test_client(), app.test_client()
    login(first, people["deelnemer"].email)
    login(second, people["deelnemer"].email)
    first.post("/uitloggen")
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 200


def test_logout_needs_post(as_role):
    c = as_role("deelnemer")
    assert c.get("/uitloggen").status_code == 405
    assert c.get("/").status_code == 200


def test_logout_anonymous_gets_401(client):
    assert client.post("/uitloggen").status_code == 401


# --- throttling -----------------------------------------------------------------------


def test_failed_logins_are_throttled_with_dutch_message(client, people):
    for _ in range(5):
        assert login(client, people["deelnemer"].email, "fout-wachtwoord").status_code == 400
    resp = login(client, people["deelnemer"].email, "fout-wachtwoord")
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "Te veel mislukte inlogpogingen" in html
    assert '<html lang="nl">' in html
    # The right password does not get through either while throttled.
    assert login(client, people["deelnemer"].email).status_code == 429


def test_throttle_does_not_block_viewing_the_login_page(client, people):
    for _ in range(6):
        login(client, people["deelnemer"].email, "fout-wachtwoord")
    assert client.get("/inloggen").status_code == 200


def test_successful_logins_do_not_count(app, people):
    for _ in range(8):
        c = app.test_client()
        assert login(c, people["deelnemer"].email).status_code == 302
        c.post("/uitloggen")
    c = app.test_client()
    assert login(c, people["deelnemer"].email, "fout-wachtwoord").status_code == 400


def test_limiter_is_reset_between_tests_part_one(client, people):
    for _ in range(6):
        login(client, people["deelnemer"].email, "fout-wachtwoord")
    assert login(client, people["deelnemer"].email).status_code == 429


def test_limiter_is_reset_between_tests_part_two(client, people):
    # Runs after part one: the limit reached there does not carry over.
    assert login(client, people["deelnemer"].email).status_code == 302


# --- CSRF -----------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused(csrf_app, people):
    c = csrf_app.test_client()
    resp = c.post("/inloggen", data={"email": people["deelnemer"].email, "password": TEST_PASSWORD})
    assert resp.status_code == 400
    assert "Het formulier is verlopen of ongeldig" in resp.get_data(as_text=True)
    assert c.get("/").status_code == 302


def test_login_with_csrf_token_works(csrf_app, people):
    import re

    c = csrf_app.test_client()
    html = c.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    resp = c.post(
        "/inloggen",
        data={"email": people["deelnemer"].email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert resp.status_code == 302


def test_logout_and_password_change_without_csrf_token_are_refused(csrf_app, people, db):
    c = csrf_app.test_client()
    # Log in with CSRF switched off for that one request, then switch it on again.
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    assert login(c, people["deelnemer"].email).status_code == 302
    csrf_app.config["WTF_CSRF_ENABLED"] = True

    resp = c.post("/uitloggen")
    assert resp.status_code == 400
    assert "Het formulier is verlopen of ongeldig" in resp.get_data(as_text=True)
    assert c.get("/").status_code == 200  # still logged in

    resp = c.post(
        "/account/wachtwoord",
        data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert resp.status_code == 400
    db.session.expire_all()
    assert authenticate(people["deelnemer"].email, TEST_PASSWORD) is not None


# --- hashes ---------------------------------------------------------------------------


def test_password_hashes_are_argon2id(people, db):
    for person in people.values():
        assert person.password_hash.startswith("$argon2id$")
    fresh = hash_password("nog-een-wachtwoord")
    assert fresh.startswith("$argon2id$")
    assert "nog-een-wachtwoord" not in fresh
    assert hash_password("nog-een-wachtwoord") != fresh  # salted


def test_create_user_command_makes_argon2id_beheerder(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Eerste@Test.Example.org",
            "--name",
            "Eerste Beheerder",
            "--role",
            "beheerder",
            "--password",
            "een-lang-beheerderswachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    person = db.session.scalar(select(Person).where(Person.email == "eerste@test.example.org"))
    assert person.app_role == "beheerder"
    assert person.password_hash.startswith("$argon2id$")
    c = app.test_client()
    assert login(c, "eerste@test.example.org", "een-lang-beheerderswachtwoord").status_code == 302


def test_create_user_command_refuses_short_password(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "kort@test.example.org",
            "--name",
            "Kort",
            "--password",
            "kort",
        ]
    )
    assert result.exit_code != 0
    assert "minstens 12 tekens" in result.output
    assert db.session.scalar(select(Person).where(Person.email == "kort@test.example.org")) is None


# --- change own password --------------------------------------------------------------


def _change(c, current, new, confirm=None):
    return c.post(
        "/account/wachtwoord",
        data={"current": current, "new": new, "confirm": new if confirm is None else confirm},
    )


def test_change_password_page(as_role):
    html = as_role("deelnemer").get("/account/wachtwoord").get_data(as_text=True)
    assert "Huidig wachtwoord" in html and "Herhaal nieuw wachtwoord" in html


def test_change_password_wrong_current(as_role, people, db):
    resp = _change(as_role("deelnemer"), "niet-het-huidige", NEW_PASSWORD)
    assert resp.status_code == 400
    assert "Het huidige wachtwoord klopt niet." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert authenticate(people["deelnemer"].email, TEST_PASSWORD) is not None


def test_change_password_too_short(as_role, people, db):
    resp = _change(as_role("deelnemer"), TEST_PASSWORD, "kort")
    assert resp.status_code == 400
    assert "Kies een wachtwoord van minstens 12 tekens." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert authenticate(people["deelnemer"].email, "kort") is None


def test_change_password_mismatch(as_role, people, db):
    resp = _change(as_role("deelnemer"), TEST_PASSWORD, NEW_PASSWORD, "iets-heel-anders-123")
    assert resp.status_code == 400
    assert "De twee nieuwe wachtwoorden zijn niet gelijk." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert authenticate(people["deelnemer"].email, NEW_PASSWORD) is None


def test_change_password_empty_fields(as_role):
    resp = _change(as_role("deelnemer"), "", "", "")
    assert resp.status_code == 400
    assert "Dit veld is verplicht." in resp.get_data(as_text=True)


def test_change_password_success_ends_other_sessions(app, people, db):
    email = people["deelnemer"].email
    mine, other_browser = app.test_client(), app.test_client()
    login(mine, email)
    login(other_browser, email)
    other_cookie = _cookie(other_browser)
    assert _session_count(db, people["deelnemer"]) == 2

    resp = _change(mine, TEST_PASSWORD, NEW_PASSWORD)
    assert resp.status_code == 302
    assert "Uw wachtwoord is gewijzigd" in mine.get("/").get_data(as_text=True)
    assert mine.get("/").status_code == 200  # this session stays
    assert _session_count(db, people["deelnemer"]) == 1

    replay = app.test_client()
    replay.set_cookie("session", other_cookie)
    assert replay.get("/").status_code == 302
    assert other_browser.get("/").status_code == 302

    db.session.expire_all()
    person = db.session.get(Person, people["deelnemer"].id)
    assert person.password_hash.startswith("$argon2id$")
    assert authenticate(email, TEST_PASSWORD) is None
    assert authenticate(email, NEW_PASSWORD) is not None
    assert_audit("password_changed", person_id=person.id)


# --- next -----------------------------------------------------------------------------


def test_login_redirect_carries_next(client, people):
    resp = client.get("/mijn-gegevens")
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert urlsplit(location).path == "/inloggen"
    assert "next=" in location
    resp = client.post(
        location, data={"email": people["deelnemer"].email, "password": TEST_PASSWORD}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/mijn-gegevens"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "\\\\evil.example.com",
        "/\t/evil.example.com",
        "/\n/evil.example.com",
        "https:evil.example.com",
        "javascript:alert(1)",
        " //evil.example.com",
        "/\\/evil.example.com",
    ],
)
def test_next_cannot_redirect_off_site(client, people, target):
    resp = client.post(
        "/inloggen",
        query_string={"next": target},
        data={"email": people["deelnemer"].email, "password": TEST_PASSWORD},
    )
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location == "/", f"{target!r} -> {location!r}"


def test_next_keeps_local_path_with_query(client, people):
    resp = client.post(
        "/inloggen",
        query_string={"next": "/mijn-gegevens?tab=1"},
        data={"email": people["deelnemer"].email, "password": TEST_PASSWORD},
    )
    assert resp.headers["Location"] == "/mijn-gegevens?tab=1"


def test_idle_session_expires_on_the_server(client, people, db, app):
    from datetime import timedelta

    from overleg.timeutil import utcnow

    login(client, people["deelnemer"].email)
    assert client.get("/").status_code == 200
    row = db.session.scalar(select(LoginSession))
    row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    resp = client.get("/")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/inloggen"
    assert _session_count(db, people["deelnemer"]) == 0


def test_production_hashes_use_the_recommended_argon2id_parameters():
    """Outside the tests (no ARGON2_PARAMETERS) the library's RFC 9106 parameters apply."""
    from argon2 import extract_parameters
    from argon2.profiles import RFC_9106_LOW_MEMORY

    from overleg.auth import services

    hashed = services._DEFAULT_HASHER.hash("een-wachtwoord-van-lengte")
    params = extract_parameters(hashed)
    assert hashed.startswith("$argon2id$")
    assert params.memory_cost >= RFC_9106_LOW_MEMORY.memory_cost
    assert params.time_cost >= RFC_9106_LOW_MEMORY.time_cost
    with _no_app():
        assert services._hasher() is services._DEFAULT_HASHER


class _no_app:
    """Run without the test app's context (and so without its ARGON2_PARAMETERS)."""

    def __enter__(self):
        from flask.globals import _cv_app

        self._token = _cv_app.set(None)

    def __exit__(self, *exc):
        from flask.globals import _cv_app

        _cv_app.reset(self._token)


# --- CSRF on every state-changing endpoint; password guessing throttled per account -----------


def test_csrf_required_on_posts_open_to_any_participant(csrf_app, people):
    """RSVP, proposals, feed renewal, reminders and logout refuse a POST without a token;
    the same POST with the page's token goes through."""
    c = csrf_app.test_client()
    html = c.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    r = c.post(
        "/inloggen",
        data={"email": people["deelnemer"].email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert r.status_code == 302
    for url in (
        "/agenda/abonnement",
        "/agenda/herinnering",
        "/uitloggen",
        "/overleggen/1/antwoord",
        "/overleggen/1/agenda/voorstellen",
    ):
        assert c.post(url, data={"minutes": "15"}).status_code == 400, url
    assert c.get("/mijn-overleggen").status_code == 200  # the logout without token was refused
    page = c.get("/mijn-gegevens").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    renewed = c.post("/agenda/abonnement", data={"csrf_token": token})
    assert renewed.status_code == 302


def test_password_guessing_against_one_account_is_throttled_across_addresses(app, people):
    """A limit per account (normalised e-mail), not only per client address: 30 wrong
    passwords for one account from 30 addresses are not all answered."""
    email = people["deelnemer"].email
    statuses = []
    for n in range(30):
        c = app.test_client()
        r = c.post(
            "/inloggen",
            data={"email": email, "password": f"gok-{n}"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"},
        )
        statuses.append(r.status_code)
    assert statuses[0] == 400  # the first wrong password: the form again, with a message
    assert 429 in statuses, "30 wrong passwords for one account from 30 addresses, none refused"


def test_every_post_endpoint_refuses_a_request_without_csrf_token(app, seeded, people):
    """Walk the URL map: a logged-in beheerder's POST without a token is refused (400) on
    every state-changing endpoint, so no view can opt out of CSRF protection unnoticed."""
    c = app.test_client()
    assert login(c, people["beheerder"].email).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        missed, checked = [], 0
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.endpoint == "auth.login":
                continue
            url = re.sub(r"<any\([^)]*?(\w+)\):\w+>", r"\1", rule.rule)
            url = re.sub(r"<[^>]+>", "1", url)
            status = c.post(url, data={"x": "1"}).status_code
            checked += 1
            if status != 400:
                missed.append((rule.endpoint, status))
        assert not missed, missed
        assert checked >= 50
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
