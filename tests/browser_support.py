"""Browser-test support: the live demo app, Chromium through Playwright, and helpers.

Registered as a plugin in tests/conftest.py (`pytest_plugins`), so the fixtures
`live_app`, `browser` and `page` are available to every browser test module without
importing them (each module gets its own live app and browser: module scope).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from overleg.seed import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "static" / "vendor" / "axe.min.js"
# IBM Equal Access (npm accessibility-checker-engine, pinned in package.json), rule set WCAG 2.1
ACE = ROOT / "node_modules" / "accessibility-checker-engine" / "ace.js"
ACE_POLICY = "WCAG_2_1"
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
        # Evaluated through DevTools, which the page's Content-Security-Policy does not
        # govern (a <script> tag from add_script_tag would be refused): the pages are
        # tested under their real policy, bypass_csp stays off.
        page.evaluate(AXE.read_text() + "\n;undefined")
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


def ace_violations(page) -> list[dict]:
    """IBM's engine on the page as it is: its violations (not the 'potential' ones or the
    recommendations) as {ruleId, message, snippet, path}."""
    assert ACE.exists(), f"{ACE} ontbreekt: npm ci installeert accessibility-checker-engine"
    if not page.evaluate("() => typeof window.ace !== 'undefined'"):
        # like axe: evaluated from DevTools, which the page's CSP does not govern
        page.evaluate(ACE.read_text() + "\n;undefined")
    return page.evaluate(
        """async (policy) => {
            const report = await new ace.Checker().check(document, [policy]);
            const failed = (r) => r.value[0] === "VIOLATION" && r.value[1] === "FAIL";
            return report.results.filter(failed).map((r) => ({
                ruleId: r.ruleId, message: r.message, snippet: r.snippet, path: r.path.dom,
            }));
        }""",
        ACE_POLICY,
    )


def describe_ace(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['ruleId']}: {v['message']}\n    at {v['path']}: {v['snippet'][:160]}"
        for v in violations
    )


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
