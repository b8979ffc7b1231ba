"""Residents' signals: the public page "Veiligheidssignaal doorgeven" and the triage list."""

from flask import Blueprint

bp = Blueprint("signals", __name__)

from . import views  # noqa: E402,F401
