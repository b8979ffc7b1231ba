"""Minutes in a real browser on demo data: accessible pages (axe-core), autosave with a
localStorage draft that survives a lost connection, and the whole round: the OOV ambtenaar
takes minutes of a TVO meeting with a decision and an action, sends them for approval, they
are approved at the next TVO meeting, and the PDF downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser_support import assert_accessible, log_in, shot

pytestmark = pytest.mark.browser


def _tvo_meetings(app):
    """The TVO whose minutes are a concept, and the next TVO (with its start)."""
    from overleg.extensions import db
    from overleg.models import Meeting, MeetingType, Minutes

    with app.app_context():
        concept = db.session.execute(
            select(Minutes.meeting_id, Meeting.starts_at)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(MeetingType)
            .where(MeetingType.code == "tvo", Minutes.status == "concept")
        ).first()
        nxt = db.session.execute(
            select(Meeting.id, Meeting.starts_at)
            .join(MeetingType)
            .where(
                MeetingType.code == "tvo",
                Meeting.starts_at > concept.starts_at,
                Meeting.status == "gepland",
            )
            .order_by(Meeting.starts_at)
        ).first()
        return concept.meeting_id, nxt


def test_minutes_pages_are_accessible(live_app, page):
    base = live_app.config["LIVE_URL"]
    concept_id, _ = _tvo_meetings(live_app)
    log_in(page, base, "oov@example.org")
    for path, name in (
        (f"/overleggen/{concept_id}/verslag", "verslag-bewerken"),
        ("/verslagen", "verslagen"),
        ("/besluiten", "besluiten"),
        ("/besluiten/tvo", "besluitenlijst-tvo"),
        ("/actiepunten/tvo", "actielijst-tvo"),
        ("/mijn-actiepunten", "mijn-actiepunten"),
    ):
        resp = page.goto(base + path)
        assert resp.status == 200, path
        shot(page, name)
        assert_accessible(page, path)
    # An approved (read-only) minutes page, as a participant
    page.goto(base + "/besluiten/tvo")
    page.locator("table a").first.click()
    page.wait_for_load_state()
    assert "Vastgesteld" in page.content()
    assert_accessible(page, "vastgesteld verslag")
    # Form errors beside the field stay accessible
    page.goto(f"{base}/overleggen/{concept_id}/verslag")
    page.locator("summary", has_text="Besluit toevoegen").first.click()
    page.get_by_role("button", name="Besluit vastleggen").first.click()
    page.wait_for_load_state()
    assert "Vul de tekst van het besluit in." in page.content()
    assert_accessible(page, "verslag met foutmelding")


def test_autosave_and_draft_survive_a_lost_connection(live_app, browser):
    base = live_app.config["LIVE_URL"]
    concept_id, _ = _tvo_meetings(live_app)
    context = browser.new_context(locale="nl-NL")
    pg = context.new_page()
    pg.set_default_timeout(20000)
    log_in(pg, base, "oov@example.org")
    pg.goto(f"{base}/overleggen/{concept_id}/verslag")
    area = pg.get_by_label("Aantekeningen bij punt 4")
    area.fill("Automatisch bewaard: de wijkagent meldt rust in Kiel.")
    pg.wait_for_selector("text=Automatisch opgeslagen om", timeout=20000)
    pg.reload()
    assert (
        "de wijkagent meldt rust in Kiel."
        in pg.get_by_label("Aantekeningen bij punt 4").input_value()
    )

    # The connection drops while typing: nothing is lost
    context.set_offline(True)
    area = pg.get_by_label("Aantekeningen bij punt 4")
    area.fill("Offline getypt: afspraken met het jongerenwerk.")
    pg.wait_for_selector("text=geen verbinding", timeout=20000)
    pg.close()
    context.set_offline(False)
    pg = context.new_page()
    pg.goto(f"{base}/overleggen/{concept_id}/verslag")
    assert "Deze browser bewaarde een niet-opgeslagen tekst" in pg.content()
    pg.get_by_role("button", name="Bewaarde tekst terugzetten").first.click()
    pg.wait_for_selector("text=Automatisch opgeslagen om", timeout=20000)
    pg.reload()
    assert (
        pg.get_by_label("Aantekeningen bij punt 4").input_value()
        == "Offline getypt: afspraken met het jongerenwerk."
    )
    context.close()


def test_take_minutes_approve_and_download(live_app, page, clock):
    from datetime import timedelta

    from overleg.timeutil import to_local

    base = live_app.config["LIVE_URL"]
    concept_id, (next_id, next_start) = _tvo_meetings(live_app)
    log_in(page, base, "oov@example.org")
    page.goto(f"{base}/overleggen/{concept_id}/verslag")
    page.get_by_label("Aantekeningen bij punt 3").fill("Actielijst doorgenomen in de browser.")
    page.get_by_role("button", name="Opslaan", exact=True).nth(2).click()
    page.wait_for_load_state()
    assert "zijn opgeslagen" in page.content()
    item = page.locator("section.minutes-edit-item").nth(3)
    item.locator("summary", has_text="Besluit toevoegen").click()
    item.get_by_label("Besluit", exact=True).fill(
        "Browserbesluit: het TVO kiest voor de wijkaanpak."
    )
    item.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_load_state()
    assert "is vastgelegd" in page.content()
    item = page.locator("section.minutes-edit-item").nth(3)
    item.locator("summary", has_text="Actiepunt toevoegen").click()
    add = item.locator("details.minutes-add", has_text="Actiepunt toevoegen")
    add.get_by_label("Actie", exact=True).fill("Browseractie: bewonersavond plannen")
    # (the owner is one of the people entitled to the item: the wijkagent, in no TVO, is not offered)
    add.get_by_label("Wie").select_option(label="Erik Dijkstra")
    add.get_by_label("Uiterlijk").fill("2031-01-15")
    add.get_by_role("button", name="Actiepunt toevoegen").click()
    page.wait_for_load_state()
    assert "Het actiepunt is toegevoegd." in page.content()
    page.get_by_role("button", name="Ter vaststelling aanbieden").click()
    page.wait_for_load_state()
    assert "ligt ter vaststelling" in page.content()

    # Minutes are approved at a meeting that has begun: on to the next TVO's start (a new
    # session, the old one has gone idle by then).
    clock.move_to(to_local(next_start) + timedelta(minutes=5))
    page.context.clear_cookies()
    log_in(page, base, "oov@example.org")
    page.goto(f"{base}/overleggen/{next_id}/verslag")
    assert "Browseractie: bewonersavond plannen" in page.content()  # on the next actielijst
    page.get_by_role("button", name="vaststellen").first.click()
    page.wait_for_load_state()
    assert "is vastgesteld" in page.content()
    shot(page, "verslag-vastgesteld-in-volgende")

    page.goto(f"{base}/overleggen/{concept_id}/verslag")
    with page.expect_download() as dl:
        page.get_by_role("link", name="PDF downloaden").click()
    data = Path(dl.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    from tests.minutes_support import pdf_text

    text = " ".join(pdf_text(data))
    assert "Browserbesluit" in text and "Browseractie" in text
    import io

    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfaid:part" in xmp and "/StructTreeRoot" in root and str(root["/Lang"]) == "nl"
    with page.expect_download() as again:
        page.get_by_role("link", name="PDF downloaden").click()
    assert Path(again.value.path()).read_bytes() == data  # byte-identical
