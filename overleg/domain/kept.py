"""Statements kept across requests, per reader, as the read policy keeps its clauses per person
(`policy._clauses`): built once with what varies (a search, a register's filters and page key)
as parameters, a kept statement is neither built nor walked for its cache key again. For a
participant's policy clauses that walk costs more than the queries it serves.

A kept statement depends on its reader only through `reader`: staff (their clauses are
``true()``), a person's id (the clauses hold nothing else of the person; the clock is a
parameter they read when a statement runs), or no one. A secretary who is demoted is another
reader at once. At most `SIZE` statements are kept; then they are made anew.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import policy

T = TypeVar("T")

SIZE = 16 * policy.CLAUSE_CACHE_SIZE
_KEPT: dict[tuple, Any] = {}


def reader(person) -> tuple:
    """What a kept statement depends on of the person: staff, their id, or no one."""
    if policy.is_staff(person):
        return ("staff",)
    if policy.is_person(person):
        return ("person", person.id)
    return ("none",)


def statement(key: tuple, person, build: Callable[[], T]) -> T:
    """The statement kept under `key` for this reader, made by `build` the first time. The
    key names everything the statement's shape depends on besides the reader (its kind, which
    filters it has); the values go in as parameters when it runs."""
    full = (*key, reader(person))
    stmt = _KEPT.get(full)
    if stmt is None:
        if len(_KEPT) >= SIZE:
            _KEPT.clear()
        stmt = _KEPT[full] = build()
    return stmt
