"""In a real browser: log in through the form and check accessibility with axe-core.

Debian's Chromium (/usr/bin/chromium) driven by Playwright; the app runs on a free
localhost port in a background thread against its own SQLite file with the demo loaded,
with CSRF protection on as in production. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from overleg.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "static" / "vendor" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    from overleg import create_app
    from overleg.demo import seed_all
    from overleg.extensions import db

    tmp = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'browser.db'}",
            "SECRET_KEY": "browser-test",
            "WTF_CSRF_ENABLED": True,
            "MAIL_BACKEND": "memory",
            "STORAGE_DIR": str(tmp / "files"),
            "RATELIMIT_ENABLED": True,
            "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    with app.app_context():
        db.create_all()
        seed_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api  # a missing package fails the test, never skips it

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ontbreekt: installeer Debian's chromium (make test doet dat)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    # A user answers "OK" to the confirmation asked before deleting or sending.
    pg.on("dialog", lambda dialog: dialog.accept())
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    assert AXE.exists(), f"{AXE} ontbreekt: de Makefile installeert axe-core (make assets)"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, label: str) -> None:
    violations = axe_violations(page)
    if violations:
        print(f"\naxe-core on {label} ({page.url}):\n{describe(violations)}")
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {label}:\n" + describe(violations)
    )


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert not page.url.rstrip("/").endswith("/inloggen"), f"login as {email} failed"


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
