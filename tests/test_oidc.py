"""Single sign-on with OpenID Connect against a real provider on loopback.

The provider is ``oidc-provider-mock`` (pinned in requirements-test.txt): a complete OpenID
provider built on Authlib's server, run by these tests in a thread of the test process on a
port the system picks (so every xdist worker has its own). It serves discovery, a JWKS with an
RSA key, signed ID tokens, the token endpoint and end_session_endpoint, and lets a test set the
claims of a user (``PUT /users/<sub>``) and sign in as them (``POST`` to its authorization
endpoint). The provider's thread reads the same frozen clock as the app (time-machine patches
the whole process), so its ``iat``/``exp`` are the frozen moment plus the token lifetime the
fixture gives it: an expired token is a provider whose tokens live a negative time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread
from sqlalchemy import select

from overleg.models import AuditEvent, Person

from .conftest import DEMO_PASSWORD, assert_audit, login

# the provider's own code uses Authlib's deprecated server API
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::authlib.deprecate.AuthlibDeprecationWarning"
)

PROVIDER = "Gemeente Midden-Groningen"
CALLBACK = "/inloggen/oidc/terug"


@pytest.fixture(scope="module")
def providers() -> Iterator[dict]:
    """Providers by token lifetime, started on first use and stopped after the module."""
    with ExitStack() as stack:
        started: dict[timedelta, str] = {}

        def get(lifetime: timedelta = timedelta(hours=1)) -> str:
            if lifetime not in started:
                server = stack.enter_context(
                    run_server_in_thread(port=0, access_token_max_age=lifetime)
                )
                started[lifetime] = f"http://localhost:{server.server_port}"
            return started[lifetime]

        yield {"get": get}


@pytest.fixture
def configure(app):
    """configure(issuer, **settings): single sign-on on for this test, undone afterwards."""
    keys = (
        "OIDC_ISSUER",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_ACR_MFA",
        "OIDC_CREATE_ACCOUNTS",
        "PASSWORD_LOGIN",
        "BREAK_GLASS_EMAIL",
    )
    saved = {k: app.config.get(k) for k in keys}

    def set_up(issuer: str, **settings):
        app.config.update(
            OIDC_ISSUER=issuer,
            OIDC_CLIENT_ID="overleg",
            OIDC_CLIENT_SECRET="geheim",
            OIDC_TIMEOUT=5,
        )
        app.config.update(settings)
        return issuer

    yield set_up
    app.config.update(saved)


@pytest.fixture
def issuer(providers, configure):
    return configure(providers["get"]())


def set_user(issuer: str, sub: str, **claims) -> None:
    resp = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5)
    assert resp.status_code == 204, resp.text


def start(client, url: str = "/inloggen/oidc") -> str:
    """Overleg's redirect to the provider's authorization endpoint."""
    resp = client.get(url)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp.headers["Location"]


def authorize(authorize_url: str, sub: str) -> str:
    """Sign in at the provider as ``sub``: the path and query of Overleg's callback."""
    resp = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert resp.status_code == 302, resp.text
    back = urlsplit(resp.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == "http://overleg.test"  # BASE_URL
    assert back.path == CALLBACK
    return f"{back.path}?{back.query}"


def with_param(url: str, name: str, value: str | None) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if value is None:
        query.pop(name)
    else:
        query[name] = [value]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def sso_login(client, issuer: str, sub: str, **claims):
    """The whole flow for a user with these claims; Overleg's answer to the callback."""
    set_user(issuer, sub, **claims)
    return client.get(authorize(start(client), sub))


def verified(email: str, **more) -> dict:
    return {"email": email, "email_verified": True, **more}


def logged_in_as(client) -> str | None:
    """The name in the page header of the home page, or None when it sends us to log in."""
    resp = client.get("/")
    if resp.status_code == 302:
        assert urlsplit(resp.headers["Location"]).path == "/inloggen"
        return None
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections (bound, never listening) while it lasts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# --- login ----------------------------------------------------------------------------------


def test_login_page_offers_the_organisations_button_only_when_configured(
    app, client, seeded, providers, configure
):
    page = client.get("/inloggen").get_data(as_text=True)
    assert "Inloggen met" not in page
    assert 'name="password"' in page
    assert client.get("/inloggen/oidc").status_code == 404  # not configured: no such page

    configure(providers["get"]())
    resp = client.get("/inloggen")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f"Inloggen met {PROVIDER}" in page
    assert 'href="/inloggen/oidc"' in page
    assert 'name="password"' in page  # password login stays on by default


def test_successful_login_as_the_matched_demo_person(app, client, seeded, issuer):
    authorize_url = start(client, "/inloggen/oidc?next=/mijn-actiepunten")
    parts = urlsplit(authorize_url)
    assert f"{parts.scheme}://{parts.netloc}" == issuer
    query = parse_qs(parts.query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["overleg"]
    assert query["redirect_uri"] == ["http://overleg.test/inloggen/oidc/terug"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["state"][0] and query["nonce"][0]
    # PKCE with S256: the challenge is the hash of the verifier the session keeps
    assert query["code_challenge_method"] == ["S256"]
    with client.session_transaction() as s:
        pending = s[f"_state_oidc_{query['state'][0]}"]["data"]
    digest = hashlib.sha256(pending["code_verifier"].encode()).digest()
    assert query["code_challenge"] == [base64.urlsafe_b64encode(digest).rstrip(b"=").decode()]
    assert pending["nonce"] == query["nonce"][0]

    set_user(issuer, "sanne", **verified("oov@example.org", name="S. de Vries (IdP)"))
    resp = client.get(authorize(authorize_url, "sanne"))
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/mijn-actiepunten"
    page = logged_in_as(client)
    assert page is not None and "Sanne de Vries" in page  # Overleg's name, not the IdP's
    assert "S. de Vries (IdP)" not in page
    sanne = app.extensions["sqlalchemy"].session.scalar(
        select(Person).where(Person.email == "oov@example.org")
    )
    assert sanne.app_role == "secretaris"  # roles stay in Overleg
    assert_audit("login", person_id=sanne.id, after={"method": "oidc"})
    with client.session_transaction() as s:
        assert not any(k.startswith("_state_oidc_") for k in s)  # the state is used up


def test_email_matches_case_insensitively(client, seeded, issuer):
    resp = sso_login(client, issuer, "tom", **verified("Coordinator.OOV@Example.ORG"))
    assert resp.status_code == 302
    assert "Tom Kuipers" in (logged_in_as(client) or "")


def test_unknown_email_is_refused_in_dutch_and_audited(client, seeded, issuer):
    resp = sso_login(client, issuer, "vreemde", **verified("onbekend@example.org"))
    text = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert "Uw e-mailadres is niet bekend in Overleg" in text
    assert logged_in_as(client) is None
    assert_audit(
        "login_failed", person_id=None, after={"method": "oidc", "reason": "unknown_email"}
    )
    # the address itself is in no audit row
    rows = client.application.extensions["sqlalchemy"].session.scalars(select(AuditEvent))
    assert all("onbekend" not in repr((r.before, r.after, r.object_ref)) for r in rows)


def test_unverified_email_is_refused(client, seeded, issuer):
    resp = sso_login(client, issuer, "sanne2", email="oov@example.org", email_verified=False)
    assert resp.status_code == 403
    assert "niet als gecontroleerd doorgegeven" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"method": "oidc", "reason": "email_unverified"})
    # no email_verified claim at all: refused too (the provider's default user has none)
    resp = client.get(authorize(start(client), "oov@example.org"))
    assert resp.status_code == 403
    assert logged_in_as(client) is None


def test_inactive_person_is_refused(app, client, seeded, issuer, db):
    person = db.session.scalar(select(Person).where(Person.email == "ovj@example.org"))
    person.active = False
    db.session.commit()
    resp = sso_login(client, issuer, "mirjam", **verified("ovj@example.org"))
    assert resp.status_code == 403
    assert "niet actief" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_accounts_are_created_only_when_configured(app, client, seeded, providers, configure, db):
    configure(providers["get"](), OIDC_CREATE_ACCOUNTS=True)
    resp = sso_login(
        client, providers["get"](), "nieuw", **verified("nieuw@example.org", name="Nina Nieuw")
    )
    assert resp.status_code == 302
    assert "Nina Nieuw" in (logged_in_as(client) or "")
    nina = db.session.scalar(select(Person).where(Person.email == "nieuw@example.org"))
    assert nina.app_role == "deelnemer" and nina.has_account
    assert_audit("person_created", object_id=nina.id)
    assert_audit("account_created", object_id=nina.id)
    # that account has no password anyone knows
    other = app.test_client()
    assert login(other, "nieuw@example.org", "").status_code == 400


def test_person_without_account_is_refused_or_given_one(
    app, client, seeded, providers, configure, db
):
    person = db.session.scalar(select(Person).where(Person.email == "btchef@example.org"))
    person.password_hash = None
    db.session.commit()
    issuer = configure(providers["get"]())
    resp = sso_login(client, issuer, "klaas", **verified("btchef@example.org"))
    assert resp.status_code == 403
    assert "U heeft geen account in Overleg" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None

    configure(issuer, OIDC_CREATE_ACCOUNTS=True)
    resp = sso_login(client, issuer, "klaas", **verified("btchef@example.org"))
    assert resp.status_code == 302
    assert "Klaas Mulder" in (logged_in_as(client) or "")
    assert_audit("account_created", object_id=person.id)


def test_production_wants_an_https_issuer(monkeypatch, tmp_path):
    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    for name, value in {
        "OVERLEG_ENV": "production",
        "SECRET_KEY": "x" * 32,
        "BASE_URL": "https://overleg.example.nl",
        "OIDC_ISSUER": "http://idp.example.nl/realms/gemeente",
    }.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match="OIDC_ISSUER moet een https-adres zijn"):
        config.Config()
    monkeypatch.setenv("OIDC_ISSUER", "https://idp.example.nl/realms/gemeente")
    assert config.Config().OIDC_ISSUER == "https://idp.example.nl/realms/gemeente"


