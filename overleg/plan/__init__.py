"""The jaarplan per year: the plan with all of section 5, editing, copying, adoption."""

from flask import Blueprint

bp = Blueprint("plan", __name__)

from . import views  # noqa: E402,F401
