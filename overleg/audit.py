"""Write audit events. Names are fixed strings (``casus_viewed``, ``minutes_exported``);
an event carries an object type, id and reference, never case text. A security-relevant
change also carries its values before and after (``overleg.domain.audit_changes``: ids,
codes, flags and dates only); this module adds who made it and from where."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from .domain.audit_changes import Change, checked
from .extensions import db
from .models import AuditEvent


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
    """Add an audit event to the session (committed with the caller's transaction)."""
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
    db.session.add(ev)
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
