"""The N+1 guard (tests/nplusone_guard.py) itself: it stops Overleg's code from loading a
relationship row by row, and lets a single object's relationship and the tests' own reading
through."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from overleg.extensions import db
from overleg.models import RosterEntry
from tests.nplusone_guard import NPlusOne

# Code run as if it were a module of Overleg's (the guard looks at the calling file).
_APP_FILE = str(Path(__file__).resolve().parent.parent / "overleg" / "_nplusone_probe.py")
_PROBE = compile(
    "def role_names(entries):\n    return [e.role.name for e in entries]\n", _APP_FILE, "exec"
)


def _app_role_names(entries):
    namespace: dict = {}
    exec(_PROBE, namespace)
    return namespace["role_names"](entries)


@pytest.fixture
def entries(seeded):
    db.session.commit()
    db.session.expunge_all()  # nothing in the identity map: each role is a SELECT
    return db.session.scalars(select(RosterEntry).order_by(RosterEntry.id)).all()


def test_overlegs_code_loading_a_relationship_per_row_fails(entries):
    assert len(entries) > 1
    with pytest.raises(NPlusOne, match=r"RosterEntry\.role .* overleg/_nplusone_probe\.py:2"):
        _app_role_names(entries)


def test_the_rows_query_loading_it_passes(entries):
    from sqlalchemy.orm import joinedload

    db.session.expunge_all()
    loaded = db.session.scalars(
        select(RosterEntry).options(joinedload(RosterEntry.role)).order_by(RosterEntry.id)
    ).all()
    names = _app_role_names(loaded)
    assert len(names) == len(loaded) > 1 and all(names)


def test_one_objects_relationship_and_the_tests_own_reads_pass(entries):
    names = [e.role.name for e in entries]  # the test reads: no N+1 of a page
    assert all(names)
    db.session.expunge_all()
    one = db.session.scalars(select(RosterEntry).order_by(RosterEntry.id).limit(1)).all()
    assert _app_role_names(one) == [names[0]]


def test_a_new_request_groups_nothing_it_did_not_load(entries, client):
    """What the tests' shared session holds from before a request is not that request's
    query (in production the request's session starts empty): reading it is no N+1 of the
    request's page. The same reading before the request is one (positive control above)."""
    assert len(entries) > 1
    assert client.get("/inloggen").status_code == 200  # a request starts
    names = _app_role_names(entries)
    assert len(names) == len(entries) and all(names)
