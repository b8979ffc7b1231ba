"""Crafted ids and filter values answer a Dutch 404 or the page itself, never a 500.

An id beyond the database's integer range (e.g. 99999999999999999999) passes Flask's <int:>
converter and the filter forms' IntegerField; the views refuse it before it reaches a query
(where it would raise OverflowError on SQLite, NumericValueOutOfRange on PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.factories import make_meeting

BIG = "99999999999999999999"
NOT_FOUND_TITLE = "<title>Niet gevonden · Overleg"


@pytest.mark.parametrize(
    "url",
    [
        "/overleggen/{id}",
        "/overleggen/{id}/agenda",
        "/overleggen/{id}/agenda.pdf",
        "/overleggen/{id}/verslag",
        "/agenda/overleg/{id}.ics",
        "/stukken/{id}",
        "/onderwerpen/{id}",
    ],
)
def test_oversized_id_is_not_found(seeded, as_role, url):
    secretary = as_role("secretaris")
    meeting = make_meeting("tvo")
    # the same page with a real id is there (for a reader who may see everything) ...
    if not url.startswith(("/stukken", "/onderwerpen")):
        assert secretary.get(url.format(id=meeting.id)).status_code == 200
    # ... and with an oversized id it is a Dutch "not found", for any reader
    for client in (secretary, as_role("deelnemer")):
        resp = client.get(url.format(id=BIG))
        assert resp.status_code == 404
        if resp.mimetype == "text/html":
            assert NOT_FOUND_TITLE in resp.get_data(as_text=True)


@pytest.mark.parametrize("query", [f"jaar={BIG}", f"thema={BIG}", f"onderwerp={BIG}"])
def test_oversized_decision_filter_shows_the_register(seeded, as_role, query):
    # (the secretary: a deelnemer who sits in no TVO gets 404 for its register)
    resp = as_role("secretaris").get(f"/besluiten/tvo?{query}")
    assert resp.status_code == 200
    assert "<title>Besluitenlijst Tactisch Veiligheidsoverleg" in resp.get_data(as_text=True)


def test_oversized_outbox_page_shows_the_outbox(seeded, as_role):
    resp = as_role("secretaris").get(f"/uitgaande-post/?pagina={BIG}")
    assert resp.status_code == 200
    assert "<title>Verzonden berichten" in resp.get_data(as_text=True)


def test_oversized_guest_id_is_refused_in_dutch(seeded, as_role):
    meeting = make_meeting("tvo")
    resp = as_role("secretaris").post(f"/overleggen/{meeting.id}/gasten", data={"person": BIG})
    assert resp.status_code == 400
    assert "persoon" in resp.get_data(as_text=True).lower()
    assert len(meeting.participants) == 0
