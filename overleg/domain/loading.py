"""A parent's collections loaded by statements made once (what ``selectinload`` does, cheaper).

``selectinload`` builds its SELECT anew on every load, the nested loader options included, and
SQLAlchemy then works out that new statement's cache key each time: on the agenda page the
meeting's participants, items and documents cost about 2 ms a request that way. A
`Collection` is the same query made once, the parents' ids bound when it runs;
`load_collections` runs it and sets each parent's collection as loaded from the database (as
``selectinload`` does: no change to flush, nothing is marked dirty). One query per collection,
whatever the number of parents; the same rows in the relationship's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models.sql import in_list

# The ids of the parents whose collection a kept statement loads, given when it runs.
_PARENT_IDS = "parent_ids"  # `models.sql.in_list`: one SQL text for any number of parents
# ... and the one parent's id, when there is one (a meeting's page: its participants, items)
_PARENT_ID = "parent_id"


@dataclass(frozen=True, eq=False)
class Collection:
    """How to load one collection (``key``) of parents: ``stmt`` selects the children of the
    parents among ``parent_ids``, in the relationship's order, and ``one`` those of the one
    parent ``parent_id``; ``parent_column`` is the child's attribute with its parent's id;
    ``nested`` are collections of the children.

    ``one``: PostgreSQL's generic plan of a statement reads a list of ids as about ten of
    them; for the one meeting of a page it then expected ten meetings' items and hashed the
    whole topic table to join their topics (0.6 ms at ten years, against 0.2 by key)."""

    key: str
    stmt: Select
    one: Select
    parent_column: str
    nested: tuple[Collection, ...] = ()


def collection(
    relationship: InstrumentedAttribute[Any],
    *options: Any,
    nested: Sequence[Collection] = (),
) -> Collection:
    """A `Collection` for a one-to-many ``relationship`` (``Meeting.participants``), with
    loader options for the children's many-to-one objects (``joinedload(Participant.person)``;
    no joined collections). Make it once (module constant or cached function)."""
    prop = relationship.property
    ((_, child_column),) = prop.local_remote_pairs
    child = prop.mapper.class_
    stmt = select(child).where(in_list(child_column, _PARENT_IDS)).options(*options)
    one = select(child).where(child_column == bindparam(_PARENT_ID, type_=child_column.type))
    one = one.options(*options)
    if prop.order_by:
        stmt = stmt.order_by(*prop.order_by)
        one = one.order_by(*prop.order_by)
    return Collection(
        key=prop.key,
        stmt=stmt,
        one=one,
        parent_column=prop.mapper.get_property_by_column(child_column).key,
        nested=tuple(nested),
    )


# The keys of the objects a kept `load_related` statement reads, given when it runs.
_RELATED_KEYS = "related_keys"


@dataclass(frozen=True)
class _Related:
    """How `load_related` loads one many-to-one relationship: the attribute on the objects,
    the one of the target it names, and the statement of the targets among ``related_keys``."""

    key: str
    parent_key: str
    target_key: str
    stmt: Select


@lru_cache(maxsize=32)
def _related(relationship: InstrumentedAttribute[Any]) -> _Related:
    """A relationship's `_Related`, made once (a statement keeps its cache key)."""
    prop = relationship.property
    ((local, remote),) = prop.local_remote_pairs
    target = prop.mapper
    return _Related(
        key=prop.key,
        parent_key=prop.parent.get_property_by_column(local).key,
        target_key=target.get_property_by_column(remote).key,
        stmt=select(target.class_).where(in_list(remote, _RELATED_KEYS)),
    )


def load_related(objects: Iterable[Any], relationship: InstrumentedAttribute[Any]) -> None:
    """Load a many-to-one ``relationship`` (``AgendaItem.topic``) of objects already loaded, in
    one query: what ``joinedload`` does in the objects' own query, for objects that came
    without it. One already set on an object (loaded, or assigned and not yet flushed) is
    left as it is."""
    rel = _related(relationship)
    todo = [o for o in objects if rel.key not in o.__dict__]
    wanted = {getattr(o, rel.parent_key) for o in todo} - {None}
    found = {}
    if wanted:
        found = {
            getattr(t, rel.target_key): t
            for t in db.session.scalars(rel.stmt, {"related_keys": sorted(wanted)})
        }
    for o in todo:
        set_committed_value(o, rel.key, found.get(getattr(o, rel.parent_key)))


def load_collections(parents: Iterable[Any], collections: Iterable[Collection]) -> None:
    """Load these collections of the parents (objects of one class, keyed by ``id``), and
    their nested ones. A collection a parent already holds is left as it is (as
    ``selectinload`` leaves it): pending changes in it are not lost."""
    parents = list(parents)
    for spec in collections:
        todo = [p for p in parents if spec.key not in p.__dict__]
        if todo:
            found: dict[int, list[Any]] = {p.id: [] for p in todo}
            if len(todo) == 1:
                children = db.session.scalars(spec.one, {_PARENT_ID: todo[0].id})
            else:
                children = db.session.scalars(spec.stmt, {_PARENT_IDS: list(found)})
            for child in children:
                bucket = found.get(getattr(child, spec.parent_column))
                if bucket is not None:  # else moved to another parent in this session
                    bucket.append(child)
            for p in todo:
                set_committed_value(p, spec.key, found[p.id])
        if spec.nested:
            load_collections((c for p in parents for c in getattr(p, spec.key)), spec.nested)
