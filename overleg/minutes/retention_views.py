"""The Bewaartermijnen page (beheerder): records past their term, page by page, legal holds
(bevriezing) placed and lifted, and the destruction of selected records after a confirmation
and a recent password (``@recent_login``). The rules live in overleg/domain/retention.py."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..access import access, current_person
from ..audit import record
from ..auth.reauth import recent_login
from ..domain import retention as dret
from ..extensions import db
from ..forms import parse_id
from ..models import Meeting, MeetingType, Topic
from ..models.minutes import MINUTES_STATUS_LABELS
from ..models.retention import LegalHold
from ..storage import get_storage
from ..timeutil import today_local
from . import bp
from .forms import HoldForm, LiftHoldForm, PlainForm

MAX_SELECTED = 500


class Refused(Exception):
    """Bad input on these pages: a Dutch message and a 4xx."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@bp.errorhandler(Refused)
def _refused(exc: Refused):
    db.session.rollback()
    title = "Niet gevonden" if exc.status == 404 else "Ongeldig verzoek"
    return render_template(
        "errors/error.html", code=exc.status, title=title, text=str(exc)
    ), exc.status


def _page_number() -> int:
    raw = request.args.get("pagina", "1")
    number = parse_id(raw)
    if number is None or number < 1:
        raise Refused("Kies een paginanummer vanaf 1.")
    return number


def _render_list(page: int = 1, *, error: str | None = None, status: int = 200):
    listing = dret.past_term(page=page)
    if page > listing.pages:
        raise Refused("Deze pagina van de lijst bestaat niet (meer).", 404)
    return render_template(
        "minutes/retention.html",
        listing=listing,
        holds=dret.active_holds(),
        register=dret.register_page(),
        bodies=db.session.scalars(select(MeetingType).order_by(MeetingType.id)).all(),
        category_label=dret.category_label,
        status_labels=MINUTES_STATUS_LABELS,
        error=error,
    ), status


@bp.route("/beheer/bewaartermijnen")
@access("beheerder")
def retention():
    return _render_list(_page_number())


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _hold_page(*, meeting: Meeting | None = None, topic=None):
    """The hold form for a meeting or a topic (GET shows it, POST places the hold)."""
    form = HoldForm()
    if request.method == "GET" and not form.held_since.data:
        form.held_since.data = today_local()
    error = None
    if form.validate_on_submit():
        try:
            if meeting is not None:
                hold = dret.place_hold(
                    meeting, form.reason.data, form.held_since.data, current_person()
                )
            else:
                hold = dret.place_topic_hold(
                    topic, form.reason.data, form.held_since.data, current_person()
                )
        except dret.RetentionError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            record(
                "legal_hold_placed",
                hold,
                ref=_hold_reference(hold),
                after={"held_since": hold.held_since.isoformat()},
            )
            db.session.commit()
            what = "Het overleg is" if meeting is not None else "Het onderwerp is"
            flash(
                f"{what} bevroren: de stukken worden niet vernietigd zolang de "
                "bevriezing niet is opgeheven.",
                "success",
            )
            return redirect(url_for("minutes.retention"))
    elif request.method == "POST" and "csrf_token" in form.errors:
        abort(400)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "minutes/retention_hold.html",
        meeting=meeting,
        topic=topic,
        form=form,
        error=error,
        hold=dret.active_hold(meeting, topic),
        destroy=dret.destruction_date(meeting) if meeting is not None else None,
        category_label=dret.category_label,
    ), status


def _hold_reference(hold: LegalHold) -> str:
    """The hold's meeting or topic by reference (for the audit log), never its reason."""
    if hold.meeting_id is not None:
        return dret.meeting_reference(_meeting(hold.meeting_id))
    topic = db.session.get(Topic, hold.topic_id)
    return topic.reference if topic is not None else ""


@bp.route("/beheer/bewaartermijnen/overleggen/<int:meeting_id>/bevriezen", methods=["GET", "POST"])
@access("beheerder")
def place_hold(meeting_id: int):
    return _hold_page(meeting=_meeting(meeting_id))