# --- the protocol's checks -------------------------------------------------------------------


def test_tampered_state_is_refused(client, seeded, issuer):
    set_user(issuer, "sanne", **verified("oov@example.org"))
    callback = authorize(start(client), "sanne")
    resp = client.get(with_param(callback, "state", "door-een-ander-gemaakt"))
    assert resp.status_code == 400
    assert "kon niet worden afgerond" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"method": "oidc", "reason": "state"})


def test_callback_from_another_browser_is_refused(app, client, seeded, issuer):
    """Login CSRF: a code and state started in the attacker's browser do not log in ours."""
    set_user(issuer, "sanne", **verified("oov@example.org"))
    callback = authorize(start(app.test_client()), "sanne")
    resp = client.get(callback)
    assert resp.status_code == 400
    assert logged_in_as(client) is None


def test_used_callback_cannot_be_replayed(client, seeded, issuer):
    set_user(issuer, "sanne", **verified("oov@example.org"))
    callback = authorize(start(client), "sanne")
    assert client.get(callback).status_code == 302
    client.post("/uitloggen")
    assert client.get(callback).status_code == 400


@pytest.mark.parametrize("nonce", ["een-andere-nonce", None])
def test_tampered_or_missing_nonce_is_refused(client, seeded, issuer, nonce):
    set_user(issuer, "sanne", **verified("oov@example.org"))
    authorize_url = with_param(start(client), "nonce", nonce)
    resp = client.get(authorize(authorize_url, "sanne"))
    assert resp.status_code == 400
    assert "kon niet worden afgerond" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"method": "oidc", "reason": "nonce"})


