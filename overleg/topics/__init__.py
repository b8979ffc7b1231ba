"""Topics (onderwerpen): list, page with timeline, backlog per body, open escalations."""

from flask import Blueprint

bp = Blueprint("topics", __name__)

from . import views  # noqa: E402,F401
