"""The lockout scenario (OWASP device cookies, overleg/auth/device.py): ten failed logins for
an account from three other addresses lock out unknown browsers, but not the owner's browser
that logged in to the account before; failures with a device cookie count against that cookie."""

from __future__ import annotations

from overleg.auth.device import COOKIE
from tests.conftest import TEST_PASSWORD, assert_audit, login

ATTACKERS = ["203.0.113.7", "203.0.113.8", "203.0.113.9"]
OWNER_ADDRESS = "192.0.2.50"


def attack(app, email: str, n: int = 12) -> list[int]:
    """n wrong passwords for the account, from three other addresses in turn."""
    statuses = []
    for i in range(n):
        c = app.test_client()
        resp = c.post(
            "/inloggen",
            data={"email": email, "password": f"gok-{i}"},
            environ_base={"REMOTE_ADDR": ATTACKERS[i % 3]},
        )
        statuses.append(resp.status_code)
    return statuses


def owner_login(client, email, password=TEST_PASSWORD):
    return client.post(
        "/inloggen",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": OWNER_ADDRESS},
    )


def test_login_issues_a_signed_device_cookie(client, people):
    resp = login(client, people["deelnemer"].email)
    cookie = next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/inloggen" in cookie
    assert people["deelnemer"].email not in cookie  # signed, and no readable address either
    assert "Max-Age=31536000" in cookie


def test_without_a_device_cookie_the_owner_is_locked_out(app, people):
    email = people["deelnemer"].email
    statuses = attack(app, email)
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]
    resp = owner_login(app.test_client(), email)  # right password, unknown browser
    assert resp.status_code == 429
    assert "Te veel mislukte inlogpogingen voor dit account" in resp.get_data(as_text=True)
    assert_audit("login_throttled", after={"limit": "per_account"})


def test_with_the_device_cookie_the_owner_logs_in(app, people):
    email = people["deelnemer"].email
    owner = app.test_client()
    assert owner_login(owner, email).status_code == 302  # earlier: the cookie is issued
    owner.post("/uitloggen")
    assert attack(app, email)[-1] == 429  # the attacker is locked out
    resp = owner_login(owner, email)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert owner.get("/").status_code == 200


def test_a_device_cookie_for_another_account_does_not_help(app, people):
    owner = app.test_client()
    assert owner_login(owner, people["secretaris"].email).status_code == 302
    owner.post("/uitloggen")
    email = people["deelnemer"].email
    attack(app, email)
    assert owner_login(owner, email).status_code == 429


def test_a_forged_device_cookie_does_not_help(app, people):
    email = people["deelnemer"].email
    attack(app, email)
    c = app.test_client()
    c.set_cookie(COOKIE, "eyJlIjoiZGVlbG5lbWVyQHRlc3QuZXhhbXBsZS5vcmcifQ.bad.sig", path="/inloggen")
    assert owner_login(c, email).status_code == 429


def test_failures_with_a_device_cookie_count_against_the_cookie(app, people):
    email = people["deelnemer"].email
    owner = app.test_client()
    assert owner_login(owner, email).status_code == 302
    owner.post("/uitloggen")
    statuses = []
    for i in range(11):  # a stolen cookie used for guessing, from changing addresses
        resp = owner.post(
            "/inloggen",
            data={"email": email, "password": f"gok-{i}"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{i + 1}"},
        )
        statuses.append(resp.status_code)
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert_audit("login_throttled", after={"limit": "per_device"})
    # ... while the account's own limit was not used up by them: another browser still gets in
    assert owner_login(app.test_client(), email).status_code == 302
