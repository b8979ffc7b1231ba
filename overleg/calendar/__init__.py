"""Calendar: .ics download per meeting, the personal subscription feed, reminders."""

from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/agenda")

from . import views  # noqa: E402,F401
