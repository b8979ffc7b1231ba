"""PostgreSQL plans (overleg/extensions.py, `_postgresql_options`): with prepared statements
every statement runs on its generic plan (``plan_cache_mode = force_generic_plan``), a
participant's (the read policy's clauses) and a secretary's alike; an operator's own
``plan_cache_mode`` in ``PGOPTIONS`` wins. Without prepared statements (OVERLEG_PG_PREPARE=0)
nothing is set: tests/test_pg_prepared.py."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text

from config import engine_options
from overleg.extensions import db
from tests.conftest import DEMO_PASSWORD, login

PARTICIPANT = "wijkagent@example.org"
SECRETARY = "oov@example.org"


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans every statement itself")


def _modes_during(client, url: str) -> list[str]:
    """plan_cache_mode as each statement of the request ran (asked of the same connection,
    in the same transaction, beside the page's own cursor)."""
    seen: list[str] = []

    def after(_conn, cursor, statement, *_args):
        seen.append(cursor.connection.execute("SHOW plan_cache_mode").fetchone()[0])

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        resp = client.get(url)
    finally:
        event.remove(db.engine, "after_cursor_execute", after)
    assert resp.status_code == 200, url
    return seen


@pytest.mark.usefixtures("seeded")
def test_every_readers_statements_run_on_their_generic_plan(app):
    _postgresql_only()
    for email in (PARTICIPANT, SECRETARY):
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        modes = _modes_during(client, "/onderwerpen")
        assert len(modes) >= 3
        assert set(modes) == {"force_generic_plan"}, (email, modes)


def test_an_operators_own_plan_cache_mode_wins(app, monkeypatch):
    _postgresql_only()
    url = db.engine.url.render_as_string(hide_password=False)
    for pgoptions, expected in (
        ("-c statement_timeout=7777", "force_generic_plan"),
        ("-c plan_cache_mode=auto -c statement_timeout=7777", "auto"),
    ):
        monkeypatch.setenv("PGOPTIONS", pgoptions)
        engine = create_engine(url, **engine_options(url))
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SHOW plan_cache_mode")).scalar() == expected
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "7777ms"
                assert conn.execute(text("SHOW jit")).scalar() == "off"
        finally:
            engine.dispose()
