"""In a real browser: log in through the form and check accessibility with axe-core.

Debian's Chromium (/usr/bin/chromium) driven by Playwright; the app runs on a free
localhost port in a background thread against its own SQLite file with the demo loaded,
with CSRF protection on as in production. Screenshots go to test-artifacts/.
The fixtures and helpers live in tests/browser_support.py.
"""

from __future__ import annotations

import pytest

from tests.browser_support import assert_accessible, axe_violations, describe, log_in, shot

pytestmark = pytest.mark.browser


def admin_pages(app) -> list[tuple[str, str]]:
    """(endpoint, url) of every beheer page reachable without URL arguments."""
    pages = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint.startswith("admin.")
            and "GET" in rule.methods
            and not rule.arguments
            and not rule.rule.endswith((".csv", ".pdf", ".ics"))
        ):
            pages.append((rule.endpoint, rule.rule))
    return sorted(pages, key=lambda p: p[1])


# --- tests ------------------------------------------------------------------------------


def test_login_page_is_accessible(live_app, page):
    base = live_app.config["LIVE_URL"]
    resp = page.goto(f"{base}/inloggen")
    assert resp.status == 200
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.title().startswith("Inloggen")
    shot(page, "inloggen")
    assert_accessible(page, "de inlogpagina")


def test_login_errors_are_accessible(live_app, page):
    base = live_app.config["LIVE_URL"]
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill("oov@example.org")
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in page.content()
    assert page.get_by_label("Wachtwoord").get_attribute("aria-invalid") == "true"
    shot(page, "inloggen-fout")
    assert_accessible(page, "de inlogpagina met foutmelding")


def test_oov_logs_in_and_sees_home(live_app, page):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "oov@example.org")
    assert page.url.rstrip("/") == base
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Welkom, Sanne de Vries"
    text = page.locator("main").inner_text()
    for body in (
        "Driehoeksoverleg",
        "Politie Overleg",
        "Tactisch Veiligheidsoverleg",
        "Operationeel Veiligheidsoverleg",
    ):
        assert body in text
    assert "Ambtenaar OOV" in text
    assert page.locator("header").inner_text().count("Gemeente Midden-Groningen") >= 1
    # The skip link leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Naar de inhoud"
    shot(page, "home-oov")
    assert_accessible(page, "de startpagina (OOV ambtenaar)")

    # Logging out through the header button ends up at the login page.
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith("/inloggen")
    assert "U bent uitgelogd." in page.content()
    page.goto(base + "/")
    assert page.url.split("?")[0].endswith("/inloggen")


def test_own_pages_are_accessible(live_app, page):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "wijkagent@example.org")
    for path, name in (
        ("/mijn-gegevens", "mijn-gegevens"),
        ("/account/wachtwoord", "wachtwoord-wijzigen"),
    ):
        resp = page.goto(base + path)
        assert resp.status == 200, path
        shot(page, name)
        assert_accessible(page, path)
    # A form with errors beside its fields stays accessible.
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    page.wait_for_load_state()
    assert "Dit veld is verplicht." in page.content()
    assert_accessible(page, "wachtwoord wijzigen met fouten")


def test_admin_pages_are_accessible(live_app, page):
    base = live_app.config["LIVE_URL"]
    pages = admin_pages(live_app)
    assert ("admin.index", "/beheer/") in pages
    log_in(page, base, "beheerder@example.org")
    shot(page, "home-beheerder")
    assert_accessible(page, "de startpagina (beheerder)")
    failures = []
    for endpoint, path in pages:
        resp = page.goto(base + path)
        if resp.status != 200:
            failures.append(f"{endpoint} {path}: HTTP {resp.status}")
            continue
        shot(page, "beheer-" + (path.strip("/").replace("/", "-") or "index"))
        violations = axe_violations(page)
        if violations:
            failures.append(f"{endpoint} {path}:\n{describe(violations)}")
    if failures:
        print("\n" + "\n".join(failures))
    assert not failures, f"{len(failures)} beheer page(s) not accessible:\n" + "\n".join(failures)
