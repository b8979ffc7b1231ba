"""The Content-Security-Policy in Chromium: the main pages of every role (anonymous, a
deelnemer, the secretaris, the beheerder) on the demo, and not one violation reported, neither
as a `securitypolicyviolation` event nor on the console. The policy is the real one
(bypass_csp off); a positive control shows a violation is caught."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser_support import log_in

pytestmark = pytest.mark.browser

PAGES_PER_ROLE = 40
# Not followed: logging out ends the visit; files download rather than show.
SKIP = re.compile(r"^/(uitloggen|logout)\b|\.(pdf|ics|csv)$|^/stukken/\d+$")
LISTEN = """
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation({
  page: location.pathname, directive: e.violatedDirective, blocked: e.blockedURI,
  sample: e.sample, source: e.sourceFile + ':' + e.lineNumber,
}));
"""
# Pages a role must reach, beside the ones its links lead to (the regexes name their kind).
MUST_SEE = {
    "anonymous": [r"^/inloggen"],
    "burgemeester@example.org": [r"^/$", r"^/overleggen/\d+$", r"^/mijn-gegevens$"],
    "oov@example.org": [r"^/overleggen/\d+/verslag$", r"^/overleggen/\d+$", r"^/onderwerpen"],
    "beheerder@example.org": [r"^/beheer/$", r"^/beheer/logboek"],
}


def pattern(path: str) -> str:
    """Pages of one kind: numbers and the bodies' codes (/besluiten/tvo) replaced by '#'."""
    return re.sub(r"\d+|(?<=/)(driehoek|po|tvo|ovo)\b", "#", urlsplit(path).path)


class Watch:
    """CSP violations of one browser context, from the event and from the console."""

    def __init__(self, context):
        self.violations: list[str] = []
        context.expose_binding("__cspViolation", lambda source, v: self.add(str(v)))
        context.add_init_script(LISTEN)

    def add(self, what: str) -> None:
        self.violations.append(what)

    def console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.add(f"console {message.type}: {text}")

    def settle(self, page) -> None:
        """Let the page's queued violation events and console messages arrive."""
        page.evaluate("() => new Promise((r) => setTimeout(r, 50))")
        page.wait_for_timeout(50)


def concept_minutes_page(app) -> str:
    from sqlalchemy import select

    from overleg.extensions import db
    from overleg.models import Minutes

    with app.app_context():
        meeting_id = db.session.scalar(
            select(Minutes.meeting_id).where(Minutes.status == "concept").order_by(Minutes.id)
        )
    return f"/overleggen/{meeting_id}/verslag"


def visit(page, watch: Watch, base: str, *start: str) -> list[str]:
    """Breadth first from start, one page of each URL pattern; the paths visited."""
    seen_patterns: set[str] = set()
    queue = list(start)
    visited: list[str] = []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if pattern(path) in seen_patterns:
            continue
        seen_patterns.add(pattern(path))
        resp = page.goto(base + path)
        assert resp is not None and resp.status < 500, (path, resp and resp.status)
        page.wait_for_load_state("load")
        watch.settle(page)
        visited.append(urlsplit(page.url).path)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != base:
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if not SKIP.search(parts.path) and pattern(link) not in seen_patterns:
                queue.append(link)
    return visited


@pytest.mark.parametrize("role", list(MUST_SEE))
def test_main_pages_of_every_role_break_no_csp_rule(live_app, browser, role):
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    assert not getattr(context, "_options", {}).get("bypassCSP")
    try:
        watch = Watch(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", watch.console)
        if role == "anonymous":
            visited = visit(page, watch, base, "/inloggen")
            # a failed login shows the form again with its message (back on the login page:
            # the walk ends on the last public page it found)
            page.goto(base + "/inloggen")
            page.get_by_label("E-mailadres").fill("oov@example.org")
            page.get_by_label("Wachtwoord").fill("fout-wachtwoord-1234")
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_load_state("load")
            watch.settle(page)
        else:
            log_in(page, base, role)
            watch.settle(page)
            seeds = {
                "oov@example.org": [concept_minutes_page(live_app)],
                "beheerder@example.org": ["/beheer/logboek"],
            }.get(role, [])
            visited = visit(page, watch, base, "/", *seeds)
        if role == "oov@example.org":
            # the minutes page runs its autosave script (fetch) under the policy
            page.goto(base + concept_minutes_page(live_app))
            page.locator("textarea").first.fill("Tekst voor de automatische opslag.")
            page.wait_for_timeout(200)
            watch.settle(page)
        for kind in MUST_SEE[role]:
            assert any(re.match(kind, p) for p in visited), (kind, visited)
        assert len(visited) >= (1 if role == "anonymous" else 8), visited
        assert not watch.violations, f"{len(watch.violations)} CSP violation(s) as {role}:\n" + (
            "\n".join(watch.violations)
        )
        # positive control: an inline style and script added to the page are refused, and seen
        page.evaluate(
            "() => { const s = document.createElement('style'); s.textContent = 'p{}';"
            " document.head.appendChild(s); const j = document.createElement('script');"
            " j.textContent = 'window.__ran = 1'; document.body.appendChild(j); }"
        )
        watch.settle(page)
        assert page.evaluate("() => window.__ran") is None
        directives = " ".join(watch.violations)
        assert "style-src" in directives and "script-src" in directives, watch.violations
    finally:
        context.close()
