"""On a phone (390 × 844 CSS pixels): every main page fits the screen.

One Chromium, one login per persona (the OOV ambtenaar, a participant, the beheerder) on
the demo. Each page must not scroll sideways (the document is no wider than the viewport)
and no visible element may reach past the right edge of the screen: a table that scrolls
inside its box fails too, since its cells lie beyond the edge. The menu starts collapsed
behind its "Menu" button and opens without JavaScript.

Screenshots of every page go to $OVERLEG_PHONE_SHOTS (default test-artifacts/phones/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser_support import ARTIFACTS, axe_violations, describe, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("OVERLEG_PHONE_SHOTS") or ARTIFACTS / "phones")

# The outermost visible elements whose box reaches past the right edge of the viewport
# (descendants of an offender are left out, so a wide table is named once).
OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      name += '.' + el.className.trim().split(/\\s+/).join('.');
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return name + ' right=' + Math.round(el.getBoundingClientRect().right) + ' «' + text + '»';
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 0.5) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    if (offenders.some((o) => o.contains(el))) continue;
    offenders.push(el);
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    offenders: offenders.slice(0, 12).map(describe),
  };
}
"""


def _ids(app) -> dict[str, int]:
    """Meetings and a topic of the demo to visit (they depend on the frozen clock)."""
    from overleg.extensions import db
    from overleg.models import Meeting, MeetingType, Minutes, Topic
    from overleg.timeutil import utcnow

    def minutes_of(code: str, status: str) -> int:
        return db.session.scalar(
            select(Minutes.meeting_id)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(MeetingType)
            .where(MeetingType.code == code, Minutes.status == status)
            .order_by(Meeting.starts_at.desc())
        )

    def next_meeting(code: str) -> int:
        return db.session.scalar(
            select(Meeting.id)
            .join(MeetingType)
            .where(MeetingType.code == code, Meeting.starts_at > utcnow())
            .order_by(Meeting.starts_at)
        )

    with app.app_context():
        ids = {
            "tvo_concept": minutes_of("tvo", "concept"),
            "tvo_approved": minutes_of("tvo", "vastgesteld"),
            "ovo_approved": minutes_of("ovo", "vastgesteld"),
            "tvo_next": next_meeting("tvo"),
            "ovo_next": next_meeting("ovo"),
            "topic": db.session.scalar(select(Topic.id).order_by(Topic.id)),
            "ovo_topic": db.session.scalar(
                select(Topic.id).where(Topic.reference.like("OVO-%")).order_by(Topic.id)
            ),
        }
    assert all(ids.values()), ids
    return ids


def _secretary_pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    concept, approved, nxt = ids["tvo_concept"], ids["tvo_approved"], ids["tvo_next"]
    return [
        ("home", "/"),
        ("planning-lijst", "/planning"),
        ("planning-maand", "/planning?weergave=maand"),
        ("planning-nieuw", "/planning/nieuw?overleg=tvo"),
        ("overleg", f"/overleggen/{nxt}"),
        ("agenda", f"/overleggen/{nxt}/agenda"),
        ("stukken", f"/overleggen/{nxt}/stukken"),
        ("overleg-geweest", f"/overleggen/{concept}"),
        ("aanwezigheid", f"/overleggen/{concept}/aanwezigheid"),
        ("verslag-bewerken", f"/overleggen/{concept}/verslag"),
        ("verslag-vastgesteld", f"/overleggen/{approved}/verslag"),
        ("verslagen", "/verslagen"),
        ("onderwerpen", "/onderwerpen"),
        ("onderwerp", f"/onderwerpen/{ids['topic']}"),
        ("plan-van-aanpak", f"/onderwerpen/{ids['ovo_topic']}/aanpak"),
        ("maatregelen", "/maatregelen"),
        ("zoeken", "/zoeken?q=overlast"),
        ("escalaties", "/escalaties"),
        ("te-agenderen", "/te-agenderen"),
        ("te-agenderen-tvo", "/te-agenderen/tvo"),
        ("besluiten", "/besluiten"),
        ("besluitenlijst-tvo", "/besluiten/tvo"),
        ("actielijst-tvo", "/actiepunten/tvo"),
        ("mijn-actiepunten", "/mijn-actiepunten"),
        ("mijn-overleggen", "/mijn-overleggen"),
        ("uitgaande-post", "/uitgaande-post/"),
        ("mijn-gegevens", "/mijn-gegevens"),
    ]


