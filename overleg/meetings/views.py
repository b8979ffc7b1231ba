"""Meeting pages: my meetings, the secretary's planning (list and month), planning and
editing meetings and series, the meeting page with answers, guests and attendance."""

from __future__ import annotations

import calendar
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from ..access import access, current_person, get_visible_meeting_or_404
from ..audit import log_shown, record
from ..domain import audit_changes as changes
from ..domain import cancellation as dc
from ..domain import escalation as de
from ..domain import keyset, policy
from ..domain import meetings as dm
from ..domain import my_meetings as mm
from ..domain import series as ds
from ..domain import worklist as dw
from ..domain.input import date_in_range
from ..domain.loading import Collection, collection
from ..domain.policy import agenda_visible_to
from ..extensions import db
from ..forms import choices, parse_id
from ..models import Meeting, MeetingSeries, MeetingType, Person, VacantSeat
from ..timeutil import LOCALE, local_to_utc, to_local, today_local, utcnow
from . import bp
from .forms import (
    CancelForm,
    EditMeetingForm,
    EditSeriesForm,
    GuestForm,
    MeetingForm,
    PlainForm,
    RsvpForm,
    SeriesForm,
)

PART_ORDER = {"chair": 0, "member": 1, "advisor": 2, "secretary": 3, "guest": 4}
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def _body_by_code(code: str | None) -> MeetingType | None:
    if not code:
        return None
    return dm.body_by_code(code)