def test_expired_token_is_refused(client, seeded, providers, configure):
    """The provider's tokens expired five minutes before they were issued (beyond the leeway
    of a minute); a token 30 seconds past its expiry is still within it."""
    configure(providers["get"](timedelta(minutes=-5)))
    resp = sso_login(
        client, providers["get"](timedelta(minutes=-5)), "s", **verified("oov@example.org")
    )
    assert resp.status_code == 400
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"method": "oidc", "reason": "expired"})

    configure(providers["get"](timedelta(seconds=-30)))
    resp = sso_login(
        client, providers["get"](timedelta(seconds=-30)), "s", **verified("oov@example.org")
    )
    assert resp.status_code == 302
    assert logged_in_as(client) is not None


def test_expiry_is_judged_by_overlegs_clock(client, seeded, issuer, monkeypatch):
    """Authlib would read the system clock; Overleg's check reads overleg.timeutil. Moved two hours
    on for this check only, a token valid for one hour is expired."""
    import overleg.auth.oidc as oidc

    set_user(issuer, "sanne", **verified("oov@example.org"))
    callback = authorize(start(client), "sanne")
    real = oidc.utcnow
    monkeypatch.setattr(oidc, "utcnow", lambda: real() + timedelta(hours=2))
    resp = client.get(callback)
    assert resp.status_code == 400
    assert_audit("login_failed", after={"method": "oidc", "reason": "expired"})


