"""Security review: CSRF on the state-changing endpoints open to any logged-in participant
(RSVP, proposals, feed renewal, reminders, logout). Existing tests cover login, logout and
password change; these cover the rest."""

from __future__ import annotations

import re

from tests.conftest import TEST_PASSWORD


def test_csrf_required_on_login_scoped_posts(csrf_app, people):
    c = csrf_app.test_client()
    # log in through the form with its token
    html = c.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert token
    r = c.post(
        "/inloggen",
        data={
            "email": people["deelnemer"].email,
            "password": TEST_PASSWORD,
            "csrf_token": token.group(1),
        },
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
    assert c.get("/mijn-overleggen").status_code == 200  # logout without token refused


def test_password_guessing_against_one_account_is_throttled_across_addresses(app, people):
    """The login limit is keyed on the client address only (flask_limiter get_remote_address):
    an attacker rotating addresses (or a botnet) guesses one account's password without end.
    A second limit per account (normalised e-mail) is needed."""
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
    assert 429 in statuses, "30 wrong passwords for one account from 30 addresses, none refused"


def test_every_post_endpoint_refuses_a_request_without_csrf_token(app, seeded, people):
    """Walk the URL map: a logged-in beheerder's POST without a token is refused (400) on
    every state-changing endpoint, so no view can opt out of CSRF protection unnoticed."""
    import re as _re

    from tests.conftest import login

    c = app.test_client()
    assert login(c, people["beheerder"].email).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        missed = []
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.endpoint == "auth.login":
                continue
            url = _re.sub(r"<any\([^)]*?(\w+)\):\w+>", r"\1", rule.rule)
            url = _re.sub(r"<[^>]+>", "1", url)
            status = c.post(url, data={"x": "1"}).status_code
            if status != 400:
                missed.append((rule.endpoint, status))
        assert not missed, missed
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
