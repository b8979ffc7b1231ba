from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/beheer")

from . import audit_log, views  # noqa: E402,F401
