"""The plan van aanpak of a topic: measures, progress, versions and adoption, and the list of
measures of one's own organisation."""

from flask import Blueprint

bp = Blueprint("aanpak", __name__)

from . import views  # noqa: E402,F401
