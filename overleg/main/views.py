"""Home page and the person's own profile."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..access import access
from ..domain.roster import bodies_of, holdings_of
from ..timeutil import today_local
from . import bp


@bp.route("/")
@access("login")
def home():
    today = today_local()
    return render_template("main/home.html", bodies=bodies_of(current_user, today),
                           holdings=holdings_of(current_user, today))


@bp.route("/mijn-gegevens")
@access("login")
def profile():
    return render_template("main/profile.html", holdings=holdings_of(current_user, today_local()))


@bp.route("/health")
@access("public")
def health():
    return {"status": "ok"}
