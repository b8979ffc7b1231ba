"""Security review: crafted ids and filter values answer 404/400, never a 500.

An id beyond the database's integer range (e.g. 99999999999999999999) passes Flask's <int:>
converter and the filter forms' IntegerField, then raises OverflowError (SQLite) or
NumericValueOutOfRange (PostgreSQL) inside the query: a 500 with a stack trace in the log."""

from __future__ import annotations

import pytest

BIG = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/overleggen/{BIG}",
        f"/overleggen/{BIG}/agenda",
        f"/overleggen/{BIG}/agenda.pdf",
        f"/overleggen/{BIG}/verslag",
        f"/agenda/overleg/{BIG}.ics",
        f"/stukken/{BIG}",
        f"/onderwerpen/{BIG}",
    ],
)
def test_oversized_id_is_not_found(seeded, as_role, url):
    assert as_role("deelnemer").get(url).status_code == 404


@pytest.mark.parametrize("query", [f"jaar={BIG}", f"thema={BIG}", f"onderwerp={BIG}"])
def test_oversized_decision_filter_is_not_a_server_error(seeded, as_role, query):
    # (a deelnemer who sits in no TVO gets 404: the register of a body one does not sit in)
    assert as_role("secretaris").get(f"/besluiten/tvo?{query}").status_code in (200, 400)


def test_oversized_outbox_page_is_not_a_server_error(seeded, as_role):
    assert as_role("secretaris").get(f"/uitgaande-post/?pagina={BIG}").status_code in (
        200,
        400,
        404,
    )


def test_oversized_guest_id_is_refused_in_dutch(seeded, as_role):
    from tests.factories import make_meeting

    meeting = make_meeting("tvo")
    resp = as_role("secretaris").post(f"/overleggen/{meeting.id}/gasten", data={"person": BIG})
    assert resp.status_code == 400
    assert "persoon" in resp.get_data(as_text=True).lower()
