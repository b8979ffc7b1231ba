"""Every list page issues the same number of queries at two sizes of data: one month of the
scale generator's municipality (overleg/demo/scale.py) and three months, for the secretary,
a participant and the beheerder (issue 12, item 6)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from overleg.demo.scale import seed_scale
from overleg.extensions import db
from overleg.models import Meeting, Participant, Person
from overleg.seed import DEMO_PASSWORD
from overleg.timeutil import utcnow
from tests.conftest import _empty_tables, login

SECRETARY = "oov@example.org"
PARTICIPANT = "wijkagent@example.org"
BEHEERDER = "beheerder@example.org"
SMALL, LARGE = 3, 6  # months of work back (and three ahead); the small one has every kind of row


def _body_of(email: str) -> str:
    """The body of the person's latest held meeting (as bench/pages.py picks it)."""
    person = db.session.scalar(select(Person).where(Person.email == email))
    meeting = db.session.scalar(
        select(Meeting)
        .join(Participant)
        .where(
            Participant.person_id == person.id,
            Meeting.starts_at < utcnow(),
            Meeting.status == "gepland",
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    return meeting.meeting_type.code


def _pages(email: str) -> list[str]:
    if email == BEHEERDER:
        return ["/beheer/logboek", "/beheer/logboek?gebeurtenis=casus_viewed", "/beheer/"]
    code = _body_of(email)
    pages = [
        "/",
        "/mijn-overleggen",
        f"/mijn-overleggen?overleg={code}",
        f"/besluiten/{code}",
        f"/actiepunten/{code}",
        f"/actiepunten/{code}?status=open",
        "/onderwerpen",
        "/onderwerpen?q=overlast",
        "/zoeken?q=overlast",
        "/zoeken?q=overlast&soort=verslagen&pagina=2",
        "/zoeken?q=overlast&soort=besluiten&pagina=2",
        "/mijn-actiepunten",
        "/mijn-actiepunten?afgerond=1",
    ]
    if email == SECRETARY:
        pages += [
            f"/te-agenderen/{code}",
            "/escalaties",
            "/planning",
            "/planning?weergave=maand",
        ]
    return pages


def _measure(app, count_queries, months: int) -> dict[tuple[str, str], tuple[int, list[str]]]:
    seed_scale(1, 7, audit_per_year=300, months=months)
    found = {}
    for email in (SECRETARY, PARTICIPANT, BEHEERDER):
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        code = _body_of(email) if email != BEHEERDER else "-"
        for url in _pages(email):
            assert client.get(url).status_code == 200, url  # warm up
            db.session.remove()  # a fresh session, as every request has in production
            with count_queries() as q:
                resp = client.get(url)
            assert resp.status_code == 200, url
            # the audit event depends on whether a casus was shown, not on the amount of data
            statements = [s for s in q.statements if not s.startswith("INSERT INTO audit_event")]
            key = url.replace(f"/{code}", "/<code>").replace(f"={code}", "=<code>")
            found[(email, key)] = (len(statements), statements)
    return found


_PARAM = r"(?:\?|%\(\w+\)s(?:::\w+)?)"  # SQLite's ? or PostgreSQL's %(name)s::INTEGER
_PARAMS = rf"\({_PARAM}(?:, {_PARAM})*\)"


def _shapes(statements: list[str]) -> Counter:
    """The statements with their IN lists folded, counted."""
    return Counter(re.sub(_PARAMS, "(…)", s) for s in statements)


@pytest.fixture
def two_sizes(app, count_queries):
    small = _measure(app, count_queries, SMALL)
    db.session.remove()
    _empty_tables()
    large = _measure(app, count_queries, LARGE)
    return small, large


def _grown(small: list[str], large: list[str]) -> list[str]:
    """The statements that grew with the data: a statement (IN lists folded) issued more often
    at one size than the other. An eager load (``... WHERE x.id IN (...)``) that one size does
    not need because its rows have no related objects at all may be missing there (two paths
    to one table, such as an action's organisation and its owner's, are two such loads)."""
    a, b = _shapes(small), _shapes(large)
    return [
        f"{a[s]} -> {b[s]} x {s[:60]} … {s[-160:]}"
        for s in a.keys() | b.keys()
        if a[s] != b[s] and not ((min(a[s], b[s]) == 0 or max(a[s], b[s]) <= 2) and " IN (…)" in s)
    ]


def test_list_pages_issue_the_same_queries_at_two_sizes(two_sizes):
    small, large = two_sizes
    assert small.keys() == large.keys()
    for key, value in large.items():
        print(key, small[key][0], value[0])
    grown = {key: _grown(small[key][1], large[key][1]) for key in small}
    detail = "\n\n".join(f"{key}:\n" + "\n".join(lines) for key, lines in grown.items() if lines)
    assert not detail, detail


def test_no_list_page_loads_per_row(two_sizes):
    """No statement by primary key repeats on a page (a lazy load per row)."""
    _, large = two_sizes
    repeated = {
        key: [
            s
            for s, n in _shapes(statements).items()
            if n > 1 and re.search(rf"\.id = {_PARAM}$", s.rstrip())
        ]
        for key, (_, statements) in large.items()
    }
    assert not any(repeated.values()), repeated
