"""A pooled connection idle for a while is pinged before use, and replaced when the ping
fails (overleg/extensions.py, `ping_idle_connections`); one used a moment ago is not asked.
On both databases: the suite's own engine."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from overleg import extensions


@pytest.fixture
def pings(db, monkeypatch):
    """The dialect's pings, counted; `fail_once`: the next one finds the connection gone."""
    engine = db.engine
    asked = {"n": 0, "fail_once": False}
    real = engine.dialect.do_ping

    def do_ping(dbapi_connection):
        asked["n"] += 1
        if asked["fail_once"]:
            asked["fail_once"] = False
            return False
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", do_ping)
    return asked


def _query(db):
    """One request's use of the database: check out a connection, ask, give it back."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        return conn.connection.dbapi_connection


def test_a_connection_used_a_moment_ago_is_not_pinged(db, pings, monkeypatch):
    _query(db)  # used now (whatever it was before)
    pings["n"] = 0
    _query(db)
    assert pings["n"] == 0
    # positive control: idle longer than the window (here: any time at all), it is asked
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", -1.0)
    _query(db)
    assert pings["n"] == 1


def test_an_idle_connection_that_fails_its_ping_is_replaced(db, pings, monkeypatch):
    if db.engine.pool.__class__.__name__ in ("StaticPool", "SingletonThreadPool"):
        pytest.skip("this pool holds one connection that it cannot replace")
    first = _query(db)
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", -1.0)
    pings["fail_once"] = True  # the server went away while the connection was idle
    pings["n"] = 0
    with db.engine.connect() as conn:
        assert pings["n"] == 2  # the idle one, then the fresh one that took its place
        assert conn.execute(text("SELECT 1")).scalar() == 1  # the request still works
        assert conn.connection.dbapi_connection is not first  # on a fresh connection
