"""Every route declares who may use it, and the declaration holds for every kind of user.

The test walks ``app.url_map``, so routes added later are checked without touching this
file: an endpoint without ``@access(...)`` fails the test by name, and every endpoint is
requested as anonymous, deelnemer, secretaris and beheerder with dummy URL values.
"""

from __future__ import annotations

import hashlib
import traceback
import uuid
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    UUIDConverter,
)

from overleg.access import RULES, access, enforce_access, rule_for
from overleg.auth.services import start_session
from overleg.extensions import db as _db
from overleg.extensions import login_manager
from overleg.models import LoginSession

ROLES = ("anonymous", "deelnemer", "secretaris", "beheerder")
SKIP_METHODS = {"HEAD", "OPTIONS"}


def undeclared_endpoints(app: Flask) -> list[str]:
    with app.test_request_context():
        return sorted(e for e in app.view_functions if rule_for(e) not in RULES)


def dummy_value(converter):
    if isinstance(converter, IntegerConverter):
        return 999999
    if isinstance(converter, FloatConverter):
        return 999999.5
    if isinstance(converter, UUIDConverter):
        return uuid.UUID("00000000-0000-4000-8000-000000000000")
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return "onbekend"


def build_url(rule) -> str:
    values = {name: dummy_value(conv) for name, conv in rule._converters.items()}
    values.update(rule.defaults or {})
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build a URL for {rule.rule}"
    return built[1]


def method_for(rule) -> str:
    methods = set(rule.methods or ()) - SKIP_METHODS
    if "GET" in methods:
        return "GET"
    if "POST" in methods:
        return "POST"
    return sorted(methods)[0]


def is_login_redirect(resp) -> bool:
    return (
        resp.status_code in (301, 302, 303, 307, 308)
        and urlsplit(resp.headers.get("Location", "")).path == "/inloggen"
    )


def client_as(app, people, role):
    """A client for the role, logged in through a fresh server-side session per request
    (so that a logout or a password change by an earlier request does not interfere)."""
    client = app.test_client()
    token = None
    if role != "anonymous":
        token = start_session(people[role])
        _db.session.commit()
        with client.session_transaction() as s:
            s["_user_id"] = token
            s["_fresh"] = True
    return client, token


def session_alive(token: str) -> bool:
    _db.session.expire_all()
    return (
        _db.session.scalar(
            select(LoginSession.id).where(
                LoginSession.token_hash == hashlib.sha256(token.encode()).hexdigest()
            )
        )
        is not None
    )


def check(rule_name: str, role: str, method: str, resp, logged_out: bool = False) -> str | None:
    """What is wrong with this response, or None. ``logged_out``: the request itself ended
    the session (logout), so a redirect to the login page is right."""
    code = resp.status_code
    if code >= 500:
        return f"{code} (server error)"
    if rule_name == "public":
        if code in (401, 403) or is_login_redirect(resp):
            return f"public but answered {code} {resp.headers.get('Location', '')}"
        return None
    if rule_name == "token":
        if is_login_redirect(resp):
            return "token route redirects to the login page"
        if code == 200:
            return "200 with a made-up token"
        return None
    # login, secretaris, beheerder
    if role == "anonymous":
        if method == "GET" and not is_login_redirect(resp):
            return f"anonymous GET answered {code}, expected a redirect to /inloggen"
        if method != "GET" and code != 401:
            return f"anonymous {method} answered {code}, expected 401"
        return None
    if is_login_redirect(resp) and not logged_out:
        return f"logged in as {role} but redirected to the login page"
    must_refuse = (rule_name == "secretaris" and role == "deelnemer") or (
        rule_name == "beheerder" and role in ("deelnemer", "secretaris")
    )
    if must_refuse and code != 403:
        return f"{rule_name} route answered {code} to a {role}, expected 403"
    if not must_refuse and code == 403:
        return f"{rule_name} route refused a {role} with 403"
    return None


