"""Home page and the person's own profile."""

from __future__ import annotations

from flask import g, render_template

from ..access import access, current_person
from ..domain import my_meetings
from ..domain.policy import is_staff
from ..domain.roster import holdings_and_bodies, holdings_of
from ..domain.worklist import worklist
from ..timeutil import today_local, utcnow
from . import bp


@bp.route("/")
@access("login")
def home():
    person = current_person()
    today = today_local()
    holdings, bodies = holdings_and_bodies(person, today)
    return render_template(
        "main/home.html",
        bodies=bodies,
        holdings=holdings,
        upcoming=my_meetings.upcoming(person, utcnow()),
        worklist=worklist(person, today),
        show_worklist=is_staff(person),
    )


@bp.route("/mijn-gegevens")
@access("login")
def profile():
    g.nav_current = "main.profile"  # not in the menu: no item is current (not "Home")
    from ..auth.mfa import has_second_factor

    return render_template(
        "main/profile.html",
        holdings=holdings_of(current_person(), today_local()),
        second_factor=has_second_factor(current_person()),
    )


@bp.route("/health")
@access("public")
def health():
    return {"status": "ok"}
