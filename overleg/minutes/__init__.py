"""Minutes: taking notes during the meeting, the decision and action registers, approval,
versions, the archival PDF and the retention list."""

from flask import Blueprint

bp = Blueprint("minutes", __name__)

from . import retention_views, views  # noqa: E402,F401
