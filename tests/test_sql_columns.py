"""`overleg.models.sql.columns`: rows of a statement of columns, on the session's connection."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from overleg.models import AuditEvent, Meeting, MeetingType
from overleg.models.sql import columns


def test_columns_refuses_a_statement_of_objects(seeded, db):
    """`columns()` (rows of columns without the ORM's work) refuses, in the suite, a statement
    that selects mapped objects or audit events: its rows would hold columns, or miss the
    events kept for the commit. A statement of columns runs (the positive control)."""
    from sqlalchemy import select

    from overleg.models.sql import columns

    if True:
        assert columns(select(Meeting.id).limit(1)).all() is not None
        with pytest.raises(TypeError, match="not of"):
            columns(select(Meeting, Meeting.id))
        with pytest.raises(TypeError, match="audit"):
            columns(select(AuditEvent.id))


def test_columns_reads_what_the_session_has_not_written_yet(seeded, db):
    """As the ORM's own execution, `columns()` flushes first: a change made in this session
    and not yet written is read."""
    body = db.session.scalars(select(MeetingType).limit(1)).one()
    body.name = "Nog niet geschreven"
    assert db.session.dirty
    stmt = select(MeetingType.name).where(MeetingType.id == body.id)
    assert columns(stmt).scalar_one() == "Nog niet geschreven"
