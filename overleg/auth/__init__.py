from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import mfa_views, sso_views, views  # noqa: E402,F401
