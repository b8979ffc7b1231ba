"""E-mail: the outbox (queue, deliver, retry) and the secretary's page of sent messages."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/uitgaande-post")

from . import views  # noqa: E402,F401
