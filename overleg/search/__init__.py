"""Zoeken: one search over topics, decisions and minutes (overleg.domain.search)."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from . import views  # noqa: E402,F401
