"""On PostgreSQL a cursor describes its result on demand (overleg/extensions.py,
`_DescribedOnDemandCursor`): the columns psycopg would list, made when first read, from the
result they describe. Also with prepared statements off (OVERLEG_PG_PREPARE=0)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, select

from config import engine_options
from overleg.extensions import _DescribedOnDemandCursor, _Description, db
from overleg.models import Person
from tests.conftest import DEMO_PASSWORD, get_page, login


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: the cursor is psycopg's")


def _plain(raw) -> list[tuple]:
    """What psycopg's own cursor says of the same statement on the same connection."""
    with psycopg.Cursor(raw) as cur:
        cur.execute("SELECT id, name, email, active FROM person ORDER BY id LIMIT 2")
        return [tuple(c) for c in cur.description]


@pytest.mark.parametrize("prepare", [True, False], ids=["prepared", "unprepared"])
def test_the_description_lists_the_columns_psycopg_lists(app, seeded, prepare):
    _postgresql_only()
    url = db.engine.url.render_as_string(hide_password=False)
    engine = create_engine(url, **engine_options(url, pg_prepare=prepare))
    try:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            cur = raw.cursor()
            assert isinstance(cur, _DescribedOnDemandCursor)
            cur.execute("SELECT id, name, email, active FROM person ORDER BY id LIMIT 2")
            described = cur.description
            assert isinstance(described, _Description) and len(described) == 4
            # read only after the cursor ran another statement: still the first result's
            cur.execute("SELECT 1 AS one")
            assert [tuple(c) for c in described] == _plain(raw)
            assert [c.name for c in described[1:3]] == ["name", "email"]
            assert [c.name for c in cur.description] == ["one"]
            # no result set: None, as psycopg says
            cur.execute("UPDATE person SET phone = phone WHERE id = -1")
            assert cur.description is None
            cur.close()
            conn.rollback()
    finally:
        engine.dispose()


def test_results_read_through_the_orm_are_whole(app, seeded):
    """A statement run for the first time (its layout taken from the description) and the
    same statement again (SQLAlchemy's kept layout): the same rows, every column in place."""
    _postgresql_only()
    stmt = select(Person.id, Person.name, Person.email).order_by(Person.id).limit(3)
    first = db.session.execute(stmt).all()
    again = db.session.execute(stmt).all()
    assert first == again and len(first) == 3
    assert all(isinstance(r.id, int) and "@" in r.email for r in first)
    client = app.test_client()
    assert login(client, "oov@example.org", DEMO_PASSWORD).status_code == 302
    name = db.session.scalar(select(Person.name).where(Person.email == "oov@example.org"))
    assert name and name in get_page(client, "/")
