"""Mijn overleggen walks the meetings by start from now and looks the person's row up in the
(meeting, person) index, so a page costs the same after ten years as after one. The person's
own participant row comes without its person and role (Participant's joined defaults): with
them SQLite started from the person's participations and sorted all of them. SQLite's plan
without statistics does not depend on the data: an empty database shows a full one's."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event

from overleg.domain import my_meetings
from overleg.extensions import db
from overleg.models import Person


def _page_statement(person, upcoming: bool) -> tuple[str, tuple]:
    seen: list[tuple[str, tuple]] = []

    def before(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        my_meetings.page(person, upcoming=upcoming, now=datetime(2027, 3, 1, 12))
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert len(seen) == 1, [s for s, _ in seen]
    return seen[0]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("upcoming", [True, False])
def test_a_page_walks_the_meetings_by_start_without_sorting_them(app, upcoming):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    person = db.session.scalar(db.select(Person).where(Person.email == "oov@example.org"))
    statement, parameters = _page_statement(person, upcoming)
    with db.engine.connect() as conn:
        steps = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    assert steps[0].startswith("SEARCH meeting USING INDEX ix_meeting_starts_at"), steps
    assert not [s for s in steps if "TEMP B-TREE" in s], steps
    assert not [s for s in steps if "ix_participant_person_id" in s], steps
