"""Keyset pagination ("Volgende" / "Vorige") for long lists: the registers and the Logboek.

A page is read as "the next N rows after this key" in a stable order whose last column is
unique (a decision's year and number, an action's meeting date and id, an event's time and
id), never with OFFSET: the database walks the index from the key, so page 500 costs what
page 1 costs, and rows added meanwhile do not shift a page. The key travels in the link as an
opaque cursor (URL-safe base64 of a small JSON list); one that does not decode to a key of the
list's types is refused with a Dutch message (the view answers 400).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Integer, and_, bindparam, or_

from ..extensions import db
from ..models.sql import columns

T = TypeVar("T")

NEXT, PREVIOUS = "n", "p"
MAX_CURSOR = 200  # characters
CURSOR_MESSAGE = (
    "Deze paginalink klopt niet (meer). Begin opnieuw bij de eerste pagina van de lijst."
)


class CursorError(ValueError):
    """A cursor that is no key of this list (changed by hand, cut off, of another list)."""

    def __init__(self) -> None:
        super().__init__(CURSOR_MESSAGE)


@dataclass(frozen=True)
class Cursor:
    direction: str  # NEXT: the rows after the key; PREVIOUS: the rows before it
    key: tuple


def _dump(value) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _load(value, kind: type):
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**62:
            raise CursorError()
        return value
    if kind is datetime:
        if not isinstance(value, str) or len(value) > 32:
            raise CursorError()
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise CursorError() from None
        if parsed.tzinfo is not None:
            raise CursorError()
        return parsed
    raise CursorError()


def encode(direction: str, key: Sequence) -> str:
    raw = json.dumps([direction, *(_dump(v) for v in key)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str | None, types: Sequence[type]) -> Cursor | None:
    """The cursor in a link, or None when there is none (the first page); CursorError when
    it is not a key of these types."""
    if token is None or token == "":
        return None
    if len(token) > MAX_CURSOR or not token.isascii():
        raise CursorError()
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise CursorError() from None
    if not isinstance(data, list) or len(data) != len(types) + 1:
        raise CursorError()
    direction, *values = data
    if direction not in (NEXT, PREVIOUS):
        raise CursorError()
    return Cursor(direction, tuple(_load(v, t) for v, t in zip(values, types, strict=True)))


@dataclass
class Page(Generic[T]):
    rows: list[T]
    next: str | None  # cursor of the page after this one
    previous: str | None  # cursor of the page before this one
    first: bool  # this is the first page (no cursor)


def _beyond(order: Sequence[tuple[Any, bool]], key: tuple, forward: bool):
    """Rows strictly after (forward) or before the key in this order ((column, descending))."""
    terms = []
    for i, (col, descending) in enumerate(order):
        later = (col < key[i]) if descending == forward else (col > key[i])
        equal = [c == key[j] for j, (c, _) in enumerate(order[:i])]
        terms.append(and_(*equal, later))
    # the first column's bound on its own as well, so that the database seeks its index to
    # the key instead of reading from the first row
    first, descending = order[0]
    bound = (first <= key[0]) if descending == forward else (first >= key[0])
    return and_(bound, or_(*terms))


def paginate(
    stmt,
    order: Sequence[tuple[Any, bool]],
    key_of: Callable[[Any], tuple],
    cursor: Cursor | None,
    size: int,
    *,
    scalars: bool = False,
) -> Page:
    """One page of `stmt` (without ORDER BY) in `order` ((column, descending), the last column
    unique), from the cursor: one query of size + 1 rows."""
    forward = cursor is None or cursor.direction == NEXT
    if cursor is not None:
        stmt = stmt.where(_beyond(order, cursor.key, forward))
    cols = [(c.desc() if d == forward else c.asc()) for c, d in order]
    stmt = stmt.order_by(*cols).limit(size + 1)
    result = db.session.scalars(stmt) if scalars else db.session.execute(stmt)
    return _page(list(result), key_of, cursor, size)


def kept_page(
    keep: Callable[[str | None, Callable[[], Any]], Any],
    build: Callable[[], Any],
    order: Sequence[tuple[Any, bool]],
    key_of: Callable[[Any], tuple],
    cursor: Cursor | None,
    size: int,
    params: dict[str, Any],
    *,
    of_columns: bool = False,
) -> Page:
    """`paginate` on a kept statement (overleg.domain.kept): `build()` makes the statement
    without ORDER BY, its values as the parameters in `params`; the cursor's key and the
    limit are parameters too, so ``keep(direction, make)`` keeps one statement per direction
    (None: the first page) and `make` is called only the first time. `of_columns`: the
    statement selects columns, run by `models.sql.columns`."""
    forward = cursor is None or cursor.direction == NEXT

    def make():
        stmt = build()
        if cursor is not None:
            key = tuple(
                bindparam(f"keyset_{i}", type_=col.type) for i, (col, _) in enumerate(order)
            )
            stmt = stmt.where(_beyond(order, key, forward))
        cols = [(c.desc() if d == forward else c.asc()) for c, d in order]
        return stmt.order_by(*cols).limit(bindparam("keyset_limit", type_=Integer))

    stmt = keep(None if cursor is None else cursor.direction, make)
    values = {**params, "keyset_limit": size + 1}
    if cursor is not None:
        values |= {f"keyset_{i}": v for i, v in enumerate(cursor.key)}
    run = columns if of_columns else db.session.execute
    return _page(list(run(stmt, values)), key_of, cursor, size)


def _page(rows: list, key_of: Callable[[Any], tuple], cursor: Cursor | None, size: int) -> Page:
    forward = cursor is None or cursor.direction == NEXT
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        back = encode(PREVIOUS, cursor.key) if cursor is not None and forward else None
        ahead = encode(NEXT, cursor.key) if cursor is not None and not forward else None
        return Page([], ahead, back, cursor is None)
    first_key, last_key = key_of(rows[0]), key_of(rows[-1])
    if forward:
        after = encode(NEXT, last_key) if more else None
        before = encode(PREVIOUS, first_key) if cursor is not None else None
    else:
        after = encode(NEXT, last_key)
        before = encode(PREVIOUS, first_key) if more else None
    return Page(rows, after, before, cursor is None)
