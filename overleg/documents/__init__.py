"""Documents (vergaderstukken) on agenda items, the agenda PDF and the vergaderstukken PDF."""

from flask import Blueprint

bp = Blueprint("documents", __name__)

from . import views  # noqa: E402,F401
