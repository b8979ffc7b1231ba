"""A participant's topic search tests the read policy of every topic that matches, most of them
on meetings the person never sat in. Per agenda item of such a topic SQLite should look for
the person's participant row first and read the item's meeting (is its agenda out?) only when
there is one: the release is asked of the participant row's meeting (`policy._seen_item`).
Asked of the item's meeting, SQLite read every matching item's meeting first (the search
at ten years of data: 1.43 -> 1.27 ms for that statement). SQLite's plan without statistics
does not depend on the data: the demo shows a full database's."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from overleg.domain import search as ds
from overleg.extensions import db
from tests.leak_fixture import build_world, canary


def _statements(run) -> list[tuple[str, tuple]]:
    seen: list[tuple[str, tuple]] = []

    def before(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return seen


@pytest.mark.usefixtures("seeded")
def test_a_matching_items_meeting_is_read_only_for_the_persons_own_meetings(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    world = build_world()
    db.session.commit()
    person, topic = world.people["participant"], world.topics["cas"]
    found: list = []
    seen = _statements(lambda: found.extend(ds.topics(person, ds.parse(canary("cas", "tit"))).hits))
    assert [hit.obj.id for hit in found] == [topic.id]  # the search ran, and found it
    ranked = [(s, p) for s, p in seen if "MATCH" in s and "search_topic" in s]
    assert ranked, [s for s, _ in seen]
    statement, parameters = ranked[0]
    with db.engine.connect() as conn:
        steps = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    participant = next(i for i, s in enumerate(steps) if s.startswith("SEARCH participant"))
    meeting = next(i for i, s in enumerate(steps) if s.startswith("SEARCH meeting"))
    assert participant < meeting, steps
