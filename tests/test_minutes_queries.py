"""The minutes page and PDF issue a number of queries that does not grow with the items."""

from __future__ import annotations

from overleg.domain import actions as da
from overleg.domain import decisions as dd
from overleg.extensions import db
from overleg.models import AgendaItem, Topic
from tests.factories import meeting_type
from tests.minutes_support import item_of, past_meeting


def _meeting_with(n_items: int, people, tag: str, code: str):
    """A meeting (of its own body, so neither carries the other's actions) with n topic items,
    each with notes, a decision and an action, and n open actions from the previous meeting."""
    owner = people["deelnemer"]
    prev = past_meeting(code, 60)
    m = past_meeting(code, 30, [(owner, "member"), (people["secretaris"], "secretary")])
    for n in range(n_items):
        topic = Topic(
            reference=f"TVO-Q{tag}-{n:03d}",
            title=f"Onderwerp {n}",
            meeting_type=meeting_type(code),
            confidentiality="casus" if n % 3 == 0 else "intern",
        )
        item = AgendaItem(
            meeting=m,
            position=10 + n,
            kind="topic",
            title=f"Onderwerp {n}",
            topic=topic,
            notes=f"Aantekening {n}",
        )
        db.session.add_all([topic, item])
        db.session.flush()
        dd.add_decision(m, item, f"Besluit {n}")
        da.add_action(m, item, f"Actie {n}", owner_person=owner)
        da.add_action(prev, item_of(prev, "mededelingen"), f"Oude actie {n}", owner_person=owner)
    from overleg.domain.minutes import ensure_minutes

    ensure_minutes(m)
    db.session.commit()
    return m


def _count(count_queries, client, url):
    db.session.expire_all()
    with count_queries() as q:
        resp = client.get(url)
    assert resp.status_code == 200
    return q.count


def test_page_and_pdf_queries_constant(seeded, people, as_role, count_queries, app):
    sec = as_role("secretaris")
    small = _meeting_with(2, people, "a", "tvo")
    large = _meeting_with(12, people, "b", "ovo")
    for url in ("/overleggen/{}/verslag", "/overleggen/{}/verslag.pdf"):
        a = _count(count_queries, sec, url.format(small.id))
        b = _count(count_queries, sec, url.format(large.id))
        assert a == b, (url, a, b)
    # and for a participant reading minutes ter vaststelling (need-to-know checks included)
    from overleg.domain.minutes import ensure_minutes

    for m in (small, large):
        ensure_minutes(m).status = "ter_vaststelling"
    db.session.commit()
    from tests.conftest import login

    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    for url in ("/overleggen/{}/verslag", "/overleggen/{}/verslag.pdf"):
        a = _count(count_queries, reader, url.format(small.id))
        b = _count(count_queries, reader, url.format(large.id))
        assert a == b, (url, a, b)
