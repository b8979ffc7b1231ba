"""Review probe (PostgreSQL only): statements prepared on a pooled connection and kept over
rollbacks (extensions._KeptPreparedConnection) after another connection changed the schema
(a migration while the app runs): never another reader's or stale rows; at most an error."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select, text

from overleg.extensions import db
from overleg.models import Topic
from tests.factories import meeting_type


def test_kept_prepared_statement_after_concurrent_ddl(seeded, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    a = Topic(
        reference="TVO-2019-051",
        title="Eerste",
        meeting_type=meeting_type("tvo"),
        confidentiality="intern",
    )
    b = Topic(
        reference="TVO-2019-052",
        title="Tweede",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
    )
    db.session.add_all([a, b])
    db.session.commit()
    a_id, b_id = a.id, b.id
    db.session.commit()  # no transaction of the test's session holds a lock on topic
    db.session.close()
    stmt = select(Topic.id, Topic.title).where(Topic.id == bindparam("tid"))
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for tid, title in [(a_id, "Eerste"), (b_id, "Tweede")] * 3:
            assert conn.execute(stmt, {"tid": tid}).one().title == title
            conn.rollback()
        assert raw._prepared._names, "the statement was prepared and kept over rollbacks"
        with db.engine.connect() as other:  # a migration on another connection
            other.execute(text("SET lock_timeout = '5s'"))
            other.execute(text("ALTER TABLE topic ADD COLUMN review5_probe integer"))
            other.execute(text("UPDATE topic SET title = 'Gewijzigd' WHERE id = :i"), {"i": a_id})
            other.commit()
        try:
            for tid, title in [(a_id, "Gewijzigd"), (b_id, "Tweede")]:
                row = conn.execute(stmt, {"tid": tid}).one()
                assert (row.id, row.title) == (tid, title)
                conn.rollback()
        finally:
            conn.rollback()
            with db.engine.connect() as other:
                other.execute(text("SET lock_timeout = '5s'"))
                other.execute(text("ALTER TABLE topic DROP COLUMN review5_probe"))
                other.commit()