def _apply_errors(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        f = getattr(form, name, None)
        if f is not None and hasattr(f, "errors"):
            if isinstance(f.errors, tuple):
                f.errors = list(f.errors)
            f.errors.append(message)
        else:
            form.form_errors.append(message)


def _ics_url(meeting: Meeting) -> str | None:
    if "calendar.meeting_ics" in current_app.view_functions:
        return url_for("calendar.meeting_ics", meeting_id=meeting.id)
    return None


PLANNING_ENDPOINTS = {
    "meetings.planning",
    "meetings.new",
    "meetings.edit",
    "meetings.cancel",
    "meetings.attendance",
    "meetings.series_new",
    "meetings.series_view",
    "meetings.series_edit",
    "meetings.add_guest",
    "meetings.remove_guest",
    "meetings.fill_seat",
}


@bp.app_template_global("meeting_state")
def _meeting_state(meeting: Meeting) -> str:
    """'gepland', 'geweest' or 'geannuleerd' for badges and buttons in any template."""
    return dm.meeting_state(meeting)


@bp.before_request
def _nav_current():
    """Which menu item is current: the planning pages under "Planning", the rest under
    "Mijn overleggen" (a secretary's meeting page under "Planning")."""
    planning = request.endpoint in PLANNING_ENDPOINTS or (policy.is_staff(current_person()))
    g.nav_current = "meetings.planning" if planning else "meetings.mine"
    if request.endpoint == "meetings.mine":
        g.nav_current = "meetings.mine"


# --- my meetings -----------------------------------------------------------------------------


@bp.route("/mijn-overleggen")
@access("login")
def mine():
    now = utcnow()
    code = request.args.get("overleg")
    body = _body_by_code(code)
    if code and body is None:
        abort(404)
    try:
        cursors = {
            key: keyset.decode(request.args.get(key), mm.CURSOR_TYPES)
            for key in ("komend", "eerder")
        }
    except keyset.CursorError as exc:
        return render_template("meetings/mine.html", error=str(exc), body=body), 400
    upcoming = mm.page(
        current_person(), upcoming=True, now=now, body=body, cursor=cursors["komend"]
    )
    past = mm.page(current_person(), upcoming=False, now=now, body=body, cursor=cursors["eerder"])
    args = {k: v for k, v in request.args.items() if k in ("overleg", "komend", "eerder") and v}
    return render_template("meetings/mine.html", upcoming=upcoming, past=past, body=body, args=args)


# --- planning overview -----------------------------------------------------------------------


def _parse_month(value: str | None) -> date:
    """?maand=jjjj-mm; a month that does not parse or lies outside the calendar of the
    application (2000-2099, domain/input.py) does not exist: 404."""
    today = today_local()
    if value:
        try:
            year, month = (int(x) for x in value.split("-"))
            first = date(year, month, 1)
        except (ValueError, TypeError, OverflowError):
            abort(404)
        if not date_in_range(first):
            abort(404)
        return first
    return today.replace(day=1)


# The planning list's statements, made once per shape with the clock and the body as
# parameters: built per request, their walk for a cache key cost more than their queries.
_PLANNING_NOW = bindparam("planning_now", type_=Meeting.ends_at.type)
_PLANNING_BODY = bindparam("planning_body", type_=Meeting.meeting_type_id.type)


@lru_cache(maxsize=4)
def _planning_stmt(period: str, with_body: bool):
    """The coming (``komend``: not yet ended, soonest first) or the earlier meetings (latest
    first) of all bodies or of one, at most 200."""
    stmt = select(Meeting).options(joinedload(Meeting.meeting_type))
    if with_body:
        stmt = stmt.where(Meeting.meeting_type_id == _PLANNING_BODY)
    if period == "komend":
        stmt = stmt.where(Meeting.ends_at >= _PLANNING_NOW).order_by(Meeting.starts_at)
    else:
        stmt = stmt.where(Meeting.ends_at < _PLANNING_NOW).order_by(Meeting.starts_at.desc())
    return stmt.limit(200)


@lru_cache(maxsize=2)
def _series_stmt(with_body: bool):
    stmt = (
        select(MeetingSeries)
        .options(joinedload(MeetingSeries.meeting_type))
        .order_by(MeetingSeries.meeting_type_id, MeetingSeries.first_date)
    )
    if with_body:
        stmt = stmt.where(MeetingSeries.meeting_type_id == _PLANNING_BODY)
    return stmt


@bp.route("/planning")
@access("secretaris")
def planning():
    bodies = dm.active_bodies()
    body = _body_by_code(request.args.get("overleg"))
    if request.args.get("overleg") and body is None:
        abort(404)
    view = request.args.get("weergave", "lijst")
    if view not in ("lijst", "maand"):
        abort(404)
    ctx: dict[str, Any] = {"bodies": bodies, "body": body, "view": view}
    if view == "maand":
        month = _parse_month(request.args.get("maand"))
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        first, last = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
        found = dm.meetings_between(
            body, local_to_utc(first, time(0, 0)), local_to_utc(last, time(0, 0))
        )
        by_day: dict[date, list[Meeting]] = {}
        for m in found:
            by_day.setdefault(to_local(m.starts_at).date(), []).append(m)
        prev_month = (month - timedelta(days=1)).replace(day=1)
        next_month = (month + timedelta(days=32)).replace(day=1)
        ctx.update(
            month=month,
            weeks=weeks,
            by_day=by_day,
            day_names=DAY_NAMES,
            month_label=format_date(month, "MMMM y", locale=LOCALE),
            prev_month=prev_month.strftime("%Y-%m"),
            next_month=next_month.strftime("%Y-%m"),
            today=today_local(),
        )
    else:
        period = request.args.get("periode", "komend")
        if period not in ("komend", "eerder"):
            abort(404)
        params = {"planning_now": utcnow(), "planning_body": body.id if body else None}
        with_body = body is not None
        meetings = list(db.session.scalars(_planning_stmt(period, with_body), params))
        ctx.update(
            meetings=meetings,
            progress=dw.progress(meetings),
            period=period,
            series=list(db.session.scalars(_series_stmt(with_body), params)),
            describe=ds.describe,
        )
    return render_template("meetings/planning.html", **ctx)


# --- plan / edit / cancel --------------------------------------------------------------------


def _warnings_block(form, check: dm.Check) -> bool:
    """True when the form may be saved: no warnings, or the secretary confirmed them."""
    return not check.warnings or form.confirm.data


@bp.route("/planning/nieuw", methods=["GET", "POST"])
@access("secretaris")
def new():
    bodies = dm.active_bodies()
    form = MeetingForm()
    form.meeting_type.choices = choices((b.id, b.name) for b in bodies)
    # Opened for one body (?overleg=tvo): its place is filled in. Otherwise the place and end
    # stay empty, and the chosen body's own defaults apply when saving (plan_meeting).
    chosen = _body_by_code(request.args.get("overleg"))
    if request.method == "GET" and chosen is not None:
        form.meeting_type.data = chosen.id
        form.location.data = chosen.default_location
    warnings: list[str] = []
    if form.validate_on_submit():
        body = db.get_or_404(MeetingType, form.meeting_type.data)
        start = form.start.data
        end = form.end.data or dm.default_end(body, start)
        check = dm.check_times(body, form.day.data, start, end)
        if check.errors:
            _apply_errors(form, check.errors)
        elif not _warnings_block(form, check):
            warnings = check.warnings
        else:
            try:
                meeting = dm.plan_meeting(
                    body,
                    form.day.data,
                    start,
                    end,
                    location=(form.location.data or "").strip(),
                    online_url=(form.online_url.data or "").strip(),
                    remarks=form.remarks.data,
                    organizer=current_person(),
                )
                db.session.flush()
                placed = de.place_waiting([meeting], by=current_person())
                record("meeting_planned", meeting)
                db.session.commit()
            except dm.MeetingError as exc:
                db.session.rollback()
                _apply_errors(form, exc.errors)
            else:
                flash(
                    _joined(
                        f"{body.name} gepland; de deelnemers worden uitgenodigd.",
                        de.placed_summary(placed),
                    ),
                    "success",
                )
                return redirect(url_for("meetings.view", meeting_id=meeting.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "meetings/form.html",
        form=form,
        warnings=warnings,
        meeting=None,
        bodies=bodies,
        chosen=chosen,
    ), status


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


# One tuple for the process: get_visible_meeting_or_404 keeps its statement per visibility
# clause and options, and loader options compare by identity.
_MEETING_OPTIONS = (joinedload(Meeting.meeting_type), joinedload(Meeting.series))


@lru_cache(maxsize=1)
def _meeting_collections() -> tuple[Collection, ...]:
    """The participants and vacant seats, each by a statement made once
    (`overleg.domain.loading`; ``selectinload`` built its statement and its cache key anew on
    every request: about 1 ms of the meeting page), their many-to-one objects joined."""
    return (
        dm.participants_collection(),
        collection(
            Meeting.vacant_seats, joinedload(VacantSeat.role), joinedload(VacantSeat.holder)
        ),
    )


def _load_meeting(meeting_id: int) -> Meeting:
    return get_visible_meeting_or_404(
        meeting_id, current_person(), options=_MEETING_OPTIONS, collections=_meeting_collections()
    )


@bp.route("/overleggen/<int:meeting_id>/bewerken", methods=["GET", "POST"])
@access("secretaris")
def edit(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    if meeting.is_cancelled:
        flash("Een geannuleerd overleg kan niet meer worden gewijzigd.", "warning")
        return redirect(url_for("meetings.view", meeting_id=meeting.id))
    form = EditMeetingForm()
    if request.method == "GET":
        begins, ends = to_local(meeting.starts_at), to_local(meeting.ends_at)
        form.day.data, form.start.data, form.end.data = begins.date(), begins.time(), ends.time()
        form.location.data, form.online_url.data = meeting.location, meeting.online_url
        form.remarks.data = meeting.remarks
    warnings: list[str] = []
    if form.validate_on_submit():
        start = form.start.data
        end = form.end.data or dm.default_end(meeting.meeting_type, start)
        new_start = local_to_utc(form.day.data, start)
        moved = (
            new_start != meeting.starts_at or local_to_utc(form.day.data, end) != meeting.ends_at
        )
        check = dm.check_times(
            meeting.meeting_type, form.day.data, start, end, exclude_id=meeting.id, warn_past=moved
        )
        if not moved:  # only warn about what this change introduces
            check.warnings = []
        if check.errors:
            _apply_errors(form, check.errors)
        elif not _warnings_block(form, check):
            warnings = check.warnings
        else:
            try:
                told = dm.update_meeting(
                    meeting,
                    form.day.data,
                    start,
                    end,
                    location=(form.location.data or "").strip(),
                    online_url=(form.online_url.data or "").strip(),
                    remarks=form.remarks.data,
                )
                record("meeting_changed", meeting)
                db.session.commit()
            except dm.MeetingError as exc:
                db.session.rollback()
                _apply_errors(form, exc.errors)
            else:
                flash(
                    "Het overleg is gewijzigd; de deelnemers krijgen een bijgewerkte uitnodiging."
                    if told
                    else "Het overleg is opgeslagen.",
                    "success",
                )
                return redirect(url_for("meetings.view", meeting_id=meeting.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "meetings/form.html",
        form=form,
        warnings=warnings,
        meeting=meeting,
        bodies=None,
        chosen=None,
    ), status


@bp.route("/overleggen/<int:meeting_id>/annuleren", methods=["GET", "POST"])
@access("secretaris")
def cancel(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    form = CancelForm()
    if meeting.is_cancelled:
        flash("Dit overleg is al geannuleerd.", "info")
        return redirect(url_for("meetings.view", meeting_id=meeting.id))
    refusal = dm.cancel_refusal(meeting)
    if refusal is not None:
        flash(refusal, "error")
        if request.method == "POST":
            return _render_meeting(meeting, status=400)
        return redirect(url_for("meetings.view", meeting_id=meeting.id))
    if form.validate_on_submit():
        try:
            returned = dc.cancel(
                meeting, form.reason.data, confirmed=bool(form.confirm.data), by=current_person()
            )
            record("meeting_cancelled", meeting)
            db.session.commit()
        except dm.MeetingError as exc:
            db.session.rollback()
            meeting = _load_meeting(meeting_id)
            _apply_errors(form, exc.errors)
        else:
            flash(
                _joined(
                    "Het overleg is geannuleerd; de deelnemers krijgen een annulering.",
                    dc.summary(returned),
                ),
                "success",
            )
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    status = 400 if request.method == "POST" else 200
    work = dc.work_on(meeting)
    rows = dc.work_rows(work, current_person())
    html = render_template("meetings/cancel.html", form=form, meeting=meeting, work=rows)
    # the list names a casus in full for who reads it: logged, by reference
    log_shown([r.reference for r in rows if r.full and r.casus], meeting)
    return html, status


# --- the meeting page ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _active_people_stmt():
    """Who may be invited as a guest: made once (a statement keeps its cache key)."""
    return (
        select(Person.id, Person.name, Person.email)
        .where(Person.active.is_(True))
        .order_by(Person.name)
    )


def _guest_choices(meeting: Meeting) -> list[SelectChoice]:
    taken = {p.person_id for p in meeting.participants}
    people = db.session.execute(_active_people_stmt()).all()
    return choices(
        [("", "Kies een persoon")]
        + [(str(pid), f"{name} ({email})") for pid, name, email in people if pid not in taken]
    )


def _render_meeting(meeting: Meeting, rsvp_form=None, guest_form=None, status: int = 200):
    participants = sorted(
        meeting.participants, key=lambda p: (PART_ORDER.get(p.part, 9), p.person.name)
    )
    me = current_person()
    mine = next((p for p in participants if p.person_id == me.id), None)
    if rsvp_form is None and mine is not None:
        rsvp_form = RsvpForm(
            formdata=None, rsvp=None if mine.rsvp == "open" else mine.rsvp, note=mine.rsvp_note
        )
    secretary = policy.is_staff(me)
    if secretary and guest_form is None:
        guest_form = GuestForm(formdata=None)
    people = _guest_choices(meeting) if secretary or guest_form is not None else []
    if guest_form is not None:
        guest_form.person.choices = people
    started = meeting.has_started()
    return render_template(
        "meetings/view.html",
        vacant_seats=meeting.vacant_seats,
        seat_choices=people if secretary and meeting.vacant_seats else [],
        meeting=meeting,
        participants=participants,
        mine=mine,
        rsvp_form=rsvp_form,
        guest_form=guest_form,
        secretary=secretary,
        started=started,
        past=dm.is_past(meeting),
        can_cancel=secretary and dm.cancel_refusal(meeting) is None,
        agenda_visible=agenda_visible_to(me, meeting),
        ics_url=_ics_url(meeting),
        plain_form=PlainForm(formdata=None),
        describe=ds.describe,
    ), status


@bp.route("/overleggen/<int:meeting_id>")
@access("login")
def view(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    return _render_meeting(meeting)


@bp.route("/overleggen/<int:meeting_id>/antwoord", methods=["POST"])
@access("login")
def rsvp(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    person_id = current_person().id
    mine = next((p for p in meeting.participants if p.person_id == person_id), None)
    if mine is None:
        abort(403)
    form = RsvpForm()
    if meeting.is_cancelled or dm.is_past(meeting):
        # The answer form is not shown on such a meeting: say why at the top of the page.
        flash(
            "Dit overleg is geannuleerd; een antwoord is niet meer nodig."
            if meeting.is_cancelled
            else dm.PAST_MESSAGES["rsvp"],
            "error",
        )
        return _render_meeting(meeting, status=400)
    if form.validate_on_submit():
        try:
            dm.answer(mine, form.rsvp.data, form.note.data)
            db.session.commit()
        except dm.MeetingError as exc:
            db.session.rollback()
            _apply_errors(form, exc.errors)
        else:
            flash("Uw antwoord is opgeslagen.", "success")
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    return _render_meeting(meeting, rsvp_form=form, status=400)


@bp.route("/overleggen/<int:meeting_id>/gasten", methods=["POST"])
@access("secretaris")
def add_guest(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    form = GuestForm()
    form.person.choices = []
    if form.validate_on_submit():
        person = None
        person_id = parse_id(form.person.data)
        if person_id is not None:
            person = db.session.get(Person, person_id)
            if person is not None and not person.active:
                person = None
        try:
            participant = dm.add_guest(meeting, person)
            db.session.flush()
            record("guest_added", meeting, after=changes.guest_values(participant))
            db.session.commit()
        except dm.MeetingError as exc:
            db.session.rollback()
            meeting = _load_meeting(meeting_id)
            if meeting.is_cancelled or dm.is_past(meeting):  # no guest form shown: flash it
                flash(next(iter(exc.errors.values())), "error")
            _apply_errors(form, exc.errors)
        else:
            flash(
                f"{participant.person.name} is als gast uitgenodigd. Een gast ziet een casus "
                "pas als u hem of haar op de agenda bij dat agendapunt noemt.",
                "success",
            )
            return redirect(url_for("meetings.view", meeting_id=meeting.id) + "#deelnemers")
    return _render_meeting(meeting, guest_form=form, status=400)


@bp.route("/overleggen/<int:meeting_id>/plaatsen/<int:seat_id>", methods=["POST"])
@access("secretaris")
def fill_seat(meeting_id: int, seat_id: int):
    """A vacant seat ("vacant — kies iemand"): the secretary picks who takes it."""
    meeting = _load_meeting(meeting_id)
    seat = next((v for v in meeting.vacant_seats if v.id == seat_id), None)
    if seat is None:
        abort(404)
    form = GuestForm()
    form.person.choices = []
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash("Kies wie deze plaats inneemt.", "error")
        return redirect(url_for("meetings.view", meeting_id=meeting.id) + f"#plaats-{seat.id}"), 303
    person_id = parse_id(form.person.data)
    person = db.session.get(Person, person_id) if person_id is not None else None
    label = f"{seat.part_label} ({seat.role.name})"
    try:
        participant = dm.fill_seat(meeting, seat, person)
        db.session.flush()
        record("seat_filled", meeting, after=changes.guest_values(participant))
        db.session.commit()
    except dm.MeetingError as exc:
        db.session.rollback()
        flash(next(iter(exc.errors.values())), "error")
        return redirect(url_for("meetings.view", meeting_id=meeting_id) + "#deelnemers"), 303
    flash(f"{participant.person.name} neemt de plaats {label} in.", "success")
    return redirect(url_for("meetings.view", meeting_id=meeting.id) + "#deelnemers")


@bp.route("/overleggen/<int:meeting_id>/gasten/<int:participant_id>/verwijderen", methods=["POST"])
@access("secretaris")
def remove_guest(meeting_id: int, participant_id: int):
    meeting = _load_meeting(meeting_id)
    participant = next((p for p in meeting.participants if p.id == participant_id), None)
    if participant is None:
        abort(404)
    form = PlainForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        name = participant.person.name
        values = changes.guest_values(participant)
        dm.remove_guest(meeting, participant)
        record("guest_removed", meeting, before=values)
        db.session.commit()
    except dm.MeetingError as exc:
        db.session.rollback()
        flash(next(iter(exc.errors.values())), "error")
        return redirect(url_for("meetings.view", meeting_id=meeting_id))
    flash(f"{name} is als gast verwijderd en krijgt een annulering.", "success")
    return redirect(url_for("meetings.view", meeting_id=meeting_id) + "#deelnemers")


@bp.route("/overleggen/<int:meeting_id>/aanwezigheid", methods=["GET", "POST"])
@access("secretaris")
def attendance(meeting_id: int):
    """The old attendance address: attendance has one screen, at the top of the minutes
    (``minutes.page``, section "Aanwezigheid"). A GET goes there; a POST is passed on with
    its form (307) to the one place that records it."""
    meeting = _load_meeting(meeting_id)
    if request.method == "POST":
        return redirect(url_for("minutes.attendance", meeting_id=meeting.id), 307)
    return redirect(url_for("minutes.page", meeting_id=meeting.id) + "#aanwezigheid")


# --- series ----------------------------------------------------------------------------------


def _series_kwargs(form) -> dict:
    return dict(
        frequency=form.frequency.data,
        interval=form.interval.data,
        weekday=form.weekday.data,
        week_of_month=form.week_of_month.data if form.frequency.data == "monthly_weekday" else None,
        first_date=form.first_date.data,
        start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data,
        until_date=form.until_date.data,
        occurrences=form.occurrences.data,
        location=(form.location.data or "").strip(),
        online_url=(form.online_url.data or "").strip(),
    )


@bp.route("/planning/reeks/nieuw", methods=["GET", "POST"])
@access("secretaris")
def series_new():
    bodies = dm.active_bodies()
    form = SeriesForm()
    form.meeting_type.choices = choices((b.id, b.name) for b in bodies)
    chosen = _body_by_code(request.args.get("overleg"))
    if request.method == "GET" and chosen is not None:
        form.meeting_type.data = chosen.id
        form.location.data = chosen.default_location
        form.duration_minutes.data = chosen.default_duration_minutes
    if form.validate_on_submit():
        body = db.get_or_404(MeetingType, form.meeting_type.data)
        try:
            series = ds.create_series(body, organizer=current_person(), **_series_kwargs(form))
            db.session.flush()
            placed = de.place_waiting(list(series.meetings), by=current_person())
            record("series_created", series)
            db.session.commit()
        except dm.MeetingError as exc:
            db.session.rollback()
            _apply_errors(form, exc.errors)
        else:
            flash(
                _joined(
                    f"Reeks aangemaakt: {len(series.meetings)} overleggen gepland.",
                    de.placed_summary(placed),
                ),
                "success",
            )
            return redirect(url_for("meetings.series_view", series_id=series.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "meetings/series_form.html", form=form, series=None, chosen=chosen
    ), status


def _get_series(series_id: int) -> MeetingSeries:
    series = db.session.get(
        MeetingSeries,
        series_id,
        options=[joinedload(MeetingSeries.meeting_type), selectinload(MeetingSeries.meetings)],
    )
    if series is None:
        abort(404)
    return series


@bp.route("/planning/reeks/<int:series_id>")
@access("secretaris")
def series_view(series_id: int):
    series = _get_series(series_id)
    return render_template(
        "meetings/series.html", series=series, describe=ds.describe, now=utcnow()
    )


@bp.route("/planning/reeks/<int:series_id>/bewerken", methods=["GET", "POST"])
@access("secretaris")
def series_edit(series_id: int):
    series = _get_series(series_id)
    form = EditSeriesForm()
    if request.method == "GET":
        form.frequency.data, form.interval.data = series.frequency, series.interval
        form.weekday.data = series.weekday
        form.week_of_month.data = series.week_of_month or 1
        form.first_date.data = series.first_date
        form.start_time.data = ds.parse_time(series.start_time)
        form.duration_minutes.data = series.duration_minutes
        form.until_date.data, form.occurrences.data = series.until_date, series.occurrences
        form.location.data, form.online_url.data = series.location, series.online_url
    if form.validate_on_submit():
        try:
            change = ds.update_series(series, organizer=current_person(), **_series_kwargs(form))
            db.session.flush()
            placed = de.place_waiting(change.created_meetings, by=current_person())
            record("series_changed", series)
            db.session.commit()
        except dm.MeetingError as exc:
            db.session.rollback()
            series = _get_series(series_id)
            _apply_errors(form, exc.errors)
        else:
            flash(
                _joined(
                    f"Reeks gewijzigd: {change.updated} overleggen aangepast, {change.created} "
                    f"toegevoegd, {change.cancelled} geannuleerd. Overleggen die al zijn geweest "
                    "of los zijn gewijzigd, bleven ongemoeid.",
                    dc.summary(change.returned),
                    de.placed_summary(placed),
                ),
                "success",
            )
            return redirect(url_for("meetings.series_view", series_id=series.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "meetings/series_form.html", form=form, series=series, chosen=None
    ), status
