"""The .ics download of a meeting, the personal feed, renewing it and reminders."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for

from ..access import access, current_person
from ..audit import record_change
from ..domain import audit_changes as changes
from ..domain.roster import holdings_of
from ..extensions import db
from ..ical import feed_ics, meeting_ics
from ..models import Meeting
from ..timeutil import to_local, today_local
from . import bp
from .feeds import (
    can_see_meeting,
    ensure_feed_token,
    feed_meetings,
    person_by_feed_token,
    renew_feed_token,
    set_alarm,
)
from .forms import AlarmForm


def _ics_response(text: str, filename: str | None = None, method: str = "PUBLISH"):
    response = current_app.response_class(text, mimetype="text/calendar")
    response.headers["Content-Type"] = f"text/calendar; method={method}; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/overleg/<int:meeting_id>.ics", endpoint="meeting_ics")
@access("login")
def meeting_ics_download(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_see_meeting(current_person(), meeting):
        abort(404)
    text = meeting_ics(meeting, "PUBLISH", alarm_minutes=current_person().alarm_minutes)
    day = to_local(meeting.starts_at).strftime("%Y-%m-%d")
    return _ics_response(text, f"overleg-{meeting.meeting_type.code}-{day}.ics")


@bp.route("/<token>.ics")
@access("token")
def feed(token: str):
    person = person_by_feed_token(token)
    if person is None:
        abort(404)
    return _ics_response(
        feed_ics(person, feed_meetings(person), alarm_minutes=person.alarm_minutes)
    )


def feed_url(person) -> str | None:
    if not person.feed_token:
        return None
    path = url_for("calendar.feed", token=person.feed_token)
    return current_app.config["BASE_URL"].rstrip("/") + path


@bp.route("/abonnement", methods=["POST"])
@access("login")
def renew_feed():
    person = current_person()
    had_feed = person.feed_token is not None
    if had_feed:
        renew_feed_token(person)
        flash(
            "Er is een nieuw agenda-adres gemaakt. Het oude adres werkt niet meer; "
            "abonneer uw agenda opnieuw met het nieuwe adres.",
            "success",
        )
    else:
        ensure_feed_token(person)
        flash("Uw persoonlijke agenda-adres is aangemaakt.", "success")
    record_change(changes.feed_change(person, had_feed))
    db.session.commit()
    return redirect(url_for("main.profile") + "#agenda")


@bp.route("/herinnering", methods=["POST"])
@access("login")
def alarm():
    person = current_person()
    form = AlarmForm()
    if form.validate_on_submit():
        set_alarm(person, form.minutes())
        db.session.commit()
        flash("Uw voorkeur voor herinneringen is opgeslagen.", "success")
        return redirect(url_for("main.profile") + "#agenda")
    return render_template(
        "main/profile.html", holdings=holdings_of(person, today_local()), alarm_form=form
    ), 400


@bp.app_context_processor
def _calendar_globals():
    def calendar_profile(form: AlarmForm | None = None) -> dict:
        person = current_person()
        if form is None:
            form = AlarmForm(formdata=None, alarm_minutes=str(person.alarm_minutes or ""))
        return {"feed_url": feed_url(person), "alarm_form": form}

    return {"calendar_profile": calendar_profile}
