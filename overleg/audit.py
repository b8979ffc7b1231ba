"""Write audit events. Names are fixed strings (``casus_viewed``, ``minutes_exported``);
an event carries an object type, id and reference, never case text. A security-relevant
change also carries its values before and after (``overleg.domain.audit_changes``: ids,
codes, flags and dates only); this module adds who made it and from where.

Events are cheap to write: ``record`` does not add an ORM object to the session but keeps
the row with the session (``Session.info``), and all rows kept are inserted in ONE statement
(an executemany) just before the session commits, in the same transaction as the rest of the
response's work. A rollback drops them, as it dropped the objects before; a query for audit
events inside the transaction first writes the rows kept, so it sees them."""

from __future__ import annotations

from functools import cache
from typing import cast

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Table, insert
from sqlalchemy import event as sa_event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from .domain.audit_changes import Change, checked
from .extensions import db
from .models import AuditEvent
from .timeutil import utcnow

_PENDING = "overleg_audit_pending"


def _row(ev: AuditEvent) -> dict:
    # every row carries every column, so all rows of a response go into one executemany
    return {
        "at": ev.at,
        "person_id": ev.person_id,
        "event": ev.event,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "object_ref": ev.object_ref,
        "ip_address": ev.ip_address,
        "user_agent": ev.user_agent,
        "before": ev.before,
        "after": ev.after,
    }


def pending(session: Session | None = None) -> list[AuditEvent]:
    """The events recorded in this session's transaction and not yet written."""
    return list((session or db.session()).info.get(_PENDING, ()))


@cache
def _insert_stmt():
    table = cast(Table, AuditEvent.__table__)
    # NULLs as values: rows that leave out different columns still share one statement
    return insert(table).returning(table.c.id).execution_options(render_nulls=True)


def write_pending(session: Session | None = None) -> int:
    """Insert the events kept so far, in one statement (the commit does this by itself); the
    events get their ids."""
    session = session or db.session()
    events = session.info.pop(_PENDING, None)
    if not events:
        return 0
    # One INSERT … VALUES (…), (…) RETURNING id (SQLAlchemy's insertmanyvalues). Asking for
    # the ids in the rows' order would make SQLite insert row by row; one statement hands
    # out increasing ids in the order of its rows, so the sorted ids are the rows' ids. On
    # the session's connection (its transaction), as a Core statement made once: the ORM's
    # bulk insert costs twice as much, and most responses write a single row.
    rows = [_row(ev) for ev in events]
    result = session.connection().execute(_insert_stmt(), rows[0] if len(rows) == 1 else rows)
    ids = sorted(result.scalars().all())
    for ev, id_ in zip(events, ids, strict=True):
        ev.id = id_
    return len(events)


@sa_event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    write_pending(session)


@sa_event.listens_for(Session, "after_transaction_end")
def _drop_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    # the outermost transaction ended without the commit writing them: rolled back
    if transaction.parent is None and transaction.nested is False:
        session.info.pop(_PENDING, None)


@sa_event.listens_for(Session, "do_orm_execute")
def _write_before_reading(state: ORMExecuteState) -> None:
    if (
        state.session.info.get(_PENDING)
        and state.is_select
        and any(m.class_ is AuditEvent for m in state.all_mappers)
    ):
        write_pending(state.session)


def record(
    event: str,
    obj=None,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    ref: str | None = None,
    person=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Keep an audit event with the session: written with the caller's transaction, in one
    statement with the other events of that transaction (see the module's docstring). The
    event returned is not in the session; it has its id once written."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
        ref = ref or getattr(obj, "reference", None)
    ip = agent = None
    if has_request_context():
        ip = request.remote_addr
        agent = (request.user_agent.string or "")[:255]
        if person is None and current_user.is_authenticated:
            person = current_user
    ev = AuditEvent(
        at=utcnow(),
        event=event,
        object_type=object_type,
        object_id=object_id,
        object_ref=ref,
        person_id=person.id if person is not None else None,
        ip_address=ip,
        user_agent=agent,
        before=checked(before),
        after=checked(after),
    )
    session = db.session()
    if not session.in_transaction():
        session.connection()  # begin, so that a rollback or close drops the event with it
    session.info.setdefault(_PENDING, []).append(ev)
    return ev


def record_change(change: Change | None, *, person=None) -> AuditEvent | None:
    """Write one change built by ``overleg.domain.audit_changes`` (None: nothing changed)."""
    if change is None:
        return None
    return record(
        change.event,
        change.obj,
        ref=change.ref,
        person=person,
        before=change.before,
        after=change.after,
    )


REF_WIDTH = 60  # AuditEvent.object_ref


def joined_refs(references) -> str | None:
    """Casus references for one event, sorted, as many as the column holds ("+N" for more)."""
    refs = sorted({r for r in references if r})
    if not refs:
        return None
    out = " ".join(refs)
    if len(out) <= REF_WIDTH:
        return out
    kept: list[str] = []
    for n, ref in enumerate(refs):
        rest = len(refs) - n - 1
        candidate = " ".join([*kept, ref]) + (f" +{rest}" if rest else "")
        if len(candidate) > REF_WIDTH:
            break
        kept.append(ref)
    return " ".join(kept) + f" +{len(refs) - len(kept)}"


def record_shown(
    references, obj=None, *, event: str = "casus_viewed", object_type: str | None = None
) -> AuditEvent | None:
    """One event for a response that showed casework in full: the page's object (or its kind)
    and the references of the casus shown in full (all of them in the event's values, as many
    as fit in its reference column), never their text. Nothing when none was."""
    refs = sorted({r for r in references if r})
    ref = joined_refs(refs)
    if ref is None:
        return None
    # object_ref holds what fits (for the Logboek's filter); the values hold every reference
    return record(event, obj, object_type=object_type, ref=ref, after={"casus": refs})


def commit_keeping(session: Session | None = None) -> None:
    """Commit without expiring the session's objects (``Session.commit`` expires them all).
    For a read that writes only what it logged: what it loaded is still what the database
    holds, and expiring it would make whatever reads it next load it again (a page
    rendered already reads nothing, but the expiry itself costs per object: a third of a
    millisecond for the agenda page's)."""
    session = session or db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def log_shown(
    references, obj=None, *, event: str = "casus_viewed", object_type: str | None = None
) -> AuditEvent | None:
    """`record_shown`, committed at once (`commit_keeping`) when there was something to
    log: for a read, whose response has nothing else to commit."""
    ev = record_shown(references, obj, event=event, object_type=object_type)
    if ev is not None:
        commit_keeping()
    return ev
