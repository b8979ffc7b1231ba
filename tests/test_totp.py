"""The second factor (TOTP: overleg/auth/mfa.py, login_flow.py, mfa_views.py): enrolment with
a QR code made on the server, login with a code or a one-time recovery code, throttling,
replay, re-authentication, the beheerder's reset, the policy per role (production, or
everyone) and the demo's password-only login (development).

Codes are computed with pyotp at the frozen clock's moment (the ``clock`` fixture), never at
the real one. A code is accepted once per 30-second step, so a second login moves the clock a
step on first."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import func, select

import config
from config import Config
from overleg.auth import mfa
from overleg.auth.login_flow import after_first_factor
from overleg.auth.services import needs_second_factor
from overleg.models import AuditEvent, LoginSession, RecoveryCode, SecondFactor
from overleg.timeutil import utcnow
from tests import vnu_support
from tests.conftest import DEMO_PASSWORD, TEST_PASSWORD, assert_audit, login

STEP = timedelta(seconds=30)
LATER = timedelta(minutes=11)  # past REAUTH_MINUTES (10) and the pending login (10)
SECRET_RE = re.compile(r'<code class="secret" id="mfa-secret">([A-Z2-7 ]+)</code>')
CODE_RE = re.compile(r'<li class="utrecht-unordered-list__item"><code>([a-z2-9]{5}-[a-z2-9]{5})<')
WRONG = "Deze code klopt niet of is al gebruikt."
PRODUCTION_ROLES = ("secretaris", "beheerder")


# --- helpers ----------------------------------------------------------------------------


def code_now(secret: str, steps: int = 0) -> str:
    """The TOTP code at the frozen clock's moment (plus ``steps`` time steps)."""
    return pyotp.TOTP(secret).at(utcnow().replace(tzinfo=UTC) + steps * STEP)


def secret_of(html: str) -> str:
    found = SECRET_RE.search(html)
    assert found, "no secret shown for manual entry"
    return found.group(1).replace(" ", "")


def location(resp) -> str:
    return urlsplit(resp.headers.get("Location", "")).path


def logged_in(client) -> bool:
    """Does this browser have a login session? (Home answers, or sends to /inloggen.)"""
    resp = client.get("/")
    assert resp.status_code in (200, 302)
    assert resp.status_code == 200 or location(resp) == "/inloggen"
    return resp.status_code == 200


def sessions_of(db, person) -> int:
    return db.session.scalar(
        select(func.count(LoginSession.id)).where(LoginSession.person_id == person.id)
    )


