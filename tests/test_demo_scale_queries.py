"""Every main page issues the same number of queries at two sizes of data: three months of the
scale generator's municipality (overleg/demo/scale.py) and six, for the secretary, a
participant and the beheerder (issue 12: the same at one and at ten years). The pages are
the benchmark's (``persona_pages``, as bench/pages.py times them) and a few filtered views of
the lists.

Generating the two sizes takes seconds, so one test checks everything on them."""

from __future__ import annotations

import re
import traceback
from collections import Counter

from sqlalchemy import select
from sqlalchemy.sql.cache_key import HasCacheKey

from overleg.demo.scale import persona_pages, seed_scale
from overleg.extensions import db
from overleg.models import Person
from overleg.seed import DEMO_PASSWORD
from tests.conftest import QueryCounter, _empty_tables, login

SECRETARY = "oov@example.org"
PARTICIPANT = "wijkagent@example.org"
BEHEERDER = "beheerder@example.org"
SMALL, LARGE = 3, 6  # months of work back (and three ahead); the small one has every kind of row

# Filtered views of the lists, beside the benchmark's pages ("<code>": the persona's body).
FILTERED = {
    "mijn overleggen per overleg": "/mijn-overleggen?overleg=<code>",
    "open actiepunten": "/actiepunten/<code>?status=open",
    "zoeken verslagen p2": "/zoeken?q=overlast&soort=verslagen&pagina=2",
    "mijn afgeronde actiepunten": "/mijn-actiepunten?afgerond=1",
    "onderwerpen gefilterd": "/onderwerpen?status=in_behandeling&overleg=<code>",
}
SECRETARY_FILTERED = {
    "te agenderen terugkoppelingen": "/te-agenderen/<code>?alle=terugkoppelingen",
    "te agenderen wacht": "/te-agenderen/<code>?alle=wacht",
}

# The most queries each page of one meeting or topic may issue (a casus' audit event not
# counted): no more than they do now. Lower a bound when a page needs fewer.
BOUNDS = {
    (SECRETARY, "overleg"): 5,
    (SECRETARY, "agenda"): 12,
    (SECRETARY, "stukken"): 7,
    (SECRETARY, "verslag"): 14,
    (SECRETARY, "onderwerp"): 9,
    (PARTICIPANT, "overleg"): 4,
    (PARTICIPANT, "agenda"): 12,
    (PARTICIPANT, "stukken"): 8,
    (PARTICIPANT, "verslag"): 6,
    (PARTICIPANT, "onderwerp"): 14,
}


def _pages(email: str) -> dict[str, str]:
    pages = persona_pages(email)
    if email == BEHEERDER:
        return pages | {"beheer": "/beheer/"}
    code = pages["besluiten"].rsplit("/", 1)[1]
    filtered = FILTERED | (SECRETARY_FILTERED if email == SECRETARY else {})
    return pages | {name: url.replace("<code>", code) for name, url in filtered.items()}


class WalkCounter:
    """Which statements SQLAlchemy walks for a cache key while it is active: a statement built
    anew (per request, or by a loader such as ``selectinload``) is walked each time it runs,
    one made once (overleg.domain.kept, an ``lru_cache``, overleg.domain.loading) only the
    first time. Named by the page's own code that ran it."""

    def __init__(self, monkeypatch) -> None:
        self.walked: list[str] | None = None
        original = HasCacheKey._generate_cache_key

        def counting(element):
            if self.walked is not None:
                here = [f for f in traceback.extract_stack()[:-1] if "/overleg/" in f.filename]
                where = here[-1] if here else None
                self.walked.append(
                    f"{type(element).__name__} at "
                    + (f"{where.filename.split('/overleg/')[-1]}:{where.lineno}" if where else "?")
                )
            return original(element)

        monkeypatch.setattr(HasCacheKey, "_generate_cache_key", counting)


