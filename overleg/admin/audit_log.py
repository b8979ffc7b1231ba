"""Logboek (beheerder): the audit log, filtered and paged, and its CSV export.

The filter and the queries live in ``overleg.domain.audit_log``; a refused filter is shown
in Dutch with status 400 (a cursor changed by hand too); the pages go by keyset."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context

from ..access import access
from ..audit import record
from ..auth.reauth import recent_login
from ..domain import audit_log as log
from ..extensions import db
from ..timeutil import nl_timestamp, to_local, utcnow
from . import bp


def _render(f, errors, pg=None, status: int = 200):
    return render_template(
        "admin/audit_log.html",
        f=f,
        errors=errors,
        page=pg,
        choices=log.event_choices(),
        event_label=log.event_label,
        object_label=log.object_label,
        describe_change=log.describe_change,
        timestamp=nl_timestamp,
        page_size=log.PAGE_SIZE,
    ), status


@bp.route("/logboek")
@access("beheerder")
def audit_log():
    f, errors = log.parse_filter(request.args)
    if errors:
        return _render(f, errors, status=400)
    return _render(f, [], log.page(f))


@bp.route("/logboek/export.csv")
@access("beheerder")
@recent_login
def audit_log_export():
    args = request.args.to_dict()
    args.pop("vanaf", None)  # the export holds the whole selection, not one page
    f, errors = log.parse_filter(args)
    if errors:
        return _render(f, errors, status=400)
    record("audit_log_exported")
    db.session.commit()
    filename = f"logboek-{to_local(utcnow()):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(log.csv_chunks(f)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
