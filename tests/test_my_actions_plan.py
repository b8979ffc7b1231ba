""" "Mijn actiepunten" reads the open actions of the person and of their organisation from
partial indexes of open actions (ix_action_item_open_owner_*), not every action the owner was
ever given: at ten years that is years of closed ones. The condition is written in the
statement ('open', not a bound value): only then may SQLite, and PostgreSQL's generic plan
of a prepared statement, use a partial index. SQLite's plan without statistics does not
depend on the data, so an empty database shows the plan of a full one."""

from __future__ import annotations

import re

import pytest
from psycopg import sql
from sqlalchemy import create_engine, event

from config import engine_options
from overleg.domain import actions
from overleg.extensions import db
from overleg.models import Person
from tests.factories import index_names


def _my_actions_statement(person) -> tuple[str, tuple]:
    """The SQL and parameters of the list's own query (the action table's first read)."""
    seen: list[tuple[str, tuple]] = []

    def before(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().startswith("SELECT action_item.id"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        actions.my_actions(person)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert seen, "my_actions ran no query on action_item"
    return seen[0]


def _person():
    person = db.session.scalar(db.select(Person).where(Person.email == "wijkagent@example.org"))
    assert person is not None and person.organisation_id is not None
    return person


@pytest.mark.usefixtures("seeded")
def test_sqlite_reads_only_open_actions(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL's generic plan below")
    statement, parameters = _my_actions_statement(_person())
    assert "action_item.status = 'open'" in statement
    with db.engine.connect() as conn:
        steps = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    reads = [s for s in steps if s.startswith(("SEARCH action_item", "SCAN action_item"))]
    assert reads, steps
    # the open ones (by status, or by owner among the open ones), never all of an owner's;
    # SQLite takes the status index here, so the literal is guarded by the string above and
    # by PostgreSQL's generic plan below
    assert all("(status=?)" in s or "ix_action_item_open_owner" in s for s in reads), steps


@pytest.mark.usefixtures("seeded")
def test_postgresql_generic_plan_uses_the_partial_indexes(app):
    """The statement as the app runs it: prepared by psycopg at its second run, on the
    generic plan (tests/test_pg_plans.py); EXPLAIN EXECUTE shows that plan."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's generic plan")
    person = _person()
    statement, parameters = _my_actions_statement(person)
    assert "action_item.status = 'open'" in statement
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
    # a connection of its own, as the app makes them: only this statement is prepared there
    # (the suite's pooled connections hold other statements on action_item)
    db.session.rollback()  # the app's session lets go of the table (DROP INDEX below waits)
    url = db.engine.url.render_as_string(hide_password=False)
    engine = create_engine(url, **engine_options(url))
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            # Whether the generic plan *can* use the partial indexes, whatever the statistics
            # of this small table say (on them PostgreSQL would rather read it whole): the
            # other ways in taken away, in this transaction only (rolled back below). Every
            # other index of the table, not a list of them: on a table of a few rows any
            # index reads it whole as cheaply, and the statistics chose one after another
            # (the meeting's index in a CI run on 7 December 2026, the closing meeting's in
            # one on 8 December). Left: the primary key (a constraint), which the plan must
            # not read either.
            cur.execute("SET LOCAL lock_timeout = '5s'")  # never hang the suite
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(
                "SELECT i.relname FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid"
                " JOIN pg_class t ON t.oid = x.indrelid"
                " WHERE t.relname = 'action_item'"
                " AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
                " AND i.relname NOT LIKE 'ix\\_action\\_item\\_open\\_owner\\_%'"
            )
            others = [row[0] for row in cur.fetchall()]
            assert "ix_action_item_closed_in_meeting_id" in others, others  # the query works
            cur.execute(
                sql.SQL("DROP INDEX {}").format(sql.SQL(", ").join(map(sql.Identifier, others)))
            )
            for _ in range(2):  # prepared at the second run (prepare_threshold 1)
                cur.execute(statement, parameters)
                cur.fetchall()
            cur.execute("SHOW plan_cache_mode")
            assert cur.fetchone()[0] == "force_generic_plan"
            cur.execute(
                "SELECT name FROM pg_prepared_statements WHERE statement LIKE %s",
                ("%FROM action_item%owner_person_id%",),
            )
            prepared = [row[0] for row in cur.fetchall()]
            assert len(prepared) == 1, prepared
            query = sql.SQL("EXPLAIN EXECUTE {}({})").format(
                sql.Identifier(prepared[0]),
                sql.SQL(", ").join(sql.Literal(parameters[n]) for n in names),
            )
            cur.execute(query)
            plan = "\n".join(row[0] for row in cur.fetchall())
        conn.rollback()
    engine.dispose()
    # one or both, as the statistics say; with a bound 'open' neither may serve, and the
    # plan reads the whole table (through its primary key, with sequential scans off)
    assert "ix_action_item_open_owner_" in plan, plan
    assert "Seq Scan on action_item" not in plan, plan
    assert "pk_action_item" not in plan, plan


def test_the_partial_indexes_are_in_the_schema(app):
    # (the migrations against the models: tests/test_migrations.py)
    names = index_names("action_item")
    assert {"ix_action_item_open_owner_person", "ix_action_item_open_owner_organisation"} <= names
