"""Security headers on every response (overleg/security.py): every GET route of the URL map
(pages, PDFs, .ics, downloads, the token feed, static files) and the error pages, and no
inline script or style left in the templates the browser gets."""

from __future__ import annotations

import re
from pathlib import Path

from overleg.access import rule_for
from overleg.security import PERMISSIONS_POLICY
from tests import test_access_guard
from tests.conftest import login
from tests.test_access_guard import client_as, method_for, request_order, url_for_rule

# The access guard's world (every id an endpoint takes), as a fixture of this module too.
guard_world = test_access_guard.world

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NONCE = re.compile(r"script-src 'nonce-([A-Za-z0-9_-]{16,})'")


def check_headers(resp, endpoint: str | None, rule: str | None) -> list[str]:
    """What is wrong with this response's security headers (empty: nothing)."""
    h = resp.headers
    problems = []

    def want(name, value):
        if h.get(name) != value:
            problems.append(f"{name}: {h.get(name)!r}, expected {value!r}")

    want("X-Content-Type-Options", "nosniff")
    want("X-Frame-Options", "DENY")
    want("Permissions-Policy", PERMISSIONS_POLICY)
    want("Referrer-Policy", "no-referrer" if rule == "token" else "same-origin")
    want("Server", "Overleg")
    if "Strict-Transport-Security" in h:
        problems.append("HSTS outside production")
    static = endpoint == "static"
    if static:
        if "no-store" in h.get("Cache-Control", ""):
            problems.append("static file not cacheable")
    else:
        want("Cache-Control", "no-store")
    csp = h.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in csp:
        problems.append(f"CSP without frame-ancestors 'none': {csp!r}")
    if resp.mimetype == "text/html":
        for directive in (
            "default-src 'self'",
            "style-src 'self' 'nonce-",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ):
            if directive not in csp:
                problems.append(f"CSP without {directive}: {csp!r}")
        if "unsafe-inline" in csp or "unsafe-eval" in csp:
            problems.append(f"CSP allows unsafe-*: {csp!r}")
        match = NONCE.search(csp)
        if not match:
            problems.append(f"CSP without a script nonce: {csp!r}")
        else:
            html = resp.get_data(as_text=True)
            for tag in re.findall(r"<script\b[^>]*>", html):
                if f'nonce="{match.group(1)}"' not in tag:
                    problems.append(f"script without this response's nonce: {tag}")
    return problems


def walk_get_routes(app, persona, ids, overrides):
    """Every GET endpoint as the persona: endpoint -> response."""
    seen = {}
    for url_rule in sorted(app.url_map.iter_rules(), key=request_order):
        if method_for(url_rule) != "GET":
            continue
        client, _ = client_as(app, persona)
        url = url_for_rule(url_rule, ids, overrides)
        seen[url_rule.endpoint] = (url, client.get(url))
    return seen


def test_every_get_route_as_beheerder_carries_the_headers(app, guard_world):
    ids, overrides = guard_world
    seen = walk_get_routes(app, "beheerder", ids, overrides)
    problems = []
    with app.test_request_context():
        for endpoint, (url, resp) in seen.items():
            for p in check_headers(resp, endpoint, rule_for(endpoint)):
                problems.append(f"{endpoint} {url} ({resp.status_code}): {p}")
    assert not problems, "\n  ".join(problems)
    # every kind of response was among them (positive controls)
    kinds = {
        name: [e for e, (_, r) in seen.items() if r.status_code == 200 and test(r)]
        for name, test in {
            "page": lambda r: r.mimetype == "text/html",
            "pdf": lambda r: r.mimetype == "application/pdf",
            "ics": lambda r: r.mimetype == "text/calendar",
            "download": lambda r: "attachment" in r.headers.get("Content-Disposition", ""),
            "csv": lambda r: r.mimetype == "text/csv",
        }.items()
    }
    assert all(kinds.values()), {k: len(v) for k, v in kinds.items()}
    assert "documents.download" in kinds["download"]
    assert "calendar.feed" in kinds["ics"]
    assert seen["static"][1].status_code == 200


def test_anonymous_login_page_and_redirects_carry_the_headers(app, guard_world):
    ids, overrides = guard_world
    seen = walk_get_routes(app, "anonymous", ids, overrides)
    problems = []
    with app.test_request_context():
        for endpoint, (url, resp) in seen.items():
            for p in check_headers(resp, endpoint, rule_for(endpoint)):
                problems.append(f"{endpoint} {url} ({resp.status_code}): {p}")
    assert not problems, "\n  ".join(problems)
    assert seen["auth.login"][1].status_code == 200
    assert seen["main.home"][1].status_code == 302  # to the login page
    feed = seen["calendar.feed"][1]
    assert feed.status_code == 200 and feed.headers["Referrer-Policy"] == "no-referrer"


def test_error_pages_carry_the_headers(app, people):
    client = app.test_client()
    login(client, people["deelnemer"].email)
    not_found = client.get("/bestaat-niet")
    assert not_found.status_code == 404 and "Niet gevonden" in not_found.get_data(as_text=True)
    forbidden = client.get("/beheer/")
    assert forbidden.status_code == 403 and "Geen toegang" in forbidden.get_data(as_text=True)
    no_feed = client.get("/agenda/feed/not-a-real-token.ics")
    with app.test_request_context():
        assert check_headers(not_found, None, None) == []
        assert check_headers(forbidden, "admin.index", "beheerder") == []
    assert no_feed.status_code == 404
    assert no_feed.headers["Cache-Control"] == "no-store"


def test_each_response_has_its_own_nonce(client):
    nonces = {NONCE.search(client.get("/inloggen").headers["Content-Security-Policy"])[1]}
    nonces.add(NONCE.search(client.get("/inloggen").headers["Content-Security-Policy"])[1])
    assert len(nonces) == 2


def test_hsts_in_production_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/inloggen").headers
    app.config["ENV_NAME"] = "production"
    try:
        resp = client.get("/inloggen")
    finally:
        app.config["ENV_NAME"] = "development"
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_server_header_names_no_version(client):
    server = client.get("/inloggen").headers["Server"]
    assert server == "Overleg" and not re.search(r"\d", server)


# The PDF layouts in templates/print/ are read by WeasyPrint, never served as HTML.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I
)


def test_templates_hold_no_inline_script_or_style():
    found = []
    checked = 0
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "print":
            continue
        checked += 1
        text = path.read_text()
        for match in INLINE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(TEMPLATES)}:{line}: {match.group(0)}")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "nonce=" not in tag:
                found.append(f"{path.relative_to(TEMPLATES)}: script without nonce: {tag}")
    assert checked > 50
    assert not found, "\n".join(found)
    # the pattern itself finds what it is for
    assert INLINE.search('<p style="color:red">') and INLINE.search("<script>alert(1)</script>")
    assert INLINE.search('<a onclick="x()">') and not INLINE.search('<script src="/a.js">')
