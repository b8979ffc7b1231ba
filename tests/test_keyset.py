"""Keyset pages (overleg.domain.keyset) of the decision and action registers and the Logboek.

Following "Volgende" from the first page to the last, and "Vorige" back, covers every row
exactly once in the register's order, at two page sizes; the number of queries is the same
on every page and does not grow with the rows; a cursor changed by hand is a Dutch 400.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from overleg.domain import actions as dact
from overleg.domain import audit_log as log
from overleg.domain import decisions as ddec
from overleg.domain import keyset
from overleg.domain import minutes as dmin
from overleg.extensions import db
from overleg.models import AuditEvent
from tests.conftest import TEST_PASSWORD, login
from tests.factories import make_meeting, meeting_type
from tests.minutes_support import item_of

pytestmark = pytest.mark.usefixtures("seeded")


def _fill(people, meetings: int, per_meeting: int, start: date = date(2025, 11, 4)):
    """Meetings of the TVO, each with decisions and actions; two meetings on one day."""
    sec = people["secretaris"]
    made = []
    for n in range(meetings):
        day = start + timedelta(days=14 * (n // 2))
        meeting = make_meeting("tvo", day=day, at=time(10 + n % 2, 0), commit=False)
        db.session.flush()
        item = item_of(meeting, "mededelingen")
        dmin.ensure_minutes(meeting, sec)
        for k in range(per_meeting):
            ddec.add_decision(meeting, item, f"Besluit {n}.{k}", by=sec)
            dact.add_action(meeting, item, f"Actie {n}.{k}", owner_person=sec, by=sec)
        made.append(meeting)
    db.session.commit()
    return made


def _walk(fetch, size: int):
    """Every page from the first by its next cursor, then back by the previous ones."""
    pages = [fetch(None, size)]
    while pages[-1].next:
        pages.append(fetch(keyset.decode(pages[-1].next, fetch.types), size))
        assert len(pages) < 100
    back = [pages[-1]]
    while back[-1].previous:
        back.append(fetch(keyset.decode(back[-1].previous, fetch.types), size))
        assert len(back) < 100
    return pages, list(reversed(back))


def _decisions(person):
    def fetch(cursor, size):
        return ddec.register_page(meeting_type("tvo"), person, cursor=cursor, size=size)

    fetch.types = ddec.CURSOR_TYPES
    return fetch


def _actions(person):
    def fetch(cursor, size):
        return dact.register_page(meeting_type("tvo"), person, cursor=cursor, size=size)

    fetch.types = dact.CURSOR_TYPES
    return fetch


def _events():
    def fetch(cursor, size, f=None):
        f = log.AuditFilter(cursor=cursor)
        old = log.PAGE_SIZE
        log.PAGE_SIZE = size
        try:
            return log.page(f)
        finally:
            log.PAGE_SIZE = old

    fetch.types = log.CURSOR_TYPES
    return fetch


def _ids(pages, of):
    return [of(row) for page in pages for row in page.rows]


@pytest.mark.parametrize("size", [4, 7])
def test_decision_register_pages_cover_every_row_once(people, size):
    _fill(people, meetings=6, per_meeting=3)
    sec = people["secretaris"]
    every = [r.decision.id for r in ddec.register(meeting_type("tvo"), sec)]
    assert len(every) == 18
    pages, back = _walk(_decisions(sec), size)
    assert _ids(pages, lambda r: r.decision.id) == every  # each once, in number order
    assert [len(p.rows) for p in pages[:-1]] == [size] * (len(pages) - 1)
    assert _ids(back, lambda r: r.decision.id) == every  # Vorige gives the same pages back
    by_page = [[r.decision.id for r in p.rows] for p in pages]
    assert [[r.decision.id for r in p.rows] for p in back] == by_page  # the same boundaries
    assert pages[0].first and pages[0].previous is None and pages[-1].next is None


@pytest.mark.parametrize("size", [4, 7])
def test_action_register_pages_cover_every_row_once(people, size):
    """Actions of two meetings on the same day and several per meeting: the order (meeting
    newest first, then the order made) is total, so no row is lost between pages."""
    _fill(people, meetings=6, per_meeting=3)
    sec = people["secretaris"]
    every = [a.id for a in dact.register(meeting_type("tvo"), sec)]
    assert len(every) == 18
    pages, back = _walk(_actions(sec), size)
    assert _ids(pages, lambda a: a.id) == every
    assert _ids(back, lambda a: a.id) == every


@pytest.mark.parametrize("size", [5, 12])
def test_logboek_pages_cover_every_event_once(people, size):
    start = datetime(2026, 1, 1, 12, 0)
    for i in range(37):
        # three events at every moment: the id orders them
        db.session.add(AuditEvent(event="casus_viewed", at=start + timedelta(seconds=i // 3)))
    db.session.commit()
    every = list(
        db.session.scalars(
            select(AuditEvent.id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )
    pages, back = _walk(_events(), size)
    assert _ids(pages, lambda r: r[0].id) == every
    assert _ids(back, lambda r: r[0].id) == every


def _client(app, person):
    c = app.test_client()
    assert login(c, person.email, TEST_PASSWORD).status_code == 302
    return c


def _link(html: str, label: str) -> str | None:
    match = re.search(rf'href="([^"]+)">{label}<', html)
    return match.group(1).replace("&amp;", "&") if match else None


def _codes(html: str) -> list[str]:
    return re.findall(r"<strong>(TVO-\d{4}-\d+)</strong>", html)


def test_register_pages_on_the_page_and_constant_queries(app, people, count_queries, monkeypatch):
    from overleg.minutes import views

    monkeypatch.setattr(views, "REGISTER_PAGE_SIZE", 5)
    _fill(people, meetings=4, per_meeting=3)  # 12 decisions, 12 actions
    client = _client(app, people["secretaris"])

    def follow(url: str):
        counts, codes = [], []
        while url:
            client.get(url)  # warm up (the reader loaded once)
            with count_queries() as q:
                resp = client.get(url)
            assert resp.status_code == 200
            html = resp.get_data(as_text=True)
            counts.append(q.count)
            codes += _codes(html)
            url = _link(html, "Volgende")
        return counts, codes

    counts, codes = follow("/besluiten/tvo")
    assert len(codes) == 12 and len(set(codes)) == 12 and len(counts) == 3
    assert len(set(counts)) == 1, counts  # the same number of queries on every page
    first = client.get("/besluiten/tvo").get_data(as_text=True)
    assert "5 besluiten op deze pagina" in first and ">Vorige<" not in first
    # the filter travels with the page links
    filtered = client.get("/besluiten/tvo?tekst=Besluit").get_data(as_text=True)
    assert "tekst=Besluit" in _link(filtered, "Volgende")
    # more rows: the same number of queries
    _fill(people, meetings=4, per_meeting=3, start=date(2026, 2, 3))
    more, codes = follow("/besluiten/tvo")
    assert len(codes) == 24 and set(more) == set(counts)
    counts, _ = follow("/actiepunten/tvo")
    assert len(counts) == 5 and len(set(counts)) == 1, counts


CURSORS = [
    "x",
    "!!!",
    "A" * 300,
    "😀",
    base64.urlsafe_b64encode(b"not json").decode(),
    base64.urlsafe_b64encode(json.dumps(["n"]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["z", 2026, 3]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["n", "2026", 3]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["n", True, 3]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["n", 2026, 10**30]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"n": 1}).encode()).decode(),
    # a cursor of the action register (a datetime) given to the decision register, and back
    keyset.encode("n", (datetime(2026, 3, 1, 9, 0), 4)),
    keyset.encode("n", (2026, 3)),
    keyset.encode("n", ("2026-13-45T99:00:00", 4)),
    keyset.encode("n", ("2026-03-01T09:00:00+01:00", 4)),
]


@pytest.mark.parametrize("cursor", CURSORS)
def test_a_tampered_cursor_is_a_dutch_400(app, people, cursor):
    _fill(people, meetings=1, per_meeting=1)
    client = _client(app, people["secretaris"])
    admin = _client(app, people["beheerder"])
    checks = [(client, "/besluiten/tvo"), (client, "/actiepunten/tvo"), (admin, "/beheer/logboek")]
    valid = {
        "/besluiten/tvo": ddec.CURSOR_TYPES,
        "/actiepunten/tvo": dact.CURSOR_TYPES,
        "/beheer/logboek": log.CURSOR_TYPES,
    }
    for c, url in checks:
        try:
            keyset.decode(cursor, valid[url])
        except keyset.CursorError:
            pass
        else:
            continue  # a key of this list: a page (perhaps empty), not an error
        resp = c.get(url, query_string={"vanaf": cursor})
        assert resp.status_code == 400, (url, cursor)
        assert keyset.CURSOR_MESSAGE in resp.get_data(as_text=True)


def test_a_cursor_past_the_end_is_an_empty_page_with_a_way_back(app, people):
    _fill(people, meetings=1, per_meeting=2)
    client = _client(app, people["secretaris"])
    resp = client.get("/besluiten/tvo", query_string={"vanaf": keyset.encode("n", (2000, 1))})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Geen besluiten gevonden." in html
    back = _link(html, "Vorige")
    assert back and len(_codes(client.get(back).get_data(as_text=True))) == 2


def test_encode_decode_round_trip():
    key = (datetime(2026, 3, 1, 9, 30, 5, 120), 42)
    token = keyset.encode("p", key)
    assert "=" not in token and token.isascii()
    assert keyset.decode(token, (datetime, int)) == keyset.Cursor("p", key)
    assert keyset.decode(None, (int,)) is None and keyset.decode("", (int,)) is None
