"""Verzonden berichten: the outbox with status and attempts per message (secretary)."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..access import access
from ..extensions import db
from ..models import Meeting, OutboxMessage
from ..models.mail import OUTBOX_STATUS_LABELS
from . import bp
from .outbox import deliver_after_response, retry_now

PAGE_SIZE = 50

bp.after_app_request(deliver_after_response)


@bp.route("/")
@access("secretaris")
def outbox():
    status = request.args.get("status") or None
    if status not in (None, *OUTBOX_STATUS_LABELS):
        status = None
    page = min(max(request.args.get("pagina", 1, type=int) or 1, 1), 100_000)
    stmt = select(OutboxMessage)
    count_stmt = select(func.count(OutboxMessage.id))
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
        count_stmt = count_stmt.where(OutboxMessage.status == status)
    total = db.session.scalar(count_stmt) or 0
    messages = db.session.scalars(
        stmt.options(joinedload(OutboxMessage.meeting).joinedload(Meeting.meeting_type))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        )
        .tuples()
        .all()
    )
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template(
        "mail/outbox.html",
        messages=messages,
        status=status,
        page=page,
        pages=pages,
        total=total,
        counts=counts,
        status_labels=OUTBOX_STATUS_LABELS,
    )


@bp.route("/<int:message_id>/opnieuw", methods=["POST"])
@access("secretaris")
def retry(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status == "sent":
        flash("Dit bericht is al verzonden.", "info")
    else:
        retry_now(message)
        db.session.commit()
        g.overleg_outbox_queued = True
        flash(f"Het bericht aan {message.recipient} wordt opnieuw verzonden.", "success")
    return redirect(url_for("mail.outbox"))


def _message_or_404(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/<int:message_id>")
@access("secretaris")
def message(message_id: int):
    """One message as it was (or will be) sent: recipient, status, attempts, the text body."""
    return render_template("mail/message.html", m=_message_or_404(message_id))


@bp.route("/<int:message_id>/uitnodiging.ics")
@access("secretaris")
def message_ics(message_id: int):
    m = _message_or_404(message_id)
    if not m.ics_text:
        abort(404)
    # content_type, not mimetype: Response(mimetype=…) overrides a Content-Type header
    method = f"; method={m.method}" if m.method else ""
    return Response(
        m.ics_text,
        content_type=f"text/calendar{method}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="bericht-{m.id}.ics"'},
    )
