"""The topic list (/onderwerpen) by keyset pages: 50 newest first, "Volgende"/"Vorige" with
the filters kept, a participant never shown a topic they may not find on any page, and the
list's search on every page only over what the person may read. The search page's own pages
(/zoeken) are in tests/test_search.py.

Run on SQLite and once on PostgreSQL (tests/support/with-postgres.sh)."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

import pytest

from overleg.domain.topics import LIST_PAGE_SIZE
from overleg.extensions import db
from overleg.timeutil import utcnow
from tests.conftest import TEST_PASSWORD, login
from tests.factories import make_topic, topic_item
from tests.leak_fixture import build_world

pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, person):
    c = app.test_client()
    assert login(c, person.email, TEST_PASSWORD).status_code == 302
    return c


def _page(client, url: str) -> tuple[list[int], str | None, str]:
    """The topic ids listed (in order), the Volgende link (or None) and the page."""
    resp = client.get(url)
    assert resp.status_code == 200, url
    body = resp.get_data(as_text=True)
    table = body[body.index("<h1") :]
    ids = [
        int(i)
        for i in re.findall(
            r'<td class="utrecht-table__cell"><a class="utrecht-link" '
            r'href="/onderwerpen/(\d+)">',
            table,
        )
    ]
    nxt = re.search(r'rel="next" href="([^"]+)"', body)
    return ids, htmllib.unescape(nxt.group(1)) if nxt else None, body


def _walk(client, url: str) -> list[list[int]]:
    """Every page from `url` on, following Volgende."""
    pages = []
    while url is not None:
        ids, url, _ = _page(client, url)
        pages.append(ids)
        assert len(pages) < 20
    return pages


@pytest.fixture
def world(app):
    w = build_world()
    db.session.commit()
    return w


def _topics(code, n, start, **kw):
    """n topics of a body, one an hour apart from `start` back in time (the first newest)."""
    return [make_topic(code, created=start - timedelta(hours=i), **kw) for i in range(n)]


def test_second_page_shows_the_51st_topic_and_not_the_first(app, world):
    sec = _client(app, world.people["secretaris"])
    made = _topics("tvo", 60, utcnow() + timedelta(days=10), title="Parkeeroverlast")
    db.session.commit()
    first, nxt, body = _page(sec, "/onderwerpen")
    assert len(first) == LIST_PAGE_SIZE == 50
    assert first[:50] == [t.id for t in made[:50]]  # newest first
    assert nxt is not None and "vanaf=" in nxt
    assert "Oudere onderwerpen vindt u met ‘Volgende’" in body
    second, _, body = _page(sec, nxt)
    assert second[0] == made[50].id  # the 51st
    assert made[0].id not in second  # not the first
    assert made[59].id in second
    assert 'rel="prev"' in body
    # Vorige leads back to the first page
    prev = htmllib.unescape(re.search(r'rel="prev" href="([^"]+)"', body).group(1))
    again, _, _ = _page(sec, prev)
    assert again == first


def test_the_filters_survive_paging(app, world):
    sec = _client(app, world.people["secretaris"])
    start = utcnow() + timedelta(days=10)
    done = _topics("tvo", 55, start, title="Afgeronde zaak")
    for t in done:
        t.status = "afgerond"
    others = _topics("tvo", 55, start - timedelta(minutes=30), title="Lopende zaak")
    db.session.commit()
    ids, nxt, _ = _page(sec, "/onderwerpen?status=afgerond&overleg=tvo")
    assert nxt is not None and "status=afgerond" in nxt and "overleg=tvo" in nxt
    rest, nxt2, _ = _page(sec, nxt)
    assert set(ids) | set(rest) == {t.id for t in done}  # all 55 over two pages, only those
    assert not (set(ids) | set(rest)) & {t.id for t in others}
    assert nxt2 is None
    # positive control: unfiltered, the others are listed
    unfiltered, _, _ = _page(sec, "/onderwerpen")
    assert set(unfiltered) & {t.id for t in others}
    # a search survives too
    ids, nxt, _ = _page(sec, "/onderwerpen?q=afgeronde")
    assert nxt is not None and "q=afgeronde" in nxt
    rest, _, _ = _page(sec, nxt)
    assert set(ids) | set(rest) == {t.id for t in done}


def test_a_participant_never_sees_a_topic_they_may_not_find_on_any_page(app, world):
    """60 topics on the participant's held TVO meeting, interleaved with 60 of the Driehoek
    they do not sit in: over every page the first all, the second never."""
    held, driehoek = world.meetings["held"], world.meetings["driehoek"]
    start = utcnow() + timedelta(days=10)
    readable = _topics("tvo", 60, start, title="Parkeeroverlast bij de school")
    hidden = _topics("driehoek", 60, start - timedelta(minutes=30), title="Parkeeroverlast elders")
    for t in readable:
        topic_item(held, t)
    for t in hidden:
        topic_item(driehoek, t)
    db.session.commit()
    never = {t.id for t in hidden} | {world.topics[k].id for k in ("dri", "unp", "bes")}
    part = _client(app, world.people["participant"])
    pages = _walk(part, "/onderwerpen")
    assert len(pages) >= 2
    shown = [i for p in pages for i in p]
    assert len(shown) == len(set(shown))  # no topic twice
    assert {t.id for t in readable} <= set(shown)  # positive control
    assert world.topics["opn"].id in shown
    assert not set(shown) & never
    # the list's search: page by page only what the participant reads
    pages = _walk(part, "/onderwerpen?q=parkeeroverlast")
    shown = [i for p in pages for i in p]
    assert len(pages) == 2 and set(shown) == {t.id for t in readable}
    # positive control: the Driehoek member finds the other ones
    found = [
        i
        for p in _walk(_client(app, world.people["other_body"]), "/onderwerpen?q=parkeeroverlast")
        for i in p
    ]
    assert set(found) == {t.id for t in hidden}


def test_a_changed_cursor_is_refused_in_dutch(app, world):
    resp = _client(app, world.people["secretaris"]).get("/onderwerpen?vanaf=bogus!")
    assert resp.status_code == 400
    assert "Deze paginalink klopt niet (meer)." in resp.get_data(as_text=True)


def test_past_the_last_page_the_list_says_so(app, world):
    sec = _client(app, world.people["secretaris"])
    made = _topics("tvo", 51, utcnow() + timedelta(days=10))
    db.session.commit()
    _, nxt, _ = _page(sec, "/onderwerpen")
    ids, after, _ = _page(sec, nxt)
    assert made[50].id in ids and after is None
