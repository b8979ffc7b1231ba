"""PostgreSQL plans per reader (overleg/extensions.py, `generic_plans_for_policy`): a
participant's statements, with the read policy's clauses, run on their generic plan
(``plan_cache_mode = force_generic_plan``); a secretary's as the server chooses, also on a
connection a participant used just before."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from overleg.extensions import db, generic_plans_for_policy
from tests.conftest import DEMO_PASSWORD, login

PARTICIPANT = "wijkagent@example.org"
SECRETARY = "oov@example.org"


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
def test_a_participants_statements_run_on_generic_plans_and_a_secretarys_do_not(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans every statement itself")
    participant, secretary = app.test_client(), app.test_client()
    assert login(participant, PARTICIPANT, DEMO_PASSWORD).status_code == 302
    assert login(secretary, SECRETARY, DEMO_PASSWORD).status_code == 302
    for _ in range(2):  # and again on a connection the other one used last
        modes = _modes_during(participant, "/onderwerpen")
        assert len(modes) >= 3
        # the login session's own lookup comes before the reader is known
        assert set(modes[1:]) == {"force_generic_plan"}, modes
        modes = _modes_during(secretary, "/onderwerpen")
        assert len(modes) >= 3
        assert set(modes) == {"auto"}, modes


def test_the_mode_ends_with_the_transaction_committed_or_rolled_back(app):
    """A participant's transaction that commits (a form, an audit row) leaves nothing set on
    the connection: the next reader's statements run as configured."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")

    def mode() -> str:
        return db.session.execute(text("SHOW plan_cache_mode")).scalar_one()

    try:
        for end in (db.session.commit, db.session.rollback):
            generic_plans_for_policy(True)
            assert mode() == "force_generic_plan"
            backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            end()
            db.session.close()  # back to the pool, as at the end of a request
            generic_plans_for_policy(False)
            assert db.session.execute(text("SELECT pg_backend_pid()")).scalar_one() == backend
            assert mode() == "auto"
            db.session.rollback()
    finally:
        generic_plans_for_policy(False)