def walk(app, people, role) -> tuple[list[str], int]:
    problems, checked = [], 0
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))
    for rule in rules:
        with app.test_request_context():
            rule_name = rule_for(rule.endpoint)
        if rule_name not in RULES:
            problems.append(f"{rule.endpoint} ({rule.rule}): no @access rule declared")
            continue
        try:
            url = build_url(rule)
        except Exception as exc:  # e.g. a custom converter that refuses the dummy value
            problems.append(f"{rule.endpoint} ({rule.rule}): no dummy URL could be built: {exc}")
            continue
        method = method_for(rule)
        client, token = client_as(app, people, role)
        try:
            resp = client.open(url, method=method)
        except Exception as exc:  # propagated in TESTING mode: a 500 in production
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            problems.append(f"{rule.endpoint}: {method} {url} as {role} raised {last}")
            _db.session.rollback()
            continue
        checked += 1
        logged_out = token is not None and not session_alive(token)
        problem = check(rule_name, role, method, resp, logged_out)
        if problem:
            problems.append(f"{rule.endpoint} [{rule_name}]: {method} {url} as {role}: {problem}")
    return problems, checked


# --- tests ------------------------------------------------------------------------------


def test_every_endpoint_declares_an_access_rule(app):
    missing = undeclared_endpoints(app)
    assert not missing, "endpoints without @access(...): " + ", ".join(missing)


def test_the_url_map_is_walked(app):
    """Guard against a walker that checks nothing: the known routes are in it."""
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert {"auth.login", "auth.logout", "main.home", "admin.index", "static"} <= endpoints
    rules = {e: rule_for_app(app, e) for e in ("auth.login", "main.home", "admin.index")}
    assert rules == {"auth.login": "public", "main.home": "login", "admin.index": "beheerder"}


def rule_for_app(app, endpoint):
    with app.test_request_context():
        return rule_for(endpoint)


@pytest.mark.parametrize("role", ROLES)
def test_access_rules_hold_for(app, people, seeded, role):
    problems, checked = walk(app, people, role)
    assert checked >= 5
    assert not problems, f"{len(problems)} access problem(s) as {role}:\n  " + "\n  ".join(problems)


def test_checker_catches_wrong_answers(app):
    """The check itself fails when a rule is not kept (so the walk cannot pass vacuously)."""

    class R:
        def __init__(self, code, location=""):
            self.status_code = code
            self.headers = {"Location": location} if location else {}

    login_redirect = R(302, "/inloggen?next=/x")
    assert check("beheerder", "secretaris", "GET", R(200)) is not None
    assert check("secretaris", "deelnemer", "GET", R(404)) is not None
    assert check("secretaris", "deelnemer", "GET", R(403)) is None
    assert check("login", "anonymous", "GET", R(200)) is not None
    assert check("login", "anonymous", "GET", login_redirect) is None
    assert check("login", "anonymous", "POST", login_redirect) is not None
    assert check("login", "anonymous", "POST", R(401)) is None
    assert check("login", "deelnemer", "GET", R(403)) is not None
    assert check("login", "deelnemer", "GET", login_redirect) is not None
    assert check("login", "deelnemer", "POST", login_redirect, logged_out=True) is None
    assert check("public", "anonymous", "GET", login_redirect) is not None
    assert check("public", "beheerder", "GET", R(403)) is not None
    assert check("token", "anonymous", "GET", R(200)) is not None
    assert check("token", "anonymous", "GET", login_redirect) is not None
    assert check("token", "anonymous", "GET", R(404)) is None
    assert check("public", "anonymous", "GET", R(500)) is not None


def test_route_without_rule_is_refused_and_named():
    """Deny by default, on a small app of its own with the same guard."""
    probe = Flask("probe")
    probe.config.update(SECRET_KEY="probe", TESTING=True)
    login_manager.init_app(probe)
    probe.before_request(enforce_access)

    @probe.route("/vergeten")
    def forgotten():
        return "geheim"

    @probe.route("/open")
    @access("public")
    def open_page():
        return "open"

    assert undeclared_endpoints(probe) == ["forgotten"]
    c = probe.test_client()
    assert c.get("/vergeten").status_code == 403
    assert c.get("/open").status_code == 200


def test_dummy_urls_are_built_for_every_rule(app):
    for rule in app.url_map.iter_rules():
        url = build_url(rule)
        assert url.startswith("/"), (rule.endpoint, url)
