"""Who may use which endpoint.

Every view declares its rule with ``@access(...)``. The rule is enforced for every
request in one place (``enforce_access``), and an endpoint without a rule is refused:
deny by default. ``tests/test_access_guard.py`` walks the URL map and checks every
endpoint against anonymous, deelnemer, secretaris and beheerder requests.

Rules:
- ``public``: anyone, also without logging in (login page, static files).
- ``token``: anyone holding a secret token in the URL; the view checks the token.
- ``login``: any logged-in person (deelnemer, secretaris, beheerder).
- ``secretaris``: secretaries (OOV) and administrators.
- ``beheerder``: administrators only.
Objects a logged-in person may not see answer 404, decided by the domain's
read policy (overleg/domain/policy.py) inside the view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select

from .domain.loading import Collection, load_collections
from .domain.policy import meeting_visibility_clause
from .extensions import db

RULES = ("public", "token", "login", "secretaris", "beheerder")
F = TypeVar("F", bound=Callable)


def access(rule: str) -> Callable[[F], F]:
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def mark(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return mark


def rule_for(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return "public"
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def current_person():
    """The person of this request (or Flask-Login's anonymous user): the object itself, for
    the views to hand to the domain. `current_user` is a proxy that looks the user up again
    at every attribute read, some 5 µs a question of the read policy, which a register asks
    several times a row."""
    return current_user._get_current_object()


def allowed(rule: str, user) -> bool:
    if rule in ("public", "token"):
        return True
    if not user.is_authenticated:
        return False
    if rule == "login":
        return True
    if rule == "secretaris":
        return user.is_secretary
    if rule == "beheerder":
        return user.is_admin
    return False


def enforce_access():
    """before_request hook: refuse what the endpoint's rule does not allow."""
    if request.endpoint is None:  # 404/405 from routing; let Flask answer
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("Endpoint %s has no access rule; refused", request.endpoint)
        abort(403)
    user = current_person()
    if allowed(rule, user):
        return None
    if not user.is_authenticated:
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    abort(403)


@lru_cache(maxsize=64)
def _visible_meeting_stmt(visible, options: tuple):
    """The statement of `get_visible_meeting_or_404` for a visibility clause (the policy keeps
    a person's, so its identity keys this cache) and loader options (a page's fixed tuple),
    the meeting's id bound: made once, as a statement keeps its cache key."""
    from .models import Meeting

    return select(Meeting).where(visible, Meeting.id == bindparam("meeting_id")).options(*options)


def get_visible_meeting_or_404(
    meeting_id: int,
    person,
    options: Sequence = (),
    collections: Sequence[Collection] = (),
):
    """The meeting if this person may see it (read policy), else 404 (also when it does not
    exist): its existence and title are not revealed. ``options``: loader options of the
    meeting's own query (one tuple per page, made once); ``collections``: its collections,
    each by a statement made once (`overleg.domain.loading`), after the meeting was found."""
    meeting = db.session.scalar(
        _visible_meeting_stmt(meeting_visibility_clause(person), tuple(options)),
        {"meeting_id": meeting_id},
    )
    if meeting is None:
        abort(404)
    if collections:
        load_collections((meeting,), collections)
    return meeting