def test_code_from_another_provider_is_refused(client, seeded, providers, issuer):
    """A code issued by another provider means nothing to the configured one."""
    other = providers["get"](timedelta(minutes=59))
    set_user(other, "sanne", **verified("oov@example.org"))
    authorize_url = start(client)
    moved = urlsplit(authorize_url)._replace(netloc=urlsplit(other).netloc)
    resp = client.get(authorize(urlunsplit(moved), "sanne"))
    assert resp.status_code == 400
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"method": "oidc", "reason": "provider_error"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_altered_id_token_is_refused(client, seeded, issuer, monkeypatch):
    """The ID token's signature is checked with the provider's JWKS: a token whose e-mail was
    changed on the way (signature kept) is refused, and nobody is logged in."""
    from authlib.integrations.flask_client import FlaskOAuth2App

    original = FlaskOAuth2App.fetch_access_token

    def altered(self, *args, **kwargs):
        token = original(self, *args, **kwargs)
        header, payload, signature = token["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["email"] = "beheerder@example.org"
        token["id_token"] = ".".join((header, _b64(json.dumps(claims).encode()), signature))
        return token

    monkeypatch.setattr(FlaskOAuth2App, "fetch_access_token", altered)
    resp = sso_login(client, issuer, "sanne", **verified("oov@example.org"))
    assert resp.status_code == 400
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"method": "oidc", "reason": "token_invalid"})
    # positive control: the same flow unaltered logs in
    monkeypatch.setattr(FlaskOAuth2App, "fetch_access_token", original)
    assert sso_login(client, issuer, "sanne", **verified("oov@example.org")).status_code == 302


@pytest.mark.parametrize(
    ("changes", "refused"),
    [
        ({}, None),
        ({"aud": ["overleg", "iets-anders"], "azp": "overleg"}, None),
        ({"aud": "een-andere-applicatie"}, "aud"),
        ({"aud": "een-andere-applicatie", "azp": "overleg"}, "aud"),
        ({"iss": "http://nep.example"}, "iss"),
        ({"exp": 1_000}, "exp"),
        ({"iat": None}, "iat"),
    ],
)
def test_id_token_claims_are_checked(app, changes, refused):
    """The checks of the ID token's claims as the callback runs them (the signature is
    checked before, see above): issuer, audience, expiry, required claims."""
    from joserfc.errors import ClaimError

    from overleg.auth import oidc

    with app.test_request_context():
        now = oidc.now_timestamp()
        claims = {"iss": "http://idp.test", "sub": "s", "aud": "overleg", "iat": now}
        claims |= {"exp": now + 60} | changes
        claims = {k: v for k, v in claims.items() if v is not None}
        token = oidc.IDToken(
            claims,
            {"alg": "RS256"},
            oidc.claims_options("http://idp.test", "overleg"),
            {"client_id": "overleg"},
        )
        if refused is None:
            token.validate(leeway=oidc.LEEWAY_SECONDS)
        else:
            with pytest.raises(ClaimError) as caught:
                token.validate(leeway=oidc.LEEWAY_SECONDS)
            assert refused in str(caught.value)