def enrol(client, url: str = "/account/tweede-factor/instellen") -> tuple[str, list[str]]:
    """Set up TOTP on the page at ``url``; returns the secret and the ten recovery codes."""
    page = client.get(url)
    assert page.status_code == 200
    secret = secret_of(page.get_data(as_text=True))
    resp = client.post(url, data={"code": code_now(secret)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Uw herstelcodes" in html, html
    codes = CODE_RE.findall(html)
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


@pytest.fixture
def enrolled(app, people, clock):
    """The deelnemer with TOTP set up, logged out again and a step later: (secret, codes)."""
    c = app.test_client()
    assert login(c, people["deelnemer"].email).status_code == 302
    secret, codes = enrol(c)
    c.post("/uitloggen")
    clock.shift(STEP)
    return secret, codes


@pytest.fixture
def production_roles(app, monkeypatch):
    """The app with production's policy (secretaris and beheerder must have a second factor)."""
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", PRODUCTION_ROLES)


# --- enrolment -----------------------------------------------------------------------------


def test_enrolment_page_shows_a_qr_code_in_svg_and_the_secret(app, people, db):
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    page = c.get("/account/tweede-factor/instellen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tweede factor instellen" in html
    secret = secret_of(html)
    assert len(secret) == 32
    # the QR code is inline SVG made on the server: the otpauth address of this secret
    assert '<svg role="img" aria-label="QR-code"' in html and "<path " in html
    with app.test_request_context():
        assert str(mfa.qr_svg(secret, member)) in html
    # no script and no inline style (the CSP allows neither)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'nonce-" in csp and "'unsafe-inline'" not in csp
    assert "style=" not in html and "<script>" not in html
    # reloading keeps the secret (the app may have scanned it already)
    assert secret_of(c.get("/account/tweede-factor/instellen").get_data(as_text=True)) == secret
    # nothing is active yet
    assert db.session.scalar(select(func.count(SecondFactor.id))) == 0


def test_a_first_code_confirms_the_enrolment(app, people, db):
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    profile = c.get("/mijn-gegevens").get_data(as_text=True)
    assert "Tweede factor" in profile and "Niet ingesteld" in profile
    secret = secret_of(c.get("/account/tweede-factor/instellen").get_data(as_text=True))
    wrong = c.post("/account/tweede-factor/instellen", data={"code": code_now(secret, 5)})
    assert wrong.status_code == 400 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SecondFactor.id))) == 0
    empty = c.post("/account/tweede-factor/instellen", data={"code": ""})
    assert empty.status_code == 400 and "Vul de code in" in empty.get_data(as_text=True)

    resp = c.post("/account/tweede-factor/instellen", data={"code": code_now(secret)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "De tweede factor is ingesteld" in html
    codes = CODE_RE.findall(html)
    assert len(codes) == 10
    # stored: the secret encrypted, the recovery codes hashed (argon2id)
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.person_id == member.id))
    assert secret not in factor.secret_encrypted and mfa.decrypt(factor.secret_encrypted) == secret
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert_audit(
        "second_factor_enabled",
        person_id=member.id,
        before={"second_factor": False, "recovery_codes": 0},
        after={"second_factor": True, "recovery_codes": 10},
    )
    # the secret never reaches the audit log
    for ev in db.session.scalars(select(AuditEvent)):
        assert secret not in repr((ev.before, ev.after, ev.object_ref))
    # shown once: the settings page has no codes, only how many are left
    settings = c.get("/account/tweede-factor").get_data(as_text=True)
    assert "Ingesteld" in settings and "nog 10 van de tien herstelcodes" in settings
    assert not any(code in settings for code in codes)
    profile = c.get("/mijn-gegevens").get_data(as_text=True)
    assert "Ingesteld (app met inlogcodes)" in profile and "Niet ingesteld" not in profile


# --- login -------------------------------------------------------------------------------


