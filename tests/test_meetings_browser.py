"""The meeting pages in a real browser: accessible (axe-core, WCAG 2.1 AA) on demo data."""

import pytest

from tests.browser_support import assert_accessible, log_in, shot

pytestmark = pytest.mark.browser


def _first_meeting_url(page, base):
    page.goto(base + "/mijn-overleggen")
    link = page.locator("table a").first
    return base + link.get_attribute("href")


def test_meeting_pages_are_accessible(live_app, page):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "oov@example.org")
    for path, name in (
        ("/mijn-overleggen", "mijn-overleggen"),
        ("/planning", "planning-lijst"),
        ("/planning?weergave=maand", "planning-maand"),
        ("/planning/nieuw", "overleg-plannen"),
        ("/planning/reeks/nieuw", "reeks-plannen"),
    ):
        resp = page.goto(base + path)
        assert resp.status == 200, path
        shot(page, name)
        assert_accessible(page, path)
    url = _first_meeting_url(page, base)
    page.goto(url)
    assert "Deelnemers" in page.content()
    shot(page, "overleg")
    assert_accessible(page, "overleg")
    page.goto(url + "/aanwezigheid")
    assert_accessible(page, "aanwezigheid")
    # A planning form with an error beside the field stays accessible.
    page.goto(base + "/planning/nieuw")
    page.get_by_label("Overleg", exact=True).select_option(label="Tactisch Veiligheidsoverleg")
    page.get_by_label("Datum").fill("2030-03-12")
    page.get_by_label("Begintijd").fill("14:00")
    page.get_by_label("Eindtijd").fill("13:00")
    page.get_by_role("button", name="Plannen en uitnodigen").click()
    page.wait_for_load_state()
    assert "De eindtijd moet na de begintijd liggen." in page.content()
    assert_accessible(page, "overleg plannen met fouten")


def test_participant_answers_in_the_browser(live_app, page):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, "wijkagent@example.org")
    page.goto(base + "/mijn-overleggen")
    page.locator("table").first.locator("a").first.click()
    page.wait_for_load_state()
    assert_accessible(page, "overleg (deelnemer)")
    page.get_by_label("Onder voorbehoud").check()
    page.get_by_label("Toelichting").fill("Afhankelijk van dienst")
    page.get_by_role("button", name="Antwoord opslaan").click()
    page.wait_for_load_state()
    assert "Uw antwoord is opgeslagen." in page.content()
    assert "Afhankelijk van dienst" in page.content()
