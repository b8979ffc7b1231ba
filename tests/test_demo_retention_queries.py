"""The Bewaartermijnen list and a destruction batch issue the same statements at two sizes of
the scale generator's data (overleg/demo/scale.py), nine and fifteen months of a
municipality in 2014, all of it past its term on the test clock (2027) (issue 12, items 6 and 8)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from overleg.demo.scale import seed_scale
from overleg.domain import retention as dr
from overleg.extensions import db
from overleg.models import Meeting, Minutes, Person
from overleg.models.retention import DestructionRecord, LegalHold
from overleg.seed import DEMO_PASSWORD
from overleg.storage import get_storage
from tests.conftest import _empty_tables, login
from tests.test_demo_scale_queries import _grown

BEHEERDER = "beheerder@example.org"
PAGES = ("/beheer/bewaartermijnen", "/beheer/bewaartermijnen?pagina=2")


def _measure(app, count_queries, months: int) -> dict[str, list[str]]:
    seed_scale(1, 7, today=date(2014, 9, 1), audit_per_year=300, months=months)
    by = db.session.scalar(select(Person).where(Person.email == BEHEERDER))
    first, second = db.session.scalars(select(Meeting).order_by(Meeting.starts_at).limit(2))
    db.session.add(LegalHold(meeting=first, reason="Rechtszaak", held_since=date(2026, 1, 1)))
    db.session.commit()
    found: dict[str, list[str]] = {}
    client = app.test_client()
    assert login(client, BEHEERDER, DEMO_PASSWORD).status_code == 302
    for url in PAGES:
        assert client.get(url).status_code == 200, url  # warm up
        db.session.remove()
        with count_queries() as q:
            resp = client.get(url)
        assert resp.status_code == 200, url
        html = resp.get_data(as_text=True)
        if "pagina" not in url:
            assert "bevroren" in html and f'value="{second.id}"' in html
            assert f'value="{first.id}"' not in html  # held: no checkbox
        found[url] = [s for s in q.statements if not s.startswith("INSERT INTO audit_event")]
    # one destruction batch of 40 meetings
    due = dr.count_due()
    assert due.total > dr.PAGE_SIZE and due.held == 1
    with count_queries() as q:
        report = dr.destroy(get_storage(), by=by, via="opdracht", batch_size=40, limit=40)
    assert report.count == 40 and report.batches == 1 and report.files > 0
    assert db.session.get(Meeting, first.id) is not None
    assert dr.records_destroyed(first) is None  # held: never in a batch
    found["destroy"] = q.statements
    assert db.session.scalar(select(func.count(DestructionRecord.id))) == 40
    assert db.session.scalar(select(func.count(Minutes.id))) > 0  # the rest still there
    return found


def test_retention_list_and_destruction_are_constant_in_the_data(app, count_queries):
    small = _measure(app, count_queries, 6)
    db.session.remove()
    _empty_tables()
    large = _measure(app, count_queries, 12)
    assert small.keys() == large.keys()
    for key in small:
        print(key, len(small[key]), len(large[key]))
        assert not _grown(small[key], large[key]), key
        assert len(small[key]) == len(large[key]), key
    assert len(large["/beheer/bewaartermijnen"]) <= 12