# --- provider down --------------------------------------------------------------------------


def test_provider_down_at_discovery_gives_a_dutch_503(client, seeded, configure):
    with closed_port() as port:
        configure(f"http://127.0.0.1:{port}")
        resp = client.get("/inloggen/oidc")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 503
    assert "Inloggen tijdelijk niet mogelijk" in text
    assert f"{PROVIDER} is op dit moment niet bereikbaar" in text
    # the login page itself still works
    assert client.get("/inloggen").status_code == 200


def test_provider_without_discovery_document_gives_a_dutch_503(
    client, seeded, providers, configure
):
    configure(providers["get"]() + "/geen-provider")  # answers 404 at .well-known
    resp = client.get("/inloggen/oidc")
    assert resp.status_code == 503
    assert "niet bereikbaar" in resp.get_data(as_text=True)


def test_without_a_client_secret_single_sign_on_stays_off(client, seeded, providers, configure):
    configure(providers["get"](), OIDC_CLIENT_SECRET=None)
    assert "Inloggen met" not in client.get("/inloggen").get_data(as_text=True)
    assert client.get("/inloggen/oidc").status_code == 404


def test_provider_down_at_the_token_endpoint_gives_a_dutch_503(client, seeded, configure):
    with run_server_in_thread(port=0) as server:
        issuer = configure(f"http://localhost:{server.server_port}")
        set_user(issuer, "sanne", **verified("oov@example.org"))
        callback = authorize(start(client), "sanne")
    resp = client.get(callback)  # the provider has stopped
    assert resp.status_code == 503
    assert "niet bereikbaar" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"method": "oidc", "reason": "provider_unavailable"})


def test_provider_refusing_the_sign_in_gives_a_dutch_page(client, seeded, issuer):
    authorize_url = start(client)
    resp = requests.post(authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=5)
    back = urlsplit(resp.headers["Location"])
    resp = client.get(f"{back.path}?{back.query}")
    assert resp.status_code == 403
    assert "afgebroken" in resp.get_data(as_text=True)


# --- second factor --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "acr_setting", "skip_totp"),
    [
        ({"amr": ["pwd", "mfa"]}, None, True),
        ({"amr": ["hwk"]}, None, True),
        ({"amr": ["pwd"]}, None, False),
        ({}, None, False),
        ({"acr": "urn:gemeente:loa:substantieel"}, "urn:gemeente:loa:substantieel", True),
        ({"acr": "urn:gemeente:loa:laag"}, "urn:gemeente:loa:substantieel", False),
        ({"acr": "urn:gemeente:loa:substantieel"}, None, False),
    ],
)
def test_second_factor_at_the_provider_is_recorded(
    client, seeded, providers, configure, claims, acr_setting, skip_totp
):
    issuer = configure(providers["get"](), OIDC_ACR_MFA=acr_setting)
    resp = sso_login(client, issuer, "sanne", **verified("oov@example.org", **claims))
    assert resp.status_code == 302
    with client.session_transaction() as s:
        assert s["provider_mfa"] is skip_totp
    expected = {"method": "oidc", "factor": "provider"} if skip_totp else {"method": "oidc"}
    assert_audit("login", after=expected)


def test_password_login_never_counts_as_provider_mfa(client, seeded):
    assert login(client, "oov@example.org", DEMO_PASSWORD).status_code == 302
    with client.session_transaction() as s:
        assert not s.get("provider_mfa")


# --- password login off, break glass ----------------------------------------------------------


