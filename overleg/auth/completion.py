"""The one point where a sign-in becomes a login session (single sign-on calls it).

``complete_login`` starts the server-side session, notes in the browser's session whether the
identity provider already asserted a second factor (``PROVIDER_MFA``: Overleg's own TOTP is
then skipped, see ``provider_mfa()``), audits the login and redirects on. A second-factor step
belongs here too: ask ``needs_second_factor(person, provider_mfa=provider_mfa)`` before the
session is started, and send the browser to that step instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import redirect, request, session
from flask_login import login_user

from ..audit import record
from ..extensions import db
from ..models import Person
from .services import start_session

PROVIDER_MFA = "provider_mfa"


def provider_mfa() -> bool:
    """Did the identity provider assert a second factor for this login session?"""
    return session.get(PROVIDER_MFA) is True


def complete_login(
    person: Person,
    *,
    method: str,
    next_url: str,
    provider_mfa: bool = False,
    keep: Mapping[str, Any] | None = None,
):
    """Log ``person`` in (a fresh session: nothing of the anonymous one is carried over but
    ``keep``) and redirect to ``next_url``. ``method``: "password" or "oidc"."""
    session.clear()
    session.update(keep or {})
    session[PROVIDER_MFA] = bool(provider_mfa)
    start_session(person, request.remote_addr, request.user_agent.string)
    record("login", person, person=person, after={"method": method, "second_factor": provider_mfa})
    db.session.commit()
    login_user(person)
    return redirect(next_url)
