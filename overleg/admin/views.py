"""Administration (beheerder): organisations, people, roles, meeting types, paths."""
from __future__ import annotations

from flask import render_template

from ..access import access
from . import bp


@bp.route("/")
@access("beheerder")
def index():
    return render_template("admin/index.html")