def _measure(app, months: int, walks: WalkCounter) -> dict[tuple[str, str], list[str]]:
    """The statements of every page (the second request of two, each in a fresh session as
    in production), without the audit event of a casus shown: that depends on whether the
    page showed one, not on the amount of data. The statements walked for a cache key in
    that second request go to ``walked`` of `walks`, per page."""
    seed_scale(1, 7, audit_per_year=300, months=months)
    found = {}
    for email in (SECRETARY, PARTICIPANT, BEHEERDER):
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        for name, url in _pages(email).items():
            assert client.get(url).status_code == 200, url  # warm up
            db.session.remove()
            walks.walked = []
            with QueryCounter(db.engine) as q:
                resp = client.get(url)
            WALKED[(email, name)] = walks.walked
            walks.walked = None
            assert resp.status_code == 200, url
            found[(email, name)] = [
                s for s in q.statements if not s.startswith("INSERT INTO audit_event")
            ]
    return found


WALKED: dict[tuple[str, str], list[str]] = {}

# Pages that may still build a statement per request (none now; name one here with the
# reason when it must).
BUILT_PER_REQUEST: set[tuple[str, str]] = set()


_PARAM = r"(?:\?|%\(\w+\)s(?:::\w+)?)"  # SQLite's ? or PostgreSQL's %(name)s::INTEGER
_PARAMS = rf"\({_PARAM}(?:, {_PARAM})*\)"


def _shapes(statements: list[str]) -> Counter:
    """The statements with their IN lists folded, counted."""
    return Counter(re.sub(_PARAMS, "(…)", s) for s in statements)


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


def test_grown_tells_a_statement_repeated_per_row_from_a_missing_eager_load():
    per_row = "SELECT topic.title FROM topic WHERE topic.id = ?"
    eager = "SELECT person.name FROM person WHERE person.id IN (?, ?)"
    assert _grown([per_row], [per_row] * 3)
    assert not _grown(
        [per_row, eager], [per_row, "SELECT person.name FROM person WHERE person.id IN (?)"]
    )
    assert not _grown([per_row], [per_row, eager])  # the small size had no such rows


def test_every_page_issues_the_same_queries_at_two_sizes(app, monkeypatch):
    """One test for four properties, so that the two sizes are generated once: the same
    statements at both sizes; no statement by primary key repeated on a page (a lazy load per
    row); the pages of a meeting and a topic within their BOUNDS; and no statement built and
    walked for its cache key on every request (0.3-2 ms apiece, more than most queries cost
    to run), but on the pages of BUILT_PER_REQUEST."""
    walks = WalkCounter(monkeypatch)
    small = _measure(app, SMALL, walks)
    db.session.remove()
    _empty_tables()
    large = _measure(app, LARGE, walks)
    assert small.keys() == large.keys()
    assert {name for _, name in large} >= {"agenda", "verslag", "besluiten", "logboek"}
    assert BOUNDS.keys() <= large.keys()
    for key in large:
        print(key, len(small[key]), len(large[key]))

    grown = {key: _grown(small[key], large[key]) for key in small}
    repeated = {
        key: [
            s
            for s, n in _shapes(statements).items()
            if n > 1 and re.search(rf"\.id = {_PARAM}$", s.rstrip())
        ]
        for key, statements in large.items()
    }
    over = {
        key: (len(large[key]), bound) for key, bound in BOUNDS.items() if len(large[key]) > bound
    }
    problems = [f"{key} grew:\n" + "\n".join(lines) for key, lines in grown.items() if lines]
    problems += [
        f"{key} loads per row:\n" + "\n".join(lines) for key, lines in repeated.items() if lines
    ]
    problems += [f"{key}: {n} queries, bound {bound}" for key, (n, bound) in over.items()]
    built = {key: w for key, w in WALKED.items() if w and key not in BUILT_PER_REQUEST}
    problems += [f"{key} builds per request:\n" + "\n".join(w) for key, w in built.items()]
    # the counter counts: a statement built twice is walked twice, one made once only once
    walks.walked = []
    for _ in range(2):
        db.session.execute(select(Person.id).where(Person.id == 0))
    once = select(Person.id).where(Person.id == 1)
    for _ in range(2):
        db.session.execute(once)
    assert len(walks.walked) == 3, walks.walked
    walks.walked = None
    assert not problems, "\n\n".join(problems)
