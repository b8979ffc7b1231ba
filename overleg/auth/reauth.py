"""Re-authentication before sensitive changes (OWASP ASVS 3.7.1).

A view marked ``@recent_login`` runs only when this login session proved its password in the
last ``REAUTH_MINUTES``: at the login itself, or on the confirmation page
(``auth.confirm_password``). Otherwise a GET goes to that page and comes back after it; a POST
(its form data cannot be carried across) goes there and then back to the page it came from.
Changing one's own password asks for the current password in its own form.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from functools import wraps
from typing import TypeVar
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from ..timeutil import utcnow
from .services import session_started_at

F = TypeVar("F", bound=Callable)
SESSION_KEY = "reauth_at"


def confirmed_now() -> None:
    """Note in this browser's session that the password was just confirmed."""
    session[SESSION_KEY] = utcnow().isoformat()


def is_recent() -> bool:
    """Did this login session prove its password within REAUTH_MINUTES?"""
    window = timedelta(minutes=current_app.config["REAUTH_MINUTES"])
    now = utcnow()
    moments = [session_started_at(current_user.get_id())]
    raw = session.get(SESSION_KEY)
    if isinstance(raw, str):
        with suppress(ValueError):
            moments.append(datetime.fromisoformat(raw))
    return any(m is not None and timedelta(0) <= now - m <= window for m in moments)


def _back_to() -> str:
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("main.home")


def recent_login(view: F) -> F:
    @wraps(view)
    def guarded(*args, **kwargs):
        if is_recent():
            return view(*args, **kwargs)
        if request.method != "GET":
            flash("Bevestig eerst uw wachtwoord en voer de wijziging daarna opnieuw uit.", "info")
        return redirect(url_for("auth.confirm_password", next=_back_to()))

    return guarded  # type: ignore[return-value]