def test_password_login_off_refuses_passwords_except_break_glass(app, seeded, issuer, configure):
    # positive control: on, as by default
    assert login(app.test_client(), "oov@example.org", DEMO_PASSWORD).status_code == 302

    configure(issuer, PASSWORD_LOGIN=False, BREAK_GLASS_EMAIL="beheerder@example.org")
    client = app.test_client()
    resp = client.get("/inloggen")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f"Inloggen met {PROVIDER}" in page
    assert 'name="password"' not in page

    resp = login(client, "oov@example.org", DEMO_PASSWORD)
    assert resp.status_code == 403
    assert "Inloggen met een wachtwoord is uitgeschakeld" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None
    assert_audit("login_failed", after={"reason": "password_login_off"})

    # the break-glass page shows the form, which posts to the ordinary login
    resp = client.get("/inloggen/noodtoegang")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'name="password"' in page and 'action="/inloggen"' in page
    assert "Noodtoegang" in page
    resp = login(client, "beheerder@example.org", DEMO_PASSWORD)
    assert resp.status_code == 302
    assert "Bea Bakker" in (logged_in_as(client) or "")

    # single sign-on still works for everybody
    other = app.test_client()
    assert sso_login(other, issuer, "sanne", **verified("oov@example.org")).status_code == 302


def test_break_glass_must_be_a_beheerder(app, seeded, issuer, configure):
    configure(issuer, PASSWORD_LOGIN=False, BREAK_GLASS_EMAIL="oov@example.org")
    resp = login(app.test_client(), "oov@example.org", DEMO_PASSWORD)
    assert resp.status_code == 403


# --- confirming a sensitive change through the provider ---------------------------------------


def test_confirmation_through_the_provider(app, client, seeded, issuer):
    assert sso_login(client, issuer, "bea", **verified("beheerder@example.org")).status_code == 302
    page = client.get("/account/bevestigen?next=/beheer/").get_data(as_text=True)
    assert f"Bevestigen via {PROVIDER}" in page
    authorize_url = start(client, "/inloggen/oidc?bevestigen=1&next=/beheer/")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    resp = client.get(authorize(authorize_url, "bea"))
    assert resp.status_code == 302 and resp.headers["Location"] == "/beheer/"
    with client.session_transaction() as s:
        assert s.get("reauth_at")
    assert_audit("reauthenticated", after={"method": "oidc"})


def test_confirmation_page_without_password_login_offers_only_the_provider(
    app, seeded, issuer, configure
):
    configure(issuer, PASSWORD_LOGIN=False, BREAK_GLASS_EMAIL="beheerder@example.org")
    client = app.test_client()
    assert sso_login(client, issuer, "sanne", **verified("oov@example.org")).status_code == 302
    resp = client.get("/account/bevestigen")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f"Bevestigen via {PROVIDER}" in page
    assert 'name="password"' not in page
    resp = client.post("/account/bevestigen", data={"password": DEMO_PASSWORD})
    assert resp.status_code == 400
    assert "Inloggen met een wachtwoord is uitgeschakeld" in resp.get_data(as_text=True)
    # the break-glass beheerder keeps the password
    glass = app.test_client()
    assert login(glass, "beheerder@example.org", DEMO_PASSWORD).status_code == 302
    assert 'name="password"' in glass.get("/account/bevestigen").get_data(as_text=True)


def test_confirmation_as_someone_else_is_refused(client, seeded, issuer):
    assert sso_login(client, issuer, "bea", **verified("beheerder@example.org")).status_code == 302
    set_user(issuer, "sanne", **verified("oov@example.org"))
    resp = client.get(authorize(start(client, "/inloggen/oidc?bevestigen=1"), "sanne"))
    assert resp.status_code == 403
    assert "iemand anders" in resp.get_data(as_text=True)
    with client.session_transaction() as s:
        assert not s.get("reauth_at")


# --- logout ---------------------------------------------------------------------------------