@bp.route("/beheer/bewaartermijnen/onderwerp-bevriezen", methods=["GET", "POST"])
@access("beheerder")
def place_topic_hold():
    """Freeze a topic (casus) by its reference: every meeting it was on stays."""
    if request.method == "GET" and not (request.args.get("kenmerk") or "").strip():
        return render_template("minutes/retention_topic.html")
    try:
        topic = dret.topic_by_reference(request.values.get("kenmerk"))
    except dret.RetentionError as exc:
        status = 404 if "geen onderwerp" in str(exc) else 400
        # The form again, with what was typed and what is wrong, not an error page.
        return (
            render_template(
                "minutes/retention_topic.html",
                error=str(exc),
                kenmerk=(request.values.get("kenmerk") or "").strip(),
            ),
            status,
        )
    return _hold_page(topic=topic)


@bp.route("/beheer/bewaartermijnen/bevriezingen/<int:hold_id>/opheffen", methods=["POST"])
@access("beheerder")
def lift_hold(hold_id: int):
    hold = db.session.get(LegalHold, hold_id)
    if hold is None:
        abort(404)
    form = LiftHoldForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        message = "; ".join(e for errs in form.errors.values() for e in errs)
        return _render_list(error=message, status=400)
    try:
        dret.lift_hold(hold, form.reason.data, current_person())
    except dret.RetentionError as exc:
        db.session.rollback()
        return _render_list(error=str(exc), status=409)
    record("legal_hold_lifted", hold, ref=_hold_reference(hold))
    db.session.commit()
    flash("De bevriezing is opgeheven.", "success")
    return redirect(url_for("minutes.retention"))


def _selected_ids() -> list[int]:
    raw = request.form.getlist("overleg")
    ids = [parse_id(v) for v in raw]
    if any(i is None for i in ids):
        raise Refused("De keuze van vergaderingen is ongeldig. Laad de lijst opnieuw.")
    if len(ids) > MAX_SELECTED:
        raise Refused(f"Kies hoogstens {MAX_SELECTED} vergaderingen tegelijk.")
    return sorted({i for i in ids if i is not None})


@bp.route("/beheer/bewaartermijnen/vernietigen", methods=["POST"])
@access("beheerder")
@recent_login
def destroy():
    if not PlainForm().validate_on_submit():
        abort(400)
    ids = _selected_ids()
    if not ids:
        return _render_list(
            error="Kies de vergaderingen waarvan u de stukken wilt vernietigen.", status=400
        )
    if request.form.get("bevestigd") != "1":
        # the confirmation step: what would be destroyed, what is frozen or not due
        return render_template("minutes/retention_confirm.html", selection=dret.selection(ids))
    report = dret.destroy(
        get_storage(),
        by=current_person(),
        via="pagina",
        meeting_ids=ids,
        batch_size=current_app.config["RETENTION_BATCH_SIZE"],
    )
    parts = [
        f"De stukken van {report.count} "
        + ("vergadering zijn" if report.count == 1 else "vergaderingen zijn")
        + " vernietigd en in het vernietigingsregister opgenomen"
    ]
    if report.held:
        parts.append(
            f"{report.held} bevroren "
            + ("vergadering" if report.held == 1 else "vergaderingen")
            + " overgeslagen"
        )
    if report.not_due:
        parts.append(f"{report.not_due} niet (meer) aan de beurt")
    flash("; ".join(parts) + ".", "success" if report.count else "info")
    return redirect(url_for("minutes.retention"))


@bp.route("/beheer/bewaartermijnen/vernietigingsregister.csv")
@access("beheerder")
def register_export():
    """The destruction register as CSV, for the verklaring van vernietiging."""
    body = dret.register_csv()
    record("destruction_register_exported", object_type="destruction_record")
    db.session.commit()
    filename = f"vernietigingsregister-{today_local():%Y%m%d}.csv"
    return Response(
        "\ufeff" + body,  # a BOM, so that spreadsheets read the accents right
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
