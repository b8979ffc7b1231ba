"""N+1 fails loudly: Overleg's own code lazily loading a relationship for a second object out
of the same query.

That is the N+1 signature: a page walks the rows of a query and asks each for a relationship
its query did not load, one statement per row. The second such load raises `NPlusOne`
naming the relationship and the line, in every test, on both databases; the fix is a loader
option on the query (``joinedload``, ``selectinload``, a `loading.collection`) or a query of
its own.

Left alone: the first object of a query to load a relationship (a page about one meeting
reading its body: one statement, whatever the amount of data), a many-to-one the session
already holds (no SQL: SQLAlchemy takes it from the identity map), and lazy loads by the
tests' own code, which reads what it checks.

What it cannot see: an object is grouped with the query that made it, or that loaded it
again after a commit expired it (SQLAlchemy's ``load`` and ``refresh`` events). A request
starts with no object grouped (the tests share one session across requests; production
opens one per request). An object a
test made itself, or one still fresh in the session from an earlier query, keeps its old
group (or none): a page walking such objects is not caught here. The query-count tests at
two sizes (tests/test_demo_scale_queries.py) catch what grows with the data.

A relationship can also be closed to lazy loading for good (``lazy="raise"``, as the
retention models are); the guard covers the relationships that a page about one object may
still read lazily. ``OVERLEG_NPLUSONE=record:<file>`` writes each finding to the file
instead of raising (to survey a change); ``OVERLEG_NPLUSONE=off`` turns the guard off.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from flask import request_started
from sqlalchemy import event
from sqlalchemy.orm import Mapper, Session

_ROOT = Path(__file__).resolve().parent.parent
_APP = (str(_ROOT / "overleg") + os.sep, str(_ROOT / "templates") + os.sep)
_TESTS = str(_ROOT / "tests") + os.sep
_THIS = str(Path(__file__).resolve())
_SIBLINGS = "overleg_siblings"  # key in InstanceState.info: the objects of its query
_PER_CLASS = "overleg_siblings_per_class"  # key in QueryContext.attributes


class NPlusOne(AssertionError):
    """A relationship lazily loaded for a second object out of the same query."""


class _Siblings:
    """The objects of one class that one query made, and per relationship the first of them
    that loaded it lazily."""

    __slots__ = ("first_loader",)

    def __init__(self) -> None:
        self.first_loader: dict[str, int] = {}


def _on_refresh(state, context, attrs) -> None:
    """An expired object loaded again (after a commit) by a query: grouped with that query's.
    (No query context: refreshed by a flush, e.g. a server default; its group stays.)"""
    if context is not None:
        _on_load(state, context)


def _on_load(state, context) -> None:
    per_class = context.attributes.get(_PER_CLASS)
    if per_class is None:
        per_class = context.attributes[_PER_CLASS] = {}
    siblings = per_class.get(state.class_)
    if siblings is None:
        siblings = per_class[state.class_] = _Siblings()
    state.info[_SIBLINGS] = siblings


def _caller() -> str | None:
    """The innermost line of Overleg's code (a module or a template) that asked, or None when
    the test itself asked."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_APP):
            return f"{Path(filename).relative_to(_ROOT)}:{frame.f_lineno}"
        if filename.startswith(_TESTS) and filename != _THIS:
            return None
        frame = frame.f_back
    return None


def _on_execute(orm_state) -> None:
    if not orm_state.is_select or not orm_state.is_relationship_load:
        return
    parent = orm_state.lazy_loaded_from
    if parent is None:
        return
    siblings = parent.info.get(_SIBLINGS)
    if siblings is None:
        return
    path = orm_state.loader_strategy_path
    relationship = str(path[-1]) if path is not None and len(path) else "?"
    first = siblings.first_loader.setdefault(relationship, id(parent))
    if first == id(parent):
        return  # the first object of its query to load it: one statement, not one per row
    where = _caller()
    if where is None:
        return
    mode = os.environ.get("OVERLEG_NPLUSONE", "raise")
    if mode.startswith("record:"):
        with open(mode.removeprefix("record:"), "a", encoding="utf-8") as out:
            out.write(f"{relationship}\t{where}\n")
        return
    raise NPlusOne(
        f"N+1: {relationship} lazily loaded for one object after another of the same query, "
        f"at {where}; load it in that query"
    )


def _on_request_started(sender, **extra) -> None:
    """A request starts as it does in production, where its session is new: what the tests'
    shared session still holds from before it (a fixture's queries, an earlier request's)
    was not loaded by this request's queries, so it is grouped with none of them. Else a
    page reading one object's relationship (a topic's theme) would count as the next row
    of the list query of an earlier page that loaded that object too."""
    from overleg.extensions import db

    for state in db.session.identity_map.all_states():
        state.info.pop(_SIBLINGS, None)


@pytest.fixture(scope="session", autouse=True)
def _nplusone_guard():
    if os.environ.get("OVERLEG_NPLUSONE") == "off":
        yield
        return
    event.listen(Mapper, "load", _on_load, raw=True)
    event.listen(Mapper, "refresh", _on_refresh, raw=True)
    event.listen(Session, "do_orm_execute", _on_execute)
    request_started.connect(_on_request_started)
    try:
        yield
    finally:
        request_started.disconnect(_on_request_started)
        event.remove(Session, "do_orm_execute", _on_execute)
        event.remove(Mapper, "refresh", _on_refresh)
        event.remove(Mapper, "load", _on_load)
