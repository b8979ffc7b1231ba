"""Retention: minutes show their destruction date; the beheerder sees records past their term."""

from __future__ import annotations

from datetime import date

from overleg.domain import retention as dr
from overleg.domain.minutes import ensure_minutes
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.factories import make_meeting


def test_destruction_date_from_the_meeting_type(seeded):
    tvo = make_meeting("tvo", day=date(2019, 3, 12))  # 19.1.11, 5 years
    driehoek = make_meeting("driehoek", day=date(2019, 3, 12))  # 19.1.10, 10 years
    assert dr.destruction_date(tvo) == date(2024, 3, 12)
    assert dr.destruction_date(driehoek) == date(2029, 3, 12)
    assert dr.add_years(date(2020, 2, 29), 5) == date(2025, 2, 28)
    assert "19.1.11" in dr.category_label(tvo.meeting_type)


def test_minutes_page_shows_destruction_date(seeded, people, as_role):
    m = make_meeting("tvo", day=date(2019, 3, 12))
    html = as_role("secretaris").get(f"/overleggen/{m.id}/verslag").get_data(as_text=True)
    assert "Te vernietigen vanaf 12 maart 2024" in html
    assert "19.1.11" in html


def test_beheerder_lists_records_past_their_term(seeded, people, as_role):
    old = make_meeting("tvo", day=date(2019, 3, 12))
    recent = make_meeting("tvo", day=today_local())
    old_driehoek = make_meeting("driehoek", day=date(2019, 3, 12))
    for m in (old, recent, old_driehoek):
        ensure_minutes(m)
    db.session.commit()
    listing = dr.past_term(on=date(2026, 1, 1))
    rows = listing.rows
    assert [r.meeting.id for r in rows] == [old.id]
    assert listing.total == 1 and listing.held == 0
    assert rows[0].destroy_from == date(2024, 3, 12)
    assert rows[0].minutes_status == "concept"
    resp = as_role("beheerder").get("/beheer/bewaartermijnen")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "12 maart 2024" in html and "Tactisch Veiligheidsoverleg" in html
    assert "1 vergadering komt voor vernietiging in aanmerking" in html
    assert as_role("secretaris").get("/beheer/bewaartermijnen").status_code == 403


def test_last_due_day_is_the_inverse_of_add_years():
    """last_due_day(on, y) is the largest d with add_years(d, y) <= on, leap days included."""
    from datetime import timedelta

    start = date(2019, 1, 1)
    for years in (1, 5, 10):
        for n in range(0, 4 * 366):
            on = start + timedelta(days=n)
            d = dr.last_due_day(on, years)
            assert dr.add_years(d, years) <= on
            assert dr.add_years(d + timedelta(days=1), years) > on
    assert dr.last_due_day(date(2025, 2, 28), 5) == date(2020, 2, 29)
    assert dr.last_due_day(date(2024, 2, 29), 5) == date(2019, 2, 28)
    assert dr.last_due_day(date(2024, 2, 28), 4) == date(2020, 2, 28)
