"""PostgreSQL's prepared statements (config.engine_options, overleg/extensions.py): a page's
statements are prepared on the server once per connection and used
again by the next request after the rollback that ends a request; OVERLEG_PG_PREPARE=0 (for
PgBouncer in transaction mode) prepares nothing. On SQLite only the options are checked."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

import config
from config import Config, engine_options
from overleg.domain.topics import create_topic
from overleg.extensions import db
from tests.conftest import DEMO_PASSWORD, get_page, login
from tests.factories import meeting_type

PG = "postgresql+psycopg://overleg@/overleg?host=/tmp"
PREPARED = "SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements"


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server that prepares statements")


def test_engine_options_prepare_on_postgresql_only(monkeypatch, tmp_path):
    assert engine_options(PG) == {
        "connect_args": {"prepare_threshold": 1, "prepared_max": config.PG_PREPARED_MAX},
    }
    assert engine_options(PG, pg_prepare=False)["connect_args"] == {"prepare_threshold": None}
    assert engine_options("sqlite:////var/lib/overleg/overleg.db") == {}
    # the operator's switch, from the environment
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://overleg@/overleg?host=/tmp")
    monkeypatch.delenv("OVERLEG_PG_PREPARE", raising=False)
    assert Config().SQLALCHEMY_ENGINE_OPTIONS["connect_args"]["prepare_threshold"] == 1
    monkeypatch.setenv("OVERLEG_PG_PREPARE", "0")
    assert Config().PG_PREPARE is False
    assert Config().SQLALCHEMY_ENGINE_OPTIONS["connect_args"] == {"prepare_threshold": None}


def test_create_app_takes_the_options_of_the_database_it_is_given(monkeypatch):
    from overleg import create_app

    monkeypatch.setenv("SECRET_KEY", "test")
    overrides = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": PG}
    app = create_app(overrides)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == engine_options(PG)
    app = create_app({**overrides, "PG_PREPARE": False})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == engine_options(PG, pg_prepare=False)


def test_a_pages_statements_are_prepared_once_and_kept_for_the_next_request(app, seeded):
    _postgresql_only()
    create_topic(title="Fietsendiefstal station", meeting_type=meeting_type("ovo"), year=2019)
    db.session.commit()
    client = app.test_client()
    assert login(client, "oov@example.org", DEMO_PASSWORD).status_code == 302
    db.session.remove()
    db.engine.dispose()  # from here on one connection, kept in the pool between requests
    names = []
    for _ in range(4):
        assert "Fietsendiefstal station" in get_page(client, "/onderwerpen")
        # what the end of a request does in production (Flask-SQLAlchemy's teardown): the
        # read-only transaction is rolled back and the connection goes back to the pool
        db.session.remove()
        with db.engine.connect() as conn:
            rows = conn.execute(text(PREPARED)).all()
            assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_generic_plan"
            assert conn.execute(text("SHOW jit")).scalar() == "off"
        names.append({name for name, *_ in rows})
    topics = [row for row in rows if "FROM topic" in row.statement]
    assert topics, [row.statement[:80] for row in rows]
    # prepared at their second run (the second request), then the same ones: not prepared
    # again, and none added per request (the pool's ping before each request is not kept)
    assert names[1] <= names[2] == names[3]
    # executed from the kept statement at every request after it was prepared, on its one
    # generic plan (tests/test_pg_plans.py)
    assert all(row.generic_plans >= 3 and row.custom_plans == 0 for row in topics), topics
    assert db.engine.pool.checkedin() == 1


def test_the_switch_off_prepares_nothing(monkeypatch):
    """OVERLEG_PG_PREPARE=0 (pg_prepare False): nothing prepared, PostgreSQL plans as by
    default, and jit=off with the operator's PGOPTIONS still holds."""
    _postgresql_only()
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=7777")
    url = db.engine.url.render_as_string(hide_password=False)
    engine = create_engine(url, **engine_options(url, pg_prepare=False))
    try:
        with engine.connect() as conn:
            for _ in range(7):  # more than psycopg's default threshold (5)
                assert conn.execute(text("SELECT count(*) FROM topic")).scalar() == 0
            conn.rollback()
            assert conn.execute(text(PREPARED)).all() == []
            assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
            assert conn.execute(text("SHOW jit")).scalar() == "off"
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "7777ms"
    finally:
        engine.dispose()
    # the positive control: the same engine with the switch on prepares at the second run
    engine = create_engine(url, **engine_options(url))
    try:
        with engine.connect() as conn:
            for _ in range(2):
                assert conn.execute(text("SELECT count(*) FROM topic")).scalar() == 0
            conn.rollback()
            statements = [row.statement for row in conn.execute(text(PREPARED))]
            assert "SELECT count(*) FROM topic" in statements
    finally:
        engine.dispose()