def test_logout_ends_the_session_at_the_provider_too(client, seeded, issuer):
    assert sso_login(client, issuer, "sanne", **verified("oov@example.org")).status_code == 302
    with client.session_transaction() as s:
        id_token = s["oidc_id_token"]
    resp = client.post("/uitloggen")
    assert resp.status_code == 302
    target = urlsplit(resp.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{issuer}/oauth2/end_session"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://overleg.test/inloggen"]
    assert logged_in_as(client) is None  # Overleg's session has ended already
    # the provider answers that address with its logout page
    page = requests.get(resp.headers["Location"], timeout=5)
    assert page.status_code == 200


def test_password_logout_stays_in_overleg(client, seeded, issuer):
    assert login(client, "oov@example.org", DEMO_PASSWORD).status_code == 302
    resp = client.post("/uitloggen")
    assert resp.status_code == 302 and resp.headers["Location"] == "/inloggen"


def test_logout_form_may_lead_to_the_provider(client, seeded, issuer):
    """The CSP's form-action lets the logout form's redirect reach the provider."""
    resp = client.get("/inloggen")
    csp = resp.headers["Content-Security-Policy"]
    assert f"form-action 'self' {issuer}" in csp


def test_the_pages_of_single_sign_on_are_valid_html(app, seeded, issuer, configure):
    """The login page with the button, the break-glass page, a refusal, the 503 page and the
    confirmation page through the provider, through the Nu Html Checker."""
    from tests import vnu_support

    unavailable = vnu_support.missing()
    if unavailable:
        pytest.fail(unavailable)
    client = app.test_client()
    pages = {"/inloggen": client.get("/inloggen").get_data(as_text=True)}
    configure(issuer, PASSWORD_LOGIN=False, BREAK_GLASS_EMAIL="beheerder@example.org")
    pages["/inloggen (alleen OIDC)"] = client.get("/inloggen").get_data(as_text=True)
    pages["/inloggen/noodtoegang"] = client.get("/inloggen/noodtoegang").get_data(as_text=True)
    refused = sso_login(client, issuer, "x", **verified("onbekend@example.org"))
    pages["/inloggen/oidc/terug (geweigerd)"] = refused.get_data(as_text=True)
    assert sso_login(client, issuer, "bea", **verified("beheerder@example.org")).status_code == 302
    pages["/account/bevestigen"] = client.get("/account/bevestigen").get_data(as_text=True)
    with closed_port() as port:
        configure(f"http://127.0.0.1:{port}")
        pages["/inloggen/oidc (503)"] = (
            app.test_client().get("/inloggen/oidc").get_data(as_text=True)
        )
    problems = [p for html in pages.values() for p in vnu_support.form_name_problems(html)]
    assert not problems
    assert vnu_support.check_pages(pages) == []


def test_a_session_that_must_set_up_a_second_factor_can_confirm_through_the_provider(
    app, seeded, issuer, configure, monkeypatch, clock
):
    """Single sign-on only, a session from before the second factor was required: setting
    it up asks a recent confirmation, which is the provider's; the way there must stay open
    (it was sent back to the setup page: a loop with no way through but logging out)."""
    configure(issuer, PASSWORD_LOGIN=False, BREAK_GLASS_EMAIL="beheerder@example.org")
    client = app.test_client()
    assert sso_login(client, issuer, "sanne", **verified("oov@example.org")).status_code == 302
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("secretaris", "beheerder"))
    clock.shift(timedelta(minutes=app.config["REAUTH_MINUTES"] + 1))
    resp = client.get("/planning")
    assert resp.headers["Location"] == "/account/tweede-factor/instellen"  # as before
    resp = client.get("/account/tweede-factor/instellen")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/account/bevestigen")
    assert client.get(resp.headers["Location"]).status_code == 200
    to_provider = client.get("/inloggen/oidc?bevestigen=1&next=/account/tweede-factor/instellen")
    assert to_provider.status_code == 302
    assert to_provider.headers["Location"].startswith(issuer)
    # everything else still waits for the second factor (positive control)
    assert client.get("/planning").headers["Location"] == "/account/tweede-factor/instellen"
