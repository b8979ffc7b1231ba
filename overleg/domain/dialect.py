"""Where a statement is written differently for SQLite and for PostgreSQL.

Both databases run the same statements, except where one plans a form badly: then the
statement is made per database (``name()`` in its cache key) and the difference is written
here once, not in each query.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func

from ..extensions import db


def name() -> str:
    """The current database's dialect: ``"sqlite"`` or ``"postgresql"``."""
    return db.session.get_bind().dialect.name


def among(column: Any, ids: Select, dialect: str) -> ColumnElement[bool]:
    """``column`` is one of the ids ``ids`` selects (one column).

    On PostgreSQL as ``column = ANY(ARRAY(ids))``: the ids computed once, then each row looked
    up by the column's index. Written as ``IN (subquery)``, a generic plan hashes every row of
    the table against the few ids (ten years of agenda items or actions for a handful).
    Elsewhere ``IN (subquery)``, which SQLite runs that way already."""
    if dialect == "postgresql":
        return column == func.any(func.array(ids.scalar_subquery()))
    return column.in_(ids)