def _participant_pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    nxt, approved = ids["ovo_next"], ids["ovo_approved"]
    return [
        ("home", "/"),
        ("mijn-overleggen", "/mijn-overleggen"),
        ("overleg", f"/overleggen/{nxt}"),
        ("agenda", f"/overleggen/{nxt}/agenda"),
        ("verslag", f"/overleggen/{approved}/verslag"),
        ("onderwerpen", "/onderwerpen"),
        ("onderwerp", f"/onderwerpen/{ids['ovo_topic']}"),
        ("maatregelen", "/maatregelen"),
        ("zoeken", "/zoeken?q=overlast"),
        ("besluiten", "/besluiten"),
        ("besluitenlijst-ovo", "/besluiten/ovo"),
        ("actielijst-ovo", "/actiepunten/ovo"),
        ("mijn-actiepunten", "/mijn-actiepunten"),
        ("mijn-gegevens", "/mijn-gegevens"),
    ]


BEHEER_PAGES = [
    ("home", "/"),
    ("beheer", "/beheer/"),
    ("personen", "/beheer/personen"),
    ("logboek", "/beheer/logboek"),
]


# Pages also checked with axe-core at phone size (the cards and the menu button).
AXE_AT_PHONE_SIZE = {"home", "planning-lijst", "verslag-bewerken", "verslag"}


def _check_pages(browser, base: str, email: str, persona: str, pages) -> list[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="nl-NL", viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15000)
    failures = []
    try:
        log_in(page, base, email)
        for name, path in pages:
            resp = page.goto(base + path)
            if resp is None or resp.status != 200:
                failures.append(f"{persona} {path}: HTTP {resp.status if resp else '—'}")
                continue
            page.screenshot(path=str(SHOTS / f"{persona}-{name}.png"), full_page=True)
            found = page.evaluate(OVERFLOW_JS)
            if name in AXE_AT_PHONE_SIZE and (violations := axe_violations(page)):
                failures.append(f"{persona} {path} (axe-core):\n{describe(violations)}")
            if found["scrollWidth"] > found["innerWidth"] or found["offenders"]:
                failures.append(
                    f"{persona} {path}: page {found['scrollWidth']} px wide on a "
                    f"{found['innerWidth']} px screen; past the edge:\n    "
                    + "\n    ".join(found["offenders"])
                )
    finally:
        context.close()
    return failures


def _assert_fits(failures: list[str]) -> None:
    if failures:
        print("\n" + "\n".join(failures))
    assert not failures, f"{len(failures)} page(s) wider than a phone:\n" + "\n".join(failures)


def test_secretary_pages_fit_a_phone(live_app, browser):
    pages = _secretary_pages(_ids(live_app))
    _assert_fits(
        _check_pages(browser, live_app.config["LIVE_URL"], "oov@example.org", "oov", pages)
    )


def test_participant_pages_fit_a_phone(live_app, browser):
    pages = _participant_pages(_ids(live_app))
    _assert_fits(
        _check_pages(
            browser, live_app.config["LIVE_URL"], "wijkagent@example.org", "wijkagent", pages
        )
    )


def test_beheer_pages_fit_a_phone(live_app, browser):
    _assert_fits(
        _check_pages(
            browser, live_app.config["LIVE_URL"], "beheerder@example.org", "beheerder", BEHEER_PAGES
        )
    )


def test_menu_is_a_disclosure_on_phones_without_javascript(live_app, browser):
    base = live_app.config["LIVE_URL"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    # On a phone, without JavaScript: the menu starts closed behind its button and opens.
    context = browser.new_context(locale="nl-NL", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, base, "oov@example.org")
        menu = page.get_by_role("navigation", name="Hoofdmenu")
        planning = menu.get_by_role("link", name="Planning")
        button = menu.locator("summary", has_text="Menu")
        assert button.is_visible()
        assert not planning.is_visible()
        button.click()
        assert planning.is_visible()
        assert menu.get_by_role("link", name="Escalaties").is_visible()
        box = menu.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"]
        page.screenshot(path=str(SHOTS / "oov-menu-open.png"))
        planning.click()
        page.wait_for_load_state()
        assert page.url.endswith("/planning")
    finally:
        context.close()
    # On a wide screen the menu is always open and the button is not shown.
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in(page, base, "oov@example.org")
        menu = page.get_by_role("navigation", name="Hoofdmenu")
        assert menu.get_by_role("link", name="Planning").is_visible()
        assert not menu.locator("summary").is_visible()
        page.screenshot(path=str(SHOTS / "oov-breed-home.png"))
    finally:
        context.close()
