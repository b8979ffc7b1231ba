"""SQL constructs that compile per database, for every layer above the models (the read
policy imports nothing of the domain).

`in_list`: a column among a list of values given when the statement runs.
`columns`: the rows of a statement of columns, without the ORM's work per execution.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, Boolean, ColumnElement, CursorResult, Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.visitors import InternalTraversal

from ..extensions import db


class _InList(ColumnElement[bool]):
    """`in_list`'s clause: ``column`` and the parameter of the values, compiled per database
    (below). Walked for the statement's cache key and adapted like any clause."""

    __visit_name__ = "overleg_in_list"
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("param", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()
    _is_implicitly_boolean = True  # a condition: SQLite gets no "= 1" after it

    def __init__(self, column: ColumnElement[Any], param: BindParameter[Any]) -> None:
        self.column = column
        self.param = param

    @property
    def _from_objects(self) -> list[Any]:
        # the column's table, as ``column.in_(…)`` has it: a statement whose table is named
        # only here still reads FROM it (inside an EXISTS it would otherwise correlate to the
        # outer row without a word)
        return self.column._from_objects


def in_list(column: Any, key: str) -> ColumnElement[bool]:
    """``column`` (an integer id) is one of the values given as ``key`` (a list) when the
    statement runs. Values bound on the statement (``.params()``) are not supported.

    On PostgreSQL as ``column = ANY(%(key)s::INTEGER[])`` (the array of the column's type:
    not for ``String(n)`` columns, whose cast cuts longer values to n characters): one SQL
    text, and so one prepared statement (per array type psycopg sends, int2[] or int4[]) and
    one plan, for every number of values. ``IN`` with an expanding parameter
    is a new text for each length: each planned anew (3-4 ms for the read policy's item
    query at ten years), each taking one of the connection's prepared statements, and each
    execution first rewritten by SQLAlchemy for its length. Elsewhere ``IN (?, ?, …)``,
    which SQLite's planner reads as a list of index probes.

    A column that is not an integer raises TypeError here, when the statement is built (a
    relationship to a ``String(n)`` key would otherwise compare cut values on PostgreSQL)."""
    element = coercions.expect(roles.ExpressionElementRole, column)
    if not isinstance(element.type, Integer):
        raise TypeError(f"in_list is for integer id columns, not {element.type!r} ({column})")
    return _InList(element, bindparam(key, expanding=True, type_=element.type))


@compiles(_InList)
def _in_list_default(element: _InList, compiler, **kw) -> str:
    return compiler.process(element.column.in_(element.param), **kw)


@compiles(_InList, "postgresql")
def _in_list_postgresql(element: _InList, compiler, **kw) -> str:
    values = bindparam(element.param.key, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(values), **kw)


# Set by the test suite: `columns` then refuses a statement that selects mapped objects.
# Not in production: asking a statement what it selects costs a third of what `columns`
# saves.
CHECK_COLUMNS = False


def columns(statement: Any, params: dict[str, Any] | None = None) -> CursorResult[Any]:
    """The rows of a statement that selects columns, not mapped objects, run on the session's
    connection (in its transaction). The ORM's own work for an execution, which a statement
    of columns has no use for (some 30 µs each; a register asks five), is skipped; what the
    ORM does first is done here too: the session is flushed, so a change not yet written is
    read. Not for a statement of objects (its rows would hold columns) nor of audit events
    (reading those first writes the ones kept, `overleg.audit`)."""
    if CHECK_COLUMNS:
        from .audit import AuditEvent

        selected = [
            d["expr"] for d in statement.column_descriptions if d["expr"] is d.get("entity")
        ]
        if selected:
            raise TypeError(f"columns() is for a statement of columns, not of {selected}")
        if any(d.get("entity") is AuditEvent for d in statement.column_descriptions):
            raise TypeError("columns() reads no audit events (the kept ones would be missed)")
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)