def test_login_asks_the_code_after_the_password(app, people, db, enrolled):
    secret, _ = enrolled
    member = people["deelnemer"]
    c = app.test_client()
    resp = c.post(
        "/inloggen?next=/mijn-overleggen", data={"email": member.email, "password": TEST_PASSWORD}
    )
    assert resp.status_code == 302 and location(resp) == "/inloggen/code"
    page = c.get("/inloggen/code")
    assert page.status_code == 200 and "Code invullen" in page.get_data(as_text=True)
    # not logged in yet: no session, no page behind the login
    assert sessions_of(db, member) == 0
    assert not logged_in(c)
    assert location(c.get("/account/tweede-factor")) == "/inloggen"
    code = code_now(secret)
    resp = c.post("/inloggen/code", data={"code": f"{code[:3]} {code[3:]}"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/mijn-overleggen"
    assert logged_in(c) and sessions_of(db, member) == 1
    assert_audit("login", person_id=member.id, after={"factor": "totp"})


def test_a_wrong_code_is_refused(app, people, db, enrolled):
    secret, _ = enrolled
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    for typed in (code_now(secret, 3), "000000", "abc", "12345678901234567890"):
        resp = c.post("/inloggen/code", data={"code": typed})
        assert resp.status_code == 400, typed
        assert WRONG in resp.get_data(as_text=True)
    assert not logged_in(c) and sessions_of(db, member) == 0
    assert_audit("second_factor_failed", object_id=member.id, person_id=None)
    # positive control: the right code still works
    assert c.post("/inloggen/code", data={"code": code_now(secret)}).status_code == 302
    assert logged_in(c)


def test_the_same_code_is_not_accepted_twice(app, people, db, clock, enrolled):
    secret, _ = enrolled
    member = people["deelnemer"]
    first = app.test_client()
    login(first, member.email)
    code = code_now(secret)
    assert first.post("/inloggen/code", data={"code": code}).status_code == 302
    # someone who saw the code uses it again within its 30 seconds: refused
    thief = app.test_client()
    login(thief, member.email)
    resp = thief.post("/inloggen/code", data={"code": code})
    assert resp.status_code == 400 and WRONG in resp.get_data(as_text=True)
    # so is the code of the step before (older than the one used)
    assert thief.post("/inloggen/code", data={"code": code_now(secret, -1)}).status_code == 400
    assert not logged_in(thief)
    # the next step's code works (positive control)
    clock.shift(STEP)
    assert thief.post("/inloggen/code", data={"code": code_now(secret)}).status_code == 302
    assert logged_in(thief)


def test_a_recovery_code_works_once(app, people, db, enrolled):
    _, codes = enrolled
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    resp = c.post("/inloggen/code", data={"code": codes[0].upper()}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "met een herstelcode; u heeft er nog 9" in html
    assert logged_in(c)
    assert_audit("login", person_id=member.id, after={"factor": "recovery_code"})
    c.post("/uitloggen")
    # the same code again: refused
    login(c, member.email)
    resp = c.post("/inloggen/code", data={"code": codes[0]})
    assert resp.status_code == 400 and WRONG in resp.get_data(as_text=True)
    assert not logged_in(c)
    # another one works, once as well (hyphen left out)
    assert c.post("/inloggen/code", data={"code": codes[1].replace("-", "")}).status_code == 302
    assert logged_in(c)
    assert mfa.recovery_codes_left(member) == 8


def test_wrong_codes_are_throttled_per_account(app, people, enrolled):
    secret, _ = enrolled
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    statuses = [c.post("/inloggen/code", data={"code": f"{n:06d}"}).status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    resp = c.post("/inloggen/code", data={"code": code_now(secret)})  # even the right one
    assert resp.status_code == 429
    assert "Te veel onjuiste codes" in resp.get_data(as_text=True)
    assert not logged_in(c)
    assert_audit("second_factor_throttled", object_id=member.id)
    # another browser at another address: the account's limit holds there too
    other = app.test_client()
    env = {"REMOTE_ADDR": "192.0.2.77"}
    assert (
        other.post(
            "/inloggen", data={"email": member.email, "password": TEST_PASSWORD}, environ_base=env
        ).status_code
        == 302
    )
    assert (
        other.post("/inloggen/code", data={"code": code_now(secret)}, environ_base=env).status_code
        == 429
    )
    # another account is not affected (positive control)
    assert login(app.test_client(), people["secretaris"].email).status_code == 302


def test_a_pending_login_expires(app, people, clock, enrolled):
    secret, _ = enrolled
    c = app.test_client()
    login(c, people["deelnemer"].email)
    clock.shift(LATER)
    resp = c.post("/inloggen/code", data={"code": code_now(secret)})
    assert resp.status_code == 302 and location(resp) == "/inloggen"
    assert "de inlogpoging is verlopen" in c.get("/inloggen").get_data(as_text=True)
    assert not logged_in(c)


def test_the_device_cookie_comes_with_the_completed_login(app, people, enrolled):
    from overleg.auth.device import COOKIE

    secret, _ = enrolled
    c = app.test_client()
    first = login(c, people["deelnemer"].email)
    assert not any(h.startswith(COOKIE + "=") for h in first.headers.getlist("Set-Cookie"))
    done = c.post("/inloggen/code", data={"code": code_now(secret)})
    assert any(h.startswith(COOKIE + "=") for h in done.headers.getlist("Set-Cookie"))


# --- managing one's own second factor: re-authentication first ------------------------------


def test_changing_the_second_factor_asks_the_password_again(app, people, clock, db, enrolled):
    secret, _ = enrolled
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    assert c.post("/inloggen/code", data={"code": code_now(secret)}).status_code == 302
    clock.shift(LATER)
    for method, url in (
        ("get", "/account/tweede-factor/instellen"),
        ("post", "/account/tweede-factor/herstelcodes"),
        ("post", "/account/tweede-factor/uitschakelen"),
    ):
        resp = getattr(c, method)(url)
        assert resp.status_code == 302 and location(resp) == "/account/bevestigen", url
    assert mfa.has_second_factor(member) and mfa.recovery_codes_left(member) == 10
    # the settings page itself shows without
    assert c.get("/account/tweede-factor").status_code == 200
    # after confirming the password: switched off, logged, the next login is password only
    c.post("/account/bevestigen", data={"password": TEST_PASSWORD})
    resp = c.post("/account/tweede-factor/uitschakelen", follow_redirects=True)
    assert "De tweede factor is uitgeschakeld" in resp.get_data(as_text=True)
    assert not mfa.has_second_factor(member)
    assert_audit(
        "second_factor_disabled",
        person_id=member.id,
        before={"second_factor": True, "recovery_codes": 10},
        after={"second_factor": False, "recovery_codes": 0},
    )
    c.post("/uitloggen")
    resp = login(c, member.email)
    assert location(resp) == "/" and logged_in(c)


def test_new_recovery_codes_replace_the_old_ones(app, people, db, clock, enrolled):
    secret, old = enrolled
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    c.post("/inloggen/code", data={"code": code_now(secret)})
    resp = c.post("/account/tweede-factor/herstelcodes")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "De oude werken niet meer" in html
    new = CODE_RE.findall(html)
    assert len(new) == 10 and not set(new) & set(old)
    assert_audit("recovery_codes_renewed", person_id=member.id)
    c.post("/uitloggen")
    login(c, member.email)
    assert c.post("/inloggen/code", data={"code": old[0]}).status_code == 400
    assert c.post("/inloggen/code", data={"code": new[0]}).status_code == 302


def test_setting_it_up_again_replaces_the_secret(app, people, db, clock, enrolled):
    old_secret, _ = enrolled
    member = people["deelnemer"]
    c = app.test_client()
    login(c, member.email)
    c.post("/inloggen/code", data={"code": code_now(old_secret)})
    clock.shift(STEP)
    page = c.get("/account/tweede-factor/instellen").get_data(as_text=True)
    assert "opnieuw in" in page
    new_secret, _ = enrol(c)
    assert new_secret != old_secret
    assert db.session.scalar(select(func.count(SecondFactor.id))) == 1
    c.post("/uitloggen")
    clock.shift(STEP)
    login(c, member.email)
    assert c.post("/inloggen/code", data={"code": code_now(old_secret)}).status_code == 400
    assert c.post("/inloggen/code", data={"code": code_now(new_secret)}).status_code == 302


# --- the beheerder's reset -------------------------------------------------------------------


def test_beheerder_resets_someones_second_factor(app, people, db, clock, enrolled):
    member = people["deelnemer"]
    admin = app.test_client()
    login(admin, people["beheerder"].email)
    page = admin.get(f"/beheer/personen/{member.id}/account").get_data(as_text=True)
    assert "Tweede factor ingesteld" in page and "Tweede factor resetten" in page
    url = f"/beheer/personen/{member.id}/tweede-factor/resetten"
    # later than REAUTH_MINUTES: the password first, and nothing is reset
    clock.shift(LATER)
    resp = admin.post(
        url, headers={"Referer": f"http://localhost/beheer/personen/{member.id}/account"}
    )
    assert resp.status_code == 302 and location(resp) == "/account/bevestigen"
    assert mfa.has_second_factor(member)
    admin.post("/account/bevestigen", data={"password": TEST_PASSWORD})
    resp = admin.post(url, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "De tweede factor van Dirk Deelnemer is verwijderd" in html
    assert "Geen tweede factor" in html
    assert not mfa.has_second_factor(member) and mfa.recovery_codes_left(member) == 0
    assert_audit(
        "second_factor_reset",
        object_id=member.id,
        person_id=people["beheerder"].id,
        before={"second_factor": True, "recovery_codes": 10},
        after={"second_factor": False, "recovery_codes": 0},
    )
    # the person logs in with the password alone now (not required for a deelnemer)
    c = app.test_client()
    assert location(login(c, member.email)) == "/" and logged_in(c)


def test_only_a_beheerder_resets(app, people, enrolled, as_role):
    member = people["deelnemer"]
    sec = as_role("secretaris")
    assert sec.post(f"/beheer/personen/{member.id}/tweede-factor/resetten").status_code == 403
    assert mfa.has_second_factor(member)


def test_removing_the_account_or_the_person_removes_the_second_factor(app, people, db, enrolled):
    member = people["deelnemer"]
    admin = app.test_client()
    login(admin, people["beheerder"].email)
    resp = admin.post(f"/beheer/personen/{member.id}/account/verwijderen")
    assert resp.status_code == 302
    assert not mfa.has_second_factor(member) and mfa.recovery_codes_left(member) == 0
    # a person deleted with a second factor: its rows go with it
    other = people["secretaris"]
    c = app.test_client()
    login(c, other.email)
    enrol(c)
    assert admin.post(f"/beheer/personen/{other.id}/verwijderen").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SecondFactor.id))) == 0
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0


# --- the policy: production, everyone, development ------------------------------------------


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "OVERLEG_ENV", "BASE_URL", "MFA_REQUIRED_ROLES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    return monkeypatch


def test_the_required_roles_per_environment(env):
    assert Config().MFA_REQUIRED_ROLES == ()  # development: the demo logs in with passwords
    env.setenv("OVERLEG_ENV", "production")
    env.setenv("SECRET_KEY", "s3cr3t")
    env.setenv("BASE_URL", "https://overleg.example.org")
    assert Config().MFA_REQUIRED_ROLES == PRODUCTION_ROLES
    env.setenv("MFA_REQUIRED_ROLES", "alle")
    assert Config().MFA_REQUIRED_ROLES == ("*",)
    env.setenv("MFA_REQUIRED_ROLES", "beheerder")
    assert Config().MFA_REQUIRED_ROLES == ("beheerder",)
    env.setenv("MFA_REQUIRED_ROLES", "baas")
    with pytest.raises(RuntimeError, match="onbekende rol baas"):
        Config()


def test_production_secretary_must_enrol_before_anything_else(
    app, people, db, clock, production_roles
):
    sec = people["secretaris"]
    c = app.test_client()
    resp = login(c, sec.email)
    assert resp.status_code == 302 and location(resp) == "/inloggen/tweede-factor"
    # nothing else until then: no session, every page sends back to the login
    assert sessions_of(db, sec) == 0
    for url in ("/", "/planning", "/account/tweede-factor", "/inloggen/code"):
        resp = c.get(url)
        assert resp.status_code == 302 and location(resp) in (
            "/inloggen",
            "/inloggen/tweede-factor",
        ), url
    assert location(c.get("/inloggen/code")) == "/inloggen/tweede-factor"
    page = c.get("/inloggen/tweede-factor").get_data(as_text=True)
    assert "Voor uw rol in Overleg is een tweede factor verplicht" in page and "<svg " in page
    secret, codes = enrol(c, "/inloggen/tweede-factor")
    # logged in now, with the codes shown once
    assert logged_in(c) and sessions_of(db, sec) == 1
    assert_audit("login", person_id=sec.id, after={"factor": "totp"})
    assert_audit("second_factor_enabled", person_id=sec.id)
    # required: it cannot be switched off
    resp = c.post("/account/tweede-factor/uitschakelen", follow_redirects=True)
    assert "Voor uw rol is een tweede factor verplicht" in resp.get_data(as_text=True)
    assert mfa.has_second_factor(sec)
    # the next login asks the code
    c.post("/uitloggen")
    clock.shift(STEP)
    assert location(login(c, sec.email)) == "/inloggen/code"
    assert c.post("/inloggen/code", data={"code": code_now(secret)}).status_code == 302


def test_a_session_from_before_the_requirement_must_enrol_first(
    app, people, db, monkeypatch, clock, count_queries
):
    sec = people["secretaris"]
    c = app.test_client()
    assert location(login(c, sec.email)) == "/"  # development: the password alone
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", PRODUCTION_ROLES)
    for url in ("/", "/planning", "/account/tweede-factor", "/mijn-gegevens"):
        resp = c.get(url)
        assert resp.status_code == 302 and location(resp) == "/account/tweede-factor/instellen"
    assert c.post("/planning/nieuw").status_code == 302
    page = c.get("/account/tweede-factor/instellen", follow_redirects=True)
    assert "Voor uw rol is een tweede factor verplicht" in page.get_data(as_text=True)
    enrol(c)
    assert c.get("/planning").status_code == 200
    # the check before every request learns it from the login session's own query
    with count_queries() as q:
        assert c.get("/planning").status_code == 200
    assert [s for s in q.statements if "FROM login_session" in s and "second_factor" in s]
    assert not [s for s in q.statements if s.startswith("SELECT second_factor.")]
    # a beheerder's reset sends the session back to setting it up
    mfa.remove(sec)
    db.session.commit()
    assert location(c.get("/planning")) == "/account/tweede-factor/instellen"
    # logging out stays possible
    assert location(c.post("/uitloggen")) == "/inloggen" and not logged_in(c)


def test_production_deelnemer_logs_in_with_the_password(app, people, production_roles):
    c = app.test_client()
    assert location(login(c, people["deelnemer"].email)) == "/" and logged_in(c)
    # and the beheerder must enrol, like the secretary
    assert (
        location(login(app.test_client(), people["beheerder"].email)) == "/inloggen/tweede-factor"
    )


def test_required_for_everyone(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("*",))
    c = app.test_client()
    assert location(login(c, people["deelnemer"].email)) == "/inloggen/tweede-factor"
    assert not logged_in(c)


def test_development_demo_accounts_log_in_with_the_password_alone(app, seeded):
    assert app.config["MFA_REQUIRED_ROLES"] == ()
    for email in ("oov@example.org", "beheerder@example.org", "burgemeester@example.org"):
        c = app.test_client()
        resp = login(c, email, DEMO_PASSWORD)
        assert resp.status_code == 302 and location(resp) == "/", email
        assert logged_in(c)


# --- the hook for single sign-on -------------------------------------------------------------


def test_a_second_factor_asserted_by_the_provider_skips_overlegs_own(app, people, db, enrolled):
    member = people["deelnemer"]
    assert needs_second_factor(member) and not needs_second_factor(member, provider_mfa=True)
    with app.test_request_context("/oidc/callback"):
        resp = after_first_factor(member, "/", provider_mfa=True)
        assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert sessions_of(db, member) == 1
    assert_audit("login", person_id=member.id, after={"factor": "provider"})
    with app.test_request_context("/oidc/callback"):
        resp = after_first_factor(member, "/", provider_mfa=False)
        assert location(resp) == "/inloggen/code"
    assert sessions_of(db, member) == 1


# --- the pages themselves ------------------------------------------------------------------


def test_the_second_factors_pages_are_valid_html(app, people, clock, production_roles):
    """The pages the demo crawl cannot reach (the second step, the forced enrolment, the
    recovery codes) pass the Nu Html Checker, and their forms have names that differ."""
    pages: dict[str, str] = {}
    sec = people["secretaris"]
    c = app.test_client()
    login(c, sec.email)
    pages["/inloggen/tweede-factor"] = c.get("/inloggen/tweede-factor").get_data(as_text=True)
    secret = secret_of(pages["/inloggen/tweede-factor"])
    codes = c.post("/inloggen/tweede-factor", data={"code": code_now(secret)})
    pages["herstelcodes"] = codes.get_data(as_text=True)
    pages["/account/tweede-factor"] = c.get("/account/tweede-factor").get_data(as_text=True)
    pages["opnieuw instellen"] = c.get("/account/tweede-factor/instellen").get_data(as_text=True)
    admin = app.test_client()
    login(admin, people["beheerder"].email)  # must enrol too: the account page via a beheerder
    pages["beheerder: tweede factor instellen"] = admin.get("/inloggen/tweede-factor").get_data(
        as_text=True
    )
    c.post("/uitloggen")
    clock.shift(STEP)
    login(c, sec.email)
    pages["/inloggen/code"] = c.get("/inloggen/code").get_data(as_text=True)
    pages["onjuiste code"] = c.post("/inloggen/code", data={"code": "1"}).get_data(as_text=True)
    c.post("/inloggen/code", data={"code": code_now(secret)})
    pages["account (beheer)"] = _admin_account_page(app, people, sec)
    for url, html in pages.items():
        assert not vnu_support.form_name_problems(html), url
    unavailable = vnu_support.missing()
    if unavailable:
        pytest.fail(unavailable)
    assert vnu_support.check_pages(pages) == []


def _admin_account_page(app, people, person) -> str:
    """A beheerder's view of the person's account (the policy back to development's, so
    that the beheerder logs in with the password)."""
    app.config["MFA_REQUIRED_ROLES"] = ()
    admin = app.test_client()
    login(admin, people["beheerder"].email)
    html = admin.get(f"/beheer/personen/{person.id}/account").get_data(as_text=True)
    assert "Tweede factor resetten" in html
    return html
