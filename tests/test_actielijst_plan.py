"""The actielijst reads the actions it shows from indexes, not every action its body ever had.

A meeting's carried actions (`actions.carried_actions`) were one condition over all of the
body's actions: at ten years three times one year's time for the same ten rows. Each arm
(open, closed at this meeting or a later one, closed between meetings since the previous
one) now has its index. SQLite's plan without statistics does not depend on the data, so
the plan of an empty database is the plan of a full one: no step of it reads the whole
action table.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from overleg.domain import actions
from overleg.extensions import db
from tests.factories import index_names


def _plan(app) -> list[str]:
    statement = actions._carried_statement("sqlite")
    compiled = statement.compile(dialect=db.engine.dialect)
    params = compiled.construct_params(
        {"type_id": 1, "starts_at": datetime(2026, 12, 1, 9), "meeting_id": 1}
    )
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled.string}",
            tuple(params[name] for name in compiled.positiontup),
        ).all()
    return [row[-1] for row in rows]


def test_every_read_of_the_action_table_is_by_an_index(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL's generic plans: tests/test_pg_plans.py")
    steps = _plan(app)
    reads = [s for s in steps if "action_item" in s]
    assert len(reads) >= 5, steps  # the four arms and the row lookup
    assert not [s for s in reads if s.startswith("SCAN")], steps
    # not all of the body's actions by its index (a quarter of the table)
    assert not [s for s in reads if "(meeting_type_id=?)" in s], steps
    assert any("ix_action_item_status_closed (status=? AND closed_at>?)" in s for s in reads)
    assert any("ix_action_item_closed_in_meeting_id (closed_in_meeting_id=?)" in s for s in reads)


def test_the_index_is_in_the_schema(app):
    # (the migrations against the models: tests/test_migrations.py)
    names = index_names("action_item")
    assert "ix_action_item_status_closed" in names
    assert "ix_action_item_status_due" in names
